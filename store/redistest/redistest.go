// Package redistest starts a private redis-server for one test package and
// gives each test its own key prefix, so tests run against real Redis
// without sharing state. It is test support: production code must not import it.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process owned by the tests.
type Server struct {
	Addr string
	Dir  string
	cmd  *exec.Cmd
	args []string
}

var (
	shared   *Server
	prefixes atomic.Int64
)

// Main starts a private redis-server, runs the package's tests and stops the
// server. Call it from TestMain.
func Main(m *testing.M) {
	s, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = s
	code := m.Run()
	s.Stop()
	os.Exit(code)
}

// Start launches redis-server on a free loopback port in a fresh temp dir.
// extra are additional redis-server options, e.g. "--appendonly", "yes".
func Start(extra ...string) (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redistest: redis-server not found; run `make test`, which installs it (Debian: apt-get install -y redis-server)")
	}
	dir, err := os.MkdirTemp("", "steady-redis-")
	if err != nil {
		return nil, fmt.Errorf("redistest: temp dir: %w", err)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir}
		s.args = append([]string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--protected-mode", "no",
			"--daemonize", "no", "--loglevel", "notice", "--logfile", "",
		}, extra...)
		if lastErr = s.launch(path); lastErr == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// launch starts the process and returns once it says it accepts connections,
// reading its log rather than polling so tests never sleep.
func (s *Server) launch(path string) error {
	cmd := exec.Command(path, s.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("redistest: stdout pipe: %w", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var log []string
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "Ready to accept connections") {
				ready <- nil
				_, _ = io.Copy(io.Discard, out)
				return
			}
			log = append(log, line)
		}
		ready <- fmt.Errorf("redistest: redis-server exited before it was ready:\n%s", strings.Join(log, "\n"))
	}()
	select {
	case err := <-ready:
		if err != nil {
			_ = cmd.Wait()
			return err
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return errors.New("redistest: redis-server not ready after 30s")
	}
	s.cmd = cmd
	return nil
}

// Stop ends the server and removes its directory.
func (s *Server) Stop() {
	s.kill()
	os.RemoveAll(s.Dir)
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart kills the server without a clean shutdown (as a crash would) and
// starts it again on the same port and directory, so AOF recovery is exercised.
func (s *Server) Restart() error {
	s.kill()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return err
	}
	return s.launch(path)
}

// AOFPath is where the server keeps its append-only files, if enabled.
func (s *Server) AOFPath() string { return filepath.Join(s.Dir, "appendonlydir") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redistest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Shared returns the package's server started by Main.
func Shared(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		t.Fatal("redistest: call redistest.Main(m) from TestMain")
	}
	return shared
}

// New returns a client of the package's server and a key prefix no other test
// uses. The prefix's keys are deleted when the test ends.
func New(t testing.TB) (*redis.Client, string) {
	t.Helper()
	s := Shared(t)
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr})
	prefix := fmt.Sprintf("t%d", prefixes.Add(1))
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		rdb.Close()
	})
	return rdb, prefix
}
