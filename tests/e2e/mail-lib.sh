# tests/e2e/mail-lib.sh - sourced by the 3xxx mail scripts after lib.sh: a real SMTP server
# (tests/e2e/smtp_sink.py) and waiting for things that happen in the background.
MAIL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SINK_PID=
EXTRA_PIDS=()
mail_cleanup() {
    [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
    for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    cleanup
}
trap mail_cleanup EXIT

# start_sink [PORT]: an SMTP server writing each message to $T/sink/NNNN.eml; sets SMTP_PORT
start_sink() {
    rm -f "$T/sink/port"
    python3 "$MAIL_DIR/smtp_sink.py" "$T/sink" "${1:-0}" 2>> "$T/sink.log" &
    SINK_PID=$!
    for _ in $(seq 1 100); do
        [ -s "$T/sink/port" ] && break
        sleep 0.05
    done
    SMTP_PORT=$(cat "$T/sink/port" 2>/dev/null)
    [ -n "$SMTP_PORT" ]
}

# stop_sink: stop the SMTP server (its port is then closed)
stop_sink() {
    kill "$SINK_PID" 2>/dev/null
    wait "$SINK_PID" 2>/dev/null
    SINK_PID=
}

# wait_until SECONDS 'SHELL TEST': evaluate the test every 0.2 s until it holds; fails after SECONDS
wait_until() {
    local limit=$(($1 * 5))
    for _ in $(seq 1 "$limit"); do
        eval "$2" && return 0
        sleep 0.2
    done
    return 1
}

# sql QUERY: one query on the SQLite file $DB. sqlite-only: only 3002-mail-in.sh still uses
# it (marked so, see there); new checks read through the API (lib.sh: get, api_count, metric)
sql() { sqlite_only_q "$1"; }

# sunk: the number of messages the SMTP server has received
sunk() { ls "$T/sink" 2>/dev/null | grep -c '\.eml$'; }

# mails: one line per received message, in order: "recipients (sorted)|subject"
mails() {
    python3 - "$T/sink" <<'PY'
import email, email.policy, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    env = open(f[:-4] + ".env").read().split("\n")
    to = ",".join(sorted(l[3:] for l in env if l.startswith("to ")))
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    print(to + "|" + str(m["Subject"]))
PY
}
# body_of SUBJECT_PART [plain|html]: the text (or the HTML alternative) of the last message
# whose subject holds it
body_of() {
    python3 - "$T/sink" "$1" "${2:-plain}" <<'PY'
import email, email.policy, glob, sys
out = ""
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["Subject"]):
        part = m.get_body(preferencelist=(sys.argv[3],))
        out = part.get_content() if part else ""
print(out.strip())
PY
}
# sunk_with_id ID: how many received messages carry Message-ID <ID>
sunk_with_id() { grep -il "^Message-Id: <$1>" "$T"/sink/*.eml 2>/dev/null | wc -l; }

# free_port: a TCP port free on 127.0.0.1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# authres FILE OUT [AUTHSERV [DOMAIN]]: FILE with a receiving MTA's Authentication-Results field
# on top, saying DKIM passed for DOMAIN (default: the domain of FILE's first From address), as
# our trusted MTA (authserv-id AUTHSERV, default mx.vendor.test) writes it
authres() {
    local dom=${4:-}
    [ -n "$dom" ] || dom=$(grep -a -m1 -i '^From:' "$1" | LC_ALL=C sed 's/.*@\([A-Za-z0-9.-]*\).*/\1/')
    {
        printf 'Authentication-Results: %s;\n\tdkim=pass (2048-bit key) header.d=%s header.s=s1\n' \
            "${3:-mx.vendor.test}" "$dom"
        cat "$1"
    } > "$2"
}

# ---- feeding svcdesk mail-in (3002, 3004); options from $T/svcdesk.conf ----
# mail_in_raw FILE [OPTIONS]: pipe FILE as it is into mail-in; sets RC, OUT, ERR
mail_in_raw() {
    local f=$1
    shift
    "$SVCDESK" mail-in --db "$DB" --config "$T/svcdesk.conf" "$@" < "$f" > "$T/out" 2> "$T/err"
    RC=$?
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
    cat "$T/err" >> "$T/mail-in.log"
}
# mail_in FILE [OPTIONS]: the same, verified: our MTA's Authentication-Results vouches for its From
mail_in() {
    local f=$1
    shift
    authres "$f" "$T/verified.eml"
    mail_in_raw "$T/verified.eml" "$@"
}
# mail FROM SUBJECT ID [HEADER...]: write a message to $T/m.eml (body on stdin)
mail() {
    local from=$1 subject=$2 id=$3
    shift 3
    {
        printf 'From: %s\nTo: support@vendor.test\nSubject: %s\nMessage-ID: <%s>\n' \
            "$from" "$subject" "$id"
        for h in "$@"; do printf '%s\n' "$h"; done
        printf '\n'
        cat
    } > "$T/m.eml"
}
ticket_of() { sed -n 's/^ticket \([0-9]*\) .*/\1/p' <<< "$OUT"; }

# dovecot_start DIR [LINES]: a real Dovecot (Debian's, as root, recipe of
# notes/real-servers.md) in DIR on a free port (IMAP_PORT), one user
# desk@example.test (password imap-secret-1) and its Maildir (MBOX); LINES
# are added to its configuration. Sets D=DIR. Needs root and dovecot.
dovecot_start() {
    D=$1
    IMAP_PORT=$(free_port)
    MBOX=$D/mail/desk@example.test
    mkdir -p "$D/run" "$MBOX/new" "$MBOX/cur" "$MBOX/tmp"
    chmod 755 "$T" "$D"
    chown -R dovecot:dovecot "$D/mail"
    echo 'desk@example.test:{PLAIN}imap-secret-1' > "$D/users"
    chmod 644 "$D/users"
    cat > "$D/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/run
log_path = $D/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$D/mail/%u
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $D/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$D/mail/%u
}
${2:-}
EOF
    dovecot_again
}

# dovecot_again: start the Dovecot of $D again (after stop_dovecot), on its port
dovecot_again() {
    dovecot -c "$D/dovecot.conf" || return 1
    wait_until 10 '[ -s "$D/run/master.pid" ]' || return 1
    EXTRA_PIDS+=("$(cat "$D/run/master.pid")")
}

stop_dovecot() {
    local pid
    pid=$(cat "$D/run/master.pid" 2>/dev/null)
    kill "$pid" 2>/dev/null
    wait_until 10 '! kill -0 "$pid" 2>/dev/null'
}

# deliver NAME FILE: put a message into the Maildir's new/ as an MTA would
deliver() {
    cp "$2" "$MBOX/tmp/$1"
    chown dovecot:dovecot "$MBOX/tmp/$1"
    mv "$MBOX/tmp/$1" "$MBOX/new/$1"
}
seen_in() { ls "$1" 2>/dev/null | grep -c ':2,.*S'; }
