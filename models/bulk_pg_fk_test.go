package models_test

import (
	"context"
	"errors"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// TestCoveredModelsKeysAtEnd: a bulk transaction marked by CheckKeysAtEnd
// drops certificate_models' foreign keys before its rows go in and adds
// them back, validated, before it commits; a covered row whose model does
// not exist then fails the whole transaction, and nothing is written.
func TestCoveredModelsKeysAtEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		if st.Dialect() != models.Postgres {
			t.Skip("PostgreSQL only: SQLite's bulk transaction runs without foreign-key checks")
		}
		defer models.SetDeferKeysMin(1)()
		ctx := models.CheckKeysAtEnd(context.Background())
		body, holder := mustCreateBody(t, st), mustCreateTrader(t, st, "Công ty Khóa Cuối")
		m := mustCreateModel(t, st, "Tiandy", "KAE-1")
		const keys = "SELECT count(*) FROM pg_constraint WHERE conrelid = 'certificate_models'::regclass AND contype = 'f'"
		const valid = keys + " AND convalidated"
		write := func(tx *models.Store, number string) {
			t.Helper()
			res, err := tx.UpsertCertificates(ctx, admin, []models.BatchRow[models.CertificateInput]{{In: certInput(number, body.ID, holder.ID, m.ID)}}, models.BatchWriteAll)
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Fatalf("write %s: %v %+v", number, err, res)
			}
		}

		err := st.InBulkTx(ctx, func(tx *models.Store) error {
			write(tx, "KAE-1")
			if n, err := models.RawInt(tx, keys); err != nil || n != 0 {
				t.Errorf("certificate_models' foreign keys in the transaction: %d (%v), want 0", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := models.RawInt(st, valid); err != nil || n != 2 {
			t.Fatalf("validated foreign keys after commit: %d (%v), want 2", n, err)
		}

		const certs = "SELECT count(*) FROM conformity_certificates"
		before, _ := models.RawInt(st, certs)
		err = st.InBulkTx(ctx, func(tx *models.Store) error {
			write(tx, "KAE-2")
			return models.RawExec(tx, "INSERT INTO certificate_models (certificate_id, camera_model_id) SELECT id, 'no-such-model' FROM conformity_certificates WHERE number = 'KAE-2'")
		})
		if !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a covered model that does not exist: %v, want a conflict", err)
		}
		if after, _ := models.RawInt(st, certs); after != before {
			t.Fatalf("certificates %d -> %d: the failed transaction wrote", before, after)
		}
		if n, err := models.RawInt(st, valid); err != nil || n != 2 {
			t.Fatalf("validated foreign keys after the rollback: %d (%v), want 2", n, err)
		}
	})
}
