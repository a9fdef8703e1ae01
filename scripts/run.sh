#!/bin/sh
# run.sh - what `make run` does after building: create ./var/svcdesk.db when
# it is missing (kept otherwise), print how to sign in, serve on 127.0.0.1:8080.
set -eu
DB=./var/svcdesk.db
EMAIL=admin@svcdesk.test
PASSWORD=svcdesk-demo # a local demo's fixed password, printed below; not for deployments
mkdir -p var
if [ ! -f "$DB" ]; then
    build/svcdesk init --db "$DB" --admin-email "$EMAIL" --admin-password "$PASSWORD"
fi
cat <<MSG

svcdesk is serving http://127.0.0.1:8080 (database $DB, backups in ./var/backups)
sign in as  $EMAIL  with password  $PASSWORD
  token:    curl -s http://127.0.0.1:8080/api/v1/tokens -d '{"email":"$EMAIL","password":"$PASSWORD"}'
  then:     curl -s -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/api/v1/me
stop with Ctrl-C

MSG
exec build/svcdesk serve --db "$DB" --listen 127.0.0.1:8080 --backup-dir ./var/backups
