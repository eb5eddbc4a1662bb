package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A verdict receipt as docs/log.md describes it, read from its published
// shape alone: a signed note whose text is a header line and one line of
// JSON, the signed checkpoint it is bound to, and the inclusion proofs of
// its evidence in that checkpoint's tree.
const (
	receiptV1 = "camreg verdict receipt v1"
	receiptV2 = "camreg verdict receipt v2"
)

type receipt struct {
	Note       string `json:"note"`
	Checkpoint string `json:"checkpoint"`
	Proofs     []struct {
		Index    int64    `json:"index"`
		LeafHash string   `json:"leaf_hash"`
		Proof    []string `json:"proof"`
	} `json:"proofs"`
}

type statement struct {
	IssuedAt   string `json:"issued_at"`
	Checkpoint struct {
		Size int64  `json:"size"`
		Root string `json:"root"`
	} `json:"checkpoint"`
	Items []struct {
		Query    map[string]string `json:"query"`
		Verdict  string            `json:"verdict"`
		Evidence []struct {
			Entity   string `json:"entity"`
			ID       string `json:"id"`
			Index    int64  `json:"index"`
			LeafHash string `json:"leaf_hash"`
		} `json:"evidence"`
	} `json:"items"`
}

func hash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != tlog.HashSize {
		return h, fmt.Errorf("hash %q", s)
	}
	copy(h[:], raw)
	return h, nil
}

// verifyReceipt checks a receipt file (the whole answer of
// /v1/verify?receipt=true, or its receipt alone) offline, with the log's
// verifier key.
func verifyReceipt(path string, v note.Verifier) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var wrap struct {
		Receipt *receipt `json:"receipt"`
	}
	var r receipt
	if err := json.Unmarshal(b, &wrap); err == nil && wrap.Receipt != nil {
		r = *wrap.Receipt
	} else if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	n, err := note.Open([]byte(r.Note), note.VerifierList(v))
	if err != nil {
		return fmt.Errorf("receipt signature: %w", err)
	}
	header, rest, _ := strings.Cut(n.Text, "\n")
	if header != receiptV1 && header != receiptV2 {
		return fmt.Errorf("receipt header %q", header)
	}
	line, tail, _ := strings.Cut(rest, "\n")
	if tail != "" {
		return errors.New("receipt: more than one line of JSON")
	}
	var st statement
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("receipt statement: %w", err)
	}
	cp, err := openCheckpoint([]byte(r.Checkpoint), v)
	if err != nil {
		return fmt.Errorf("receipt's checkpoint: %w", err)
	}
	if st.Checkpoint.Size != cp.size || st.Checkpoint.Root != base64.StdEncoding.EncodeToString(cp.root[:]) {
		return fmt.Errorf("the statement names checkpoint %d %s, the receipt carries %d %s",
			st.Checkpoint.Size, st.Checkpoint.Root, cp.size, cp.root)
	}
	proofs := map[int64][]tlog.Hash{}
	leaves := map[int64]string{}
	for _, p := range r.Proofs {
		hs := make([]tlog.Hash, len(p.Proof))
		for i, s := range p.Proof {
			if hs[i], err = hash(s); err != nil {
				return fmt.Errorf("proof of leaf %d: %w", p.Index, err)
			}
		}
		proofs[p.Index], leaves[p.Index] = hs, p.LeafHash
	}
	evidence := 0
	for i, it := range st.Items {
		if header == receiptV2 {
			for _, k := range []string{"model", "brand", "firmware", "at", "gtin"} {
				if _, ok := it.Query[k]; !ok {
					return fmt.Errorf("item %d: a v2 receipt's query lacks %q", i, k)
				}
			}
		}
		for _, e := range it.Evidence {
			p, ok := proofs[e.Index]
			if !ok || leaves[e.Index] != e.LeafHash {
				return fmt.Errorf("item %d: no proof for the evidence of leaf %d", i, e.Index)
			}
			leaf, err := hash(e.LeafHash)
			if err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
			if err := tlog.CheckRecord(p, cp.size, cp.root, e.Index, leaf); err != nil {
				return fmt.Errorf("item %d: leaf %d (%s %s) is not in the checkpoint's tree: %w", i, e.Index, e.Entity, e.ID, err)
			}
			evidence++
		}
		fmt.Printf("receipt item %d: %s, query %v\n", i, it.Verdict, it.Query)
	}
	fmt.Printf("receipt (%s) issued %s: %d items, %d evidence leaves included in the checkpoint of %d leaves\n",
		header, st.IssuedAt, len(st.Items), evidence, cp.size)
	return nil
}
