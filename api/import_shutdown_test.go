package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"camreg/importer"
	"camreg/models"
)

// TestShutdownStopsImportJobs: a graceful shutdown cancels the running
// import jobs and waits for them; a stopped job is marked failed, says how
// to complete it, and leaves whole batches only.
func TestShutdownStopsImportJobs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		const rows = 3 * importer.DefaultBatchSize
		var sb strings.Builder
		sb.WriteString("brand,model_number,name\n")
		for i := 0; i < rows; i++ {
			fmt.Fprintf(&sb, "Brand%d,SD-%06d,Camera %d\n", i%7, i, i)
		}
		loc := e.upload(e.admin, map[string]string{"entity": "models", "skip_invalid": "true"}, "m.csv", []byte(sb.String())).
			want(http.StatusAccepted).Header().Get("Location")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.srv.imports.stop(ctx); err != nil {
			t.Fatalf("shutdown did not wait for the job: %v", err)
		}
		// stop has returned: the job has ended, and says how.
		var j job
		if err := json.Unmarshal(e.do(http.MethodGet, loc, e.admin, nil).want(http.StatusOK).Body.Bytes(), &j); err != nil {
			t.Fatal(err)
		}
		switch j.Status {
		case models.JobSucceeded: // it finished before the shutdown reached it
			if j.Created != rows {
				t.Fatalf("succeeded job: %+v", j)
			}
		case models.JobFailed:
			if j.Error != errShutdown {
				t.Fatalf("stopped job's error: %q", j.Error)
			}
		default:
			t.Fatalf("job still %s after shutdown", j.Status)
		}
		counts, err := e.store.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := counts["camera_models"]
		if n%importer.DefaultBatchSize != 0 {
			t.Fatalf("%d models stored: not whole batches of %d", n, importer.DefaultBatchSize)
		}
		// A job sent after shutdown began stops at once, marked the same way.
		loc = e.upload(e.admin, map[string]string{"entity": "models"}, "m.csv", []byte(sb.String())).
			want(http.StatusAccepted).Header().Get("Location")
		if j = e.waitJob(e.admin, loc); j.Status != models.JobFailed || j.Error != errShutdown {
			t.Fatalf("job after shutdown: %+v", j)
		}
	})
}
