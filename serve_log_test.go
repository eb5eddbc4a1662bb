package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the batch writer's goroutine.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestBatchWriterKeepsLinesWholeAndInOrder: lines from several goroutines
// come out whole, each goroutine's in its order, in fewer writes than
// lines; nothing is written before a flush (the ticker is an hour here)
// unless the batch is full; Close writes out the rest.
func TestBatchWriterKeepsLinesWholeAndInOrder(t *testing.T) {
	out := &lockedBuffer{}
	w := newBatchWriter(out, time.Hour)
	fmt.Fprintf(w, "first\n")
	if got := out.String(); got != "" {
		t.Fatalf("written before a flush: %q", got)
	}
	const goroutines, lines = 4, 3000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "{\"g\":%d,\"i\":%d,\"pad\":%q}\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	if out.String() == "" {
		t.Fatal("a full batch was not written out")
	}
	w.Close()
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != 1+goroutines*lines || got[0] != "first" {
		t.Fatalf("%d lines, first %q; want %d, first", len(got), got[0], 1+goroutines*lines)
	}
	next := make([]int, goroutines)
	for _, l := range got[1:] {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(l, "{\"g\":%d,\"i\":%d,\"pad\":%q}", &g, &i, &pad); err != nil || pad != strings.Repeat("x", i%50) {
			t.Fatalf("line %q not whole: %v", l, err)
		}
		if i != next[g] {
			t.Fatalf("goroutine %d: line %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
	if out.writes >= len(got)/10 {
		t.Errorf("%d writes for %d lines: not batched", out.writes, len(got))
	}
}

// TestBatchWriterFlushesOnItsTicker: a line is written out without Close.
func TestBatchWriterFlushesOnItsTicker(t *testing.T) {
	out := &lockedBuffer{}
	w := newBatchWriter(out, time.Millisecond)
	defer w.Close()
	fmt.Fprintf(w, "line\n")
	for i := 0; out.String() == ""; i++ {
		if i > 5000 {
			t.Fatal("the line was never written out")
		}
		time.Sleep(time.Millisecond)
	}
	if got := out.String(); got != "line\n" {
		t.Errorf("got %q", got)
	}
}
