-- 0015 remote access and maintenance windows (issue 16): how staff reach a customer's
-- installation, its secrets encrypted with a key kept outside the database, and the planned
-- downtime of vendor-hosted installations with the notices it sends.

-- One way in to an installation. The secret (a password or a key) is never stored in the
-- clear: secret holds nonce || crypto_secretbox (XSalsa20-Poly1305) of it, under the key in
-- the file `remote-access-key-file` names; NULL: no secret.
CREATE TABLE remote_access (
    id              INTEGER PRIMARY KEY,
    installation_id INTEGER NOT NULL REFERENCES installations(id),
    method          TEXT NOT NULL CHECK (method IN ('vpn', 'ssh', 'rdp', 'teamviewer', 'other')),
    host            TEXT NOT NULL,
    username        TEXT NOT NULL,
    notes           TEXT NOT NULL,
    secret          BLOB,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX remote_access_installation ON remote_access(installation_id, id);

-- Planned downtime of one vendor-hosted installation (installation_id) or of every
-- vendor-hosted installation of an organisation (installation_id NULL). Each notice is queued
-- once: the write that queues it sets its column (announced_at, reminded_at, cleared_at) in
-- the same transaction, and only when it was NULL.
CREATE TABLE maintenance_windows (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    installation_id INTEGER REFERENCES installations(id),
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL CHECK (ends_at > starts_at),
    summary         TEXT NOT NULL,
    details         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('scheduled', 'completed')),
    completed_at    INTEGER,
    announced_at    INTEGER,                  -- the announcement was queued
    reminded_at     INTEGER,                  -- the reminder was queued (NULL again on reschedule)
    cleared_at      INTEGER,                  -- the all-clear was queued: no notice follows
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX maintenance_windows_organization ON maintenance_windows(organization_id, id);
CREATE INDEX maintenance_windows_pending ON maintenance_windows(starts_at) WHERE cleared_at IS NULL;
