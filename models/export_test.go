package models

// SetLogTree turns the log tree on or off for a store's appends, for the
// paired benchmark that measures what the tree costs.
func SetLogTree(s *Store, on bool) { s.noTree = !on }

// FindingMove checks a move of the findings' status machine.
func FindingMove(id, from, to string) error { return findingStatus.move("finding", id, from, to) }
