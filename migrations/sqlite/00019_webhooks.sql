-- +goose Up
-- Webhooks (issue #17): endpoints an operator registers for a fleet's
-- alerts, signed as the Standard Webhooks specification says. secret is
-- what signs (the server must hold it): sealed with AES-GCM under
-- CAMREG_WEBHOOK_KEY when that is set (docs/security.md). A delivery is one
-- alert for one endpoint, tried until it succeeds or its attempts run out;
-- lease_owner and lease_until let one process at a time try it.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    fleet_id    TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_fleet ON webhooks (fleet_id);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    alert_id         TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    next_attempt_at  TIMESTAMP,
    lease_owner      TEXT NOT NULL DEFAULT '',
    lease_until      TIMESTAMP,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_attempt_at  TIMESTAMP,
    delivered_at     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, alert_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE webhook_attempts (
    id           TEXT PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    at           TIMESTAMP NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX webhook_attempts_once ON webhook_attempts (delivery_id, attempt);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
