package discord

import (
	"context"
	"testing"
	"time"

	"steady/store/redisstore"
	"steady/store/redistest"
)

// TestMain (redistest.Main) is in discord_test.go.

// Earlier versions kept delivery keys and long prompt ids in the clear under
// the adapter's own keys, named by the client: erasure still finds them.
func TestForgetRemovesWhatEarlierVersionsKeptNamingTheClient(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	c, err := New(Options{Token: "t", Redis: rdb, Prefix: prefix, Records: redisstore.New(rdb, prefix)})
	if err != nil {
		t.Fatal(err)
	}
	rdb.HSet(ctx, c.dmKey(), "u-alex", "dm1", "u-alexa", "dm2")
	for key, val := range map[string]string{
		c.legacyKey("sent:" + "sleep/alex|sleep_log||2026-11-23T07:30/q1"):  "dm1/m1",
		c.legacyKey("sent:" + "ping/alex.two_disrupted_nights.2026-11-22"):  "staff/m2",
		c.legacyKey("sent:" + "sleep/alexa|sleep_log||2026-11-23T07:30/q1"): "dm2/m3",
		c.legacyKey("sent:" + "sleep/xalex|sleep_log||2026-11-23T07:30/q1"): "dm3/m4",
		c.legacyKey("prompt:" + "abc"):                                      "alex|debrief|2026-11-23T17:00|2026-11-23T19:00",
		c.legacyKey("prompt:" + "def"):                                      "alexa|debrief|2026-11-23T17:00|2026-11-23T19:00",
	} {
		rdb.Set(ctx, key, val, time.Hour)
	}
	if err := c.forgetLegacy(ctx, "alex"); err != nil {
		t.Fatal(err)
	}
	rdb.HDel(ctx, c.dmKey(), "u-alex") // Forget's own part
	left := redistest.Dump(ctx, t, rdb, prefix)
	for key, vals := range left {
		for _, v := range append(vals, key) {
			if v == "u-alex" || names(v) {
				t.Errorf("%s still names alex: %q", key, v)
			}
		}
	}
	if len(left) != 4 { // the DM hash (alexa), alexa's and xalex's sent keys, alexa's prompt
		t.Errorf("kept %d keys, want 4: %v", len(left), left)
	}
}

func names(s string) bool {
	for i := 0; i+5 <= len(s); i++ {
		if s[i:i+5] == "alex|" || s[i:i+5] == "alex." {
			if i == 0 || s[i-1] == '/' || s[i-1] == ':' {
				return true
			}
		}
	}
	return false
}
