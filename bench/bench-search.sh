#!/usr/bin/env bash
# bench-search.sh - SPEC section 4: full-text search over 1,000,000 messages, p95 <= 50 ms, on
# each backend of BACKENDS (bench/lib.sh).
#
# Writes N messages (default 1,000,000) on N/10 requests straight into the database with one
# INSERT ... SELECT over generate_series (the same SQL on both; the API would take hours);
# the schema's triggers index them as the server would (SQLite: FTS5, porter, schema 0007;
# PostgreSQL: tsvector documents per request with GIN indexes, the same 0007). Message bodies
# mix words of known frequencies, so that each search below matches a known share of the
# messages. Then GET /api/v1/tickets?q=... (an agent: internal notes included, newest first,
# 50 a page) is timed with curl, RUNS times per search, and the p50/p95 of all of them
# printed; then the same for the knowledge base's ranked search over ARTICLES articles.
set -eu
cd "$(dirname "$0")/.."
SVCDESK=${SVCDESK:-build/svcdesk}
N=${N:-1000000}
RUNS=${RUNS:-10}
ARTICLES=${ARTICLES:-20000}
T=$(mktemp -d)
. bench/lib.sh
trap bench_cleanup EXIT

# time_searches PATH_PREFIX WORDS...: RUNS timings of each search, in ms, one a line
time_searches() {
    local prefix=$1 q
    shift
    for q in "$@"; do
        curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE$prefix$q" # warm
        for _ in $(seq 1 "$RUNS"); do
            curl -s -o "$T/body" -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" \
                "$BASE$prefix$q"
        done
    done | awk '{ printf "%.3f\n", $1 * 1000 }'
}
# report LABEL < timings: p50 and p95
report() {
    sort -n | awk -v label="$1" '{ v[NR] = $1 } END {
        p50 = v[int((NR + 1) * 0.50)]; p95 = v[int(NR * 0.95 + 0.999)]
        printf "%s: p50 %.1f ms, p95 %.1f ms (%d searches)\n", label, p50, p95, NR }'
}
each() { # each PREFIX LABEL WORDS...: one line per search with its hits and median
    local prefix=$1 q
    shift
    for q in "$@"; do
        curl -s -o "$T/body" -H "Authorization: Bearer $TOKEN" "$BASE$prefix$q"
        printf '  %-28s %4s hits on the first page, p50 %s ms\n' "q=$q" \
            "$(jq '.items | length' "$T/body")" \
            "$(RUNS=5 time_searches "$prefix" "$q" | sort -n | sed -n 3p)"
    done
}

for backend in $BACKENDS; do
    bench_db "$backend" bench_search || continue
    start=$(date +%s)
    # w50_K is in 1 message in 50, w1k_K in 1 in 1,000, w20k_K in 1 in 20,000, w200k_K in 1 in
    # 200,000 (or none when N is smaller); "meter" and "reading" (stem of "readings") in all.
    bench_sql "
    INSERT INTO organizations (name, created_at) VALUES ('Bench', 0);
    INSERT INTO tickets (organization_id, channel, type, severity, status, subject, body, received_at,
      billable, created_at, updated_at)
    SELECT 1, 'api', 'error', 'C', 'in_progress', 'request ' || value, 'meter reading of site ' || value,
      1700000000 + value * 300, 0, 0, 0 FROM generate_series(CAST(1 AS BIGINT), $N / 10) AS value;
    INSERT INTO ticket_status_log (ticket_id, at, status) SELECT id, received_at, 'new' FROM tickets;
    INSERT INTO messages (ticket_id, staff, internal, body, created_at)
    SELECT 1 + (value - 1) / 10, value % 2, CASE WHEN value % 7 = 0 THEN 1 ELSE 0 END,
      'the w50_' || (value % 50) || ' meter readings w1k_' || ((value * 7) % 1000) ||
      ' failed after w20k_' || ((value * 13) % 20000) || ' update w200k_' || ((value * 17) % 200000) ||
      ' on the concentrator', 1700000000 + value * 30 FROM generate_series(CAST(1 AS BIGINT), $N) AS value;
    ANALYZE;"
    echo "$backend: loaded $N messages on $((N / 10)) requests (indexed by the triggers) in $(( $(date +%s) - start )) s"
    bench_serve
    TOKEN=$("$SVCDESK" token create --db "$DBURL" --email bench@example.test)
    typical="w200k_4242 w20k_777 w1k_123 w50_7 w1k_123%20w50_3 w20k_99%20meter w200k_17%20readings"
    common="meter reading w50_1%20meter"
    echo "  GET /api/v1/tickets?q=  ($N messages, $((N / 10)) requests; newest first, limit 50)"
    # shellcheck disable=SC2086
    each "/api/v1/tickets?limit=50&q=" $typical $common
    # shellcheck disable=SC2086
    time_searches "/api/v1/tickets?limit=50&q=" $typical |
        report "ticket search, words in at most 1 message in 50"
    # shellcheck disable=SC2086
    time_searches "/api/v1/tickets?limit=50&q=" $common | report "ticket search, words in every message"

    bench_sql "
    INSERT INTO kb_articles (title, body, tags, visibility, created_at, updated_at)
    SELECT 'Article ' || value || ' on w1k_' || (value % 1000), 'How to handle w50_' || (value % 50) ||
      ' and w20k_' || ((value * 13) % 20000) || ' when the meter readings stop.', '[\"t' || (value % 100) || '\"]',
      CASE value % 3 WHEN 0 THEN 'public' WHEN 1 THEN 'customers' ELSE 'internal' END, 0, 0
    FROM generate_series(CAST(1 AS BIGINT), $ARTICLES) AS value;"
    echo "  GET /api/v1/kb/articles?q=  ($ARTICLES articles, ranked: bm25 on SQLite, ts_rank on PostgreSQL; limit 50)"
    # shellcheck disable=SC2086
    time_searches "/api/v1/kb/articles?limit=50&q=" w1k_5 w50_3 w20k_44 t7 meter%20readings |
        report "knowledge-base search"
    case "$backend" in
        sqlite) size="$(du -m "$DBURL" | cut -f1) MB" ;;
        postgres) size="$(pg_psql "$DBURL" -At -c "SELECT pg_database_size(current_database()) / 1048576") MB" ;;
    esac
    echo "database: $size; server RSS $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' /proc/$PID/status)"
    bench_stop
done
