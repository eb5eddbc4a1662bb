-- +goose Up
-- The change log as an RFC 6962 Merkle tree (golang.org/x/mod/sumdb/tlog).
-- Each event keeps the tree's stored hashes that its leaf completes
-- (tlog.StoredHashes, concatenated): leaf n is the event seq n+1, and it
-- is written in the event's own INSERT. camreg fills them for older
-- events on migrate up and serve.
ALTER TABLE events ADD COLUMN tree_hashes BLOB;

-- +goose Down
ALTER TABLE events DROP COLUMN tree_hashes;
