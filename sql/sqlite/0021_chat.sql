-- 0021 live chat (issue 16): a customer whose organisation has live chat (an add-on, or the
-- live_chat extra of a signed agreement in effect) opens a chat in the portal. The chat is a
-- request of channel 'chat' from its first line: its messages are the request's messages, so
-- the transcript is the request's conversation and the events stream carries it. This table
-- holds the chat's own state: waiting for an agent, active (an agent joined), closed (by a
-- person, or by the idle job: closed_by NULL).
CREATE TABLE chats (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    ticket_id       INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    customer_id     INTEGER NOT NULL REFERENCES users(id),   -- who opened it
    agent_id        INTEGER REFERENCES users(id),            -- who accepted it; NULL while waiting
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed')),
    last_message_at INTEGER NOT NULL,                        -- the idle job counts from it
    accepted_at     INTEGER,
    closed_at       INTEGER,
    closed_by       INTEGER REFERENCES users(id),            -- NULL when closed for idleness
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX chats_status ON chats(status, id);
CREATE INDEX chats_organization ON chats(organization_id, id);
