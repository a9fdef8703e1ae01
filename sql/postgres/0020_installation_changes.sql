-- Installation changes that wait (issue 16): a change staff propose waits for the customer's
-- approval (approved or declined, by whom and when); a change dated later waits as scheduled
-- (or approved) until the sweep applies it. Existing rows were applied when logged: installed.
ALTER TABLE installation_changes ADD COLUMN status TEXT NOT NULL DEFAULT 'installed'
    CHECK (status IN ('proposed', 'approved', 'declined', 'scheduled', 'installed'));
ALTER TABLE installation_changes ADD COLUMN decided_by BIGINT REFERENCES users(id);
ALTER TABLE installation_changes ADD COLUMN decided_at BIGINT;
ALTER TABLE installation_changes ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX installation_changes_due ON installation_changes(status, at);
