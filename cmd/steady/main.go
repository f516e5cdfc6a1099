// Command steady is Steady's single binary: `steady try` runs a simulated
// week in the terminal; `steady serve` runs the Discord bot. This package
// only wires parts together and parses flags; behaviour lives in bot, flows,
// scheduler and store.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	// Clients live in many zones and a minimal container has no zoneinfo.
	_ "time/tzdata"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Steady: in-work check-ins that keep people with health conditions in work.

usage: steady <command> [flags]

commands:
  try       run a simulated week in the terminal (embedded Redis, simulated clock)
  serve     run the Discord bot (settings from the environment; see README)
  report    service reports: sustainment, contact, adjustments, incidents, audit-sample
  export    everything held about a client, as JSON (on their request)
  erase     delete everything held about a client (on their request)
  rekey     re-encrypt old records under the newest key after a key rotation
  version   print the version
  help      this text

Run "steady <command> -h" for a command's flags.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	switch args[0] {
	case "try":
		return runTry(ctx, args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stderr)
	case "report":
		return runReport(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "erase":
		return runErase(ctx, args[1:], stdin, stdout, stderr)
	case "rekey":
		return runRekey(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "steady: unknown command %q\n\n%s\n", args[0], usage)
	return 2
}

func versionString() string {
	v := "steady " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		v += " (" + bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += ", " + s.Value[:12]
			}
		}
		v += ")"
	}
	return v
}
