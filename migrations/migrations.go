// Package migrations holds camreg's versioned SQL schema, one directory per
// database (sqlite/ and postgres/, with the same version numbers), embedded
// in the binary and applied with goose.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Provider returns a goose provider for the dialect ("sqlite" or "postgres").
func Provider(db *sql.DB, dialect string) (*goose.Provider, error) {
	var d goose.Dialect
	switch dialect {
	case "sqlite":
		d = goose.DialectSQLite3
	case "postgres":
		d = goose.DialectPostgres
	default:
		return nil, fmt.Errorf("no migrations for database %q", dialect)
	}
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(d, db, sub)
}

// Up applies every pending migration and returns the schema version.
func Up(ctx context.Context, db *sql.DB, dialect string) (int64, error) {
	p, err := Provider(db, dialect)
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate up: %w", err)
	}
	return p.GetDBVersion(ctx)
}
