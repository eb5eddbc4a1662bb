package models_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"camreg/migrations"
	"camreg/models"
	"camreg/models/testdb"
	"camreg/translog"
)

// rebuilt is the tree an outsider builds from the events' bytes alone.
func rebuilt(t *testing.T, st *models.Store) *translog.MemTree {
	t.Helper()
	var tree translog.MemTree
	for _, e := range allEvents(t, st) {
		if err := tree.Append(e.Leaf()); err != nil {
			t.Fatal(err)
		}
	}
	return &tree
}

// wantTreeMatches checks the stored tree's head and proofs against the
// tree rebuilt from the events, with tlog's own checks.
func wantTreeMatches(t *testing.T, st *models.Store) int64 {
	t.Helper()
	ctx := t.Context()
	tree := rebuilt(t, st)
	n, root, err := st.LogHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != tree.Size() {
		t.Fatalf("log head size %d, events %d", n, tree.Size())
	}
	want, _ := tree.Root(n)
	if root != want {
		t.Fatalf("stored tree root %v, rebuilt root %v", root, want)
	}
	for _, i := range []int64{0, n / 2, n - 1} {
		p, err := st.ProveInclusion(ctx, i, n)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := tree.LeafHash(i)
		if err := tlog.CheckRecord(p, n, root, i, leaf); err != nil {
			t.Errorf("inclusion of %d in %d: %v", i, n, err)
		}
	}
	for _, m := range []int64{1, n / 3, n - 1} {
		if m < 1 {
			continue
		}
		p, err := st.ProveConsistency(ctx, m, n)
		if err != nil {
			t.Fatal(err)
		}
		old, _ := tree.Root(m)
		if err := tlog.CheckTree(p, n, root, m, old); err != nil {
			t.Errorf("consistency %d→%d: %v", m, n, err)
		}
	}
	return n
}

func TestLogTreeFollowsEveryAppend(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		if n, _, err := st.LogHead(ctx); err != nil || n != 0 {
			t.Fatalf("empty log: %d %v", n, err)
		}
		for i := range 7 {
			mustCreateModel(t, st, "Ezviz", fmt.Sprintf("CS-H%d", i))
			wantTreeMatches(t, st)
		}
		// A batch appends many events in one transaction.
		rows := make([]models.BatchRow[models.ModelInput], 37)
		for i := range rows {
			rows[i].In = models.ModelInput{Brand: ptr("Imou"), ModelNumber: ptr(fmt.Sprintf("IPC-F%02d", i))}
		}
		if _, err := st.UpsertModels(ctx, admin, rows, models.BatchWriteAll); err != nil {
			t.Fatal(err)
		}
		if n := wantTreeMatches(t, st); n != 44 {
			t.Fatalf("size %d, want 44", n)
		}
		// A write that fails after its append is rolled back with it; the
		// next append must not trust what the failed one cached.
		err := st.InTx(ctx, func(tx *models.Store) error {
			mustCreateModel(t, tx, "Imou", "ROLLED-BACK")
			return errors.New("give up")
		})
		if err == nil {
			t.Fatal("the transaction should have failed")
		}
		mustCreateModel(t, st, "Imou", "AFTER-ROLLBACK")
		if n := wantTreeMatches(t, st); n != 45 {
			t.Fatalf("size %d, want 45", n)
		}
	})
}

func TestLogTreeBadProofRequests(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		for i := range 3 {
			mustCreateModel(t, st, "Kbvision", fmt.Sprintf("KX-%d", i))
		}
		for _, c := range []struct{ index, size int64 }{{0, 0}, {0, 4}, {3, 3}, {-1, 2}} {
			if _, err := st.ProveInclusion(ctx, c.index, c.size); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("inclusion %d in %d: %v, want invalid", c.index, c.size, err)
			}
		}
		for _, c := range []struct{ from, to int64 }{{0, 3}, {2, 1}, {1, 4}} {
			if _, err := st.ProveConsistency(ctx, c.from, c.to); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("consistency %d→%d: %v, want invalid", c.from, c.to, err)
			}
		}
		if _, err := st.LogEntry(ctx, 3); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("entry 3 of 3: %v", err)
		}
	})
}

// TestLogTreeBuiltForOlderDatabases: a database whose events predate the
// tree gets it on BuildLogTree, and a writer that meets one builds it too.
func TestLogTreeBuiltForOlderDatabases(t *testing.T) {
	t.Parallel()
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			dsn := b.DSN(t)
			open := func() *models.Store {
				st, err := models.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := migrations.Up(ctx, st.DB(), string(st.Dialect())); err != nil {
					t.Fatal(err)
				}
				return st
			}
			st := open()
			for i := range 9 {
				mustCreateModel(t, st, "Vantech", fmt.Sprintf("VP-%d", i))
			}
			want := wantTreeMatches(t, st)
			exec(t, st, `UPDATE events SET tree_hashes = NULL`)
			if _, _, err := st.LogHead(ctx); err == nil {
				t.Fatal("a log without its tree should not have a head")
			}
			added, err := st.BuildLogTree(ctx)
			if err != nil || added != want {
				t.Fatalf("built %d leaves (%v), want %d", added, err, want)
			}
			wantTreeMatches(t, st)
			if added, err := st.BuildLogTree(ctx); err != nil || added != 0 {
				t.Fatalf("a second build added %d (%v)", added, err)
			}
			// Half a tree, then a write by a process that never built it:
			// the writer completes the tree first.
			exec(t, st, `UPDATE events SET tree_hashes = NULL WHERE seq > 4`)
			mustCreateModel(t, open(), "Vantech", "VP-NEW")
			wantTreeMatches(t, st)
		})
	}
}

// rewriteFrom changes the actor of event seq and recomputes every hash
// from it on, as someone holding the database could.
func rewriteFrom(t *testing.T, st *models.Store, seq int64) {
	t.Helper()
	ev := allEvents(t, st)
	prev := ev[seq-2].Hash
	for i := seq - 1; i < int64(len(ev)); i++ {
		e := ev[i]
		if e.Seq == seq {
			e.Actor = "system:someone-else"
		}
		e.PrevHash = prev
		sum := sha256.Sum256(e.Leaf())
		e.Hash = hex.EncodeToString(sum[:])
		exec(t, st, `UPDATE events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Actor, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
	}
}

func TestAuditLogAgainstCheckpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, st *models.Store)
		want   models.LogProblem
	}{
		{"intact, grown since", func(t *testing.T, st *models.Store) { mustCreateModel(t, st, "Dahua", "LATER") }, ""},
		{"truncated", func(t *testing.T, st *models.Store) { exec(t, st, `DELETE FROM events WHERE seq > 8`) }, models.LogTruncated},
		{"whole chain rewritten", func(t *testing.T, st *models.Store) { rewriteFrom(t, st, 3) }, models.LogRewritten},
		{"rewritten, tree recomputed", func(t *testing.T, st *models.Store) {
			rewriteFrom(t, st, 3)
			exec(t, st, `UPDATE events SET tree_hashes = NULL`)
			if _, err := st.BuildLogTree(t.Context()); err != nil {
				t.Fatal(err)
			}
		}, models.LogRewritten},
		{"one event edited", func(t *testing.T, st *models.Store) {
			exec(t, st, `UPDATE events SET actor = 'system:someone-else' WHERE seq = 4`)
		}, models.LogEdited},
		{"stored tree altered", func(t *testing.T, st *models.Store) {
			exec(t, st, `UPDATE events SET tree_hashes = ? WHERE seq = 1`, make([]byte, 32))
		}, models.LogTreeMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testdb.Each(t, func(t *testing.T, st *models.Store) {
				ctx := t.Context()
				for i := range 10 {
					mustCreateModel(t, st, "Dahua", fmt.Sprintf("IPC-HFW%d", i))
				}
				n, root, err := st.LogHead(ctx)
				if err != nil {
					t.Fatal(err)
				}
				cp := translog.Checkpoint{Origin: "test/log", Size: n, Root: root}
				if _, err := st.AuditLog(ctx, &cp); err != nil {
					t.Fatalf("before tampering: %v", err)
				}
				tc.tamper(t, st)
				_, err = st.AuditLog(ctx, &cp)
				var le *models.LogError
				switch {
				case tc.want == "" && err != nil:
					t.Fatalf("intact log: %v", err)
				case tc.want != "" && (!errors.As(err, &le) || le.Problem != tc.want):
					t.Fatalf("got %v, want the problem %s", err, tc.want)
				}
			})
		})
	}
}

// TestLogTreeConcurrentWriters: writers in two processes (two stores over
// one database) append at once; each store's frontier cache must notice
// the other's appends, and the tree stays the events' tree.
func TestLogTreeConcurrentWriters(t *testing.T) {
	t.Parallel()
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			var stores []*models.Store
			for range 2 {
				st, err := models.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				stores = append(stores, st)
			}
			if _, err := migrations.Up(t.Context(), stores[0].DB(), string(stores[0].Dialect())); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st := stores[w%2]
					for i := range 10 {
						brand, number := "Hanwha", fmt.Sprintf("XNO-%d-%d", w, i)
						if _, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: &brand, ModelNumber: &number}); err != nil {
							errs <- err
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if n := wantTreeMatches(t, stores[1]); n != 40 {
				t.Fatalf("size %d, want 40", n)
			}
			if _, err := stores[0].AuditLog(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}
