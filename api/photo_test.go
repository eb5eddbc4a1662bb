package api

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
)

// testImage encodes a small image as JPEG or PNG.
func testImage(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// post sends a raw body with a content type.
func (e *testEnv) post(path, key, contentType string, body []byte, headers ...string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return response{rec, e.t}
}

func TestManualFindingsAndPhotos(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		id := insp["id"].(string)
		photos := "/v1/inspections/" + id + "/photos"

		// Photos: sniffed, bounded, private.
		jpg := e.post(photos, k.inspector, "image/jpeg", testImage(t, "jpeg")).want(http.StatusCreated).json()
		if jpg["content_type"] != "image/jpeg" || jpg["url"] != "/v1/photos/"+jpg["id"].(string) {
			t.Errorf("photo %v", jpg)
		}
		// The client's Content-Type is not believed: a PNG sent as JPEG is a PNG.
		if p := e.post(photos, k.inspector, "image/jpeg", testImage(t, "png")).want(http.StatusCreated).json(); p["content_type"] != "image/png" {
			t.Errorf("sniffed %v", p["content_type"])
		}
		webp := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), make([]byte, 24)...)
		e.post(photos, k.inspector, "image/webp", webp).want(http.StatusCreated)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("photo", "label.jpg")
		fw.Write(testImage(t, "jpeg"))
		mw.Close()
		e.post(photos, k.inspector, mw.FormDataContentType(), form.Bytes()).want(http.StatusCreated)
		e.post(photos, k.inspector, "image/jpeg", []byte("<html><script>alert(1)</script></html>")).want(http.StatusUnprocessableEntity).problemFields()
		e.post(photos, k.inspector, "text/plain", testImage(t, "jpeg")).want(http.StatusUnsupportedMediaType).problemFields()
		big := append(testImage(t, "jpeg"), make([]byte, 5<<20)...)
		e.post(photos, k.inspector, "image/jpeg", big).want(http.StatusRequestEntityTooLarge).problemFields()
		for _, key := range []string{k.vendor, k.authority, k.procurement} {
			e.post(photos, key, "image/jpeg", testImage(t, "jpeg")).want(http.StatusForbidden).problemFields()
		}

		// A label marked not in the registry, with that photo (and not another inspection's).
		settle := e.do(http.MethodPost, "/v1/inspections", k.inspector, map[string]any{"trader_org_id": k.f.retailer, "inspected_on": "2026-03-01",
			"items": []map[string]any{{"model": "ZZ-NOPE-7"}}}).want(http.StatusCreated).str("id")
		e.do(http.MethodPost, "/v1/inspections/"+settle+"/items/0/resolve", k.inspector, map[string]any{"not_in_registry": true,
			"label_text": "ZZ-NOPE-7", "photo_ids": []string{jpg["id"].(string)}}).want(http.StatusUnprocessableEntity).problemFields()
		own := e.post("/v1/inspections/"+settle+"/photos", k.inspector, "image/jpeg", testImage(t, "jpeg")).want(http.StatusCreated).str("id")
		it := e.do(http.MethodPost, "/v1/inspections/"+settle+"/items/0/resolve", k.inspector, map[string]any{"not_in_registry": true,
			"label_text": "ZZ-NOPE-7", "photo_ids": []string{own}}).want(http.StatusOK).json()["items"].([]any)[0].(map[string]any)
		if ids := it["photo_ids"].([]any); len(ids) != 1 || ids[0] != own {
			t.Errorf("settled item's photos %v", it["photo_ids"])
		}
		if ids := e.do(http.MethodGet, "/v1/findings/"+it["finding_id"].(string), k.inspector, nil).want(http.StatusOK).json()["photo_ids"].([]any); len(ids) != 1 || ids[0] != own {
			t.Errorf("the unregistered finding's photos %v", ids)
		}

		// A manual finding with that photo.
		body := map[string]any{"violation": "no_vietnamese_label", "notes": "Hộp không có nhãn phụ tiếng Việt", "item_position": 0,
			"photo_ids": []string{jpg["id"].(string)}}
		r := e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.inspector, body, "Idempotency-Key", "manual-1").want(http.StatusCreated)
		f := r.json()
		if f["manual"] != true || f["violation"] != "no_vietnamese_label" || f["item_position"] != 0.0 || f["status"] != "open" ||
			f["trader_org_id"] != k.f.retailer || f["model"] != "DS-2CD1023G0E-I" || r.Header().Get("Location") != "/v1/findings/"+f["id"].(string) {
			t.Errorf("manual finding %v", f)
		}
		// Sent twice, recorded once.
		if again := e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.inspector, body, "Idempotency-Key", "manual-1").want(http.StatusCreated).json(); again["id"] != f["id"] {
			t.Error("a retried manual finding was recorded twice")
		}
		fid := f["id"].(string)
		// other needs its text; unknown codes and foreign photos are refused.
		for _, bad := range []map[string]any{{"violation": "other"}, {"violation": "dirty_shelf"},
			{"violation": "tampered_label", "item_position": 9}, {"violation": "tampered_label", "photo_ids": []string{"01a24b6d-4244-728b-8bf5-20feb91ec281"}}} {
			e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.inspector, bad).want(http.StatusUnprocessableEntity).problemFields()
		}
		other := e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.inspector, map[string]any{"violation": "other", "notes": "Tem bảo hành bị bóc"}).
			want(http.StatusCreated).json()
		if other["item_position"] != nil {
			t.Errorf("a finding about the visit names item %v", other["item_position"])
		}
		e.do(http.MethodPost, "/v1/inspections/"+id+"/findings", k.vendor, map[string]any{"violation": "other", "notes": "x"}).want(http.StatusForbidden)

		// A photo added to the finding itself; both are listed on it.
		e.post("/v1/findings/"+fid+"/photos", k.inspector, "image/png", testImage(t, "png")).want(http.StatusCreated)
		got := e.do(http.MethodGet, "/v1/findings/"+fid, k.vendor, nil).want(http.StatusOK).json()
		ids := got["photo_ids"].([]any)
		if len(ids) != 2 || ids[0] != jpg["id"] {
			t.Errorf("photo ids %v", ids)
		}
		// Confirm, then resolve, with reasons; the history keeps each step.
		e.do(http.MethodPatch, "/v1/findings/"+fid, k.inspector, map[string]any{"status": "confirmed", "note": "Lập biên bản"}).want(http.StatusOK)
		e.do(http.MethodPatch, "/v1/findings/"+fid, k.inspector, map[string]any{"status": "resolved", "note": "Đã dán nhãn phụ"}).want(http.StatusOK)
		if h := e.do(http.MethodGet, "/v1/findings/"+fid, k.inspector, nil).want(http.StatusOK).json()["history"].([]any); len(h) != 3 {
			t.Errorf("history %v", h)
		}

		// Photos are served to who may read the inspection, to no one else.
		url := "/v1/photos/" + jpg["id"].(string)
		for _, key := range []string{k.inspector, k.vendor, k.authority, e.admin} {
			p := e.do(http.MethodGet, url, key, nil).want(http.StatusOK)
			if p.Header().Get("Content-Type") != "image/jpeg" || !bytes.Equal(p.Body.Bytes(), testImage(t, "jpeg")) {
				t.Errorf("photo served as %q, %d bytes", p.Header().Get("Content-Type"), p.Body.Len())
			}
		}
		e.do(http.MethodGet, url, k.otherVendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, url, k.procurement, nil).want(http.StatusForbidden).problemFields()
		e.do(http.MethodGet, url, "", nil).want(http.StatusUnauthorized).problemFields()
	})
}
