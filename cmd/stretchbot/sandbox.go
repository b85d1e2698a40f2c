package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/sandbox"
)

// newSandboxCommand builds `stretchbot sandbox`: the real bot against a fake
// Discord, with a console. It needs no token.
func newSandboxCommand(load func(*cobra.Command, bool) (*config.Config, error), stdin io.Reader, stdout io.Writer) *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Try the bot without a token: the real bot against a fake Discord, in a console",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd, false)
			if err != nil {
				return err
			}
			return sandbox.Run(cmd.Context(), sandbox.Options{Config: cfg, DBPath: dbPath, In: stdin, Out: stdout, Log: os.Stderr})
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "keep the sandbox database in this file (default: a throwaway one)")
	return cmd
}
