package models_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"camreg/models"
	"camreg/models/testdb"
)

// exec runs SQL directly, behind the services' back, with ? placeholders
// rewritten for PostgreSQL.
func exec(t *testing.T, st *models.Store, query string, args ...any) {
	t.Helper()
	if st.Dialect() == models.Postgres {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := st.DB().ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// allEvents reads the whole change log.
func allEvents(t *testing.T, st *models.Store) []models.Event {
	t.Helper()
	ev, err := st.FindEvents(t.Context(), models.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// canonicalHash restates the documented hash of an event: SHA-256 over the
// JSON array [seq, at (UTC, RFC 3339 with microseconds), actor, actor_role,
// actor_org_id or "", action, entity, entity_id, changes, prev_hash].
func canonicalHash(e models.Event) string {
	org := ""
	if e.ActorOrgID != nil {
		org = *e.ActorOrgID
	}
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"), e.Actor, e.ActorRole, org,
		e.Action, e.Entity, e.EntityID, e.Changes, e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestEventsEveryWrite checks that each kind of write appends exactly one
// event naming it, and that failed writes append none.
func TestEventsEveryWrite(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		var (
			org, body, auth *models.Organization
			m               *models.Model
			c               *models.Certificate
			o               *models.OriginCertificate
			w               *models.Warning
			l               *models.Listing
			k               *models.APIKey
			std             *models.Standard
		)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			action, entity string
			write          func() string
		}{
			{"create", "organization", func() string { org = mustCreateTrader(t, st, "Trader"); return org.ID }},
			{"update", "organization", func() string {
				_, err := st.UpdateOrganization(ctx, admin, org.ID, models.OrganizationInput{Address: ptr("1 Tràng Tiền")}, nil)
				must(err)
				return org.ID
			}},
			{"create", "organization", func() string { body = mustCreateBody(t, st); return body.ID }},
			{"create", "organization", func() string { auth = mustCreateAuthority(t, st); return auth.ID }},
			{"create", "camera_model", func() string { m = mustCreateModel(t, st, "KBVision", "KX-A2111N2"); return m.ID }},
			{"update", "camera_model", func() string {
				_, err := st.UpdateModel(ctx, admin, m.ID, models.ModelInput{Status: ptr(models.ModelVerified)}, nil)
				must(err)
				return m.ID
			}},
			{"create", "standard", func() string {
				var err error
				std, err = st.CreateStandard(ctx, admin, models.StandardInput{Code: ptr("QCVN X"), Title: ptr("X"), EffectiveFrom: ptr("2027-01-01")})
				must(err)
				return std.ID
			}},
			{"update", "standard", func() string {
				_, err := st.UpdateStandard(ctx, admin, std.ID, models.StandardInput{Title: ptr("Y")}, nil)
				must(err)
				return std.ID
			}},
			{"create", "certificate", func() string { c = mustCreateCert(t, st, certInput("C-1", body.ID, org.ID, m.ID)); return c.ID }},
			{"update", "certificate", func() string {
				_, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{ExpiresOn: ptr("2028-01-01")}, nil)
				must(err)
				return c.ID
			}},
			{"status", "certificate", func() string {
				_, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{Status: ptr(models.CertSuspended), StatusReason: ptr("x")}, nil)
				must(err)
				return c.ID
			}},
			{"create", "origin_certificate", func() string {
				var err error
				o, err = st.CreateOriginCertificate(ctx, admin, originInput("E-1", m.ID, &org.ID))
				must(err)
				return o.ID
			}},
			{"status", "origin_certificate", func() string {
				_, err := st.UpdateOriginCertificate(ctx, admin, o.ID, models.OriginCertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("x")}, nil)
				must(err)
				return o.ID
			}},
			{"create", "warning", func() string { w = mustCreateWarning(t, st, warningInput("W-1", auth.ID, m.ID)); return w.ID }},
			{"update", "warning", func() string {
				_, err := st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{Severity: ptr("critical")}, nil)
				must(err)
				return w.ID
			}},
			{"status", "warning", func() string {
				_, err := st.UpdateWarning(ctx, admin, w.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn), StatusReason: ptr("x")}, nil)
				must(err)
				return w.ID
			}},
			{"create", "listing", func() string {
				l = mustCreateListing(t, st, models.ListingInput{TraderOrgID: &org.ID, CameraModelID: &m.ID, Channel: ptr("online"), URL: ptr("https://x.vn")})
				return l.ID
			}},
			{"update", "listing", func() string {
				_, err := st.UpdateListing(ctx, admin, l.ID, models.ListingInput{PriceVND: ptr(int64(990000))}, nil)
				must(err)
				return l.ID
			}},
			{"delete", "listing", func() string { must(st.DeleteListing(ctx, admin, l.ID, nil)); return l.ID }},
			{"create", "api_key", func() string {
				var err error
				k, _, err = st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleVendor, OrgID: org.ID})
				must(err)
				return k.ID
			}},
			{"status", "api_key", func() string {
				_, err := st.RevokeKey(ctx, admin, k.ID)
				must(err)
				return k.ID
			}},
			{"create", "camera_model", func() string { return mustCreateModel(t, st, "KBVision", "KX-DELETE").ID }},
			{"delete", "camera_model", func() string {
				id := lastEvent(t, st).EntityID
				must(st.DeleteModel(ctx, admin, id, nil))
				return id
			}},
			{"create", "organization", func() string { return mustCreateOrg(t, st, models.OrganizationInput{}).ID }},
			{"delete", "organization", func() string {
				id := lastEvent(t, st).EntityID
				must(st.DeleteOrganization(ctx, admin, id, nil))
				return id
			}},
		}
		for i, s := range steps {
			before := countRows(t, st, "events")
			id := s.write()
			if n := countRows(t, st, "events"); n != before+1 {
				t.Fatalf("step %d (%s %s) wrote %d events, want 1", i, s.action, s.entity, n-before)
			}
			e := wantEvent(t, st, s.action, s.entity, id)
			if e.Seq != before+1 || e.Actor != "system:test" || e.Hash == "" || e.At.IsZero() || !json.Valid([]byte(e.Changes)) {
				t.Errorf("step %d: event %+v", i, e)
			}
		}

		n, err := st.VerifyChain(ctx)
		if err != nil || n != int64(len(steps)) {
			t.Fatalf("VerifyChain = %d, %v; want %d, nil", n, err, len(steps))
		}

		// FindEvents filters.
		ev, err := st.FindEvents(ctx, models.EventFilter{Entity: "certificate"})
		if err != nil || len(ev) != 3 {
			t.Errorf("certificate events: %d %v", len(ev), err)
		}
		ev, _ = st.FindEvents(ctx, models.EventFilter{EntityID: w.ID})
		if len(ev) != 3 || ev[0].Action != "create" || ev[2].Action != "status" {
			t.Errorf("warning events %+v", ev)
		}
		ev, _ = st.FindEvents(ctx, models.EventFilter{AfterSeq: 20, Limit: 2})
		if len(ev) != 2 || ev[0].Seq != 21 || ev[1].Seq != 22 {
			t.Errorf("after 20, limit 2: %+v", ev)
		}
		ev, _ = st.FindEvents(ctx, models.EventFilter{AfterSeq: int64(len(steps))})
		if len(ev) != 0 {
			t.Errorf("after the last event: %d events", len(ev))
		}
	})
}

// TestEventActor checks that a change made with an API key names the key,
// its role and its organization.
func TestEventActor(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		org := mustCreateTrader(t, st, "Vendor")
		k, secret, err := st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleVendor, OrgID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		actor, err := st.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		m, err := st.CreateModel(ctx, actor, models.ModelInput{Brand: ptr("Viettel"), ModelNumber: ptr("HC2"), RegistrantOrgID: &org.ID})
		if err != nil {
			t.Fatal(err)
		}
		e := wantEvent(t, st, models.ActionCreate, "camera_model", m.ID)
		if e.Actor != "key:"+k.Prefix || e.ActorRole != "vendor" || e.ActorOrgID == nil || *e.ActorOrgID != org.ID {
			t.Errorf("event actor %q role %q org %v", e.Actor, e.ActorRole, e.ActorOrgID)
		}
		if _, err := st.VerifyChain(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestEventsSameTransaction makes the change log refuse inserts, and checks
// that the change itself is then not stored either.
func TestEventsSameTransaction(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		o := mustCreateTrader(t, st, "Before the lock")
		m := mustCreateModel(t, st, "Questek", "QOB-4MP")
		body := mustCreateBody(t, st)
		if st.Dialect() == models.Postgres {
			exec(t, st, `CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'change log refused'; END $$`)
			exec(t, st, `CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()`)
		} else {
			exec(t, st, `CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'change log refused'); END`)
		}
		before, _ := st.GetOrganization(ctx, o.ID)
		writes := map[string]func() error{
			"create organization": func() error {
				_, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr("x"), Kind: ptr(models.OrgRetailer)})
				return err
			},
			"update organization": func() error {
				_, err := st.UpdateOrganization(ctx, admin, o.ID, models.OrganizationInput{Name: ptr("Changed")}, nil)
				return err
			},
			"create certificate with its models": func() error {
				_, err := st.CreateCertificate(ctx, admin, certInput("C-9", body.ID, o.ID, m.ID))
				return err
			},
			"delete model": func() error { return st.DeleteModel(ctx, admin, m.ID, nil) },
			"create key": func() error {
				_, _, err := st.CreateKey(ctx, admin, models.NewKeyInput{Role: models.RoleAdmin})
				return err
			},
		}
		for name, w := range writes {
			err := unchanged(t, st, w)
			if !strings.Contains(err.Error(), "change log") {
				t.Errorf("%s: error %v does not come from the change log", name, err)
			}
		}
		sameRow(t, before, func() (*models.Organization, error) { return st.GetOrganization(ctx, o.ID) })
		if _, err := st.GetModel(ctx, m.ID); err != nil {
			t.Errorf("model deleted without its event: %v", err)
		}
	})
}

// history writes a realistic, mixed history of 8 events.
func history(t *testing.T, st *models.Store) int64 {
	t.Helper()
	ctx := t.Context()
	body := mustCreateBody(t, st)                               // 1
	org := mustCreateTrader(t, st, "Holder")                    // 2
	m := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I") // 3
	c := mustCreateCert(t, st, certInput("C-1", body.ID, org.ID, m.ID))
	if _, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{Status: ptr(models.CertRevoked), StatusReason: ptr("Giả mạo")}, nil); err != nil {
		t.Fatal(err)
	}
	auth := mustCreateAuthority(t, st)
	mustCreateWarning(t, st, warningInput("383/CATTT-NCSC", auth.ID, m.ID))
	if _, err := st.UpdateOrganization(ctx, admin, org.ID, models.OrganizationInput{Province: ptr("Đà Nẵng")}, nil); err != nil {
		t.Fatal(err)
	}
	n, err := st.VerifyChain(ctx)
	if err != nil || n != 8 {
		t.Fatalf("VerifyChain of a clean history = %d, %v; want 8, nil", n, err)
	}
	return n
}

func TestVerifyChain(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		if n, err := st.VerifyChain(t.Context()); err != nil || n != 0 {
			t.Errorf("empty log: %d %v", n, err)
		}
		history(t, st)
		ev := allEvents(t, st)
		for i, e := range ev {
			if e.Seq != int64(i+1) {
				t.Errorf("event %d has seq %d", i, e.Seq)
			}
			prev := models.GenesisHash
			if i > 0 {
				prev = ev[i-1].Hash
			}
			if e.PrevHash != prev {
				t.Errorf("event %d prev_hash %s, want %s", e.Seq, e.PrevHash, prev)
			}
			if got := canonicalHash(e); got != e.Hash {
				t.Errorf("event %d hash %s, but its documented hash is %s", e.Seq, e.Hash, got)
			}
		}
	})
}

func TestVerifyChainTampering(t *testing.T) {
	t.Parallel()
	forged := func(t *testing.T, st *models.Store, seq int64, prevHash string) models.Event {
		e := models.Event{Seq: seq, At: time.Date(2026, 3, 1, 1, 2, 3, 456789000, time.UTC), Actor: "system:intruder", ActorRole: "admin",
			Action: "status", Entity: "certificate", EntityID: "0190a000-0000-7000-8000-000000000001",
			Changes: `{"status":{"from":"revoked","to":"valid"}}`, PrevHash: prevHash}
		e.Hash = canonicalHash(e)
		return e
	}
	insert := func(t *testing.T, st *models.Store, e models.Event) {
		exec(t, st, `INSERT INTO events (seq, at, actor, actor_role, actor_org_id, action, entity, entity_id, changes, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At, e.Actor, e.ActorRole, e.ActorOrgID, e.Action, e.Entity, e.EntityID, e.Changes, e.PrevHash, e.Hash)
	}
	// shift renumbers the events from seq on by one, making room at seq.
	shift := func(t *testing.T, st *models.Store, from int64) {
		exec(t, st, `UPDATE events SET seq = seq + 1000 WHERE seq >= ?`, from)
		exec(t, st, `UPDATE events SET seq = seq - 999 WHERE seq >= 1000`)
	}
	tests := []struct {
		name    string
		tamper  func(t *testing.T, st *models.Store, ev []models.Event)
		wantSeq int64
	}{
		{"changes altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET changes = ? WHERE seq = 5`, strings.Replace(ev[4].Changes, "Giả mạo", "Nhầm lẫn", 1))
		}, 5},
		{"first event altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET changes = '{}' WHERE seq = 1`)
		}, 1},
		{"last event altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET entity_id = ? WHERE seq = 8`, ev[0].EntityID)
		}, 8},
		{"actor altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET actor = 'system:someone-else' WHERE seq = 3`)
		}, 3},
		{"actor organization added", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET actor_org_id = ? WHERE seq = 4`, ev[1].EntityID)
		}, 4},
		{"time altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET at = ? WHERE seq = 6`, ev[5].At.Add(-24*time.Hour))
		}, 6},
		{"action altered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET action = 'update' WHERE seq = 5`)
		}, 5},
		{"hash rewritten to match altered content", func(t *testing.T, st *models.Store, ev []models.Event) {
			// The intruder recomputes the altered event's hash; the next
			// event's prev_hash still names the original.
			e := ev[3]
			e.Changes = `{"forged":true}`
			exec(t, st, `UPDATE events SET changes = ?, hash = ? WHERE seq = 4`, e.Changes, canonicalHash(e))
		}, 5},
		{"middle event deleted", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `DELETE FROM events WHERE seq = 4`)
		}, 4},
		{"first event deleted", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `DELETE FROM events WHERE seq = 1`)
		}, 1},
		{"deleted and renumbered", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `DELETE FROM events WHERE seq = 4`)
			exec(t, st, `UPDATE events SET seq = seq + 1000 WHERE seq > 4`)
			exec(t, st, `UPDATE events SET seq = seq - 1001 WHERE seq >= 1000`)
		}, 4},
		{"two events swapped", func(t *testing.T, st *models.Store, ev []models.Event) {
			exec(t, st, `UPDATE events SET seq = -1 WHERE seq = 3`)
			exec(t, st, `UPDATE events SET seq = 3 WHERE seq = 4`)
			exec(t, st, `UPDATE events SET seq = 4 WHERE seq = -1`)
		}, 3},
		{"gap in seq", func(t *testing.T, st *models.Store, ev []models.Event) {
			shift(t, st, 6)
		}, 6},
		{"forged event appended with a wrong hash", func(t *testing.T, st *models.Store, ev []models.Event) {
			e := forged(t, st, 9, ev[7].Hash)
			e.Hash = strings.Repeat("ab", 32)
			insert(t, st, e)
		}, 9},
		{"forged event appended off the chain", func(t *testing.T, st *models.Store, ev []models.Event) {
			insert(t, st, forged(t, st, 9, models.GenesisHash))
		}, 9},
		{"forged event inserted in the middle", func(t *testing.T, st *models.Store, ev []models.Event) {
			// Even with a well-formed hash, the event after it still names
			// the original predecessor.
			shift(t, st, 5)
			insert(t, st, forged(t, st, 5, ev[3].Hash))
		}, 6},
		{"forged event with a duplicate-looking seq", func(t *testing.T, st *models.Store, ev []models.Event) {
			shift(t, st, 1)
			insert(t, st, forged(t, st, 1, models.GenesisHash))
		}, 2},
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		history(t, st)
		clean := allEvents(t, st)
		// Each case starts from the clean history, restored row by row;
		// the restored log must verify, or the case would prove nothing.
		restore := func(t *testing.T) {
			exec(t, st, `DELETE FROM events`)
			for _, e := range clean {
				insert(t, st, e)
			}
			if n, err := st.VerifyChain(t.Context()); err != nil || n != int64(len(clean)) {
				t.Fatalf("restored history: VerifyChain = %d, %v", n, err)
			}
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				restore(t)
				tc.tamper(t, st, clean)
				n, err := st.VerifyChain(t.Context())
				var ce *models.ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("VerifyChain = %d, %v; want a *models.ChainError", n, err)
				}
				if ce.Seq != tc.wantSeq {
					t.Errorf("chain error at seq %d (%s), want %d", ce.Seq, ce.Reason, tc.wantSeq)
				}
				if n != tc.wantSeq-1 {
					t.Errorf("VerifyChain checked %d events before the break, want %d", n, tc.wantSeq-1)
				}
				if ce.Reason == "" || !strings.Contains(ce.Error(), fmt.Sprint(tc.wantSeq)) {
					t.Errorf("error text %q", ce.Error())
				}
			})
		}
	})
}

// TestConcurrentWrites appends from many goroutines at once: the chain must
// stay linear, with nothing lost.
func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	const workers, each = 8, 10
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		m := mustCreateModel(t, st, "Hikvision", "DS-2CD1023G0E-I")
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		start := make(chan struct{})
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < each; i++ {
					var err error
					if i%2 == 0 {
						_, err = st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr(fmt.Sprintf("Shop %d-%d", w, i)), Kind: ptr(models.OrgRetailer), TaxCode: ptr(newTaxCode())})
					} else {
						_, err = st.UpdateModel(ctx, admin, m.ID, models.ModelInput{Name: ptr(fmt.Sprintf("name %d-%d", w, i))}, nil)
					}
					if err != nil {
						errs <- fmt.Errorf("worker %d write %d: %w", w, i, err)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		total := int64(1 + workers*each)
		n, err := st.VerifyChain(ctx)
		if err != nil || n != total {
			t.Fatalf("VerifyChain = %d, %v; want %d, nil", n, err, total)
		}
		if got := countRows(t, st, "organizations"); got != workers*each/2 {
			t.Errorf("%d organizations, want %d", got, workers*each/2)
		}
		got, _ := st.GetModel(ctx, m.ID)
		if got.Version != 1+workers*each/2 {
			t.Errorf("model version %d after %d updates, want %d", got.Version, workers*each/2, 1+workers*each/2)
		}
	})
}
