package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestUnknownQueryParametersAreRefusedEverywhere: every GET route of the
// OpenAPI description refuses a parameter it does not declare with a 422
// naming it (the red team's pass of 2026-12-07 found reads, compliance
// summaries, permalinks and /v1/keys?limit=5 answering as if obeyed), and
// takes every parameter it declares.
func TestUnknownQueryParametersAreRefusedEverywhere(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := e.fixture()
		table := documentedQuery()
		ids := map[string]string{":id": f.model, ":brand": "hikvision", ":model": "ds2cd1023g0ei", ":type": "not-found",
			":index": "0", ":file": "compliant-models.csv", ":n": "0"}
		checked := 0
		for _, r := range e.srv.Echo().Routes() {
			allowed, ok := table[r.Method][r.Path]
			if r.Method != http.MethodGet || !ok || !strings.HasPrefix(r.Path, "/v1/") {
				continue
			}
			segs := strings.Split(r.Path, "/")
			for i, s := range segs {
				if v, ok := ids[s]; ok {
					segs[i] = v
				} else if strings.HasPrefix(s, ":") {
					t.Fatalf("%s: no value for %s", r.Path, s)
				}
			}
			path := strings.Join(segs, "/")
			for _, q := range []string{"?stauts=withdrawn", "?" + strings.Join(allowed, "=&") + "&stauts=withdrawn&x%2By=1", "?1700000000"} {
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					got := e.do(method, path+q, e.admin, nil)
					if got.Code != http.StatusUnprocessableEntity {
						t.Errorf("%s %s%s: %d, want 422", method, r.Path, q, got.Code)
						continue
					}
					if method == http.MethodGet {
						fields := got.problemFields()
						want := []string{"stauts", "x+y"}
						if q == "?1700000000" {
							want = []string{"1700000000"}
						} else if !strings.Contains(q, "x%2By") {
							want = want[:1]
						}
						if !slices.Equal(fields, want) {
							t.Errorf("%s%s: fields %v, want %v", r.Path, q, fields, want)
						}
					}
				}
			}
			// Every declared parameter passes (its value may still be wrong).
			for _, name := range allowed {
				if got := e.do(http.MethodGet, path+"?"+name+"=", e.admin, nil); got.Code == http.StatusUnprocessableEntity &&
					strings.Contains(got.Body.String(), "is not a parameter") {
					t.Errorf("%s: the declared %s is refused: %s", r.Path, name, got.Body.String())
				}
			}
			checked++
		}
		if checked < 45 {
			t.Errorf("%d GET routes checked", checked)
		}
		// The routes the description leaves out are left alone: the page
		// takes its deep link's parameters. So are the pages and probes
		// outside /v1: a permalink shared on a social network comes back
		// with its tracking parameter, and must still open.
		e.do(http.MethodGet, "/?model=DS-2CD1023G0E-I&brand=Hikvision", "", nil).want(http.StatusOK)
		for _, p := range []string{"/m/hikvision/ds2cd1023g0ei", "/m/hikvision/ds2cd1023g0ei/qr.svg", "/problems/not-found", "/healthz"} {
			e.do(http.MethodGet, p+"?fbclid=IwAR0abc&utm_source=zalo", "", nil).want(http.StatusOK)
		}
		// A read with none, and a list with its own, still answer.
		e.do(http.MethodGet, "/v1/models/"+f.model, "", nil).want(http.StatusOK)
		e.do(http.MethodGet, "/v1/warnings?status=withdrawn&limit=5", "", nil).want(http.StatusOK)
	})
}

func TestQueryTableReadsTheDescription(t *testing.T) {
	got := queryTable(`{"paths":{"/v1/things/{id}/parts/{n}":{"get":{"parameters":[{"name":"id","in":"path"},{"name":"q","in":"query"},{"name":"If-None-Match","in":"header"}]},"post":{}}}}`)
	if p := got["GET"]["/v1/things/:id/parts/:n"]; !slices.Equal(p, []string{"q"}) {
		t.Errorf("GET %v (%v)", p, got)
	}
	if p, ok := got["POST"]["/v1/things/:id/parts/:n"]; !ok || len(p) != 0 {
		t.Errorf("POST %v %v", p, ok)
	}
	if len(queryTable("not json")) != 0 {
		t.Error("a broken description checks something")
	}
}
