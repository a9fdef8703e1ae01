-- 0013 alerts: solution monitoring (issue 16). Alerts of one fingerprint in one organisation
-- fold into one request (channel monitoring): one row per request they opened, with a count.

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    fingerprint     TEXT NOT NULL,                    -- the monitoring system's key, 1..200 chars
    ticket_id       INTEGER NOT NULL REFERENCES tickets(id),
    summary         TEXT NOT NULL,                    -- of the first alert: the request's subject
    severity        TEXT NOT NULL,                    -- the latest alert's, as sent (critical, A, ...)
    status          TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
    count           INTEGER NOT NULL CHECK (count > 0),
    first_seen_at   INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    resolved_at     INTEGER,                          -- when it last resolved
    retired_at      INTEGER,                          -- a later request took over the fingerprint
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
-- The current alert of a fingerprint: one at most, so that two alerts at once open one request.
CREATE UNIQUE INDEX alerts_current ON alerts(organization_id, fingerprint) WHERE retired_at IS NULL;
CREATE INDEX alerts_organization ON alerts(organization_id, id);
CREATE INDEX alerts_ticket ON alerts(ticket_id);
