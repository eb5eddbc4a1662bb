package main

import (
	"math/rand/v2"

	"camreg/fold"
	"camreg/search/searchtest"
)

// queryMaker holds what the field and red-team generators share: their
// random stream, the queries made so far (a text once), and how a model
// query and a trader query find their wanted records.
type queryMaker struct {
	c       *searchtest.Corpus
	r       *rand.Rand
	answers func(kind, q string, o searchtest.CorpusOrganization) bool
	dense   []searchtest.CorpusModel
	out     []searchtest.RelevanceQuery
	seen    map[string]bool
}

func newQueryMaker(c *searchtest.Corpus, fams [][]searchtest.CorpusModel, r *rand.Rand,
	answers func(kind, q string, o searchtest.CorpusOrganization) bool) *queryMaker {
	qm := &queryMaker{c: c, r: r, answers: answers, seen: map[string]bool{}}
	for _, f := range fams {
		qm.dense = append(qm.dense, f...)
	}
	return qm
}

// addModel adds q of kind, wanting every model of m's key.
func (qm *queryMaker) addModel(kind, q string, m searchtest.CorpusModel) bool {
	if q == "" || qm.seen[q] {
		return false
	}
	var want []string
	for _, o := range qm.c.Models {
		if fold.Key(o.ModelNumber) == fold.Key(m.ModelNumber) {
			want = append(want, o.ID)
		}
	}
	qm.seen[q] = true
	qm.out = append(qm.out, searchtest.RelevanceQuery{Q: q, Kind: kind, Want: want})
	return true
}

// addOrg adds q of kind, wanting the traders that answer it by the rule,
// when one to three do.
func (qm *queryMaker) addOrg(kind, q string) bool {
	if q == "" || qm.seen[q] {
		return false
	}
	want := answering(qm.c.Organizations, kind, q, qm.answers)
	if want == nil {
		return false
	}
	qm.seen[q] = true
	qm.out = append(qm.out, searchtest.RelevanceQuery{Q: q, Kind: kind, Want: want})
	return true
}

// model is a model from the dense families half of the time.
func (qm *queryMaker) model() searchtest.CorpusModel {
	if qm.r.IntN(2) == 0 {
		return qm.dense[qm.r.IntN(len(qm.dense))]
	}
	return qm.c.Models[qm.r.IntN(len(qm.c.Models))]
}

func (qm *queryMaker) pick(xs []string) string { return xs[qm.r.IntN(len(xs))] }

// repeatModel makes n queries with f from random models (f says whether
// it made one), giving up after 50 tries a query.
func (qm *queryMaker) repeatModel(n int, f func(m searchtest.CorpusModel) bool) {
	for made, tries := 0, 0; made < n && tries < n*50; tries++ {
		if f(qm.model()) {
			made++
		}
	}
}

// repeatOrg is repeatModel over random traders.
func (qm *queryMaker) repeatOrg(n int, f func(o searchtest.CorpusOrganization) bool) {
	for made, tries := 0, 0; made < n && tries < n*50; tries++ {
		if f(qm.c.Organizations[qm.r.IntN(len(qm.c.Organizations))]) {
			made++
		}
	}
}
