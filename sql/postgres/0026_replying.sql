-- Who is writing a reply to a request now (issue 15): the desk warns another agent who opens
-- it. A row lives until `until` (UTC seconds); the page's script renews it while the reply
-- box is in use. Not history: old rows are replaced, and pruned as others are written.
CREATE TABLE ticket_replying (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    user_id   BIGINT NOT NULL REFERENCES users(id),
    until     BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
