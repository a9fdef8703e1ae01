-- Mirrors sql/sqlite/0010_mail_senders.sql. Differs only in types (BIGINT, BYTEA).
-- 0010 mail senders: the installation's key for signed reply addresses, and whether the sender
-- of a request opened by mail was verified (docs/mail.md, "Who sent it").

-- Secrets of this installation, made once by the first process that needs one (random bytes
-- from libsodium; INSERT ... ON CONFLICT DO NOTHING, so two processes agree on the first).
-- 'reply-to': the HMAC-SHA256 key of the signed reply addresses (32 bytes). Backups carry it,
-- so a restored desk still recognises the reply addresses it sent.
CREATE TABLE mail_keys (
    name       TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- The From address of the mail that opened a request, and whether it was verified (a trusted
-- Authentication-Results, or a signed reply address). Both NULL for requests opened otherwise.
ALTER TABLE tickets ADD COLUMN sender_address TEXT;
ALTER TABLE tickets ADD COLUMN sender_verified BIGINT;
