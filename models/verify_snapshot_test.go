package models_test

import (
	"fmt"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

// snapshotQueries ask about every model of the verdict world, exactly, with
// typos, under other brands, with firmware, and on several dates.
func snapshotQueries() []models.VerifyQuery {
	numbers := []string{"DS-2CD1023G0E-I", "DS-2CD1O23G0E-I", "DS-2CD1023G0E", "HC23", "IQ3", "QTX-9412AIP", "VP-6024DTV",
		"AIV-B22", "IPC-HFW1230S-S5", "IPC-HFW1230S-S6", "Y33-1080P", "E3", "NOPE-123", "RENAMED-77", "SNAP-NEW-1", "SNAP-NEW-2"}
	var out []models.VerifyQuery
	for _, n := range numbers {
		for _, at := range []string{"2025-06-01", "2026-03-01", "2026-08-01", ""} {
			out = append(out, models.VerifyQuery{Model: n, At: at})
		}
		out = append(out, models.VerifyQuery{Model: n, Brand: "Hikvision", At: "2026-08-01"},
			models.VerifyQuery{Model: n, Firmware: "V5.5.0", At: "2026-08-01"})
	}
	return out
}

// summary writes everything a verification says, to compare two of them.
func summary(v models.Verification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", v.Query.Model, v.Match, v.Verdict)
	if v.Model != nil {
		fmt.Fprintf(&b, " model=%s/%s/%s", v.Model.ID, v.Model.ModelNumber, v.Model.Status)
	}
	for _, c := range v.Candidates {
		fmt.Fprintf(&b, " cand=%s", c.ID)
	}
	for _, r := range v.Reasons {
		fmt.Fprintf(&b, " %s:%s:%+v", r.Code, r.Effect, r.Evidence)
	}
	fmt.Fprintf(&b, " %+v %+v %+v", v.Certificates, v.Warnings, v.Origins)
	return b.String()
}

// TestVerifySnapshotMatchesQueries: the in-memory snapshot answers exactly
// as the queries it replaces (which a transaction still runs), before and
// after each kind of write it follows from the change log.
func TestVerifySnapshotMatchesQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		{
			w := newVerdictWorld(t, st)
			ctx := t.Context()
			compare := func(step string) {
				t.Helper()
				qs := snapshotQueries()
				fromSnap, err := st.VerifyMany(ctx, qs)
				if err != nil {
					t.Fatal(err)
				}
				var fromSQL []models.Verification
				if err := st.InTx(ctx, func(tx *models.Store) error {
					fromSQL, err = tx.VerifyMany(ctx, qs)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				for i := range qs {
					if a, b := summary(fromSnap[i]), summary(fromSQL[i]); a != b {
						t.Errorf("%s, %+v:\nsnapshot %s\nqueries  %s", step, qs[i], a, b)
					}
				}
			}
			compare("as built")
			if _, err := st.UpdateModel(ctx, admin, w.bare.ID, models.ModelInput{ModelNumber: ptr("RENAMED-77")}, nil); err != nil {
				t.Fatal(err)
			}
			compare("after renaming a model")
			fresh := vxModel(t, st, "Imou", "SNAP-NEW-1", "CN")
			c := w.cert(t, "QCVN11-SNAP", std11, "2026-07-02", "2029-07-01", "", fresh)
			w.origin(t, "E-SNAP-1", "2026-01-10", fresh)
			compare("after a new model with documents")
			if _, err := st.UpdateCertificate(ctx, admin, c.ID, models.CertificateInput{
				Models: &[]models.CoveredModelInput{{CameraModelID: w.lot.ID}}}, nil); err != nil {
				t.Fatal(err)
			}
			compare("after moving a certificate to another model")
			w.setCertStatus(t, c, models.CertSuspended, "2026-07-20")
			wr := w.warning(t, "77/SNAP", "stop_sale", "2026-02-01", w.lot, "", "V5.6")
			compare("after a suspension and a warning")
			if _, err := st.UpdateWarning(ctx, admin, wr.ID, models.WarningInput{Status: ptr(models.WarningWithdrawn),
				StatusReason: ptr("fixed"), StatusChangedOn: ptr("2026-05-01")}, nil); err != nil {
				t.Fatal(err)
			}
			gone := vxModel(t, st, "Imou", "SNAP-NEW-2", "VN")
			compare("after a withdrawal and another model")
			if err := st.DeleteModel(ctx, admin, gone.ID, nil); err != nil {
				t.Fatal(err)
			}
			compare("after deleting a model")
			if _, err := st.UpdateStandard(ctx, admin, "0190a000-0000-7000-8000-000000000135",
				models.StandardInput{MandatoryFrom: ptr("2026-06-01")}, nil); err != nil {
				t.Fatal(err)
			}
			compare("after changing a standard")
		}
	})
}

// TestWarmVerify: warming builds the snapshot, so that the first verify
// finds it at the change log's head, and answers as usual.
func TestWarmVerify(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newVerdictWorld(t, st)
		if err := st.WarmVerify(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The Hikvision's old firmware is under an update-firmware warning.
		v, err := st.Verify(t.Context(), models.VerifyQuery{Model: w.hik.ModelNumber, Brand: "Hikvision", At: "2026-08-20"})
		if err != nil || v.Match != models.MatchExact || v.Verdict != models.VerdictWarning || v.Model.ID != w.hik.ID {
			t.Fatalf("%s %s %v", v.Match, v.Verdict, err)
		}
	})
}
