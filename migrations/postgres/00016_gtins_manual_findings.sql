-- +goose Up
-- GTINs (the barcode on a camera's box; Decree 37/2026's digital product
-- passport names it). A model lists its own in camera_models.gtins (a JSON
-- array of 14-digit strings); model_gtins indexes them, so that a scanned
-- barcode finds its model and no GTIN belongs to two models.
ALTER TABLE camera_models ADD COLUMN gtins TEXT NOT NULL DEFAULT '[]';
CREATE TABLE model_gtins (
    gtin            TEXT PRIMARY KEY,
    camera_model_id TEXT NOT NULL REFERENCES camera_models (id) ON DELETE CASCADE
);
CREATE INDEX model_gtins_model ON model_gtins (camera_model_id);


-- Manual findings: an inspector records a violation the registry cannot
-- see (no Vietnamese label, a tampered label, other), against the visit,
-- optionally naming one of its items. Such a finding has no item position
-- of its own (manual = true); an item still opens at most one automatic
-- finding.
ALTER TABLE findings ALTER COLUMN item_position DROP NOT NULL;
ALTER TABLE findings ADD COLUMN manual BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE findings DROP CONSTRAINT findings_inspection_id_item_position_key;
CREATE UNIQUE INDEX findings_item ON findings (inspection_id, item_position) WHERE NOT manual;
CREATE INDEX findings_inspection ON findings (inspection_id);

-- Photos taken during a visit: kept privately in the database (at most
-- 5 MiB each, JPEG, PNG or WebP by their bytes), belonging to the
-- inspection and, once attached, to a finding; served only to those who
-- may read the inspection.
CREATE TABLE inspection_photos (
    id            TEXT PRIMARY KEY,
    created_at    TIMESTAMPTZ NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    finding_id    TEXT REFERENCES findings (id),
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BYTEA NOT NULL
);
CREATE INDEX inspection_photos_inspection ON inspection_photos (inspection_id);
CREATE INDEX inspection_photos_finding ON inspection_photos (finding_id);

-- +goose Down
DROP TABLE inspection_photos;
DELETE FROM findings WHERE manual;
DROP INDEX findings_inspection;
DROP INDEX findings_item;
ALTER TABLE findings ADD CONSTRAINT findings_inspection_id_item_position_key UNIQUE (inspection_id, item_position);
ALTER TABLE findings DROP COLUMN manual;
ALTER TABLE findings ALTER COLUMN item_position SET NOT NULL;
DROP TABLE model_gtins;
ALTER TABLE camera_models DROP COLUMN gtins;
