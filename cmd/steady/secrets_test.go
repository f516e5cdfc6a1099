package main

import (
	"context"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"steady/store/redistest"
)

// readRepo reads a file at the repository's root.
func readRepo(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dockerIgnored reports whether .dockerignore keeps a path out of the build
// context, as Docker reads it: the last rule matching the path, or any
// directory above it, decides; "!" lets back in; "**/" matches any depth.
func dockerIgnored(rules []string, p string) bool {
	ignored := false
	parts := strings.Split(p, "/")
	for _, rule := range rules {
		neg := strings.HasPrefix(rule, "!")
		pat := strings.TrimSuffix(strings.TrimPrefix(rule, "!"), "/")
		matched := false
		for i := 1; i <= len(parts) && !matched; i++ {
			sub := strings.Join(parts[:i], "/")
			if rest, ok := strings.CutPrefix(pat, "**/"); ok {
				for j := 0; j < i && !matched; j++ {
					matched, _ = path.Match(rest, strings.Join(parts[j:i], "/"))
				}
			} else {
				matched, _ = path.Match(pat, sub)
			}
		}
		if matched {
			ignored = !neg
		}
	}
	return ignored
}

// .env (which the README has people create at the root, holding the token,
// the keys and Redis's password) is kept out of git and out of the image.
func TestSecretsStayOutOfGitAndTheImage(t *testing.T) {
	gitignore := strings.Split(readRepo(t, ".gitignore"), "\n")
	for _, want := range []string{".env", ".env.*"} {
		found := false
		for _, l := range gitignore {
			found = found || strings.TrimSpace(l) == want
		}
		if !found {
			t.Errorf(".gitignore lacks %q", want)
		}
	}
	var rules []string
	for _, l := range strings.Split(readRepo(t, ".dockerignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			rules = append(rules, l)
		}
	}
	for p, ignored := range map[string]bool{
		".env": true, ".env.production": true, "cmd/steady/.env": true, ".git/config": true, "bin/steady": true,
		"docs/examples/steady.env": true, "bot/discord/fakediscord/testdata/discord-api/openapi.json": true,
		"go.mod": false, "go.sum": false, "cmd/steady/main.go": false, "cmd/steady/sample-client.yaml": false,
		"flows/messages.en-GB.yaml": false, "store/redisstore/seal.go": false, "bot/discord/client.go": false,
	} {
		if got := dockerIgnored(rules, p); got != ignored {
			t.Errorf(".dockerignore: %s ignored = %v, want %v", p, got, ignored)
		}
	}
	for _, l := range strings.Split(readRepo(t, "Dockerfile"), "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != "COPY" || strings.HasPrefix(f[1], "--from") {
			continue
		}
		for _, src := range f[1 : len(f)-1] {
			if src != "." && src != "go.mod" && src != "go.sum" {
				t.Errorf("Dockerfile copies %q, which .dockerignore does not vouch for", src)
			}
		}
	}
}

// The compose Redis requires a password from .env, and serve (and the
// records commands) use REDIS_PASSWORD when REDIS_URL carries none.
func TestComposeRedisNeedsThePasswordAndServeUsesIt(t *testing.T) {
	compose := readRepo(t, "docker-compose.yml")
	for _, want := range []string{`"--requirepass", "${REDIS_PASSWORD:?`, "REDIS_PASSWORD: ${REDIS_PASSWORD}", "REDISCLI_AUTH: ${REDIS_PASSWORD}"} {
		if !strings.Contains(compose, want) {
			t.Errorf("docker-compose.yml lacks %q", want)
		}
	}
	srv, err := redistest.Start("--requirepass", "s3cret-pw")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	ctx := context.Background()
	for _, tc := range []struct {
		url, password string
		ok            bool
	}{
		{"redis://" + srv.Addr + "/0", "s3cret-pw", true},
		{"redis://:s3cret-pw@" + srv.Addr + "/0", "", true},
		{"redis://:s3cret-pw@" + srv.Addr + "/0", "wrong", true}, // the URL's own wins
		{"redis://" + srv.Addr + "/0", "", false},
	} {
		opt, err := redisOptions(tc.url, tc.password)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		err = rdb.Ping(ctx).Err()
		rdb.Close()
		if (err == nil) != tc.ok {
			t.Errorf("%s with REDIS_PASSWORD %q: ping %v, want ok %v", redactURL(tc.url), tc.password, err, tc.ok)
		}
	}
}

// golang.org/x/crypto (pulled in by discordgo) is a current release, not
// the 2021 pseudo-version discordgo asks for.
func TestCryptoIsCurrent(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	for _, d := range bi.Deps {
		if d.Path != "golang.org/x/crypto" {
			continue
		}
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
		minor, _ := strconv.Atoi(parts[1])
		if strings.HasPrefix(v, "v0.0.0-") || parts[0] == "0" && minor < 45 {
			t.Fatalf("golang.org/x/crypto %s: require a current release in go.mod", v)
		}
		return
	}
	t.Fatal("golang.org/x/crypto is not linked: the test no longer checks anything")
}
