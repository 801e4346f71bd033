"""The wire protocol against a real patend: framing, limits, typed errors, pipelining and
backpressure (issue 2's acceptance tests)."""

import os
import socket
import sys
import threading
import time  # noqa: F401 - server time sanity check

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import (EVENT, FLAG_ERROR, FLAG_REPLY, HELLO, PING, SERVER_INFO, Closed,  # noqa: E402
                        PatendTestCase, PatenError, err_name, frame, header, main, pb)


def hello_frame(rid=1, major=1, name="paten-tests"):
    m = pb.HelloRequest(protocol_major=major, protocol_minor=0, client_name=name,
                        client_version="1")
    return frame(HELLO, rid, m.SerializeToString())


def decode_error(payload):
    e = pb.Error()
    e.ParseFromString(payload)
    return e


class Pinger(threading.Thread):
    """Another client that keeps pinging while a test misbehaves elsewhere; every ping must be
    answered for as long as it runs."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.client = server.client()
        self.stop_flag = threading.Event()
        self.cond = threading.Condition()
        self.answered = 0
        self.failure = None

    def run(self):
        try:
            while not self.stop_flag.is_set():
                self.client.call(PING, pb.PingRequest())
                with self.cond:
                    self.answered += 1
                    self.cond.notify_all()
        except Exception as e:  # noqa: BLE001 - reported by finish()
            with self.cond:
                self.failure = e
                self.cond.notify_all()

    def finish(self, test):
        # At least two more pings after the misbehaviour prove the server is still serving.
        with self.cond:
            target = self.answered + 2
            self.cond.wait_for(lambda: self.answered >= target or self.failure is not None, 10)
        self.stop_flag.set()
        self.join(10)
        self.client.close()
        test.assertIsNone(self.failure, "the other client was not answered: %r" % self.failure)
        test.assertGreaterEqual(self.answered, target)


class FramingTest(PatendTestCase):

    def test_frame_written_one_byte_at_a_time(self):
        c = self.client(hello=False)
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = hello_frame(rid=5) + frame(PING, 6, pb.PingRequest().SerializeToString())
        for b in data:
            c.send_raw(bytes([b]))
        _, rid, reply = c.recv_reply()
        self.assertEqual(rid, 5)
        self.assertIsInstance(reply, pb.HelloReply)
        self.assertEqual(reply.protocol_major, 1)
        _, rid, reply = c.recv_reply()
        self.assertEqual(rid, 6)
        self.assertIsInstance(reply, pb.PingReply)

    def test_many_frames_in_one_write(self):
        c = self.client(hello=False)
        data = hello_frame(rid=1) + b"".join(frame(PING, rid, b"") for rid in range(2, 12))
        c.send_raw(data)
        got = [c.recv_reply()[1] for _ in range(11)]
        self.assertEqual(got, list(range(1, 12)))

    def test_thousand_pipelined_pings_each_answered_once(self):
        c = self.login("admin@pemda-temanggung")
        ids = list(range(1000, 2000))
        c.send_raw(b"".join(frame(PING, rid, b"") for rid in ids))
        seen = {}
        for _ in ids:
            type_, rid, reply = c.recv_reply()
            self.assertEqual(type_, PING)
            self.assertIsInstance(reply, pb.PingReply)
            seen[rid] = seen.get(rid, 0) + 1
        self.assertEqual(sorted(seen), ids)
        self.assertTrue(all(n == 1 for n in seen.values()))
        # Nothing more arrives: a ServerInfo round trip comes back next.
        info = c.call(SERVER_INFO)
        self.assertGreaterEqual(info.requests_total, 1001)

    def _expect_framing_error(self, c, code, request_id=None):
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1, "expected exactly one error frame before the close")
        _, flags, _, rid, payload = frames[0]
        self.assertEqual(flags, FLAG_REPLY | FLAG_ERROR)
        e = decode_error(payload)
        self.assertEqual(err_name(e.code), code)
        self.assertTrue(e.message)
        if request_id is not None:
            self.assertEqual(rid, request_id)
        return e

    def test_wrong_magic(self):
        p = Pinger(self.server)
        p.start()
        c = self.client(hello=False)
        c.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        e = self._expect_framing_error(c, "BAD_FRAME")
        self.assertIn("magic", e.detail)
        p.finish(self)

    def test_unsupported_frame_version(self):
        p = Pinger(self.server)
        p.start()
        c = self.client(hello=False)
        c.send_raw(header(HELLO, 77, 0, version=9))
        e = self._expect_framing_error(c, "UNSUPPORTED_VERSION", request_id=77)
        self.assertIn("version 9", e.detail)
        p.finish(self)

    def test_unknown_flag_bits(self):
        c = self.client(hello=False)
        c.send_raw(header(HELLO, 3, 0, flags=0x40))
        self._expect_framing_error(c, "BAD_FRAME", request_id=3)

    def test_length_over_limit_before_hello(self):
        p = Pinger(self.server)
        p.start()
        c = self.client(hello=False)
        # The pre-Hello limit is 16 KiB by default: the header alone is refused, before any
        # payload is sent or allocated.
        c.send_raw(header(HELLO, 8, 16 * 1024 + 1))
        e = self._expect_framing_error(c, "FRAME_TOO_LARGE", request_id=8)
        self.assertIn("16385", e.detail)
        p.finish(self)

    def test_length_over_limit_after_hello(self):
        c = self.client()
        c.send_raw(header(PING, 9, 4 * 1024 * 1024 + 1))
        self._expect_framing_error(c, "FRAME_TOO_LARGE", request_id=9)
        # Under the limit once logged in is fine even though it is over the pre-login one
        # (test_hostile.py: the pre-login limit holds after Hello until Login).
        c2 = self.login("admin@pemda-temanggung")
        big = pb.HelloRequest(client_name="x" * 40000)  # a valid protobuf, wrong type for Ping
        c2.send_raw(frame(PING, 10, big.SerializeToString()))
        _, rid, reply = c2.recv_reply()
        self.assertEqual(rid, 10)
        # The bytes parse as a PingRequest with an unknown field, which proto3 ignores.
        self.assertIsInstance(reply, pb.PingReply)

    def test_truncated_frame_then_close(self):
        p = Pinger(self.server)
        p.start()
        mark = self.server.log_mark()
        c = self.client()
        c.send_raw(frame(PING, 4, b"\x08\x01")[:10])
        c.sock.shutdown(socket.SHUT_WR)
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1)
        self.assertEqual(err_name(decode_error(frames[0][4]).code), "TRUNCATED_FRAME")
        self.server.wait_for_log("closed in the middle of a frame", start=mark)
        p.finish(self)

    def test_unknown_message_type_keeps_connection(self):
        c = self.client()
        c.send_raw(frame(4321, 12, b"\x01\x02"))
        type_, rid, err = c.recv_reply()
        self.assertEqual((type_, rid), (4321, 12))
        self.assertIsInstance(err, PatenError)
        self.assertEqual(err.code, "UNKNOWN_MESSAGE_TYPE")
        # An event type sent as a request is unknown too.
        c.send_raw(frame(EVENT, 13, b""))
        self.assertEqual(c.recv_reply()[2].code, "UNKNOWN_MESSAGE_TYPE")
        self.assertIsInstance(c.call(PING), pb.PingReply)

    def test_invalid_protobuf_keeps_connection(self):
        c = self.client()
        c.send_raw(frame(PING, 14, b"\xff\xff\xff\xff\xff\xff"))
        type_, rid, err = c.recv_reply()
        self.assertEqual(rid, 14)
        self.assertEqual(err.code, "BAD_MESSAGE")
        self.assertIn("PingRequest", err.err.detail)
        self.assertFalse(err.err.retryable)
        self.assertIsInstance(c.call(PING), pb.PingReply)

    def test_request_before_hello(self):
        c = self.client(hello=False)
        c.send_raw(frame(PING, 15, b""))
        self._expect_framing_error(c, "HELLO_REQUIRED", request_id=15)

    def test_incompatible_major_version(self):
        c = self.client(hello=False)
        c.send_raw(hello_frame(rid=16, major=2))
        e = self._expect_framing_error(c, "UNSUPPORTED_VERSION", request_id=16)
        self.assertEqual(e.field, "protocol_major")
        self.assertIn("Perbarui aplikasi", e.message)

    def test_hello_needs_client_name_and_only_once(self):
        c = self.client(hello=False)
        e = c.expect_error(HELLO, pb.HelloRequest(protocol_major=1))
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "client_name"))
        c.hello()
        e = c.expect_error(HELLO, pb.HelloRequest(protocol_major=1, client_name="again"))
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertIsInstance(c.call(PING), pb.PingReply)

    def test_client_may_not_send_replies(self):
        c = self.client()
        c.send_raw(frame(PING, 17, b"", flags=FLAG_REPLY))
        self._expect_framing_error(c, "BAD_FRAME", request_id=17)

    def test_ping_with_database_and_server_info(self):
        c = self.login("admin@pemda-temanggung")
        r = c.call(PING, pb.PingRequest(check_database=True))
        self.assertGreater(r.database_round_trip_us, 0)
        self.assertLess(abs(r.server_time_ms - time.time() * 1000), 60000)
        info = c.call(SERVER_INFO)
        self.assertEqual(info.database_state, pb.DATABASE_STATE_CONNECTED)
        self.assertEqual(info.database_pool_connected, info.database_pool_size)
        self.assertTrue(info.database_listener_connected)
        self.assertFalse(info.database_embedded)
        self.assertGreaterEqual(info.schema_version, 1)
        self.assertGreaterEqual(info.connections, 1)
        self.assertTrue(info.database_server_version)
        self.assertEqual(info.protocol_major, 1)


class TimeoutTest(PatendTestCase):
    patend_extra_args = ["--hello-timeout", "300ms", "--frame-timeout", "400ms",
                         "--idle-timeout", "600ms"]

    def test_no_hello_in_time(self):
        c = self.client(hello=False)
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1)
        self.assertEqual(err_name(decode_error(frames[0][4]).code), "TIMEOUT")

    def test_half_a_frame_then_silence_is_cut(self):
        # Slowloris: the start of a frame, then nothing.
        c = self.client()
        c.send_raw(header(PING, 20, 10))
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1)
        self.assertEqual(err_name(decode_error(frames[0][4]).code), "TRUNCATED_FRAME")

    def test_idle_connection_closed(self):
        c = self.client(hello=False)
        self.assertEqual(c.hello().idle_timeout_ms, 600)
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1)
        self.assertEqual(err_name(decode_error(frames[0][4]).code), "TIMEOUT")


class BackpressureTest(PatendTestCase):
    patend_extra_args = ["--write-soft-limit", "64k", "--write-hard-limit", "1M",
                         "--write-stall-timeout", "1s"]

    def test_client_that_never_reads_is_throttled_then_cut(self):
        p = Pinger(self.server)
        p.start()
        greedy = self.client(rcvbuf=4096)
        greedy.sock.settimeout(30)
        ping = frame(PING, 1, b"") * 4096
        sent = 0
        # Send until the server stops reading (our send blocks) and then cuts the connection
        # (our send fails). The server must neither buffer without bound nor stop serving p.
        with self.assertRaises(OSError):
            while True:
                greedy.sock.sendall(ping)
                sent += len(ping)
        self.assertGreater(sent, 0)
        p.finish(self)
        info = self.login("admin@pemda-temanggung").call(SERVER_INFO)
        self.assertGreaterEqual(info.throttled_total, 1)
        self.assertGreaterEqual(info.slow_client_disconnects, 1)
        # Bounded: never more than the hard limit queued for one connection (plus one reply
        # batch that pushed it over), and nothing left queued once it is gone.
        self.assertLessEqual(info.write_queue_bytes_peak, 1024 * 1024 + 64 * 1024)
        self.assertLess(info.write_queue_bytes, 64 * 1024)


if __name__ == "__main__":
    main()
