package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"golang.org/x/mod/sumdb/tlog"
)

// Reading the log's tree: its size and root, leaves, and proofs. Indexes
// are leaf indexes counted from 0 in log order (event seq−1); sizes are
// leaf counts, as in a checkpoint.

// LogSize is the number of leaves: the last committed event's seq.
func (s *Store) LogSize(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Event{}).Select("COALESCE(MAX(seq), 0)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("read change-log size: %w", err)
	}
	return n, nil
}

// LogHead returns the current tree size and its root hash.
func (s *Store) LogHead(ctx context.Context) (int64, tlog.Hash, error) {
	n, err := s.LogSize(ctx)
	if err != nil {
		return 0, tlog.Hash{}, err
	}
	h, err := tlog.TreeHash(n, hashReader{tx: s.db.WithContext(ctx)})
	if err != nil {
		return 0, tlog.Hash{}, fmt.Errorf("tree hash at %d: %w", n, err)
	}
	return n, h, nil
}

// checkSize refuses a tree size beyond the log (422, naming the field).
func (s *Store) checkSize(ctx context.Context, field string, size int64) error {
	n, err := s.LogSize(ctx)
	if err != nil {
		return err
	}
	if size < 1 || size > n {
		return invalid(field, fmt.Sprintf("must be a tree size from 1 to %d, the log's current size", n))
	}
	return nil
}

// ProveInclusion proves leaf index in the tree of size leaves, in the
// order tlog.ProveRecord gives. Bad numbers are a ValidationError.
func (s *Store) ProveInclusion(ctx context.Context, index, size int64) (tlog.RecordProof, error) {
	if err := s.checkSize(ctx, "size", size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, invalid("index", fmt.Sprintf("must be a leaf index from 0 to %d (size−1)", size-1))
	}
	p, err := tlog.ProveRecord(size, index, hashReader{tx: s.db.WithContext(ctx)})
	if err != nil {
		return nil, fmt.Errorf("prove leaf %d in tree %d: %w", index, size, err)
	}
	return p, nil
}

// ProveConsistency proves that the tree of size from is a prefix of the
// tree of size to, in the order tlog.ProveTree gives.
func (s *Store) ProveConsistency(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	if err := s.checkSize(ctx, "to", to); err != nil {
		return nil, err
	}
	if from < 1 || from > to {
		return nil, invalid("from", fmt.Sprintf("must be a tree size from 1 to %d (to)", to))
	}
	p, err := tlog.ProveTree(to, from, hashReader{tx: s.db.WithContext(ctx)})
	if err != nil {
		return nil, fmt.Errorf("prove tree %d in tree %d: %w", from, to, err)
	}
	return p, nil
}

// LogEntry returns the event at leaf index, or ErrNotFound.
func (s *Store) LogEntry(ctx context.Context, index int64) (*Event, error) {
	var e Event
	err := s.db.WithContext(ctx).Where("seq = ?", index+1).Take(&e).Error
	if err != nil {
		return nil, translate(err, fmt.Sprintf("log entry %d", index))
	}
	return &e, nil
}

// LeafHash returns the stored hash of leaf index, or ErrNotFound.
func (s *Store) LeafHash(ctx context.Context, index int64) (tlog.Hash, error) {
	if index < 0 {
		return tlog.Hash{}, fmt.Errorf("log entry %d: %w", index, ErrNotFound)
	}
	hs, err := hashReader{tx: s.db.WithContext(ctx)}.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if errors.Is(err, errTreeBehind) {
		return tlog.Hash{}, fmt.Errorf("log entry %d: %w", index, ErrNotFound)
	}
	if err != nil {
		return tlog.Hash{}, err
	}
	return hs[0], nil
}

// AdminOnlyEvent reports whether the change-log events of an entity are
// read by admins alone, in the audit trail as in the log's leaves: keys'
// (who holds which role), and webhooks' (a webhook's URL may carry its
// receiver's token).
func AdminOnlyEvent(entity string) bool { return entity == "api_key" || entity == "webhook" }

// EventReadable reports whether the viewer may read an event's bytes: the
// viewer may GET its record, and the event carries no field that GET hides
// from the viewer. Keys' events are the admin's alone; inspections and
// findings are privileged roles'. Everyone may read every leaf's hash.
func (s *Store) EventReadable(ctx context.Context, viewer Actor, e *Event) (bool, error) {
	var err error
	switch e.Entity {
	case "api_key", "webhook":
		return !AdminOnlyEvent(e.Entity) || viewer.Role == RoleAdmin, nil
	case "inspection", "finding":
		return viewer.Privileged(), nil
	case "fleet", "fleet_device":
		// An operator's inventory: admins and authorities read every fleet.
		return viewer.Role == RoleAdmin || viewer.Role == RoleAuthority, nil
	case "organization":
		var o *Organization
		if o, err = s.GetOrganization(ctx, e.EntityID); err == nil {
			if CanSeeContacts(viewer, o) {
				return true, nil
			}
			return !carriesContacts(e.Changes), nil
		}
	case "camera_model":
		_, err = s.ViewModel(ctx, viewer, e.EntityID)
	case "certificate":
		_, err = s.ViewCertificate(ctx, viewer, e.EntityID)
	case "standard":
		_, err = s.GetStandard(ctx, e.EntityID)
	case "origin_certificate":
		_, err = s.GetOriginCertificate(ctx, e.EntityID)
	case "warning":
		_, err = s.GetWarning(ctx, e.EntityID)
	case "listing":
		_, err = s.ViewListing(ctx, viewer, e.EntityID)
	default:
		return viewer.Privileged(), nil
	}
	if errors.Is(err, ErrNotFound) {
		// A deleted record, or one the viewer may not see.
		return viewer.Privileged(), nil
	}
	if err != nil {
		return false, err
	}
	// A public record's event may name a model the viewer may not see (a
	// warning about a pending registration): the leaf's bytes cannot be
	// redacted without breaking its hash, so they are not served.
	return s.namesOnlyVisibleModels(ctx, viewer, e.Changes)
}

// idPattern finds ids in an event's changes.
var idPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// namesOnlyVisibleModels reports whether every camera model whose id the
// changes hold is one the viewer may see.
func (s *Store) namesOnlyVisibleModels(ctx context.Context, viewer Actor, changes string) (bool, error) {
	hidden, err := s.InvisibleModels(ctx, viewer, changes)
	return err == nil && len(hidden) == 0, err
}

// InvisibleModels returns the ids, among those the texts (events' changes)
// hold, of the camera models the viewer may not see.
func (s *Store) InvisibleModels(ctx context.Context, viewer Actor, texts ...string) (map[string]bool, error) {
	if viewer.Privileged() || viewer.Role == RoleCertifier {
		return nil, nil
	}
	var ids []string
	for _, t := range texts {
		ids = append(ids, idPattern.FindAllString(t, -1)...)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := s.ModelRefs(ctx, ids)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	visible, err := s.VisibleModelIDs(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for id := range all {
		if !visible[id] {
			hidden[id] = true
		}
	}
	return hidden, nil
}

// carriesContacts reports whether an organization event's changes hold a
// non-empty e-mail or phone, in a creation (the record) or an update
// ({"field": {"from", "to"}}).
func carriesContacts(changes string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(changes), &m) != nil {
		return true
	}
	for _, f := range []string{"email", "phone"} {
		switch v := m[f].(type) {
		case nil:
		case string:
			if v != "" {
				return true
			}
		case map[string]any:
			for _, side := range []string{"from", "to"} {
				if x, ok := v[side].(string); ok && x != "" {
					return true
				}
			}
		default:
			return true
		}
	}
	return false
}

// EvidenceRef names a record a verdict rests on.
type EvidenceRef struct {
	Entity string
	ID     string
}

// EvidenceLeaf is the event that last changed a record, as of a tree size.
type EvidenceLeaf struct {
	EvidenceRef
	Index int64
	Hash  tlog.Hash
}

// EvidenceLeaves finds, for each record, the last event about it among
// the first size leaves, with its leaf hash. Records without one (none in
// a consistent registry) are left out.
func (s *Store) EvidenceLeaves(ctx context.Context, refs []EvidenceRef, size int64) ([]EvidenceLeaf, error) {
	out := make([]EvidenceLeaf, 0, len(refs))
	for _, r := range refs {
		var seq int64
		err := s.db.WithContext(ctx).Model(&Event{}).Select("COALESCE(MAX(seq), 0)").
			Where("entity = ? AND entity_id = ? AND seq <= ?", r.Entity, r.ID, size).Scan(&seq).Error
		if err != nil {
			return nil, fmt.Errorf("find the event of %s %s: %w", r.Entity, r.ID, err)
		}
		if seq == 0 {
			continue
		}
		h, err := s.LeafHash(ctx, seq-1)
		if err != nil {
			return nil, err
		}
		out = append(out, EvidenceLeaf{EvidenceRef: r, Index: seq - 1, Hash: h})
	}
	return out, nil
}

// invalid is a ValidationError of one field.
func invalid(field, msg string) error {
	return &ValidationError{Errors: []FieldError{{Field: field, Message: msg}}}
}
