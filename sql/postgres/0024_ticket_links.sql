-- Merging and linking requests (issue 15). A merged request points at the one it was merged
-- into (its messages were copied there, its files and time moved) and is closed. A link is
-- stored once per direction: related <-> related, parent <-> child.
ALTER TABLE tickets ADD COLUMN merged_into_id BIGINT; -- no foreign key: svcdesk copy inserts in id order
CREATE TABLE ticket_links (
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
    other_id   BIGINT NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (kind IN ('related', 'parent', 'child')),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, other_id)
);
