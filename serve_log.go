package main

import (
	"io"
	"sync"
	"time"
)

// requestLogEvery is how long a request's log line may wait in
// batchWriter before it is written out.
const requestLogEvery = 100 * time.Millisecond

// requestLogBytes is how many bytes of lines batchWriter holds before it
// writes them out without waiting.
const requestLogBytes = 32 << 10

// batchWriter collects `camreg serve`'s request log lines (one per
// request: api.Config.RequestLogger) and writes them out together, every
// requestLogEvery, when it holds requestLogBytes, and on Close. Each Write
// is kept whole (slog writes one line per call), so lines never mix.
//
// Profiled under wrk (BENCHMARKS.md, "Verify cold: the request log
// batched ..."): on a cold verify run, logging a request was 5-8 % of the
// server's CPU, of which the write(2) to stderr per request, under slog's
// lock, 2-4 %. What it costs: the
// lines of the last requestLogEvery are lost if the process is killed
// outright (a graceful stop writes them), and they may come out after
// other log lines written meanwhile. The answers of 5xx are logged at once
// by the main logger (api's logRequests), as are all other lines.
type batchWriter struct {
	out io.Writer

	mu  sync.Mutex
	buf []byte
	// flushMu orders the writes out, so that lines leave in the order
	// they came in.
	flushMu sync.Mutex
	spare   []byte

	stop chan struct{}
	done chan struct{}
}

// newBatchWriter writes to out, batched, until Close.
func newBatchWriter(out io.Writer, every time.Duration) *batchWriter {
	w := &batchWriter{out: out, buf: make([]byte, 0, requestLogBytes), spare: make([]byte, 0, requestLogBytes),
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.Flush()
			case <-w.stop:
				return
			}
		}
	}()
	return w
}

// Write keeps p, a line, to be written out with the next batch.
func (w *batchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	full := len(w.buf) >= requestLogBytes
	w.mu.Unlock()
	if full {
		w.Flush()
	}
	return len(p), nil
}

// Flush writes out the lines kept so far.
func (w *batchWriter) Flush() {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	b := w.buf
	w.buf = w.spare[:0]
	w.mu.Unlock()
	if len(b) > 0 {
		// A failed write to the log has nowhere to be told.
		_, _ = w.out.Write(b)
	}
	if cap(b) > 4*requestLogBytes {
		b = make([]byte, 0, requestLogBytes)
	}
	w.spare = b[:0]
}

// Close stops the batching and writes out what is left.
func (w *batchWriter) Close() {
	close(w.stop)
	<-w.done
	w.Flush()
}
