-- Purchased add-ons (issue 16): an organisation buys a catalogue service that is an add-on,
-- dated and priced a year; the yearly invoice carries it beside the maintenance and enhanced
-- fees. A service may give a feature that the desk switches on while an add-on of it runs.
ALTER TABLE catalogue_services ADD COLUMN feature TEXT
    CHECK (feature IN ('api_access', 'live_chat', 'priority_line', 'solution_monitoring'));
CREATE UNIQUE INDEX catalogue_services_feature ON catalogue_services(feature)
    WHERE feature IS NOT NULL;
INSERT INTO catalogue_services (name, position, vendor_inclusion, vendor_comment,
                                customer_inclusion, customer_comment, updated_at, feature) VALUES
    ('API access', 9, 'add_on', 'tokens for the customer''s own integrations', 'add_on',
     'tokens for the customer''s own integrations', 0, 'api_access'),
    ('Live chat', 10, 'add_on', 'in the portal, in support hours', 'add_on',
     'in the portal, in support hours', 0, 'live_chat'),
    ('Priority line', 11, 'add_on', 'requests go first in the queue', 'add_on',
     'requests go first in the queue', 0, 'priority_line'),
    ('Solution monitoring', 12, 'add_on', 'alerts open requests', 'add_on',
     'alerts from the customer''s monitoring open requests', 0, 'solution_monitoring');

CREATE TABLE addons (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    service_id      INTEGER NOT NULL REFERENCES catalogue_services(id),
    starts_on       TEXT NOT NULL,                       -- first day; its anniversaries start the years
    ends_on         TEXT,                                -- last day; NULL: until ended
    currency        TEXT NOT NULL,
    annual_price    INTEGER NOT NULL CHECK (annual_price >= 0),
    note            TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX addons_organization ON addons(organization_id, starts_on);

-- What an invoice bills: 'agreement' (one agreement), 'time' (billable time without
-- agreement), 'yearly' (an organisation's maintenance and enhanced agreements and add-ons of
-- a year, each agreement listed in invoice_agreements).
ALTER TABLE invoices ADD COLUMN kind TEXT NOT NULL DEFAULT 'agreement'
    CHECK (kind IN ('agreement', 'time', 'yearly'));
UPDATE invoices SET kind = 'time' WHERE agreement_id IS NULL;
CREATE TABLE invoice_agreements (
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    PRIMARY KEY (invoice_id, agreement_id)
);
CREATE INDEX invoice_agreements_agreement ON invoice_agreements(agreement_id);
CREATE INDEX invoices_yearly ON invoices(organization_id, period_start) WHERE kind = 'yearly';
