#!/usr/bin/env bash
# 6001 connections an attacker holds do not deny service: a limit per client address
# (connections past it are closed at once), a deadline on the whole request header (a
# connection that dribbles header lines is cut although each line arrives in time), idle
# connections closed at the same deadline, and another address served meanwhile. The
# attacker is 127.0.0.1, the good client 127.0.0.2 (all of 127/8 is loopback).
. "$(dirname "$0")/lib.sh"
CONNS=$(dirname "$0")/../../bench/conns.py

start_server --backup-dir "$T/backups" --max-connections-per-address 20 \
    --header-timeout-seconds 2; ok $? "server starts (20 an address, 2 s for a header)"
fixtures; ok $? "fixtures"
api POST /api/v1/tickets '{"subject":"Meter reading stops","organization_id":1}' "$AGENT"
TID=$(json .id)

# py SCRIPT: run python3 with PORT in the environment
py() { PORT=$PORT python3 -c "$1"; }

# ---- the limit per address ----
# 60 connections at once from 127.0.0.1; after a second, how many has the server closed?
out=$(py '
import os, socket, time, select
port = int(os.environ["PORT"])
socks = []
for _ in range(60):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.connect(("127.0.0.1", port)); socks.append(s)
time.sleep(1.0)
closed = 0
for s in socks:
    r, _, _ = select.select([s], [], [], 0)
    if r and s.recv(1) == b"":
        closed += 1
print(closed, len(socks) - closed)
# the good client, while the attacker holds its 20
import subprocess
t0 = time.monotonic()
code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2",
                       "--interface", "127.0.0.2", "http://127.0.0.1:%d/healthz" % port],
                      capture_output=True, text=True).stdout
print(code, int((time.monotonic() - t0) * 1000))
')
read -r closed open <<< "$(sed -n 1p <<< "$out")"
ok $([ "$closed" -ge 40 ] && echo 0 || echo 1) "connections past the limit of 20 are closed at once ($closed of 60)"
ok $([ "$open" -le 20 ] && echo 0 || echo 1) "at most 20 stay open ($open)"
read -r code ms <<< "$(sed -n 2p <<< "$out")"
is "$code" 200 "meanwhile 127.0.0.2 gets /healthz (in $ms ms)"

# ---- the header deadline ----
# a connection that sends a header line every 0.4 s: MHD's inactivity timeout (60 s) would
# never cut it; the deadline on the whole header does, after about 2 s
out=$(py '
import os, socket, time
port = int(os.environ["PORT"])
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.connect(("127.0.0.1", port))
s.settimeout(0.4)
t0 = time.monotonic(); lines = 0; cut = None
s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
while time.monotonic() - t0 < 15:
    try:
        if s.recv(4096) == b"":
            cut = time.monotonic() - t0; break
    except socket.timeout:
        pass
    except OSError:
        cut = time.monotonic() - t0; break
    try:
        s.send(b"X-Line-%d: 1\r\n" % lines); lines += 1
    except OSError:
        cut = time.monotonic() - t0; break
print("%.1f" % cut if cut is not None else "never", lines)
')
read -r cut lines <<< "$out"
like "$cut" '^[0-9]' "a connection dribbling header lines is cut (after ${cut}s, $lines lines sent)"
ok $([ "$cut" != never ] && awk -v c="$cut" 'BEGIN { exit !(c >= 1.5 && c <= 8) }' && echo 0 || echo 1) \
    "at the header deadline (2 s), not at its last line"

# an idle connection, and one idle after an answer (keep-alive), closed at the deadline too
out=$(py '
import os, socket, time
port = int(os.environ["PORT"])
def wait_close(s, t0):
    s.settimeout(10)
    try:
        while s.recv(4096) != b"":
            pass
    except OSError:
        pass
    return time.monotonic() - t0
s = socket.socket(); s.connect(("127.0.0.1", port))
print("%.1f" % wait_close(s, time.monotonic()))
s = socket.socket(); s.connect(("127.0.0.1", port))
time.sleep(1.2)
s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
s.settimeout(5); first = s.recv(4096); t0 = time.monotonic()
time.sleep(1.2)  # past the first deadline: the clock restarted at the answer
s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); second = s.recv(4096)
print(first.split(b" ")[1].decode(), second.split(b" ")[1].decode() if second else "none",
      "%.1f" % wait_close(s, time.monotonic()))
')
read -r idle <<< "$(sed -n 1p <<< "$out")"
ok $(awk -v c="$idle" 'BEGIN { exit !(c >= 1.5 && c <= 6) }' && echo 0 || echo 1) \
    "an idle connection is closed at the header deadline (${idle}s)"
read -r first second after <<< "$(sed -n 2p <<< "$out")"
is "$first $second" "200 200" "keep-alive: a second request 2.4 s after connecting is served (the clock restarts at each answer)"
ok $(awk -v c="$after" 'BEGIN { exit !(c >= 1.0 && c <= 6) }' && echo 0 || echo 1) \
    "and the idle connection is closed 2 s after its last answer (${after}s)"

# ---- an attack while another address is served ----
python3 "$CONNS" attack --port "$PORT" --source 127.0.0.1 --idle 300 --slow 100 --line-every 1 \
    --seconds 9 --reconnect > "$T/attack" &
APID=$!
sleep 2
python3 "$CONNS" probe --port "$PORT" --source 127.0.0.2 --seconds 5 --token "$AGENT" \
    /healthz "/api/v1/tickets/$TID" > "$T/probe"
wait $APID
echo "# attack: $(cat "$T/attack")"
echo "# probe:  $(cat "$T/probe")"
is "$(jq -r '.failures' "$T/probe")" 0 "every request of 127.0.0.2 under attack is answered 200"
ok $(jq -e '.requests > 20 and .max_ms < 2000' "$T/probe" > /dev/null && echo 0 || echo 1) \
    "each within 2 s ($(jq -r '"\(.requests) requests, max \(.max_ms) ms"' "$T/probe"))"
ok $(jq -e '.closed_by_server >= 380' "$T/attack" > /dev/null; echo $?) \
    "the server closed the attacker's connections past its 20 ($(jq -r .closed_by_server "$T/attack"))"
api GET /healthz
is "$STATUS" 200 "the server still answers after the attack"
lines=$(wc -l < "$T/server.log")
ok $([ "$lines" -lt 200 ] && echo 0 || echo 1) "refusals do not flood the log ($lines lines)"

stop_server
done_testing
