"""patend under systemd (Type=notify, deploy/systemd/patend.service): it sends READY=1 to
$NOTIFY_SOCKET once it listens, and STOPPING=1 when it starts shutting down; a real datagram
socket stands in for systemd."""

import os
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import unittest  # noqa: E402

from paten_test import PING, Database, Patend, main, pb  # noqa: E402


class NotifyTest(unittest.TestCase):

    def test_ready_then_stopping(self):
        db = Database()
        d = tempfile.mkdtemp(prefix="paten-notify-")
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(60)
        server = Patend(db.patend_args(), env={"NOTIFY_SOCKET": path})
        try:
            server.start()
            # Sent after the ready line: the first datagram is there already or comes at once.
            self.assertEqual(sock.recv(256), b"READY=1")
            c = server.client()
            self.assertIsInstance(c.call(PING), pb.PingReply)
            c.close()
            self.assertEqual(server.stop(signal.SIGTERM), 0)
            self.assertEqual(sock.recv(256), b"STOPPING=1")
        finally:
            server.kill()
            sock.close()
            os.unlink(path)
            os.rmdir(d)
            db.drop()


if __name__ == "__main__":
    main()
