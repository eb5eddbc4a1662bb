package models_test

import (
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// TestWebhookSecretSealed: with a key, the stored secret is AES-GCM
// sealed, opens with the key, and not with another; the change log never
// holds it.
func TestWebhookSecretSealed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		isp := mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Nhà mạng A"), Kind: ptr(models.OrgOperator)})
		f, err := st.CreateFleet(ctx, admin, models.FleetInput{OrgID: &isp.ID, Name: ptr("Thuê bao")})
		if err != nil {
			t.Fatal(err)
		}
		st.SetWebhookKey([]byte("a key kept out of the database"))
		w, secret, err := st.CreateWebhook(ctx, admin, models.WebhookInput{URL: ptr("https://93.184.215.14/h"), Events: []string{"*"}, FleetID: &f.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := st.DB().QueryRowContext(ctx, "SELECT secret FROM webhooks WHERE id = $1", w.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		raw := strings.TrimPrefix(secret, "whsec_")
		if !strings.HasPrefix(stored, "aesgcm:") || strings.Contains(stored, raw) {
			t.Fatalf("stored %q for secret %q", stored, secret)
		}
		if got, err := st.OpenSecret(w); err != nil || got != secret {
			t.Fatalf("opened %q, %v", got, err)
		}
		st.SetWebhookKey([]byte("another key"))
		if _, err := st.OpenSecret(w); err == nil {
			t.Fatal("the secret opened with another key")
		}
		st.SetWebhookKey(nil)
		if _, err := st.OpenSecret(w); err == nil {
			t.Fatal("a sealed secret opened without a key")
		}
		for _, e := range events(t, st, w.ID) {
			if strings.Contains(e.Changes, raw) || strings.Contains(e.Changes, "aesgcm:") {
				t.Fatalf("the change log holds the secret: %s", e.Changes)
			}
		}
	})
}
