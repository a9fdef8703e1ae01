-- 0018 yearly requirements and lapse notices of enhanced agreements (issue 16).

-- The requirements of one agreement year (from year_start, an anniversary of the agreement's
-- starts_on). A row is opened as an internal task requirements-lead-days before the year
-- (assigned to the agreement's representative; NULL: unassigned), or by recording the
-- requirements first; recording them completes it (requirements_completed_at). Staff only
-- see the task; customers see the recorded requirements. One row per agreement and year,
-- also with several servers and replayed writes.
CREATE TABLE requirement_tasks (
    id                        INTEGER PRIMARY KEY,
    agreement_id              INTEGER NOT NULL REFERENCES agreements(id),
    year_start                TEXT NOT NULL,
    year_end                  TEXT NOT NULL,
    title                     TEXT NOT NULL,
    assignee_id               INTEGER REFERENCES users(id),
    opened_at                 INTEGER NOT NULL,
    scope                     TEXT,
    assumptions               TEXT,
    schedule                  TEXT,
    roles                     TEXT,
    rasci_matrix_id           INTEGER REFERENCES rasci_matrices(id),
    requirements_completed_at INTEGER,
    completed_by              INTEGER REFERENCES users(id),
    UNIQUE (agreement_id, year_start)
);
CREATE INDEX requirement_tasks_open ON requirement_tasks(assignee_id)
    WHERE requirements_completed_at IS NULL;

-- "Use it or lose it": one row per agreement, bank year and threshold (days before the year
-- ends, from lapse-notice-days) once its notice was queued (or found nothing to tell).
CREATE TABLE hour_lapse_notices (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    period_start TEXT NOT NULL,
    days_before  INTEGER NOT NULL CHECK (days_before BETWEEN 1 AND 366),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, period_start, days_before)
);
