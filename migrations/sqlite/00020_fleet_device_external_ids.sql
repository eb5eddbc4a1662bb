-- +goose Up
-- Fleet device imports (issue #17): a row with an external id (the owner's
-- asset tag) is upserted on (fleet_id, external_id), so that importing the
-- same inventory twice does not duplicate it. Rows without one ('') are
-- not keyed. Rows added before this index could repeat an external id in a
-- fleet: the later ones get their id appended, so the index can be built
-- and no row is lost.
UPDATE fleet_devices SET external_id = external_id || ' #' || id
WHERE external_id <> '' AND EXISTS (
    SELECT 1 FROM fleet_devices o
    WHERE o.fleet_id = fleet_devices.fleet_id AND o.external_id = fleet_devices.external_id AND o.id < fleet_devices.id);
CREATE UNIQUE INDEX fleet_devices_external ON fleet_devices (fleet_id, external_id) WHERE external_id <> '';
-- An import job of devices names the fleet it imports into.
ALTER TABLE import_jobs ADD COLUMN fleet_id TEXT NOT NULL DEFAULT '';
ALTER TABLE import_jobs ADD COLUMN replace_inventory BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE import_jobs DROP COLUMN replace_inventory;
ALTER TABLE import_jobs DROP COLUMN fleet_id;
DROP INDEX fleet_devices_external;
