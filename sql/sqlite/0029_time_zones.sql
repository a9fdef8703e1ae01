-- The time zone a user reads times in (issue 15): an IANA name, e.g. Europe/Copenhagen; NULL:
-- each request's support calendar (UTC where none applies).
ALTER TABLE users ADD COLUMN time_zone TEXT;
