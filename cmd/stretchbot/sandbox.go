package main

import (
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/sandbox"
)

// newSandboxCommand builds `stretchbot sandbox`: the real bot against a fake
// Discord, with a console. It needs no token.
func newSandboxCommand(load func(*cobra.Command, bool) (*config.Config, error), stdin io.Reader, stdout io.Writer) *cobra.Command {
	var opts sandbox.Options
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Try the bot without a token: the real bot against a fake Discord, in a console",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd, false)
			if err != nil {
				return err
			}
			opts.Config, opts.In, opts.Out, opts.Log = cfg, stdin, stdout, os.Stderr
			return sandbox.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.DBPath, "db", "", "keep the sandbox database in this file (default: a throwaway one)")
	cmd.Flags().StringVar(&opts.OutDir, "out", "", "save the files the bot attaches (the heatmap) in this folder (default: a new temporary folder)")
	cmd.Flags().IntVar(&opts.Fast, "fast", 0, "run the bot's clock N times faster, so sessions end sooner (--fast alone: "+
		strconv.Itoa(sandbox.DefaultFast)+"×; --fast=30 for 30×)")
	cmd.Flags().Lookup("fast").NoOptDefVal = strconv.Itoa(sandbox.DefaultFast)
	return cmd
}
