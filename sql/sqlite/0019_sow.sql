-- 0019 statements of work: the history of quotes, the signatures of both parties, and the
-- bookings a change order reschedules (issue 16).

-- Every quote issued on an agreement (the agreement's quote_* columns keep the latest).
CREATE TABLE agreement_quotes (
    id           INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    currency     TEXT NOT NULL,
    valid_until  TEXT NOT NULL,
    quoted_by    INTEGER REFERENCES users(id),
    quoted_at    INTEGER NOT NULL
);
CREATE INDEX agreement_quotes_agreement ON agreement_quotes(agreement_id, id);
INSERT INTO agreement_quotes (agreement_id, amount, currency, valid_until, quoted_at)
    SELECT id, quote_amount, currency, quote_valid_until, quoted_at FROM agreements
    WHERE quoted_at IS NOT NULL AND quote_amount IS NOT NULL AND quote_valid_until IS NOT NULL;

-- The signature of one party (the vendor's staff, the customer's user) on an agreement or a
-- change order: the typed name, the client's address and when. Whichever comes second puts
-- the thing in effect. One per party.
CREATE TABLE signatures (
    id          INTEGER PRIMARY KEY,
    entity      TEXT NOT NULL CHECK (entity IN ('agreement', 'change_order')),
    entity_id   INTEGER NOT NULL,
    party       TEXT NOT NULL CHECK (party IN ('vendor', 'customer')),
    user_id     INTEGER REFERENCES users(id),
    name        TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    signed_at   INTEGER NOT NULL,
    UNIQUE (entity, entity_id, party)
);

-- What was signed before signatures were kept counts as signed by both.
INSERT INTO signatures (entity, entity_id, party, name, client_addr, signed_at)
    SELECT s.entity, s.id, p.party, '', '', s.signed_at FROM
        (SELECT 'agreement' AS entity, id, signed_at FROM agreements
         UNION ALL SELECT 'change_order', id, signed_at FROM change_orders) s,
        (SELECT 'vendor' AS party UNION ALL SELECT 'customer') p
    WHERE s.signed_at IS NOT NULL;

-- The bookings a change order that adds or removes hours reschedules.
CREATE TABLE change_order_bookings (
    change_order_id INTEGER NOT NULL REFERENCES change_orders(id),
    booking_id      INTEGER NOT NULL REFERENCES bookings(id),
    PRIMARY KEY (change_order_id, booking_id)
);
