package fakediscord

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter enforces Discord's global limit (a sliding one-second window) and
// per-route buckets (fixed windows keyed by route and major parameter).
type limiter struct {
	opt Options

	mu      sync.Mutex
	recent  []time.Time // global: request times in the last second
	buckets map[string]*bucket
}

type bucket struct {
	limit   int
	window  time.Duration
	used    int
	resetAt time.Time
}

func newLimiter(opt Options) *limiter {
	return &limiter{opt: opt, buckets: map[string]*bucket{}}
}

// bucketKey names a route's bucket: Discord buckets by route and its major
// parameter (channel, guild or webhook).
func bucketKey(method, route string, params map[string]string) string {
	major := params["channel_id"] + params["guild_id"] + params["webhook_id"]
	return method + " " + route + " " + major
}

// routeLimit is a route's allowance: posting into a channel is 5 per 5s as
// on Discord, deleting in one 5 per second; everything else is looser.
func (l *limiter) routeLimit(method, route string) (int, time.Duration) {
	switch {
	case route == "/channels/{channel_id}/messages" && method == http.MethodPost:
		return l.opt.RouteLimit, l.opt.RouteWindow
	case route == "/channels/{channel_id}/messages/{message_id}" && method == http.MethodDelete:
		return l.opt.RouteLimit, time.Second
	}
	return l.opt.GlobalLimit, time.Second
}

// exemptFromGlobal: interaction callbacks are not bound by the global limit.
func exemptFromGlobal(route string) bool { return strings.HasPrefix(route, "/interactions/") }

// take spends one request. It reports whether the request must be held back,
// whether by the global limit, and how long until it may go.
func (l *limiter) take(method, route string, params map[string]string) (bool, bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.opt.Clock.Now()
	global := !exemptFromGlobal(route)
	if global {
		cut := 0
		for cut < len(l.recent) && now.Sub(l.recent[cut]) >= time.Second {
			cut++
		}
		l.recent = l.recent[cut:]
		if len(l.recent) >= l.opt.GlobalLimit {
			return true, true, l.recent[0].Add(time.Second).Sub(now)
		}
	}
	b := l.bucketFor(method, route, params, now)
	if b.used >= b.limit {
		return true, false, b.resetAt.Sub(now)
	}
	b.used++
	if global {
		l.recent = append(l.recent, now)
	}
	return false, false, 0
}

func (l *limiter) bucketFor(method, route string, params map[string]string, now time.Time) *bucket {
	key := bucketKey(method, route, params)
	b, ok := l.buckets[key]
	if !ok {
		limit, window := l.routeLimit(method, route)
		b = &bucket{limit: limit, window: window}
		l.buckets[key] = b
	}
	if !now.Before(b.resetAt) {
		b.used, b.resetAt = 0, now.Add(b.window)
	}
	return b
}

// headers writes a bucket's X-RateLimit-* headers.
func (l *limiter) headers(h http.Header, method, route string, params map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.opt.Clock.Now()
	b := l.bucketFor(method, route, params, now)
	hash := fnv.New64a()
	hash.Write([]byte(method + " " + route))
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, b.limit-b.used)))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(b.resetAt.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(b.resetAt.Sub(now).Seconds(), 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%x", hash.Sum64()))
}
