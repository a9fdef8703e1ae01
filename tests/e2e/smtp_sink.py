#!/usr/bin/env python3
"""smtp_sink.py DIR [PORT] - a real SMTP server for the mail tests.

Python 3.11's smtpd on 127.0.0.1: each message is written to DIR/NNNN.eml
(the bytes as received) and its envelope to DIR/NNNN.env ("from" line, then
one "to" line per recipient). PORT 0 (the default) picks a free port; the
port is written to DIR/port once the server listens. Stop it with SIGTERM.
"""
import os
import signal
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402
import smtpd  # noqa: E402


class Sink(smtpd.SMTPServer):
    def __init__(self, folder, port):
        super().__init__(("127.0.0.1", port), None, decode_data=False)
        self.folder = folder

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        n = len([f for f in os.listdir(self.folder) if f.endswith(".eml")]) + 1
        base = os.path.join(self.folder, "%04d" % n)
        with open(base + ".env.tmp", "w") as f:
            f.write("from %s\n" % mailfrom)
            for r in rcpttos:
                f.write("to %s\n" % r)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return None


def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(folder, exist_ok=True)
    server = Sink(folder, port)
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write("%d\n" % server.socket.getsockname()[1])
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    asyncore.loop()


if __name__ == "__main__":
    main()
