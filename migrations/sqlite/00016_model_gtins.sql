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

-- +goose Down
DROP TABLE model_gtins;
ALTER TABLE camera_models DROP COLUMN gtins;
