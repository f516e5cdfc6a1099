package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// serveWith runs the real binary's serve with only the given environment.
func serveWith(t *testing.T, env []string, args ...string) (int, []string) {
	t.Helper()
	cmd := exec.Command(steadyBin, append([]string{"serve"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return code, lines
}

func goodEnv(t *testing.T, drop string, extra ...string) []string {
	env := []string{
		"STEADY_DISCORD_TOKEN=abc", "REDIS_URL=redis://127.0.0.1:1/0", "STEADY_GUILD_ID=1", "STEADY_STAFF_ROLE_ID=2",
		"STEADY_STAFF_CHANNEL_ID=3", "STEADY_ENCRYPTION_KEYS=" + testKey, "STEADY_HTTP_ADDR=127.0.0.1:0",
	}
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, drop+"=") {
			out = append(out, e)
		}
	}
	return append(out, extra...)
}

func TestServeRefusesBadConfigWithOneClearLine(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"missing token", goodEnv(t, "STEADY_DISCORD_TOKEN"), "STEADY_DISCORD_TOKEN is required"},
		{"bad Redis URL", goodEnv(t, "REDIS_URL", "REDIS_URL=localhost:6379"), "REDIS_URL \"localhost:6379\" is not a Redis URL"},
		{"bad encryption key", goodEnv(t, "STEADY_ENCRYPTION_KEYS", "STEADY_ENCRYPTION_KEYS=short"), "STEADY_ENCRYPTION_KEYS"},
		{"a role name, not an id", goodEnv(t, "STEADY_STAFF_ROLE_ID", "STEADY_STAFF_ROLE_ID=staff"), "STEADY_STAFF_ROLE_ID \"staff\": use the numeric id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, lines := serveWith(t, tc.env)
			if code == 0 {
				t.Fatal("serve started with a bad configuration")
			}
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "steady serve: ") || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("output %q, want one line mentioning %q", lines, tc.want)
			}
		})
	}
}

func TestServeReportsEveryMistakeOnItsOwnLine(t *testing.T) {
	code, lines := serveWith(t, nil)
	if code == 0 || len(lines) < 5 {
		t.Fatalf("exit %d, %d lines: %q", code, len(lines), lines)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "steady serve: ") {
			t.Fatalf("line %q is not one mistake", l)
		}
	}
}

func TestServeUnreachableRedisExitsWithOneLine(t *testing.T) {
	code, lines := serveWith(t, goodEnv(t, ""))
	if code == 0 || len(lines) != 1 || !strings.Contains(lines[0], "cannot reach Redis at redis://127.0.0.1:1/0") {
		t.Fatalf("exit %d, output %q", code, lines)
	}
}

func TestServeConfigFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "steady.env")
	os.WriteFile(file, []byte("# comment\nSTEADY_DISCORD_TOKEN=from-file\nSTEADY_GUILD_ID=\"9\"\nSTEADY_TYPO=1\n"), 0o600)
	if _, _, err := readConfigFile(file); err == nil || !strings.Contains(err.Error(), "unknown setting STEADY_TYPO") {
		t.Fatalf("a typo in the file: %v", err)
	}
	os.WriteFile(file, []byte("STEADY_DISCORD_TOKEN=from-file\nSTEADY_GUILD_ID=\"9\"\n"), 0o600)
	f, warnings, err := readConfigFile(file)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("a private config file: %v, warnings %q", err, warnings)
	}
	env := map[string]string{"STEADY_DISCORD_TOKEN": "from-env", "REDIS_URL": "redis://localhost:6379/0", "STEADY_STAFF_ROLE_ID": "2",
		"STEADY_STAFF_CHANNEL_ID": "3", "STEADY_ENCRYPTION_KEYS": testKey}
	c, err := loadConfig(func(k string) string { return env[k] }, f)
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "from-env" || c.GuildID != "9" || c.Rate != 45 || c.HTTPAddr != "127.0.0.1:8080" {
		t.Fatalf("config = %+v", c)
	}
}

// The README and the example env file name every setting serve reads, and
// the example holds nothing serve would refuse.
func TestServeSettingsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../docs/examples/steady.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range configNames {
		if !strings.Contains(string(readme), name) {
			t.Errorf("README.md does not mention %s", name)
		}
		if !strings.Contains(string(example), name+"=") {
			t.Errorf("docs/examples/steady.env does not list %s", name)
		}
	}
	if _, err := parseConfig("../../docs/examples/steady.env"); err != nil {
		t.Errorf("the example env file: %v", err)
	}
}

// The --config file holds the token and the keys, and says where REST calls
// go: one others could change is refused, one others can read is warned of.
func TestServeConfigFilePermissions(t *testing.T) {
	for _, tc := range []struct {
		mode    os.FileMode
		refused bool
		warned  bool
	}{
		{0o600, false, false},
		{0o400, false, false},
		{0o640, false, false},
		{0o644, false, true},
		{0o660, true, false},
		{0o602, true, false},
		{0o666, true, false},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "steady.env")
			if err := os.WriteFile(file, []byte("STEADY_DISCORD_TOKEN=secret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(file, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, warnings, err := readConfigFile(file)
			if refused := err != nil; refused != tc.refused || tc.refused && !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("mode %04o: err = %v, want refused %v", tc.mode, err, tc.refused)
			}
			if warned := len(warnings) > 0; warned != tc.warned {
				t.Fatalf("mode %04o: warnings %q, want warned %v", tc.mode, warnings, tc.warned)
			}
		})
	}
	// serve itself stops on a writable file, before reading anything else.
	file := filepath.Join(t.TempDir(), "steady.env")
	os.WriteFile(file, []byte("STEADY_DISCORD_API_URL=http://attacker.example\n"), 0o600)
	os.Chmod(file, 0o666)
	code, lines := serveWith(t, goodEnv(t, ""), "--config", file)
	if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "can be changed by other users") {
		t.Fatalf("serve with a world-writable config: exit %d, %q", code, lines)
	}
}

// STEADY_RETENTION_DAYS is capped: from 106,752 days a time.Duration
// overflows into a negative period, which would erase discharged clients at
// once.
func TestRetentionDaysAreCapped(t *testing.T) {
	for _, tc := range []struct {
		days string
		want string // "" accepted
	}{
		{"730", ""},
		{"36500", ""},
		{"36501", "at most 36500"},
		{"106752", "at most 36500"},
		{"9223372036854775807", "at most 36500"},
		{"99999999999999999999", "at most 36500"},
		{"0", "e.g. 730"},
		{"-5", "e.g. 730"},
		{"two years", "e.g. 730"},
	} {
		env := map[string]string{"STEADY_DISCORD_TOKEN": "t", "REDIS_URL": "redis://localhost:6379/0", "STEADY_GUILD_ID": "1",
			"STEADY_STAFF_ROLE_ID": "2", "STEADY_STAFF_CHANNEL_ID": "3", "STEADY_ENCRYPTION_KEYS": testKey, "STEADY_RETENTION_DAYS": tc.days}
		c, err := loadConfig(func(k string) string { return env[k] }, nil)
		switch {
		case tc.want == "" && (err != nil || c.Retention <= 0):
			t.Errorf("%s days: %v, retention %s", tc.days, err, c.Retention)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s days: err = %v, want it to say %q", tc.days, err, tc.want)
		}
	}
}

func TestServeDangerContactsSetting(t *testing.T) {
	base := map[string]string{"STEADY_DISCORD_TOKEN": "t", "REDIS_URL": "redis://localhost:6379/0", "STEADY_GUILD_ID": "1",
		"STEADY_STAFF_ROLE_ID": "2", "STEADY_STAFF_CHANNEL_ID": "3", "STEADY_ENCRYPTION_KEYS": testKey}
	tests := []struct {
		name, value string
		want        []string // the contacts, when accepted
		problem     string   // the mistake reported, when refused
	}{
		{"unset: the UK defaults", "", nil, ""},
		{"a service's own", "999 in an emergency; Local refuge: 0300 123 4567 ", []string{"999 in an emergency", "Local refuge: 0300 123 4567"}, ""},
		{"112 is an emergency number too", "112; Helpline 0800 000 000", []string{"112", "Helpline 0800 000 000"}, ""},
		{"no emergency number", "National Domestic Abuse Helpline 0808 2000 247", nil, "include 999"},
		{"a contact with no number", "999; ask a friend", nil, "\"ask a friend\" has no number"},
		{"nothing but separators", " ; ;", nil, "no contacts"},
		{"too long", "999; " + strings.Repeat("call 0800 000 000 ", 20), nil, "longer than 200 characters"},
		{"too many", "999;1;2;3;4;5;6;7;8", nil, "at most 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"STEADY_DANGER_CONTACTS": tt.value}
			for k, v := range base {
				env[k] = v
			}
			c, err := loadConfig(func(k string) string { return env[k] }, nil)
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), "STEADY_DANGER_CONTACTS") || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("error %v, want one about %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(c.DangerContacts, "|") != strings.Join(tt.want, "|") {
				t.Errorf("contacts %q, want %q", c.DangerContacts, tt.want)
			}
		})
	}
}
