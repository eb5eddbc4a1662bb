-- +goose Up
-- The words of the models' documents alone, for a search filtered to
-- models (type=model): the planner ands the type's B-tree with the words'
-- GIN index only after the GIN index has walked every document's posting
-- lists, and a shop's name ("cong ty tnhh ...") typed with type=model
-- walked the 200,000 organizations' lists of its common words in each of
-- the three plans, to find no model. With this index it walks the models'
-- lists alone (national registry, such queries' CPU 33-47 -> 3-9 ms; see
-- BENCHMARKS.md). A third of the documents; built in seconds.
CREATE INDEX search_documents_words_model ON search_documents USING GIN (words)
    WITH (gin_pending_list_limit = 64) WHERE type = 'model';

-- +goose Down
DROP INDEX search_documents_words_model;
