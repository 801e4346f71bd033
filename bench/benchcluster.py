#!/usr/bin/python3
"""benchcluster.py: the private PostgreSQL cluster of bench/run.

Like tests/lib/pgcluster.py (same layout, same roles paten_owner and paten_app, Unix socket
only), but durable: fsync, full_page_writes and synchronous_commit on, as a production server
runs, because the benchmark measures committed work. The log line prefix is the one
bench/capture_sql.py reads.

  benchcluster.py start DIR   starts it (initdb on first use) and prints DIR
  benchcluster.py stop DIR    stops it and removes DIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))

import pgcluster  # noqa: E402

PREFIX = "%n [%p] %d %x "


class BenchCluster(pgcluster.Cluster):

    def start(self):
        self.init()
        opts = " ".join([
            "-c listen_addresses=''", "-c unix_socket_directories=" + self.sock,
            "-c fsync=on", "-c full_page_writes=on", "-c synchronous_commit=on",
            "-c max_connections=300", "-c shared_buffers=256MB"])
        try:
            self._pg_ctl("-l", self.log, "-o", opts, "-w", "-t", "120", "start")
        except subprocess.CalledProcessError as e:
            raise RuntimeError("postgres did not start: %s\n%s" % (e.stdout, self.log_tail()))
        self.psql("postgres", "ALTER SYSTEM SET log_line_prefix = '%s'" % PREFIX)
        self.psql("postgres", "SELECT pg_reload_conf()")
        self.psql("postgres", "DO $$ BEGIN "
                  "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'paten_owner') THEN "
                  "CREATE ROLE paten_owner LOGIN; END IF; "
                  "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'paten_app') THEN "
                  "CREATE ROLE paten_app LOGIN; END IF; END $$")
        # The settings the figures depend on, checked rather than assumed.
        got = self.psql("postgres", "SELECT current_setting('fsync') || ',' || "
                        "current_setting('synchronous_commit')")
        if got != "on,on":
            raise RuntimeError("fsync/synchronous_commit are %s, not on,on" % got)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.stderr.write(__doc__)
        return 2
    c = BenchCluster(argv[2])
    if argv[1] == "start":
        c.start()
        print(c.root)
    else:
        c.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
