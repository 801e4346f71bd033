"""Dispatch with a real database: every committed corpus entry of every message family, and
mutations of each made with a fixed seed, sent as real frames of their type to a real patend
(the ASan/UBSan build in CI) on a demo database, as users of every role.

For each request: a reply arrives (no hang); it is a success or a typed Error whose code is not
INTERNAL; the connection still answers Ping. Frames of the frame corpus (garbage at the frame
level) are sent raw on connections of their own: the connection answers Ping or is closed, after
a typed error when one was due. patend never crashes and its log shows no sanitizer report; at
the end the audit chains verify and the invariant check is clean.

Why not an in-process libFuzzer target with a database: patend's handlers commit through its
connection pool (pd_db) on its own event loop, several statements and transactions per request,
so one rolled-back transaction around an input cannot hold them; a fresh database per input
costs about a second, some ten thousand times slower than libFuzzer's in-process rate. Replaying
the corpora (which the in-process targets grow) through the real server is what remains.

Usage (meson registers it): test_dispatch_replay.py CORPUS_DIR
"""
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import (FLAG_ERROR, FLAG_EVENT, FLAG_REPLY, PING, RPC,  # noqa: E402
                        SET_TEST_CLOCK, Closed, PatendTestCase, err_name, frame, main, pb)

CORPUS = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus")

# The families as ranges of MessageType numbers (as in fuzz_family.c and gen_seeds.py).
FAMILIES = {
    "system": lambda t: 1 <= t < 30 or 50 <= t < 60 or t >= 9000,
    "people": lambda t: 30 <= t < 50,
    "catalog": lambda t: 60 <= t < 80,
    "files": lambda t: 80 <= t < 130,
    "assess": lambda t: 130 <= t < 150,
    "money": lambda t: 150 <= t < 200,
}

# One user of every role; seeds go to each of them, mutations to one in turn.
USERS = ["admin@pemda-temanggung", "loket@kaloran", "camat@kaloran", "sekretariat@kaloran",
         "tim_teknis@kaloran", "kasir@kaloran", "auditor@kaloran",
         "petugas_skrd@dpmptsp-temanggung", "bendahara@dpmptsp-temanggung",
         "petugas_pajak@bapenda-temanggung"]

T = pb.MessageType
HELLO, LOGIN, RESUME = T.Value("MESSAGE_TYPE_HELLO"), T.Value("MESSAGE_TYPE_LOGIN"), \
    T.Value("MESSAGE_TYPE_RESUME")
# Sent on a connection without a session (Hello: without Hello either): they would replace the
# session of a user's connection.
NO_SESSION = {HELLO, LOGIN, RESUME}
INTERNAL = pb.ERROR_CODE_INTERNAL
UNAUTHENTICATED = pb.ERROR_CODE_UNAUTHENTICATED
REPLY_TIMEOUT = 20.0


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def mutations(payload, rng):
    """Deterministic variants of a valid payload: truncations, bit flips, fields of the wrong
    wire type, huge and lying lengths, strings that are not UTF-8, deep nesting, junk."""
    out = []
    if payload:
        out.append(payload[:len(payload) // 2])
        out.append(payload[:-1])
        b = bytearray(payload)
        for _ in range(2):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
    field = rng.randrange(1, 8)
    out += [
        # The same field number with each other wire type.
        payload + varint(field << 3 | 0) + varint(2**63 + rng.randrange(2**62)),
        payload + varint(field << 3 | 2) + varint(5) + b"\xff\xfe\x80\xc0\x1f",
        payload + varint(field << 3 | 5) + b"\xff\xff\xff\x7f",
        payload + varint(field << 3 | 1) + b"\x00" * 8,
        # A length far beyond the payload, and one just beyond it.
        varint(field << 3 | 2) + varint(0x7FFFFFFF) + b"abc",
        payload + varint(field << 3 | 2) + varint(len(payload) + 1) + payload,
        # Nesting as deep as the bytes allow.
        (varint(field << 3 | 2) + b"\x7f") * 40,
        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 48))),
    ]
    return out


class Conn:
    """One connection of the run: a user's, or an anonymous one."""

    def __init__(self, test, user=None, hello=True):
        self.test, self.user = test, user
        self.c = test.server.client(hello=hello, timeout=REPLY_TIMEOUT)
        if user:
            self.c.login(user)

    def close(self):
        self.c.close()


class DispatchReplay(PatendTestCase):
    # Mutated Login requests are failed logins from 127.0.0.1; the per-address login limit
    # (tests/server/test_hostile.py) would then refuse the roles' own re-logins at random.
    patend_extra_args = ["--login-rate-per-address", "0"]

    def setUp(self):
        super().setUp()
        self.rng = random.Random(20261206)
        self.stats = {}
        self.sent = 0
        self.conns = {}
        rows = self.db.sql("SELECT username, password_hash, active FROM users WHERE username IN "
                           "(%s)" % ", ".join("'%s'" % u for u in USERS))
        self.saved_users = [r.split("|") for r in rows.splitlines()]
        self.saved_roles = self.db.sql(
            "SELECT u.username, r.role FROM user_roles r JOIN users u ON u.id = r.user_id "
            "WHERE u.username IN (%s)" % ", ".join("'%s'" % u for u in USERS)).splitlines()

    def tearDown(self):
        for c in self.conns.values():
            c.close()
        super().tearDown()

    # -- users -----------------------------------------------------------------------------------

    def restore_users(self):
        """Undoes what fuzzed requests did to the role users (deactivated, password reset, roles
        changed, locked out) so that they can log in again."""
        for name, pw_hash, active in self.saved_users:
            self.db.sql("UPDATE users SET password_hash = '%s', active = '%s', failed_logins = 0, "
                        "locked_until = NULL, must_change_password = false WHERE username = '%s'"
                        % (pw_hash, active, name))
        self.db.sql("DELETE FROM user_roles WHERE user_id IN (SELECT id FROM users WHERE "
                    "username IN (%s))" % ", ".join("'%s'" % u for u in USERS))
        for row in self.saved_roles:
            name, role = row.split("|")
            self.db.sql("INSERT INTO user_roles (user_id, role) SELECT id, '%s' FROM users "
                        "WHERE username = '%s'" % (role, name))

    def conn(self, user):
        if user not in self.conns:
            try:
                self.conns[user] = Conn(self, user)
            except Exception:
                self.restore_users()
                self.conns[user] = Conn(self, user)
        return self.conns[user]

    def drop(self, user):
        c = self.conns.pop(user, None)
        if c:
            c.close()

    # -- one request -----------------------------------------------------------------------------

    def alive(self, what):
        self.assertIsNone(self.server.proc.poll(), "patend died after %s:\n%s"
                          % (what, self.server.log_text()[-4000:]))
        log = self.server.log_text()
        for bad in ("runtime error", "AddressSanitizer", "LeakSanitizer"):
            self.assertNotIn(bad, log, "after %s" % what)

    def exchange(self, c, type_, payload, what):
        """Sends one request frame on c, returns the reply's error code (0 for success)."""
        rid = c.next_id
        c.next_id += 1
        c.send_raw(frame(type_, rid, payload))
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            self.assertLess(time.monotonic(), deadline, "no reply to %s" % what)
            try:
                _, flags, rtype, rrid, body = c.recv_frame()
            except socket.timeout:
                self.fail("no reply to %s within %.0f s" % (what, REPLY_TIMEOUT))
            if flags & FLAG_EVENT:
                continue
            self.assertTrue(flags & FLAG_REPLY, what)
            self.assertEqual((rtype, rrid), (type_, rid), "reply to %s" % what)
            if flags & FLAG_ERROR:
                e = pb.Error()
                e.ParseFromString(body)
                self.assertNotEqual(e.code, INTERNAL, "%s: INTERNAL (%s)\n%s"
                                    % (what, e.detail, self.server.log_text()[-3000:]))
                self.assertIn(e.code, pb.ErrorCode.values(), what)
                return e.code
            RPC[type_][1]().ParseFromString(body)
            return 0

    def ping(self, c, what):
        code = self.exchange(c, PING, pb.PingRequest().SerializeToString(),
                             "Ping after " + what)
        self.assertEqual(code, 0, "Ping after %s failed: %s" % (what, err_name(code)))

    def send(self, type_, payload, user, what):
        """One request as user (None: on a fresh connection without a session)."""
        self.sent += 1
        if type_ in NO_SESSION or user is None:
            c = Conn(self, None, hello=type_ != HELLO).c
            try:
                code = self.exchange(c, type_, payload, what)
                if not (type_ == HELLO and code != 0):
                    self.ping(c, what)
            except Closed:
                # Only a refused Hello may close the connection.
                self.assertEqual(type_, HELLO, "%s: connection closed" % what)
            finally:
                c.close()
        else:
            conn = self.conn(user)
            try:
                code = self.exchange(conn.c, type_, payload, what)
                self.ping(conn.c, what)
            except Closed:
                self.fail("%s: connection closed\n%s" % (what, self.server.log_text()[-3000:]))
            if code == UNAUTHENTICATED:
                # Logout, an expired session (the test clock), a password reset: log in again.
                self.drop(user)
        self.stats[code] = self.stats.get(code, 0) + 1
        if self.sent % 50 == 0:
            self.alive(what)

    # -- the run ---------------------------------------------------------------------------------

    def family_inputs(self, family):
        types = sorted(t for t in RPC if FAMILIES[family](t))
        d = os.path.join(CORPUS, family)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            if not data:
                continue
            yield name, types[data[0] % len(types)], data[1:], types

    def test_every_family(self):
        for family in FAMILIES:
            n = 0
            start = time.monotonic()
            for name, type_, payload, types in self.family_inputs(family):
                tname = T.Name(type_)[len("MESSAGE_TYPE_"):]
                users = [None] if type_ in NO_SESSION else USERS
                for user in users:
                    self.send(type_, payload, user, "%s/%s (%s) as %s" % (family, name, tname,
                                                                          user))
                    n += 1
                for i, m in enumerate(mutations(payload, self.rng)):
                    user = USERS[(n + i) % len(USERS)]
                    self.send(type_, m, user, "%s/%s (%s) mutation %d as %s"
                              % (family, name, tname, i, user))
                    n += 1
                # The same payload as the family's next type: a message of the wrong type.
                other = types[(types.index(type_) + 1) % len(types)]
                self.send(other, payload, USERS[n % len(USERS)], "%s/%s as %s"
                          % (family, name, T.Name(other)))
                n += 1
            self.alive("family " + family)
            # The test clock may have been moved or frozen: back to the real time.
            c = Conn(self, None).c
            self.exchange(c, SET_TEST_CLOCK, pb.SetTestClockRequest(reset=True)
                          .SerializeToString(), "clock reset")
            c.close()
            print("# %s: %d requests in %.1f s" % (family, n, time.monotonic() - start))
        self.frames()
        print("# replies: %s" % ", ".join("%s %d" % ("OK" if k == 0 else err_name(k), v)
                                         for k, v in sorted(self.stats.items())))
        self.alive("every family")
        # The chains still verify and the money still adds up.
        for c in list(self.conns):
            self.drop(c)
        self.restore_users()
        auditor = self.conn("auditor@kaloran").c
        r = auditor.rpc("VerifyAudit")
        self.assertTrue(r.intact, r)
        r = auditor.rpc("CheckInvariants")
        self.assertEqual(list(r.violations), [])
        admin = self.conn("admin@pemda-temanggung").c
        self.assertTrue(admin.rpc("VerifyAudit").intact)

    def test_tariff_table_key_twice(self):
        # Found by fuzz_assess: a key given twice in a tariff's index table was accepted and
        # stored as one entry (the table is a JSON object), so the saved tariff differed from
        # the one the ADMIN sent.
        with open(os.path.join(CORPUS, "assess", "save_tariff_tariff_duplicate_table_key"),
                  "rb") as f:
            req = pb.SaveTariffRequest.FromString(f.read()[1:])
        e = self.conn("admin@pemda-temanggung").c.rpc_error("SaveTariff", tariff=req.tariff,
                                                            idempotency_key=req.idempotency_key)
        self.assertEqual(err_name(e.err.code), "INVALID_ARGUMENT")
        self.assertEqual(e.err.field, "tariff.inputs")
        self.assertIn("given twice", e.err.detail)

    def frames(self):
        """The frame corpus (first byte: fuzz_frame's chunk size; the rest: a byte stream) sent
        raw, then a Ping: the Ping is answered, or the connection is closed."""
        d = os.path.join(CORPUS, "frame")
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()[1:]
            c = Conn(self, None, hello=False).c
            c.sock.settimeout(3)
            what = "frame/" + name
            errors = []
            try:
                c.send_raw(data + frame(PING, 0xFFFFFFF0, pb.PingRequest().SerializeToString()))
                while True:
                    _, flags, rtype, rid, body = c.recv_frame()
                    if flags & FLAG_ERROR:
                        e = pb.Error()
                        e.ParseFromString(body)
                        self.assertNotEqual(e.code, INTERNAL, what)
                        errors.append(e.code)
                    if rid == 0xFFFFFFF0:
                        break
            except (Closed, ConnectionResetError, BrokenPipeError):
                # Closed for garbage: with a typed error saying why.
                self.assertTrue(errors, "%s: closed without an error frame" % what)
            except socket.timeout:
                # A frame that declares more bytes than were sent is still being read (the
                # Ping is taken as its payload): the server waits, as it should.
                pass
            finally:
                c.close()
            self.alive(what)


if __name__ == "__main__":
    main()
