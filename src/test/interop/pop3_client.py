#!/usr/bin/env python3
"""Drives Bastion's POP3 server with Python's poplib, a client nobody here wrote.

Usage: pop3_client.py MODE HOST PORT CAFILE USER
MODE is "stls" (plain port, then STLS) or "implicit" (POP3 over TLS from the start). The password
is read from the environment variable BASTION_TEST_PASSWORD. The script logs in with USER/PASS,
runs CAPA, STAT, LIST, UIDL, RETR 1, TOP 1 0, deletes message 1 and QUITs, then prints one JSON
object with what it saw. Exits non-zero with the reason on any error.
"""
import json
import os
import poplib
import ssl
import sys


def tls_context(cafile):
    # Verify the chain against the generated certificate; the test connects to 127.0.0.1, not to
    # the certificate's host name, so only the name check is relaxed.
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = False
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def text(lines):
    return [line.decode("utf-8", "replace") for line in lines]


def main():
    mode, host, port, cafile, user = sys.argv[1:6]
    password = os.environ["BASTION_TEST_PASSWORD"]
    context = tls_context(cafile)
    if mode == "implicit":
        client = poplib.POP3_SSL(host, int(port), context=context, timeout=30)
        capa_before = {}
    else:
        client = poplib.POP3(host, int(port), timeout=30)
        capa_before = client.capa()
        client.stls(context=context)
    result = {"welcome": client.getwelcome().decode("utf-8", "replace"),
              "capa_before_tls": sorted(capa_before),
              "capa": {k: v for k, v in client.capa().items()}}
    client.user(user)
    client.pass_(password)
    count, size = client.stat()
    result["stat"] = [count, size]
    result["list"] = text(client.list()[1])
    result["uidl"] = text(client.uidl()[1])
    result["retr"] = text(client.retr(1)[1])
    result["top"] = text(client.top(1, 0)[1])
    client.dele(1)
    result["quit"] = client.quit().decode("utf-8", "replace")
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report any failure as a non-zero exit with the reason
        print("error: %r" % (e,), file=sys.stderr)
        sys.exit(1)
