"""A local DNS responder for tests: UDP and TCP on one ephemeral port, answering from a zone dict.

Built on dnspython's message classes (so it speaks real DNS) and gevent's servers. Names that are
not in the zone get NXDOMAIN; `silent` names are never answered (timeouts); `truncated` names get a
truncated UDP answer, so that a client must retry over TCP; `refused` names get REFUSED.
"""

import socket
import struct
from collections import Counter

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import gevent
from gevent.server import DatagramServer, StreamServer


class Responder:
    """Answers from `zone`, {(name, type): [rdata text]}; .port; .queries counted per transport."""

    def __init__(self, zone: dict, silent=(), truncated=(), refused=()):
        self.zone = {(n.lower().rstrip("."), t): v for (n, t), v in zone.items()}
        self.names = {n for n, _ in self.zone}
        self.silent, self.truncated, self.refused = set(silent), set(truncated), set(refused)
        self.queries = Counter()
        for _ in range(20):  # find a port free for both UDP and TCP
            self.udp = DatagramServer(("127.0.0.1", 0), self.on_datagram)
            self.udp.init_socket()
            self.port = self.udp.address[1]
            try:
                self.tcp = StreamServer(("127.0.0.1", self.port), self.on_stream)
                self.tcp.init_socket()
                break
            except OSError:
                self.udp.close()
        self.udp.start()
        self.tcp.start()

    def answer(self, wire: bytes, transport: str) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        kind = dns.rdatatype.to_text(question.rdtype)
        self.queries[transport] += 1
        self.queries[(name, transport)] += 1
        if name in self.silent:
            return None
        response = dns.message.make_response(query)
        if name in self.refused:
            response.set_rcode(dns.rcode.REFUSED)
        elif name not in self.names:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif transport == "udp" and name in self.truncated:
            response.flags |= dns.flags.TC
        elif (name, kind) in self.zone:
            rrset = dns.rrset.from_text_list(
                question.name, 300, "IN", kind, self.zone[(name, kind)]
            )
            response.answer.append(rrset)
        return response.to_wire()

    def on_datagram(self, data, address):
        reply = self.answer(data, "udp")
        if reply is not None:
            self.udp.sendto(reply, address)

    def on_stream(self, sock: socket.socket, _address):
        with sock:
            header = sock.recv(2)
            if len(header) < 2:
                return
            (length,) = struct.unpack("!H", header)
            data = b""
            while len(data) < length:
                chunk = sock.recv(length - len(data))
                if not chunk:
                    return
                data += chunk
            reply = self.answer(data, "tcp")
            if reply is None:
                gevent.sleep(60)  # silent: hold the connection open, answer nothing
            else:
                sock.sendall(struct.pack("!H", len(reply)) + reply)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self.udp.stop()
        self.tcp.stop()
