-- Mirrors sql/sqlite/0008_reports.sql. No difference.
-- 0008: the SLA report walks one organisation's requests (or all) by received_at.
CREATE INDEX tickets_received ON tickets(organization_id, received_at);
