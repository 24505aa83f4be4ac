#!/usr/bin/env python3
"""Times IMAP commands against a large INBOX with Python's imaplib (wall clock, client parsing included).

Usage: imap_bench.py PORT CERTFILE USER PASSWORD [REPEATS]
Prints one line per command: name, best, median and worst of REPEATS runs in milliseconds, and what came back.
"""
import imaplib
import ssl
import statistics
import sys
import time


def main():
    port, cert, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    context = ssl.create_default_context(cafile=cert)
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.host = "mx.example.test"  # the name in the self-signed certificate
    imap.starttls(ssl_context=context)
    imap.login(user, password)
    imap._mesg = lambda *a: None

    typ, data = imap.select("INBOX")
    count = int(data[0])
    _, data = imap.uid("SEARCH", "SUBJECT", "needle")
    needle_uid = data[0].split()[0].decode() if data[0] else "1"

    def select():
        typ, data = imap.select("INBOX")
        return "%s messages" % data[0].decode()

    def fetch_flags():
        typ, data = imap.fetch("1:*", "(FLAGS)")
        return "%d responses" % len(data)

    def uid_fetch_flags():
        typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS)")
        return "%d responses" % len(data)

    def uid_search_unseen():
        typ, data = imap.uid("SEARCH", "UNSEEN")
        return "%d uids" % len(data[0].split())

    def uid_search_subject():
        typ, data = imap.uid("SEARCH", "SUBJECT", "needle")
        return "%d uids" % len(data[0].split())

    def uid_search_body():
        typ, data = imap.uid("SEARCH", "BODY", "needle-not-there")
        return "%d uids" % len(data[0].split())

    def fetch_full():
        typ, data = imap.uid("FETCH", needle_uid, "(BODY.PEEK[])")
        return "%d bytes" % len(data[0][1])

    def fetch_last_headers():
        typ, data = imap.fetch("%d:*" % max(1, count - 49), "(UID FLAGS ENVELOPE RFC822.SIZE)")
        return "%d responses" % (len(data) // 2 if isinstance(data[0], tuple) else len(data))

    def status():
        typ, data = imap.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")
        return data[0].decode()

    def noop():
        imap.noop()
        return ""

    measures = [
        ("SELECT INBOX", select),
        ("FETCH 1:* (FLAGS)", fetch_flags),
        ("UID FETCH 1:* (UID FLAGS)", uid_fetch_flags),
        ("UID SEARCH UNSEEN", uid_search_unseen),
        ("UID SEARCH SUBJECT needle", uid_search_subject),
        ("UID FETCH <uid> BODY.PEEK[]", fetch_full),
        ("FETCH last 50 (ENVELOPE ...)", fetch_last_headers),
        ("STATUS INBOX", status),
        ("NOOP", noop),
        ("UID SEARCH BODY <absent>", uid_search_body),
    ]
    print("%-30s %10s %10s %10s  %s" % ("command (%d messages)" % count, "best ms", "median ms", "worst ms",
                                        "result"))
    for name, action in measures:
        times = []
        result = ""
        for _ in range(repeats):
            start = time.perf_counter()
            result = action()
            times.append((time.perf_counter() - start) * 1000)
        print("%-30s %10.1f %10.1f %10.1f  %s" % (name, min(times), statistics.median(times), max(times), result))
        sys.stdout.flush()
    imap.logout()


if __name__ == "__main__":
    main()
