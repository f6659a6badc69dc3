"""What every transport shares: the message it sends and the error it raises."""

from dataclasses import dataclass, field


class TransportError(Exception):
    """A delivery that did not happen; `permanent` says that retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False, timeout: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.timeout = timeout  # the channel did not answer in time


@dataclass(frozen=True)
class Message:
    """One notification, rendered for every channel."""

    event: str  # failure | recovery | reminder | test
    subject: str  # email subject
    text: str  # plain-text body (email, and SMS after trimming)
    html: str  # HTML body (email)
    payload: dict = field(default_factory=dict)  # webhook JSON
    short: str = ""  # one line for SMS
