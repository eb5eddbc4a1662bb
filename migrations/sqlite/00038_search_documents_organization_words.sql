-- +goose Up
-- The postgres search backend's tables (search/postgres) exist only on
-- PostgreSQL: this version keeps the two directories' numbers in step.
SELECT 1;

-- +goose Down
SELECT 1;
