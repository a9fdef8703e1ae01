-- 0007 knowledge: the knowledge base and its full-text index, releases, installations and
-- their log of installed changes, the known-error log, and full-text indexes over requests
-- and their messages (SPEC 2.5, 4).
--
-- Full-text indexes are FTS5 tables with external content, kept in sync by triggers, so an
-- index changes in the same transaction as its rows whoever writes them. Words are stemmed
-- (porter) after unicode61 folds case and diacritics.

CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,                       -- Markdown
    tags        TEXT NOT NULL DEFAULT '[]',          -- JSON list of strings
    visibility  TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('public', 'customers', 'internal')),
    author_id   INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX kb_articles_visibility ON kb_articles(visibility, id);

-- What the index reads: the tags as words ("backup, meters"), not as JSON.
CREATE VIEW kb_articles_text AS
    SELECT id, title, (SELECT group_concat(value, ', ') FROM json_each(kb_articles.tags)) AS tags,
           body FROM kb_articles;
CREATE VIRTUAL TABLE kb_articles_fts USING fts5(title, tags, body, content = 'kb_articles_text',
    content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER kb_articles_ai AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (rowid, title, tags, body) VALUES (new.id, new.title,
        (SELECT group_concat(value, ', ') FROM json_each(new.tags)), new.body);
END;
CREATE TRIGGER kb_articles_ad AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, tags, body) VALUES ('delete',
        old.id, old.title, (SELECT group_concat(value, ', ') FROM json_each(old.tags)), old.body);
END;
CREATE TRIGGER kb_articles_au AFTER UPDATE OF title, tags, body ON kb_articles BEGIN
    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, tags, body) VALUES ('delete',
        old.id, old.title, (SELECT group_concat(value, ', ') FROM json_each(old.tags)), old.body);
    INSERT INTO kb_articles_fts (rowid, title, tags, body) VALUES (new.id, new.title,
        (SELECT group_concat(value, ', ') FROM json_each(new.tags)), new.body);
END;

CREATE TABLE releases (
    id           INTEGER PRIMARY KEY,
    version      TEXT NOT NULL,                      -- as written
    version_key  TEXT NOT NULL UNIQUE,               -- domain/version.h sort key: 5.10 = 5.10.0
    kind         TEXT NOT NULL CHECK (kind IN ('hotfix', 'patch', 'minor', 'major')),
    released_on  TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',           -- Markdown
    published_at INTEGER,                            -- NULL: not published (customers do not see it)
    published_by INTEGER REFERENCES users(id),
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE installations (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    hosting         TEXT NOT NULL CHECK (hosting IN ('vendor_hosted', 'customer_hosted')),
    version         TEXT NOT NULL,                   -- as written
    version_key     TEXT NOT NULL,                   -- sort key, compared when a release is published
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX installations_organization ON installations(organization_id, id);
CREATE INDEX installations_version ON installations(hosting, version_key);

-- The log of installed changes: what, when, by whom, documentation (SPEC 2.5).
CREATE TABLE installation_changes (
    id              INTEGER PRIMARY KEY,
    installation_id INTEGER NOT NULL REFERENCES installations(id),
    what            TEXT NOT NULL,
    at              INTEGER NOT NULL,                -- when it was (or is scheduled to be) installed
    by_id           INTEGER REFERENCES users(id),    -- NULL: the system
    documentation   TEXT NOT NULL DEFAULT '',
    from_version    TEXT,                            -- NULL: the version did not change
    to_version      TEXT,
    release_id      INTEGER REFERENCES releases(id), -- the release it installs, if any
    created_at      INTEGER NOT NULL
);
CREATE INDEX installation_changes_installation ON installation_changes(installation_id, id);

CREATE TABLE known_errors (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('investigating', 'workaround', 'fixed', 'closed')),
    workaround          TEXT,
    fixed_in_release_id INTEGER REFERENCES releases(id),
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- Affected versions: a customer sees a known error when one of its installations runs one.
CREATE TABLE known_error_versions (
    known_error_id INTEGER NOT NULL REFERENCES known_errors(id) ON DELETE CASCADE,
    version_key    TEXT NOT NULL,
    version        TEXT NOT NULL,                    -- as written
    PRIMARY KEY (known_error_id, version_key)
);
CREATE INDEX known_error_versions_key ON known_error_versions(version_key);

-- tickets.known_error_id (0002) links a request to its known error.
CREATE INDEX tickets_known_error ON tickets(known_error_id) WHERE known_error_id IS NOT NULL;

-- The search text of each request, for GET /api/v1/tickets?q= (SPEC 4: full-text search over
-- 1,000,000 messages): one document per request, rowid = the request's id, holding its subject,
-- body and public messages (column public) and its internal notes (column internal), so that
-- "every word in the subject, body or messages" is one FTS5 query whose AND is evaluated by the
-- index, and customers search the public column only. It stores its own copy of the text (a
-- regular FTS5 table): a change replaces the document of its request, whatever wrote it.
CREATE VIRTUAL TABLE ticket_search USING fts5(public, internal,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIEW ticket_search_text AS
    SELECT t.id AS id,
           t.subject || char(10) || t.body || coalesce(char(10) || (SELECT group_concat(body, char(10))
               FROM (SELECT body FROM messages m WHERE m.ticket_id = t.id AND m.internal = 0 ORDER BY m.id)), '')
               AS public,
           coalesce((SELECT group_concat(body, char(10))
               FROM (SELECT body FROM messages m WHERE m.ticket_id = t.id AND m.internal = 1 ORDER BY m.id)), '')
               AS internal
    FROM tickets t;
CREATE TRIGGER ticket_search_ticket_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (rowid, public, internal) VALUES (new.id, new.subject || char(10) || new.body, '');
END;
CREATE TRIGGER ticket_search_ticket_au AFTER UPDATE OF subject, body ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid = new.id;
    INSERT INTO ticket_search (rowid, public, internal) SELECT id, public, internal FROM ticket_search_text WHERE id = new.id;
END;
CREATE TRIGGER ticket_search_ticket_ad AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid = old.id;
END;
CREATE TRIGGER ticket_search_message_ai AFTER INSERT ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid = new.ticket_id;
    INSERT INTO ticket_search (rowid, public, internal) SELECT id, public, internal FROM ticket_search_text WHERE id = new.ticket_id;
END;
CREATE TRIGGER ticket_search_message_au AFTER UPDATE OF ticket_id, internal, body ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid IN (old.ticket_id, new.ticket_id);
    INSERT INTO ticket_search (rowid, public, internal) SELECT id, public, internal FROM ticket_search_text
        WHERE id IN (old.ticket_id, new.ticket_id);
END;
CREATE TRIGGER ticket_search_message_ad AFTER DELETE ON messages BEGIN
    DELETE FROM ticket_search WHERE rowid = old.ticket_id;
    INSERT INTO ticket_search (rowid, public, internal) SELECT id, public, internal FROM ticket_search_text WHERE id = old.ticket_id;
END;
INSERT INTO ticket_search (rowid, public, internal) SELECT id, public, internal FROM ticket_search_text;
