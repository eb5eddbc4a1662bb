package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"camreg/translog"
)

// The verifiable log's commands: the signing key (log), the audit against
// a saved checkpoint and the witness (audit), and receipts (receipt).

// exitError makes camreg exit with code: 3 for a log or receipt that fails
// its check, as audit verify always has.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failed is a check that found a problem: exit status 3.
func failed(err error) error { return &exitError{code: 3, err: err} }

// logKeyPath is where the log's signing key lives: CAMREG_LOG_KEY, or
// log.key in the data directory. It is kept outside the database, so that
// whoever copies or edits the database cannot sign in the registry's name.
func logKeyPath(cfg *config) string {
	if p := os.Getenv("CAMREG_LOG_KEY"); p != "" {
		return p
	}
	return filepath.Join(cfg.data, "log.key")
}

// defaultOrigin names the log: CAMREG_LOG_ORIGIN, or the public URL's
// host followed by /log, or camreg.local/log.
func defaultOrigin() string {
	if o := os.Getenv("CAMREG_LOG_ORIGIN"); o != "" {
		return o
	}
	if u, err := url.Parse(os.Getenv("CAMREG_PUBLIC_URL")); err == nil && u.Host != "" {
		return u.Host + "/log"
	}
	return "camreg.local/log"
}

// serveLogSigner loads the signing key for serve. With demo and no key, it
// makes one. Without a key, serve runs and the checkpoint answers 503.
func serveLogSigner(cfg *config, demo bool, log *slog.Logger) (note.Signer, error) {
	path := logKeyPath(cfg)
	s, vkey, err := translog.LoadKey(path)
	if errors.Is(err, translog.ErrNoKey) && demo {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if _, err = translog.WriteKey(path, defaultOrigin()); err != nil {
			return nil, err
		}
		s, vkey, err = translog.LoadKey(path)
	}
	if errors.Is(err, translog.ErrNoKey) {
		log.Warn("no log signing key: /v1/log/checkpoint and receipts answer 503 until `camreg log key create` makes one", slog.String("path", path))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	log.Info("signing log checkpoints", slog.String("vkey", vkey), slog.String("key", path))
	return s, nil
}

func logCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "log", Short: "The verifiable log: its signing key and signed checkpoints"}
	key := &cobra.Command{Use: "key", Short: "Manage the log's signing key"}
	var origin string
	create := &cobra.Command{
		Use:   "create",
		Short: "Make the log's Ed25519 signing key (CAMREG_LOG_KEY or $CAMREG_DATA/log.key, mode 0600) and print its verifier key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := logKeyPath(cfg)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			vkey, err := translog.WriteKey(path, origin)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "wrote the log signing key to %s (keep it secret and backed up); its verifier key:\n", path)
			fmt.Println(vkey)
			return nil
		},
	}
	create.Flags().StringVar(&origin, "origin", defaultOrigin(), "the log's name, the first line of its checkpoints (env CAMREG_LOG_ORIGIN)")
	key.AddCommand(create)
	vkey := &cobra.Command{
		Use:   "vkey",
		Short: "Print the log's verifier key, which anyone uses to check its checkpoints and receipts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, vkey, err := translog.LoadKey(logKeyPath(cfg))
			if err != nil {
				return noKeyHint(err)
			}
			fmt.Println(vkey)
			return nil
		},
	}
	checkpoint := &cobra.Command{
		Use:   "checkpoint",
		Short: "Print a signed checkpoint of the log as it is now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, _, err := translog.LoadKey(logKeyPath(cfg))
			if err != nil {
				return noKeyHint(err)
			}
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			n, root, err := st.LogHead(cmd.Context())
			if err != nil {
				return err
			}
			msg, err := translog.SignCheckpoint(translog.Checkpoint{Origin: s.Name(), Size: n, Root: root}, s)
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(msg)
			return err
		},
	}
	cmd.AddCommand(key, vkey, checkpoint)
	return cmd
}

func noKeyHint(err error) error {
	if errors.Is(err, translog.ErrNoKey) {
		return fmt.Errorf("%w: create it with `camreg log key create` (or set CAMREG_LOG_KEY to its file)", err)
	}
	return err
}

// readVerifierKey reads --vkey: the key itself, or a file holding it.
func readVerifierKey(v string) (note.Verifier, error) {
	if v == "" {
		return nil, errors.New("--vkey is required: the log's verifier key (camreg log vkey prints it), or a file holding it")
	}
	if b, err := os.ReadFile(v); err == nil {
		v = strings.TrimSpace(string(b))
	}
	verifier, err := note.NewVerifier(v)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	return verifier, nil
}

func receiptCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "receipt", Short: "Check signed verdict receipts"}
	var vkey string
	verify := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a verdict receipt offline, with no access to the registry; exits 3 if it fails",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if vkey == "" {
				return errors.New("--vkey is required: the log's verifier key, or a file holding it")
			}
			if b, err := os.ReadFile(vkey); err == nil {
				vkey = strings.TrimSpace(string(b))
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			r, err := findReceipt(raw)
			if err != nil {
				return failed(err)
			}
			st, cp, err := translog.VerifyReceipt(r, vkey)
			if err != nil {
				return failed(fmt.Errorf("receipt %s: %w", args[0], err))
			}
			fmt.Printf("receipt valid: signed by %s at %s, bound to checkpoint %s\n", cp.Origin, st.IssuedAt, cp.Fingerprint())
			for _, it := range st.Items {
				asked := it.Query["model"]
				if g := it.Query["gtin"]; g != "" {
					asked = strings.TrimSpace(asked + " GTIN " + g)
				}
				fmt.Printf("  %s → %s (%s) on %s: %s\n", asked, it.Verdict, it.Match, it.At, strings.Join(it.Reasons, ", "))
				for _, ev := range it.Evidence {
					fmt.Printf("    %s %s: log index %d, proved in the tree\n", ev.Entity, ev.ID, ev.Index)
				}
			}
			return nil
		},
	}
	verify.Flags().StringVar(&vkey, "vkey", "", "the log's verifier key, or a file holding it")
	cmd.AddCommand(verify)
	return cmd
}

// findReceipt reads a receipt, or a verify answer that carries one.
func findReceipt(raw []byte) (translog.Receipt, error) {
	var doc struct {
		translog.Receipt
		Inner *translog.Receipt `json:"receipt"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return translog.Receipt{}, fmt.Errorf("not a receipt: %w", err)
	}
	if doc.Inner != nil {
		return *doc.Inner, nil
	}
	if doc.Note == "" {
		return translog.Receipt{}, errors.New("not a receipt: no note")
	}
	return doc.Receipt, nil
}
