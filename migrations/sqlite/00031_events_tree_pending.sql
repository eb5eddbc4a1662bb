-- +goose Up
-- The events still without their tree hashes (written by a camreg older
-- than the verifiable log, or behind its back), found from this index
-- instead of a scan of the whole change log: every camreg command that
-- opens the registry asks for the first of them, and on the national set
-- (2,353,055 events) that scan was 5 s of every `camreg import` and
-- `camreg serve` start. An event written by camreg carries its hashes in
-- its own INSERT, so the index stays empty.
CREATE INDEX events_tree_pending ON events (seq) WHERE tree_hashes IS NULL;

-- +goose Down
DROP INDEX events_tree_pending;
