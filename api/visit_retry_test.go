package api

import (
	"net/http"
	"testing"

	"camreg/models"
)

// A finding's move sent again after its answer was lost (the phone's
// retry, with the same Idempotency-Key) replays the first answer: one
// step in the history, and a 200 the page shows as done, where a plain
// repeat is a 409 (the move is no longer allowed).
func TestFindingMoveIdempotencyKey(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		var fid string
		for _, it := range insp["items"].([]any) {
			if id, _ := it.(map[string]any)["finding_id"].(string); id != "" {
				fid = id
				break
			}
		}
		if fid == "" {
			t.Fatalf("no finding raised: %v", insp)
		}
		path := "/v1/findings/" + fid
		move := map[string]any{"status": "confirmed", "note": "Lập biên bản 12/BB-QLTT"}
		first := e.do(http.MethodPatch, path, k.inspector, move, "Idempotency-Key", "move-1").want(http.StatusOK)
		again := e.do(http.MethodPatch, path, k.inspector, move, "Idempotency-Key", "move-1").want(http.StatusOK)
		if again.Body.String() != first.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" ||
			again.Header().Get("ETag") != first.Header().Get("ETag") {
			t.Errorf("replay differs:\n%s %v\n%s %v", first.Body, first.Header(), again.Body, again.Header())
		}
		if h := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK).json()["history"].([]any); len(h) != 2 {
			t.Errorf("history after a retried move has %d steps, want 2 (raised, confirmed): %v", len(h), h)
		}
		// Without the key, the same move again is refused by the lifecycle.
		e.do(http.MethodPatch, path, k.inspector, move).want(http.StatusConflict).problemFields()
		// The key with another change is a 422 and changes nothing.
		before := e.eventCount()
		r := e.do(http.MethodPatch, path, k.inspector, map[string]any{"status": "dismissed", "note": "nhầm"}, "Idempotency-Key", "move-1").
			want(http.StatusUnprocessableEntity)
		if r.json()["type"] != "/problems/idempotency-key-reused" || e.eventCount() != before {
			t.Errorf("reused key: %s, %d events", r.Body, e.eventCount()-before)
		}
		// A refused move (412 on a stale If-Match) does not use up its key.
		resolve := map[string]any{"status": "resolved", "note": "Đã bổ sung chứng nhận"}
		e.do(http.MethodPatch, path, k.inspector, resolve, "Idempotency-Key", "move-2", "If-Match", `"1"`).want(http.StatusPreconditionFailed)
		e.do(http.MethodPatch, path, k.inspector, resolve, "Idempotency-Key", "move-2").want(http.StatusOK)
		if got := e.do(http.MethodPatch, path, k.inspector, resolve, "Idempotency-Key", "move-2").want(http.StatusOK); got.str("status") != "resolved" {
			t.Errorf("replayed resolve: %s", got.Body)
		}
		// Only those who may move findings reach the key at all.
		e.do(http.MethodPatch, path, k.vendor, move, "Idempotency-Key", "move-1").want(http.StatusForbidden).problemFields()
		// Settling an item is a retried write too: sent twice, settled once.
		settle := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{{"model": "ZZ-NOPE-7"}}}).want(http.StatusCreated).str("id")
		body := map[string]any{"not_in_registry": true, "label_text": "ZZ-NOPE-7"}
		a := e.do(http.MethodPost, "/v1/inspections/"+settle+"/items/0/resolve", k.inspector, body, "Idempotency-Key", "settle-1").want(http.StatusOK)
		b := e.do(http.MethodPost, "/v1/inspections/"+settle+"/items/0/resolve", k.inspector, body, "Idempotency-Key", "settle-1").want(http.StatusOK)
		if a.Body.String() != b.Body.String() {
			t.Errorf("settling replayed another answer")
		}
		if n := len(e.do(http.MethodGet, "/v1/findings?inspection="+settle, k.inspector, nil).want(http.StatusOK).json()["items"].([]any)); n != 1 {
			t.Errorf("%d findings after a retried settle, want 1", n)
		}
	})
}

// A retried upload to POST /v1/imports with the same Idempotency-Key gets
// the first job, not a second one, although its multipart boundary is new.
func TestImportIdempotencyKey(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		orgs := []byte("Mã số thuế;Tên doanh nghiệp;Loại hình;Tỉnh/Thành phố\n0100047516;Công ty TNHH Camera Tây Hồ;retailer;Hà Nội\n")
		fields := map[string]string{"entity": "organizations"}
		first := e.upload(e.admin, fields, "orgs.csv", orgs, "Idempotency-Key", "upload-1").want(http.StatusAccepted)
		again := e.upload(e.admin, fields, "orgs.csv", orgs, "Idempotency-Key", "upload-1").want(http.StatusAccepted)
		if first.str("id") == "" || again.str("id") != first.str("id") || again.Header().Get("Location") != first.Header().Get("Location") ||
			again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retried upload: %s %v / %s %v", first.Body, first.Header(), again.Body, again.Header())
		}
		if j := e.waitJob(e.admin, first.Header().Get("Location")); j.Status != models.JobSucceeded || j.Created != 1 {
			t.Errorf("job %+v", j)
		}
		var jobs int
		if err := e.store.DB().QueryRow("SELECT COUNT(*) FROM import_jobs").Scan(&jobs); err != nil {
			t.Fatal(err)
		}
		if jobs != 1 {
			t.Errorf("%d import jobs after a retried upload, want 1", jobs)
		}
		// Another file, or other fields, under the same key: 422, no job.
		e.upload(e.admin, fields, "orgs.csv", append(orgs, "0100233489;Khác;retailer;Hà Nội\n"...), "Idempotency-Key", "upload-1").
			want(http.StatusUnprocessableEntity).problemFields()
		e.upload(e.admin, map[string]string{"entity": "organizations", "dry_run": "true"}, "orgs.csv", orgs, "Idempotency-Key", "upload-1").
			want(http.StatusUnprocessableEntity).problemFields()
		// A bad key is refused before the upload is read; an invalid upload
		// does not use up its key.
		e.upload(e.admin, fields, "orgs.csv", orgs, "Idempotency-Key", "has space").want(http.StatusBadRequest).problemFields()
		e.upload(e.admin, map[string]string{}, "orgs.csv", orgs, "Idempotency-Key", "upload-2").want(http.StatusUnprocessableEntity).problemFields()
		second := e.upload(e.admin, map[string]string{"entity": "organizations", "dry_run": "true"}, "orgs.csv", orgs, "Idempotency-Key", "upload-2").
			want(http.StatusAccepted)
		// Keys are scoped to the API key: a vendor's upload-1 is its own.
		vendor := e.key(models.RoleVendor, e.fixture().retailer)
		listings := []byte("Hãng;Model;Kênh;URL\nHikvision;DS-2CD1023G0E-I;online;https://shopee.vn/a\n")
		own := e.upload(vendor, map[string]string{"entity": "listings"}, "l.csv", listings, "Idempotency-Key", "upload-1").want(http.StatusAccepted)
		if own.str("id") == first.str("id") || own.str("id") == second.str("id") {
			t.Error("another API key got the admin's job")
		}
		e.waitJob(e.admin, second.Header().Get("Location"))
		e.waitJob(vendor, own.Header().Get("Location"))
	})
}

// The photos of an inspection are listed (the visit's own, and its
// findings') to those who may read the inspection, and to no one else:
// another organization's vendor gets 404, roles that read no trader
// records 403, the public 401.
func TestInspectionPhotosList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		id := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).str("id")
		base := "/v1/inspections/" + id + "/photos"
		if n := len(e.do(http.MethodGet, base, k.inspector, nil).want(http.StatusOK).json()["items"].([]any)); n != 0 {
			t.Errorf("a new inspection lists %d photos", n)
		}
		visit := e.post(base, k.inspector, "image/jpeg", testImage(t, "jpeg")).want(http.StatusCreated).str("id")
		f := e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.inspector, map[string]any{"violation": "other", "notes": "Tem bị bóc"}).
			want(http.StatusCreated).str("id")
		onFinding := e.post("/v1/findings/"+f+"/photos", k.inspector, "image/png", testImage(t, "png")).want(http.StatusCreated).str("id")
		// Another inspection's photo is not listed here.
		other := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).str("id")
		e.post("/v1/inspections/"+other+"/photos", k.inspector, "image/jpeg", testImage(t, "jpeg")).want(http.StatusCreated)

		for _, key := range []string{k.inspector, k.vendor, k.authority, e.admin} {
			r := e.do(http.MethodGet, base, key, nil).want(http.StatusOK)
			items := r.json()["items"].([]any)
			if len(items) != 2 {
				t.Fatalf("listed %d photos, want 2: %s", len(items), r.Body)
			}
			p0, p1 := items[0].(map[string]any), items[1].(map[string]any)
			if p0["id"] != visit || p0["finding_id"] != nil || p0["url"] != "/v1/photos/"+visit || p0["content_type"] != "image/jpeg" ||
				p1["id"] != onFinding || p1["finding_id"] != f || p1["inspection_id"] != id {
				t.Errorf("photos %v", items)
			}
			if _, leaked := p0["data"]; leaked || r.Header().Get("Cache-Control") != "private, no-store" {
				t.Errorf("list leaks bytes or is cacheable: %s %v", r.Body, r.Header())
			}
		}
		e.do(http.MethodGet, base, k.otherVendor, nil).want(http.StatusNotFound).problemFields()
		for _, key := range []string{k.procurement, k.certifier} {
			e.do(http.MethodGet, base, key, nil).want(http.StatusForbidden).problemFields()
		}
		e.do(http.MethodGet, base, "", nil).want(http.StatusUnauthorized).problemFields()
		e.do(http.MethodGet, "/v1/inspections/0190a000-0000-7000-8000-00000000dead/photos", k.inspector, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, "/v1/inspections/not-an-id/photos", k.inspector, nil).want(http.StatusNotFound)
	})
}
