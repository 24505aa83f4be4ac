#!/usr/bin/env python3
"""Drives Bastion's IMAP server with Python's imaplib, as a real client would.

Usage: imap_client.py PORT USER PASSWORD CERTFILE
Exits 0 and prints OK when every step behaved; prints the failing step otherwise.
"""
import imaplib
import re
import ssl
import sys
import threading
import time


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)


def main():
    port, user, password, cert = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False  # the self-signed test certificate names mx.example.test

    imap = imaplib.IMAP4("127.0.0.1", port)
    check("LOGINDISABLED" in imap.capabilities, "LOGINDISABLED before TLS")
    typ, _ = imap.starttls(ssl_context=context)
    check(typ == "OK", "STARTTLS")
    typ, _ = imap.login(user, password)
    check(typ == "OK", "LOGIN")

    typ, boxes = imap.list()
    names = b"\n".join(boxes)
    check(typ == "OK" and b"INBOX" in names and b"\\Trash" in names, "LIST with SPECIAL-USE: %r" % names)

    message = (b"From: Python <py@example.test>\r\nTo: " + user.encode() + b"\r\nSubject: from imaplib\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n\r\nHello from Python.\r\n")
    typ, data = imap.append("INBOX", "(\\Flagged)", imaplib.Time2Internaldate(time.time()), message)
    check(typ == "OK" and b"APPENDUID" in data[0], "APPEND with APPENDUID: %r" % data)

    typ, data = imap.select("INBOX")
    check(typ == "OK" and int(data[0]) >= 1, "SELECT")
    count = int(data[0])

    typ, data = imap.search(None, "SUBJECT", '"from imaplib"')
    check(typ == "OK" and data[0].split(), "SEARCH SUBJECT: %r" % data)
    seq = data[0].split()[-1]

    typ, data = imap.fetch(seq, "(FLAGS BODY.PEEK[] BODYSTRUCTURE ENVELOPE)")
    check(typ == "OK" and data[0][1] == message, "FETCH BODY.PEEK[]: %r" % (data,))
    check(b"\\Flagged" in data[0][0], "flags kept by APPEND: %r" % data[0][0])

    typ, data = imap.store(seq, "+FLAGS", "(\\Seen)")
    check(typ == "OK" and b"\\Seen" in data[0], "STORE +FLAGS: %r" % data)
    typ, data = imap.uid("SEARCH", "SEEN")
    check(typ == "OK" and data[0].split(), "UID SEARCH SEEN")

    # IDLE in a second connection, while this one delivers a message by APPEND.
    watcher = imaplib.IMAP4("127.0.0.1", port)
    watcher.starttls(ssl_context=context)
    watcher.login(user, password)
    watcher.select("INBOX")
    tag = watcher._new_tag()
    watcher.send(tag + b" IDLE\r\n")
    check(watcher.readline().startswith(b"+"), "IDLE continuation")

    def append_later():
        time.sleep(0.3)
        imap.append("INBOX", None, None, b"Subject: while idling\r\n\r\nx\r\n")

    thread = threading.Thread(target=append_later)
    thread.start()
    line = watcher.readline()
    thread.join()
    check(re.match(rb"\* \d+ EXISTS", line) is not None, "EXISTS during IDLE: %r" % line)
    watcher.send(b"DONE\r\n")
    while True:
        line = watcher.readline()
        if line.startswith(tag):
            check(b"OK" in line, "IDLE ended: %r" % line)
            break
    watcher.logout()

    typ, data = imap.uid("SEARCH", "ALL")
    last_uid = data[0].split()[-1]
    typ, data = imap.uid("MOVE", last_uid, "Archive")
    check(typ == "OK", "UID MOVE: %r" % data)
    typ, data = imap.status("Archive", "(MESSAGES)")
    check(typ == "OK" and b"MESSAGES 1" in data[0], "STATUS after MOVE: %r" % data)

    imap.close()
    imap.logout()
    print("OK")


if __name__ == "__main__":
    main()
