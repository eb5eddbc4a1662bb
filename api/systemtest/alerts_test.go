package systemtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"camreg/models"
)

// hookReceiver is a webhook endpoint on loopback: it checks every
// signature with the Standard Webhooks library, answers 500 to the first
// attempt of each message and 204 after, and remembers what it got.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	// tries counts the requests of each webhook-id; bodies keeps the
	// message of each.
	tries  map[string]int
	bodies map[string]map[string]any
	order  []string
	bad    []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{tries: map[string]int{}, bodies: map[string]map[string]any{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(r.secret)
		if err == nil {
			err = wh.Verify(body, req.Header)
		}
		if err != nil {
			r.bad = append(r.bad, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		id := req.Header.Get("webhook-id")
		r.tries[id]++
		if r.tries[id] == 1 {
			r.order = append(r.order, id)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		r.bodies[id] = m
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// delivered returns the messages received whole, in the order they were
// first tried.
func (r *hookReceiver) delivered() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, id := range r.order {
		if m := r.bodies[id]; m != nil {
			out = append(out, m)
		}
	}
	return out
}

// TestAlertsEndToEnd is issue #17's acceptance scenario on two `camreg
// serve` processes sharing one PostgreSQL database: an operator adds an
// inventory with an error, reads the report and registers a webhook on a
// receiver on loopback; an authority bans one of its models and later
// withdraws the ban. The receiver gets, per change, one message signed as
// the Standard Webhooks library verifies, first answered 500 and then
// retried once; never a second delivery of a change although both
// processes run the alert processor and the sender. The published list no
// longer holds the banned model from the warning's date.
func TestAlertsEndToEnd(t *testing.T) {
	d, adminKey := multiProcessDatabase(t)
	rcv := newHookReceiver(t)
	d = d.with("CAMREG_WEBHOOK_ALLOW_PRIVATE", "1", "CAMREG_WEBHOOK_RETRY_BASE", "300ms", "CAMREG_WEBHOOK_KEY", "e2e-key")
	a := startServer(t, "serve-a", d.with("CAMREG_DATA", t.TempDir()))
	b := startServer(t, "serve-b", d.with("CAMREG_DATA", t.TempDir()))
	admin := newClient(adminKey)
	create := func(c *client, srv *server, path string, body any) string {
		t.Helper()
		r := c.do("POST", srv.url+path, body)
		if r.status != http.StatusCreated {
			t.Fatalf("POST %s: %s", path, r)
		}
		return r.str("id")
	}
	authority := create(admin, a, "/v1/organizations", map[string]any{"name": "Cục An toàn thông tin", "kind": "authority"})
	body := create(admin, a, "/v1/organizations", map[string]any{"name": "Quatest 1", "kind": "certification_body"})
	holder := create(admin, a, "/v1/organizations", map[string]any{"name": "Công ty Nhập khẩu", "kind": "importer"})
	isp := create(admin, a, "/v1/organizations", map[string]any{"name": "Nhà mạng Sông Hàn", "kind": "operator"})
	banned := create(admin, a, "/v1/models", map[string]any{"brand": "Hikvision", "model_number": "DS-2CD1023G0E-I", "status": "verified"})
	kept := create(admin, a, "/v1/models", map[string]any{"brand": "Dahua", "model_number": "IPC-HFW1230S-S5", "status": "verified"})
	create(admin, a, "/v1/certificates", map[string]any{"number": "QCVN11-2026-0001", "standard_code": "QCVN 11:2026/BCA",
		"certification_body_org_id": body, "method": 1, "holder_org_id": holder, "issued_on": "2026-08-01", "expires_on": "2029-07-31",
		"models": []map[string]any{{"camera_model_id": banned}, {"camera_model_id": kept}}})
	keyOf := func(role, org string) string {
		out := d.mustRun(t, "keys", "create", "--role", role, "--org", org, "--name", role)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[len(lines)-1]
	}
	operator, officer := newClient(keyOf("operator", isp)), newClient(keyOf("authority", authority))

	// The operator's inventory: a row with an error first, refused whole.
	fleet := create(operator, a, "/v1/fleets", map[string]any{"name": "Camera thuê bao Đà Nẵng"})
	devices := "/v1/fleets/" + fleet + "/devices"
	items := []map[string]any{
		{"brand": "Hikvision", "model": "DS-2CD1023G0E-I", "quantity": 120, "location": "Hải Châu", "external_id": "HC-120"},
		{"brand": "Dahua", "model": "IPC-HFW1230S-S5", "quantity": 40, "location": "Thanh Khê"},
		{"model": "ZZ-NOPE-1", "quantity": 0}}
	if r := operator.do("POST", b.url+devices, map[string]any{"items": items}); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "items[2].quantity") {
		t.Fatalf("an inventory with an error: %s", r)
	}
	items[2]["quantity"] = 3
	if r := operator.do("POST", b.url+devices, map[string]any{"items": items}); r.status != http.StatusCreated {
		t.Fatalf("the inventory: %s", r)
	}
	report := operator.do("GET", a.url+"/v1/fleets/"+fleet+"/report", nil)
	if report.status != 200 || !strings.Contains(string(report.body), "ZZ-NOPE-1") {
		t.Fatalf("report: %s", report)
	}
	hook := operator.do("POST", b.url+"/v1/webhooks", map[string]any{"url": rcv.srv.URL + "/camreg", "events": []string{"*"}, "fleet_id": fleet})
	if hook.status != http.StatusCreated || !strings.HasPrefix(hook.str("secret"), "whsec_") {
		t.Fatalf("webhook: %s", hook)
	}
	rcv.mu.Lock()
	rcv.secret = hook.str("secret")
	rcv.mu.Unlock()
	waitFor(t, 60*time.Second, "the devices judged", func() bool {
		w, _ := operator.do("GET", a.url+"/v1/fleets/"+fleet+"/alerts", nil).json()["watching"].(map[string]any)
		return w != nil && w["devices"] == 3.0 && w["judged"] == 3.0
	})

	// The authority bans one model, dated today.
	today := time.Now().In(models.Zone).Format("2006-01-02")
	warning := create(officer, a, "/v1/warnings", map[string]any{"authority_org_id": authority, "reference": "383/CATTT-NCSC",
		"title": "Lỗ hổng nghiêm trọng", "severity": "critical", "issued_on": today, "measure": "ban",
		"affected": []map[string]any{{"camera_model_id": banned}}})
	waitFor(t, 90*time.Second, "the ban delivered", func() bool { return len(rcv.delivered()) == 1 })

	list := newClient("").do("GET", a.url+"/v1/compliant-models?limit=500&at="+today, nil)
	if list.status != 200 || strings.Contains(string(list.body), banned) || !strings.Contains(string(list.body), kept) {
		t.Fatalf("the list on %s still holds the banned model, or lost the other: %s", today, list)
	}

	// Withdrawn: the second change, its own delivery.
	if r := officer.do("PATCH", b.url+"/v1/warnings/"+warning, map[string]any{"status": "withdrawn", "status_reason": "nhầm mẫu"}); r.status != 200 {
		t.Fatalf("withdraw: %s", r)
	}
	waitFor(t, 90*time.Second, "the withdrawal delivered", func() bool { return len(rcv.delivered()) == 2 })
	// Time for a double to show: both processes poll every second.
	time.Sleep(5 * time.Second)

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 {
		t.Fatalf("requests failed the signature check: %v", rcv.bad)
	}
	if len(rcv.order) != 2 {
		t.Fatalf("the receiver got %d messages for 2 changes: %v", len(rcv.order), rcv.tries)
	}
	for id, n := range rcv.tries {
		if n != 2 {
			t.Fatalf("message %s came %d times, want 2 (the 500, then its one retry)", id, n)
		}
	}
	first, second := rcv.bodies[rcv.order[0]], rcv.bodies[rcv.order[1]]
	check := func(m map[string]any, typ, before, after string) {
		t.Helper()
		data, _ := m["data"].(map[string]any)
		devs, _ := data["devices"].([]any)
		if m["type"] != typ || data["subject_ref"] != "383/CATTT-NCSC" || len(devs) != 1 || data["cameras_total"] != 120.0 {
			t.Fatalf("%s message: %v", typ, m)
		}
		dev := devs[0].(map[string]any)
		if dev["external_id"] != "HC-120" || dev["location"] != "Hải Châu" || dev["verdict_before"] != before || dev["verdict_after"] != after {
			t.Fatalf("%s device: %v", typ, dev)
		}
	}
	check(first, models.AlertWarningIssued, models.VerdictCompliant, models.VerdictNonCompliant)
	check(second, models.AlertWarningWithdrawn, models.VerdictNonCompliant, models.VerdictCompliant)

	// The delivery log, read through the other process.
	log := operator.do("GET", a.url+"/v1/webhooks/"+hook.str("id")+"/deliveries", nil).json()
	ds, _ := log["items"].([]any)
	if len(ds) != 2 {
		t.Fatalf("deliveries: %v", log)
	}
	for _, x := range ds {
		dl := x.(map[string]any)
		attempts, _ := dl["attempt_log"].([]any)
		if dl["status"] != models.DeliveryDelivered || dl["attempts"] != 2.0 || len(attempts) != 2 ||
			attempts[0].(map[string]any)["status_code"] != 500.0 || attempts[1].(map[string]any)["status_code"] != 204.0 {
			t.Fatalf("delivery %v", dl)
		}
	}
	alerts, _ := operator.do("GET", b.url+"/v1/fleets/"+fleet+"/alerts", nil).json()["items"].([]any)
	if len(alerts) != 2 {
		t.Fatalf("%d alerts, want 2", len(alerts))
	}
	// The deliveries in /metrics: between them, the two processes made
	// two retried attempts and two delivered ones.
	counted := 0.0
	for _, srv := range []*server{a, b} {
		m := newClient("").do("GET", srv.url+"/metrics", nil)
		for _, line := range strings.Split(string(m.body), "\n") {
			var n float64
			if strings.HasPrefix(line, "camreg_webhook_attempts_total{") {
				if _, err := fmt.Sscan(line[strings.LastIndex(line, " ")+1:], &n); err == nil {
					counted += n
				}
			}
		}
		if !strings.Contains(string(m.body), "camreg_webhook_pending_deliveries 0") {
			t.Fatalf("%s /metrics: no pending_deliveries 0", srv.name)
		}
	}
	if counted != 4 {
		t.Fatalf("camreg_webhook_attempts_total sums to %v over both processes, want 4", counted)
	}
}

// waitFor polls cond until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
