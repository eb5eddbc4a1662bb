package models_test

import (
	"context"
	"errors"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestInTxIsAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		a := models.System("test")
		name, kind := "Công ty A", "retailer"
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx *models.Store) error {
			if _, err := tx.CreateOrganization(ctx, a, models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		c, _ := st.Counts(ctx)
		if c["organizations"] != 0 || c["events"] != 0 {
			t.Fatalf("rolled-back batch left rows: %v", c)
		}
		err = st.InTx(ctx, func(tx *models.Store) error {
			for _, n := range []string{"B", "C"} {
				n := n
				if _, err := tx.CreateOrganization(ctx, a, models.OrganizationInput{Name: &n, Kind: &kind}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := st.VerifyChain(ctx); err != nil || n != 2 {
			t.Fatalf("chain after batch: %d %v", n, err)
		}
		// A dry run validates and writes nothing.
		if _, err := st.CreateOrganization(models.DryRun(ctx), a, models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
		bad := "shop"
		if _, err := st.CreateOrganization(models.DryRun(ctx), a, models.OrganizationInput{Name: &name, Kind: &bad}); !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("dry run of bad input: %v", err)
		}
		c, _ = st.Counts(ctx)
		if c["organizations"] != 2 || c["events"] != 2 {
			t.Fatalf("dry run wrote: %v", c)
		}
	})
}
