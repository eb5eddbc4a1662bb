package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/webhook"
)

func TestCheckURL(t *testing.T) {
	strict := webhook.Policy{}
	for _, tc := range []struct {
		url, refusal string
	}{
		{"http://93.184.215.14/camreg", "https"},
		{"ftp://93.184.215.14/camreg", "https"},
		{"/camreg", "absolute"},
		{"https://127.0.0.1/camreg", "not a public address"},
		{"https://10.1.2.3/camreg", "not a public address"},
		{"https://192.168.1.10:8443/camreg", "not a public address"},
		{"https://169.254.169.254/latest/meta-data", "not a public address"},
		{"https://100.64.0.1/camreg", "not a public address"},
		{"https://[::1]/camreg", "not a public address"},
		{"https://[fd00::1]/camreg", "not a public address"},
		{"https://[::ffff:127.0.0.1]/camreg", "not a public address"},
		{"https://0.0.0.0/camreg", "not a public address"},
		// IPv6 forms that carry an IPv4 or reach no public host: the
		// audit of 2026-12-07 registered the first three.
		{"https://[::127.0.0.1]/camreg", "not a public address"},
		{"https://[::ffff:0:127.0.0.1]/camreg", "not a public address"},
		{"https://[100::1]/camreg", "not a public address"},
		{"https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/camreg", "not a public address"},
		{"https://[fec0::1]/camreg", "not a public address"},
		{"https://[3fff::1]/camreg", "not a public address"},
		{"https://192.88.99.1/camreg", "not a public address"},
		{"https://localhost/camreg", "not a public name"},
		{"https://router.local/camreg", "not a public name"},
		{"https://user:pw@93.184.215.14/camreg", "user name"},
		{"https://93.184.215.14/camreg", ""},
		{"https://[2606:2800:220:1:248:1893:25c8:1946]/camreg", ""},
	} {
		err := strict.CheckURL(t.Context(), tc.url)
		switch {
		case tc.refusal == "" && err != nil:
			t.Errorf("%s refused: %v", tc.url, err)
		case tc.refusal != "" && (err == nil || !strings.Contains(err.Error(), tc.refusal)):
			t.Errorf("%s: %v, want a refusal saying %q", tc.url, err, tc.refusal)
		}
	}
	open := webhook.Policy{AllowPrivate: true}
	for _, u := range []string{"http://127.0.0.1:9999/hook", "https://10.0.0.1/hook"} {
		if err := open.CheckURL(t.Context(), u); err != nil {
			t.Errorf("under AllowPrivate, %s refused: %v", u, err)
		}
	}
}

// TestClientChecksTheDialedAddress: the address is checked when the
// connection is made, so a name that resolved to a public address at
// registration and to a private one now (DNS rebinding) reaches nothing.
func TestClientChecksTheDialedAddress(t *testing.T) {
	var hit atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hit.Add(1) }))
	defer srv.Close()
	resp, err := webhook.Policy{}.Client().Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the strict client reached a loopback address")
	}
	if !strings.Contains(err.Error(), "not public") || hit.Load() != 0 {
		t.Fatalf("err %v, %d requests reached the server", err, hit.Load())
	}
}

func TestClientFollowsNoRedirect(t *testing.T) {
	var target atomic.Int32
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { target.Add(1) }))
	defer dst.Close()
	src := httptest.NewServer(http.RedirectHandler(dst.URL+"/internal", http.StatusTemporaryRedirect))
	defer src.Close()
	resp, err := webhook.Policy{AllowPrivate: true}.Client().Post(src.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || target.Load() != 0 {
		t.Fatalf("answer %d, the redirect's target got %d requests", resp.StatusCode, target.Load())
	}
}

// receiver is a webhook endpoint that checks every signature with the
// Standard Webhooks library and answers from a script of statuses.
type receiver struct {
	t        *testing.T
	srv      *httptest.Server
	secret   string
	mu       sync.Mutex
	statuses []int
	got      []webhook.Message
	ids      []string
	bad      int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{t: t, statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(r.secret)
		if err != nil || wh.Verify(body, req.Header) != nil {
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		// And by hand, as the specification says, as a receiver written
		// without the library would.
		if err := specVerify(r.secret, req.Header, body, time.Now()); err != nil {
			r.t.Errorf("a delivery fails the specification's check: %v", err)
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m webhook.Message
		_ = json.Unmarshal(body, &m)
		r.got = append(r.got, m)
		r.ids = append(r.ids, req.Header.Get("webhook-id"))
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) count() (good, bad int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got), r.bad
}

var admin = models.System("test")

func ptr[T any](v T) *T { return &v }

// TestSenderSignsRetriesAndLeases: a delivery is signed so that the
// library verifies it, retried after the receiver's 500, never sent twice
// by two senders at once, and logged attempt by attempt; a redirect is
// not followed.
func TestSenderSignsRetriesAndLeases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		st.SetClock(func() time.Time { return time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC) })
		org := func(name, kind string) string {
			o, err := st.CreateOrganization(ctx, admin, models.OrganizationInput{Name: ptr(name), Kind: ptr(kind)})
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		isp, authority := org("Nhà mạng A", models.OrgOperator), org("Cục ATTT", models.OrgAuthority)
		m, err := st.CreateModel(ctx, admin, models.ModelInput{Brand: ptr("Hikvision"), ModelNumber: ptr("DS-2CD1023G0E-I"), Status: ptr(models.ModelVerified)})
		if err != nil {
			t.Fatal(err)
		}
		f, err := st.CreateFleet(ctx, admin, models.FleetInput{OrgID: &isp, Name: ptr("Thuê bao")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddFleetDevices(ctx, admin, f.ID, []models.DeviceInput{{Model: ptr("DS-2CD1023G0E-I"), ExternalID: ptr("TB-7")}}, false); err != nil {
			t.Fatal(err)
		}
		rcv := newReceiver(t, http.StatusInternalServerError, http.StatusOK)
		policy := webhook.Policy{AllowPrivate: true}
		hook, secret, err := st.CreateWebhook(ctx, admin, models.WebhookInput{URL: ptr(rcv.srv.URL + "/camreg"), Events: []string{"*"}, FleetID: &f.ID}, policy.CheckURL)
		if err != nil {
			t.Fatal(err)
		}
		rcv.secret = secret
		moved := httptest.NewServer(http.RedirectHandler("http://127.0.0.1:1/elsewhere", http.StatusFound))
		defer moved.Close()
		redirected, _, err := st.CreateWebhook(ctx, admin, models.WebhookInput{URL: ptr(moved.URL), Events: []string{models.AlertWarningIssued}, FleetID: &f.ID}, policy.CheckURL)
		if err != nil {
			t.Fatal(err)
		}
		step := func() models.AlertResult {
			r, err := st.AlertStep(ctx, 500)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		step()
		if _, err := st.CreateWarning(ctx, admin, models.WarningInput{AuthorityOrgID: &authority, Reference: ptr("383/CATTT-NCSC"),
			Title: ptr("Lỗ hổng"), Severity: ptr("critical"), IssuedOn: ptr("2026-03-01"), Measure: ptr("ban"),
			Affected: &[]models.AffectedModelInput{{CameraModelID: m.ID}}}); err != nil {
			t.Fatal(err)
		}
		if r := step(); r.Alerts != 1 || r.Deliveries != 2 {
			t.Fatalf("the ban made %d alerts and %d deliveries, want 1 and 2", r.Alerts, r.Deliveries)
		}
		// Two senders at once: each attempt goes out once.
		senders := []*webhook.Sender{
			{Store: st, Client: policy.Client(), Owner: "a", RetryBase: time.Millisecond},
			{Store: st, Client: policy.Client(), Owner: "b", RetryBase: time.Millisecond},
		}
		var wg sync.WaitGroup
		for _, s := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.SendDue(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if good, bad := rcv.count(); good != 1 || bad != 0 {
			t.Fatalf("after the first round the receiver got %d signed and %d unsigned requests, want 1 and 0", good, bad)
		}
		// The retry, after the backoff.
		deadline := time.Now().Add(10 * time.Second)
		for {
			good, _ := rcv.count()
			if good == 2 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
			st.SetClock(time.Now) // the backoff runs on the store's clock
			if _, err := senders[0].SendDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if good, bad := rcv.count(); good != 2 || bad != 0 {
			t.Fatalf("the receiver got %d signed and %d unsigned requests, want 2 (the first answered 500)", good, bad)
		}
		if rcv.ids[0] != rcv.ids[1] {
			t.Fatalf("a retry has another webhook-id: %v", rcv.ids)
		}
		msg := rcv.got[1]
		if msg.Type != models.AlertWarningIssued || msg.Data.SubjectRef != "383/CATTT-NCSC" || len(msg.Data.Devices) != 1 ||
			msg.Data.Devices[0].ExternalID != "TB-7" || msg.Data.Devices[0].VerdictAfter != models.VerdictNonCompliant {
			t.Fatalf("message %+v", msg)
		}
		page, err := st.WebhookDeliveries(ctx, admin, hook.ID, models.PageRequest{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("deliveries %v %v", page.Items, err)
		}
		d := page.Items[0]
		if d.Status != models.DeliveryDelivered || d.Attempts != 2 || len(d.AttemptLog) != 2 ||
			d.AttemptLog[0].StatusCode != 500 || d.AttemptLog[1].StatusCode != 200 {
			t.Fatalf("delivery %+v", d)
		}
		page, err = st.WebhookDeliveries(ctx, admin, redirected.ID, models.PageRequest{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("deliveries %v %v", page.Items, err)
		}
		if d := page.Items[0]; d.LastStatusCode != http.StatusFound || !strings.Contains(d.LastError, "redirect") || d.Status != models.DeliveryPending {
			t.Fatalf("redirected delivery %+v", d)
		}
		// A re-send of the delivered one sends it again.
		if _, err := st.ResendDelivery(ctx, admin, hook.ID, page.Items[0].ID); err == nil {
			t.Fatal("a delivery of another webhook was re-sent")
		}
		own, _ := st.WebhookDeliveries(ctx, admin, hook.ID, models.PageRequest{})
		if _, err := st.ResendDelivery(ctx, admin, hook.ID, own.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := senders[1].SendDue(context.WithoutCancel(ctx)); err != nil {
			t.Fatal(err)
		}
		if good, _ := rcv.count(); good != 3 {
			t.Fatalf("a re-send reached the receiver %d times in all, want 3", good)
		}
	})
}
