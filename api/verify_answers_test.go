package api

import "testing"

// An answer is kept on its question's second asking at a head, not its
// first; a later head forgets the questions noted at the earlier one, and
// an answer at an earlier head than the kept ones is not kept.
func TestVerifyAnswersKeepOnTheSecondAsking(t *testing.T) {
	var a verifyAnswers
	if a.keep(5, "q1") {
		t.Fatal("kept on the first asking")
	}
	if _, ok := a.get(5, "q1"); ok {
		t.Fatal("an answer found that was never put")
	}
	if !a.keep(5, "q1") {
		t.Fatal("not kept on the second asking")
	}
	a.put(5, "q1", []byte("answer 1"))
	if b, ok := a.get(5, "q1"); !ok || string(b) != "answer 1" {
		t.Fatalf("get = %q, %v; want the answer kept", b, ok)
	}
	if a.keep(5, "q2") {
		t.Error("another question kept on its first asking")
	}
	// The head moves: answers and questions of head 5 are forgotten.
	if a.keep(6, "q1") {
		t.Error("kept at a new head on the question's first asking there")
	}
	if _, ok := a.get(6, "q1"); ok {
		t.Error("an answer of head 5 served at head 6")
	}
	if a.keep(5, "q1") || a.keep(5, "q1") {
		t.Error("kept at head 5 once head 6 was seen")
	}
	if !a.keep(6, "q1") {
		t.Error("not kept on the second asking at head 6")
	}
}

// The questions noted are bounded: past maxVerifyAsked they start afresh.
func TestVerifyAnswersAskedIsBounded(t *testing.T) {
	var a verifyAnswers
	for i := range maxVerifyAsked + 10 {
		a.keep(1, string(rune(i))+"/q")
	}
	if n := len(a.asked); n > maxVerifyAsked {
		t.Errorf("%d questions noted; want at most %d", n, maxVerifyAsked)
	}
}
