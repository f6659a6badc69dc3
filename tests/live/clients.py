"""Real live-stream clients for tests: an SSE reader over requests and a WebSocket wrapper."""

import json
import socket
import struct
import time

import requests
import websocket


class SseClient:
    """Read a text/event-stream as parsed messages: {"event", "data", "id", "retry", "comment"}."""

    def __init__(self, url, token=None, params=None, headers=None):
        headers = dict(headers or {})
        headers.setdefault("Accept", "text/event-stream")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.response = requests.get(
            url, params=params, headers=headers, stream=True, timeout=(5, 10)
        )
        self.chunks = self.response.iter_content(chunk_size=None)
        self.buffer = ""

    def close(self):
        self.response.close()

    def next(self, timeout=5.0):
        """Return the next message (heartbeat comments included), or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while "\n\n" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError(f"No SSE message within {timeout} s")
            chunk = next(self.chunks, None)
            if chunk is None:
                raise EOFError("The stream ended")
            self.buffer += chunk.decode()
        block, self.buffer = self.buffer.split("\n\n", 1)
        return parse(block)

    def next_event(self, timeout=5.0):
        """Return the next message that is not a heartbeat comment."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.01, deadline - time.monotonic()))
            if "comment" not in message:
                return message

    def events_until(self, predicate, timeout=5.0):
        """Return the messages read up to and including the first one that matches."""
        seen, deadline = [], time.monotonic() + timeout
        while True:
            message = self.next_event(max(0.01, deadline - time.monotonic()))
            seen.append(message)
            if predicate(message):
                return seen

    def ended(self, timeout=5.0):
        """Tell whether the server ends the stream within the timeout (heartbeats or not)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.next(max(0.01, deadline - time.monotonic()))
        except EOFError:
            return True
        except (TimeoutError, requests.RequestException):
            return False
        return False


def parse(block):
    message = {}
    for line in block.split("\n"):
        if line.startswith(":"):
            message["comment"] = line[1:].strip()
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            message["data"] = json.loads(value)
        elif field in ("event", "id", "retry"):
            message[field] = value
    return message


class RawSse:
    """An SSE stream read off a raw socket, checking the HTTP framing byte by byte.

    HTTP/1.1 bodies must be well-formed chunks; HTTP/1.0 bodies are plain and end at close.
    """

    def __init__(self, port, token, version="HTTP/1.1", rcvbuf=None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        self.sock.settimeout(10)
        request = (
            f"GET /api/events/status/ {version}\r\nHost: test\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.reader = self.sock.makefile("rb")
        self.status = self.reader.readline().decode()
        self.headers = {}
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.chunked = self.headers.get("transfer-encoding") == "chunked"
        self.text = ""

    def read_body(self):
        """Return the next piece of the body ("" at its end)."""
        if not self.chunked:
            return self.reader.read1(65536).decode()
        size_line = self.reader.readline()
        assert size_line.endswith(b"\r\n"), size_line
        size = int(size_line, 16)
        data = self.reader.read(size) if size else b""
        assert self.reader.read(2) == b"\r\n", "a chunk must end with CRLF"
        return data.decode()

    def next(self):
        """Return the next message as its raw text (without the blank line), None at the end."""
        while "\n\n" not in self.text:
            piece = self.read_body()
            if not piece:
                return None
            self.text += piece
        message, self.text = self.text.split("\n\n", 1)
        return message

    def next_event(self):
        """Return the next message that is not a comment, as raw text."""
        while (message := self.next()) is not None and message.startswith(":"):
            pass
        return message

    def close(self):
        self.sock.close()


class WsClient:
    """A websocket-client connection that speaks JSON."""

    def __init__(self, url, token=None, header_token=True, rcvbuf=None):
        headers = [f"Authorization: Bearer {token}"] if token and header_token else []
        if token and not header_token:
            url += f"?token={token}"
        sockopt = ((socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf),) if rcvbuf else ()
        self.ws = websocket.create_connection(url, header=headers, timeout=5, sockopt=sockopt)
        self.reader = None

    def send(self, message):
        self.ws.send(message if isinstance(message, str) else json.dumps(message))

    def receive(self, timeout=5.0):
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def ask(self, message, timeout=5.0):
        self.send(message)
        return self.receive(timeout)

    def raw_frame(self, timeout=5.0):
        """Read one frame off the socket: (first header byte, mask bit set, payload bytes)."""
        self.ws.sock.settimeout(timeout)
        if self.reader is None:  # from now on, frames are read here only
            self.reader = self.ws.sock.makefile("rb")
        reader = self.reader
        head = reader.read(2)
        size = head[1] & 0x7F
        if size == 126:
            size = int.from_bytes(reader.read(2), "big")
        elif size == 127:
            size = int.from_bytes(reader.read(8), "big")
        return head[0], bool(head[1] & 0x80), reader.read(size)

    def close_code(self, timeout=5.0):
        """Read until the server's close frame and return its code (None: closed without one)."""
        self.ws.settimeout(timeout)
        while True:
            try:
                opcode, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketConnectionClosedException:
                return None
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None

    def close(self):
        try:
            self.ws.close()
        except OSError:
            pass
