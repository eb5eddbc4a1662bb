-- +goose Up
-- Idempotency keys (IETF httpapi Idempotency-Key): a creating POST sent
-- again with the same key replays the first answer. A key is scoped to the
-- API key that sent it and kept 24 hours (expires_at, Unix milliseconds).
-- state: pending (claimed, running; locked_until bounds a crashed claim),
-- committed (the write's own transaction marked it, the answer is not yet
-- stored), done (the answer below is stored for replay).
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    token        TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    resource     TEXT NOT NULL DEFAULT '',
    status       INTEGER NOT NULL DEFAULT 0,
    location     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    etag         TEXT NOT NULL DEFAULT '',
    body         BLOB,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- Record numbers: KT-<year>-<6 digits>, sequential per year of the visit.
CREATE TABLE record_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
ALTER TABLE inspections ADD COLUMN number TEXT;
-- The inspector: the name of the key that recorded the visit.
ALTER TABLE inspections ADD COLUMN inspector TEXT NOT NULL DEFAULT '';
UPDATE inspections SET number = (
    SELECT 'KT-' || substr(r.inspected_on, 1, 4) || '-' || printf('%06d', r.n)
    FROM (SELECT id, inspected_on,
                 ROW_NUMBER() OVER (PARTITION BY substr(inspected_on, 1, 4) ORDER BY created_at, id) AS n
          FROM inspections) r
    WHERE r.id = inspections.id);
INSERT INTO record_counters (name, value)
    SELECT 'KT-' || substr(inspected_on, 1, 4), COUNT(*) FROM inspections GROUP BY substr(inspected_on, 1, 4);
CREATE UNIQUE INDEX inspections_number ON inspections (number);

-- An item raises a finding only when it is certain: resolution is exact
-- (matched exactly, or the inspector chose the model), needs_confirmation
-- (a possible, ambiguous or missing match, with its candidates), or
-- not_in_registry (the inspector recorded it so, with the label's text).
ALTER TABLE inspection_items ADD COLUMN resolution TEXT NOT NULL DEFAULT 'exact';
ALTER TABLE inspection_items ADD COLUMN candidates TEXT NOT NULL DEFAULT '[]';
ALTER TABLE inspection_items ADD COLUMN gtin TEXT NOT NULL DEFAULT '';
ALTER TABLE inspection_items ADD COLUMN label_text TEXT NOT NULL DEFAULT '';
ALTER TABLE inspection_items ADD COLUMN photo_ids TEXT NOT NULL DEFAULT '[]';
UPDATE inspection_items SET resolution = 'needs_confirmation' WHERE match <> 'exact';

-- +goose Down
ALTER TABLE inspection_items DROP COLUMN photo_ids;
ALTER TABLE inspection_items DROP COLUMN label_text;
ALTER TABLE inspection_items DROP COLUMN gtin;
ALTER TABLE inspection_items DROP COLUMN candidates;
ALTER TABLE inspection_items DROP COLUMN resolution;
DROP INDEX inspections_number;
ALTER TABLE inspections DROP COLUMN inspector;
ALTER TABLE inspections DROP COLUMN number;
DROP TABLE record_counters;
DROP INDEX idempotency_keys_expires;
DROP TABLE idempotency_keys;
