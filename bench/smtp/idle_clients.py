#!/usr/bin/env python3
"""Opens N SMTP connections to HOST:PORT, reads each banner, and holds them all open (idle) until told to
stop (a line on stdin or SIGTERM). Prints "READY <opened> <banners>" once every connection got its banner
or the time limit passed.

usage: idle_clients.py HOST PORT N [TIMEOUT_SECONDS=120]
"""
import resource
import selectors
import socket
import sys
import time

def main() -> None:
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 120.0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
    sel = selectors.DefaultSelector()
    socks = []
    banners = 0
    deadline = time.monotonic() + limit
    pending = 0
    opened = 0
    # open in steps, so the server's accept backlog is never the limit
    while (opened < n or pending) and time.monotonic() < deadline:
        while opened < n and pending < 200:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((host, port))
            sel.register(s, selectors.EVENT_READ)
            socks.append(s)
            opened += 1
            pending += 1
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            try:
                data = s.recv(512)
            except OSError:
                data = b""
            sel.unregister(s)
            pending -= 1
            if data.startswith(b"220"):
                banners += 1
    print(f"READY {opened} {banners}", flush=True)
    try:
        sys.stdin.readline()
    finally:
        for s in socks:
            s.close()

if __name__ == "__main__":
    main()
