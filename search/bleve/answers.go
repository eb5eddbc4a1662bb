package bleve

import "camreg/search"

// AnswerBytes is the size (roughly estimated: the strings' lengths and a
// fixed cost a hit and a facet) of the answers a serving index remembers
// when Options.Answers is set, in the store the shared indexes use too
// (search.Answers, keyed here by the live index's write generation). The
// load's mix of `make bench` (some 5,500 queries with their type filters)
// takes about 20 MB. The records themselves are never remembered: the API
// loads the hits from the database for each request.
const AnswerBytes = search.AnswerBytes
