package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// run is one command the suite ran, with what it cost.
type run struct {
	Seconds float64
	// PeakRSS is the process's maximum resident set size, from wait4's
	// rusage (what /usr/bin/time -v prints), in bytes.
	PeakRSS int64
	// CPUSeconds is the process's user and system time: on a shared
	// machine, what the work cost, whatever share of the cores it got.
	CPUSeconds float64
	Stdout     string
}

// command is a process to run: the binary, its arguments and the
// environment it gets on top of the suite's own.
type command struct {
	env  []string
	name string
	args []string
	dir  string
}

// String is the command as a shell line, for BENCHMARKS.md, with its
// secrets (API keys) written as $KEY.
func (c command) String() string {
	var parts []string
	for _, e := range c.env {
		if name, _, _ := strings.Cut(e, "="); name == "MEILI_API_KEY" {
			e = name + "=$KEY"
		}
		parts = append(parts, e)
	}
	parts = append(parts, c.name)
	for i, a := range c.args {
		switch {
		case i > 0 && c.args[i-1] == "--key":
			a = "$KEY"
		case strings.ContainsAny(a, " ,'\"&;"):
			a = "'" + a + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

func (c command) cmd(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.name, c.args...)
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Dir = c.dir
	return cmd
}

// exec runs c to the end, with its stderr passed through (progress) and
// its stdout kept and passed through too.
func (s *suite) exec(ctx context.Context, c command) (*run, error) {
	s.commands = append(s.commands, s.shorten(c.String()))
	cmd := c.cmd(ctx)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, s.log)
	cmd.Stderr = s.log
	start := time.Now()
	err := cmd.Run()
	r := &run{Seconds: time.Since(start).Seconds(), Stdout: out.String(), PeakRSS: peakRSS(cmd.ProcessState)}
	if ps := cmd.ProcessState; ps != nil {
		r.CPUSeconds = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", c, err)
	}
	return r, nil
}

func peakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // kilobytes on Linux
	}
	return 0
}

// server is a running `camreg serve`.
type server struct {
	url     string
	key     string
	pid     int
	startup time.Duration
	proc    *os.Process
	exited  chan struct{}
	state   func() *os.ProcessState
	log     *os.File
}

// startServer starts camreg serve and waits for /readyz to answer 200; the
// wait is the start-up time.
func (s *suite) startServer(ctx context.Context, env []string, logName string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	c := command{env: append(append([]string{}, env...), "CAMREG_ADDR="+addr,
		"CAMREG_RATE_LIMITS=public=1000000:1000000,admin=1000000:1000000"), name: s.bin, args: []string{"serve"}}
	s.commands = append(s.commands, s.shorten(c.String()))
	logf, err := os.Create(s.path(logName))
	if err != nil {
		return nil, err
	}
	cmd := c.cmd(context.Background())
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	srv := &server{url: "http://" + addr, pid: cmd.Process.Pid, proc: cmd.Process, exited: make(chan struct{}),
		state: func() *os.ProcessState { return cmd.ProcessState }, log: logf}
	go func() { _ = cmd.Wait(); close(srv.exited) }()
	deadline := time.Now().Add(s.readyTimeout)
	for !ready(srv.url) {
		select {
		case <-srv.exited:
			logf.Close()
			return nil, fmt.Errorf("camreg serve exited before it was ready: see %s", logf.Name())
		case <-ctx.Done():
			srv.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, fmt.Errorf("camreg serve was not ready after %s: see %s", s.readyTimeout, logf.Name())
		}
	}
	srv.startup = time.Since(start)
	return srv, nil
}

// stop asks the server to shut down (SIGTERM, then SIGKILL after 30 s)
// and returns its peak RSS over its whole life.
func (srv *server) stop() int64 {
	_ = srv.proc.Signal(syscall.SIGTERM)
	select {
	case <-srv.exited:
	case <-time.After(30 * time.Second):
		_ = srv.proc.Kill()
		<-srv.exited
	}
	srv.log.Close()
	return peakRSS(srv.state())
}

func ready(base string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(base + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// freePort asks the kernel for a port free on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
