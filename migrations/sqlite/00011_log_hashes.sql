-- +goose Up
-- The change log as an RFC 6962 Merkle tree (golang.org/x/mod/sumdb/tlog):
-- the tree's stored hashes, about two a leaf, indexed as tlog.StoredHashIndex
-- numbers them. Leaf n is the event seq n+1. They are written in the event's
-- own transaction; camreg fills them for older databases on migrate up and serve.
CREATE TABLE log_hashes (
    idx  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);

-- +goose Down
DROP TABLE log_hashes;
