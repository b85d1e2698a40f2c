// Command stretchbot is a self-hosted Discord bot for servers that stretch together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // timezones must resolve in minimal containers without /usr/share/zoneinfo

	"github.com/spf13/cobra"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/app"
	"github.com/stretchbot/stretchbot/internal/metrics"
	"github.com/stretchbot/stretchbot/storage"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand(os.Stdin, os.Stdout, os.Stderr, os.Environ()).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stretchbot:", err)
		os.Exit(1)
	}
}

// newRootCommand builds the CLI; its streams and environment are parameters so
// tests can run it in-process.
func newRootCommand(stdin io.Reader, stdout, stderr io.Writer, environ []string) *cobra.Command {
	var configPath string
	root := &cobra.Command{
		Use:           "stretchbot",
		Short:         "A Discord bot for servers that stretch together",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&configPath, "config", config.DefaultPath, "YAML config file (optional when it is the default)")
	load := func(cmd *cobra.Command, requireToken bool) (*config.Config, error) {
		explicit := cmd.Flags().Changed("config")
		cfg, err := config.Load(configPath, explicit, environ)
		if cfg == nil {
			return nil, err
		}
		// Load's problems and Validate's together: every problem in one run.
		return cfg, errors.Join(err, cfg.Validate(requireToken))
	}

	run := &cobra.Command{
		Use:   "run",
		Short: "Connect to Discord and serve (the default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd, true)
			if err != nil {
				return err
			}
			logger, err := newLogger(stderr, cfg)
			if err != nil {
				return err
			}
			slog.SetDefault(logger)
			logger.Info("starting stretchbot", slog.String("version", version), slog.String("database", cfg.Storage.Path))
			return app.Run(cmd.Context(), cfg, app.Options{Logger: logger})
		},
	}
	root.RunE = run.RunE
	root.Args = cobra.NoArgs

	checkConfig := &cobra.Command{
		Use:   "check-config",
		Short: "Validate the config file, the environment and the catalog file, then exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd, true)
			if cfg == nil {
				return err // the file itself could not be read
			}
			// Every problem at once: the values, then the database's place and the catalog file,
			// which run would refuse before connecting.
			problems := []error{err}
			if cfg.Storage.Path != "" {
				problems = append(problems, storage.CheckPath(cfg.Storage.Path))
			}
			if cfg.Storage.Backup.Every > 0 {
				problems = append(problems, storage.PrepareBackupDir(cfg.BackupDir(), false))
			}
			if _, err := catalog.Load(cfg.Catalog.ExtraPath); err != nil {
				problems = append(problems, err)
			}
			if err := errors.Join(problems...); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "config is valid (database %s, timezone %s, commands %s)\n",
				cfg.Storage.Path, cfg.Defaults.Timezone, registrationScope(cfg))
			return nil
		},
	}

	versionCmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run:   func(*cobra.Command, []string) { fmt.Fprintln(stdout, "stretchbot", version) },
	}

	backupCmd := &cobra.Command{
		Use:   "backup PATH",
		Short: "Copy the database into a new file PATH while the bot runs, check the copy and say what it holds",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(cmd, false)
			if cfg == nil {
				return err
			}
			s, err := storage.Backup(cmd.Context(), cfg.Storage.Path, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "backed up %s to %s (integrity ok): %d members, %d counted days, %d sessions, %d schedules\n",
				cfg.Storage.Path, args[0], s.Members, s.CountedDays, s.Sessions, s.Schedules)
			return nil
		},
	}

	restoreCmd := &cobra.Command{
		Use:   "restore PATH",
		Short: "Put the backup PATH in place of the database (the bot must be stopped); the old one is kept beside it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(cmd, false)
			if cfg == nil {
				return err
			}
			s, kept, err := storage.Restore(cmd.Context(), cfg.Storage.Path, args[0], time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "restored %s from %s: %d members, %d counted days, %d sessions, %d schedules; the old database is kept as %s\n",
				cfg.Storage.Path, args[0], s.Members, s.CountedDays, s.Sessions, s.Schedules, kept)
			return nil
		},
	}

	healthCmd := &cobra.Command{
		Use:   "health",
		Short: "Ask the running bot whether it is ready (GET /readyz at metrics.listen); exit 0 if so, 1 if not",
		Long: "Ask the running bot whether it is ready: every gateway shard connected and the database answering.\n" +
			"It calls /readyz at metrics.listen, so it works where there is no curl (the Docker image's HEALTHCHECK).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd, false)
			if cfg == nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
			defer cancel()
			if err := metrics.Probe(ctx, cfg.Metrics.Listen); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "ready")
			return nil
		},
	}

	root.AddCommand(run, checkConfig, backupCmd, restoreCmd, healthCmd, versionCmd, newSandboxCommand(load, stdin, stdout))
	return root
}

func registrationScope(cfg *config.Config) string {
	if cfg.Discord.GuildID != "" {
		return "registered to server " + cfg.Discord.GuildID
	}
	return "registered globally"
}

func newLogger(w io.Writer, cfg *config.Config) (*slog.Logger, error) {
	level, err := config.ParseLevel(cfg.Log.Level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
