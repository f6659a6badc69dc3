"""A minimal SSE client for the fault tests: reads a stream in a greenlet, keeps the ping ids."""

import json

import gevent
import requests


class SseReader:
    """Reads /api/events/status/ until the server ends it; keeps the id of every ping it carries."""

    def __init__(self, base, token):
        self.ping_ids: set[int] = set()
        self.ended_cleanly = None  # True: the server closed the stream; False: it broke
        self.response = requests.get(
            base + "/api/events/status/",
            params={"token": token},
            stream=True,
            timeout=(5, 60),
            headers={"Connection": "close"},
        )
        assert self.response.status_code == 200, self.response.text
        self.greenlet = gevent.spawn(self._read)

    def _read(self):
        event = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "ping":
                    data = json.loads(line.split(":", 1)[1])  # one ping, or the opening's array
                    for ping in data if isinstance(data, list) else [data]:
                        self.ping_ids.add(ping["id"])
            self.ended_cleanly = True
        except (requests.RequestException, OSError):
            self.ended_cleanly = False

    def close(self):
        self.greenlet.kill()  # first: closing under a reading greenlet is a reentrant call
        self.response.close()
