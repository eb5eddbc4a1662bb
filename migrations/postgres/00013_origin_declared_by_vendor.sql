-- +goose Up
-- A certificate of origin a vendor declared is its word alone until an
-- admin confirms it: verify shows it as origin_proof_unconfirmed and it
-- never removes no_origin_proof. The C/Os vendors created before this
-- migration are found in the change log.
ALTER TABLE origin_certificates ADD COLUMN declared_by_vendor BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE origin_certificates SET declared_by_vendor = TRUE
WHERE id IN (SELECT entity_id FROM events WHERE entity = 'origin_certificate' AND action = 'create' AND actor_role = 'vendor');

-- +goose Down
ALTER TABLE origin_certificates DROP COLUMN declared_by_vendor;
