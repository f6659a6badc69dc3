"""A real SMTP server for the tests (aiosmtpd), run as a subprocess outside gevent.

Usage: python smtp_peer.py OUTFILE [starttls|ssl CERTFILE KEYFILE]. Prints "PORT <n>" once
listening on 127.0.0.1, then appends every accepted message to OUTFILE as one JSON line.
Recipients steer it: "reject*" is refused with 550, "flaky*" gets 451 the first time and is
accepted afterwards. Login: pulse / secret.
"""

import asyncio
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, outfile):
        self.outfile = outfile
        self.seen = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        if address.startswith("flaky") and address not in self.seen:
            self.seen.add(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "login": session.auth_data.login.decode() if session.auth_data else None,
        }
        with open(self.outfile, "a") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"pulse", b"secret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main(outfile, security="none", certfile=None, keyfile=None):
    handler = Handler(outfile)
    tls = None
    if security != "none":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certfile, keyfile)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            authenticator=authenticate,
            auth_require_tls=False,
            auth_exclude_mechanism=["LOGIN"],  # smtplib and aiosmtpd disagree on its flow
            tls_context=tls if security == "starttls" else None,
            require_starttls=security == "starttls",
        ),
        "127.0.0.1",
        0,
        ssl=tls if security == "ssl" else None,
    )
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
