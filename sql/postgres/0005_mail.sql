-- Mirrors sql/sqlite/0005_mail.sql. Differs only in types (BIGINT, citext).
-- 0005 mail: the Message-IDs of each request's mail thread, threading headers and leases of
-- outbox rows, and the mail senders without an account who opened a request.

-- Every Message-ID svcdesk sent or received, and the request whose thread it belongs to.
-- Received ids are kept whole (without <>); sent ones as their local part (outbox.message_id,
-- no '@'), since the domain is that of the sending server's mail-from.
CREATE TABLE mail_ids (
    message_id TEXT PRIMARY KEY,
    ticket_id  BIGINT REFERENCES tickets(id),             -- NULL: joined no request (rejected)
    direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender     TEXT,                                      -- received: the From address, lower case
    staff_only BIGINT NOT NULL DEFAULT 0,                 -- sent to staff only (SLA, escalation,
                                                          -- customer replies): never in the
                                                          -- References of customers' notices
    created_at BIGINT NOT NULL
);
CREATE INDEX mail_ids_ticket ON mail_ids(ticket_id);
CREATE INDEX mail_ids_sender ON mail_ids(sender, created_at) WHERE direction = 'in';

-- Threading headers, fixed when the row is queued: Message-IDs separated by spaces, each either
-- a received id (with '@') or the local part of one svcdesk sent (no '@').
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;
ALTER TABLE outbox ADD COLUMN refs TEXT;
-- The sender holding the row while it sends it (several servers never send a row at once).
ALTER TABLE outbox ADD COLUMN lease_holder TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;

-- A mail sender without an account who opened a request (matched by the organisation's mail
-- domains, or held for triage): the request's notices go to this address too, and mail from it
-- joins the request.
CREATE TABLE mail_requesters (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    address   citext NOT NULL
);
