package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"steady/scheduler"
)

// outbox is the http.RoundTripper every REST call of the session goes
// through. It is one queue under a global rate (Discord allows 50/s per bot;
// we default to 45), waits out per-route buckets as Discord reports them,
// honours retry_after on a 429, and retries 5xx and network errors with
// capped exponential backoff. Urgent calls (withUrgency: a crisis reply, an
// urgent incident's pings) take the next free turn ahead of routine ones,
// whoever they are for, so one client's thirty routine messages cannot
// delay another client's urgent ping. It keeps nothing durable: a call that still
// fails returns its error, and the engine's durable per-client outbox keeps
// the message for a later attempt, so the two never both queue the same send.
type outbox struct {
	next       http.RoundTripper
	api        *url.URL // where to send instead of discord.com; nil: discord.com
	clock      scheduler.Clock
	interval   time.Duration
	maxRetries int
	backoff    time.Duration
	backoffCap time.Duration

	mu sync.Mutex
	// waiting are the calls waiting for their turn: urgent ones, then
	// routine ones, each in arrival order. One dispatcher goroutine (while
	// any wait) hands out turns; wake tells it something changed.
	waiting     [2][]*ticket
	dispatching bool
	wake        chan struct{}
	nextSlot    time.Time // the global pacer: the earliest a request may start
	// queued and granted, if set, hear of every call that starts waiting
	// and of every turn handed out (tests use them to see the queue's
	// order). Called with mu held.
	queued  func(priority int)
	granted func(priority int, route string)
	// window holds the send times of the last perSecond requests: a slot
	// handed out on time can still be used late (a busy host), and late
	// requests must not bunch into more than perSecond in any second.
	window    []time.Time
	windowAt  int
	perSecond int
	buckets   map[string]*routeBucket

	stats outboxStats
}

type routeBucket struct {
	remaining int
	resetAt   time.Time
	known     bool
}

// outboxStats are counters for /metrics.
type outboxStats struct {
	waiting     atomic.Int64 // calls queued, not yet answered
	requests    atomic.Int64
	rateLimited atomic.Int64 // 429s received
	retries     atomic.Int64
	failures    atomic.Int64 // calls that gave up
}

// Stats is a snapshot of the outbox's counters.
type Stats struct {
	QueueDepth  int64 // REST calls waiting for their turn or their answer
	Requests    int64 // requests sent to Discord, retries included
	RateLimited int64 // 429 answers received
	Retries     int64
	Failures    int64 // calls that gave up after their retries
}

func newOutbox(next http.RoundTripper, api *url.URL, clock scheduler.Clock, rate float64, maxRetries int, backoff, backoffCap time.Duration) *outbox {
	perSecond := max(1, int(rate))
	return &outbox{
		next: next, api: api, clock: clock, interval: time.Duration(float64(time.Second) / rate),
		maxRetries: maxRetries, backoff: backoff, backoffCap: backoffCap, buckets: map[string]*routeBucket{},
		window: make([]time.Time, perSecond), perSecond: perSecond, wake: make(chan struct{}, 1),
	}
}

// urgencyKey marks a request's context as urgent.
type urgencyKey struct{}

// withUrgency marks the REST calls made with ctx as urgent when urgent is
// set: they take the next turn ahead of routine calls.
func withUrgency(ctx context.Context, urgent bool) context.Context {
	if !urgent {
		return ctx
	}
	return context.WithValue(ctx, urgencyKey{}, true)
}

func isUrgent(ctx context.Context) bool {
	u, _ := ctx.Value(urgencyKey{}).(bool)
	return u
}

// Priorities, as indexes of outbox.waiting.
const (
	urgentCalls  = 0
	routineCalls = 1
)

// ticket is one call waiting for its turn.
type ticket struct {
	route  string
	global bool // counts against the global rate (everything but interaction callbacks)
	ready  chan struct{}
}

func (o *outbox) snapshot() Stats {
	return Stats{
		QueueDepth: o.stats.waiting.Load(), Requests: o.stats.requests.Load(), RateLimited: o.stats.rateLimited.Load(),
		Retries: o.stats.retries.Load(), Failures: o.stats.failures.Load(),
	}
}

// RoundTrip sends one REST call, waiting its turn and retrying as needed.
func (o *outbox) RoundTrip(req *http.Request) (*http.Response, error) {
	o.stats.waiting.Add(1)
	defer o.stats.waiting.Add(-1)
	ctx := req.Context()
	o.rewrite(req)
	route := routeKey(req.Method, req.URL.Path)
	global := !strings.Contains(req.URL.Path, "/interactions/")
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("discord: read request body: %w", err)
		}
		body = b
	}
	priority := routineCalls
	if isUrgent(ctx) {
		priority = urgentCalls
	}
	for attempt := 0; ; attempt++ {
		if err := o.waitTurn(ctx, route, global, priority); err != nil {
			return nil, err
		}
		if global {
			if err := o.waitWindow(ctx); err != nil {
				return nil, err
			}
		}
		try := req.Clone(ctx)
		if body != nil {
			try.Body = io.NopCloser(bytes.NewReader(body))
			try.ContentLength = int64(len(body))
		}
		o.stats.requests.Add(1)
		resp, err := o.next.RoundTrip(try)
		if err != nil {
			if ctx.Err() != nil || attempt >= o.maxRetries {
				o.stats.failures.Add(1)
				return nil, fmt.Errorf("discord: %s %s: %w", req.Method, route, err)
			}
			o.stats.retries.Add(1)
			if err := o.pause(ctx, o.backoffFor(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		o.observe(route, resp.Header)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			o.stats.rateLimited.Add(1)
			wait, isGlobal := retryAfter(resp)
			if attempt >= o.maxRetries {
				o.stats.failures.Add(1)
				return resp, nil
			}
			drain(resp)
			o.hold(route, isGlobal, wait)
			o.stats.retries.Add(1)
		case resp.StatusCode >= 500 && attempt < o.maxRetries:
			drain(resp)
			o.stats.retries.Add(1)
			if err := o.pause(ctx, o.backoffFor(attempt)); err != nil {
				return nil, err
			}
		default:
			if resp.StatusCode >= 500 {
				o.stats.failures.Add(1)
			}
			return resp, nil
		}
	}
}

// rewrite points discordgo's https://discord.com/api/vN URLs at the
// configured API base (a proxy or the fake), keeping the path.
func (o *outbox) rewrite(req *http.Request) {
	if o.api == nil {
		return
	}
	req.URL.Scheme, req.URL.Host = o.api.Scheme, o.api.Host
	req.URL.Path = strings.TrimSuffix(o.api.Path, "/") + req.URL.Path
	req.Host = ""
}

// waitTurn blocks until the call's turn: its route's bucket has room, a
// global slot is free (for global calls), and no call of higher priority, or
// of the same priority and waiting longer, could go instead.
func (o *outbox) waitTurn(ctx context.Context, route string, global bool, priority int) error {
	t := &ticket{route: route, global: global, ready: make(chan struct{})}
	o.mu.Lock()
	o.waiting[priority] = append(o.waiting[priority], t)
	if o.queued != nil {
		o.queued(priority)
	}
	o.kick()
	o.mu.Unlock()
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		o.mu.Lock()
		o.waiting[priority] = dropTicket(o.waiting[priority], t)
		o.kick()
		o.mu.Unlock()
		return fmt.Errorf("discord: waiting to send: %w", ctx.Err())
	}
}

func dropTicket(q []*ticket, t *ticket) []*ticket {
	for i, w := range q {
		if w == t {
			return append(q[:i], q[i+1:]...)
		}
	}
	return q
}

// kick starts the dispatcher, or wakes it to look again. Call with mu held.
func (o *outbox) kick() {
	if !o.dispatching {
		o.dispatching = true
		go o.dispatch()
		return
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// dispatch hands out turns while calls wait, then ends.
func (o *outbox) dispatch() {
	for {
		o.mu.Lock()
		now := o.clock.Now()
		t, priority, wait := o.turn(now)
		if t != nil {
			o.waiting[priority] = dropTicket(o.waiting[priority], t)
			if t.global {
				o.nextSlot = now.Add(o.interval)
			}
			if b := o.buckets[t.route]; b != nil && b.known {
				b.remaining-- // reserve: the next call must not spend the same slot
			}
			if o.granted != nil {
				o.granted(priority, t.route)
			}
			close(t.ready)
			o.mu.Unlock()
			continue
		}
		if len(o.waiting[urgentCalls])+len(o.waiting[routineCalls]) == 0 {
			o.dispatching = false
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-o.wake:
		}
		timer.Stop()
	}
}

// turn finds the call whose turn it is now, in priority then arrival
// order, skipping calls whose route is held; or, if none may go yet, how
// long until one may. Call with mu held.
func (o *outbox) turn(now time.Time) (*ticket, int, time.Duration) {
	wait := time.Second
	globalTaken := false // a global call ahead is waiting for the next slot: none behind it may take it
	for priority, queue := range o.waiting {
		for _, t := range queue {
			if b := o.buckets[t.route]; b != nil && b.known && b.remaining <= 0 && now.Before(b.resetAt) {
				wait = min(wait, b.resetAt.Sub(now))
				continue
			}
			if !t.global {
				return t, priority, 0
			}
			if globalTaken {
				continue
			}
			if !now.Before(o.nextSlot) {
				return t, priority, 0
			}
			globalTaken = true
			wait = min(wait, o.nextSlot.Sub(now))
		}
	}
	return nil, 0, max(wait, time.Millisecond)
}

// waitWindow blocks until fewer than perSecond requests were sent in the
// last second, then records this one as sent now.
func (o *outbox) waitWindow(ctx context.Context) error {
	for {
		o.mu.Lock()
		now := o.clock.Now()
		oldest := o.window[o.windowAt] // the perSecond-th most recent send
		if oldest.IsZero() || now.Sub(oldest) >= time.Second {
			o.window[o.windowAt] = now
			o.windowAt = (o.windowAt + 1) % o.perSecond
			o.mu.Unlock()
			return nil
		}
		o.mu.Unlock()
		if err := o.pause(ctx, oldest.Add(time.Second).Sub(now)); err != nil {
			return err
		}
	}
}

// observe records a route bucket's state from Discord's headers.
func (o *outbox) observe(route string, h http.Header) {
	rem, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	after, err2 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err1 != nil || err2 != nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buckets[route]
	if b == nil {
		b = &routeBucket{}
		o.buckets[route] = b
	}
	b.known, b.remaining = true, rem
	b.resetAt = o.clock.Now().Add(time.Duration(after * float64(time.Second)))
	if len(o.waiting[urgentCalls])+len(o.waiting[routineCalls]) > 0 {
		o.kick() // a bucket that has room again may let a waiting call go
	}
}

// hold keeps a route (or, for a global 429, every route) waiting.
func (o *outbox) hold(route string, global bool, wait time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	until := o.clock.Now().Add(wait)
	if global {
		o.nextSlot = maxTime(o.nextSlot, until)
		return
	}
	b := o.buckets[route]
	if b == nil {
		b = &routeBucket{}
		o.buckets[route] = b
	}
	b.known, b.remaining, b.resetAt = true, 0, maxTime(b.resetAt, until)
}

func (o *outbox) backoffFor(attempt int) time.Duration {
	d := time.Duration(float64(o.backoff) * math.Pow(2, float64(attempt)))
	if d > o.backoffCap || d <= 0 {
		d = o.backoffCap
	}
	return d
}

// pause waits d or until ctx ends. Rate limits are wall-clock time, so this
// uses a timer rather than the domain clock.
func (o *outbox) pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("discord: waiting to send: %w", ctx.Err())
	}
}

// retryAfter reads a 429: the body's retry_after (seconds, fractional) and
// whether the limit is global; the Retry-After header is the fallback.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	_ = json.Unmarshal(b, &body)
	global := body.Global || resp.Header.Get("X-RateLimit-Global") == "true"
	wait := time.Duration(body.RetryAfter * float64(time.Second))
	if wait <= 0 {
		if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil {
			wait = time.Duration(s * float64(time.Second))
		}
	}
	if wait <= 0 {
		wait = time.Second
	}
	return wait, global
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// routeKey names a route's bucket the way Discord does: the path with ids
// replaced, except the major parameter (the id right after channels, guilds
// or webhooks). Interaction tokens are per interaction, so they stay.
func routeKey(method, path string) string {
	if i := strings.Index(path, "/api/v"); i >= 0 {
		path = path[i+len("/api/v"):]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	parts := strings.Split(path, "/")
	for i := range parts {
		if i == 0 || !isSnowflake(parts[i]) {
			continue
		}
		switch parts[i-1] {
		case "channels", "guilds", "webhooks", "interactions":
			continue
		}
		parts[i] = ":id"
	}
	return method + " " + strings.Join(parts, "/")
}

func isSnowflake(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var errUnexpected = errors.New("discord: unexpected answer")
