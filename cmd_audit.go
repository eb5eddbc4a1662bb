package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"camreg/models"
	"camreg/translog"
)

func auditCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the change log, here or as a witness elsewhere"}
	var cpFile, vkey string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Verify the change log's hash chain, its tree, and a checkpoint saved earlier; exits 3 naming the problem",
		Long: `Without --checkpoint, verify checks every event's hash and every link of the chain. That
cannot detect events removed from the end of the log, nor a log rewritten with every hash
recomputed: whoever holds the database can do both. Give a checkpoint saved earlier (from
GET /v1/log/checkpoint or camreg log checkpoint) and the log's verifier key, and verify also
rebuilds the Merkle tree from the events, checks the stored tree against it, and checks that
the checkpoint's tree is a prefix of today's log: truncation, a rewrite and a forged
checkpoint are then caught and named.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cp *translog.Checkpoint
			if cpFile != "" {
				v, err := readVerifierKey(vkey)
				if err != nil {
					return err
				}
				msg, err := os.ReadFile(cpFile)
				if err != nil {
					return err
				}
				c, _, err := translog.OpenCheckpoint(msg, v)
				if err != nil {
					return failed(fmt.Errorf("checkpoint %s: forged signature: %w", cpFile, err))
				}
				cp = &c
			}
			st, err := open(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer st.Close()
			if cp == nil {
				n, err := st.VerifyChain(cmd.Context())
				if err != nil {
					return err
				}
				fmt.Printf("change log intact: %d events verified (hash chain only)\n", n)
				fmt.Println("not detected by this check: events removed from the end of the log, or the whole log rewritten " +
					"with recomputed hashes; run camreg audit verify --checkpoint FILE --vkey KEY with a checkpoint saved earlier")
				return nil
			}
			a, err := st.AuditLog(cmd.Context(), cp)
			var le *models.LogError
			if errors.As(err, &le) {
				return failed(err)
			}
			if err != nil {
				return err
			}
			fmt.Printf("change log intact: %d events verified, tree root %s; consistent with checkpoint %s\n",
				a.Events, translog.HashString(a.Root), cp.Fingerprint())
			return nil
		},
	}
	verify.Flags().StringVar(&cpFile, "checkpoint", "", "a signed checkpoint saved earlier")
	verify.Flags().StringVar(&vkey, "vkey", "", "the log's verifier key, or a file holding it (with --checkpoint)")
	cmd.AddCommand(verify, watchCmd())
	return cmd
}
