package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store/redisstore"
)

// serveConfig is `steady serve`'s configuration. Every setting is an
// environment variable (README.md and docs/examples/steady.env list them);
// --config FILE reads the same NAME=value lines from a file, and the
// environment wins over the file.
// DefaultHTTPAddr is where /healthz, /readyz and /metrics listen unless
// STEADY_HTTP_ADDR says otherwise: this host only.
const DefaultHTTPAddr = "127.0.0.1:8080"

type serveConfig struct {
	Token          string // STEADY_DISCORD_TOKEN
	RedisURL       string // REDIS_URL
	RedisOptions   *redis.Options
	Prefix         string              // STEADY_REDIS_PREFIX
	GuildID        string              // STEADY_GUILD_ID
	StaffRoleID    string              // STEADY_STAFF_ROLE_ID
	LeadRoleID     string              // STEADY_LEAD_ROLE_ID
	StaffChannelID string              // STEADY_STAFF_CHANNEL_ID
	PeerChannelID  string              // STEADY_PEER_CHANNEL_ID
	LeadID         string              // STEADY_LEAD_ID
	Keys           *redisstore.Keyring // STEADY_ENCRYPTION_KEYS
	HTTPAddr       string              // STEADY_HTTP_ADDR (default DefaultHTTPAddr)
	APIURL         string              // STEADY_DISCORD_API_URL
	Rate           float64             // STEADY_DISCORD_RATE
	MessagesFile   string              // STEADY_MESSAGES_FILE
	CrisisContacts []string            // STEADY_CRISIS_CONTACTS: one per contact, separated by ";"
	DangerContacts []string            // STEADY_DANGER_CONTACTS: the same, for danger from someone else
	LogLevel       slog.Level          // STEADY_LOG_LEVEL
	FlushEvery     time.Duration       // STEADY_FLUSH_INTERVAL
	ShutdownGrace  time.Duration       // STEADY_SHUTDOWN_TIMEOUT
	Retention      time.Duration       // STEADY_RETENTION_DAYS
	CrisisHold     time.Duration       // STEADY_CRISIS_HOLD

	// Escalation: STEADY_WORKING_HOURS, STEADY_RENOTIFY_AFTER, STEADY_ESCALATE_AFTER,
	// STEADY_URGENT_RENOTIFY_AFTER, STEADY_ESCALATED_RENOTIFY_AFTER, STEADY_STALE_AFTER, STEADY_PEER_APPROVAL.
	Escalation         bot.EscalationConfig
	ModeratorChannelID string   // STEADY_MODERATOR_CHANNEL_ID
	Moderators         []string // STEADY_MODERATORS: Discord user ids, comma-separated
	ServiceZone        string   // STEADY_SERVICE_ZONE
	HuddleAt           string   // STEADY_HUDDLE_AT
}

// configNames lists every setting serve reads, for --config files: a name
// outside it is a typo, reported rather than ignored.
var configNames = []string{
	"STEADY_DISCORD_TOKEN", "REDIS_URL", "STEADY_REDIS_PREFIX", "STEADY_GUILD_ID", "STEADY_STAFF_ROLE_ID",
	"STEADY_LEAD_ROLE_ID", "STEADY_STAFF_CHANNEL_ID", "STEADY_PEER_CHANNEL_ID", "STEADY_LEAD_ID",
	"STEADY_ENCRYPTION_KEYS", "STEADY_HTTP_ADDR", "STEADY_DISCORD_API_URL", "STEADY_DISCORD_RATE",
	"STEADY_MESSAGES_FILE", "STEADY_LOG_LEVEL", "STEADY_FLUSH_INTERVAL", "STEADY_SHUTDOWN_TIMEOUT",
	"STEADY_RETENTION_DAYS", "STEADY_WORKING_HOURS", "STEADY_RENOTIFY_AFTER", "STEADY_ESCALATE_AFTER",
	"STEADY_URGENT_RENOTIFY_AFTER", "STEADY_ESCALATED_RENOTIFY_AFTER", "STEADY_STALE_AFTER", "STEADY_PEER_APPROVAL", "STEADY_MODERATOR_CHANNEL_ID",
	"STEADY_MODERATORS", "STEADY_SERVICE_ZONE", "STEADY_HUDDLE_AT", "STEADY_CRISIS_CONTACTS", "STEADY_CRISIS_HOLD",
	"STEADY_DANGER_CONTACTS", "REDIS_PASSWORD",
}

// readConfigFile parses NAME=value lines (# comments, blank lines, optional
// quotes). The file holds the bot token and the encryption keys, and says
// where REST calls go (STEADY_DISCORD_API_URL): one that others can write
// could hand the token to anyone, so it is refused; one that others can read
// is used, with a warning.
func readConfigFile(path string) (map[string]string, []string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config file: %w", err)
	}
	var warnings []string
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return nil, nil, fmt.Errorf("config file %s can be changed by other users (mode %04o): anyone who can write it can take the bot token; run chmod 600 %s", path, perm, path)
	} else if perm&0o004 != 0 {
		warnings = append(warnings, fmt.Sprintf("config file %s can be read by every user on this machine (mode %04o), and it holds the bot token and the encryption keys: chmod 600 %s", path, perm, path))
	}
	out, err := parseConfig(path)
	return out, warnings, err
}

func parseConfig(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	known := map[string]bool{}
	for _, n := range configNames {
		known[n] = true
	}
	out := map[string]string{}
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s:%d: expected NAME=value", path, n))
		case !known[k]:
			errs = append(errs, fmt.Errorf("%s:%d: unknown setting %s", path, n, k))
		default:
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			out[k] = v
		}
	}
	return out, errors.Join(errs...)
}

// loadConfig reads and checks every setting, reporting each mistake on its own line.
func loadConfig(getenv func(string) string, file map[string]string) (serveConfig, error) {
	get := func(k string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return file[k]
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	c := serveConfig{
		Token: get("STEADY_DISCORD_TOKEN"), RedisURL: get("REDIS_URL"), Prefix: get("STEADY_REDIS_PREFIX"),
		GuildID: get("STEADY_GUILD_ID"), StaffRoleID: get("STEADY_STAFF_ROLE_ID"), LeadRoleID: get("STEADY_LEAD_ROLE_ID"),
		StaffChannelID: get("STEADY_STAFF_CHANNEL_ID"), PeerChannelID: get("STEADY_PEER_CHANNEL_ID"), LeadID: get("STEADY_LEAD_ID"),
		HTTPAddr: get("STEADY_HTTP_ADDR"), APIURL: get("STEADY_DISCORD_API_URL"), MessagesFile: get("STEADY_MESSAGES_FILE"),
	}
	for _, contact := range strings.Split(get("STEADY_CRISIS_CONTACTS"), ";") {
		if contact = strings.TrimSpace(contact); contact != "" {
			c.CrisisContacts = append(c.CrisisContacts, contact)
		}
	}
	if v := get("STEADY_DANGER_CONTACTS"); v != "" {
		contacts, problems := parseDangerContacts(v)
		for _, p := range problems {
			bad("STEADY_DANGER_CONTACTS: %s", p)
		}
		c.DangerContacts = contacts
	}
	if c.Token == "" {
		bad("STEADY_DISCORD_TOKEN is required: the bot token from the Discord developer portal")
	} else if strings.HasPrefix(c.Token, "Bot ") {
		bad("STEADY_DISCORD_TOKEN: give the token alone, without \"Bot \"")
	}
	switch {
	case c.RedisURL == "":
		bad("REDIS_URL is required, e.g. redis://localhost:6379/0")
	default:
		opt, err := redisOptions(c.RedisURL, get("REDIS_PASSWORD"))
		if err != nil {
			bad("%v", err)
		}
		c.RedisOptions = opt
	}
	if c.Prefix == "" {
		c.Prefix = "steady"
	}
	for name, v := range map[string]string{"STEADY_GUILD_ID": c.GuildID, "STEADY_STAFF_ROLE_ID": c.StaffRoleID,
		"STEADY_LEAD_ROLE_ID": c.LeadRoleID, "STEADY_STAFF_CHANNEL_ID": c.StaffChannelID, "STEADY_PEER_CHANNEL_ID": c.PeerChannelID} {
		if v != "" && !isSnowflake(v) {
			bad("%s %q: use the numeric id (Discord: Developer Mode, then Copy ID)", name, v)
		}
	}
	if c.GuildID == "" {
		bad("STEADY_GUILD_ID is required: the Discord server Steady serves")
	}
	if c.StaffRoleID == "" {
		bad("STEADY_STAFF_ROLE_ID is required: without it nobody could use the staff commands")
	}
	if c.StaffChannelID == "" {
		bad("STEADY_STAFF_CHANNEL_ID is required: urgent-incident notices (with no client details) go there, and each worker's private channel beside it")
	}
	if v := get(redisstore.EnvKeys); v == "" {
		bad("%s is required: base64 of a 32-byte key that encrypts client records at rest (head -c32 /dev/urandom | base64)", redisstore.EnvKeys)
	} else if kr, err := redisstore.ParseKeys(v); err != nil {
		bad("%v", err)
	} else {
		c.Keys = kr
	}
	if c.HTTPAddr == "" {
		// Metrics and health are for the operator on this host: reachable
		// from elsewhere only when asked for (":8080" in a container).
		c.HTTPAddr = DefaultHTTPAddr
	}
	if c.APIURL != "" {
		if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("STEADY_DISCORD_API_URL %q: use http(s)://host[:port]", c.APIURL)
		}
	}
	c.Rate = 45
	if v := get("STEADY_DISCORD_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r > 50 {
			bad("STEADY_DISCORD_RATE %q: requests per second, above 0 and at most Discord's 50", v)
		}
		c.Rate = r
	}
	if c.MessagesFile != "" {
		if _, err := os.Stat(c.MessagesFile); err != nil {
			bad("STEADY_MESSAGES_FILE %q: %v", c.MessagesFile, err)
		}
	}
	switch v := strings.ToLower(get("STEADY_LOG_LEVEL")); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("STEADY_LOG_LEVEL %q: use debug, info, warn or error", v)
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := get(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad("%s %q: use a duration like 30s or 2m", name, v)
			return def
		}
		return d
	}
	c.Escalation = bot.EscalationConfig{
		DefaultHours:           get("STEADY_WORKING_HOURS"),
		RenotifyAfter:          duration("STEADY_RENOTIFY_AFTER", 0),
		EscalateAfter:          duration("STEADY_ESCALATE_AFTER", 0),
		UrgentRenotifyAfter:    duration("STEADY_URGENT_RENOTIFY_AFTER", 0),
		EscalatedRenotifyAfter: duration("STEADY_ESCALATED_RENOTIFY_AFTER", 0),
		StaleAfter:             duration("STEADY_STALE_AFTER", 0),
	}
	switch v := strings.ToLower(get("STEADY_PEER_APPROVAL")); v {
	case "", "no", "false", "off":
	case "yes", "true", "on":
		c.Escalation.PeerApproval = true
	default:
		bad("STEADY_PEER_APPROVAL %q: yes holds every peer nudge for a moderator, no posts them", v)
	}
	if err := c.Escalation.Validate(); err != nil {
		bad("escalation settings: %v", err)
	}
	c.ModeratorChannelID = get("STEADY_MODERATOR_CHANNEL_ID")
	if c.ModeratorChannelID != "" && !isSnowflake(c.ModeratorChannelID) {
		bad("STEADY_MODERATOR_CHANNEL_ID %q: use the numeric id", c.ModeratorChannelID)
	}
	for _, id := range strings.Split(get("STEADY_MODERATORS"), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		} else if !isSnowflake(id) {
			bad("STEADY_MODERATORS: %q is not a Discord user id", id)
		} else {
			c.Moderators = append(c.Moderators, id)
		}
	}
	c.ServiceZone = get("STEADY_SERVICE_ZONE")
	if c.ServiceZone != "" {
		if _, err := time.LoadLocation(c.ServiceZone); err != nil {
			bad("STEADY_SERVICE_ZONE %q is not an IANA zone like Europe/London", c.ServiceZone)
		}
	}
	c.HuddleAt = get("STEADY_HUDDLE_AT")
	if c.HuddleAt != "" && c.HuddleAt != "off" {
		if _, err := scheduler.ParseRule(c.HuddleAt); err != nil {
			bad("STEADY_HUDDLE_AT %q: e.g. \"weekly mon 09:30\", or off", c.HuddleAt)
		}
	}
	c.CrisisHold = duration("STEADY_CRISIS_HOLD", flows.DefaultCrisisHold)
	c.FlushEvery = duration("STEADY_FLUSH_INTERVAL", 30*time.Second)
	c.ShutdownGrace = duration("STEADY_SHUTDOWN_TIMEOUT", 25*time.Second)
	if r, err := retentionSetting(get); err != nil {
		errs = append(errs, err)
	} else {
		c.Retention = r
	}
	return c, errors.Join(errs...)
}

// retentionSetting reads STEADY_RETENTION_DAYS: how long a discharged
// client's records (and every audit trail) are kept.
func retentionSetting(get func(string) string) (time.Duration, error) {
	v := get("STEADY_RETENTION_DAYS")
	if v == "" {
		return bot.DefaultRetention, nil
	}
	days, err := strconv.Atoi(v)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange) || err == nil && days < 1:
		return 0, fmt.Errorf("STEADY_RETENTION_DAYS %q: how many days a discharged client's records are kept, e.g. 730", v)
	case err != nil || days > maxRetentionDays:
		return 0, fmt.Errorf("STEADY_RETENTION_DAYS %q: at most %d (100 years); records are kept no longer than that", v, maxRetentionDays)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// maxRetentionDays caps STEADY_RETENTION_DAYS: 100 years is longer than any
// record needs keeping, and far below where days as a time.Duration
// overflow (106,752) into a negative period that would erase at once.
const maxRetentionDays = 36_500

// redisOptions reads REDIS_URL, with REDIS_PASSWORD as the password when
// the URL carries none (docker compose's Redis requires one, from .env).
func redisOptions(url, password string) (*redis.Options, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL %q is not a Redis URL (%v); use redis://host:port/db", redactURL(url), err)
	}
	if opt.Password == "" {
		opt.Password = password
	}
	return opt, nil
}

// Limits on STEADY_DANGER_CONTACTS: a client in danger reads them on a
// phone, perhaps in a hurry, so the list is short and every line is a way
// to reach someone.
const (
	maxDangerContacts     = 8
	maxDangerContactRunes = 200
)

// parseDangerContacts reads the ";"-separated contacts a client in danger
// from someone else is given. Each must hold a number to call or text, and
// the list must include an emergency number (999, or 112): someone in
// danger right now needs that first.
func parseDangerContacts(v string) (contacts, problems []string) {
	emergency := false
	for _, contact := range strings.Split(v, ";") {
		contact = strings.TrimSpace(contact)
		switch {
		case contact == "":
			continue
		case len([]rune(contact)) > maxDangerContactRunes:
			problems = append(problems, fmt.Sprintf("%q is longer than %d characters; keep each contact to a line", clipForError(contact), maxDangerContactRunes))
			continue
		case !strings.ContainsAny(contact, "0123456789"):
			problems = append(problems, fmt.Sprintf("%q has no number to call or text", contact))
			continue
		}
		for _, f := range strings.FieldsFunc(contact, func(r rune) bool { return r < '0' || r > '9' }) {
			emergency = emergency || f == "999" || f == "112"
		}
		contacts = append(contacts, contact)
	}
	switch {
	case len(contacts) == 0 && len(problems) == 0:
		problems = append(problems, "no contacts; leave it unset for the UK defaults")
	case len(contacts) > maxDangerContacts:
		problems = append(problems, fmt.Sprintf("%d contacts; give at most %d", len(contacts), maxDangerContacts))
	case len(contacts) > 0 && !emergency:
		problems = append(problems, "include 999 (or 112): someone in danger right now needs the emergency number first")
	}
	return contacts, problems
}

func clipForError(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// redactURL hides a password in a URL for error messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}
