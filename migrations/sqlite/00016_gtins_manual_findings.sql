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
CREATE TABLE findings_new (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    inspection_id     TEXT NOT NULL REFERENCES inspections (id),
    item_position     INTEGER,
    manual            BOOLEAN NOT NULL DEFAULT FALSE,
    trader_org_id     TEXT NOT NULL REFERENCES organizations (id),
    office_org_id     TEXT REFERENCES organizations (id),
    camera_model_id   TEXT REFERENCES camera_models (id),
    model_text        TEXT NOT NULL DEFAULT '',
    brand             TEXT NOT NULL DEFAULT '',
    province_code     TEXT,
    province_name     TEXT,
    observed_on       DATE NOT NULL,
    violation         TEXT NOT NULL,
    evidence          TEXT NOT NULL DEFAULT '[]',
    notes             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    status_reason     TEXT NOT NULL DEFAULT '',
    status_changed_on DATE
);
INSERT INTO findings_new (id, version, created_at, updated_at, inspection_id, item_position, trader_org_id, office_org_id,
    camera_model_id, model_text, brand, province_code, province_name, observed_on, violation, evidence, notes, status,
    status_reason, status_changed_on)
SELECT id, version, created_at, updated_at, inspection_id, item_position, trader_org_id, office_org_id,
    camera_model_id, model_text, brand, province_code, province_name, observed_on, violation, evidence, notes, status,
    status_reason, status_changed_on FROM findings;
DROP TABLE findings;
ALTER TABLE findings_new RENAME TO findings;
CREATE UNIQUE INDEX findings_item ON findings (inspection_id, item_position) WHERE NOT manual;
CREATE INDEX findings_inspection ON findings (inspection_id);
CREATE INDEX findings_trader ON findings (trader_org_id, status);
CREATE INDEX findings_province ON findings (province_code);
CREATE INDEX findings_violation ON findings (violation);
CREATE INDEX findings_status ON findings (status);
CREATE INDEX findings_observed ON findings (observed_on);

-- Photos taken during a visit: kept privately in the database (at most
-- 5 MiB each, JPEG, PNG or WebP by their bytes), belonging to the
-- inspection and, once attached, to a finding; served only to those who
-- may read the inspection.
CREATE TABLE inspection_photos (
    id            TEXT PRIMARY KEY,
    created_at    TIMESTAMP NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    finding_id    TEXT REFERENCES findings (id),
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL
);
CREATE INDEX inspection_photos_inspection ON inspection_photos (inspection_id);
CREATE INDEX inspection_photos_finding ON inspection_photos (finding_id);

-- +goose Down
DROP TABLE inspection_photos;
DELETE FROM findings WHERE manual;
CREATE TABLE findings_old AS SELECT * FROM findings;
DROP TABLE findings;
CREATE TABLE findings (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    inspection_id     TEXT NOT NULL REFERENCES inspections (id),
    item_position     INTEGER NOT NULL,
    trader_org_id     TEXT NOT NULL REFERENCES organizations (id),
    office_org_id     TEXT REFERENCES organizations (id),
    camera_model_id   TEXT REFERENCES camera_models (id),
    model_text        TEXT NOT NULL DEFAULT '',
    brand             TEXT NOT NULL DEFAULT '',
    province_code     TEXT,
    province_name     TEXT,
    observed_on       DATE NOT NULL,
    violation         TEXT NOT NULL,
    evidence          TEXT NOT NULL DEFAULT '[]',
    notes             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    status_reason     TEXT NOT NULL DEFAULT '',
    status_changed_on DATE,
    UNIQUE (inspection_id, item_position)
);
INSERT INTO findings SELECT id, version, created_at, updated_at, inspection_id, item_position, trader_org_id, office_org_id,
    camera_model_id, model_text, brand, province_code, province_name, observed_on, violation, evidence, notes, status,
    status_reason, status_changed_on FROM findings_old;
DROP TABLE findings_old;
CREATE INDEX findings_trader ON findings (trader_org_id, status);
CREATE INDEX findings_province ON findings (province_code);
CREATE INDEX findings_violation ON findings (violation);
CREATE INDEX findings_status ON findings (status);
CREATE INDEX findings_observed ON findings (observed_on);
DROP TABLE model_gtins;
ALTER TABLE camera_models DROP COLUMN gtins;
