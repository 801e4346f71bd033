"""Throwaway PostgreSQL clusters for the tests.

A cluster lives in a temporary directory, listens only on a Unix socket in that directory, and
trusts local connections (the socket directory is private to the cluster's user). When the tests
run as root, initdb and postgres run as an unprivileged user (Debian's `postgres`), because
initdb refuses root.

scripts/test starts one shared cluster for the whole run (`pgcluster.py start DIR`) and exports
PATEN_TEST_PG=DIR; each test then creates its own database in it. A test that needs to stop or
restart PostgreSQL uses a private cluster instead, so it never disturbs the others.

Run as a program: pgcluster.py start DIR | stop DIR
"""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid

PG_USER_WHEN_ROOT = os.environ.get("PATEN_TEST_PG_USER", "postgres")


def pg_bin_dir():
    """The newest /usr/lib/postgresql/<v>/bin that has initdb and postgres."""
    candidates = []
    for d in glob.glob("/usr/lib/postgresql/*/bin"):
        if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "postgres")):
            try:
                candidates.append((float(d.split("/")[-2]), d))
            except ValueError:
                pass
    if not candidates:
        raise RuntimeError("no PostgreSQL server found under /usr/lib/postgresql/*/bin")
    return max(candidates)[1]


def _demote(user):
    """preexec_fn that drops root to `user` (the cluster's owner)."""
    pw = pwd.getpwnam(user)

    def run():
        os.setgid(pw.pw_gid)
        os.initgroups(user, pw.pw_gid)
        os.setuid(pw.pw_uid)

    return run


class Cluster:
    """One PostgreSQL cluster under `root` (created when missing)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.data = os.path.join(self.root, "data")
        self.sock = os.path.join(self.root, "sock")
        self.log = os.path.join(self.root, "postgresql.log")
        self.bin = pg_bin_dir()
        self.as_root = os.geteuid() == 0
        self.owner = PG_USER_WHEN_ROOT if self.as_root else pwd.getpwuid(os.geteuid()).pw_name

    # -- process control ----------------------------------------------------------------
    def _run(self, argv, **kw):
        if self.as_root:
            kw["preexec_fn"] = _demote(self.owner)
        return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)

    def _chown(self, path):
        if self.as_root:
            pw = pwd.getpwnam(self.owner)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def init(self):
        os.makedirs(self.root, exist_ok=True)
        # The cluster's user must be able to traverse to its directories.
        os.chmod(self.root, 0o755)
        self._chown(self.root)
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            self._run([os.path.join(self.bin, "initdb"), "-D", self.data, "-E", "UTF8",
                       "--locale=C", "-A", "trust", "-U", "postgres", "--no-sync"])
        os.makedirs(self.sock, exist_ok=True)
        os.chmod(self.sock, 0o700)
        self._chown(self.sock)

    def _pg_ctl(self, *args):
        return self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data] + list(args))

    def start(self):
        """Starts postgres; pg_ctl -w returns once it accepts connections."""
        self.init()
        opts = " ".join([
            "-c listen_addresses=''", "-c unix_socket_directories=" + self.sock,
            # fsync off is safe here (only the OS crashing loses data) and fast; commits stay
            # synchronous so that killing PostgreSQL never loses an acknowledged transaction.
            "-c fsync=off", "-c full_page_writes=off",
            "-c max_connections=300", "-c shared_buffers=64MB"])
        try:
            self._pg_ctl("-l", self.log, "-o", opts, "-w", "-t", "120", "start")
        except subprocess.CalledProcessError as e:
            raise RuntimeError("postgres did not start: %s\n%s" % (e.stdout, self.log_tail()))
        self.psql("postgres", "DO $$ BEGIN "
                  "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'paten_owner') THEN "
                  "CREATE ROLE paten_owner LOGIN; END IF; "
                  "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'paten_app') THEN "
                  "CREATE ROLE paten_app LOGIN; END IF; END $$")

    def log_tail(self, n=20):
        try:
            with open(self.log, "r", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def pid(self):
        """The postmaster's pid, or None when it is not running."""
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def running(self):
        pid = self.pid()
        return pid is not None and os.path.exists("/proc/%d" % pid)

    def stop(self, mode="fast"):
        """Stops postgres in mode smart, fast or immediate; pg_ctl -w returns once it is gone."""
        if not self.running():
            return
        self._pg_ctl("-m", mode, "-w", "-t", "120", "stop")

    def destroy(self):
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- databases -------------------------------------------------------------------------
    def conninfo(self, dbname, user):
        return "host=%s port=5432 dbname=%s user=%s" % (self.sock, dbname, user)

    def psql(self, dbname, sql, user="postgres"):
        """Runs sql and returns its unaligned output (one row per line, fields split by |)."""
        r = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-h", self.sock, "-U", user, "-d", dbname, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql failed: %s" % r.stderr.strip())
        return r.stdout.strip()

    def create_database(self):
        name = "paten_t_" + uuid.uuid4().hex[:12]
        self.psql("postgres", "CREATE DATABASE %s OWNER paten_owner" % name)
        return name

    def drop_database(self, name):
        self.psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def temp_root(prefix):
    """A temporary directory that the cluster's user can reach even when we are root."""
    base = os.environ.get("PATEN_TEST_TMP", "/tmp")
    d = tempfile.mkdtemp(prefix=prefix, dir=base)
    os.chmod(d, 0o755)
    return d


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.stderr.write("usage: pgcluster.py start|stop DIR\n")
        return 2
    c = Cluster(argv[2])
    if argv[1] == "start":
        c.start()
        print(c.root)
    else:
        c.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
