-- +goose Up
-- Verify caches what it reads while no change that it depends on has been
-- written: it asks for the latest seq of the camera_model, certificate,
-- origin_certificate, warning and standard events, one index probe each.
-- Writes of listings, inspections, findings and keys leave its cache warm.
CREATE INDEX events_entity_seq ON events (entity, seq);

-- +goose Down
DROP INDEX events_entity_seq;
