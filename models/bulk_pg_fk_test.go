package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

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

// TestCoveredModelsKeysKeptWhenBusy: when another transaction reads
// camera_models, the keys' drop waits at most its bound, then the bulk
// transaction keeps them (checked row by row) and commits.
func TestCoveredModelsKeysKeptWhenBusy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		if st.Dialect() != models.Postgres {
			t.Skip("PostgreSQL only: SQLite's bulk transaction runs without foreign-key checks")
		}
		defer models.SetDeferKeysMin(1)()
		defer models.SetDeferKeysWait(200 * time.Millisecond)()
		ctx := models.CheckKeysAtEnd(context.Background())
		body, holder := mustCreateBody(t, st), mustCreateTrader(t, st, "Công ty Đợi Khóa")
		m := mustCreateModel(t, st, "Tiandy", "KKB-1")
		reader, err := st.DB().BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer reader.Rollback()
		if _, err := reader.Exec("SELECT count(*) FROM camera_models"); err != nil {
			t.Fatal(err)
		}
		err = st.InBulkTx(ctx, func(tx *models.Store) error {
			res, err := tx.UpsertCertificates(ctx, admin, []models.BatchRow[models.CertificateInput]{{In: certInput("KKB-1", body.ID, holder.ID, m.ID)}}, models.BatchWriteAll)
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Fatalf("write: %v %+v", err, res)
			}
			if n, err := models.RawInt(tx, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'certificate_models'::regclass AND contype = 'f'"); err != nil || n != 2 {
				t.Errorf("certificate_models' foreign keys in the transaction: %d (%v), want 2 (kept)", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := models.RawInt(st, "SELECT count(*) FROM conformity_certificates WHERE number = 'KKB-1'"); err != nil || n != 1 {
			t.Fatalf("the certificate: %d (%v)", n, err)
		}
	})
}
