package models_test

import (
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
			dsn := b.DSN(t)
			serve, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer serve.Close()
			if _, err := migrations.Up(ctx, serve.DB(), string(serve.Dialect())); err != nil {
				t.Fatal(err)
			}
			other, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
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
