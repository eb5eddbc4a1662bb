package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"camreg/migrations"
	"camreg/models"
	"camreg/models/testdb"
)

// TestVerifySeesWritesUnderLoad: while other verifies keep the change-log
// head reads busy (they share them), a verify asked after a write committed
// always sees it: each new model verifies as exact at once.
func TestVerifySeesWritesUnderLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		org := mustCreateTrader(t, st, "Công ty tải")
		if _, err := st.Verify(ctx, models.VerifyQuery{Model: "WARM-0"}); err != nil {
			t.Fatal(err)
		}
		var stop atomic.Bool
		var wg sync.WaitGroup
		for g := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					if _, err := st.Verify(ctx, models.VerifyQuery{Model: fmt.Sprintf("BUSY-%d-%d", g, i%50)}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		for i := range 40 {
			number := fmt.Sprintf("LOAD-%03d", i)
			if _, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Tải"), ModelNumber: ptr(number),
				RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)}); err != nil {
				t.Fatal(err)
			}
			v, err := st.Verify(ctx, models.VerifyQuery{Model: number})
			if err != nil {
				t.Fatal(err)
			}
			if v.Match != models.MatchExact || v.Model == nil || v.Model.ModelNumber != number {
				t.Fatalf("%s committed, then verified as %s", number, v.Match)
			}
		}
		stop.Store(true)
		wg.Wait()
	})
}

// TestVerifySeesAnotherProcessesWrites: two stores on one database, as
// `serve` and a `camreg import` beside it. A model the second one commits
// verifies at once through the first, whose previous verify had just read
// the head (on SQLite, its data_version check must notice the other
// connection's commit).
func TestVerifySeesAnotherProcessesWrites(t *testing.T) {
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			serve, other := twoStores(t, b)
			org := mustCreateTrader(t, other, "Công ty bên cạnh")
			for i := range 30 {
				number := fmt.Sprintf("OTHER-%03d", i)
				if v, err := serve.Verify(ctx, models.VerifyQuery{Model: number}); err != nil || v.Match == models.MatchExact {
					t.Fatalf("%s before it exists: %v %v", number, v, err)
				}
				if _, err := other.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Bên cạnh"), ModelNumber: ptr(number),
					RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)}); err != nil {
					t.Fatal(err)
				}
				v, err := serve.Verify(ctx, models.VerifyQuery{Model: number})
				if err != nil {
					t.Fatal(err)
				}
				if v.Match != models.MatchExact || v.Model == nil || v.Model.ModelNumber != number {
					t.Fatalf("%s committed by another store, then verified as %s", number, v.Match)
				}
			}
		})
	}
}

// TestVerifyAheadSeesWrites: a verify begun after another store committed
// a model (the snapshot, built before, does not hold it yet) answers with
// it, though on PostgreSQL it works out an answer on the stale snapshot
// while the head is read; and with nothing written in between, its answer
// is ViewVerify's, at the same head.
func TestVerifyAheadSeesWrites(t *testing.T) {
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := t.Context()
			serve, other := twoStores(t, b)
			org := mustCreateTrader(t, other, "Công ty trước")
			if err := serve.WarmVerify(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				number := fmt.Sprintf("AHEAD-%03d", i)
				if _, err := other.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Trước"), ModelNumber: ptr(number),
					RegistrantOrgID: &org.ID, Status: ptr(models.ModelVerified)}); err != nil {
					t.Fatal(err)
				}
				v, _ := verifyAhead(t, serve, number)
				if v.Match != models.MatchExact || v.Model == nil || v.Model.ModelNumber != number {
					t.Fatalf("%s committed by another store, then verified ahead as %s", number, v.Match)
				}
				// Nothing written since: the same answer and head as ViewVerify's.
				again, head := verifyAhead(t, serve, number)
				view, err := serve.ViewVerify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want, err := view.Verify(models.VerifyQuery{Model: number})
				if err != nil {
					t.Fatal(err)
				}
				if head != view.Head() || again.Verdict != want.Verdict || again.Match != want.Match || again.Model.ID != want.Model.ID {
					t.Fatalf("%s: ahead %s/%s at %d, ViewVerify %s/%s at %d", number, again.Match, again.Verdict, head, want.Match, want.Verdict, view.Head())
				}
			}
		})
	}
}

// TestVerifyAheadCancelled: a verify whose context ends while its head is
// read gets its context's error; the read it shared still answers the
// others.
func TestVerifyAheadCancelled(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		cancelled, cancel := context.WithCancel(t.Context())
		cancel()
		gone, err := st.BeginVerify(cancelled)
		if err == nil {
			if _, err = gone.Verify(models.VerifyQuery{Model: "GONE-1"}); err == nil {
				t.Fatal("a cancelled verify answered")
			}
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled verify: %v, want context.Canceled", err)
		}
		ahead, err := st.BeginVerify(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v, err := ahead.Verify(models.VerifyQuery{Model: "GONE-1"}); err != nil || v.Match != models.MatchNone {
			t.Fatalf("after a cancelled verify: %v %v", v, err)
		}
	})
}

// twoStores opens two stores on one fresh database of b, as `serve` and a
// `camreg import` beside it; both are closed when t ends.
func twoStores(t *testing.T, b testdb.Backend) (serve, other *models.Store) {
	t.Helper()
	dsn := b.DSN(t)
	serve, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Close() })
	if _, err := migrations.Up(t.Context(), serve.DB(), string(serve.Dialect())); err != nil {
		t.Fatal(err)
	}
	if other, err = models.Open(dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return serve, other
}

// verifyAhead verifies number through BeginVerify, and returns the answer
// and the head it was given at.
func verifyAhead(t *testing.T, st *models.Store, number string) (*models.Verification, int64) {
	t.Helper()
	ahead, err := st.BeginVerify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	v, err := ahead.Verify(models.VerifyQuery{Model: number})
	if err != nil {
		t.Fatal(err)
	}
	head, err := ahead.Head()
	if err != nil {
		t.Fatal(err)
	}
	return v, head
}
