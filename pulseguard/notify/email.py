"""Email over SMTP: plain text and HTML, with STARTTLS or SSL and login from the config."""

import smtplib
import ssl
from email.message import EmailMessage

from pulseguard.notify.transport import Message, TransportError


class EmailTransport:
    """Send a message to one address through the configured SMTP server."""

    channel = "email"

    def __init__(self, config: dict):
        self.host = config["SMTP_HOST"]
        self.port = int(config["SMTP_PORT"])
        self.security = (config.get("SMTP_SECURITY") or "none").lower()
        self.username = config.get("SMTP_USERNAME")
        self.password = config.get("SMTP_PASSWORD")
        self.sender = config["SMTP_FROM"]
        self.timeout_s = float(config.get("SMTP_TIMEOUT_S", 10))
        self.ca_file = config.get("SMTP_CA_FILE")  # None: the system's CAs

    def send(self, recipient: str, message: Message, settings: dict | None = None) -> None:
        """Deliver the message, or raise TransportError."""
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = recipient
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise smtp_error(code, reason) from error
        except smtplib.SMTPAuthenticationError as error:
            raise TransportError(
                f"SMTP login refused: {describe(error)}", permanent=True
            ) from error
        except smtplib.SMTPResponseException as error:
            raise smtp_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            detail = str(error) or type(error).__name__
            raise TransportError(f"SMTP {self.host}:{self.port}: {detail}") from error

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.security == "starttls":
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp


def smtp_error(code: int, reason) -> TransportError:
    """Turn an SMTP reply into an error: 4xx is worth retrying, 5xx is not."""
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    return TransportError(f"SMTP {code} {text}", permanent=not 400 <= code < 500)


def describe(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{error.smtp_code} {text}"
