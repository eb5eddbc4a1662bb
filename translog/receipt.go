package translog

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ReceiptHeader is the first line of a receipt's signed note. A v2
// statement's every item query carries "gtin" (the box's barcode as 14
// digits, "" when none was given) beside model, brand, firmware and at, so
// a receipt commits to every input its verdict depended on.
const ReceiptHeader = "camreg verdict receipt v2"

// ReceiptHeaderV1 is the first line of receipts issued before v2: their
// queries name no GTIN (one given was not recorded). They still verify.
const ReceiptHeaderV1 = "camreg verdict receipt v1"

// Receipt is a signed verdict receipt: a signed statement of what was
// asked and answered, the signed checkpoint it is bound to, and inclusion
// proofs in that checkpoint of the change-log events behind its evidence.
// Anyone with the log's verifier key checks it offline.
type Receipt struct {
	// Note is the signed statement: ReceiptHeader, then the Statement as
	// one line of JSON.
	Note string `json:"note"`
	// Checkpoint is the signed checkpoint the statement names.
	Checkpoint string `json:"checkpoint"`
	// Proofs are the inclusion proofs of the evidence's events.
	Proofs []InclusionProof `json:"proofs"`
}

// InclusionProof proves that a leaf is in the checkpoint's tree, in the
// order tlog.ProveRecord gives.
type InclusionProof struct {
	Index    int64    `json:"index"`
	LeafHash string   `json:"leaf_hash"`
	Proof    []string `json:"proof"`
}

// Statement is what the registry signs in a receipt.
type Statement struct {
	// Version is the receipt's format, 1 or 2, read from its header line
	// (not part of the JSON).
	Version int `json:"-"`
	// IssuedAt is when the registry answered (RFC 3339).
	IssuedAt string `json:"issued_at"`
	// Checkpoint names the tree the evidence is proved in.
	Checkpoint StatementCheckpoint `json:"checkpoint"`
	Items      []StatementItem     `json:"items"`
}

// StatementCheckpoint is a checkpoint's size and base64 root.
type StatementCheckpoint struct {
	Size int64  `json:"size"`
	Root string `json:"root"`
}

// StatementItem is one verification: the query, the date judged on, the
// answer and the reason codes, and the evidence with its log entries.
type StatementItem struct {
	Query    map[string]string `json:"query"`
	At       string            `json:"at"`
	Match    string            `json:"match"`
	Verdict  string            `json:"verdict"`
	Reasons  []string          `json:"reasons"`
	Evidence []EvidenceEntry   `json:"evidence"`
}

// EvidenceEntry is a record the verdict rests on, and the change-log event
// that last changed it as of the checkpoint: its leaf index and hash.
type EvidenceEntry struct {
	Entity   string `json:"entity"`
	ID       string `json:"id"`
	Index    int64  `json:"index"`
	LeafHash string `json:"leaf_hash"`
}

// HashString is the base64 form of a hash used in receipts and proofs.
func HashString(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// ParseHashString reads HashString's form.
func ParseHashString(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("%q is not a base64 SHA-256 hash", s)
	}
	copy(h[:], b)
	return h, nil
}

// SignStatement signs a statement as a receipt's note.
func SignStatement(st Statement, s note.Signer) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	msg, err := note.Sign(&note.Note{Text: ReceiptHeader + "\n" + string(b) + "\n"}, s)
	return string(msg), err
}

// VerifyReceipt checks a receipt offline with the log's verifier key: the
// statement's and the checkpoint's signatures, that the statement names
// that checkpoint, and every evidence entry's inclusion proof. It returns
// the statement and checkpoint, or an error naming the first failure.
func VerifyReceipt(r Receipt, vkey string) (Statement, Checkpoint, error) {
	var st Statement
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return st, Checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	cp, _, err := OpenCheckpoint([]byte(r.Checkpoint), v)
	if err != nil {
		return st, cp, fmt.Errorf("receipt checkpoint: %w", err)
	}
	n, err := note.Open([]byte(r.Note), note.VerifierList(v))
	if err != nil {
		return st, cp, fmt.Errorf("receipt statement: its signature does not verify with the log's key: %w", err)
	}
	body, ok := strings.CutPrefix(n.Text, ReceiptHeader+"\n")
	version := 2
	if !ok {
		body, ok = strings.CutPrefix(n.Text, ReceiptHeaderV1+"\n")
		version = 1
	}
	if !ok {
		return st, cp, errors.New("receipt statement: not a camreg verdict receipt")
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return st, cp, fmt.Errorf("receipt statement: %w", err)
	}
	st.Version = version
	for i, it := range st.Items {
		// A v2 item states its GTIN, if only as "": a missing key would
		// let a reader take a GTIN-decided verdict for a typed number's.
		if _, ok := it.Query["gtin"]; version == 2 && !ok {
			return st, cp, fmt.Errorf("receipt statement: item %d's query names no gtin", i)
		}
	}
	if st.Checkpoint.Size != cp.Size || st.Checkpoint.Root != HashString(cp.Root) {
		return st, cp, fmt.Errorf("receipt statement names tree %d/%s, but its checkpoint is %d/%s",
			st.Checkpoint.Size, st.Checkpoint.Root, cp.Size, HashString(cp.Root))
	}
	proofs := map[int64]InclusionProof{}
	for _, p := range r.Proofs {
		proofs[p.Index] = p
	}
	for _, it := range st.Items {
		for _, ev := range it.Evidence {
			p, ok := proofs[ev.Index]
			if !ok || p.LeafHash != ev.LeafHash {
				return st, cp, fmt.Errorf("evidence %s %s: no inclusion proof for log index %d", ev.Entity, ev.ID, ev.Index)
			}
			if err := CheckInclusion(p, cp); err != nil {
				return st, cp, fmt.Errorf("evidence %s %s: %w", ev.Entity, ev.ID, err)
			}
		}
	}
	return st, cp, nil
}

// CheckInclusion checks an inclusion proof against a checkpoint with
// tlog.CheckRecord.
func CheckInclusion(p InclusionProof, cp Checkpoint) error {
	leaf, err := ParseHashString(p.LeafHash)
	if err != nil {
		return err
	}
	proof := make(tlog.RecordProof, len(p.Proof))
	for i, s := range p.Proof {
		if proof[i], err = ParseHashString(s); err != nil {
			return err
		}
	}
	if err := tlog.CheckRecord(proof, cp.Size, cp.Root, p.Index, leaf); err != nil {
		return fmt.Errorf("log index %d is not proved in tree %d: %w", p.Index, cp.Size, err)
	}
	return nil
}
