-- +goose Up
-- The indexes a bulk load has set aside (dropped, to build them again from
-- the sorted table when it ends), with their definitions, so that a load
-- that was killed leaves them to be built by the next camreg that opens
-- the registry (models/bulk_index.go).
CREATE TABLE deferred_indexes (
    name       TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    ddl        TEXT NOT NULL
);

-- +goose Down
DROP TABLE deferred_indexes;
