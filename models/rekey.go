package models

import (
	"context"
	"fmt"
	"slices"

	"camreg/fold"

	"gorm.io/gorm"
)

// RekeyReport says what Rekey did: the rows whose natural keys it rewrote,
// per table, and the rows it could not rewrite because their new key is
// another row's (a lookalike duplicate: "Hіkvision" with a Cyrillic і next
// to "Hikvision"), or, for organizations, whose new name key another
// organization already has.
type RekeyReport struct {
	From, To   int
	Changed    map[string]int
	Collisions []KeyCollision
}

// KeyCollision is a row whose recomputed key another row holds: Text is the
// row's own text, Key the new key, With the id of the row that holds it.
type KeyCollision struct {
	Table, ID, Text, Key, With string
	// Kept says the row was left with its old key (the key is unique);
	// false when the row was rekeyed and now shares its key (names).
	Kept bool
}

// rekeyTable says how to recompute one table's keys.
type rekeyTable struct {
	table   string
	sources []string // the columns the keys come from; the first is the text shown
	keys    []string // the key columns
	compute func(src []string) []string
	// scope is the unique constraint the keys take part in, from the
	// sources and the new keys; "" when the keys are not unique.
	scope func(src, keys []string) string
}

var rekeyTables = []rekeyTable{
	{table: "camera_models", sources: []string{"brand", "model_number"}, keys: []string{"brand_key", "model_key", "loose_key"},
		compute: func(s []string) []string { return []string{fold.Key(s[0]), fold.Key(s[1]), fold.LooseKey(s[1])} },
		scope:   func(_, k []string) string { return k[0] + "\x00" + k[1] }},
	{table: "organizations", sources: []string{"name", "kind"}, keys: []string{"name_key"},
		compute: func(s []string) []string { return []string{fold.Text(s[0])} }},
	{table: "conformity_certificates", sources: []string{"number"}, keys: []string{"number_key"},
		compute: func(s []string) []string { return []string{fold.NumberKey(s[0])} },
		scope:   func(_, k []string) string { return k[0] }},
	{table: "origin_certificates", sources: []string{"number", "exporting_country"}, keys: []string{"number_key"},
		compute: func(s []string) []string { return []string{fold.NumberKey(s[0])} },
		scope:   func(s, k []string) string { return s[1] + "\x00" + k[0] }},
	{table: "warnings", sources: []string{"reference"}, keys: []string{"reference_key"},
		compute: func(s []string) []string { return []string{fold.NumberKey(s[0])} },
		scope:   func(_, k []string) string { return k[0] }},
}

// Rekey recomputes every stored natural key with today's fold (when the
// stored keys are of an older fold.KeyVersion), so that rows written before
// lookalike letters were folded meet the rows written since. A row whose
// new key is another's keeps its old key and is reported, and the version
// is then left as it was, so the next start reports it again until someone
// resolves the duplicate. It writes no change-log event: keys are derived
// from the text the log records. Search indexes hold their own keys:
// rebuild them (camreg reindex) after a report with changes.
func (s *Store) Rekey(ctx context.Context) (*RekeyReport, error) {
	r := &RekeyReport{To: fold.KeyVersion, Changed: map[string]int{}}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw("SELECT version FROM natural_key_version WHERE id = 1").Scan(&r.From).Error; err != nil {
			return fmt.Errorf("read the natural key version: %w", err)
		}
		if r.From >= fold.KeyVersion {
			return nil
		}
		unresolved := false
		for _, t := range rekeyTables {
			n, collisions, err := rekey(tx, t)
			if err != nil {
				return err
			}
			r.Changed[t.table] = n
			r.Collisions = append(r.Collisions, collisions...)
			for _, c := range collisions {
				unresolved = unresolved || c.Kept
			}
		}
		if unresolved {
			return nil
		}
		return tx.Exec("UPDATE natural_key_version SET version = ? WHERE id = 1", fold.KeyVersion).Error
	})
	if err != nil {
		return nil, fmt.Errorf("rekey: %w", err)
	}
	return r, nil
}

type rekeyRow struct {
	id        string
	src, old  []string
	new       []string
	oldS, neS string
}

func rekey(tx *gorm.DB, t rekeyTable) (int, []KeyCollision, error) {
	cols := append(append([]string{"id"}, t.sources...), t.keys...)
	q := "SELECT " + join(cols) + " FROM " + t.table + " ORDER BY created_at, id"
	rows, err := tx.Raw(q).Rows()
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", t.table, err)
	}
	var all []*rekeyRow
	for rows.Next() {
		vals := make([]*string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("read %s: %w", t.table, err)
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		row := &rekeyRow{id: str(vals[0])}
		for i := range t.sources {
			row.src = append(row.src, str(vals[1+i]))
		}
		for i := range t.keys {
			row.old = append(row.old, str(vals[1+len(t.sources)+i]))
		}
		row.new = t.compute(row.src)
		all = append(all, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", t.table, err)
	}
	set := ""
	for i, k := range t.keys {
		if i > 0 {
			set += ", "
		}
		set += k + " = ?"
	}
	update := func(row *rekeyRow) error {
		args := make([]any, 0, len(row.new)+1)
		for _, k := range row.new {
			args = append(args, k)
		}
		if err := tx.Exec("UPDATE "+t.table+" SET "+set+" WHERE id = ?", append(args, row.id)...).Error; err != nil {
			return fmt.Errorf("rekey %s %s: %w", t.table, row.id, err)
		}
		return nil
	}
	var changed []*rekeyRow
	for _, row := range all {
		if !slices.Equal(row.old, row.new) {
			changed = append(changed, row)
		}
	}
	var collisions []KeyCollision
	if t.scope == nil {
		// Not unique: rewrite every key, and report a name that now meets
		// another organization's of the same kind.
		holder := map[string]string{}
		for _, row := range all {
			if slices.Equal(row.old, row.new) {
				holder[row.new[0]+"\x00"+row.src[1]] = row.id
			}
		}
		for _, row := range changed {
			if err := update(row); err != nil {
				return 0, nil, err
			}
			k := row.new[0] + "\x00" + row.src[1]
			if other, ok := holder[k]; ok {
				collisions = append(collisions, KeyCollision{Table: t.table, ID: row.id, Text: row.src[0], Key: row.new[0], With: other})
			} else {
				holder[k] = row.id
			}
		}
		return len(changed), collisions, nil
	}
	// Unique: a row moves to its new key once no other row holds it; the
	// rows that still cannot move are lookalike duplicates.
	holder := map[string]string{}
	for _, row := range all {
		row.oldS, row.neS = t.scope(row.src, row.old), t.scope(row.src, row.new)
		holder[row.oldS] = row.id
	}
	n := 0
	for progress := true; progress; {
		progress = false
		var left []*rekeyRow
		for _, row := range changed {
			if other, ok := holder[row.neS]; ok && other != row.id {
				left = append(left, row)
				continue
			}
			if err := update(row); err != nil {
				return 0, nil, err
			}
			if holder[row.oldS] == row.id {
				delete(holder, row.oldS)
			}
			holder[row.neS] = row.id
			n++
			progress = true
		}
		changed = left
	}
	for _, row := range changed {
		collisions = append(collisions, KeyCollision{Table: t.table, ID: row.id, Text: join(row.src), Key: join(row.new),
			With: holder[row.neS], Kept: true})
	}
	return n, collisions, nil
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
