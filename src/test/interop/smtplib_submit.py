#!/usr/bin/env python3
"""Drives Bastion with Python's smtplib, a client nobody here wrote.

Usage: smtplib_submit.py MODE HOST PORT CAFILE USER PASSWORD TO TOKEN
MODE is starttls-plain, starttls-login or implicit-plain. The password is read from the
environment variable BASTION_TEST_PASSWORD when PASSWORD is "-". Exits 0 when the
message was accepted, printing the server's final reply; non-zero with the reason otherwise.
"""
import os
import smtplib
import ssl
import sys
from email.message import EmailMessage


def tls_context(cafile):
    # Verify the chain against the server's certificate; the test connects to 127.0.0.1,
    # not to the certificate's host name, so only the name check is relaxed.
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = False
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def main():
    mode, host, port, cafile, user, password, to, token = sys.argv[1:9]
    if password == "-":
        password = os.environ["BASTION_TEST_PASSWORD"]
    message = EmailMessage()
    message["From"] = user
    message["To"] = to
    message["Subject"] = "smtplib " + mode + " " + token
    message.set_content("Sent by Python smtplib (" + mode + ").\nToken: " + token + "\n")

    context = tls_context(cafile)
    if mode.startswith("implicit"):
        client = smtplib.SMTP_SSL(host, int(port), context=context, timeout=30)
    else:
        client = smtplib.SMTP(host, int(port), timeout=30)
    with client:
        client.ehlo("client.example.test")
        if mode.startswith("starttls"):
            if client.has_extn("auth"):
                print("AUTH advertised before TLS", file=sys.stderr)
                return 3
            client.starttls(context=context)
            client.ehlo("client.example.test")
        mechanism = mode.split("-")[1].upper()
        client.user, client.password = user, password
        code, reply = client.auth(mechanism, getattr(client, "auth_" + mechanism.lower()))
        if code != 235:
            print("AUTH failed", code, reply, file=sys.stderr)
            return 4
        refused = client.send_message(message)
        if refused:
            print("refused recipients", refused, file=sys.stderr)
            return 5
        print("accepted", token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
