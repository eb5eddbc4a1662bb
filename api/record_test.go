package api

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader of
// the record would; without it the test is skipped, saying so.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed: cannot read the record's text")
	}
	path := filepath.Join(t.TempDir(), "record.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestInspectionRecordPDF(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		body := k.shelfBody()
		body["notes"] = "Cửa hàng xuất trình hóa đơn nhập khẩu số 0012345"
		body["items"] = append(body["items"].([]map[string]any), map[string]any{"model": "DS-2CD1023GOE-I", "brand": "Hikvision"})
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, body).want(http.StatusCreated).json()
		path := "/v1/inspections/" + insp["id"].(string) + "/record.pdf"

		r := e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK)
		if ct := r.Header().Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(r.Body.Bytes(), []byte("%PDF-")) {
			t.Fatalf("Content-Type %q, body starts %q", ct, r.Body.Bytes()[:min(8, r.Body.Len())])
		}
		text := pdfText(t, r.Body.Bytes())
		for _, want := range []string{
			"BIÊN BẢN KIỂM TRA", insp["number"].(string), "2026-03-01",
			"Chi cục Quản lý thị trường Đà Nẵng", "Cửa hàng Điện tử Đà Nẵng", "0314409058", "45 Lê Duẩn",
			"DS-2CD1023G0E-I", "IPC-HFW1230S-S5", "YS-NOPE-9", "YS-NOPE-9 WiFi 2MP",
			"Không đạt", "Cần lưu ý", "383/CATTT-NCSC", "Không có giấy chứng nhận hợp quy", "Không có trong cơ sở dữ liệu",
			"Chờ người kiểm tra xác nhận", "hóa đơn nhập khẩu", "ĐẠI DIỆN BÊN ĐƯỢC KIỂM TRA", "NGƯỜI KIỂM TRA", "(Ký, ghi rõ họ tên)",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the record lacks %q:\n%s", want, text)
			}
		}
		en := pdfText(t, e.do(http.MethodGet, path+"?lang=en", e.admin, nil).want(http.StatusOK).Body.Bytes())
		for _, want := range []string{"INSPECTION RECORD", "Tax code", "0314409058", "Non-compliant", "FOR THE INSPECTED TRADER", "Cửa hàng Điện tử Đà Nẵng"} {
			if !strings.Contains(en, want) {
				t.Errorf("the English record lacks %q:\n%s", want, en)
			}
		}

		// Only who may read the inspection may read its record.
		e.do(http.MethodGet, path, k.vendor, nil).want(http.StatusOK)
		e.do(http.MethodGet, path, k.authority, nil).want(http.StatusOK)
		e.do(http.MethodGet, path, k.otherVendor, nil).want(http.StatusNotFound).problemFields()
		e.do(http.MethodGet, path, k.procurement, nil).want(http.StatusForbidden).problemFields()
		e.do(http.MethodGet, path, k.certifier, nil).want(http.StatusForbidden).problemFields()
		e.do(http.MethodGet, path, "", nil).want(http.StatusUnauthorized).problemFields()
		e.do(http.MethodGet, path+"?lang=fr", k.inspector, nil).want(http.StatusUnprocessableEntity).problemFields()
		e.do(http.MethodGet, "/v1/inspections/01a24b6d-4244-728b-8bf5-20feb91ec281/record.pdf", k.inspector, nil).want(http.StatusNotFound)
	})
}

// TestInspectionRecordNamesTheCheckpoint: with a signing key, the record
// names the log's signed checkpoint (its size and fingerprint) that holds
// the inspection, as the permalink page does; without one it says nothing
// of the log.
func TestInspectionRecordNamesTheCheckpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		k := newInspectionKeys(t, e)
		insp := e.do(http.MethodPost, "/v1/inspections", k.inspector, k.shelfBody()).want(http.StatusCreated).json()
		path := "/v1/inspections/" + insp["id"].(string) + "/record.pdf"
		if text := pdfText(t, e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK).Body.Bytes()); strings.Contains(text, "Sổ thay đổi") {
			t.Fatalf("a registry without a signing key names a checkpoint:\n%s", text)
		}

		e.withLogKey(t)
		cp := e.do(http.MethodGet, "/v1/log/checkpoint", "", nil).want(http.StatusOK).Body.String()
		size := strings.Split(cp, "\n")[1]
		text := pdfText(t, e.do(http.MethodGet, path, k.inspector, nil).want(http.StatusOK).Body.Bytes())
		if !strings.Contains(text, "Sổ thay đổi kiểm chứng được: "+size+" sự kiện, dấu vân tay "+size+"@") {
			t.Fatalf("the record does not name the checkpoint of size %s:\n%s", size, text)
		}
		en := pdfText(t, e.do(http.MethodGet, path+"?lang=en", k.inspector, nil).want(http.StatusOK).Body.Bytes())
		if !strings.Contains(en, "Verifiable change log: "+size+" events, fingerprint "+size+"@") {
			t.Fatalf("the English record does not name the checkpoint:\n%s", en)
		}
	})
}
