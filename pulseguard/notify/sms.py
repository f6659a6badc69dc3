"""SMS through the Twilio Messages REST API (or any gateway that speaks it)."""

import requests

from pulseguard.notify.transport import Message, TransportError

MAX_LENGTH = 320  # two SMS segments


class SmsTransport:
    """Send a short text to one E.164 number."""

    channel = "sms"

    def __init__(self, config: dict):
        self.account_sid = config.get("TWILIO_ACCOUNT_SID")
        self.auth_token = config.get("TWILIO_AUTH_TOKEN")
        self.sender = config.get("TWILIO_FROM_NUMBER")
        self.api_base = (config.get("TWILIO_API_BASE") or "https://api.twilio.com").rstrip("/")
        self.timeout_s = float(config.get("SMS_TIMEOUT_S", 10))

    def send(self, recipient: str, message: Message, settings: dict | None = None) -> None:
        """Deliver the text, or raise TransportError."""
        if not (self.account_sid and self.auth_token and self.sender):
            raise TransportError(
                "SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_FROM_NUMBER",
                permanent=True,
            )
        url = f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        data = {"To": recipient, "From": self.sender, "Body": message.short[:MAX_LENGTH]}
        try:
            response = requests.post(
                url,
                data=data,
                auth=(self.account_sid, self.auth_token),
                timeout=self.timeout_s,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise TransportError(f"SMS gateway timed out after {self.timeout_s:g}s") from error
        except requests.RequestException as error:
            raise TransportError(f"SMS gateway request failed: {error}") from error
        if 200 <= response.status_code < 300:
            return
        raise TransportError(
            f"SMS gateway answered HTTP {response.status_code}: {reason(response)}",
            permanent=400 <= response.status_code < 500 and response.status_code != 429,
        )


def reason(response: requests.Response) -> str:
    """Return Twilio's error code and message, or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        return f"{body.get('code', '')} {body['message']}".strip()
    return response.text[:200].strip()
