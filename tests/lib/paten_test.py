"""Test harness for patend: start real processes, talk the real protocol over real sockets.

The client here is written from docs/protocol.md and paten.proto alone, independently of the C
code in common/: it is the proof that a third party can write a client from that page.

Environment (set by meson test, see tests/meson.build):
  PATEND           path of the patend binary
  PATENCTL         path of the patenctl binary
  PATEN_PROTO_PY   directory holding the generated paten_pb2.py
  PATEN_TEST_PG    a shared cluster started by scripts/test (optional; else one per test file)
"""

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import unittest

sys.path.insert(0, os.environ.get("PATEN_PROTO_PY", "."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import paten_pb2 as pb  # noqa: E402
import pgcluster  # noqa: E402

MAGIC = b"PATN"
HEADER = struct.Struct(">4sBBHII")
FLAG_REPLY, FLAG_ERROR, FLAG_EVENT = 0x01, 0x02, 0x04

T = pb.MessageType


def _type_of(rpc_name):
    """MessageType value of an rpc: GetSession -> MESSAGE_TYPE_GET_SESSION."""
    return T.Value("MESSAGE_TYPE_" + re.sub(r"(?<!^)(?=[A-Z])", "_", rpc_name).upper())


# Request type -> (request class, reply class), read from service Paten of paten.proto, the same
# pairing docs/protocol.md describes.
RPC = {}
TYPE = {}  # rpc name -> type
for _m in pb.DESCRIPTOR.services_by_name["Paten"].methods:
    TYPE[_m.name] = _type_of(_m.name)
    RPC[TYPE[_m.name]] = (getattr(pb, _m.input_type.name), getattr(pb, _m.output_type.name))

HELLO = T.Value("MESSAGE_TYPE_HELLO")
PING = T.Value("MESSAGE_TYPE_PING")
SERVER_INFO = T.Value("MESSAGE_TYPE_SERVER_INFO")
SET_TEST_CLOCK = T.Value("MESSAGE_TYPE_SET_TEST_CLOCK")
EVENT = T.Value("MESSAGE_TYPE_EVENT")
DEMO_PASSWORD = "rahasia-demo-2026"


def err_name(code):
    return pb.ErrorCode.Name(code)[len("ERROR_CODE_"):]


def header(type_, request_id, length, flags=0, version=1, magic=MAGIC):
    return HEADER.pack(magic, version, flags, type_, request_id, length)


def frame(type_, request_id, payload=b"", flags=0):
    return header(type_, request_id, len(payload), flags) + payload


class PatenError(Exception):
    def __init__(self, err, type_=None, request_id=None):
        self.err = err
        self.code = err_name(err.code)
        self.type = type_
        self.request_id = request_id
        super().__init__("%s: %s (%s)" % (self.code, err.message, err.detail))


class Closed(Exception):
    pass


class Client:
    """A blocking protocol client over one TCP connection."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0, rcvbuf=None, tls=None,
                 server_hostname="localhost"):
        """tls: an ssl.SSLContext to speak TLS with (see TestPKI.client_context); the
        handshake is done here."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname=server_hostname)
        self.buf = b""
        self.next_id = 1
        self.events = []

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, type_, msg=None, request_id=None, flags=0):
        if request_id is None:
            request_id = self.next_id
            self.next_id += 1
        payload = msg.SerializeToString() if msg is not None else b""
        self.sock.sendall(frame(type_, request_id, payload, flags))
        return request_id

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("connection closed by the server")
            self.buf += chunk

    def recv_frame(self):
        """Returns (version, flags, type, request_id, payload)."""
        self._fill(HEADER.size)
        magic, version, flags, type_, rid, length = HEADER.unpack(self.buf[:HEADER.size])
        assert magic == MAGIC, "bad magic from server: %r" % magic
        self._fill(HEADER.size + length)
        payload = self.buf[HEADER.size:HEADER.size + length]
        self.buf = self.buf[HEADER.size + length:]
        return version, flags, type_, rid, payload

    def recv_reply(self):
        """Next non-event frame, decoded: (type, request_id, message or PatenError)."""
        while True:
            _, flags, type_, rid, payload = self.recv_frame()
            if flags & FLAG_EVENT:
                ev = pb.Event()
                ev.ParseFromString(payload)
                self.events.append(ev)
                continue
            assert flags & FLAG_REPLY, "server sent a frame that is neither reply nor event"
            if flags & FLAG_ERROR:
                e = pb.Error()
                e.ParseFromString(payload)
                return type_, rid, PatenError(e, type_, rid)
            reply_cls = RPC[type_][1]
            m = reply_cls()
            m.ParseFromString(payload)
            return type_, rid, m

    def call(self, type_, msg=None):
        rid = self.send(type_, msg if msg is not None else RPC[type_][0]())
        rtype, rrid, m = self.recv_reply()
        assert rrid == rid, "reply to request %d arrived for %d" % (rid, rrid)
        assert rtype == type_
        if isinstance(m, PatenError):
            raise m
        return m

    def expect_error(self, type_, msg=None):
        try:
            self.call(type_, msg)
        except PatenError as e:
            return e
        raise AssertionError("expected an error reply")

    def rpc(self, rpc_name, /, **fields):
        """Calls an rpc by name with the request's fields: c.rpc("Login", login=..., ...)."""
        type_ = TYPE[rpc_name]
        return self.call(type_, RPC[type_][0](**fields))

    def rpc_error(self, rpc_name, /, **fields):
        """Calls an rpc that must fail; returns the PatenError."""
        try:
            self.rpc(rpc_name, **fields)
        except PatenError as e:
            return e
        raise AssertionError("%s was expected to fail" % rpc_name)

    def login(self, user, password=DEMO_PASSWORD):
        self.session = self.rpc("Login", login=user, password=password)
        return self.session

    def next_event(self, timeout=10):
        """The next pushed event (those already read while waiting for replies first)."""
        if self.events:
            return self.events.pop(0)
        old = self.sock.gettimeout()
        self.sock.settimeout(timeout)
        try:
            while True:
                _, flags, type_, rid, payload = self.recv_frame()
                if flags & FLAG_EVENT:
                    ev = pb.Event()
                    ev.ParseFromString(payload)
                    return ev
                raise AssertionError("a reply arrived while waiting for an event")
        finally:
            self.sock.settimeout(old)

    def hello(self, name="paten-tests", major=1, minor=0):
        return self.call(HELLO, pb.HelloRequest(protocol_major=major, protocol_minor=minor,
                                                client_name=name, client_version="1"))

    def wait_closed(self):
        """Reads until the server closes; returns the frames received meanwhile."""
        frames = []
        while True:
            try:
                frames.append(self.recv_frame())
            except Closed:
                return frames
            except ConnectionResetError:
                return frames


def connect(port, **kw):
    c = Client(port, **kw)
    c.hello()
    return c


class TestPKI:
    """Certificates made for one test run with the openssl command line, in dir: a CA and a
    server certificate for localhost and 127.0.0.1 signed by it (ca.pem, server.pem,
    server.key), and client certificates (client_cert(name, ca)). Another CA (other_ca) signs
    certificates no one trusts."""

    def __init__(self, dir):
        self.dir = dir
        self.ca = self._ca("ca", "PATEN Test CA")
        self.other_ca = self._ca("other-ca", "Someone Else's CA")
        self.server_cert, self.server_key = self.issue(
            "server", "localhost", self.ca, san="DNS:localhost,IP:127.0.0.1")

    def _run(self, *args):
        r = subprocess.run(["openssl"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise AssertionError("openssl %s failed:\n%s" % (" ".join(args), r.stderr))
        return r.stdout

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _ca(self, name, cn):
        cert, key = self._path(name + ".pem"), self._path(name + ".key")
        self._run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=" + cn,
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return (cert, key)

    def issue(self, name, cn, ca, san=None, client=False):
        """A certificate for cn signed by ca (a (cert, key) pair): returns (cert, key) paths."""
        cert, key, csr = (self._path(name + ".pem"), self._path(name + ".key"),
                          self._path(name + ".csr"))
        ext = self._path(name + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\n")
            f.write("extendedKeyUsage=%s\n" % ("clientAuth" if client else "serverAuth"))
            if san:
                f.write("subjectAltName=%s\n" % san)
        self._run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key, "-out", csr, "-subj", "/CN=" + cn)
        self._run("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
                  "-out", cert, "-days", "30", "-extfile", ext)
        os.chmod(key, 0o600)
        return (cert, key)

    def client_cert(self, name, ca=None):
        return self.issue(name, name, ca or self.ca, client=True)

    def fingerprint(self, cert):
        """SHA-256 of the certificate's DER, 64 lowercase hex digits."""
        out = self._run("x509", "-in", cert, "-noout", "-fingerprint", "-sha256")
        return out.strip().split("=", 1)[1].replace(":", "").lower()

    def server_args(self, client_ca=None):
        args = ["--tls-cert", self.server_cert, "--tls-key", self.server_key]
        if client_ca is not None:
            args += ["--tls-client-ca", client_ca]
        return args

    def client_context(self, cert=None, minimum=None, maximum=None):
        """An ssl.SSLContext trusting the test CA (and presenting cert, a (cert, key) pair)."""
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.ca[0])
        if minimum is not None:
            ctx.minimum_version = minimum
        if maximum is not None:
            ctx.maximum_version = maximum
        if cert is not None:
            ctx.load_cert_chain(cert[0], cert[1])
        return ctx


class Patend:
    """A patend process. Its stderr is collected by a thread; wait_for_log waits for a line."""

    READY = re.compile(r"ready: listening on (\S+):(\d+)")

    def __init__(self, args, env=None, data_dir=None):
        self.args = list(args)
        self.env = dict(os.environ)
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        if env:
            self.env.update(env)
        self.data_dir = data_dir
        self.proc = None
        self.lines = []
        self.cond = threading.Condition()
        self.port = None

    def start(self, timeout=60):
        argv = [os.environ["PATEND"], "--listen", "127.0.0.1:0", "--log-level", "debug"]
        argv += self.args
        self.lines = []
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=self.env)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        m = self.wait_for_log(self.READY, timeout)
        self.port = int(m.group(2))
        return self

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if os.environ.get("PATEN_TEST_VERBOSE"):
                sys.stderr.write("patend: " + line + "\n")
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)  # end of stream
            self.cond.notify_all()

    def wait_for_log(self, pattern, timeout=30, start=0):
        """Blocks until a log line from index `start` on matches; returns the match."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    line = self.lines[i]
                    if line is None:
                        raise AssertionError("patend exited before logging %r:\n%s" %
                                             (rx.pattern, self.log_text()))
                    m = rx.search(line)
                    if m:
                        return m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("patend did not log %r within %ss:\n%s" %
                                         (rx.pattern, timeout, self.log_text()))
                self.cond.wait(left)

    def wait_for_count(self, pattern, count, timeout=30, start=0):
        """Blocks until `count` log lines from index `start` on match pattern."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                lines = self.lines[start:]
                if sum(1 for l in lines if l is not None and rx.search(l)) >= count:
                    return
                if None in lines:
                    raise AssertionError("patend exited before logging %r %d times:\n%s" %
                                         (pattern, count, self.log_text()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("patend did not log %r %d times within %ss:\n%s" %
                                         (pattern, count, timeout, self.log_text()))
                self.cond.wait(left)

    def log_text(self):
        return "\n".join(l for l in self.lines if l is not None)

    def log_mark(self):
        with self.cond:
            return len(self.lines)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Signals patend (unless sig is None) and waits for it to exit; returns its status."""
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def client(self, hello=True, **kw):
        c = Client(self.port, **kw)
        if hello:
            c.hello()
        return c


_shared_cluster = None


def shared_cluster():
    """The run's shared cluster (PATEN_TEST_PG), or one private to this test process."""
    global _shared_cluster
    if _shared_cluster is None:
        root = os.environ.get("PATEN_TEST_PG")
        if root:
            _shared_cluster = pgcluster.Cluster(root)
        else:
            _shared_cluster = pgcluster.Cluster(pgcluster.temp_root("paten-pg-"))
            _shared_cluster.start()
            import atexit
            atexit.register(_shared_cluster.destroy)
    return _shared_cluster


class Database:
    """A fresh database for one test, with the owner and app connection strings patend needs."""

    def __init__(self, cluster=None):
        self.cluster = cluster or shared_cluster()
        self.name = self.cluster.create_database()

    def patend_args(self):
        return ["--db", self.cluster.conninfo(self.name, "paten_app"),
                "--db-owner", self.cluster.conninfo(self.name, "paten_owner")]

    def sql(self, query, user="postgres"):
        return self.cluster.psql(self.name, query, user=user)

    def drop(self):
        self.cluster.drop_database(self.name)


class PatendTestCase(unittest.TestCase):
    """Each test gets its own database with the demo data (password DEMO_PASSWORD) and a patend
    on it (extra flags: patend_extra_args)."""

    patend_extra_args = []

    def setUp(self):
        self.db = Database()
        self.server = Patend(self.db.patend_args() + ["--demo"] + self.patend_extra_args,
                             env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})
        self.server.start()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        rc = self.server.stop()
        self.db.drop()
        self.assertEqual(rc, 0, "patend exited with %s:\n%s" % (rc, self.server.log_text()))

    def client(self, **kw):
        c = self.server.client(**kw)
        self.clients.append(c)
        return c

    def login(self, user, **kw):
        """A new connection logged in as a demo user ("admin@pemda-temanggung")."""
        c = self.client(**kw)
        c.login(user)
        return c

    def set_clock(self, **change):
        """Moves patend's business clock: offset_ms=..., freeze_at_ms=..., or reset=True."""
        c = self.client()
        r = c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(**change))
        return r.server_time_ms


class _TapResult(unittest.TestResult):
    """Prints one TAP line per test as it finishes (a test with a failed subTest is "not ok",
    each failed subTest's traceback printed as a comment)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.n = 0
        self.lined = False
        self.failed_subtests = 0

    def startTest(self, test):
        super().startTest(test)
        self.lined = False
        self.failed_subtests = 0

    def stopTest(self, test):
        # unittest reports neither success nor failure for a test whose subTests failed.
        if not self.lined:
            self._line(test, False, " # %d subtest(s) failed" % self.failed_subtests)
        super().stopTest(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_subtests += 1
            print("# %s" % subtest.id())
            for l in "".join(traceback.format_exception(*err)).splitlines():
                print("# " + l)
            sys.stdout.flush()

    def _line(self, test, ok, note=""):
        self.n += 1
        self.lined = True
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, test.id(), note), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def _fail(self, test, err):
        self._line(test, False)
        for l in "".join(traceback.format_exception(*err)).splitlines():
            print("# " + l)
        sys.stdout.flush()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, True, " # SKIP " + reason)


def main():
    """Runs the calling module's tests and prints TAP (meson test protocol 'tap')."""
    module = sys.modules["__main__"]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    if len(sys.argv) > 1:
        suite = unittest.TestSuite(t for t in _flatten(suite) if any(a in t.id() for a in sys.argv[1:]))
    total = suite.countTestCases()
    print("1..%d" % total, flush=True)
    result = _TapResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t
