package main

import (
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"camreg/models"
)

func keysCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Create, list and revoke API keys"}
	var in struct {
		role, org, name string
		expires         time.Duration
	}
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API key; the key is printed alone on the last line, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			input := models.NewKeyInput{Role: models.Role(in.role), OrgID: in.org, Name: in.name}
			if in.expires > 0 {
				t := time.Now().Add(in.expires).UTC()
				input.ExpiresAt = &t
			}
			k, secret, err := st.CreateKey(cmd.Context(), models.System("cli"), input)
			if err != nil {
				return describe(err)
			}
			fmt.Printf("created %s key %s (id %s); it is shown only now:\n%s\n", k.Role, k.Prefix, k.ID, secret)
			return nil
		},
	}
	create.Flags().StringVar(&in.role, "role", "", "admin, authority, certifier, inspector, vendor, procurement or operator")
	create.Flags().StringVar(&in.org, "org", "", "organization id the key acts for (required but for admin and procurement)")
	create.Flags().StringVar(&in.name, "name", "", "a label for the key's holder")
	create.Flags().DurationVar(&in.expires, "expires-in", 0, "optional lifetime, such as 720h")
	_ = create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "List API keys (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			keys, err := st.FindKeys(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PREFIX\tROLE\tORG\tNAME\tCREATED\tSTATE")
			for _, k := range keys {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked"
				} else if k.ExpiresAt != nil && time.Now().After(*k.ExpiresAt) {
					state = "expired"
				}
				org := ""
				if k.OrgID != nil {
					org = *k.OrgID
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Role, org, k.Name, k.CreatedAt.Format(time.RFC3339), state)
			}
			return w.Flush()
		},
	}
	revoke := &cobra.Command{
		Use: "revoke <prefix|id>", Short: "Revoke an API key; it stops working at once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := open(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer st.Close()
			k, err := st.RevokeKey(cmd.Context(), models.System("cli"), args[0])
			if err != nil {
				return describe(err)
			}
			fmt.Printf("revoked key %s\n", k.Prefix)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
