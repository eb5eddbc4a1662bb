package models

// SetLogTree turns the log tree on or off for a store's appends, for the
// paired benchmark that measures what the tree costs.
func SetLogTree(s *Store, on bool) { s.noTree = !on }
