package models

import (
	"fmt"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// jsonRow has a column of each kind the batch services store.
type jsonRow struct {
	ID      string
	Name    *string
	Count   int
	Big     int64
	Flag    bool
	Ratio   float64
	At      time.Time
	On      Date
	Until   Date
	Changed *Date
}

// TestInsertJSONStoresAsBound: a row inserted from a JSON array is stored
// byte for byte as the driver stores it bound (gorm's INSERT): the same
// text, integers, reals, NULLs and time format.
func TestInsertJSONStoresAsBound(t *testing.T) {
	db, err := gorm.Open(sqlite.Open(sqliteDSN(fmt.Sprintf("file:%s?mode=memory&cache=shared", t.Name()))), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []string{"a", "b"} {
		if err := db.Exec("CREATE TABLE " + tbl + " (id TEXT PRIMARY KEY, name TEXT, count INTEGER, big BIGINT, flag BOOLEAN, ratio REAL, at TIMESTAMP, \"on\" DATE, until DATE, changed DATE)").Error; err != nil {
			t.Fatal(err)
		}
	}
	name, day := "Công ty \"A\" 7", NewDate(2026, 2, 15)
	rows := []*jsonRow{
		{ID: "1", Name: &name, Count: 7, Big: 1 << 60, Flag: true, Ratio: 0.1, At: time.Date(2026, 12, 6, 21, 0, 0, 123456000, time.UTC), On: day, Changed: &day},
		{ID: "2", Count: -3, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("ICT", 7*3600))},
	}
	if err := db.Table("a").Create(rows).Error; err != nil {
		t.Fatal(err)
	}
	done, err := insertJSON(db.Table("b"), rows, "rows")
	if !done || err != nil {
		t.Fatalf("insertJSON: %v %v", done, err)
	}
	q := "SELECT quote(id), quote(name), quote(count), quote(big), quote(flag), quote(ratio), quote(at), quote(\"on\"), quote(until), quote(changed) FROM %s ORDER BY id"
	var a, b []map[string]any
	if err := db.Raw(fmt.Sprintf(q, "a")).Scan(&a).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(fmt.Sprintf(q, "b")).Scan(&b).Error; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) != 2 {
		t.Errorf("bound:\n%v\nfrom JSON:\n%v", a, b)
	}
}
