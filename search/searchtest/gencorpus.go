package searchtest

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"camreg/fold"
	"camreg/models"
	"camreg/search"
)

// LoadGenCorpus reads the dataset that `camreg gen` writes (its
// organizations, models, certificates and warnings files, in `camreg
// export`'s CSV format) as a corpus, for distractors at national scale:
// CAMREG_RELEVANCE_DISTRACTORS may name such a directory as well as a
// corpusgen JSON file. Records get ids by file and row ("go12", "gm7"):
// the files refer to each other by natural keys (tax code, model number),
// which are resolved here.
func LoadGenCorpus(dir string) (*Corpus, error) {
	c := &Corpus{}
	orgByTax, orgByName := map[string]string{}, map[string]string{}
	err := eachRow(filepath.Join(dir, "organizations.csv"), func(i int, r map[string]string) {
		o := CorpusOrganization{ID: "go" + strconv.Itoa(i), Name: r["name"], Kind: r["kind"], Address: r["address"],
			TaxCode: r["tax_code"]}
		if p := models.LookupProvince(r["province"]); p != nil {
			o.ProvinceCode, o.ProvinceName = p.Code, p.Name
		}
		if o.TaxCode != "" {
			orgByTax[o.TaxCode] = o.ID
		}
		orgByName[o.Name] = o.ID
		c.Organizations = append(c.Organizations, o)
	})
	if err != nil {
		return nil, err
	}
	modelByKey := map[string]string{}
	err = eachRow(filepath.Join(dir, "models.csv"), func(i int, r map[string]string) {
		if r["status"] != "" && r["status"] != models.ModelVerified {
			return // pending registrations are never searchable
		}
		m := CorpusModel{ID: "gm" + strconv.Itoa(i), Brand: r["brand"], ModelNumber: r["model_number"], Name: r["name"], Kind: r["kind"]}
		modelByKey[fold.Key(m.Brand)+"/"+fold.Key(m.ModelNumber)] = m.ID
		c.Models = append(c.Models, m)
	})
	if err != nil {
		return nil, err
	}
	refs := func(list, brand string) []string {
		var ids []string
		for _, part := range strings.Split(list, ";") {
			number, _, _ := strings.Cut(part, "|")
			if id := modelByKey[fold.Key(brand)+"/"+fold.Key(number)]; id != "" {
				ids = append(ids, id)
			}
		}
		return ids
	}
	err = eachRow(filepath.Join(dir, "certificates.csv"), func(i int, r map[string]string) {
		holder := orgByTax[r["holder"]]
		if holder == "" {
			holder = orgByName[r["holder"]]
		}
		if r["status"] == models.CertPending || r["status"] == models.CertRejected || holder == "" {
			return // submissions are never searchable
		}
		c.Certificates = append(c.Certificates, CorpusCertificate{ID: "gc" + strconv.Itoa(i), Number: r["number"],
			HolderID: holder, Status: r["status"], IssuedOn: r["issued_on"], ExpiresOn: r["expires_on"],
			ModelIDs: refs(r["models"], r["brand"])})
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(filepath.Join(dir, "warnings.csv"), func(i int, r map[string]string) {
		var cves []string
		for _, cve := range strings.Split(r["cve_ids"], ";") {
			if cve = strings.TrimSpace(cve); cve != "" {
				cves = append(cves, cve)
			}
		}
		c.Warnings = append(c.Warnings, CorpusWarning{ID: "gw" + strconv.Itoa(i), Reference: r["reference"], Title: r["title"],
			Summary: r["summary"], CVEIDs: cves, ModelIDs: refs(r["affected"], r["brand"]), Status: r["status"]})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// eachRow calls fn with each row of a CSV file with a header, by column.
func eachRow(path string, fn func(i int, row map[string]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		row := make(map[string]string, len(header))
		for j, h := range header {
			if j < len(rec) {
				row[h] = strings.TrimSpace(rec[j])
			}
		}
		fn(i, row)
	}
}

// loadDistractors reads CAMREG_RELEVANCE_DISTRACTORS: a `camreg gen`
// directory or a corpusgen JSON file.
func loadDistractors(path string) (*Corpus, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return LoadGenCorpus(path)
	}
	return LoadCorpus(path)
}

// ShopTypoOf says whether the typed shop name q is the folded name with
// one word one edit away (a transposition counting one), or name itself:
// the rule shop_name_typo queries are made and widened with.
func ShopTypoOf(q, name string) bool {
	qw, nw := strings.Fields(q), strings.Fields(name)
	if len(qw) != len(nw) {
		return false
	}
	diff := 0
	for i := range qw {
		if qw[i] != nw[i] {
			diff++
			if diff > 1 || !search.OneEdit(qw[i], nw[i]) {
				return false
			}
		}
	}
	return true
}
