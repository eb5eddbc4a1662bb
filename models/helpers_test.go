package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"camreg/models"
)

// Shared fixtures and assertions of the service tests. Every helper that can
// fail calls t.Helper(), so a failure points at the test's line.

func ptr[T any](v T) *T { return &v }

// admin is the actor of the test writes.
var admin = models.System("test")

// pinned is "today" in the tests that pin the clock: 2026-03-01 20:00 UTC is
// already 2026-03-02 in Vietnam, which also checks that Today() uses
// Asia/Ho_Chi_Minh and not UTC.
var pinned = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

const pinnedDay = "2026-03-02"

func pinClock(st *models.Store) { st.SetClock(func() time.Time { return pinned }) }

const (
	qcvn135 = "QCVN 135:2024/BTTTT"
	qcvn11  = "QCVN 11:2026/BCA"
)

// mstWeights are the tax code's check-digit weights, restated here so that
// the tests do not trust the code under test.
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// mstCheck is 10 - (Σ wᵢ·dᵢ mod 11) over nine ASCII digits; 10 means no
// valid check digit exists.
func mstCheck(first9 string) int {
	sum := 0
	for i, w := range mstWeights {
		sum += w * int(first9[i]-'0')
	}
	return 10 - sum%11
}

var (
	taxMu   sync.Mutex
	taxNext = 1234560
)

// newTaxCode returns a valid tax code (province 01) that no other call of
// this test binary returns.
func newTaxCode() string {
	taxMu.Lock()
	defer taxMu.Unlock()
	for {
		taxNext++
		first9 := fmt.Sprintf("01%07d", taxNext)
		if c := mstCheck(first9); c < 10 {
			return fmt.Sprintf("%s%d", first9, c)
		}
	}
}

func mustCreateOrg(t *testing.T, st *models.Store, in models.OrganizationInput) *models.Organization {
	t.Helper()
	if in.Name == nil {
		in.Name = ptr("Công ty TNHH Thiết bị An Ninh")
	}
	if in.Kind == nil {
		in.Kind = ptr(models.OrgImporter)
	}
	o, err := st.CreateOrganization(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create organization %+v: %v", in, err)
	}
	return o
}

// mustCreateTrader creates an importer with a fresh tax code.
func mustCreateTrader(t *testing.T, st *models.Store, name string) *models.Organization {
	t.Helper()
	return mustCreateOrg(t, st, models.OrganizationInput{Name: ptr(name), Kind: ptr(models.OrgImporter), TaxCode: ptr(newTaxCode()), Province: ptr("Hà Nội")})
}

func mustCreateBody(t *testing.T, st *models.Store) *models.Organization {
	t.Helper()
	return mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1 (Quatest 1)"), Kind: ptr(models.OrgCertificationBody)})
}

func mustCreateAuthority(t *testing.T, st *models.Store) *models.Organization {
	t.Helper()
	return mustCreateOrg(t, st, models.OrganizationInput{Name: ptr("Cục An toàn thông tin"), Kind: ptr(models.OrgAuthority)})
}

func mustCreateModel(t *testing.T, st *models.Store, brand, number string) *models.Model {
	t.Helper()
	m, err := st.CreateModel(t.Context(), admin, models.ModelInput{Brand: ptr(brand), ModelNumber: ptr(number)})
	if err != nil {
		t.Fatalf("create model %s %s: %v", brand, number, err)
	}
	return m
}

// certInput is a valid method 1 certificate input covering the models.
func certInput(number, bodyID, holderID string, modelIDs ...string) models.CertificateInput {
	ms := make([]models.CoveredModelInput, len(modelIDs))
	for i, id := range modelIDs {
		ms[i] = models.CoveredModelInput{CameraModelID: id}
	}
	return models.CertificateInput{
		Number:                 ptr(number),
		StandardCode:           ptr(qcvn135),
		CertificationBodyOrgID: ptr(bodyID),
		Method:                 ptr(1),
		HolderOrgID:            ptr(holderID),
		IssuedOn:               ptr("2025-03-01"),
		ExpiresOn:              ptr("2028-02-29"),
		Models:                 &ms,
	}
}

func mustCreateCert(t *testing.T, st *models.Store, in models.CertificateInput) *models.Certificate {
	t.Helper()
	c, err := st.CreateCertificate(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	return c
}

// warningInput is a valid warning input naming the models.
func warningInput(reference, authorityID string, modelIDs ...string) models.WarningInput {
	as := make([]models.AffectedModelInput, len(modelIDs))
	for i, id := range modelIDs {
		as[i] = models.AffectedModelInput{CameraModelID: id}
	}
	return models.WarningInput{
		AuthorityOrgID: ptr(authorityID),
		Reference:      ptr(reference),
		Title:          ptr("Cảnh báo lỗ hổng bảo mật trên camera giám sát"),
		Severity:       ptr("high"),
		IssuedOn:       ptr("2025-06-10"),
		Measure:        ptr("update_firmware"),
		Affected:       &as,
	}
}

func mustCreateWarning(t *testing.T, st *models.Store, in models.WarningInput) *models.Warning {
	t.Helper()
	w, err := st.CreateWarning(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create warning: %v", err)
	}
	return w
}

func mustCreateListing(t *testing.T, st *models.Store, in models.ListingInput) *models.Listing {
	t.Helper()
	l, err := st.CreateListing(t.Context(), admin, in)
	if err != nil {
		t.Fatalf("create listing: %v", err)
	}
	return l
}

// tables lists every table of the schema, the change log included (but not
// goose's bookkeeping), as the database reports it.
func tables(t *testing.T, st *models.Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if st.Dialect() == models.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := st.DB().QueryContext(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "goose_db_version" {
			out = append(out, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out, "events") || !slices.Contains(out, "organizations") {
		t.Fatalf("schema tables %v lack the registry's", out)
	}
	return out
}

func countRows(t *testing.T, st *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := st.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// tableCache holds each store's table list: the schema does not change
// while a test runs.
var tableCache sync.Map // *models.Store → []string

// counts is the number of rows of every table, read in one query.
func counts(t *testing.T, st *models.Store) map[string]int64 {
	t.Helper()
	tbs, ok := tableCache.Load(st)
	if !ok {
		tbs, _ = tableCache.LoadOrStore(st, tables(t, st))
	}
	var parts []string
	for _, tb := range tbs.([]string) {
		parts = append(parts, fmt.Sprintf("SELECT '%s', COUNT(*) FROM %s", tb, tb))
	}
	rows, err := st.DB().QueryContext(t.Context(), strings.Join(parts, " UNION ALL "))
	if err != nil {
		t.Fatalf("count rows: %v", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var tb string
		var n int64
		if err := rows.Scan(&tb, &n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// unchanged runs fn, which must fail, and checks that no table gained or
// lost a row, the change log included. It returns fn's error.
func unchanged(t *testing.T, st *models.Store, fn func() error) error {
	t.Helper()
	before := counts(t, st)
	err := fn()
	if err == nil {
		t.Fatalf("the write succeeded, want an error")
	}
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed write changed row counts:\nbefore %v\nafter  %v", before, after)
	}
	return err
}

// sameRow fails unless get returns what it returned before: the row was not
// changed.
func sameRow[T any](t *testing.T, before *T, get func() (*T, error)) {
	t.Helper()
	after, err := get()
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("row changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

// fields returns the sorted, distinct fields of a validation error.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var v *models.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v (%T) is not a *models.ValidationError", err, err)
	}
	out := []string{}
	for _, e := range v.Errors {
		if e.Message == "" {
			t.Errorf("field %s has an empty message", e.Field)
		}
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wantInvalid checks that err is ErrInvalid naming exactly these fields.
func wantInvalid(t *testing.T, err error, want ...string) {
	t.Helper()
	if !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("error %v, want ErrInvalid", err)
	}
	want = slices.Clone(want)
	slices.Sort(want)
	if got := fields(t, err); !slices.Equal(got, want) {
		t.Errorf("invalid fields %v, want %v (error: %v)", got, want, err)
	}
}

func isKind(err, kind error) bool { return errors.Is(err, kind) }

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
}

// events returns the change log's events for one entity id, in order.
func events(t *testing.T, st *models.Store, entityID string) []models.Event {
	t.Helper()
	ev, err := st.FindEvents(t.Context(), models.EventFilter{EntityID: entityID})
	if err != nil {
		t.Fatalf("find events: %v", err)
	}
	return ev
}

// lastEvent returns the newest event of the whole log.
func lastEvent(t *testing.T, st *models.Store) models.Event {
	t.Helper()
	n := countRows(t, st, "events")
	if n == 0 {
		t.Fatalf("the change log is empty")
	}
	ev, err := st.FindEvents(t.Context(), models.EventFilter{AfterSeq: n - 1})
	if err != nil || len(ev) != 1 {
		t.Fatalf("find last event: %v %v", ev, err)
	}
	return ev[0]
}

// wantEvent checks the newest event of the log.
func wantEvent(t *testing.T, st *models.Store, action, entity, id string) models.Event {
	t.Helper()
	e := lastEvent(t, st)
	if e.Action != action || e.Entity != entity || e.EntityID != id {
		t.Errorf("last event %s %s %s, want %s %s %s", e.Action, e.Entity, e.EntityID, action, entity, id)
	}
	return e
}

// changedKeys returns the sorted keys of an update event's diff.
func changedKeys(t *testing.T, e models.Event) []string {
	t.Helper()
	var diff map[string]struct {
		From any `json:"from"`
		To   any `json:"to"`
	}
	if err := json.Unmarshal([]byte(e.Changes), &diff); err != nil {
		t.Fatalf("decode changes %s: %v", e.Changes, err)
	}
	keys := []string{}
	for k := range diff {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func wantChanged(t *testing.T, e models.Event, want ...string) {
	t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	if got := changedKeys(t, e); !slices.Equal(got, want) {
		t.Errorf("event changes %v, want %v (%s)", got, want, e.Changes)
	}
}

// wantChange checks one field's from/to in an update event, as JSON text.
func wantChange(t *testing.T, e models.Event, field, from, to string) {
	t.Helper()
	var diff map[string]struct {
		From json.RawMessage `json:"from"`
		To   json.RawMessage `json:"to"`
	}
	if err := json.Unmarshal([]byte(e.Changes), &diff); err != nil {
		t.Fatalf("decode changes %s: %v", e.Changes, err)
	}
	c, ok := diff[field]
	if !ok {
		t.Fatalf("event changes %s lack %s", e.Changes, field)
	}
	if string(c.From) != from || string(c.To) != to {
		t.Errorf("%s changed from %s to %s, want from %s to %s", field, c.From, c.To, from, to)
	}
}

// walk reads every page of a list with the given limit and returns the ids
// in order, failing on a repeated id.
func walk[T interface{ GetID() string }](t *testing.T, limit int, find func(models.PageRequest) (models.Page[T], error)) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	p := models.PageRequest{Limit: limit}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("paging does not end")
		}
		page, err := find(p)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(page.Items) > limit {
			t.Fatalf("page %d has %d items, over the limit %d", pages, len(page.Items), limit)
		}
		for _, it := range page.Items {
			if seen[it.GetID()] {
				t.Fatalf("id %s repeated on page %d", it.GetID(), pages)
			}
			seen[it.GetID()] = true
			ids = append(ids, it.GetID())
		}
		if page.NextCursor == "" {
			return ids
		}
		if len(page.Items) != limit {
			t.Errorf("page %d is short (%d items) but has a next cursor", pages, len(page.Items))
		}
		p.Cursor = page.NextCursor
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func idsOf[T interface{ GetID() string }](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.GetID()
	}
	return sorted(out)
}

func wantIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("%s: got %d ids %v, want %d %v", what, len(got), got, len(want), want)
	}
}

func longString(n int) string { return strings.Repeat("ả", n) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
