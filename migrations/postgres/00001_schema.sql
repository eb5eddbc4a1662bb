-- +goose Up
-- The registry's schema (postgres). Dates are DATE, timestamps TIMESTAMPTZ in UTC;
-- lists (firmware versions, CVE ids) are JSON arrays in TEXT.
CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    tax_code      TEXT UNIQUE,
    address       TEXT NOT NULL DEFAULT '',
    province_code TEXT,
    province_name TEXT,
    country       TEXT NOT NULL DEFAULT 'VN',
    website       TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organizations_kind ON organizations (kind);
CREATE INDEX organizations_province ON organizations (province_code);

CREATE TABLE camera_models (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    brand             TEXT NOT NULL,
    brand_key         TEXT NOT NULL,
    model_number      TEXT NOT NULL,
    model_key         TEXT NOT NULL,
    name              TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL,
    hs_code           TEXT NOT NULL DEFAULT '',
    origin_country    TEXT NOT NULL DEFAULT '',
    firmware_versions TEXT NOT NULL DEFAULT '[]',
    registrant_org_id TEXT REFERENCES organizations (id),
    status            TEXT NOT NULL DEFAULT 'pending',
    UNIQUE (brand_key, model_key)
);
CREATE INDEX camera_models_model_key ON camera_models (model_key);
CREATE INDEX camera_models_registrant ON camera_models (registrant_org_id);

CREATE TABLE standards (
    id               TEXT PRIMARY KEY,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    code             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    issued_by        TEXT NOT NULL DEFAULT '',
    issuing_document TEXT NOT NULL DEFAULT '',
    effective_from   DATE NOT NULL,
    mandatory_from   DATE,
    superseded_by    TEXT,
    effective_to     DATE
);

CREATE TABLE conformity_certificates (
    id                        TEXT PRIMARY KEY,
    version                   INTEGER NOT NULL DEFAULT 1,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    number                    TEXT NOT NULL,
    number_key                TEXT NOT NULL UNIQUE,
    standard_code             TEXT NOT NULL REFERENCES standards (code) ON UPDATE CASCADE,
    certification_body_org_id TEXT NOT NULL REFERENCES organizations (id),
    method                    INTEGER NOT NULL,
    holder_org_id             TEXT NOT NULL REFERENCES organizations (id),
    issued_on                 DATE NOT NULL,
    expires_on                DATE,
    lot_ref                   TEXT NOT NULL DEFAULT '',
    status                    TEXT NOT NULL,
    status_reason             TEXT NOT NULL DEFAULT '',
    status_changed_on         DATE
);
CREATE INDEX conformity_certificates_body ON conformity_certificates (certification_body_org_id);
CREATE INDEX conformity_certificates_holder ON conformity_certificates (holder_org_id);

CREATE TABLE certificate_models (
    certificate_id  TEXT NOT NULL REFERENCES conformity_certificates (id),
    camera_model_id TEXT NOT NULL REFERENCES camera_models (id),
    firmware        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (certificate_id, camera_model_id, firmware)
);
CREATE INDEX certificate_models_model ON certificate_models (camera_model_id);

CREATE TABLE origin_certificates (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    number            TEXT NOT NULL,
    number_key        TEXT NOT NULL,
    form              TEXT NOT NULL,
    issuer            TEXT NOT NULL,
    exporting_country TEXT NOT NULL,
    issued_on         DATE NOT NULL,
    holder_org_id     TEXT REFERENCES organizations (id),
    lot_ref           TEXT NOT NULL DEFAULT '',
    invoice_ref       TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    status_reason     TEXT NOT NULL DEFAULT '',
    status_changed_on DATE,
    UNIQUE (exporting_country, number_key)
);

CREATE TABLE origin_certificate_models (
    origin_certificate_id TEXT NOT NULL REFERENCES origin_certificates (id),
    camera_model_id       TEXT NOT NULL REFERENCES camera_models (id),
    PRIMARY KEY (origin_certificate_id, camera_model_id)
);
CREATE INDEX origin_certificate_models_model ON origin_certificate_models (camera_model_id);

CREATE TABLE warnings (
    id                TEXT PRIMARY KEY,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    authority_org_id  TEXT NOT NULL REFERENCES organizations (id),
    reference         TEXT NOT NULL,
    reference_key     TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '',
    severity          TEXT NOT NULL,
    issued_on         DATE NOT NULL,
    measure           TEXT NOT NULL,
    cve_ids           TEXT NOT NULL DEFAULT '[]',
    url               TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    status_reason     TEXT NOT NULL DEFAULT '',
    status_changed_on DATE
);

CREATE TABLE warning_models (
    warning_id      TEXT NOT NULL REFERENCES warnings (id),
    camera_model_id TEXT NOT NULL REFERENCES camera_models (id),
    introduced_in   TEXT NOT NULL DEFAULT '',
    fixed_in        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (warning_id, camera_model_id, introduced_in, fixed_in)
);
CREATE INDEX warning_models_model ON warning_models (camera_model_id);

CREATE TABLE listings (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    trader_org_id   TEXT NOT NULL REFERENCES organizations (id),
    camera_model_id TEXT NOT NULL REFERENCES camera_models (id),
    channel         TEXT NOT NULL,
    url             TEXT NOT NULL DEFAULT '',
    shop_address    TEXT NOT NULL DEFAULT '',
    province_code   TEXT,
    province_name   TEXT,
    price_vnd       BIGINT,
    first_seen_on   DATE NOT NULL,
    last_seen_on    DATE NOT NULL,
    source          TEXT NOT NULL
);
CREATE INDEX listings_trader ON listings (trader_org_id);
CREATE INDEX listings_model ON listings (camera_model_id);
CREATE INDEX listings_province ON listings (province_code);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    prefix       TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL,
    role         TEXT NOT NULL,
    org_id       TEXT REFERENCES organizations (id),
    name         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

-- The change log. Rows are only ever inserted; seq is assigned by the
-- application under a lock, so that the hash chain stays linear.
CREATE TABLE events (
    seq          BIGINT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    actor_role   TEXT NOT NULL DEFAULT '',
    actor_org_id TEXT,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    changes      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX events_entity ON events (entity, entity_id);

-- +goose Down
DROP TABLE events;
DROP TABLE api_keys;
DROP TABLE listings;
DROP TABLE warning_models;
DROP TABLE warnings;
DROP TABLE origin_certificate_models;
DROP TABLE origin_certificates;
DROP TABLE certificate_models;
DROP TABLE conformity_certificates;
DROP TABLE standards;
DROP TABLE camera_models;
DROP TABLE organizations;
