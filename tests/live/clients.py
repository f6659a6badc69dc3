"""Real live-stream clients for tests: an SSE reader over requests and a WebSocket wrapper."""

import json
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
        """Tell whether the server ends the stream within the timeout."""
        try:
            while True:
                self.next(timeout)
        except EOFError:
            return True
        except (TimeoutError, requests.RequestException):
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


class WsClient:
    """A websocket-client connection that speaks JSON."""

    def __init__(self, url, token=None, header_token=True):
        headers = [f"Authorization: Bearer {token}"] if token and header_token else []
        if token and not header_token:
            url += f"?token={token}"
        self.ws = websocket.create_connection(url, header=headers, timeout=5)

    def send(self, message):
        self.ws.send(message if isinstance(message, str) else json.dumps(message))

    def receive(self, timeout=5.0):
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def ask(self, message, timeout=5.0):
        self.send(message)
        return self.receive(timeout)

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
