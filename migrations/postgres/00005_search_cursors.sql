-- +goose Up
-- search_cursors holds, per search index kept outside the database
-- (Meilisearch), the seq of the last change-log event it reflects, so its
-- indexer resumes where it stopped and nothing is lost while the engine is
-- down. bleve keeps its cursor inside its own index instead.
CREATE TABLE search_cursors (
    name       TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE search_cursors;
