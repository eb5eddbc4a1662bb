-- +goose Up
-- The postgres search backend (search/postgres, CAMREG_SEARCH=postgres):
-- full-text search inside the registry's own database, for a deployment
-- that wants no other engine.
--
-- unaccent, pg_trgm and the text search configuration live in public and
-- are referred to schema-qualified: a registry may live in another schema
-- (the tests each migrate a private one and drop it with CASCADE), and an
-- extension created there would be dropped with it. Many schemas migrate
-- at once in the tests, so one advisory lock lets one of them at a time
-- create the shared objects, and each is created only when missing.
-- +goose StatementBegin
DO $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('camreg migration 00007'));
    CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    -- camreg_search is the simple configuration (lower case, no stemming:
    -- names and model numbers are not English) with diacritics and đ
    -- removed by unaccent, so "song han" matches "Sông Hàn", and
    -- ts_headline marks the words in the text as written.
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
                   WHERE n.nspname = 'public' AND c.cfgname = 'camreg_search') THEN
        CREATE TEXT SEARCH CONFIGURATION public.camreg_search (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION public.camreg_search
            ALTER MAPPING FOR word, hword, hword_part WITH public.unaccent, pg_catalog.simple;
    END IF;
END
$$;
-- +goose StatementEnd

-- search_documents holds one search.Document per row, as the Builder made
-- it. title_words and body_words are the title and body with punctuation
-- turned into spaces (by the backend, as bleve's tokenizer splits), which
-- the tsvector is made of: title words weigh A, body words B.
-- model_keys is a model's key and loose key, space-separated, for partial
-- model numbers (a substring, through the trigram index).
CREATE TABLE search_documents (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    title_words TEXT NOT NULL,
    body_words  TEXT NOT NULL,
    brand       TEXT NOT NULL DEFAULT '',
    brand_key   TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    keys        TEXT[] NOT NULL DEFAULT '{}',
    loose_keys  TEXT[] NOT NULL DEFAULT '{}',
    model_keys  TEXT NOT NULL DEFAULT '',
    words       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('public.camreg_search'::regconfig, title_words), 'A') ||
        setweight(to_tsvector('public.camreg_search'::regconfig, body_words), 'B')) STORED
);
-- A GIN index queues new entries in a pending list that every search
-- reads through until it is merged: at the default 4 MB, a search took
-- 100 ms instead of 0.3. 64 kB keeps the indexer's writes cheap and the
-- list short; Rebuild vacuums, which merges it.
CREATE INDEX search_documents_words ON search_documents USING GIN (words) WITH (gin_pending_list_limit = 64);
CREATE INDEX search_documents_keys ON search_documents USING GIN (keys) WITH (gin_pending_list_limit = 64);
CREATE INDEX search_documents_loose_keys ON search_documents USING GIN (loose_keys) WITH (gin_pending_list_limit = 64);
CREATE INDEX search_documents_model_keys ON search_documents USING GIN (model_keys public.gin_trgm_ops)
    WITH (gin_pending_list_limit = 64);
CREATE INDEX search_documents_type ON search_documents (type);
CREATE INDEX search_documents_brand_key ON search_documents (brand_key);
CREATE INDEX search_documents_province ON search_documents (province);
CREATE INDEX search_documents_status ON search_documents (status);

-- search_words is the vocabulary of the titles, the words a typo may be
-- of: a query word missing from it is looked up here by trigram
-- similarity, which is far cheaper than comparing it with every document.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
CREATE INDEX search_words_trigrams ON search_words USING GIN (word public.gin_trgm_ops) WITH (gin_pending_list_limit = 64);

-- +goose Down
-- The extensions and the text search configuration stay: other schemas or
-- databases on the server may use them.
DROP TABLE search_words;
DROP TABLE search_documents;
