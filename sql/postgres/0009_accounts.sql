-- Mirrors sql/sqlite/0009_accounts.sql. Differs: the CSRF secret comes from gen_random_uuid().
-- 0009 accounts: ending someone's access, and sign-in that strangers cannot turn into a weapon.
--
-- users.disabled_at: an admin disabled the account (NULL: enabled); a disabled user cannot sign
-- in and every session and token of it is ended in the same transaction.
-- sessions and tokens: when each was last used, from which address and with which user agent
-- (the admin's list of active sessions); sessions also end after `session-idle-seconds`
-- without use (last_seen_at).
-- sign_in_failures is now counted per (e-mail as typed, client address), also for addresses
-- that name no account, so that the throttle answers the same for known and unknown ones.
-- drafts: a reply typed into a page whose session ended meanwhile, kept for that user and page
-- until the user signs in again and opens the page.
-- meta 'login_csrf_secret': the installation's key for the sign-in form's CSRF tokens.

ALTER TABLE users ADD COLUMN disabled_at BIGINT;

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;

ALTER TABLE tokens ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE tokens SET last_seen_at = created_at;
CREATE INDEX tokens_user ON tokens(user_id);

DROP TABLE sign_in_failures;
CREATE TABLE sign_in_failures (
    email   citext NOT NULL,               -- as typed: unknown addresses count too
    address TEXT NOT NULL,                 -- the client's IP address
    at      BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures(email, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures(at);

CREATE TABLE drafts (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    path     TEXT NOT NULL,                -- the page the reply belongs to, e.g. /portal/requests/5
    body     TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, path)
);

-- 64 hex digits as in SQLite (lower(hex(randomblob(32)))): gen_random_uuid() is core and draws
-- from the strong random source, 122 random bits each, without an extension such as pgcrypto.
INSERT INTO meta (key, value)
    VALUES ('login_csrf_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
    ON CONFLICT (key) DO NOTHING;
