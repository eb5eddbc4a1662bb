// Command tlogclient checks a camreg registry's verifiable log from the
// outside, as any third party would: it imports nothing of camreg's, only
// golang.org/x/mod/sumdb/note (signed checkpoints) and
// golang.org/x/mod/sumdb/tlog (RFC 6962 proofs), and speaks plain HTTP.
//
//	tlogclient -url http://localhost:8080 -vkey 'camreg.local/log+1234abcd+AX…' [-old saved.checkpoint] [-save new.checkpoint] [-index 0,7]
//	tlogclient -vkey 'camreg.local/log+1234abcd+AX…' -receipt receipt.json
//
// It verifies the served checkpoint's signature, then for each leaf index
// (default: the first, the middle and the last) fetches the leaf's hash
// (and its bytes, when they are public, hashing them itself) and checks
// the inclusion proof with tlog.CheckRecord; given an older checkpoint it
// checks the consistency proof with tlog.CheckTree. With -receipt it checks
// a signed verdict receipt offline instead (receipt.go): its signature, its
// checkpoint's, and every evidence leaf's inclusion proof. It exits 0 when
// every check passes, and 1 naming the first that fails.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var client = &http.Client{Timeout: 30 * time.Second}

func main() {
	base := flag.String("url", "http://localhost:8080", "the registry's base URL")
	vkey := flag.String("vkey", "", "the log's verifier key (camreg log vkey), or a file holding it")
	old := flag.String("old", "", "a signed checkpoint saved earlier: check the log only grew since")
	save := flag.String("save", "", "write the verified checkpoint to this file")
	indexes := flag.String("index", "", "comma-separated leaf indexes to prove (default: first, middle, last)")
	rcpt := flag.String("receipt", "", "check this verdict receipt offline instead (the answer of /v1/verify?receipt=true)")
	flag.Parse()
	if *rcpt != "" {
		if err := runReceipt(*vkey, *rcpt); err != nil {
			fmt.Fprintln(os.Stderr, "tlogclient: FAIL:", err)
			os.Exit(1)
		}
		fmt.Println("ok")
		return
	}
	if err := run(strings.TrimRight(*base, "/"), *vkey, *old, *save, *indexes); err != nil {
		fmt.Fprintln(os.Stderr, "tlogclient: FAIL:", err)
		os.Exit(1)
	}
}

// checkpoint is a C2SP tlog-checkpoint: origin, size, root hash.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func openCheckpoint(msg []byte, v note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return checkpoint{}, errors.New("checkpoint: too few lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	if lines[0] != v.Name() {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key's name %q", lines[0], v.Name())
	}
	c := checkpoint{origin: lines[0], size: size}
	copy(c.root[:], raw)
	return c, nil
}

// get fetches url; a 429 or 503 is retried after its Retry-After (at
// most 10 s), three times.
func get(url string) (int, []byte, error) {
	for try := 0; ; try++ {
		resp, err := client.Get(url)
		if err != nil {
			return 0, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		busy := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		if !busy || try == 3 {
			return resp.StatusCode, b, err
		}
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		time.Sleep(time.Duration(min(max(wait, 1), 10)) * time.Second)
	}
}

func mustGet(url string) ([]byte, error) {
	code, b, err := get(url)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, code, strings.TrimSpace(string(b)))
	}
	return b, nil
}

func hashes(b []byte) ([]tlog.Hash, error) {
	var p struct {
		Proof []string `json:"proof"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(p.Proof))
	for i, s := range p.Proof {
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(raw) != tlog.HashSize {
			return nil, fmt.Errorf("proof hash %q", s)
		}
		copy(out[i][:], raw)
	}
	return out, nil
}

// verifier reads the log's verifier key, given or in a file.
func verifier(vkey string) (note.Verifier, error) {
	if b, err := os.ReadFile(vkey); err == nil {
		vkey = strings.TrimSpace(string(b))
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	return v, nil
}

func runReceipt(vkey, path string) error {
	v, err := verifier(vkey)
	if err != nil {
		return err
	}
	return verifyReceipt(path, v)
}

func run(base, vkey, old, save, indexes string) error {
	v, err := verifier(vkey)
	if err != nil {
		return err
	}
	msg, err := mustGet(base + "/v1/log/checkpoint")
	if err != nil {
		return err
	}
	cp, err := openCheckpoint(msg, v)
	if err != nil {
		return err
	}
	fmt.Printf("checkpoint %s: %d leaves, root %s\n", cp.origin, cp.size, cp.root)
	var idx []int64
	if indexes != "" {
		for _, s := range strings.Split(indexes, ",") {
			i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return fmt.Errorf("index %q", s)
			}
			idx = append(idx, i)
		}
	} else if cp.size > 0 {
		idx = []int64{0, cp.size / 2, cp.size - 1}
	}
	for _, i := range idx {
		var leaf tlog.Hash
		code, body, err := get(fmt.Sprintf("%s/v1/log/entries/%d", base, i))
		if err != nil {
			return err
		}
		hb, err := mustGet(fmt.Sprintf("%s/v1/log/entries/%d/hash", base, i))
		if err != nil {
			return err
		}
		var lh struct {
			LeafHash string `json:"leaf_hash"`
		}
		if err := json.Unmarshal(hb, &lh); err != nil {
			return fmt.Errorf("leaf %d: %w", i, err)
		}
		raw, err := base64.StdEncoding.DecodeString(lh.LeafHash)
		if err != nil || len(raw) != tlog.HashSize {
			return fmt.Errorf("leaf %d: bad hash %q", i, lh.LeafHash)
		}
		copy(leaf[:], raw)
		how := "hash only (a private record)"
		if code == http.StatusOK {
			if tlog.RecordHash(body) != leaf {
				return fmt.Errorf("leaf %d: its bytes do not hash to its served hash", i)
			}
			how = "bytes hashed here"
		}
		pb, err := mustGet(fmt.Sprintf("%s/v1/log/proof/inclusion?index=%d&size=%d", base, i, cp.size))
		if err != nil {
			return err
		}
		p, err := hashes(pb)
		if err != nil {
			return err
		}
		if err := tlog.CheckRecord(p, cp.size, cp.root, i, leaf); err != nil {
			return fmt.Errorf("leaf %d is not in the checkpoint's tree: %w", i, err)
		}
		fmt.Printf("leaf %d: included (%s)\n", i, how)
	}
	if old != "" {
		b, err := os.ReadFile(old)
		if err != nil {
			return err
		}
		prev, err := openCheckpoint(b, v)
		if err != nil {
			return fmt.Errorf("the older checkpoint: %w", err)
		}
		switch {
		case prev.size > cp.size:
			return fmt.Errorf("the log shrank from %d to %d leaves", prev.size, cp.size)
		case prev.size == cp.size && prev.root != cp.root:
			return fmt.Errorf("fork: two checkpoints of %d leaves with different roots", cp.size)
		case prev.size > 0 && prev.size < cp.size:
			pb, err := mustGet(fmt.Sprintf("%s/v1/log/proof/consistency?from=%d&to=%d", base, prev.size, cp.size))
			if err != nil {
				return err
			}
			p, err := hashes(pb)
			if err != nil {
				return err
			}
			if err := tlog.CheckTree(p, cp.size, cp.root, prev.size, prev.root); err != nil {
				return fmt.Errorf("fork: the log of %d leaves does not extend the one of %d: %w", cp.size, prev.size, err)
			}
		}
		fmt.Printf("consistent with the older checkpoint of %d leaves\n", prev.size)
	}
	if save != "" {
		if err := os.WriteFile(save, msg, 0o644); err != nil {
			return err
		}
	}
	fmt.Println("ok")
	return nil
}
