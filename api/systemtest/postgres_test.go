package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// privatePostgres is a PostgreSQL cluster of the test's own, in a temp
// dir, on a free loopback port: a test may restart or stop it without
// disturbing anyone else's (the shared server of CAMREG_TEST_PG never is).
type privatePostgres struct {
	bin, dir, data string
	port           int
}

// startPrivatePostgres runs initdb and starts the cluster, or skips the
// test with a note when PostgreSQL's server binaries are not installed.
// initdb refuses to run as root, so as root the cluster is the postgres
// user's.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("note: no /usr/lib/postgresql/*/bin/initdb, so the private PostgreSQL cluster cannot be made: skipped")
	}
	sort.Strings(bins)
	dir, err := os.MkdirTemp("", "camreg-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("note: running as root without a postgres user, so initdb cannot run: skipped")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	pg := &privatePostgres{bin: filepath.Dir(bins[len(bins)-1]), dir: dir, data: filepath.Join(dir, "data"), port: freePort(t)}
	if out, err := pg.command("initdb", "-D", pg.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n", pg.port, dir)
	f, err := os.OpenFile(filepath.Join(pg.data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pg.ctl(t, "start")
	t.Cleanup(func() { _ = pg.command("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "stop").Run() })
	return pg
}

// command is a PostgreSQL program, run as the postgres user when the test
// runs as root.
func (pg *privatePostgres) command(program string, args ...string) *exec.Cmd {
	path := filepath.Join(pg.bin, program)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// ctl runs pg_ctl start, stop or restart (fast shutdown), waiting for it.
func (pg *privatePostgres) ctl(t *testing.T, action string) {
	t.Helper()
	args := []string{"-D", pg.data, "-l", filepath.Join(pg.dir, "log"), "-w", "-t", "60"}
	if action != "start" {
		args = append(args, "-m", "fast")
	}
	if out, err := pg.command("pg_ctl", append(args, action)...).CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl %s: %v\n%s", action, err, out)
	}
}

// url is the cluster's postgres database.
func (pg *privatePostgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// signal sends sig to every process of the cluster: the postmaster (its
// pid heads postmaster.pid) and its children (the backends and workers).
func (pg *privatePostgres) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pg.data, "postmaster.pid"))
	if err != nil {
		t.Fatalf("read postmaster.pid: %v", err)
	}
	postmaster, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	pids := []int{postmaster}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, stat := range stats {
		raw, err := os.ReadFile(stat)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(postmaster) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(stat)))
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil {
			t.Errorf("signal %d: %v", pid, err)
		}
	}
}
