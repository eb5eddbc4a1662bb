package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"camreg/models"
)

// documentsSample is the SHA-256 of the documents formatSample's records
// make, at DocumentFormat. When the documents change, the indexes built
// before must be rebuilt: change DocumentFormat, then this sum.
const documentsSample = "e5cda6d0e1eddf625be029fb022a1543a5581c3e2ff477adb2d3e002daa2ffd8"

// TestDocumentFormat fails when a change to the documents leaves
// DocumentFormat as it was (an index written before would go on answering
// from documents this build's queries no longer match, until someone
// thought of camreg reindex).
func TestDocumentFormat(t *testing.T) {
	tax, prov, provName, name := "0312345678", "79", "Hồ Chí Minh", "Camera trong nhà"
	holder := &models.Organization{Record: models.Record{ID: "org-1"}, Name: "Сửa hàng Вình Мinh (HKD)", TaxCode: &tax,
		Address: "46/2 Hai Bà Trưng, P. Tân Định, Q.1", ProvinceCode: &prov, ProvinceName: &provName}
	model := &models.Model{Record: models.Record{ID: "mod-1"}, Brand: "Hikvision", BrandKey: "hikvision",
		ModelNumber: "DS-2CD1023G0E-I (2.8mm)", ModelKey: "ds2cd1023g0ei28mm", Name: name, Kind: "IP"}
	day := models.NewDate(2026, time.December, 7)
	cert := &models.Certificate{Record: models.Record{ID: "cert-1"}, Number: "123/2026/QCVN135"}
	cert.Status.Status = models.CertValid
	cert.ExpiresOn = day
	warning := &models.Warning{Record: models.Record{ID: "warn-1"}, Reference: "CV 45/CATTT"}
	docs := []Document{ModelDocument(model, StatusCertified), OrganizationDocument(holder),
		CertificateDocument(cert, holder, day), WarningDocument(warning)}
	b, err := json.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != documentsSample {
		t.Errorf("the documents changed (sum %s, was %s): change DocumentFormat, so that indexes built before are rebuilt, then documentsSample", got, documentsSample)
	}
}
