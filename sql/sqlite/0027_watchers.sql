-- Watchers and CC of a request (issue 15). A watcher is a user who hears of the request as
-- its side does: staff as the assignee (the customer's messages), customers as the requester
-- (replies, status). A CC is an address outside the users that gets the customer's notices.
CREATE TABLE ticket_watchers (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE TABLE ticket_cc (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    address    TEXT NOT NULL,                          -- lower case
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, address)
);
