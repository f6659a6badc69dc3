"""A Target: the plain, detached settings a probe needs (no ORM object crosses a greenlet)."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Target:
    """What to check and how; built from a Server row."""

    id: int
    protocol: str
    host: str
    port: int | None
    path: str = "/"
    method: str = "GET"
    expected_status: str = "200-399"
    keyword: str | None = None
    headers: dict = field(default_factory=dict)
    verify_tls: bool = True
    follow_redirects: bool = True
    timeout_s: float = 10.0

    @property
    def url(self) -> str:
        """The URL of an HTTP(S) target."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        path = self.path if self.path.startswith("/") else "/" + self.path
        return f"{self.protocol}://{host}{port}{path}"

    @classmethod
    def from_server(cls, server) -> "Target":
        """Copy the probe settings out of a Server row."""
        return cls(
            id=server.id,
            protocol=server.protocol,
            host=server.host,
            port=server.port,
            path=server.path or "/",
            method=(server.method or "GET").upper(),
            expected_status=server.expected_status or "200-399",
            keyword=server.keyword or None,
            headers=dict(server.headers or {}),
            verify_tls=server.verify_tls,
            follow_redirects=server.follow_redirects,
            timeout_s=float(server.timeout_s or 10.0),
        )
