package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
)

func TestStatusInEffectOn(t *testing.T) {
	d := func(s string) models.Date {
		x, err := models.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	st := models.Status{Status: models.CertSuspended, StatusChangedOn: d("2026-05-10")}
	if st.InEffectOn(d("2026-05-09")) || !st.InEffectOn(d("2026-05-10")) || !st.InEffectOn(d("2027-01-01")) {
		t.Error("a dated status takes effect on its date, not before")
	}
	if !(models.Status{Status: models.WarningActive}).InEffectOn(d("2000-01-01")) {
		t.Error("an undated status is always in effect")
	}
}

// TestStatusFilters: the three lifecycles filter their lists by their own
// statuses, and name them when given another.
func TestStatusFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		_, err := st.FindCertificates(ctx, models.CertificateFilter{Status: "withdrawn"}, models.PageRequest{})
		if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), "pending, valid, suspended, revoked, rejected") {
			t.Errorf("certificates: %v", err)
		}
		_, err = st.FindWarnings(ctx, models.WarningFilter{Status: "valid"}, models.PageRequest{})
		if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), "active, withdrawn") {
			t.Errorf("warnings: %v", err)
		}
		_, err = st.FindOriginCertificates(ctx, models.OriginCertificateFilter{Status: "suspended"}, models.PageRequest{})
		if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), "valid, revoked") {
			t.Errorf("C/Os: %v", err)
		}
		for _, f := range []func() error{
			func() error {
				_, err := st.FindCertificates(ctx, models.CertificateFilter{Status: "suspended"}, models.PageRequest{})
				return err
			},
			func() error {
				_, err := st.FindWarnings(ctx, models.WarningFilter{Status: "withdrawn"}, models.PageRequest{})
				return err
			},
			func() error {
				_, err := st.FindOriginCertificates(ctx, models.OriginCertificateFilter{Status: "revoked"}, models.PageRequest{})
				return err
			},
		} {
			if err := f(); err != nil {
				t.Errorf("a status of the lifecycle: %v", err)
			}
		}
	})
}

// TestFindingLifecycleIsAStatusMachine: findings move through the same
// status machine as certificates, C/Os and warnings; a move it does not
// allow is a conflict naming what is allowed, and final statuses allow none.
func TestFindingLifecycleIsAStatusMachine(t *testing.T) {
	for _, c := range []struct {
		from, to, want string
	}{
		{models.FindingOpen, models.FindingConfirmed, ""},
		{models.FindingOpen, models.FindingDismissed, ""},
		{models.FindingConfirmed, models.FindingResolved, ""},
		{models.FindingOpen, models.FindingResolved, "it can become confirmed, dismissed, not resolved"},
		{models.FindingResolved, models.FindingOpen, "which is final"},
		{models.FindingDismissed, models.FindingConfirmed, "which is final"},
	} {
		err := models.FindingMove("f1", c.from, c.to)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s → %s: %v", c.from, c.to, err)
		case c.want != "" && (!errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s → %s: %v, want a conflict saying %q", c.from, c.to, err, c.want)
		}
	}
}
