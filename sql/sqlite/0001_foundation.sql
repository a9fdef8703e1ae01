-- 0001 foundation: organisations, users, API tokens, the audit log, job leases, metadata.
-- Times are INTEGER UTC unix seconds; dates TEXT 'YYYY-MM-DD'.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    domains     TEXT NOT NULL DEFAULT '[]',      -- JSON list of mail domains
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'customer')),
    organization_id INTEGER REFERENCES organizations(id),
    password_hash   TEXT,                          -- argon2id string; NULL: cannot sign in
    created_at      INTEGER NOT NULL,
    CHECK ((role = 'customer') = (organization_id IS NOT NULL))
);
CREATE INDEX users_organization ON users(organization_id);

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        BLOB NOT NULL UNIQUE,              -- SHA-256 of the token text
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,                           -- NULL: the system
    action      TEXT NOT NULL,                     -- create, update, delete, sign_in, ...
    entity      TEXT NOT NULL,                     -- table-like name: user, ticket, ...
    entity_id   INTEGER,
    before      TEXT,                              -- JSON, NULL on create
    after       TEXT                               -- JSON, NULL on delete
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- One row per background job: a server runs a job only while it holds the lease.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until INTEGER NOT NULL,
    last_run_at INTEGER
);

CREATE TABLE meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
