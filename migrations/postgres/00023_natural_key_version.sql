-- +goose Up
-- The version of fold's keys (fold.KeyVersion) that the stored natural keys
-- (brand_key, model_key, loose_key, organizations' name_key, certificates',
-- C/Os' and warnings' number and reference keys) were computed with. 0: keys
-- written before lookalike letters were keyed by their skeleton (#14);
-- models.Store.Rekey recomputes them on `camreg migrate up` and at startup,
-- and reports the collisions the new keys create.
CREATE TABLE natural_key_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO natural_key_version (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE natural_key_version;
