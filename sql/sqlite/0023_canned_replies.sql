-- Canned replies (issue 15): text snippets with placeholders that staff insert into replies.
-- Every agent sees every one; an agent changes its own, an admin any.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX canned_replies_title ON canned_replies(title);
