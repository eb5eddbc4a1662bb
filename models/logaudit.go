package models

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
	"gorm.io/gorm"

	"camreg/translog"
)

// LogProblem names what an audit of the log against a checkpoint found.
type LogProblem string

// The problems an audit names.
const (
	// LogEdited: an event's content no longer matches its own hash.
	LogEdited LogProblem = "edited"
	// LogBrokenChain: an event was deleted, inserted or renumbered inside
	// the log, or its prev_hash was changed.
	LogBrokenChain LogProblem = "broken_chain"
	// LogTruncated: the log holds fewer events than a checkpoint saw.
	LogTruncated LogProblem = "truncated"
	// LogRewritten: the hash chain is whole, but its first events do not
	// hash to the checkpoint's root: history was rewritten with recomputed
	// hashes (or this is a fork the checkpoint's holder did not see).
	LogRewritten LogProblem = "rewritten"
	// LogTreeMismatch: the stored tree hashes disagree with the events.
	LogTreeMismatch LogProblem = "tree_mismatch"
)

// LogError is a failed audit: the problem, where, and a sentence.
type LogError struct {
	Problem LogProblem
	Seq     int64
	Detail  string
}

func (e *LogError) Error() string {
	return fmt.Sprintf("change log %s: %s", e.Problem, e.Detail)
}

// LogAudit is what AuditLog checked.
type LogAudit struct {
	Events int64
	Root   tlog.Hash
	// CheckpointSize is the size of the checkpoint checked against, or 0.
	CheckpointSize int64
}

// AuditLog reads the whole change log in order and checks, independently
// of the stored tree: every hash-chain link and event hash; that the tree
// rebuilt from the events' bytes equals the stored tree hashes; and, given
// a checkpoint saved earlier, that the log still has at least its size
// and that its first events hash to its root (the consistency of the
// checkpoint with today's log). The first problem is a *LogError.
// It holds the rebuilt tree in memory, about 64 bytes an event.
func (s *Store) AuditLog(ctx context.Context, cp *translog.Checkpoint) (*LogAudit, error) {
	var (
		tree   translog.MemTree
		prev   = GenesisHash
		expect = int64(1)
		bad    *LogError
		// treeBad is the first event whose stored tree hashes are wrong.
		treeBad *LogError
	)
	batch := make([]Event, 0, 2000)
	err := s.db.WithContext(ctx).Order("seq").FindInBatches(&batch, 2000, func(tx *gorm.DB, _ int) error {
		for i := range batch {
			e := &batch[i]
			switch {
			case e.Seq != expect:
				bad = &LogError{LogBrokenChain, expect, fmt.Sprintf("expected seq %d, found %d: an event was deleted, inserted or renumbered", expect, e.Seq)}
			case e.PrevHash != prev:
				bad = &LogError{LogBrokenChain, e.Seq, fmt.Sprintf("seq %d: prev_hash does not match the previous event's hash", e.Seq)}
			case e.Hash != e.computeHash():
				bad = &LogError{LogEdited, e.Seq, fmt.Sprintf("seq %d was edited: its content does not match its hash", e.Seq)}
			}
			if bad != nil {
				return bad
			}
			hs, err := tree.AppendHashes(e.canonical())
			if err != nil {
				return err
			}
			if treeBad == nil && !sameHashes(e.TreeHashes, hs) {
				treeBad = &LogError{LogTreeMismatch, e.Seq, fmt.Sprintf("the tree hashes stored with seq %d disagree with the events "+
					"(run camreg migrate up if this database predates the tree)", e.Seq)}
			}
			prev, expect = e.Hash, expect+1
		}
		return nil
	}).Error
	if bad != nil {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	n := tree.Size()
	out := &LogAudit{Events: n}
	if out.Root, err = tree.Root(n); err != nil {
		return nil, err
	}
	if cp != nil {
		out.CheckpointSize = cp.Size
		if n < cp.Size {
			return nil, &LogError{LogTruncated, n + 1, fmt.Sprintf("the log has %d events but the checkpoint %s saw %d: %d were removed from its end",
				n, cp.Fingerprint(), cp.Size, cp.Size-n)}
		}
		if cp.Size > 0 {
			old, err := tree.Root(cp.Size)
			if err != nil {
				return nil, err
			}
			if old != cp.Root {
				return nil, &LogError{LogRewritten, 0, fmt.Sprintf("the log's first %d events do not hash to the checkpoint's root (%s): "+
					"the history the checkpoint saw was rewritten, its hashes recomputed, or forked", cp.Size, cp.Fingerprint())}
			}
			// The same fact, as a verifier outside would check it.
			proof, err := tlog.ProveTree(n, cp.Size, &tree)
			if err != nil {
				return nil, err
			}
			if err := tlog.CheckTree(proof, n, out.Root, cp.Size, cp.Root); err != nil {
				return nil, &LogError{LogRewritten, 0, "no consistency proof from the checkpoint to today's log: " + err.Error()}
			}
		}
	}
	if treeBad != nil {
		return nil, treeBad
	}
	return out, nil
}

// sameHashes reports whether stored equals the concatenation of hs.
func sameHashes(stored []byte, hs []tlog.Hash) bool {
	if len(stored) != len(hs)*tlog.HashSize {
		return false
	}
	for i, h := range hs {
		if string(stored[i*tlog.HashSize:(i+1)*tlog.HashSize]) != string(h[:]) {
			return false
		}
	}
	return true
}
