#!/usr/bin/env bash
# tests/run.sh - everything `make test` runs; ends with "N passed, N failed".
#
#   build (-Werror)  catalogues (po/: every text translated)  unit suites (TAP)  e2e scripts (TAP)  browser (chromium, TAP)
#   the unit and e2e suites again with every write replayed (SVCDESK_TEST_REPLAY_WRITES)
#   the unit and e2e suites and the browser again on PostgreSQL (SVCDESK_TEST_DB=postgres,
#   tests/pg.sh)
#   the soak (tests/soak/soak.py) for SOAK_SECONDS (default 60)
#   the unit and e2e suites again under AddressSanitizer + UBSan, and the soak for
#   SOAK_SECONDS_ASAN (default 30)
#   each libFuzzer target for FUZZ_SECONDS (default 20) on a copy of its corpus
#
# tests/run.sh --deep adds long fuzzing, valgrind and ThreadSanitizer (make check-deep).
set -u
cd "$(dirname "$0")/.."
deep=0
[ "${1:-}" = "--deep" ] && deep=1
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
SOAK_SECONDS=${SOAK_SECONDS:-60}
SOAK_SECONDS_ASAN=${SOAK_SECONDS_ASAN:-30}
[ $deep = 1 ] && FUZZ_SECONDS=${FUZZ_SECONDS_DEEP:-300}
JOBS=${JOBS:-$(nproc)}
LOGDIR=build/test-logs
rm -rf "$LOGDIR" && mkdir -p "$LOGDIR"
passed=0
failed=0
failures=()

# count NAME LOGFILE RC: add the TAP results of a finished run to the totals
count() {
    local name=$1 log=$2 rc=$3 ok bad
    ok=$(grep -c '^ok ' "$log")
    # cmocka's TAP says "not ok N # SKIP" for a skipped test (a sqlite-only test on another
    # backend, docs/testing.md): a skip is not a failure
    bad=$(grep '^not ok ' "$log" | grep -vc '# SKIP')
    if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then
        bad=1 # crashed or exited non-zero without saying which test failed
        echo "not ok - $name exited with status $rc" >> "$log"
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$bad" != 0 ]; then
        failures+=("$name")
        echo "FAIL $name ($bad failed, $ok passed; log: $log)"
        grep -E '^not ok|^# ' "$log" | head -20
    else
        echo "ok   $name ($ok passed)"
    fi
}

# step NAME CMD...: run CMD with its output in a log, counted as TAP
step() {
    local name=$1 log rc
    shift
    log="$LOGDIR/$(echo "$name" | tr ' /' '__').log"
    "$@" > "$log" 2>&1
    rc=$?
    count "$name" "$log" "$rc"
}

# build NAME MAKEARGS...: one test that passes when the build does
build() {
    local name=$1 log
    shift
    log="$LOGDIR/build_$(echo "$name" | tr ' /' '__').log"
    if make -s -j"$JOBS" "$@" > "$log" 2>&1; then
        echo "ok - build $name" >> "$log"
        count "build $name" "$log" 0
        return 0
    fi
    count "build $name" "$log" 1
    return 1
}

suites() { # suites PREFIX BUILDDIR: unit + e2e with the binaries of BUILDDIR
    local prefix=$1 dir=$2 f
    step "$prefix unit" "$dir/t-unit"
    for f in tests/e2e/[0-9]*.sh; do
        [ -e "$f" ] || continue
        SVCDESK="$PWD/$dir/svcdesk" step "$prefix e2e $(basename "$f" .sh)" bash "$f"
    done
}

export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

if build default build/svcdesk build/t-unit; then
    # each catalogue of po/ translates every text of the sources and templates (core/i18n.h)
    step "catalogues" make -s po-check
    suites "" build
    # every write run twice in its transaction, the first run rolled back: the writes are
    # re-runnable, as PostgreSQL's driver needs after a serialization failure (db.h)
    SVCDESK_TEST_REPLAY_WRITES=1 suites "replay" build
    # the unit and e2e suites again on PostgreSQL: one server of the run's own, a fresh
    # database for each test (tests/pg.sh, docs/testing.md)
    . tests/pg.sh
    pgdir=$(mktemp -d)
    trap pg_stop EXIT
    if pg_start "$pgdir" > "$LOGDIR/pg-server.log" 2>&1; then
        SVCDESK_TEST_DB=postgres SVCDESK_TEST_PG_URL=$SVCDESK_PG_URL suites "pg" build
        SVCDESK_TEST_DB=postgres SVCDESK_TEST_PG_URL=$SVCDESK_PG_URL SVCDESK="$PWD/build/svcdesk" \
            step "pg browser" bash tests/browser/run.sh
    else
        echo "not ok - PostgreSQL for the pg suites did not start" > "$LOGDIR/pg-start.log"
        count "pg start" "$LOGDIR/pg-start.log" 1
    fi
    pg_stop
    trap - EXIT
    rm -rf "$pgdir"
    SVCDESK="$PWD/build/svcdesk" step "browser" bash tests/browser/run.sh
    SVCDESK="$PWD/build/svcdesk" SOAK_SECONDS=$SOAK_SECONDS step "soak" python3 tests/soak/soak.py
fi

ASAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if build asan BUILD=build/asan OPT="-O1 -g" SAN="$ASAN_FLAGS" build/asan/svcdesk build/asan/t-unit; then
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23" suites "asan" build/asan
    # RSS is not checked under ASan: its quarantine holds freed memory by design; LeakSanitizer
    # at the server's exit is the leak check there
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23" SVCDESK="$PWD/build/asan/svcdesk" \
        SOAK_SECONDS=$SOAK_SECONDS_ASAN SOAK_RSS_CHECK=0 step "asan soak" python3 tests/soak/soak.py
fi

fuzzers=$(ls tests/fuzz/fuzz-*.c 2>/dev/null | sed 's|tests/fuzz/||; s|\.c$||')
if [ -n "$fuzzers" ] && build fuzzers BUILD=build/fuzz CC=clang OPT="-O1 -g" \
    SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" fuzzers; then
    for f in $fuzzers; do
        corpus=$(mktemp -d)
        cp -r tests/fuzz/corpus/"${f#fuzz-}"/. "$corpus"/ 2>/dev/null
        # the template fuzzer also starts from the real templates (not copied into its corpus)
        [ "$f" = fuzz-tmpl ] && cp web/templates/*.html "$corpus"/
        fuzz_run() {
            if build/fuzz/"$1" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
                -print_final_stats=1 "$2"; then
                echo "ok - $1 ran ${FUZZ_SECONDS}s without a finding"
            else
                echo "not ok - $1 found a crash (see above)"
            fi
        }
        step "fuzz $f" fuzz_run "$f" "$corpus"
        rm -rf "$corpus"
    done
fi

if [ $deep = 1 ]; then
    if command -v valgrind > /dev/null; then
        vg() { valgrind -q --error-exitcode=9 --leak-check=full build/t-unit; }
        step "valgrind unit" vg
    fi
    # ThreadSanitizer: the server's threads (connections, the writer, the jobs) under load
    if build tsan BUILD=build/tsan CC=clang OPT="-O1 -g" SAN="-fsanitize=thread" \
        build/tsan/svcdesk build/tsan/t-unit; then
        TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" suites "tsan" build/tsan
    fi
fi

[ ${#failures[@]} = 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
