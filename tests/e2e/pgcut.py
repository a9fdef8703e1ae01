#!/usr/bin/env python3
"""pgcut.py - a TCP proxy in front of PostgreSQL that cuts one connection at its COMMIT.

    pgcut.py LISTEN_PORT UPSTREAM_PORT CONTROL_FILE

Forwards every connection from 127.0.0.1:LISTEN_PORT to 127.0.0.1:UPSTREAM_PORT and prints
"ready" once it listens. CONTROL_FILE, read for each chunk a client sends, holds
"MODE MARKER" or nothing. A connection whose client sends MARKER (e.g. a request's subject,
which travels in the Bind message as text) is armed; at its next COMMIT (a simple Query
"COMMIT"), MODE says what happens:
  before  the COMMIT is not forwarded: both sockets are closed (nothing committed)
  after   the COMMIT is forwarded, and the server's answer is dropped: both sockets are
          closed once the answer arrives (committed, but the client never learns it)
Then the control file is emptied (one cut a marker) and "cut MODE" appended to
CONTROL_FILE.log. Everything else is forwarded unchanged.
"""
import os
import socket
import sys
import threading

COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"  # the simple-protocol Query message "COMMIT"


def control(path):
    try:
        with open(path, encoding="utf-8") as f:
            parts = f.read().split(None, 1)
    except OSError:
        return None, None
    if len(parts) != 2 or parts[0] not in ("before", "after"):
        return None, None
    return parts[0], parts[1].strip().encode()


def cut(path, mode):
    with open(path, "w", encoding="utf-8"):
        pass
    with open(path + ".log", "a", encoding="utf-8") as f:
        f.write("cut %s\n" % mode)


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def serve(client, upstream_port, path):
    try:
        server = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    state = {"armed": False, "drop_answer": None}

    def to_server():
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                mode, marker = control(path)
                if marker and marker in data:
                    state["armed"] = mode
                if state["armed"] and COMMIT in data:
                    mode, state["armed"] = state["armed"], False
                    if mode == "before":
                        cut(path, mode)
                        close(client, server)
                        return
                    state["drop_answer"] = mode
                server.sendall(data)
        except OSError:
            pass
        close(client, server)

    def to_client():
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    break
                if state["drop_answer"]:
                    cut(path, state["drop_answer"])
                    break
                client.sendall(data)
        except OSError:
            pass
        close(client, server)

    threading.Thread(target=to_server, daemon=True).start()
    threading.Thread(target=to_client, daemon=True).start()


def main():
    listen_port, upstream_port, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", listen_port))
    sock.listen(64)
    print("ready", flush=True)
    while True:
        client, _ = sock.accept()
        serve(client, upstream_port, path)


if __name__ == "__main__":
    os.umask(0o077)
    main()
