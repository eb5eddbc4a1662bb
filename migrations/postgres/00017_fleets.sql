-- +goose Up
-- Fleets (issue #17): the cameras an organization runs (an agency, an
-- ISP), as rows of the model text its owner recorded; the report verifies
-- them with verify's own matcher and rules.
CREATE TABLE fleets (
    id             TEXT PRIMARY KEY,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    security_level INTEGER
);
CREATE INDEX fleets_org ON fleets (org_id);

CREATE TABLE fleet_devices (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    fleet_id    TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
    brand       TEXT NOT NULL DEFAULT '',
    model       TEXT NOT NULL,
    firmware    TEXT NOT NULL DEFAULT '',
    quantity    INTEGER NOT NULL DEFAULT 1,
    location    TEXT NOT NULL DEFAULT '',
    external_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fleet_devices_fleet ON fleet_devices (fleet_id, id);

-- +goose Down
DROP TABLE fleet_devices;
DROP TABLE fleets;
