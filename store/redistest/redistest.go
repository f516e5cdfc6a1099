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

// Dump returns every key under prefix with its raw contents, read by type,
// so a test can check what actually sits in Redis: that no plaintext answer
// is stored, or that nothing of an erased client is left.
func Dump(ctx context.Context, t testing.TB, rdb redis.UniversalClient, prefix string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatalf("redistest: type of %s: %v", key, err)
		}
		var vals []string
		switch typ {
		case "none":
			continue // gone since the scan (expired, or deleted by a process still running)
		case "string":
			v, err := rdb.Get(ctx, key).Result()
			if err == nil {
				vals = []string{v}
			}
		case "hash":
			m, _ := rdb.HGetAll(ctx, key).Result()
			for f, v := range m {
				vals = append(vals, f, v)
			}
		case "list":
			vals, _ = rdb.LRange(ctx, key, 0, -1).Result()
		case "set":
			vals, _ = rdb.SMembers(ctx, key).Result()
		case "zset":
			zs, _ := rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
			for _, z := range zs {
				vals = append(vals, fmt.Sprint(z.Member), fmt.Sprint(z.Score))
			}
		case "stream":
			msgs, _ := rdb.XRange(ctx, key, "-", "+").Result()
			for _, m := range msgs {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		default:
			t.Fatalf("redistest: %s has unexpected type %s", key, typ)
		}
		out[key] = vals
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("redistest: scan %s: %v", prefix, err)
	}
	return out
}
