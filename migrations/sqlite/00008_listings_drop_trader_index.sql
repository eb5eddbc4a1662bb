-- +goose Up
-- listings_natural_key (trader_org_id, camera_model_id, channel), added in
-- 00006, serves every query by trader that listings_trader served; the
-- second index only cost a B-tree insert for every listing written, which
-- a bulk import of a million listings pays a million times.
DROP INDEX listings_trader;

-- +goose Down
CREATE INDEX listings_trader ON listings (trader_org_id);
