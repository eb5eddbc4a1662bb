-- +goose Up
-- Alerts (issue #17): what changed a fleet device's verdict, told to the
-- fleet once per change. alert_cursors is the alert processor's position
-- in the change log (like search_cursors); gen changes on every commit of
-- the processor, so that two processes that computed the same step cannot
-- both commit it. device_verdicts is each device's last judged verdict,
-- the "before" of the next change. alert_marks remembers the time-driven
-- subjects already handled (a certificate's expiry, a standard's
-- mandatory date).
CREATE TABLE alert_cursors (
    name       TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL DEFAULT 0,
    gen        BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- The processor starts at the head: the history before alerts existed
-- told nobody, and the devices of that time get their first verdict from
-- the processor's backfill.
INSERT INTO alert_cursors (name, seq, gen) SELECT 'alerts', COALESCE(MAX(seq), 0), 0 FROM events;

CREATE TABLE device_verdicts (
    device_id  TEXT PRIMARY KEY REFERENCES fleet_devices (id) ON DELETE CASCADE,
    fleet_id   TEXT NOT NULL,
    model_id   TEXT NOT NULL DEFAULT '',
    verdict    TEXT NOT NULL,
    signature  TEXT NOT NULL,
    reasons    TEXT NOT NULL DEFAULT '[]',
    judged_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_verdicts_model ON device_verdicts (model_id);

CREATE TABLE alerts (
    id            TEXT PRIMARY KEY,
    fleet_id      TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    dedup_key     TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    subject_ref   TEXT NOT NULL DEFAULT '',
    change_seq    BIGINT,
    on_date       DATE NOT NULL,
    devices_total INTEGER NOT NULL,
    cameras_total INTEGER NOT NULL,
    devices       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX alerts_fleet_dedup ON alerts (fleet_id, dedup_key);
CREATE INDEX alerts_fleet ON alerts (fleet_id, id);

CREATE TABLE alert_marks (
    mark_key TEXT PRIMARY KEY,
    done_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE alert_marks;
DROP TABLE alerts;
DROP TABLE device_verdicts;
DROP TABLE alert_cursors;
