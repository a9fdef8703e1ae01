#!/usr/bin/env bash
# bench-signin.sh - sign-in under a burst (issue 12): N parallel sign-ins (default 200) with the
# right password; prints how they were answered (201, 503), the slowest answer, and the
# server's peak RSS (VmHWM). Before the cap, 200 parallel sign-ins took RSS to 2.6 GB (64 MiB
# of argon2id each); with password-checks = 4 it stays near 4 x 64 MiB plus the server.
# Also the time of a wrong sign-in for a known and an unknown e-mail (the dummy hash).
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
N=${N:-200}
T=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$T"' EXIT

"$SVCDESK" init --db "$T/b.db" --admin-email bench@example.test --admin-password bench-password \
    > /dev/null 2>&1
"$SVCDESK" serve --db "$T/b.db" --listen 127.0.0.1:0 --backup-dir "$T/bk" --log-level error \
    --sign-in-per-minute 100000 ${SERVE_ARGS:-} > "$T/out" 2> "$T/log" &
PID=$!
for _ in $(seq 1 100); do grep -q listening "$T/out" && break; sleep 0.05; done
BASE="http://$(sed -n 's/^listening on //p' "$T/out")"
echo "start: RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status)"
PIDS=()
for i in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/json' \
        --data-binary '{"email":"bench@example.test","password":"bench-password"}' \
        "$BASE/api/v1/tokens" > "$T/r$i" &
    PIDS+=($!)
done
wait "${PIDS[@]}"
echo "$N parallel sign-ins: $(cut -d' ' -f1 "$T"/r* | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
echo "slowest answer: $(cut -d' ' -f2 "$T"/r* | sort -n | tail -1) s"
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status)"
t() { curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"email\":\"$1\",\"password\":\"wrong-password\"}" "$BASE/api/v1/tokens"; }
echo "wrong sign-in: known e-mail $(t bench@example.test) s, unknown $(t nobody@example.test) s"
