package api

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"camreg/models"
)

// inspectionCount counts inspections and findings in the database.
func (e *testEnv) inspectionCount() (inspections, findings int) {
	e.t.Helper()
	db := e.store.DB()
	if err := db.QueryRow("SELECT COUNT(*) FROM inspections").Scan(&inspections); err != nil {
		e.t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM findings").Scan(&findings); err != nil {
		e.t.Fatal(err)
	}
	return
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		const key = "0193b6a4-7c1e-7d35-9a4e-2f1c8d5e6b7a"
		first := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", key).want(http.StatusCreated)
		// The answer is lost; the phone sends the same request again.
		again := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", `"`+key+`"`).want(http.StatusCreated)
		if again.Body.String() != first.Body.String() || again.Header().Get("Location") != first.Header().Get("Location") ||
			again.Header().Get("ETag") != first.Header().Get("ETag") || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay differs:\n%s %v\n%s %v", first.Body, first.Header(), again.Body, again.Header())
		}
		if n, f := e.inspectionCount(); n != 1 || f != 2 {
			t.Errorf("%d inspections and %d findings after a retry, want 1 and 2", n, f)
		}

		// The same key with another body is refused, and writes nothing.
		other := k.shelfBody()
		other["notes"] = "lần hai"
		before := e.eventCount()
		if fields := e.do(http.MethodPost, "/v1/inspections", k.inspector, other, "Idempotency-Key", key).want(http.StatusUnprocessableEntity); fields.json()["type"] != "/problems/idempotency-key-reused" {
			t.Errorf("reused key: %s", fields.Body)
		}
		if e.eventCount() != before {
			t.Error("a refused reuse wrote to the change log")
		}

		// Keys are scoped to the API key: another key's same key is its own.
		_, secret, err := e.store.CreateKey(t.Context(), models.System("test"), models.NewKeyInput{Role: models.RoleInspector, OrgID: k.office})
		if err != nil {
			t.Fatal(err)
		}
		if id := e.do(http.MethodPost, "/v1/inspections", secret, k.shelfBody(), "Idempotency-Key", key).want(http.StatusCreated).str("id"); id == first.str("id") {
			t.Error("another API key got the first key's answer")
		}

		// A refused request does not use up its key.
		bad := k.shelfBody()
		bad["trader_org_id"] = k.f.body
		e.do(http.MethodPost, "/v1/inspections", k.inspector, bad, "Idempotency-Key", "fix-and-retry").want(http.StatusUnprocessableEntity)
		e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", "fix-and-retry").want(http.StatusCreated)

		// Malformed keys.
		for _, h := range []string{"", `""`, "has space", string(make([]byte, 300))} {
			e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", h).want(http.StatusBadRequest).problemFields()
		}

		// Other creating POSTs replay too.
		org := map[string]any{"name": "Cửa hàng Camera Minh Khai", "kind": "retailer"}
		a := e.do(http.MethodPost, "/v1/organizations", e.admin, org, "Idempotency-Key", "org-1").want(http.StatusCreated)
		b := e.do(http.MethodPost, "/v1/organizations", e.admin, org, "Idempotency-Key", "org-1").want(http.StatusCreated)
		if a.str("id") != b.str("id") {
			t.Error("organization created twice under one key")
		}

		// After 24 hours the key is forgotten.
		e.store.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
		defer e.store.SetClock(time.Now)
		other["inspected_on"] = "2026-03-02"
		e.do(http.MethodPost, "/v1/inspections", k.inspector, other, "Idempotency-Key", key).want(http.StatusCreated)
	})
}

// A request still running answers its repeats 409; a request that
// committed but whose answer was never stored (the process stopped in
// between) is never carried out again.
func TestIdempotencyKeyInFlightAndLostAnswer(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		actor, err := e.store.Authenticate(t.Context(), k.inspector)
		if err != nil {
			t.Fatal(err)
		}
		body := k.shelfBody()

		// In flight: the key is claimed by a request that has not finished.
		claim := &models.IdempotencyKey{Scope: actor.KeyID, Key: "in-flight", Fingerprint: fingerprintOf(t, body)}
		if ans, err := e.store.ClaimIdempotencyKey(t.Context(), claim); err != nil || ans != nil {
			t.Fatalf("claim: %v %v", ans, err)
		}
		e.do(http.MethodPost, "/v1/inspections", k.inspector, body, "Idempotency-Key", "in-flight").want(http.StatusConflict).problemFields()

		// Committed, answer lost: the write marked the key in its own
		// transaction; then the process "died" before storing the answer.
		lost := &models.IdempotencyKey{Scope: actor.KeyID, Key: "lost", Fingerprint: claim.Fingerprint}
		if _, err := e.store.ClaimIdempotencyKey(t.Context(), lost); err != nil {
			t.Fatal(err)
		}
		in := inspectionRequest{}
		decodeInto(t, body, &in)
		if _, _, err := e.store.CreateInspection(models.WithIdempotencyKey(t.Context(), lost), actor, in.input()); err != nil {
			t.Fatal(err)
		}
		if !lost.Marked() {
			t.Fatal("the write did not mark its key")
		}
		r := e.do(http.MethodPost, "/v1/inspections", k.inspector, body, "Idempotency-Key", "lost").want(http.StatusConflict)
		if r.json()["type"] != "/problems/idempotency-key-done" {
			t.Errorf("lost answer retried: %s", r.Body)
		}
		// It says where the record is.
		var id string
		if err := e.store.DB().QueryRow("SELECT id FROM inspections").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if loc := r.Header().Get("Location"); loc != "/v1/inspections/"+id {
			t.Errorf("Location %q, want the inspection carried out", loc)
		}
		if n, f := e.inspectionCount(); n != 1 || f != 2 {
			t.Errorf("%d inspections and %d findings, want 1 and 2", n, f)
		}
	})
}

// Many copies of one request at once: one inspection, one set of findings.
func TestIdempotencyKeyConcurrentRepeats(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		var wg sync.WaitGroup
		codes := make([]int, 8)
		ids := make([]string, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A busy database answers 503 with Retry-After: a client
				// (the page's outbox) sends the same request again, with
				// the same key, as this one does.
				r := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", "burst")
				for try := 0; r.Code == http.StatusServiceUnavailable && try < 20; try++ {
					time.Sleep(100 * time.Millisecond)
					r = e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody(), "Idempotency-Key", "burst")
				}
				codes[i] = r.Code
				if r.Code == http.StatusCreated {
					ids[i] = r.str("id")
				}
			}()
		}
		wg.Wait()
		id := ""
		for i, c := range codes {
			switch c {
			case http.StatusConflict:
			case http.StatusCreated:
				if id != "" && ids[i] != id {
					t.Errorf("two inspections: %s and %s", id, ids[i])
				}
				id = ids[i]
			default:
				t.Errorf("status %d", c)
			}
		}
		if n, f := e.inspectionCount(); n != 1 || f != 2 {
			t.Errorf("%d inspections and %d findings, want 1 and 2 (codes %v)", n, f, codes)
		}
	})
}

// fingerprintOf is the fingerprint of a JSON POST of body to /v1/inspections.
func fingerprintOf(t *testing.T, body any) string {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return requestFingerprint(http.MethodPost, "/v1/inspections", "application/json", raw)
}

// decodeInto converts a body to a request type, as the handler would.
func decodeInto(t *testing.T, body, dst any) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		t.Fatal(err)
	}
}
