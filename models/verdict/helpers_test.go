package verdict_test

import (
	"testing"
	"time"

	"camreg/civil"
	"camreg/models/verdict"
)

// day parses a YYYY-MM-DD test date.
func day(t *testing.T, s string) civil.Date {
	t.Helper()
	if s == "" {
		return civil.Date{}
	}
	d, err := civil.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// model is a hand-made camera model row.
func model(id, brand, number, origin string) verdict.Model {
	p := verdict.Parse(verdict.Query{Model: number, Brand: brand}, civil.NewDate(2026, time.January, 1))
	return verdict.Model{ID: id, Brand: brand, BrandKey: p.BrandKey, ModelNumber: number, ModelKey: p.Key, LooseKey: p.Loose,
		OriginCountry: origin, Status: verdict.ModelVerified}
}

// standards are QCVN 135 (in force 2025-02-15..2026-06-30, mandatory from
// 2026-01-01, superseded by QCVN 11) and QCVN 11 (in force and mandatory
// from 2026-07-01), as the registry seeds them.
func standards(t *testing.T) []verdict.Standard {
	return []verdict.Standard{
		{Code: "QCVN 135:2024/BTTTT", EffectiveFrom: day(t, "2025-02-15"), MandatoryFrom: day(t, "2026-01-01"),
			EffectiveTo: day(t, "2026-06-30"), SupersededBy: "QCVN 11:2025/BKHCN"},
		{Code: "QCVN 11:2025/BKHCN", EffectiveFrom: day(t, "2026-07-01"), MandatoryFrom: day(t, "2026-07-01")},
	}
}

// judge evaluates one exact match of m on date at, with firmware fw.
func judge(t *testing.T, m verdict.Model, d *verdict.Data, at, fw string) verdict.Verification {
	t.Helper()
	q := verdict.Parse(verdict.Query{Model: m.ModelNumber, Brand: m.Brand, Firmware: fw}, day(t, at))
	return verdict.Evaluate(q, verdict.Exact(&m), d)
}

// codes lists the reasons' codes with their effects, strongest first.
func codes(v verdict.Verification) []string {
	out := make([]string, len(v.Reasons))
	for i, r := range v.Reasons {
		out[i] = r.Code + ":" + r.Effect
	}
	return out
}
