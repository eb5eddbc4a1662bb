package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The states of an import job.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
)

// ImportJob is a bulk import sent over HTTP and run in the background. Its
// state is kept in the database rather than in memory, so that any camreg
// process can report it. It is bookkeeping, not registry data: the rows it
// imports are written through the services, each with its change-log
// event, and the job itself writes no event.
type ImportJob struct {
	ID     string `gorm:"primaryKey"`
	Entity string
	// FleetID is the fleet a devices import writes into.
	FleetID string
	// ReplaceInventory: the devices file replaces the fleet's inventory.
	ReplaceInventory bool
	Format           string
	Filename         string
	Status           string
	DryRun           bool
	SkipInvalid      bool
	// CreatorKey is the id of the API key that started the job; only it
	// (and an admin) may read the job.
	CreatorKey string
	CreatorOrg *string
	CreatedAt  time.Time
	// UpdatedAt is refreshed with every progress report, so a running job
	// whose process died can be told from a slow one.
	UpdatedAt  time.Time
	FinishedAt *time.Time
	Phase      string
	RowsDone   int
	BytesDone  int64
	BytesTotal int64
	Created    int
	Updated    int
	Unchanged  int
	Invalid    int
	Error      string
	// Report is the row report, a JSON array of invalid rows.
	Report string
}

// TableName is the table of import jobs.
func (ImportJob) TableName() string { return "import_jobs" }

// CreateImportJob stores a new job, giving it an id and its timestamps.
func (s *Store) CreateImportJob(ctx context.Context, j *ImportJob) error {
	j.ID = newID()
	j.CreatedAt = s.timestamp()
	j.UpdatedAt = j.CreatedAt
	if j.Status == "" {
		j.Status = JobQueued
	}
	if j.Report == "" {
		j.Report = "[]"
	}
	// A request with an Idempotency-Key marks it with the job, in one
	// transaction: a retried upload never starts a second job.
	var idem *IdempotencyKey
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(j).Error; err != nil {
			return fmt.Errorf("create import job: %w", err)
		}
		var err error
		idem, err = markIdempotencyKeyAs(ctx, tx, "import_job/"+j.ID)
		return err
	})
	if err != nil {
		return err
	}
	if idem != nil {
		idem.marked = true
	}
	return nil
}

// SaveImportJob writes a job's progress and outcome, stamping UpdatedAt.
func (s *Store) SaveImportJob(ctx context.Context, j *ImportJob) error {
	j.UpdatedAt = s.timestamp()
	if err := s.db.WithContext(ctx).Select("*").Omit("id", "created_at").Where("id = ?", j.ID).Updates(j).Error; err != nil {
		return fmt.Errorf("save import job %s: %w", j.ID, err)
	}
	return nil
}

// GetImportJob loads a job. Errors: ErrNotFound.
func (s *Store) GetImportJob(ctx context.Context, id string) (*ImportJob, error) {
	return get[ImportJob](s.db.WithContext(ctx), id, "import job")
}
