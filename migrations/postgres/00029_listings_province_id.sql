-- +goose Up
-- A page of listings filtered by province, in id order, read from this
-- index and stopped at the page's end. Without it SQLite took every listing
-- of every public model (the models index) and sorted them: 3 s a page on
-- 200,000 listings, and 90% of the server's CPU in the mixed-load soak
-- (BENCHMARKS.md, "The soak, profiled").
CREATE INDEX listings_province_id ON listings (province_code, id);

-- +goose Down
DROP INDEX listings_province_id;
