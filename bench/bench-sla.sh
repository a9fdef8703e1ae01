#!/usr/bin/env bash
# bench-sla.sh - the SLA clock's figures (SPEC 4):
#   `svcdesk sla batch` on 2,000,000 "due" lines (targets up to 40 h, Copenhagen calendar),
#   pinned to one core, median answers/s of 5 runs        target >= 2,000,000 a second
#   sla_due with a 1,000 h target, median ns a call        target <= 2,000 ns
#   the first 1,000 lines through Business::Hours (perl) and through sla_due: time a call, ratio
set -eu
cd "$(dirname "$0")/.."
CAL=tests/data/sla-vectors/support-copenhagen.json
B=build/bench
LINES=${SLA_BENCH_LINES:-2000000}
RUNS=5
mkdir -p "$B"
make -s build/svcdesk build/libsvcdesk.a
PKGS="jansson glib-2.0 libical"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS) \
    -o "$B/bench-sla" bench/bench-sla.c build/libsvcdesk.a $(pkg-config --libs $PKGS) -lpthread -lm
PIN=""
command -v taskset > /dev/null && PIN="taskset -c 0"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$B/bench-sla" gen "$LINES" 1 > "$B/sla-batch.in"
rates=""
for _ in $(seq $RUNS); do
    t0=$(date +%s%N)
    $PIN build/svcdesk sla batch --calendar "$CAL" < "$B/sla-batch.in" > "$B/sla-batch.out"
    t1=$(date +%s%N)
    rates="$rates $(( LINES * 1000000000 / (t1 - t0) ))"
done
[ "$(grep -c '^error' "$B/sla-batch.out" || true)" = 0 ] || { echo "sla batch answered errors"; exit 1; }
rate=$(printf '%s\n' $rates | median)
echo "sla batch (due, targets <= 40 h): $rate answers/s on one core, median of $RUNS (target >= 2000000)"
echo "  command: $PIN build/svcdesk sla batch --calendar $CAL < $B/sla-batch.in (from: bench-sla gen $LINES 1)"

long=$($PIN "$B/bench-sla" long "$CAL")
echo "sla_due, 1000 h target: $long ns a call, median of 7 runs of 100000 (target <= 2000)"

head -n 1000 "$B/sla-batch.in" > "$B/sla-sample.in"
ours=$($PIN "$B/bench-sla" sample "$CAL" < "$B/sla-sample.in")
if perl -MBusiness::Hours -e 1 2> /dev/null; then
    theirs=$($PIN perl bench/bench-sla-business-hours.pl "$CAL" "$B/sla-sample.bh" \
        < "$B/sla-sample.in" | awk '/^ns_per_call/ { print $2 }')
    build/svcdesk sla batch --calendar "$CAL" < "$B/sla-sample.in" > "$B/sla-sample.ours"
    agree=$(paste -d' ' "$B/sla-sample.ours" "$B/sla-sample.bh" | awk '$1 == $2' | wc -l)
    echo "same 1000 inputs: svcdesk $ours ns a call, Business::Hours $theirs ns a call," \
        "ratio $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.0f", a / b }')x;" \
        "same answer for $agree of 1000"
    [ "$agree" = 1000 ] || echo "  (Business::Hours answers the next opening, not the closing" \
        "time, for a count that ends exactly at closing)"
else
    echo "same 1000 inputs: svcdesk $ours ns a call; Business::Hours not installed (make deps)"
fi
