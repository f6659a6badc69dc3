"""A cuttable TCP relay, for tests that take a server away from one process only."""

import socket
import threading

from sqlalchemy.engine import make_url


class CuttableProxy:
    """A TCP relay to a server (a database or Redis, given by its URL) that the test cuts: its
    connections are closed, and a connection made while it is cut is accepted and closed at once
    (counted in `refused`)."""

    def __init__(self, url):
        self.url = make_url(url)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut, self.refused = False, 0
        self.lock, self.sockets = threading.Lock(), set()
        threading.Thread(target=self._accept, daemon=True).start()

    def relayed_url(self) -> str:
        """The URL of the server, through this relay."""
        return self.url.set(host="127.0.0.1", port=self.port).render_as_string(False)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.cut:
                self.refused += 1
                client.close()
                continue
            upstream = socket.create_connection((self.url.host, self.url.port))
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._close(sock)

    def _close(self, sock):
        with self.lock:
            self.sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def sever(self):
        self.cut = True
        with self.lock:
            sockets = list(self.sockets)
        for sock in sockets:
            self._close(sock)

    def restore(self):
        self.cut = False

    def close(self):
        self.sever()
        self.listener.close()
