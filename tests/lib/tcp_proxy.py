"""A TCP proxy for fault tests: real sockets between a client and patend, and a cut on command.

Each accepted connection gets its own upstream connection to the target and two pump threads.
Both directions are read as PATEN frames (docs/protocol.md: a 16-byte header, then the payload)
so that a cut can be placed exactly:

  cut_reply(type)    the next request of that message type is forwarded whole; when the first
                     bytes of patend's reply to it (same request id) arrive, the proxy reads the
                     rest of that reply frame, keeps it (`cut.reply`), and closes both sides
                     without forwarding a byte of it. The change was made; the client never
                     hears of it.
  cut_request(type)  the next request of that type is forwarded only up to half of its frame,
                     then both sides are closed. patend never has the whole request.

Frames are forwarded whole (a partial frame waits for its rest), which changes only timing.
The proxy is test code: blocking sockets, one thread per direction, no select loop.
"""

import socket
import struct
import threading

HEADER = struct.Struct(">4sBBHII")
FLAG_REPLY = 0x01


class Cut:
    """One armed cut and, once it happened, what it saw."""

    def __init__(self, kind, type_):
        self.kind = kind          # "reply" or "request"
        self.type = type_
        self.request_id = None    # the request it caught
        self.reply = None         # cut_reply: (flags, payload) of the dropped reply frame
        self.done = threading.Event()


class _Link:
    def __init__(self, proxy, client):
        self.proxy = proxy
        self.client = client
        self.server = None
        self.watch = None         # the Cut waiting for this connection's reply
        self.closed = False
        self.lock = threading.Lock()

    def start(self):
        try:
            self.server = socket.create_connection(self.proxy.target, timeout=30)
            self.server.settimeout(None)
        except OSError:
            self.close()
            return
        threading.Thread(target=self._up, daemon=True).start()
        threading.Thread(target=self._down, daemon=True).start()

    def close(self):
        with self.lock:
            if self.closed:
                return
            self.closed = True
        for s in (self.client, self.server):
            if s is None:
                continue
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.proxy._forget(self)

    @staticmethod
    def _frames(sock, buf):
        """Reads from sock until buf holds a whole frame; yields (header fields, frame bytes,
        new buf) frame by frame; ends on EOF or error."""
        while True:
            while len(buf) >= HEADER.size:
                magic, version, flags, type_, rid, length = HEADER.unpack(buf[:HEADER.size])
                if len(buf) < HEADER.size + length:
                    break
                end = HEADER.size + length
                yield (flags, type_, rid, length), buf[:end]
                buf = buf[end:]
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk

    def _up(self):
        """Client to patend."""
        try:
            for (flags, type_, rid, length), data in self._frames(self.client, b""):
                cut = self.proxy._take(type_)
                if cut is not None and cut.kind == "request":
                    cut.request_id = rid
                    # The header and half the payload (at least the header and one byte less
                    # than the whole frame): never a complete request.
                    half = HEADER.size + length // 2
                    self.server.sendall(data[:min(half, len(data) - 1)])
                    self.close()
                    cut.done.set()
                    return
                if cut is not None:
                    cut.request_id = rid
                    self.watch = cut
                self.server.sendall(data)
        except OSError:
            pass
        self.close()

    def _down(self):
        """patend to the client."""
        try:
            for (flags, type_, rid, length), data in self._frames(self.server, b""):
                cut = self.watch
                if (cut is not None and flags & FLAG_REPLY and rid == cut.request_id
                        and type_ == cut.type):
                    cut.reply = (flags, data[HEADER.size:])
                    self.close()
                    cut.done.set()
                    return
                self.client.sendall(data)
        except OSError:
            pass
        self.close()


class Proxy:
    """Listens on 127.0.0.1 (port: .port) and forwards to target (host, port); retarget() moves
    new connections to another patend."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.links = set()
        self.armed = []
        self.accepted = 0
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def retarget(self, port, host="127.0.0.1"):
        self.target = (host, port)

    def cut_reply(self, type_):
        return self._arm(Cut("reply", type_))

    def cut_request(self, type_):
        return self._arm(Cut("request", type_))

    def _arm(self, cut):
        with self.lock:
            self.armed.append(cut)
        return cut

    def _take(self, type_):
        with self.lock:
            for i, cut in enumerate(self.armed):
                if cut.type == type_:
                    return self.armed.pop(i)
        return None

    def _forget(self, link):
        with self.lock:
            self.links.discard(link)

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            link = _Link(self, client)
            with self.lock:
                if self.stopped:
                    client.close()
                    return
                self.links.add(link)
                self.accepted += 1
            link.start()

    def close(self):
        with self.lock:
            self.stopped = True
            links = list(self.links)
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for link in links:
            link.close()
        self.thread.join(timeout=10)
