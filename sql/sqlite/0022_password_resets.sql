-- Password resets by e-mail (issue 15): a one-time link valid one hour. Only the SHA-256 of
-- the link's token is stored, as for API tokens; a reset is used at most once.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    hash       BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    address    TEXT                                  -- the client that asked for it
);
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);
CREATE INDEX password_resets_address ON password_resets(address, created_at);
-- GET /api/v1/audit-log by who (issue 15): the actor's rows newest first.
CREATE INDEX audit_actor ON audit_log(actor_id, id);
