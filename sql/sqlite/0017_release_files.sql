-- Hot-fix files of a release (issue 16): staff upload them, customers with an active
-- maintenance agreement download them once the release is published. Kept in the database,
-- as request attachments are, so that a backup holds them.
CREATE TABLE release_files (
    id           INTEGER PRIMARY KEY,
    release_id   INTEGER NOT NULL REFERENCES releases(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    UNIQUE (release_id, filename)
);
