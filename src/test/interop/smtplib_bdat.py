#!/usr/bin/env python3
"""Sends one message to Bastion's MX port in two BDAT chunks (RFC 3030), using smtplib's
low-level API for the session (EHLO parsing, replies) since smtplib has no BDAT of its own.

Usage: smtplib_bdat.py HOST PORT TO TOKEN
"""
import smtplib
import sys


def main():
    host, port, to, token = sys.argv[1:5]
    body = ("From: sender@elsewhere.test\r\nTo: " + to + "\r\nSubject: bdat " + token +
            "\r\n\r\nFirst chunk.\r\n.leading dot kept as is\r\n").encode()
    tail = ("Token: " + token + "\r\n").encode()
    with smtplib.SMTP(host, int(port), timeout=30) as client:
        client.ehlo("client.example.test")
        if not client.has_extn("chunking"):
            print("CHUNKING not advertised", file=sys.stderr)
            return 2
        code, reply = client.mail("sender@elsewhere.test")
        if code != 250:
            print("MAIL", code, reply, file=sys.stderr)
            return 3
        code, reply = client.rcpt(to)
        if code != 250:
            print("RCPT", code, reply, file=sys.stderr)
            return 4
        for chunk, last in ((body, False), (tail, True)):
            client.putcmd("BDAT", str(len(chunk)) + (" LAST" if last else ""))
            client.send(chunk)
            code, reply = client.getreply()
            if code != 250:
                print("BDAT", code, reply, file=sys.stderr)
                return 5
        print("accepted", reply.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
