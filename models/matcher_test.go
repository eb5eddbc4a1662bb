package models_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// A pending registration of a banned model's number, by any vendor, must
// neither make the verified model ambiguous nor hide its ban, in verify or
// in an inspection (#14, hole 3).
func TestPendingDecoyNeverNeutralisesABan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		yoosee := w.banned // Yoosee Y33-1080P, banned from 2026-02-10
		check := func(stage string) {
			t.Helper()
			for _, q := range []models.VerifyQuery{{Model: "Y33-1080P"}, {Model: "y33 1080p"}, {Model: "Y33-1O80P"}} {
				q.At = "2026-04-01"
				v, err := st.Verify(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				if v.Model == nil || v.Model.ID != yoosee.ID || v.Verdict != models.VerdictNonCompliant {
					t.Fatalf("%s, %q: %s %s model %v, want the banned Yoosee, non_compliant", stage, q.Model, v.Match, v.Verdict, v.Model)
				}
			}
		}
		check("before the decoy")
		for i, number := range []string{"Y33-1080P", "Y33-1O80P", "Y33-1080"} {
			decoy, err := st.CreateModel(t.Context(), w.vendor, models.ModelInput{Brand: ptr(fmt.Sprintf("Generic%d", i)), ModelNumber: ptr(number)})
			if number == "Y33-1O80P" {
				// Only O for 0 tells it from the banned model's number: refused outright.
				var ve *models.ValidationError
				if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "model_number" {
					t.Fatalf("the confusable decoy %s: %v, want refused on model_number", number, err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if decoy.Status != models.ModelPending {
				t.Fatalf("a vendor's registration is %s, want pending", decoy.Status)
			}
		}
		check("with pending decoys")
		insp, fs, err := st.CreateInspection(t.Context(), w.inspector, models.InspectionInput{TraderOrgID: ptr(w.shop),
			InspectedOn: ptr("2026-04-01"), Items: []models.InspectionItemInput{{Model: "Y33-1080P", Quantity: ptr(20)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].CameraModelID == nil || *fs[0].CameraModelID != yoosee.ID || fs[0].Violation != "banned_model" {
			t.Fatalf("findings %+v of inspection %s, want one banned_model on the Yoosee", fs, insp.ID)
		}
	})
}

// Near siblings: a slip is possible only when one sibling is nearer than
// every other, and ambiguous, listing the tied ones, otherwise.
func TestVerifyNearSiblings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ids := map[string]string{}
		for _, n := range []string{"DS-2CD2143G2-IU", "DS-2CD2143G2-I", "DS-2CD2143G2-IS", "DS-2CD2123G2-IU", "DS-2CD2343G2-IU",
			"DS-2CD2143G0-I", "DS-2CD2183G2-IU", "DS-2CD2146G2-ISU", "DS-2CD1043G2-IU", "DS-2CD2147G2-L"} {
			ids[n] = vxModel(t, st, "Hikvision", n, "CN").ID
		}
		for _, tc := range []struct {
			typed, brand string
			match        string
			want         []string
		}{
			{"DS-2CD2143G2-IU", "", models.MatchExact, []string{"DS-2CD2143G2-IU"}},
			{"DS-2CD2143G2-LU", "", models.MatchPossible, []string{"DS-2CD2143G2-IU"}}, // l for I
			{"DS-2CD2143G2-JU", "Hikvision", models.MatchPossible, []string{"DS-2CD2143G2-IU"}},
			{"DS-2CD2413G2-IU", "", models.MatchPossible, []string{"DS-2CD2143G2-IU"}}, // transposition
			{"DS-2CD2143GO-I", "", models.MatchPossible, []string{"DS-2CD2143G0-I"}},   // O for 0
			{"ds2cd2146g2ius", "", models.MatchPossible, []string{"DS-2CD2146G2-ISU"}}, // compact, transposed
			{"Hikvision DS 2CD2143G2 IX", "", models.MatchAmbiguous, []string{"DS-2CD2143G2-I", "DS-2CD2143G2-IS", "DS-2CD2143G2-IU"}},
			{"DS-2CD2143G2-I", "Dahua", models.MatchPossible, []string{"DS-2CD2143G2-I"}}, // another brand's number: never exact
			{"DS-2CD9999G9-XX", "", models.MatchNone, nil},
		} {
			v, err := st.Verify(t.Context(), models.VerifyQuery{Model: tc.typed, Brand: tc.brand, At: "2026-04-01"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if v.Match == models.MatchExact || v.Match == models.MatchPossible {
				got = append(got, v.Model.ModelNumber)
			}
			if v.Match == models.MatchAmbiguous {
				for _, c := range v.Candidates {
					got = append(got, c.ModelNumber)
				}
				slices.Sort(got)
			}
			if v.Match != tc.match || !slices.Equal(got, tc.want) {
				t.Errorf("%q (brand %q): %s %v, want %s %v", tc.typed, tc.brand, v.Match, got, tc.match, tc.want)
			}
		}
		_ = ids
	})
}

// The matcher follows the change log: a new verified model, a renumbered
// one, one sent back to pending and a deleted one are seen at the next use,
// without a restart.
func TestMatcherFollowsTheChangeLog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		find := func(text string) []string {
			t.Helper()
			res, err := st.Matcher().Find(ctx, text, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range res.Candidates {
				out = append(out, c.ID)
			}
			return out
		}
		a := vxModel(t, st, "Imou", "IPC-A22EP", "CN")
		if got := find("IPC-A22EP"); !slices.Equal(got, []string{a.ID}) {
			t.Fatalf("first use: %v", got)
		}
		b := vxModel(t, st, "Imou", "IPC-K22", "CN")
		if got := find("IPC-K22"); !slices.Equal(got, []string{b.ID}) {
			t.Fatalf("after a create: %v", got)
		}
		if _, err := st.UpdateModel(ctx, admin, b.ID, models.ModelInput{ModelNumber: ptr("IPC-F42")}, nil); err != nil {
			t.Fatal(err)
		}
		if got := find("IPC-K22"); slices.Contains(got, b.ID) {
			t.Fatalf("the old number still finds the renumbered model: %v", got)
		}
		if got := find("IPC-F42"); !slices.Equal(got, []string{b.ID}) {
			t.Fatalf("after a renumbering: %v", got)
		}
		if _, err := st.UpdateModel(ctx, admin, a.ID, models.ModelInput{Status: ptr(models.ModelPending)}, nil); err != nil {
			t.Fatal(err)
		}
		if got := find("IPC-A22EP"); len(got) != 0 {
			t.Fatalf("a model back to pending is still matched: %v", got)
		}
		if err := st.DeleteModel(ctx, admin, b.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := find("IPC-F42"); len(got) != 0 {
			t.Fatalf("a deleted model is still matched: %v", got)
		}
	})
}

// Candidates remembers its answers while no model changes: the same answer
// again (a caller's changes to it do not leak into the next), and a
// renumbered or deleted model is never answered from memory.
func TestCandidatesRememberedUntilAModelChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := t.Context()
		ids := func(text string) []string {
			t.Helper()
			cs, err := st.Matcher().Candidates(ctx, text, "", 20)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i, c := range cs {
				out = append(out, c.ID)
				cs[i].ID = "changed by the caller"
			}
			return out
		}
		a := vxModel(t, st, "Imou", "IPC-K22", "CN")
		first := ids("IPC-K22")
		if !slices.Contains(first, a.ID) {
			t.Fatalf("first ask: %v", first)
		}
		if again := ids("IPC-K22"); !slices.Equal(again, first) {
			t.Fatalf("asked again: %v, first %v", again, first)
		}
		if _, err := st.UpdateModel(ctx, admin, a.ID, models.ModelInput{ModelNumber: ptr("IPC-F42")}, nil); err != nil {
			t.Fatal(err)
		}
		if got := ids("IPC-K22"); slices.Contains(got, a.ID) {
			t.Fatalf("a renumbered model answered from memory: %v", got)
		}
		if got := ids("IPC-F42"); !slices.Equal(got, []string{a.ID}) {
			t.Fatalf("after the renumbering: %v", got)
		}
		if err := st.DeleteModel(ctx, admin, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := ids("IPC-F42"); len(got) != 0 {
			t.Fatalf("a deleted model answered from memory: %v", got)
		}
	})
}
