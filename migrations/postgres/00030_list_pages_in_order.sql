-- +goose Up
-- A page of models filtered by brand, and of organizations filtered by
-- province, in id order, read from these indexes and stopped at the page's
-- end. Without them the database took every model of the brand (18,000 of
-- the national set's 100,000) or every organization of the province
-- (43,000 of 200,055) and sorted them for each page of 20: on the national
-- set those two lists, each one request in forty of the mixed-load soak,
-- were 37% of the server's CPU (BENCHMARKS.md, "The soak, profiled again").
-- model_key rides along, so that a brand's page filtered by a model number
-- prefix too is tested in the index before any row is read.
CREATE INDEX camera_models_brand_id ON camera_models (brand_key, id, model_key);
CREATE INDEX organizations_province_id ON organizations (province_code, id);
-- The new index serves every lookup by province the old one did.
DROP INDEX organizations_province;

-- +goose Down
CREATE INDEX organizations_province ON organizations (province_code);
DROP INDEX organizations_province_id;
DROP INDEX camera_models_brand_id;
