-- Merging and linking requests (issue 15). A merged request points at the one it was merged
-- into (its messages were copied there, its files and time moved) and is closed. A link is
-- stored once per direction: related <-> related, parent <-> child.
ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER; -- no foreign key: svcdesk copy inserts in id order
CREATE TABLE ticket_links (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    other_id   INTEGER NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (kind IN ('related', 'parent', 'child')),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, other_id)
);
