-- 0006 web sessions of the pages (/portal, /desk): the browser holds a random 256-bit token
-- in the svcdesk_session cookie; only its SHA-256 is stored, so a copy of the database
-- signs nobody in. Sessions last 7 days; signing out ends one (ended_at).

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        BLOB NOT NULL UNIQUE,              -- SHA-256 of the cookie's token
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER                            -- signed out; NULL: live until expires_at
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);
