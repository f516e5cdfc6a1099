package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"steady/store/redistest"
)

// steadyBin is the real binary, built once for the package's tests, so the
// transcript tests drive exactly what a newcomer runs.
var steadyBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "steady-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	steadyBin = filepath.Join(dir, "steady")
	build := exec.Command("go", "build", "-race", "-o", steadyBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build steady:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	redistest.Main(m)
}
