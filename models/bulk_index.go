package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Secondary indexes set aside during a bulk load. A listing goes into the
// table and three indexes; listings_model's inserts land at random (the
// national file comes trader by trader, a model's listings are spread over
// it), so that at 2,000,000 listings each row dirtied about one page of it
// and the index was some 60 % of the table's insert cost (BENCHMARKS.md).
// When a load at least doubles the table, the import drops such indexes
// before its writing pass and builds them again after it, from the sorted
// table, in one statement each.
//
// Every drop is first recorded in deferred_indexes (migration 00037), with
// the index's own definition as the database reports it, in the drop's
// transaction; building them again deletes the record in the build's
// transaction. An import that stops (an error, an interrupt) builds them
// on its way out; one that is killed leaves the record, and the next
// camreg that opens the registry with its migrations (serve, import, gen
// --load, migrate) builds them (RestoreDeferredIndexes). Until then only
// the lookups those indexes serve are slower: no index dropped here is
// unique, and the natural key's, which the import reads, is kept.

// bulkDeferrable are, per table, the indexes a bulk load may set aside.
var bulkDeferrable = map[string][]string{
	"listings": {"listings_model", "listings_province_id"},
}

// DeferIndexesForBulk drops the deferrable indexes of table, recording
// each, and returns their names. The caller builds them again with
// RestoreDeferredIndexes when its load ends, whatever its outcome.
func (s *Store) DeferIndexesForBulk(ctx context.Context, table string) ([]string, error) {
	names := bulkDeferrable[table]
	if len(names) == 0 {
		return nil, nil
	}
	var dropped []string
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		for _, name := range names {
			ddl, err := s.indexDDL(ctx, tx, name)
			if err != nil {
				return err
			}
			if ddl == "" {
				// Gone already (another load set it aside): left to it.
				continue
			}
			if _, err := tx.ExecContext(ctx, s.rebind("INSERT INTO deferred_indexes (name, table_name, ddl) VALUES (?, ?, ?)"), name, table, ddl); err != nil {
				return fmt.Errorf("record index %s: %w", name, err)
			}
			if _, err := tx.ExecContext(ctx, "DROP INDEX "+name); err != nil {
				return fmt.Errorf("drop index %s: %w", name, err)
			}
			dropped = append(dropped, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set aside the indexes of %s: %w", table, err)
	}
	return dropped, nil
}

// RestoreDeferredIndexes builds every index a bulk load set aside and has
// not built again (all of them when table is empty, else table's), each
// in one transaction with the removal of its record.
func (s *Store) RestoreDeferredIndexes(ctx context.Context, table string) error {
	q, args := "SELECT name, ddl FROM deferred_indexes ORDER BY name", []any{}
	if table != "" {
		q, args = s.rebind("SELECT name, ddl FROM deferred_indexes WHERE table_name = ? ORDER BY name"), []any{table}
	}
	rows, err := s.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read the indexes set aside: %w", err)
	}
	var todo [][2]string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return fmt.Errorf("read the indexes set aside: %w", err)
		}
		todo = append(todo, [2]string{name, ddl})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the indexes set aside: %w", err)
	}
	if len(todo) == 0 {
		return nil
	}
	// The build sorts the table's keys: on SQLite in temporary files, not
	// in memory as the connections' temp_store has it, and in runs of the
	// page cache's size, here 4 MiB (a batch's connection keeps 32): the
	// two indexes over 500,000 listings in the sqlite3 shell, 69 MB of
	// peak RSS with a 32 MiB cache, 12 MB with 4 MiB, and no more CPU.
	var set, undo []string
	if s.dialect == SQLite {
		set = []string{"PRAGMA temp_store = FILE", "PRAGMA cache_size = -4096"}
		undo = []string{"PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -2000"}
	}
	conn, done, err := s.pinConn(ctx, "building indexes", set, undo)
	if err != nil {
		return err
	}
	defer done()
	for _, ix := range todo {
		err := connTx(ctx, conn, func(tx *sql.Tx) error {
			ddl, err := s.indexDDL(ctx, tx, ix[0])
			if err != nil {
				return err
			}
			if ddl == "" {
				if _, err := tx.ExecContext(ctx, ix[1]); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, s.rebind("DELETE FROM deferred_indexes WHERE name = ?"), ix[0])
			return err
		})
		if err != nil {
			return fmt.Errorf("build index %s again: %w", ix[0], err)
		}
	}
	return nil
}

// indexDDL is the statement that creates the index name, as the database
// stores it, or "" when there is no such index.
func (s *Store) indexDDL(ctx context.Context, tx *sql.Tx, name string) (string, error) {
	q := "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?"
	if s.dialect == Postgres {
		q = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1"
	}
	var ddl sql.NullString
	err := tx.QueryRowContext(ctx, q, name).Scan(&ddl)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the definition of index %s: %w", name, err)
	}
	return ddl.String, nil
}

// rebind turns a statement's ? placeholders into PostgreSQL's $n.
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres {
		return q
	}
	out := make([]byte, 0, len(q)+8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, fmt.Sprintf("$%d", n)...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

// rawTx runs fn in a transaction of database/sql, committed when fn
// returns nil.
func (s *Store) rawTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// connTx is rawTx on one connection.
func connTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// TableRows counts the rows of a table.
func (s *Store) TableRows(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}
