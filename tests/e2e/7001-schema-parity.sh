#!/usr/bin/env bash
# 7001 the PostgreSQL schema agrees with the SQLite one: sql/postgres holds the migrations of
# sql/sqlite (same numbers and names) and each applies in one transaction; after all of them
# both have the same tables and views, the same columns in the same order (types mapped:
# INTEGER bigint, TEXT text, COLLATE NOCASE citext, BLOB bytea, REAL double precision; NOT
# NULL; defaults), primary keys, identity ids, unique constraints, numbers of CHECKs, indexes
# (names, columns, DESC, unique, partial) and foreign keys (with ON DELETE). Then what only
# running shows: citext uniqueness ignores case, the full-text triggers keep ticket_search and
# kb_articles_fts (stemmed words, public messages apart from internal notes, tags, diacritics,
# updates and deletes, two writers at once), ticket_search_text and kb_articles_text read the
# same text in both; and the comparator, run on a copy altered on purpose, reports exactly
# what was altered.
# Both dialects: it reads the two schemas with sqlite3 and psql directly, not through svcdesk,
# so it runs the same whatever SVCDESK_TEST_DB says.
#
# The one allowed difference: FTS5's virtual tables are, in PostgreSQL, tables of tsvector
# documents with the same names. kb_articles_fts (title, tags, body) is (id, doc: one document
# weighted title A, tags B, body C) and ticket_search (public, internal) is (id, public,
# internal), id being the FTS5 rowid, with GIN indexes and a foreign key (ON DELETE CASCADE)
# to the row indexed; FTS5's shadow tables (*_data, *_idx, *_content, *_docsize, *_config)
# have no counterpart. Their columns are checked against that list, not against SQLite.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
trap 'pg_stop; cleanup' EXIT

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FTS_TABLES="kb_articles_fts ticket_search"
export PGCLIENTENCODING=UTF8

# ---- describing a schema: one line per fact, the same words for both dialects ----
#
#   table T | view V                         every table and view (schema_migrations aside)
#   columns T a,b,c                          the columns of a table or view, in order
#   column T c TYPE null|not-null [default D]
#   pk T a,b   unique T a,b   checks T N      primary key, UNIQUE constraints, CHECK count
#   index I on T (a, b DESC) [unique] [partial]   indexes made by CREATE INDEX
#   fk T.c -> R.c on delete ACTION
#   identity T                                T's id is the rowid (SQLite) / an identity
#
# SQLite: a column of a PRIMARY KEY is not-null (PostgreSQL's are; SQLite's NULL in a TEXT key
# is a legacy quirk nobody relies on). SQLite does not say which columns are COLLATE NOCASE:
# describe_sqlite indexes each TEXT column of a copy and reads the index's collation, which
# SQLite takes from the column. CHECKs are counted in the CREATE TABLE text.

SQLITE_RELS="
CREATE TEMP VIEW fts AS
    SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%';
CREATE TEMP VIEW rel AS
    SELECT name, type, sql FROM sqlite_schema m
    WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'
      AND NOT EXISTS (SELECT 1 FROM fts f WHERE m.name IN (f.name || '_data', f.name || '_idx',
          f.name || '_content', f.name || '_docsize', f.name || '_config'));
CREATE TEMP VIEW plain AS SELECT * FROM rel WHERE name NOT IN (SELECT name FROM fts);
"

# describe_sqlite FILE: the lines of the SQLite database FILE, sorted
describe_sqlite() {
    local copy=$T/describe-copy.db
    cp "$1" "$copy" || return 1
    sqlite3 -batch -bail "$copy" "$SQLITE_RELS
        SELECT 'CREATE INDEX \"nocase_probe__' || p.name || '__' || c.name || '\" ON \"'
               || p.name || '\" (\"' || c.name || '\");'
        FROM plain p, pragma_table_info(p.name) c
        WHERE p.type = 'table' AND upper(c.type) = 'TEXT';" > "$T/nocase-probes.sql" &&
        sqlite3 -batch -bail "$copy" < "$T/nocase-probes.sql" || return 1
    sqlite3 -batch -bail "$copy" "$SQLITE_RELS
        CREATE TEMP VIEW nocase AS
            SELECT i.tbl_name AS tbl, x.name AS col
            FROM sqlite_schema i, pragma_index_xinfo(i.name) x
            WHERE i.type = 'index' AND i.name LIKE 'nocase_probe__%' AND x.key = 1
              AND x.coll = 'NOCASE';
        SELECT type || ' ' || name FROM rel;
        SELECT 'columns ' || p.name || ' ' || (SELECT group_concat(name, ',')
            FROM (SELECT name FROM pragma_table_info(p.name) ORDER BY cid)) FROM plain p;
        SELECT 'column ' || p.name || ' ' || c.name || ' ' ||
               CASE upper(c.type) WHEN 'INTEGER' THEN 'bigint'
                   WHEN 'TEXT' THEN CASE WHEN n.col IS NULL THEN 'text' ELSE 'citext' END
                   WHEN 'BLOB' THEN 'bytea' WHEN 'REAL' THEN 'double precision'
                   ELSE 'sqlite-type:' || c.type END ||
               CASE WHEN c.\"notnull\" OR c.pk > 0 THEN ' not-null' ELSE ' null' END ||
               coalesce(' default ' || c.dflt_value, '')
        FROM plain p, pragma_table_info(p.name) c
            LEFT JOIN nocase n ON n.tbl = p.name AND n.col = c.name
        WHERE p.type = 'table';
        SELECT 'pk ' || p.name || ' ' || (SELECT group_concat(name, ',')
            FROM (SELECT name FROM pragma_table_info(p.name) WHERE pk > 0 ORDER BY pk))
        FROM plain p WHERE p.type = 'table'
          AND EXISTS (SELECT 1 FROM pragma_table_info(p.name) WHERE pk > 0);
        SELECT 'identity ' || p.name FROM plain p WHERE p.type = 'table'
          AND (SELECT group_concat(name || ':' || upper(type)) FROM pragma_table_info(p.name)
               WHERE pk > 0) = 'id:INTEGER';
        SELECT 'unique ' || p.name || ' ' || (SELECT group_concat(name, ',')
            FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
        FROM plain p, pragma_index_list(p.name) l WHERE p.type = 'table' AND l.origin = 'u';
        SELECT 'checks ' || name || ' ' || ((length(s) - length(replace(s, 'CHECK (', ''))) / 7
                                         + (length(s) - length(replace(s, 'CHECK(', ''))) / 6)
        FROM (SELECT name, upper(sql) AS s FROM plain WHERE type = 'table');
        SELECT 'index ' || m.name || ' on ' || m.tbl_name || ' (' ||
               (SELECT group_concat(coalesce(x.name, '<expression>') ||
                                    CASE WHEN x.\"desc\" THEN ' DESC' ELSE '' END, ', ')
                FROM (SELECT * FROM pragma_index_xinfo(m.name) WHERE key = 1 ORDER BY seqno) x)
               || ')' || CASE WHEN l.\"unique\" THEN ' unique' ELSE '' END
               || CASE WHEN l.partial THEN ' partial' ELSE '' END
        FROM sqlite_schema m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
        WHERE m.type = 'index' AND m.sql IS NOT NULL AND m.name NOT LIKE 'nocase_probe__%';
        SELECT 'fk ' || p.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || '.' ||
               coalesce(f.\"to\", '?') || ' on delete ' || f.on_delete
        FROM plain p, pragma_foreign_key_list(p.name) f WHERE p.type = 'table';" |
        LC_ALL=C sort
}

# describe_pg URL: the lines of the PostgreSQL database URL (its current schema), sorted
describe_pg() {
    pg_psql "$1" -A -t -c "
    WITH rel AS (
        SELECT c.oid, c.relname::text AS name,
               CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS type
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
          AND c.relname <> 'schema_migrations'),
    plain AS (SELECT * FROM rel WHERE name <> ALL (string_to_array('$FTS_TABLES', ' '))),
    col AS (
        SELECT p.name AS tbl, p.type, a.attnum, a.attname::text AS name, a.attnotnull,
               a.attidentity, format_type(a.atttypid, a.atttypmod) AS typ,
               pg_get_expr(d.adbin, d.adrelid) AS dflt
        FROM plain p JOIN pg_attribute a ON a.attrelid = p.oid AND a.attnum > 0
            AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum),
    keys AS ( -- the columns of a constraint, in its order
        SELECT k.oid, k.contype, p.name AS tbl,
               (SELECT string_agg(a.attname, ',' ORDER BY u.n)
                FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, n)
                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS cols
        FROM plain p JOIN pg_constraint k ON k.conrelid = p.oid)
    SELECT type || ' ' || name FROM rel
    UNION ALL
    SELECT 'columns ' || tbl || ' ' || string_agg(name, ',' ORDER BY attnum) FROM col GROUP BY tbl
    UNION ALL
    SELECT 'column ' || tbl || ' ' || name || ' ' || typ ||
           CASE WHEN attnotnull THEN ' not-null' ELSE ' null' END ||
           coalesce(' default ' || regexp_replace(dflt, '::[a-z ]+\$', ''), '')
    FROM col WHERE type = 'table'
    UNION ALL
    SELECT 'pk ' || tbl || ' ' || cols FROM keys WHERE contype = 'p'
    UNION ALL
    SELECT 'identity ' || tbl FROM col WHERE name = 'id' AND attidentity = 'd'
    UNION ALL
    SELECT 'unique ' || tbl || ' ' || cols FROM keys WHERE contype = 'u'
    UNION ALL
    SELECT 'checks ' || p.name || ' ' ||
           (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = p.oid AND k.contype = 'c')
    FROM plain p WHERE p.type = 'table'
    UNION ALL
    SELECT 'index ' || i.relname || ' on ' || p.name || ' (' ||
           (SELECT string_agg(CASE WHEN u.attnum = 0 THEN '<expression>' ELSE a.attname::text END
                              || CASE WHEN x.indoption[u.n - 1] & 1 = 1 THEN ' DESC' ELSE '' END,
                              ', ' ORDER BY u.n)
            FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, n)
            LEFT JOIN pg_attribute a ON a.attrelid = p.oid AND a.attnum = u.attnum
            WHERE u.n <= x.indnkeyatts) || ')' ||
           CASE WHEN x.indisunique THEN ' unique' ELSE '' END ||
           CASE WHEN x.indpred IS NOT NULL THEN ' partial' ELSE '' END
    FROM plain p JOIN pg_index x ON x.indrelid = p.oid JOIN pg_class i ON i.oid = x.indexrelid
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                      WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
    UNION ALL
    SELECT 'fk ' || p.name || '.' || a.attname || ' -> ' || r.relname || '.' || ra.attname ||
           ' on delete ' || CASE k.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
               WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END
    FROM plain p JOIN pg_constraint k ON k.conrelid = p.oid AND k.contype = 'f'
    CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(attnum, rattnum)
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
    JOIN pg_class r ON r.oid = k.confrelid
    JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.rattnum" |
        LC_ALL=C sort
}

# compare A B: the lines only in A ("sqlite only: ") and only in B ("postgres only: ")
compare() {
    LC_ALL=C comm -23 "$1" "$2" | sed 's/^/sqlite only: /'
    LC_ALL=C comm -13 "$1" "$2" | sed 's/^/postgres only: /'
}

# same KIND DESCRIPTION: no difference of lines "KIND ..." in $T/diff
same() {
    local d
    d=$(grep -E "^(sqlite|postgres) only: ($1) " "$T/diff")
    if [ -z "$d" ]; then ok 0 "$2"; else
        ok 1 "$2"
        printf '%s\n' "$d" | head -40 | sed 's/^/#   /'
    fi
}

# ---- the migrations ----

list() { (cd "$ROOT/$1" && ls -- *.sql); }
is "$(list sql/postgres | tr '\n' ' ')" "$(list sql/sqlite | tr '\n' ' ')" \
    "sql/postgres holds the migrations of sql/sqlite, by number and name"

pg_start "$T/pg"; ok $? "a PostgreSQL server starts"
PGDB=$(pg_createdb parity); ok $? "a fresh database"

# apply_pg URL: every file of sql/postgres in order, each in one transaction; one test a file
# unless quiet is given
apply_pg() {
    local f rc=0
    for f in "$ROOT"/sql/postgres/*.sql; do
        if pg_psql "$1" --single-transaction -f "$f" > "$T/apply.out" 2>&1 &&
            ! grep -q 'ERROR' "$T/apply.out"; then
            [ "${2:-}" = quiet ] || ok 0 "postgres: $(basename "$f") applies in one transaction"
        else
            rc=1
            [ "${2:-}" = quiet ] || ok 1 "postgres: $(basename "$f") applies in one transaction"
            sed 's/^/#   /' "$T/apply.out" | head -20
        fi
    done
    return $rc
}
apply_pg "$PGDB"

SQLDB=$T/schema.db
rc=0
for f in "$ROOT"/sql/sqlite/*.sql; do
    sqlite3 -batch -bail "$SQLDB" < "$f" > "$T/apply.out" 2>&1 ||
        { rc=1; echo "# $(basename "$f"):"; sed 's/^/#   /' "$T/apply.out"; }
done
ok $rc "sqlite: every file of sql/sqlite applies"

# ---- the comparison ----

describe_sqlite "$SQLDB" > "$T/sqlite.txt"; ok $? "the SQLite schema is described"
describe_pg "$PGDB" > "$T/pg.txt"; ok $? "the PostgreSQL schema is described"
compare "$T/sqlite.txt" "$T/pg.txt" > "$T/diff"
like "$(grep -c '^column ' "$T/sqlite.txt")" '^[1-9][0-9][0-9]+$' \
    "the description reads the columns (over 100 of them)"

same 'table|view' "the same tables and views (FTS5 virtual tables as PostgreSQL tables)"
same columns "each table and view has the same columns in the same order"
same column "each column has the same type, NOT NULL and default"
cols_of() { sed -n "s/^column \([^ ]*\) \([^ ]*\) $1 .*/\1.\2/p" "$2" | tr '\n' ' '; }
is "$(cols_of citext "$T/pg.txt")" "$(cols_of citext "$T/sqlite.txt")" \
    "the COLLATE NOCASE columns are the citext ones, and only they"
like "$(cols_of citext "$T/sqlite.txt")" 'sign_in_failures\.email .*users\.email' \
    "(and the NOCASE probe finds them)"
same pk "the same primary keys"
same identity "the same tables have an id that numbers itself (rowid / identity)"
is "$(pg_psql "$PGDB" -A -t -c "SELECT string_agg(c.relname, ' ') FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid WHERE a.attidentity = 'a'")" "" \
    "identities are BY DEFAULT (a copy from SQLite inserts explicit ids)"
same unique "the same UNIQUE constraints"
same checks "the same number of CHECK constraints on each table"
names() { sed -n 's/^index \([^ ]*\) .*/\1/p' "$1"; }
missing=$(LC_ALL=C comm -23 <(names "$T/sqlite.txt" | LC_ALL=C sort) \
    <(pg_psql "$PGDB" -A -t -c "SELECT indexname FROM pg_indexes" | LC_ALL=C sort))
is "$missing" "" "every SQLite index name exists in PostgreSQL"
same index "the same indexes: columns, order, unique, partial (and no other ones)"
same fk "the same foreign keys: table.column -> table.column, ON DELETE"
is "$(wc -l < "$T/diff" | tr -d ' ')" 0 "no other difference"

# the one allowed difference: the full-text tables
is "$(sed -n 's/^table \(.*_fts\|ticket_search\)$/\1/p' "$T/sqlite.txt" | tr '\n' ' ')" \
    "$(tr ' ' '\n' <<< "$FTS_TABLES" | LC_ALL=C sort | tr '\n' ' ')" \
    "the FTS5 tables of SQLite are those this test knows"
is "$(sqlite3 "$SQLDB" "SELECT group_concat(name, ',') FROM pragma_table_info('kb_articles_fts');
        SELECT group_concat(name, ',') FROM pragma_table_info('ticket_search');" | tr '\n' ' ')" \
    "title,tags,body public,internal " \
    "SQLite: kb_articles_fts (title, tags, body), ticket_search (public, internal)"
is "$(pg_psql "$PGDB" -A -t -c "
    SELECT c.relname || ' ' || string_agg(a.attname || ':' || format_type(a.atttypid, NULL) ||
                                          CASE WHEN a.attnotnull THEN '!' ELSE '' END, ','
                                          ORDER BY a.attnum)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
    WHERE c.relname IN ('kb_articles_fts', 'ticket_search') GROUP BY c.relname ORDER BY 1" |
    tr '\n' ' ')" \
    "kb_articles_fts id:bigint!,doc:tsvector! $(
    )ticket_search id:bigint!,public:tsvector!,internal:tsvector!,everything:tsvector " \
    "PostgreSQL: kb_articles_fts (id, doc), ticket_search (id, public, internal, NOT NULL; everything, generated)"
is "$(pg_psql "$PGDB" -A -t -c "
    SELECT string_agg(tablename || ':' || substring(indexdef from 'USING (.*)$'), ' '
                      ORDER BY tablename, indexname)
    FROM pg_indexes WHERE tablename IN ('kb_articles_fts', 'ticket_search')
      AND indexname NOT LIKE '%_pkey'")" \
    "kb_articles_fts:gin (doc) ticket_search:gin (everything) ticket_search:gin (public)" \
    "with GIN indexes on doc, everything (what staff search) and public (what customers search)"
is "$(pg_psql "$PGDB" -A -t -c "
    SELECT string_agg(conrelid::regclass || '->' || confrelid::regclass || ':' ||
                      confdeltype::text, ' ' ORDER BY 1)
    FROM pg_constraint WHERE contype = 'f'
      AND conrelid::regclass::text IN ('kb_articles_fts', 'ticket_search')")" \
    "kb_articles_fts->kb_articles:c ticket_search->tickets:c" \
    "and a foreign key ON DELETE CASCADE to the row each indexes"

# ---- what only running shows ----

q() { pg_psql "$PGDB" -A -t -c "$1" 2>&1; }
s() { sqlite3 -batch "$SQLDB" "$1" 2>&1; }

USER_SQL="INSERT INTO users (email, name, role, created_at) VALUES ('A@x', 'Agnes', 'agent', 0);"
q "$USER_SQL" > /dev/null
like "$(q "INSERT INTO users (email, name, role, created_at) VALUES ('a@X', 'Ann', 'agent', 0)")" \
    'duplicate key value violates unique constraint "users_email_key"' \
    "postgres: users.email is unique whatever the case ('A@x', then 'a@X' fails)"
s "$USER_SQL"
like "$(s "INSERT INTO users (email, name, role, created_at) VALUES ('a@X', 'Ann', 'agent', 0)")" \
    'UNIQUE constraint failed: users.email' "(as in SQLite)"
is "$(q "SELECT name FROM users WHERE email = 'a@x'")" Agnes "postgres: and = ignores case"

# the same rows in both: a customer's request with a public message and an internal note, and
# a knowledge base article (ids given, so that both have the same)
FTS_SQL="
INSERT INTO organizations (id, name, created_at) VALUES (1, 'Acme', 0);
INSERT INTO users (id, email, name, role, organization_id, created_at)
    VALUES (10, 'carl@acme.test', 'Carl', 'customer', 1, 0);
INSERT INTO tickets (id, organization_id, requester_id, channel, type, severity, status, subject,
                     body, received_at, billable, created_at, updated_at)
    VALUES (7, 1, 10, 'portal', 'error', 'B', 'new', 'Meter readings missing',
            'The nightly import stopped.', 0, 0, 0, 0);
INSERT INTO tickets (id, organization_id, requester_id, channel, type, severity, status, subject,
                     body, received_at, billable, created_at, updated_at)
    VALUES (8, 1, 10, 'portal', 'assistance', 'C', 'new', 'Another request', 'Nothing here.',
            0, 0, 0, 0);
INSERT INTO messages (id, ticket_id, author_id, staff, internal, body, created_at)
    VALUES (1, 7, 10, 0, 0, 'The concentrators kept rebooting all night.', 0),
           (2, 7, 1, 1, 1, 'Escalated to firmware: suspect the watchdog.', 0),
           (3, 7, 1, 1, 0, 'Le café était fermé.', 0);
INSERT INTO kb_articles (id, title, body, tags, created_at, updated_at)
    VALUES (3, 'Restoring the database', 'Stop the server, then copy the file back.',
            '[\"backups\",\"meters\"]', 0, 0);
"
q "$FTS_SQL" > "$T/fts.out"
is "$(cat "$T/fts.out")" "" "postgres: a request, its messages and an article are written"
s "$FTS_SQL" > "$T/fts.out"
is "$(cat "$T/fts.out")" "" "sqlite: the same rows are written"

is "$(q "SELECT id || '|' || replace(public, E'\n', ' / ') || '|' || internal
         FROM ticket_search_text ORDER BY id")" \
    "$(s "SELECT id || '|' || replace(public, char(10), ' / ') || '|' || internal
          FROM ticket_search_text ORDER BY id")" \
    "ticket_search_text reads the same text in both"
is "$(q "SELECT id || '|' || title || '|' || tags || '|' || body FROM kb_articles_text")" \
    "$(s "SELECT id || '|' || title || '|' || tags || '|' || body FROM kb_articles_text")" \
    "kb_articles_text reads the same text in both (tags as words)"

# find COLUMN WORDS: the ids of the requests whose COLUMN matches WORDS
find() {
    q "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') FROM ticket_search
       WHERE $1 @@ websearch_to_tsquery('english', '$2')"
}
is "$(find public 'rebooted')" 7 "a stemmed word of a public message finds its request (public)"
is "$(find public 'reading missing')" 7 "so do the words of its subject"
is "$(find public 'watchdog')" - "an internal note's word is not in public"
is "$(find internal 'watchdog')" 7 "it is in internal"
is "$(find everything 'watchdog')|$(find everything 'rebooted')" "7|7" \
    "and both are in everything (generated from public and internal)"
is "$(find internal 'rebooting')" - "and a public message's word is not in internal"
is "$(find public 'cafe ferme')" 7 "diacritics are ignored in the text (café, fermé)"
is "$(q "SELECT count(*) FROM ticket_search WHERE public @@ svcdesk_tsquery('Café')")" 1 \
    "and in a query through svcdesk_tsquery"
is "$(s "SELECT group_concat(rowid) FROM ticket_search WHERE ticket_search MATCH 'public: rebooted'
         UNION ALL SELECT group_concat(rowid) FROM ticket_search
         WHERE ticket_search MATCH 'public: watchdog'" | tr '\n' ' ')" "7  " \
    "(SQLite's FTS5 answers the same two)"

q "UPDATE messages SET internal = 0 WHERE id = 2" > /dev/null
is "$(find public 'watchdog')|$(find internal 'watchdog')" "7|-" \
    "a note made public moves to public"
q "DELETE FROM messages WHERE id = 1" > /dev/null
is "$(find public 'rebooted')" - "a deleted message's words go"
q "UPDATE messages SET ticket_id = 8 WHERE id = 3" > /dev/null
is "$(find public 'cafe')" 8 "a message moved to another request moves with it"
q "UPDATE tickets SET subject = 'Gateway offline' WHERE id = 7" > /dev/null
is "$(find public 'gateways')|$(find public 'readings')" "7|-" \
    "a changed subject replaces the old one's words"
q "UPDATE tickets SET status = 'in_progress', subject = subject, body = body WHERE id = 7" \
    > /dev/null
is "$(find public 'gateway')" 7 "and a save that rewrites the same subject keeps them"

# two writers at once: each adds a message to request 8; the later one must not write a
# document without the earlier one's message (it waits for it, then reads it)
pg_psql "$PGDB" -c "BEGIN" -c "INSERT INTO messages (id, ticket_id, staff, body, created_at)
    VALUES (11, 8, 0, 'alphabetical', 0)" -c "SELECT pg_sleep(1)" -c "COMMIT" > /dev/null 2>&1 &
first=$!
sleep 0.4
q "INSERT INTO messages (id, ticket_id, staff, body, created_at) VALUES (12, 8, 0, 'bravura', 0)" \
    > /dev/null
wait "$first"
is "$(find public 'alphabetical')|$(find public 'bravura')" "8|8" \
    "two transactions adding messages to one request at once: both are found"

kb() {
    q "SELECT coalesce(string_agg(id::text, ','), '-') FROM kb_articles_fts
       WHERE doc @@ to_tsquery('english', '$1')"
}
is "$(kb 'meter')" 3 "a kb article is found by a tag word (meters: meter)"
is "$(kb 'backup:B')|$(kb 'restore:A')|$(kb 'server:C')" "3|3|3" \
    "with tags weighted B, the title A, the body C"
q "UPDATE kb_articles SET tags = '[\"restores\"]' WHERE id = 3" > /dev/null
is "$(kb 'meter')|$(kb 'restore:B')" "-|3" "changed tags replace the old ones"
q "DELETE FROM kb_articles WHERE id = 3" > /dev/null
is "$(q "SELECT count(*) FROM kb_articles_fts")" 0 "a deleted article's document goes"

# ---- rows written before a migration: 0007 indexes the requests there are, 0011 numbers the
# mail ids by when they were recorded ----

UPGRADE=$(pg_createdb parity_upgrade)
rc=$?
for f in "$ROOT"/sql/postgres/*.sql; do
    case "$(basename "$f")" in 0007_*)
        pg_psql "$UPGRADE" -c "
            INSERT INTO organizations (name, created_at) VALUES ('Acme', 0);
            INSERT INTO tickets (organization_id, channel, type, severity, status, subject, body,
                                 received_at, billable, created_at, updated_at)
                VALUES (1, 'email', 'error', 'A', 'new', 'Invoices', 'Totals are wrong.', 0, 0, 0, 0);
            INSERT INTO messages (ticket_id, staff, internal, body, created_at)
                VALUES (1, 0, 0, 'Rounding differs per line.', 0),
                       (1, 1, 1, 'Known since the upgrade.', 0);
            INSERT INTO mail_ids (message_id, ticket_id, direction, created_at)
                VALUES ('c@x', 1, 'in', 30), ('a@x', 1, 'in', 10), ('b@x', 1, 'out', 20);" \
            > /dev/null || rc=1
        ;;
    esac
    pg_psql "$UPGRADE" --single-transaction -f "$f" > /dev/null 2>&1 || rc=1
done
ok $rc "postgres: the migrations apply over rows written before 0007"
is "$(pg_psql "$UPGRADE" -A -t -c "SELECT
        (public @@ websearch_to_tsquery('english', 'rounded totals'))::text || ' ' ||
        (internal @@ websearch_to_tsquery('english', 'known'))::text FROM ticket_search")" \
    "true true" "0007 indexed the request there was, its messages and its note"
is "$(pg_psql "$UPGRADE" -A -t -c "
        INSERT INTO mail_ids (message_id, direction, created_at) VALUES ('d@x', 'in', 40);
        SELECT string_agg(id || ':' || message_id, ' ' ORDER BY id) FROM mail_ids")" \
    "1:a@x 2:b@x 3:c@x 4:d@x" "0011 numbered the mail ids by created_at, and new ones follow"

# ---- the comparator fails when it should ----

SCRATCH=$(pg_createdb parity_altered) && apply_pg "$SCRATCH" quiet
ok $? "a second database with the same migrations"
pg_psql "$SCRATCH" -c "ALTER TABLE users DROP COLUMN password_hash" \
    -c "ALTER TABLE mail_requesters ALTER COLUMN address TYPE text" \
    -c "DROP INDEX tickets_due" \
    -c "ALTER TABLE expenses DROP CONSTRAINT expenses_invoice_id_fkey" > /dev/null
ok $? "then altered: a column dropped, a type changed, an index and a foreign key dropped"
describe_pg "$SCRATCH" > "$T/altered.txt"
compare "$T/sqlite.txt" "$T/altered.txt" > "$T/altered.diff"
is "$(cat "$T/altered.diff")" "sqlite only: column mail_requesters address citext not-null
sqlite only: column users password_hash text null
sqlite only: columns users id,email,name,role,organization_id,password_hash,created_at,notify,disabled_at,time_zone,language
sqlite only: fk expenses.invoice_id -> invoices.id on delete NO ACTION
sqlite only: index tickets_due on tickets (sort_due_at, id) partial
postgres only: column mail_requesters address text not-null
postgres only: columns users id,email,name,role,organization_id,created_at,notify,disabled_at,time_zone,language" \
    "the comparator reports exactly those differences"

done_testing
