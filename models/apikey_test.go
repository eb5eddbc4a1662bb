package models_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

func TestAPIKeyCreateAuthenticate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		org := mustCreateTrader(t, st, "Vendor")
		// Enough keys that some secrets contain every base64url character,
		// '_' and '-' included.
		secrets := map[string]*models.APIKey{}
		for i := 0; i < 40; i++ {
			k, secret, err := st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleVendor, OrgID: org.ID, Name: " key "})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, "camreg_"+k.Prefix+"_") || len(k.Prefix) != 12 || k.Name != "key" || k.Role != models.RoleVendor {
				t.Fatalf("key %+v, secret %q", k, secret)
			}
			secrets[secret] = k
			e := wantEvent(t, st, models.ActionCreate, "api_key", k.ID)
			if strings.Contains(e.Changes, secret) || strings.Contains(e.Changes, secret[len(secret)-20:]) || strings.Contains(e.Changes, `"hash"`) {
				t.Errorf("the change log holds the secret or its hash: %s", e.Changes)
			}
		}
		for secret, k := range secrets {
			a, err := st.Authenticate(ctx, secret)
			if err != nil {
				t.Errorf("authenticate %q: %v", secret, err)
				continue
			}
			if a.KeyID != k.ID || a.Prefix != k.Prefix || a.Role != models.RoleVendor || a.OrgID != org.ID || a.Label() != "key:"+k.Prefix {
				t.Errorf("actor %+v for key %+v", a, k)
			}
		}

		keys, err := st.FindKeys(ctx)
		if err != nil || len(keys) != 40 {
			t.Fatalf("find keys: %d %v", len(keys), err)
		}
		b, _ := json.Marshal(keys)
		for secret := range secrets {
			if strings.Contains(string(b), secret[20:]) {
				t.Errorf("FindKeys leaks a secret")
			}
		}
		if strings.Contains(string(b), `"hash"`) {
			t.Errorf("keys marshal their hash: %s", b[:200])
		}

		var one string
		for s := range secrets {
			one = s
			break
		}
		// The last character changed: to "B" when it is "A", so that the
		// bad key never equals the real one.
		last := "A"
		if strings.HasSuffix(one, "A") {
			last = "B"
		}
		for _, bad := range []string{"", "camreg", "camreg__", one + "x", one[:len(one)-1] + last, strings.Replace(one, "camreg_", "camreg-", 1),
			"camreg_" + strings.Repeat("0", 12) + "_" + one[20:], "Bearer " + one} {
			if _, err := st.Authenticate(ctx, bad); !errors.Is(err, models.ErrBadKey) {
				t.Errorf("authenticate %q: %v, want ErrBadKey", bad, err)
			}
		}
	})
}

func TestAPIKeyValidation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		pinClock(st)
		org := mustCreateTrader(t, st, "Vendor")
		past := pinned.Add(-time.Hour)
		tests := []struct {
			name string
			in   models.NewKeyInput
			want []string
		}{
			{"no role", models.NewKeyInput{}, []string{"role"}},
			{"unknown role", models.NewKeyInput{Role: "root"}, []string{"role"}},
			{"vendor without organization", models.NewKeyInput{Role: models.RoleVendor}, []string{"org_id"}},
			{"inspector without organization", models.NewKeyInput{Role: models.RoleInspector}, []string{"org_id"}},
			{"operator without organization", models.NewKeyInput{Role: models.RoleOperator}, []string{"org_id"}},
			{"expired already", models.NewKeyInput{Role: models.RoleAdmin, ExpiresAt: &past}, []string{"expires_at"}},
			{"everything at once", models.NewKeyInput{Role: models.RoleCertifier, Name: strings.Repeat("n", 201), ExpiresAt: &pinned}, []string{"org_id", "name", "expires_at"}},
			{"organization missing", models.NewKeyInput{Role: models.RoleVendor, OrgID: "0190a000-0000-7000-8000-00000000dead"}, []string{"org_id"}},
			{"organization not an id", models.NewKeyInput{Role: models.RoleVendor, OrgID: "vendor"}, []string{"org_id"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantInvalid(t, unchanged(t, st, func() error {
					_, _, err := st.CreateKey(t.Context(), admin, tc.in)
					return err
				}), tc.want...)
			})
		}
		// Admin and procurement keys need no organization.
		for _, r := range []models.Role{models.RoleAdmin, models.RoleProcurement} {
			if _, _, err := st.CreateKey(t.Context(), admin, models.NewKeyInput{Role: r}); err != nil {
				t.Errorf("%s key: %v", r, err)
			}
		}
		// A key acts for an organization of its role's kind (issue #14: a
		// certifier key for an importer was accepted).
		if _, _, err := st.CreateKey(t.Context(), admin, models.NewKeyInput{Role: models.RoleAuthority, OrgID: mustCreateAuthority(t, st).ID}); err != nil {
			t.Error(err)
		}
		for _, r := range []models.Role{models.RoleAuthority, models.RoleCertifier, models.RoleInspector} {
			wantInvalid(t, unchanged(t, st, func() error {
				_, _, err := st.CreateKey(t.Context(), admin, models.NewKeyInput{Role: r, OrgID: org.ID})
				return err
			}), "org_id")
		}
	})
}

func TestAPIKeyRevokeExpireLastUsed(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		now := pinned
		st.SetClock(func() time.Time { return now })
		org := mustCreateTrader(t, st, "Vendor")

		k, secret, err := st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleVendor, OrgID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		keys, _ := st.FindKeys(ctx)
		if len(keys) != 1 || keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(now) {
			t.Errorf("last used %v, want %v", keys[0].LastUsedAt, now)
		}
		// Kept to the minute: a use 30 s later does not write.
		now = pinned.Add(30 * time.Second)
		st.Authenticate(ctx, secret)
		keys, _ = st.FindKeys(ctx)
		if !keys[0].LastUsedAt.Equal(pinned) {
			t.Errorf("last used %v after 30 s, want %v", keys[0].LastUsedAt, pinned)
		}
		now = pinned.Add(2 * time.Minute)
		st.Authenticate(ctx, secret)
		keys, _ = st.FindKeys(ctx)
		if !keys[0].LastUsedAt.Equal(now) {
			t.Errorf("last used %v after 2 min, want %v", keys[0].LastUsedAt, now)
		}

		// Revoking by prefix stops the key at once; revoking twice writes once.
		r, err := st.RevokeKey(ctx, admin, k.Prefix)
		if err != nil || r.RevokedAt == nil || r.ID != k.ID {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		e := wantEvent(t, st, models.ActionStatus, "api_key", k.ID)
		wantChanged(t, e, "revoked_at")
		if _, err := st.Authenticate(ctx, secret); !errors.Is(err, models.ErrBadKey) {
			t.Errorf("revoked key authenticates: %v", err)
		}
		n := countRows(t, st, "events")
		if _, err := st.RevokeKey(ctx, admin, k.ID); err != nil || countRows(t, st, "events") != n {
			t.Errorf("revoke again: %v, events %d → %d", err, n, countRows(t, st, "events"))
		}
		_, err = st.RevokeKey(ctx, admin, "nope")
		wantErr(t, err, models.ErrNotFound)

		// A key stops working when it expires.
		exp := pinned.Add(time.Hour)
		_, secret2, err := st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleAdmin, ExpiresAt: &exp})
		if err != nil {
			t.Fatal(err)
		}
		now = exp.Add(-time.Second)
		if _, err := st.Authenticate(ctx, secret2); err != nil {
			t.Errorf("key before expiry: %v", err)
		}
		now = exp
		if _, err := st.Authenticate(ctx, secret2); !errors.Is(err, models.ErrBadKey) {
			t.Errorf("expired key authenticates: %v", err)
		}
	})
}
