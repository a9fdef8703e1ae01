#!/bin/sh
# run.sh - what `make run` does after building: create ./var/svcdesk.db with the demo when it
# is missing (kept otherwise), print how to sign in, serve on 127.0.0.1:8080.
set -eu
DB=./var/svcdesk.db
mkdir -p var
build/svcdesk demo --db "$DB"
cat <<MSG

svcdesk is serving http://127.0.0.1:8080 (database $DB, backups in ./var/backups)
  pages:  http://127.0.0.1:8080/login  (customers: /portal/, agents: /desk/)
  API:    curl -s http://127.0.0.1:8080/api/v1/tokens -d '{"email":"agnes@vendor.demo","password":"svcdesk-demo"}'
          curl -s -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/api/v1/tickets
stop with Ctrl-C

MSG
exec build/svcdesk serve --db "$DB" --listen 127.0.0.1:8080 --backup-dir ./var/backups
