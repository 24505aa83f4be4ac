#!/usr/bin/env python3
"""A loopback DNS responder for the benchmark: every query gets NXDOMAIN with an SOA in the authority
section (TTL 3600), so that Bastion's checks (SPF, DMARC, reverse DNS) get a fast, cacheable "no such
name" and no lookup ever leaves the machine. Prints the number of queries answered when stopped.

usage: dns_stub.py PORT
"""
import signal
import socket
import struct
import sys

def answer(query: bytes) -> bytes:
    if len(query) < 12:
        return b""
    qid, flags = struct.unpack("!HH", query[:4])
    # the question: labels up to the zero byte, then QTYPE and QCLASS
    end = 12
    while end < len(query) and query[end] != 0:
        end += query[end] + 1
    end += 5
    if end > len(query):
        return b""
    question = query[12:end]
    rd = flags & 0x0100
    header = struct.pack("!HHHHHH", qid, 0x8000 | 0x0400 | rd | 0x0080 | 3, 1, 0, 1, 0)
    # SOA of the root zone: owner ".", TTL 3600, minimum 3600 (RFC 2308 5)
    rdata = b"\x02ns\x00" + b"\x0ahostmaster\x00" + struct.pack("!IIIII", 1, 3600, 600, 86400, 3600)
    soa = b"\x00" + struct.pack("!HHIH", 6, 1, 3600, len(rdata)) + rdata
    return header + question + soa

def main() -> None:
    port = int(sys.argv[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    count = 0

    def stop(*_):
        print(f"dns-stub: {count} queries", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        data, peer = sock.recvfrom(4096)
        reply = answer(data)
        if reply:
            count += 1
            sock.sendto(reply, peer)

if __name__ == "__main__":
    main()
