-- 0014 people on accounts and agreements, and forced double bookings.
--
-- organizations.account_executive_id: the vendor's account executive of the customer (a staff
-- user; NULL: none). agreements.representative_id: the vendor's representative on the
-- agreement (a staff user; NULL: none). Customers see both (name and e-mail) under "Your
-- contacts" in the portal.
-- account_executive_id has no foreign key: users already reference organizations, and a key back
-- would be a cycle (svcdesk copy inserts tables in the order of their keys); the store checks
-- that it names a staff user.
-- bookings.overlap_reason: why the booking was stored although it overlaps another booking of
-- the same person ("force": true with a reason); NULL: it overlapped nothing when last written.
-- meta 'sla.default_policy_id' (written by `svcdesk init`, not here): the SLA policy a
-- maintenance agreement created without sla_policy_id takes.

ALTER TABLE organizations ADD COLUMN account_executive_id INTEGER;
ALTER TABLE agreements ADD COLUMN representative_id INTEGER REFERENCES users(id);
ALTER TABLE bookings ADD COLUMN overlap_reason TEXT;
CREATE INDEX bookings_user ON bookings(user_id, starts_on);
