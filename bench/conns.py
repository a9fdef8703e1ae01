#!/usr/bin/env python3
"""conns.py - connection attacks on a server of this machine, and a client that times it.

  conns.py attack --port P [--source 127.0.0.1] [--idle N] [--slow M] [--line-every S]
                  [--seconds T] [--reconnect]
      N connections that send nothing and M that send a request header one line every S
      seconds, held for T seconds (each one the server closes is opened again once a
      second with --reconnect). Prints a JSON line of what happened.

  conns.py probe --port P [--source 127.0.0.2] [--seconds T] [--token TOK] PATH...
      Asks each PATH in turn on a new connection for T seconds; prints a JSON line with
      the count, failures (not 200, or no answer within 5 s) and p50/p99/max in ms.

Only loopback addresses are accepted: this is a test of our own server.
"""
import argparse
import ipaddress
import json
import selectors
import socket
import sys
import time


def loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit(f"conns.py: {addr} is not a loopback address")
    return addr


def connect(source, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((source, 0))
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    return s


def attack(a):
    sel = selectors.DefaultSelector()
    conns = {}  # socket -> [kind, lines sent, next line at]
    pending = {"idle": a.idle, "slow": a.slow}
    stats = {"opened": 0, "closed_by_server": 0, "open_at_end": 0, "errors": 0,
             "max_open": 0, "lines_sent": 0}
    start = time.monotonic()
    next_open = start

    def open_some(now):
        for kind in ("idle", "slow"):
            while pending[kind] > 0:
                try:
                    s = connect(a.source, a.port)
                except OSError:
                    stats["errors"] += 1
                    return
                pending[kind] -= 1
                stats["opened"] += 1
                conns[s] = [kind, 0, now]
                sel.register(s, selectors.EVENT_READ)

    while time.monotonic() - start < a.seconds:
        now = time.monotonic()
        if now >= next_open:
            open_some(now)
            next_open = now + 1.0
        stats["max_open"] = max(stats["max_open"], len(conns))
        for s, st in list(conns.items()):
            if st[0] == "slow" and now >= st[2]:
                line = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" if st[1] == 0
                        else b"X-Slow-%d: 1\r\n" % st[1])
                try:
                    s.send(line)
                    st[1] += 1
                    stats["lines_sent"] += 1
                except (BlockingIOError, OSError):
                    pass
                st[2] = now + a.line_every
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:  # closed by the server (refused, or timed out)
                stats["closed_by_server"] += 1
                kind = conns.pop(s)[0]
                sel.unregister(s)
                s.close()
                if a.reconnect:
                    pending[kind] += 1
    stats["open_at_end"] = len(conns)
    for s in conns:
        s.close()
    print(json.dumps(stats), flush=True)


def probe(a):
    times, failures, statuses = [], 0, {}
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < a.seconds:
        path = a.paths[i % len(a.paths)]
        i += 1
        t0 = time.monotonic()
        status = "none"
        try:
            s = socket.create_connection(("127.0.0.1", a.port), timeout=5,
                                         source_address=(a.source, 0))
            req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            if a.token:
                req += f"Authorization: Bearer {a.token}\r\n"
            s.sendall((req + "\r\n").encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "bad"
        except OSError as e:
            status = type(e).__name__
        ms = (time.monotonic() - t0) * 1000
        statuses[status] = statuses.get(status, 0) + 1
        if status != "200" or ms > 5000:
            failures += 1
        times.append(ms)
        time.sleep(a.pause)
    times.sort()

    def pct(p):
        return round(times[min(len(times) - 1, int(len(times) * p))], 2) if times else None
    print(json.dumps({"requests": len(times), "failures": failures, "statuses": statuses,
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99),
                      "max_ms": round(times[-1], 2) if times else None}), flush=True)


def main():
    ap = argparse.ArgumentParser(description="connection attacks on loopback, and a probe")
    sub = ap.add_subparsers(dest="cmd", required=True)
    at = sub.add_parser("attack")
    at.add_argument("--port", type=int, required=True)
    at.add_argument("--source", type=loopback, default="127.0.0.1")
    at.add_argument("--idle", type=int, default=0)
    at.add_argument("--slow", type=int, default=0)
    at.add_argument("--line-every", type=float, default=10.0)
    at.add_argument("--seconds", type=float, default=30.0)
    at.add_argument("--reconnect", action="store_true")
    pr = sub.add_parser("probe")
    pr.add_argument("--port", type=int, required=True)
    pr.add_argument("--source", type=loopback, default="127.0.0.2")
    pr.add_argument("--seconds", type=float, default=10.0)
    pr.add_argument("--pause", type=float, default=0.01)
    pr.add_argument("--token", default="")
    pr.add_argument("paths", nargs="+")
    a = ap.parse_args()
    attack(a) if a.cmd == "attack" else probe(a)


if __name__ == "__main__":
    main()
