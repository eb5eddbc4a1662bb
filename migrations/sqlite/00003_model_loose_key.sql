-- +goose Up
-- loose_key merges the characters people confuse in model numbers (o/0, i/l/1),
-- so that verify and search find near matches by index.
ALTER TABLE camera_models ADD COLUMN loose_key TEXT NOT NULL DEFAULT '';
CREATE INDEX camera_models_loose_key ON camera_models (loose_key);

-- +goose Down
DROP INDEX camera_models_loose_key;
ALTER TABLE camera_models DROP COLUMN loose_key;
