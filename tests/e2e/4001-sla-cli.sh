#!/usr/bin/env bash
# 4001-sla-cli.sh - `svcdesk sla`: due, elapsed, batch, spans, holidays, and usage errors.
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/../data" && pwd)
CAL=$DATA/sla-vectors/support-copenhagen.json

# one usage error: exit 2 and exactly one line on stderr matching REGEX
usage_error() { # usage_error REGEX DESCRIPTION ARGS...
    local re=$1 what=$2
    shift 2
    run_cli "$@"
    is "$RC" 2 "$what exits 2"
    is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$what: one line on stderr"
    like "$ERR" "$re" "$what: says what is wrong"
}

# due: Friday 14:00 +01:00 + 1 h = 30 min Friday, 30 min Monday from 08:00
run_cli sla due --calendar "$CAL" --from 2026-11-20T14:00:00+01:00 --hours 1
is "$RC/$OUT" "0/2026-11-23T07:30:00Z" "due --hours"
run_cli sla due --calendar "$CAL" --from 2026-11-20T14:00:00+01:00 --seconds 3600
is "$RC/$OUT" "0/2026-11-23T07:30:00Z" "due --seconds"
# 0.0001 h is 0.36 s: rounds to 0 s; 0.0002 h is 0.72 s: rounds up to 1 s
run_cli sla due --calendar "$CAL" --from 2026-11-23T09:00:00Z --hours 0.0002
is "$OUT" "2026-11-23T09:00:01Z" "due --hours rounds half up"
# ending exactly at closing: Monday 08:00 + 8 h is Monday 16:00 (15:00Z)
run_cli sla due --calendar "$CAL" --from 2026-11-23T08:00:00+01:00 --hours 8
is "$OUT" "2026-11-23T15:00:00Z" "due ending at a closing time is that closing time"

run_cli sla elapsed --calendar "$CAL" --from 2026-11-20T14:00:00+01:00 --to 2026-11-23T09:00:00+01:00
is "$RC/$OUT" "0/5400" "elapsed"
run_cli sla elapsed --calendar "$CAL" --from 2026-11-23T09:00:00Z --to 2026-11-20T14:00:00Z
is "$OUT" "0" "elapsed backwards is 0"

# spans across the change to summer time (29 March 2026)
run_cli sla spans --calendar "$CAL" --from 2026-03-27T12:00:00Z --count 2
is "$RC" 0 "spans exits 0"
is "$OUT" "2026-03-27T12:00:00Z 2026-03-27T13:30:00Z 2026-03-27T13:00:00+01:00 2026-03-27T14:30:00+01:00
2026-03-30T06:00:00Z 2026-03-30T14:00:00Z 2026-03-30T08:00:00+02:00 2026-03-30T16:00:00+02:00" \
    "spans print UTC and local times"

# batch: answers line by line; a bad line answers error: and the run goes on, exit 1
printf '%s\n' "due 2026-11-20T14:00:00+01:00 3600" "due 2026-13-01T00:00:00Z 60" \
    "elapsed 2026-11-20T14:00:00+01:00 2026-11-23T09:00:00+01:00" "due 2026-11-20T14:00:00Z 0" \
    > "$T/in"
"$SVCDESK" sla batch --calendar "$CAL" < "$T/in" > "$T/out" 2> "$T/err"
is "$?" 1 "batch with a bad line exits 1"
is "$(sed -n 1p "$T/out")" "2026-11-23T07:30:00Z" "batch line 1 answered"
like "$(sed -n 2p "$T/out")" "^error: '2026-13-01T00:00:00Z'" "batch line 2 answers error:"
is "$(sed -n 3p "$T/out")" "5400" "batch line 3 answered after the error"
is "$(sed -n 4p "$T/out")" "2026-11-20T14:00:00Z" "batch line 4: due(from, 0) is from"
is "$(wc -l < "$T/out")" 4 "batch: one answer a line"
printf 'due 2026-11-20T14:00:00+01:00 3600\r\nelapsed 2026-11-20T13:00:00Z 2026-11-20T13:30:00Z' |
    "$SVCDESK" sla batch --calendar "$CAL" > "$T/out"
is "$?/$(tr '\n' ' ' < "$T/out")" "0/2026-11-23T07:30:00Z 1800 " \
    "batch: CRLF and a last line without newline"

# holidays: New Year from 2025 (not 2030) ten years ahead of the fake today, Christmas twice
SVCDESK_FAKE_NOW=2026-06-01T12:00:00Z run_cli sla holidays --ics "$DATA/holidays/sample.ics"
is "$RC/$OUT" '0/["2025-01-01","2025-12-24","2025-12-25","2025-12-26","2026-01-01","2026-12-24","2026-12-25","2026-12-26","2027-01-01","2028-01-01","2029-01-01","2031-01-01","2032-01-01","2033-01-01","2034-01-01","2035-01-01","2036-01-01"]' \
    "holidays from an .ics file"

# help
run_cli sla --help
is "$RC" 0 "sla --help exits 0"
like "$OUT" "usage: svcdesk sla" "sla --help prints usage"
for sub in due elapsed batch spans holidays; do
    run_cli sla "$sub" --help
    is "$RC" 0 "sla $sub --help exits 0"
    like "$OUT" "^usage: svcdesk sla $sub" "sla $sub --help prints its usage"
done

# bad input: exit 2, one line on stderr
usage_error "missing subcommand" "no subcommand" sla
usage_error "unknown subcommand 'soon'" "an unknown subcommand" sla soon
usage_error "unknown option '--form'" "an unknown option" sla due --calendar "$CAL" --form x
usage_error "missing --from" "a missing option" sla due --calendar "$CAL" --hours 1
usage_error "--from '2026-11-20 14:00'" "a bad time" sla due --calendar "$CAL" \
    --from "2026-11-20 14:00" --hours 1
usage_error "outside the years 1970 to 2100" "a time out of range" sla elapsed --calendar "$CAL" \
    --from 2200-01-01T00:00:00Z --to 2200-01-02T00:00:00Z
usage_error "one of --hours H and --seconds S" "both --hours and --seconds" sla due \
    --calendar "$CAL" --from 2026-11-20T14:00:00Z --hours 1 --seconds 5
usage_error "--hours '-1'" "negative hours" sla due --calendar "$CAL" \
    --from 2026-11-20T14:00:00Z --hours -1
usage_error "--count" "a count out of range" sla spans --calendar "$CAL" \
    --from 2026-11-20T14:00:00Z --count 0
printf '{"timezone": "Europe/Copenhagen", "hours": {"fri": ["14:30-08:00"]}}' > "$T/bad.json"
usage_error "hours.fri\[0\]: end 08:00 is not after start 14:30" "a bad calendar file" \
    sla due --calendar "$T/bad.json" --from 2026-11-20T14:00:00Z --hours 1
usage_error "cannot read calendar" "a missing calendar file" \
    sla due --calendar "$T/none.json" --from 2026-11-20T14:00:00Z --hours 1
printf 'not ics' > "$T/bad.ics"
usage_error "not an iCalendar file" "a bad .ics file" sla holidays --ics "$T/bad.ics"

# failure (not bad input): no working time left before the calendar's years end
run_cli sla due --calendar "$CAL" --from 2100-12-01T00:00:00Z --hours 1000
is "$RC" 1 "due past the calendar's years exits 1"

done_testing
