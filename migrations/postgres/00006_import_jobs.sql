-- +goose Up
-- Bulk imports sent over HTTP run as background jobs. Their state lives in
-- the database, not in one process's memory, so that any camreg process
-- behind a load balancer can answer GET /v1/imports/{id}.
CREATE TABLE import_jobs (
    id            TEXT PRIMARY KEY,
    entity        TEXT NOT NULL,
    format        TEXT NOT NULL DEFAULT '',
    filename      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    dry_run       BOOLEAN NOT NULL DEFAULT FALSE,
    skip_invalid  BOOLEAN NOT NULL DEFAULT FALSE,
    creator_key   TEXT NOT NULL,
    creator_org   TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    phase         TEXT NOT NULL DEFAULT '',
    rows_done     INTEGER NOT NULL DEFAULT 0,
    bytes_done    BIGINT NOT NULL DEFAULT 0,
    bytes_total   BIGINT NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    invalid       INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    report        TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX import_jobs_creator ON import_jobs (creator_key);

-- The importer upserts listings on their natural key (trader, model,
-- channel, and the URL or shop address); without this index each lookup
-- scans all of a trader's listings.
CREATE INDEX listings_natural_key ON listings (trader_org_id, camera_model_id, channel);

-- +goose Down
DROP INDEX listings_natural_key;
DROP TABLE import_jobs;
