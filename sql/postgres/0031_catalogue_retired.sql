-- Retiring a catalogue service (issue 15): when an admin retired it, NULL while it is offered. A
-- retired service stays on the agreements and add-ons that name it, but the portal's catalogue no
-- longer lists it and no new add-on may be bought of it.
ALTER TABLE catalogue_services ADD COLUMN retired_at BIGINT;
