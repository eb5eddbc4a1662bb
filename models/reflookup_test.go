package models_test

import (
	"errors"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// The PostgreSQL-restart flake of the fault suite: a reference lookup that
// failed in the database was reported as "no camera model has id …" (422),
// as if the request were wrong. A failed lookup is now the database's
// error, for every reference check (listings, certificates, C/Os,
// warnings), and the write is not made.
func TestFailedReferenceLookupIsTheDatabasesError(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		trader := mustCreateTrader(t, st, "Công ty Lookup")
		body := mustCreateBody(t, st)
		authority := mustCreateAuthority(t, st)
		m := mustCreateModel(t, st, "Acme", "LOOK-1")
		if _, err := st.DB().Exec("ALTER TABLE camera_models RENAME TO camera_models_away"); err != nil {
			t.Fatal(err)
		}
		defer st.DB().Exec("ALTER TABLE camera_models_away RENAME TO camera_models")
		writes := map[string]func() error{
			"listing": func() error {
				_, err := st.CreateListing(t.Context(), admin, models.ListingInput{TraderOrgID: &trader.ID, CameraModelID: &m.ID,
					Channel: ptr("online"), URL: ptr("https://shop.example/x")})
				return err
			},
			"certificate": func() error {
				_, err := st.CreateCertificate(t.Context(), admin, certInput("QCVN-LOOK-1", body.ID, trader.ID, m.ID))
				return err
			},
			"warning": func() error {
				_, err := st.CreateWarning(t.Context(), admin, warningInput("1/LOOK", authority.ID, m.ID))
				return err
			},
			"origin": func() error {
				_, err := st.CreateOriginCertificate(t.Context(), admin, models.OriginCertificateInput{Number: ptr("E-LOOK-1"), Form: ptr("E"),
					Issuer: ptr("CCPIT"), ExportingCountry: ptr("CN"), IssuedOn: ptr("2025-01-02"), CameraModelIDs: &[]string{m.ID}})
				return err
			},
		}
		for name, write := range writes {
			err := write()
			if err == nil || errors.Is(err, models.ErrInvalid) {
				t.Errorf("%s with the models table gone: %v, want the database's error", name, err)
			}
		}
	})
}
