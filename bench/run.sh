#!/usr/bin/env bash
# bench/run.sh - run every bench/bench-*.sh; each prints its own figures.
set -u
cd "$(dirname "$0")/.."
rc=0
for b in bench/bench-*.sh; do
    [ -e "$b" ] || continue
    echo "== $(basename "$b" .sh)"
    bash "$b" || rc=1
done
exit $rc
