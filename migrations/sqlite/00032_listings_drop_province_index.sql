-- +goose Up
-- listings_province_id (province_code, id), of 00029, serves every lookup
-- by province this index served, and every listing written paid for both:
-- one of the six B-trees a listing went into (the table and its indexes),
-- on an import of millions.
DROP INDEX listings_province;

-- +goose Down
CREATE INDEX listings_province ON listings (province_code);
