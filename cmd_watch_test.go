package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"camreg/api"
	"camreg/migrations"
	"camreg/models"
	"camreg/translog"
)

// registry is a live camreg over a SQLite file, signing with skey.
type registry struct {
	db  string
	st  *models.Store
	url string
}

func startRegistry(t *testing.T, db, skey string) *registry {
	t.Helper()
	st, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := migrations.Up(context.Background(), st.DB(), string(st.Dialect())); err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	// Tests send bursts from one address; the rate limits have tests of their own.
	generous := map[string]api.Rate{}
	for tier := range api.DefaultRates {
		generous[tier] = api.Rate{PerSecond: 1e6, Burst: 1e6}
	}
	srv := httptest.NewServer(api.New(st, api.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rates: generous, LogSigner: s}).Handler())
	t.Cleanup(srv.Close)
	return &registry{db: db, st: st, url: srv.URL}
}

// write appends n events, each a new organization named with prefix.
func (r *registry) write(t *testing.T, prefix string, n int) {
	t.Helper()
	for i := range n {
		name, kind := fmt.Sprintf("%s %d", prefix, i), models.OrgAuthority
		if _, err := r.st.CreateOrganization(t.Context(), models.System("test"), models.OrganizationInput{Name: &name, Kind: &kind}); err != nil {
			t.Fatal(err)
		}
	}
}

// fork copies the registry's database to a new file and serves it with
// the same key: the same history so far, which each may extend its way.
func (r *registry) fork(t *testing.T, skey string) *registry {
	t.Helper()
	if _, err := r.st.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(r.db)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "fork.db")
	if err := os.WriteFile(db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return startRegistry(t, db, skey)
}

func evidenceFiles(t *testing.T, state string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(state, "evidence", "*"))
	return m
}

// TestAuditWatch: a witness cosigns consistent checkpoints and alarms, with
// evidence and exit status 3, on a shrinking tree, a fork shown to it
// after another history, and a checkpoint signed by another key.
func TestAuditWatch(t *testing.T) {
	skey, vkey, err := translog.GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	newRegistry := func(t *testing.T) *registry {
		r := startRegistry(t, filepath.Join(t.TempDir(), "camreg.db"), skey)
		r.write(t, "Cục", 5)
		return r
	}
	watch := func(t *testing.T, r *registry, state string) (string, error) {
		return run(t, "audit", "watch", r.url, "--state", state, "--vkey", vkey, "--once")
	}

	t.Run("consistent growth is cosigned", func(t *testing.T) {
		r, state := newRegistry(t), t.TempDir()
		if _, err := watch(t, r, state); err != nil {
			t.Fatal(err)
		}
		r.write(t, "Sở", 3)
		if _, err := watch(t, r, state); err != nil {
			t.Fatal(err)
		}
		skeyW, err := os.ReadFile(filepath.Join(state, "witness.key"))
		if err != nil {
			t.Fatal(err)
		}
		cs, err := translog.NewCosigner(string(skeyW))
		if err != nil {
			t.Fatal(err)
		}
		wv, err := translog.NewCosignatureVerifier(cs.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		lv, _ := note.NewVerifier(vkey)
		cosigned, _ := os.ReadFile(filepath.Join(state, "cosigned"))
		n, err := note.Open(cosigned, note.VerifierList(lv, wv))
		if err != nil || len(n.Sigs) != 2 {
			t.Fatalf("cosigned checkpoint: %v, %d verified signatures\n%s", err, len(n.Sigs), cosigned)
		}
		if cp, _ := translog.ParseCheckpoint(n.Text); cp.Size != 8 {
			t.Errorf("cosigned size %d, want 8", cp.Size)
		}
		// A cosignature over other text does not verify.
		forged := strings.Replace(string(cosigned), "\n8\n", "\n9\n", 1)
		if _, err := note.Open([]byte(forged), note.VerifierList(wv)); err == nil {
			t.Error("a cosignature verified over altered text")
		}
		if len(evidenceFiles(t, state)) != 0 {
			t.Error("evidence without an alarm")
		}
	})
	t.Run("shrinking tree", func(t *testing.T) {
		r, state := newRegistry(t), t.TempDir()
		if _, err := watch(t, r, state); err != nil {
			t.Fatal(err)
		}
		if _, err := r.st.DB().Exec(`DELETE FROM events WHERE seq > 3`); err != nil {
			t.Fatal(err)
		}
		_, err := watch(t, r, state)
		wantExit3(t, err, "shrinking_tree")
		if len(evidenceFiles(t, state)) != 1 {
			t.Error("no evidence kept")
		}
	})
	for _, extra := range []int{0, 2} {
		t.Run(fmt.Sprintf("fork shown to two clients, one %d ahead", extra), func(t *testing.T) {
			a := newRegistry(t)
			b := a.fork(t, skey)
			a.write(t, "Nhánh A", 2)
			b.write(t, "Nhánh B", 2+extra)
			stateA, stateB := t.TempDir(), t.TempDir()
			// Each client alone sees a consistent log...
			if _, err := watch(t, a, stateA); err != nil {
				t.Fatal(err)
			}
			if _, err := watch(t, b, stateB); err != nil {
				t.Fatal(err)
			}
			// ...and a witness that is shown both catches the fork.
			_, err := watch(t, b, stateA)
			wantExit3(t, err, "fork")
			ev := evidenceFiles(t, stateA)
			if len(ev) != 1 {
				t.Fatalf("evidence files %v", ev)
			}
			body, _ := os.ReadFile(ev[0])
			if strings.Count(string(body), "— test.camreg/log ") != 2 {
				t.Errorf("the evidence does not hold both signed checkpoints:\n%s", body)
			}
		})
	}
	t.Run("forged signature", func(t *testing.T) {
		other, _, _ := translog.GenerateKey("test.camreg/log")
		r, state := startRegistry(t, filepath.Join(t.TempDir(), "camreg.db"), other), t.TempDir()
		r.write(t, "Cục", 1)
		_, err := watch(t, r, state)
		wantExit3(t, err, "bad_signature")
	})
}

// TestReceiptVerifyCommand checks a receipt saved from a live registry
// offline, and refuses it once altered.
func TestReceiptVerifyCommand(t *testing.T) {
	skey, vkey, err := translog.GenerateKey("test.camreg/log")
	if err != nil {
		t.Fatal(err)
	}
	r := startRegistry(t, filepath.Join(t.TempDir(), "camreg.db"), skey)
	r.createVerifiedModel(t, "Ezviz", "CS-H6C")
	body := r.receipt(t, "brand=Ezviz&model=CS-H6C")
	dir := t.TempDir()
	file, vfile := filepath.Join(dir, "receipt.json"), filepath.Join(dir, "log.vkey")
	_ = os.WriteFile(file, body, 0o644)
	_ = os.WriteFile(vfile, []byte(vkey+"\n"), 0o644)
	out, err := run(t, "receipt", "verify", file, "--vkey", vfile)
	if err != nil || !strings.Contains(out, "receipt valid") || !strings.Contains(out, "camera_model") {
		t.Fatalf("receipt verify: %v\n%s", err, out)
	}
	_ = os.WriteFile(file, []byte(strings.Replace(string(body), `\"match\":\"exact\"`, `\"match\":\"other\"`, 1)), 0o644)
	_, err = run(t, "receipt", "verify", file, "--vkey", vkey)
	wantExit3(t, err, "signature")
}

// createVerifiedModel registers a verified model directly in r's store.
func (r *registry) createVerifiedModel(t *testing.T, brand, number string) {
	t.Helper()
	verified := models.ModelVerified
	if _, err := r.st.CreateModel(t.Context(), models.System("test"),
		models.ModelInput{Brand: &brand, ModelNumber: &number, Status: &verified}); err != nil {
		t.Fatal(err)
	}
}

// receipt is r's answer to GET /v1/verify?QUERY&receipt=true, a 200.
func (r *registry) receipt(t *testing.T, query string) []byte {
	t.Helper()
	resp, err := http.Get(r.url + "/v1/verify?" + query + "&receipt=true")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("verify: %d %s", resp.StatusCode, body)
	}
	return body
}
