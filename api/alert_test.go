package api

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"camreg/models"
	"camreg/webhook"
)

// alertStep runs the alert processor to the change log's head.
func (e *testEnv) alertStep() {
	e.t.Helper()
	for {
		r, err := e.store.AlertStep(e.t.Context(), 500)
		if err != nil {
			e.t.Fatalf("alert step: %v", err)
		}
		if r.Events == 0 {
			return
		}
	}
}

// webhookWithDelivery makes, for the organization, a fleet with a camera
// of a model of its own (u makes it unique), a webhook on it, and a
// delivery: a warning on the model, told by the alert processor.
func (e *testEnv) webhookWithDelivery(org, u string) map[string]string {
	e.t.Helper()
	fleet := e.create("fleets", map[string]any{"name": "Camera " + u, "org_id": org})
	model := e.create("models", map[string]any{"brand": "Vantech", "model_number": "VP-" + u, "status": "verified"})
	e.do("POST", "/v1/fleets/"+fleet+"/devices", e.admin, map[string]any{"brand": "Vantech", "model": "VP-" + u}).want(201)
	hook := e.do("POST", "/v1/webhooks", e.admin, map[string]any{"url": "https://93.184.215.14/camreg/" + u, "events": []string{"*"},
		"fleet_id": fleet}).want(201).str("id")
	e.alertStep()
	authority := e.create("organizations", map[string]any{"name": "Cục " + u, "kind": "authority"})
	e.create("warnings", map[string]any{"authority_org_id": authority, "reference": u + "/HOOK", "title": "t", "severity": "high",
		"issued_on": "2025-04-10", "measure": "ban", "affected": []map[string]any{{"camera_model_id": model}}})
	e.alertStep()
	items, _ := e.do("GET", "/v1/webhooks/"+hook+"/deliveries", e.admin, nil).want(200).json()["items"].([]any)
	if len(items) != 1 {
		e.t.Fatalf("the warning made %d deliveries, want 1", len(items))
	}
	return map[string]string{"{webhook}": hook, "{delivery}": items[0].(map[string]any)["id"].(string)}
}

// TestFleetAlertsVisibleAsTheFleet: a fleet's alerts, as a list and as
// both feeds, are read by its operator, admins and authorities; another
// operator gets 404, other roles 403, no key 401.
func TestFleetAlertsVisibleAsTheFleet(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		isp := e.create("organizations", map[string]any{"name": "Nhà mạng A", "kind": "operator"})
		rival := e.create("organizations", map[string]any{"name": "Nhà mạng B", "kind": "operator"})
		owner, other := e.key(models.RoleOperator, isp), e.key(models.RoleOperator, rival)
		fleet := e.do("POST", "/v1/fleets", owner, map[string]any{"name": "Thuê bao"}).want(201).str("id")
		device := e.do("POST", "/v1/fleets/"+fleet+"/devices", owner, map[string]any{"brand": "Hikvision", "model": "DS-2CD1023G0E-I",
			"quantity": 4, "external_id": "TB-1", "location": "Hải Châu"}).want(201).str("id")
		e.alertStep()
		authority := e.key(models.RoleAuthority, f.authority)
		e.do("POST", "/v1/warnings", authority, map[string]any{"authority_org_id": f.authority, "reference": "500/CATTT-TEST",
			"title": "Cấm", "severity": "critical", "issued_on": "2026-01-10", "measure": "ban",
			"affected": []map[string]any{{"camera_model_id": f.model}}}).want(201)
		e.alertStep()

		list := e.do("GET", "/v1/fleets/"+fleet+"/alerts", owner, nil).want(200)
		items, _ := list.json()["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("alerts: %s", list.Body.String())
		}
		a := items[0].(map[string]any)
		devices, _ := a["devices"].([]any)
		if a["type"] != models.AlertWarningIssued || a["subject_ref"] != "500/CATTT-TEST" || len(devices) != 1 ||
			devices[0].(map[string]any)["id"] != device || devices[0].(map[string]any)["external_id"] != "TB-1" {
			t.Fatalf("alert %v", a)
		}
		if w := list.json()["watching"].(map[string]any); w["devices"] != 1.0 || w["judged"] != 1.0 {
			t.Fatalf("watching %v", w)
		}
		feed := e.do("GET", "/v1/fleets/"+fleet+"/feed.json", owner, nil).want(200)
		checkJSONFeed11(t, feed.Body.Bytes())
		if !strings.HasPrefix(feed.Header().Get("Content-Type"), "application/feed+json") {
			t.Fatalf("feed.json is %s", feed.Header().Get("Content-Type"))
		}
		if items, _ := feed.json()["items"].([]any); len(items) != 1 || !strings.Contains(items[0].(map[string]any)["content_text"].(string), "TB-1") {
			t.Fatalf("feed.json %s", feed.Body.String())
		}
		atom := e.do("GET", "/v1/fleets/"+fleet+"/feed.atom", owner, nil).want(200)
		checkRFC4287(t, atom.Body.Bytes())
		var doc struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(atom.Body.Bytes(), &doc); err != nil || len(doc.Entries) != 1 || !strings.Contains(doc.Entries[0].Title, "500/CATTT-TEST") {
			t.Fatalf("feed.atom %v: %s", err, atom.Body.String())
		}
		procurement := e.key(models.RoleProcurement, "")
		vendor := e.key(models.RoleVendor, f.importer)
		for _, path := range []string{"/alerts", "/feed.json", "/feed.atom"} {
			p := "/v1/fleets/" + fleet + path
			e.do("GET", p, e.admin, nil).want(200)
			e.do("GET", p, authority, nil).want(200)
			if r := e.do("GET", p, other, nil).want(404); strings.Contains(r.Body.String(), "TB-1") {
				t.Fatalf("%s leaks to another operator: %s", p, r.Body.String())
			}
			e.do("GET", p, vendor, nil).want(403)
			e.do("GET", p, procurement, nil).want(403)
			e.do("GET", p, "", nil).want(401)
			e.do("GET", "/v1/fleets/0190a000-0000-7000-8000-00000000dead"+path, owner, nil).want(404)
		}
		e.do("GET", "/v1/fleets/"+fleet+"/feed.json?limit=0", owner, nil).want(422)
		e.do("GET", "/v1/fleets/"+fleet+"/feed.json?cursor=nope", owner, nil).want(422)
		e.do("GET", "/v1/fleets/"+fleet+"/alerts?since=1", owner, nil).want(422)
	})
}

// TestWebhookRegistration: only https URLs on public addresses (unless
// the server allows private ones), known events, the caller's own fleet;
// the secret is shown once.
func TestWebhookRegistration(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		isp := e.create("organizations", map[string]any{"name": "Nhà mạng A", "kind": "operator"})
		rival := e.create("organizations", map[string]any{"name": "Nhà mạng B", "kind": "operator"})
		owner, other := e.key(models.RoleOperator, isp), e.key(models.RoleOperator, rival)
		fleet := e.do("POST", "/v1/fleets", owner, map[string]any{"name": "Thuê bao"}).want(201).str("id")
		hook := func(url string, events ...string) map[string]any {
			return map[string]any{"url": url, "events": events, "fleet_id": fleet}
		}
		authority := e.key(models.RoleAuthority, f.authority)
		before := e.eventCount()
		for _, body := range []map[string]any{
			hook("http://93.184.215.14/camreg", "*"),
			hook("https://127.0.0.1/camreg", "*"),
			hook("https://10.0.0.8/camreg", "*"),
			hook("https://169.254.169.254/latest", "*"),
			hook("https://[::1]:8443/camreg", "*"),
			hook("https://localhost/camreg", "*"),
			hook("https://93.184.215.14/camreg", "warning.nope"),
			hook("https://93.184.215.14/camreg"),
			{"url": "https://93.184.215.14/camreg", "fleet_id": fleet},
			{"url": "https://93.184.215.14/camreg", "events": []string{"*"}},
		} {
			if r := e.do("POST", "/v1/webhooks", owner, body); r.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%v answered %d: %s", body, r.Code, r.Body.String())
			}
		}
		e.do("POST", "/v1/webhooks", owner, map[string]any{"url": "https://93.184.215.14/camreg", "events": []string{"*"}, "fleet_id": fleet, "secret": "mine"}).want(422)
		e.do("POST", "/v1/webhooks", other, hook("https://93.184.215.14/camreg", "*")).want(404)
		e.do("POST", "/v1/webhooks", authority, hook("https://93.184.215.14/camreg", "*")).want(403)
		e.do("POST", "/v1/webhooks", "", hook("https://93.184.215.14/camreg", "*")).want(401)
		if e.eventCount() != before {
			t.Fatal("a refused registration wrote to the change log")
		}

		r := e.do("POST", "/v1/webhooks", owner, hook("https://93.184.215.14/camreg", "warning.issued", "certificate.revoked"),
			IdempotencyKeyHeader, "hook-1").want(201)
		id, secret := r.str("id"), r.str("secret")
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Fatalf("secret %q", secret)
		}
		again := e.do("POST", "/v1/webhooks", owner, hook("https://93.184.215.14/camreg", "warning.issued", "certificate.revoked"),
			IdempotencyKeyHeader, "hook-1").want(201)
		if again.str("id") != id || again.str("secret") != "" {
			t.Fatalf("a replay answered %s", again.Body.String())
		}
		for _, body := range []string{e.do("GET", "/v1/webhooks/"+id, owner, nil).want(200).Body.String(),
			e.do("GET", "/v1/webhooks", owner, nil).want(200).Body.String(),
			e.do("GET", "/v1/audit?entity=webhook", e.admin, nil).want(200).Body.String()} {
			if strings.Contains(body, secret[len("whsec_"):]) || strings.Contains(body, `"secret"`) {
				t.Fatalf("the secret is shown again: %s", body)
			}
		}
		if list := e.do("GET", "/v1/webhooks", other, nil).want(200).Body.String(); strings.Contains(list, id) {
			t.Fatal("another operator lists the webhook")
		}
		e.do("GET", "/v1/webhooks/"+id, other, nil).want(404)
		e.do("GET", "/v1/webhooks/"+id+"/deliveries", other, nil).want(404)
		e.do("DELETE", "/v1/webhooks/"+id, other, nil).want(404)
		e.do("GET", "/v1/webhooks/"+id, e.admin, nil).want(200)

		// Under CAMREG_WEBHOOK_ALLOW_PRIVATE=1, a receiver on this machine.
		e.srv.webhooks = webhook.Policy{AllowPrivate: true}
		e.do("POST", "/v1/webhooks", owner, hook("http://127.0.0.1:9/camreg", "*")).want(201)
		e.do("DELETE", "/v1/webhooks/"+id, owner, nil).want(204)
		e.do("GET", "/v1/webhooks/"+id, owner, nil).want(404)
	})
}
