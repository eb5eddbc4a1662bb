package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"camreg/translog"
)

// witness is camreg audit watch: it follows a registry's checkpoints,
// refuses a fork or a shrinking tree, and cosigns what it accepted.
type witness struct {
	base     string
	state    string
	log      note.Verifier
	cosigner *translog.Cosigner
	client   *http.Client
	logger   *slog.Logger
}

// Alarm is a witness's finding: the registry showed a history that is not
// an extension of the one the witness saw before.
type alarm struct {
	kind   string
	detail string
}

func (a *alarm) Error() string { return "ALARM " + a.kind + ": " + a.detail }

func watchCmd() *cobra.Command {
	var (
		state, vkey, witnessKey, name string
		interval                      time.Duration
		once                          bool
	)
	cmd := &cobra.Command{
		Use:   "watch URL --state DIR --vkey KEY",
		Short: "Witness a registry's log: check each new checkpoint is consistent with the last, cosign it, alarm on a fork",
		Long: `watch polls URL/v1/log/checkpoint. Each new checkpoint must be signed by the log's key and
be consistent (an RFC 6962 consistency proof, checked with tlog.CheckTree) with the last one the
witness kept in --state. It then keeps it and writes it cosigned by the witness's own key
(C2SP tlog-cosignature/v1) to DIR/cosigned. A checkpoint that forks the history, shrinks the
tree or carries a bad signature is an alarm: the evidence (both signed checkpoints and the
proof) is written to DIR/evidence/, a log line says ALARM, and watch exits with status 3.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if state == "" {
				return errors.New("--state is required: the directory where the witness keeps what it saw")
			}
			v, err := readVerifierKey(vkey)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(state, "evidence"), 0o700); err != nil {
				return err
			}
			if witnessKey == "" {
				witnessKey = filepath.Join(state, "witness.key")
			}
			if _, err := os.Stat(witnessKey); errors.Is(err, os.ErrNotExist) {
				if _, err := translog.WriteKey(witnessKey, name); err != nil {
					return err
				}
			}
			skey, err := os.ReadFile(witnessKey)
			if err != nil {
				return err
			}
			cs, err := translog.NewCosigner(string(skey))
			if err != nil {
				return fmt.Errorf("witness key %s: %w", witnessKey, err)
			}
			w := &witness{base: strings.TrimRight(args[0], "/"), state: state, log: v, cosigner: cs,
				client: &http.Client{Timeout: 30 * time.Second}, logger: slog.Default()}
			w.logger.Info("witnessing", slog.String("log", v.Name()), slog.String("url", w.base), slog.String("witness_vkey", cs.VerifierKey()))
			for {
				err := w.poll(cmd.Context())
				var a *alarm
				if errors.As(err, &a) {
					w.logger.Error("ALARM: the registry's log is not consistent with what this witness saw",
						slog.String("kind", a.kind), slog.String("detail", a.detail), slog.String("url", w.base))
					return failed(err)
				}
				if err != nil {
					w.logger.Warn("poll failed", slog.String("error", err.Error()))
					if once {
						return err
					}
				}
				if once {
					return nil
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "the witness's directory: the last checkpoint, the cosigned one, evidence")
	cmd.Flags().StringVar(&vkey, "vkey", "", "the log's verifier key, or a file holding it")
	cmd.Flags().StringVar(&witnessKey, "witness-key", "", "the witness's signing key (default DIR/witness.key, made on first run)")
	cmd.Flags().StringVar(&name, "name", "camreg-witness", "the witness's name, for a key made on first run")
	cmd.Flags().DurationVar(&interval, "interval", 5*time.Minute, "time between polls")
	cmd.Flags().BoolVar(&once, "once", false, "poll once and exit (for cron)")
	return cmd
}

func (w *witness) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// poll fetches the checkpoint and checks it against the last one kept.
func (w *witness) poll(ctx context.Context) error {
	msg, err := w.get(ctx, "/v1/log/checkpoint")
	if err != nil {
		return err
	}
	cp, _, err := translog.OpenCheckpoint(msg, w.log)
	if err != nil {
		return w.evidence("bad_signature", err.Error(), nil, msg, nil)
	}
	lastPath := filepath.Join(w.state, "checkpoint")
	last, err := os.ReadFile(lastPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if last != nil {
		old, _, err := translog.OpenCheckpoint(last, w.log)
		if err != nil {
			return fmt.Errorf("the witness's own %s: %w", lastPath, err)
		}
		switch {
		case cp.Size < old.Size:
			return w.evidence("shrinking_tree", fmt.Sprintf("the log shrank from %d to %d leaves", old.Size, cp.Size), last, msg, nil)
		case cp.Size == old.Size && cp.Root != old.Root:
			return w.evidence("fork", fmt.Sprintf("two signed checkpoints of size %d with different roots", cp.Size), last, msg, nil)
		case cp.Size > old.Size && old.Size > 0:
			body, err := w.get(ctx, fmt.Sprintf("/v1/log/proof/consistency?from=%d&to=%d", old.Size, cp.Size))
			if err != nil {
				return err
			}
			var pr struct {
				Proof []string `json:"proof"`
			}
			if err := json.Unmarshal(body, &pr); err != nil {
				return w.evidence("fork", "the consistency proof is not a proof: "+err.Error(), last, msg, body)
			}
			proof := make(tlog.TreeProof, len(pr.Proof))
			for i, s := range pr.Proof {
				if proof[i], err = translog.ParseHashString(s); err != nil {
					return w.evidence("fork", "the consistency proof is not a proof: "+err.Error(), last, msg, body)
				}
			}
			if err := tlog.CheckTree(proof, cp.Size, cp.Root, old.Size, old.Root); err != nil {
				return w.evidence("fork", fmt.Sprintf("checkpoint %s is not an extension of %s: %v", cp.Fingerprint(), old.Fingerprint(), err), last, msg, body)
			}
		}
	}
	cosigned, err := note.Sign(&note.Note{Text: cp.Text()}, w.cosigner)
	if err != nil {
		return err
	}
	// Keep the registry's signature beside the witness's.
	cosigned = append(msg[:len(msg):len(msg)], cosigned[len(cp.Text())+1:]...)
	if err := writeFileAtomic(lastPath, msg); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(w.state, "cosigned"), cosigned); err != nil {
		return err
	}
	w.logger.Info("checkpoint consistent; cosigned", slog.String("checkpoint", cp.Fingerprint()))
	return nil
}

// evidence writes what the witness saw and returns the alarm.
func (w *witness) evidence(kind, detail string, last, got, proof []byte) error {
	var b strings.Builder
	fmt.Fprintf(&b, "camreg witness evidence: %s\nlog: %s\nurl: %s\nat: %s\ndetail: %s\n", kind, w.log.Name(), w.base, time.Now().UTC().Format(time.RFC3339), detail)
	if last != nil {
		fmt.Fprintf(&b, "\n-- the checkpoint this witness kept before --\n%s", last)
	}
	fmt.Fprintf(&b, "\n-- the checkpoint the registry served now --\n%s", got)
	if proof != nil {
		fmt.Fprintf(&b, "\n-- the consistency proof it served --\n%s\n", proof)
	}
	path := filepath.Join(w.state, "evidence", fmt.Sprintf("%s-%s.txt", time.Now().UTC().Format("20060102T150405.000000000Z"), kind))
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return &alarm{kind: kind, detail: detail + " (evidence in " + path + ")"}
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
