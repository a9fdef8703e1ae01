-- 0002 support requests: calendars, SLA policies, agreements, tickets and their history,
-- messages, attachments, the outbox of notifications, SLA notices, sign-in failures.

ALTER TABLE organizations ADD COLUMN priority_line INTEGER NOT NULL DEFAULT 0;  -- derived from agreements' extras
ALTER TABLE organizations ADD COLUMN updated_at INTEGER;
ALTER TABLE users ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;                -- contact opted in to all notices

CREATE TABLE calendars (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    definition  TEXT NOT NULL,                       -- canonical calendar JSON (SPEC 2.2)
    version     INTEGER NOT NULL DEFAULT 1,          -- bumped on change: keys the compiled cache
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE sla_policies (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    calendar_id       INTEGER NOT NULL REFERENCES calendars(id),
    warn_at_permille  INTEGER NOT NULL DEFAULT 750 CHECK (warn_at_permille BETWEEN 1 AND 1000),
    escalation_emails TEXT NOT NULL DEFAULT '[]',     -- JSON list
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

-- Targets per level in working seconds; NULL: no target of that kind.
CREATE TABLE sla_targets (
    policy_id       INTEGER NOT NULL REFERENCES sla_policies(id) ON DELETE CASCADE,
    level           TEXT NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'enhancement')),
    response_secs   INTEGER CHECK (response_secs > 0),
    update_secs     INTEGER CHECK (update_secs > 0),
    resolution_secs INTEGER CHECK (resolution_secs > 0),
    PRIMARY KEY (policy_id, level)
);

CREATE TABLE agreements (
    id                INTEGER PRIMARY KEY,
    organization_id   INTEGER NOT NULL REFERENCES organizations(id),
    kind              TEXT NOT NULL CHECK (kind IN ('maintenance', 'enhanced', 'advanced')),
    status            TEXT NOT NULL DEFAULT 'requested'
                      CHECK (status IN ('requested', 'quoted', 'signed', 'completed', 'cancelled', 'expired')),
    starts_on         TEXT NOT NULL,
    ends_on           TEXT,                              -- inclusive; NULL: open-ended
    hosting           TEXT CHECK (hosting IN ('vendor_hosted', 'customer_hosted')),
    sla_policy_id     INTEGER REFERENCES sla_policies(id),
    calendar_id       INTEGER REFERENCES calendars(id),  -- overrides the policy's calendar
    currency          TEXT,
    annual_fee        INTEGER,                           -- minor units
    rate              INTEGER,                           -- minor units an hour
    hours_minutes     INTEGER,                           -- purchased hours, in minutes
    per_diem_rate     INTEGER,
    extras            TEXT NOT NULL DEFAULT '[]',
    services          TEXT NOT NULL DEFAULT '[]',
    invoicing         TEXT,
    phases            TEXT NOT NULL DEFAULT '[]',
    rasci_matrix_id   INTEGER,
    quote_amount      INTEGER,
    quote_valid_until TEXT,
    quoted_at         INTEGER,
    signed_at         INTEGER,
    notice_given_on   TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX agreements_organization ON agreements(organization_id, kind, status);

CREATE TABLE tickets (
    id                    INTEGER PRIMARY KEY,
    organization_id       INTEGER REFERENCES organizations(id),   -- NULL: held for triage
    requester_id          INTEGER REFERENCES users(id),
    assignee_id           INTEGER REFERENCES users(id),
    agreement_id          INTEGER REFERENCES agreements(id),      -- the entitling agreement
    channel               TEXT NOT NULL CHECK (channel IN ('portal', 'email', 'phone', 'chat', 'api', 'monitoring')),
    type                  TEXT NOT NULL CHECK (type IN ('error', 'assistance', 'enhancement', 'service')),
    severity              TEXT NOT NULL CHECK (severity IN ('A', 'B', 'C', 'D')),
    status                TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
    subject               TEXT NOT NULL,
    body                  TEXT NOT NULL,
    received_at           INTEGER NOT NULL,
    handling_initiated_at INTEGER,
    last_staff_reply_at   INTEGER,                                -- restarts the update clock
    resolved_at           INTEGER,
    billable              INTEGER NOT NULL,
    escalation_level      INTEGER NOT NULL DEFAULT 0,
    root_cause            TEXT,
    known_error_id        INTEGER,
    release_id            INTEGER,
    installation_id       INTEGER,
    priority              INTEGER NOT NULL DEFAULT 0,             -- 1: priority_line customer
    response_due_at       INTEGER,                                -- stored for the queue; recomputed on change
    resolution_due_at     INTEGER,
    sort_due_at           INTEGER,                                -- the next pending due; NULL when paused or none
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX tickets_organization ON tickets(organization_id, id);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_queue ON tickets(priority DESC, sort_due_at, id) WHERE sort_due_at IS NOT NULL;
CREATE INDEX tickets_due ON tickets(sort_due_at, id) WHERE sort_due_at IS NOT NULL;
CREATE INDEX tickets_agreement ON tickets(agreement_id);

-- Every status a ticket has had, from received_at on: the SLA clocks are derived from it.
CREATE TABLE ticket_status_log (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    at        INTEGER NOT NULL,
    status    TEXT NOT NULL,
    actor_id  INTEGER
);
CREATE INDEX ticket_status_log_ticket ON ticket_status_log(ticket_id, id);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    author_id   INTEGER REFERENCES users(id),
    staff       INTEGER NOT NULL,                       -- written by an agent or admin
    internal    INTEGER NOT NULL DEFAULT 0,             -- a note customers never see
    body        TEXT NOT NULL,
    mail_id     TEXT,                                   -- Message-ID of an inbound mail
    created_at  INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, id);

-- Notifications waiting to be sent: written in the same transaction as their cause.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,          -- received, reply, status, sla_warning, sla_breach, ...
    ticket_id       INTEGER,
    recipients      TEXT NOT NULL,          -- JSON list of addresses
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,   -- the same on every delivery attempt
    not_before      INTEGER NOT NULL,       -- e.g. the next opening for non-A SLA notices
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL;

-- "Each notification is queued once": one row per (ticket, notice).
CREATE TABLE sla_notices (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    notice     TEXT NOT NULL,               -- e.g. response_warning, update_breach@<reply time>
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, notice)
);

CREATE TABLE sign_in_failures (
    user_id INTEGER NOT NULL REFERENCES users(id),
    at      INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_user ON sign_in_failures(user_id, at);
