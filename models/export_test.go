package models

// SetLogTree turns the log tree on or off for a store's appends, for the
// paired benchmark that measures what the tree costs.
func SetLogTree(s *Store, on bool) { s.noTree = !on }

// FindingMove checks a move of the findings' status machine.
func FindingMove(id, from, to string) error { return findingStatus.move("finding", id, from, to) }

// RawExec runs a statement on a Store (bound to a transaction or not).
func RawExec(s *Store, q string) error { return s.db.Exec(q).Error }

// RawInt reads one integer with a query on a Store.
func RawInt(s *Store, q string) (n int, err error) { return n, s.db.Raw(q).Scan(&n).Error }
