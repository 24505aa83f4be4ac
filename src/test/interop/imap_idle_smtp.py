#!/usr/bin/env python3
"""Python's imaplib against a whole Bastion: STARTTLS with the certificate and host name verified, then
IDLE in INBOX while this script delivers a message over SMTP; the idling client must see it arrive.

Usage: imap_idle_smtp.py IMAP_PORT SMTP_PORT USER PASSWORD CERTFILE TOKEN
Exits 0 and prints OK when every step behaved; prints the failing step otherwise.
"""
import imaplib
import re
import smtplib
import socket
import ssl
import sys
import threading


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)


def main():
    imap_port, smtp_port, user, password, cert, token = sys.argv[1:7]
    context = ssl.create_default_context(cafile=cert)  # verifies the chain and the host name

    imap = imaplib.IMAP4("127.0.0.1", int(imap_port))
    check("STARTTLS" in imap.capabilities and "LOGINDISABLED" in imap.capabilities, "STARTTLS offered")
    # imaplib checks the certificate against self.host: name the server as its certificate does.
    imap.host = "mx.example.test"
    typ, _ = imap.starttls(ssl_context=context)
    check(typ == "OK", "STARTTLS")
    typ, _ = imap.login(user, password)
    check(typ == "OK", "LOGIN")
    typ, data = imap.select("INBOX")
    check(typ == "OK", "SELECT")
    before = int(data[0])

    tag = imap._new_tag()
    imap.send(tag + b" IDLE\r\n")
    check(imap.readline().startswith(b"+"), "IDLE continuation")

    def deliver():
        with smtplib.SMTP("127.0.0.1", int(smtp_port), local_hostname="client.example.test") as smtp:
            smtp.sendmail("someone@elsewhere.test", [user],
                          "From: someone@elsewhere.test\r\nTo: %s\r\nSubject: idle %s\r\n\r\nhello %s\r\n"
                          % (user, token, token))

    sender = threading.Thread(target=deliver)
    sender.start()
    imap.sock.settimeout(30)
    exists = None
    while exists is None:
        try:
            line = imap.readline()
        except socket.timeout:
            check(False, "no EXISTS within 30 s of the SMTP delivery")
        check(line, "connection closed during IDLE")
        match = re.match(rb"\* (\d+) EXISTS", line)
        if match:
            exists = int(match.group(1))
    sender.join()
    check(exists == before + 1, "EXISTS %d after %d" % (exists, before))
    imap.send(b"DONE\r\n")
    while True:
        line = imap.readline()
        if line.startswith(tag):
            check(b" OK" in line, "IDLE ended: %r" % line)
            break

    typ, data = imap.fetch(str(exists), "(BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    check(typ == "OK" and token.encode() in data[0][1], "FETCH of the new message: %r" % (data,))
    typ, data = imap.uid("SEARCH", "UNSEEN", "SUBJECT", token)
    check(typ == "OK" and len(data[0].split()) == 1, "UID SEARCH UNSEEN SUBJECT: %r" % (data,))
    imap.close()
    imap.logout()
    print("OK")


if __name__ == "__main__":
    main()
