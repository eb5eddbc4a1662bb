-- +goose Up
-- Inspections: an inspector's visit to a trader, with the items observed on
-- the shelf. Each item keeps the verdict it got when it was recorded (its
-- reasons as JSON), so a later change in the registry never rewrites what
-- the inspector saw. A non-compliant item opens a finding, whose status
-- moves open -> confirmed -> resolved | dismissed; each step, with who, when
-- and why, is in the change log.
CREATE TABLE inspections (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    office_org_id TEXT REFERENCES organizations (id),
    trader_org_id TEXT NOT NULL REFERENCES organizations (id),
    inspected_on  DATE NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    province_code TEXT,
    province_name TEXT,
    notes         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspections_trader ON inspections (trader_org_id);
CREATE INDEX inspections_office ON inspections (office_org_id);
CREATE INDEX inspections_date ON inspections (inspected_on);

CREATE TABLE inspection_items (
    inspection_id   TEXT NOT NULL REFERENCES inspections (id),
    position        INTEGER NOT NULL,
    model_text      TEXT NOT NULL,
    brand           TEXT NOT NULL DEFAULT '',
    firmware        TEXT NOT NULL DEFAULT '',
    quantity        INTEGER NOT NULL DEFAULT 1,
    photo_ref       TEXT NOT NULL DEFAULT '',
    camera_model_id TEXT REFERENCES camera_models (id),
    match           TEXT NOT NULL,
    verdict         TEXT NOT NULL,
    reasons         TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (inspection_id, position)
);
CREATE INDEX inspection_items_model ON inspection_items (camera_model_id);

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
CREATE INDEX findings_trader ON findings (trader_org_id, status);
CREATE INDEX findings_province ON findings (province_code);
CREATE INDEX findings_violation ON findings (violation);
CREATE INDEX findings_status ON findings (status);
CREATE INDEX findings_observed ON findings (observed_on);

-- The feed reads the change log newest first, and certificates by the date
-- they expired.
CREATE INDEX events_at ON events (at);
CREATE INDEX conformity_certificates_expires ON conformity_certificates (expires_on);

-- +goose Down
DROP INDEX conformity_certificates_expires;
DROP INDEX events_at;
DROP TABLE findings;
DROP TABLE inspection_items;
DROP TABLE inspections;
