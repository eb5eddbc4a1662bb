package models_test

import (
	"errors"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// An item that is not certain raises no finding until the inspector
// settles it; settling it raises the finding in the same transaction.
func TestInspectionItemsNeedConfirmation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		insp, fs, err := st.CreateInspection(t.Context(), w.inspector, models.InspectionInput{
			TraderOrgID: ptr(w.shop), InspectedOn: ptr("2026-04-01"),
			Items: []models.InspectionItemInput{
				{Model: "QTX-94l2AIP", Brand: "Questek"}, // l typed for 1: a possible match
				{Model: "NO-SUCH-CAM 9000"},              // none, not marked
				{Model: "C6N"},                           // ambiguous
				{Model: "whatever was typed", Settlement: models.ItemSettlement{CameraModelID: ptr(w.revoked.ID)}},
			}})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || *fs[0].ItemPosition != 3 || fs[0].Violation != models.ReasonCertificateRevoked {
			t.Fatalf("findings %+v, want only the chosen model's", fs)
		}
		possible := insp.Items[0]
		if possible.Match != models.MatchPossible || possible.Resolution != models.ResolutionNeedsConfirmation ||
			possible.CameraModelID != nil || len(possible.Candidates) != 1 || possible.Candidates[0].ID != w.revoked.ID {
			t.Errorf("possible item %+v", possible)
		}
		if it := insp.Items[1]; it.Match != models.MatchNone || it.Resolution != models.ResolutionNeedsConfirmation || len(it.Candidates) != 0 {
			t.Errorf("unmatched item %+v", it)
		}
		if it := insp.Items[3]; it.Resolution != models.ResolutionExact || it.CameraModelID == nil || *it.CameraModelID != w.revoked.ID ||
			it.Verdict != models.VerdictNonCompliant {
			t.Errorf("chosen item %+v", it)
		}
		if insp.StatusOf() != models.InspectionPending {
			t.Errorf("status %s", insp.StatusOf())
		}

		// Who may settle, and how.
		resolve := func(actor models.Actor, n int, in models.ResolveItemInput) (*models.Inspection, *models.Finding, error) {
			return st.ResolveInspectionItem(t.Context(), actor, insp.ID, n, in)
		}
		if _, _, err := resolve(w.otherInspector, 0, models.ResolveItemInput{CameraModelID: ptr(w.revoked.ID)}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("another office settled an item: %v", err)
		}
		if _, _, err := resolve(w.vendor, 0, models.ResolveItemInput{CameraModelID: ptr(w.revoked.ID)}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a vendor settled an item: %v", err)
		}
		if _, _, err := resolve(w.inspector, 1, models.ResolveItemInput{NotInRegistry: true}); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("not in registry without the label's text: %v", err)
		}
		if _, _, err := resolve(w.inspector, 0, models.ResolveItemInput{CameraModelID: ptr(w.pending.ID)}); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("a pending registration chosen: %v", err)
		}
		if _, _, err := resolve(w.inspector, 0, models.ResolveItemInput{NotInRegistry: true, LabelText: "QTX-94l2AIP"}); err != nil {
			// A possible match may still be marked: the inspector read the label.
			t.Errorf("possible marked not in registry: %v", err)
		}
		before := countEvents(t, st)
		got, f, err := resolve(w.inspector, 2, models.ResolveItemInput{CameraModelID: ptr(w.c6nEzviz.ID)})
		if err != nil || got.Items[2].Resolution != models.ResolutionExact || *got.Items[2].CameraModelID != w.c6nEzviz.ID || got.Version != insp.Version+2 {
			t.Fatalf("settle the ambiguous item: %+v %v", got, err)
		}
		if f != nil && *f.ItemPosition != 2 {
			t.Errorf("finding %+v", f)
		}
		if _, _, err := resolve(w.inspector, 2, models.ResolveItemInput{CameraModelID: ptr(w.c6nImou.ID)}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("settled twice: %v", err)
		}
		if _, _, err := resolve(w.inspector, 9, models.ResolveItemInput{CameraModelID: ptr(w.c6nImou.ID)}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("no such item: %v", err)
		}
		got, f, err = resolve(w.inspector, 1, models.ResolveItemInput{NotInRegistry: true, LabelText: "NO-SUCH-CAM 9000 1080P"})
		if err != nil || f == nil || f.Violation != models.ReasonUnregistered || f.Notes != "NO-SUCH-CAM 9000 1080P" {
			t.Fatalf("not in registry: %+v %v", f, err)
		}
		if got.StatusOf() != models.InspectionComplete || got.Items[1].FindingID != f.ID {
			t.Errorf("after settling every item: %s, %+v", got.StatusOf(), got.Items[1])
		}
		if n := countEvents(t, st) - before; n < 3 {
			t.Errorf("%d events for two settlements and a finding", n)
		}
		read, err := st.GetInspection(t.Context(), w.inspector, insp.ID)
		if err != nil || read.Items[1].Resolution != models.ResolutionNotInRegistry || read.Items[1].LabelText == "" || read.Items[1].FindingID != f.ID {
			t.Errorf("read back %+v %v", read, err)
		}
	})
}

// An exact match cannot be marked as not in the registry.
func TestNotInRegistryRefusedForExactMatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		_, _, err := st.CreateInspection(t.Context(), w.inspector, models.InspectionInput{TraderOrgID: ptr(w.shop), InspectedOn: ptr("2026-04-01"),
			Items: []models.InspectionItemInput{{Model: "QTX-9412AIP", Settlement: models.ItemSettlement{NotInRegistry: true, LabelText: "QTX-9412AIP"}}}})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != "items[0].not_in_registry" {
			t.Errorf("exact match marked not in registry: %v", err)
		}
	})
}

// Record numbers are sequential per year of the visit.
func TestInspectionNumbers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newInspectionWorld(t, st)
		var got []string
		for _, on := range []string{"2025-12-30", "2026-01-02", "2025-12-31", "2026-01-03"} {
			insp, _, err := st.CreateInspection(t.Context(), w.inspector, models.InspectionInput{TraderOrgID: ptr(w.shop), InspectedOn: ptr(on),
				Items: []models.InspectionItemInput{{Model: "QTX-9412AIP"}}})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *insp.Number)
		}
		want := []string{"KT-2025-000001", "KT-2026-000001", "KT-2025-000002", "KT-2026-000002"}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("numbers %v, want %v", got, want)
			}
		}
	})
}

func TestNormalizeGTIN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"8936012345674", "08936012345674"}, // EAN-13
		{"036000291452", "00036000291452"},  // UPC-A
		{"96385074", "00000096385074"},      // GTIN-8
		{"10036000291459", "10036000291459"},
		{"4006381333931", "04006381333931"},
		{"400-6381 333931", "04006381333931"},
		{"8936012345675", ""}, // wrong check digit
		{"893601234568", ""},  // 12 digits, wrong check digit
		{"12345", ""},
		{"89360123456a4", ""},
		{"00000000", ""},
	} {
		got, ok := models.NormalizeGTIN(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
