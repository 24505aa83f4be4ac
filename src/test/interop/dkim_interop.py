#!/usr/bin/env python3
"""DKIM interop with dkimpy (Debian's python3-dkim), a verifier and signer nobody here wrote.

Usage:
  dkim_interop.py verify NAME RECORD < message
      Verifies every DKIM-Signature of the message; the only key DNS knows is RECORD at NAME.
      Prints one "pass"/"fail" line per signature; exits 0 when all pass, 1 otherwise.
  dkim_interop.py sign SELECTOR DOMAIN KEYFILE ALGORITHM HEADER_CANON BODY_CANON LENGTH < message
      Prints the DKIM-Signature header field dkimpy makes. KEYFILE is PEM (RSA) or a base64 seed
      (ed25519); ALGORITHM is rsa-sha256 or ed25519-sha256; LENGTH is "l" to add l=, "-" otherwise.
"""
import sys

import dkim


def verify(name, record):
    message = sys.stdin.buffer.read()
    wanted = name.lower().rstrip(".").encode()

    def dnsfunc(qname, timeout=5):
        return record.encode() if qname.lower().rstrip(b".") == wanted else None

    checker = dkim.DKIM(message)
    count = sum(1 for (k, _) in checker.headers if k.lower() == b"dkim-signature")
    if count == 0:
        print("none")
        return 1
    ok = True
    for idx in range(count):
        try:
            passed = dkim.DKIM(message).verify(idx=idx, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            print("error %s" % e)
            passed = False
        print("pass" if passed else "fail")
        ok = ok and passed
    return 0 if ok else 1


def sign(selector, domain, keyfile, algorithm, header_canon, body_canon, length):
    message = sys.stdin.buffer.read()
    with open(keyfile, "rb") as f:
        key = f.read().strip()
    field = dkim.sign(message, selector.encode(), domain.encode(), key,
                      canonicalize=(header_canon.encode(), body_canon.encode()),
                      signature_algorithm=algorithm.encode(),
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
                      length=(length == "l"))
    sys.stdout.buffer.write(field)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "verify":
        sys.exit(verify(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 9 and sys.argv[1] == "sign":
        sys.exit(sign(*sys.argv[2:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
