package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"camreg/importer/gen"
	"camreg/models"
	"camreg/models/testdb"
)

// TestBatchServicesAgreeWithRowByRow imports the same files, as the same
// actors, once through the batch services and once row by row through the
// single-row services, each into a fresh registry, and compares what each
// import reported, every entity's rows (as exported) and every change-log
// event: the same actions on the same rows with the same content, ids and
// times aside. The files are the demo, a small generated set, and files
// made to hit the edges: updates and status changes, an organization an
// earlier row of the same batch created, a name two organizations share,
// invalid rows, all-or-nothing, a dry run, and a certifier and a vendor
// importing others' rows.
func TestBatchServicesAgreeWithRowByRow(t *testing.T) {
	for _, be := range testdb.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			dir := t.TempDir()
			files := agreementFiles(t, dir)
			var got [2]string
			for i, rowByRow := range []bool{true, false} {
				got[i] = importAll(t, testdb.Open(t, be), files, rowByRow)
			}
			// The batch path again, with every import reading the whole
			// registry's model keys at its first batch (refCache.loadAll),
			// as national files do: the same answers as key by key.
			share, least := allModelsShare, allModelsMin
			allModelsShare, allModelsMin = 1e9, 0
			whole := importAll(t, testdb.Open(t, be), files, false)
			allModelsShare, allModelsMin = share, least
			if whole != got[1] {
				a, b := strings.Split(got[1], "\n"), strings.Split(whole, "\n")
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("reading the registry whole differs first at line %d:\nkey by key: %s\nwhole:      %s", i+1, a[i], b[i])
					}
				}
				t.Fatalf("reading the registry whole differs in length: %d and %d lines", len(a), len(b))
			}
			if os.Getenv("DUMP") != "" {
				_ = os.WriteFile(os.Getenv("DUMP"), []byte(got[1]), 0o644)
			}
			if got[0] != got[1] {
				a, b := strings.Split(got[0], "\n"), strings.Split(got[1], "\n")
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("the paths differ first at line %d:\nrow by row: %s\nbatch:      %s", i+1, a[i], b[i])
					}
				}
				t.Fatalf("the paths differ in length: %d and %d lines", len(a), len(b))
			}
			if !strings.Contains(got[0], `"action":"status"`) || !strings.Contains(got[0], "organizations are named") {
				t.Fatalf("the files missed the cases they are made for: status %v, ambiguous %v", strings.Contains(got[0], `"action":"status"`), strings.Contains(got[0], "organizations are named"))
			}
		})
	}
}

// step is one import of the agreement test.
type step struct {
	entity, path string
	actor        func(st *models.Store) models.Actor
	skipInvalid  bool
	dryRun       bool
}

// agreementFiles writes the test's files and lists the imports, in order.
func agreementFiles(t *testing.T, dir string) []step {
	t.Helper()
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	system := func(*models.Store) models.Actor { return models.System("test") }
	var steps []step
	for _, e := range []string{"organizations", "models", "certificates", "origin-certificates", "warnings"} {
		path := filepath.Join(dir, "demo-"+e+".csv")
		if err := writeDemoFile(e, path, today); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, step{entity: e, path: path, actor: system})
	}
	gdir := filepath.Join(dir, "gen")
	if _, err := gen.Generate(context.Background(), gen.Config{Seed: 7, Scale: "custom",
		Counts: gen.Counts{Traders: 400, Models: 300, Certificates: 120, Origins: 80, Warnings: 20, Listings: 10}}, gdir); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"organizations", "models", "certificates", "origin-certificates", "warnings"} {
		steps = append(steps, step{entity: e, path: filepath.Join(gdir, e+".csv"), actor: system})
	}
	orgs := readCSV(t, filepath.Join(gdir, "organizations.csv"))
	certs := readCSV(t, filepath.Join(gdir, "certificates.csv"))
	origins := readCSV(t, filepath.Join(gdir, "origin-certificates.csv"))
	warns := readCSV(t, filepath.Join(gdir, "warnings.csv"))

	// Organizations: updates by tax code, a shop known by name that an
	// earlier row of the same file created and a later one gives its tax
	// code, a name two kinds share and a row that cannot tell them apart,
	// and invalid rows.
	tax := freshTaxCodes(orgs, 2)
	edits := [][]string{orgs[0]}
	for _, r := range orgs[1:] {
		if r[0] != "" && len(edits) < 4 {
			r = append([]string(nil), r...)
			r[3] = "Số 9 phố Thử, phường Mới"
			edits = append(edits, r)
		}
	}
	edits = append(edits,
		[]string{"", "Cửa hàng Thử Nghiệm", "retailer", "Số 1", "Hà Nội", "VN", "", "", ""},
		[]string{tax[0], "Cửa hàng Thử Nghiệm", "retailer", "Số 2", "Hà Nội", "VN", "", "", ""},
		[]string{"", "Hai Tên", "retailer", "", "Huế", "VN", "", "", ""},
		[]string{"", "Hai Tên", "distributor", "", "Huế", "VN", "", "", ""},
		[]string{"", "hai tên", "", "Số 3", "", "VN", "", "", ""},
		[]string{"", "Sai Loại", "not-a-kind", "", "", "VN", "", "", ""},
		[]string{"0100000000", "Sai Mã", "retailer", "", "", "VN", "", "", ""},
		[]string{tax[1], "Cửa hàng Mới", "online_seller", "", "Đà Nẵng", "VN", "https://example.vn", "", ""},
	)
	orgEdits := writeCSV(t, dir, "org-edits.csv", edits)

	// Certificates: a suspension (a status event), another set of models,
	// a row left as it is, and a row against no standard.
	ce := [][]string{certs[0]}
	col := index(certs[0])
	for i, r := range certs[1:5] {
		r = append([]string(nil), r...)
		switch i {
		case 0:
			if r[col["status"]] == "valid" {
				r[col["status"]], r[col["status_reason"]], r[col["status_changed_on"]] = "suspended", "Tạm đình chỉ để thử", "2026-10-01"
			} else {
				r[col["lot_ref"]] = "Lô thử"
			}
		case 1:
			r[col["models"]] = strings.Split(r[col["models"]], ";")[0]
		case 3:
			r[col["standard_code"]] = "QCVN 999:2099/KHONG"
		}
		ce = append(ce, r)
	}
	certEdits := writeCSV(t, dir, "cert-edits.csv", ce)
	// A row that makes the whole file fail, for all-or-nothing.
	bad := append([]string(nil), certs[6]...)
	bad[col["method"]] = "9"
	certAllOrNothing := writeCSV(t, dir, "cert-all.csv", append([][]string{certs[0], certs[5]}, bad))

	oe := [][]string{origins[0]}
	ocol := index(origins[0])
	for i, r := range origins[1:4] {
		r = append([]string(nil), r...)
		if i == 0 {
			r[ocol["status"]], r[ocol["status_reason"]], r[ocol["status_changed_on"]] = "revoked", "Thu hồi để thử", "2026-10-02"
		} else {
			r[ocol["invoice_ref"]] = "HĐ-THỬ-" + fmt.Sprint(i)
		}
		oe = append(oe, r)
	}
	originEdits := writeCSV(t, dir, "origin-edits.csv", oe)

	we := [][]string{warns[0]}
	wcol := index(warns[0])
	for i, r := range warns[1:3] {
		r = append([]string(nil), r...)
		if i == 0 && r[wcol["status"]] == "active" {
			r[wcol["status"]], r[wcol["status_reason"]], r[wcol["status_changed_on"]] = "withdrawn", "Rút để thử", "2026-10-03"
		} else {
			r[wcol["summary"]] = "Tóm tắt mới."
		}
		we = append(we, r)
	}
	warnEdits := writeCSV(t, dir, "warn-edits.csv", we)

	// A certifier imports the whole certificate file: only its own body's
	// rows are its to change. A vendor imports every C/O: only its own.
	body := certs[1][col["certification_body"]]
	certifier := func(st *models.Store) models.Actor {
		found, err := st.OrganizationsByName(context.Background(), body, models.OrgCertificationBody)
		if err != nil || len(found) != 1 {
			t.Fatalf("certification body %q: %v %d", body, err, len(found))
		}
		return models.Actor{Role: models.RoleCertifier, OrgID: found[0].ID, KeyID: "certifier"}
	}
	holder := origins[1][ocol["holder"]]
	vendor := func(st *models.Store) models.Actor {
		o, err := st.OrganizationByTaxCode(context.Background(), holder)
		if err != nil {
			t.Fatalf("holder %s: %v", holder, err)
		}
		return models.Actor{Role: models.RoleVendor, OrgID: o.ID, KeyID: "vendor"}
	}
	return append(steps,
		step{entity: "organizations", path: orgEdits, actor: system, dryRun: true},
		step{entity: "organizations", path: orgEdits, actor: system},
		step{entity: "organizations", path: orgEdits, actor: system, skipInvalid: true},
		step{entity: "organizations", path: orgEdits, actor: system, skipInvalid: true},
		step{entity: "certificates", path: certAllOrNothing, actor: system},
		step{entity: "certificates", path: certEdits, actor: system, skipInvalid: true},
		step{entity: "origin-certificates", path: originEdits, actor: system, skipInvalid: true},
		step{entity: "warnings", path: warnEdits, actor: system, skipInvalid: true},
		step{entity: "certificates", path: filepath.Join(gdir, "certificates.csv"), actor: certifier, skipInvalid: true},
		step{entity: "origin-certificates", path: filepath.Join(gdir, "origin-certificates.csv"), actor: vendor, skipInvalid: true},
	)
}

// importAll runs the steps on st and describes, in text that holds no id
// or time, what each reported, then every event, then every export.
func importAll(t *testing.T, st *models.Store, steps []step, rowByRow bool) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	for _, s := range steps {
		sum, err := Import(ctx, st, s.path, Options{Entity: s.entity, Actor: s.actor(st), SkipInvalid: s.skipInvalid,
			DryRun: s.dryRun, BatchSize: 50, rowByRow: rowByRow})
		j, _ := json.Marshal(sum)
		fmt.Fprintf(&out, "import %s %s: %v\n%s\n", s.entity, filepath.Base(s.path), err != nil, j)
	}
	for after := int64(0); ; {
		events, err := st.FindEvents(ctx, models.EventFilter{AfterSeq: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			break
		}
		for _, e := range events {
			j, _ := json.Marshal(map[string]any{"actor": e.Actor, "action": e.Action, "entity": e.Entity, "id": e.EntityID, "changes": e.Changes})
			fmt.Fprintf(&out, "%s\n", j)
			after = e.Seq
		}
	}
	for _, e := range []string{"organizations", "models", "certificates", "origin-certificates", "warnings"} {
		var b bytes.Buffer
		if err := Export(ctx, st, e, "csv", &b); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "export %s\n%s", e, b.String())
	}
	// Ids are new in each registry: name them by their first appearance.
	ids := map[string]string{}
	text := uuidPattern.ReplaceAllStringFunc(out.String(), func(id string) string {
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("id%d", len(ids)+1)
		}
		return ids[id]
	})
	return timePattern.ReplaceAllString(text, "TIME")
}

var (
	uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSV(t *testing.T, dir, name string, rows [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func index(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[h] = i
	}
	return m
}

// freshTaxCodes finds n valid tax codes that no row of orgs has.
func freshTaxCodes(orgs [][]string, n int) []string {
	taken := map[string]bool{}
	for _, r := range orgs {
		taken[r[0]] = true
	}
	var out []string
	for i := 100_000_000; len(out) < n; i++ {
		tc := fmt.Sprintf("0%d", i)
		if _, err := models.CheckTaxCode(tc); err == nil && !taken[tc] {
			out = append(out, tc)
		}
	}
	return out
}
