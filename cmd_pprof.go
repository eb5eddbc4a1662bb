package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	runpprof "runtime/pprof"
	"time"
)

// servePprof serves Go's profiler (/debug/pprof/) on its own listener when
// CAMREG_PPROF_ADDR names one, to profile a running server under load: go
// tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=20. It is
// not part of the API and listens on a loopback address only: a profile
// shows the server's memory, so an address another host can reach is
// refused. /debug/pprof/mutex and /debug/pprof/block sample contention.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("pprof address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("pprof address %q: give a loopback address such as 127.0.0.1:6060; the profiler is never served to other hosts", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Warn("pprof stopped", slog.String("error", err.Error()))
		}
	}()
	// Contention too, for a soak's profile: which locks and waits (the
	// SQLite writer, the connection pool, admission) hold requests back.
	// Sampled (one mutex wait in 20, blocking of 100 µs or more), so that
	// the profile does not slow what it measures.
	runtime.SetMutexProfileFraction(20)
	runtime.SetBlockProfileRate(100_000)
	log.Info("profiler", slog.String("addr", ln.Addr().String()))
	return nil
}

// startCPUProfile profiles this process's CPU into path until the returned
// stop is called: `camreg import --cpuprofile` profiles one import end to
// end, as an operator runs it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := runpprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { runpprof.StopCPUProfile(); f.Close() }, nil
}
