-- 0004 agreements and money: change orders, bookings, time entries, expenses, invoices,
-- hour-bank notices, the service catalogue, RASCI matrices, billing defaults.
-- The agreements table itself is in 0002. Money is INTEGER minor units of the row's currency.

CREATE TABLE change_orders (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    minutes      INTEGER NOT NULL CHECK (minutes <> 0),  -- > 0 adds hours, < 0 removes them
    reason       TEXT NOT NULL,
    applies_to   TEXT NOT NULL CHECK (applies_to IN ('current_year', 'following_years')),
    status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'signed')),
    signed_on    TEXT,                                   -- UTC date of signing: picks its agreement year
    signed_at    INTEGER,
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX change_orders_agreement ON change_orders(agreement_id, id);

CREATE TABLE bookings (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),  -- the booked resource (staff)
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,                          -- inclusive
    status       TEXT NOT NULL CHECK (status IN ('tentative', 'confirmed')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX bookings_agreement ON bookings(agreement_id, id);

CREATE TABLE time_entries (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    ticket_id       INTEGER REFERENCES tickets(id),
    agreement_id    INTEGER REFERENCES agreements(id),   -- NULL: billed at the default rate
    user_id         INTEGER NOT NULL REFERENCES users(id),
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 100000),
    kind            TEXT NOT NULL CHECK (kind IN ('included', 'billable', 'internal')),
    on_date         TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    invoice_id      INTEGER REFERENCES invoices(id),     -- set once invoiced
    created_at      INTEGER NOT NULL
);
CREATE INDEX time_entries_agreement ON time_entries(agreement_id, kind, on_date);
CREATE INDEX time_entries_ticket ON time_entries(ticket_id, id);
CREATE INDEX time_entries_unbilled ON time_entries(organization_id, on_date)
    WHERE invoice_id IS NULL AND kind = 'billable';

CREATE TABLE expenses (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    kind         TEXT NOT NULL CHECK (kind IN ('actual', 'per_diem')),
    amount       INTEGER NOT NULL CHECK (amount >= 0),   -- per_diem: days x the rate when recorded
    days         INTEGER,                                -- per_diem only
    note         TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    booking_id   INTEGER REFERENCES bookings(id),        -- costs of rescheduling that booking
    invoice_id   INTEGER REFERENCES invoices(id),
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX expenses_agreement ON expenses(agreement_id, on_date);

CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,                -- YYYY-NNNN
    year            INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    agreement_id    INTEGER REFERENCES agreements(id),   -- NULL: billable time without agreement
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total           INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX invoices_organization ON invoices(organization_id, id);
CREATE INDEX invoices_agreement ON invoices(agreement_id, period_start);

CREATE TABLE invoice_lines (
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,                           -- fee, phase, change_order, work, time, expense
    description TEXT NOT NULL,
    on_date     TEXT,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL,                           -- item, minute (unit_price an hour), day
    unit_price  INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

-- "Warnings at 80 % and 100 % used, queued once": one row per agreement, bank period, threshold.
CREATE TABLE hour_bank_notices (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    period_start TEXT NOT NULL,
    threshold    INTEGER NOT NULL CHECK (threshold IN (80, 100)),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, period_start, threshold)
);

CREATE TABLE catalogue_services (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position           INTEGER NOT NULL,
    vendor_inclusion   TEXT NOT NULL CHECK (vendor_inclusion IN ('included', 'add_on', 'not_offered')),
    vendor_comment     TEXT NOT NULL DEFAULT '',
    customer_inclusion TEXT NOT NULL CHECK (customer_inclusion IN ('included', 'add_on', 'not_offered')),
    customer_comment   TEXT NOT NULL DEFAULT '',
    updated_at         INTEGER NOT NULL
);

INSERT INTO catalogue_services (name, position, vendor_inclusion, vendor_comment,
                                customer_inclusion, customer_comment, updated_at) VALUES
    ('IT system maintenance', 1, 'included', '', 'included', '', 0),
    ('Software update — patches and minor upgrades', 2, 'included',
     'installed automatically', 'included', 'the customer is notified of updates', 0),
    ('Software update — major releases', 3, 'included', 'installed automatically',
     'included', 'the customer is notified of updates', 0),
    ('Licence management', 4, 'included', '', 'included', '', 0),
    ('Network management', 5, 'included', '', 'not_offered', '', 0),
    ('Backup (full database backup daily, kept 30 days)', 6, 'included', '', 'not_offered', '', 0),
    ('System integration', 7, 'add_on', 'through API access, an add-on to purchase',
     'not_offered', '', 0),
    ('Storage management', 8, 'included', '', 'not_offered', '', 0);

-- A matrix: parties (JSON list of names) and rows (JSON list of {"activity","cells":{party:"A/R"}}).
CREATE TABLE rasci_matrices (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    parties    TEXT NOT NULL,
    rows       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX rasci_one_default ON rasci_matrices(is_default) WHERE is_default = 1;

INSERT INTO rasci_matrices (name, parties, rows, is_default, created_at) VALUES (
    'Default (support data sheet)', '["Customer","Vendor"]', '[' ||
    '{"activity":"System support in opening hours","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Service desk, 24/7/365","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Maintain the log of reported errors","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Support in troubleshooting","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Respond within the agreed service levels (A–D)","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Description and documentation of changes","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Log-keeping of installed changes","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Access to customer IT infrastructure, meter data and software components","cells":{"Customer":"A/R","Vendor":"I/S"}},' ||
    '{"activity":"Installation of new software modules","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Installation of required updates","cells":{"Customer":"I","Vendor":"A/R"}},' ||
    '{"activity":"Third-party licences and permissions","cells":{"Customer":"A/R","Vendor":"I/S"}},' ||
    '{"activity":"Communication and operating costs of the system","cells":{"Customer":"A/R","Vendor":"I"}},' ||
    '{"activity":"Work and changes on meters, routers, concentrators and GSM installations","cells":{"Customer":"A/R","Vendor":"S"}},' ||
    '{"activity":"Errors caused directly or indirectly by a third party or the customer","cells":{"Customer":"A/R","Vendor":"I"}}' ||
    ']', 1, 0);

-- Billable time of an organisation without an agreement is invoiced at this rate (minor units
-- an hour) in this currency; admins change them with PUT /api/v1/settings/billing.
INSERT INTO meta (key, value) VALUES ('billing.default_rate', '10000'),
                                     ('billing.default_currency', 'EUR');
