package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"camreg/migrations"
	"camreg/models"
	"camreg/models/testdb"
)

const (
	killRows  = 3000
	killBatch = 50
)

// TestKillMidImport runs an import in a child process (this test binary,
// re-executed), kills it with SIGKILL after a few batches have committed,
// and checks that only whole batches are in the registry, that the change
// log is intact, and that running the import again completes it.
func TestKillMidImport(t *testing.T) {
	if os.Getenv("CAMREG_KILL_CHILD_DSN") != "" {
		t.Skip("this is the child")
	}
	for _, b := range testdb.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			st := openMigrated(t, dsn)
			path := filepath.Join(t.TempDir(), "models.csv")
			var sb strings.Builder
			sb.WriteString("Hãng sản xuất,Mã sản phẩm,Tên sản phẩm\n")
			for i := 0; i < killRows; i++ {
				fmt.Fprintf(&sb, "Brand%d,KM-%05d,Camera %d\n", i%7, i, i)
			}
			if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
			cmd.Env = append(os.Environ(), "CAMREG_KILL_CHILD_DSN="+dsn, "CAMREG_KILL_CHILD_FILE="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			commits := 0
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "COMMITTED ") {
					if commits++; commits == 3 {
						break
					}
				}
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if commits < 3 {
				t.Fatalf("the child committed %d batches before it ended; it should still be running", commits)
			}

			ctx := context.Background()
			c, err := st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := c["camera_models"]
			t.Logf("killed after %d rows", n)
			if n == 0 || n >= killRows || n%killBatch != 0 {
				t.Fatalf("%d models after the kill: want a positive multiple of the batch size %d below %d", n, killBatch, killRows)
			}
			if c["events"] != n {
				t.Fatalf("%d events for %d models", c["events"], n)
			}
			if _, err := st.VerifyChain(ctx); err != nil {
				t.Fatalf("change log after the kill: %v", err)
			}

			sum, err := Import(ctx, st, path, Options{Entity: "models", Actor: models.System("test"), BatchSize: killBatch})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created != killRows-int(n) || sum.Unchanged != int(n) {
				t.Fatalf("re-run: %+v, want %d created and %d unchanged", sum.Counts, killRows-n, n)
			}
			c, _ = st.Counts(ctx)
			if c["camera_models"] != killRows || c["events"] != killRows {
				t.Fatalf("after the re-run: %v", c)
			}
			if _, err := st.VerifyChain(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestKillChild is the child of TestKillMidImport: it imports, telling
// the parent of each committed batch.
func TestKillChild(t *testing.T) {
	dsn := os.Getenv("CAMREG_KILL_CHILD_DSN")
	if dsn == "" {
		t.Skip("run by TestKillMidImport only")
	}
	st, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(context.Background(), st, os.Getenv("CAMREG_KILL_CHILD_FILE"), Options{
		Entity: "models", Actor: models.System("test"), BatchSize: killBatch,
		afterCommit: func(rows int) {
			// No pause: the kill lands wherever the child is, most
			// likely inside the next batch's transaction.
			fmt.Println("COMMITTED " + strconv.Itoa(rows))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openMigrated(t *testing.T, dsn string) *models.Store {
	t.Helper()
	st, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := migrations.Up(context.Background(), st.DB(), string(st.Dialect())); err != nil {
		t.Fatal(err)
	}
	return st
}
