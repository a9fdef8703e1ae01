-- mail_ids gets an id column, so that "the order they were recorded in" is a column both
-- SQLite and PostgreSQL have (it was the SQLite rowid). Rebuilt in place: the ids keep the
-- rowid order; nothing references mail_ids by key.
CREATE TABLE mail_ids_new (
    id         INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    ticket_id  INTEGER REFERENCES tickets(id),            -- NULL: joined no request (rejected)
    direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender     TEXT,                                      -- received: the From address, lower case
    staff_only INTEGER NOT NULL DEFAULT 0,                -- sent to staff only (SLA, escalation,
                                                          -- customer replies): never in the
                                                          -- References of customers' notices
    created_at INTEGER NOT NULL
);
INSERT INTO mail_ids_new (id, message_id, ticket_id, direction, sender, staff_only, created_at)
    SELECT rowid, message_id, ticket_id, direction, sender, staff_only, created_at
    FROM mail_ids ORDER BY rowid;
DROP TABLE mail_ids;
ALTER TABLE mail_ids_new RENAME TO mail_ids;
CREATE INDEX mail_ids_ticket ON mail_ids(ticket_id);
CREATE INDEX mail_ids_sender ON mail_ids(sender, created_at) WHERE direction = 'in';
