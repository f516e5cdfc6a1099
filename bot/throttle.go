package bot

import (
	"sync"
	"time"

	"steady/flows"
)

// InboundLimit bounds how fast one person's messages are answered. Each
// person has a bucket of Burst answers that refills by one every Every; a
// message that finds it empty is still read (the crisis interceptor reads
// everything, and an answer to "are you safe?" is always taken) but gets no
// answer, and the first such message in a run is told why, once.
type InboundLimit struct {
	Burst int           // default 20: a check-in, a sleep log and a debrief back to back
	Every time.Duration // default 30s
}

// Defaults for InboundLimit.
const (
	DefaultInboundBurst = 20
	DefaultInboundEvery = 30 * time.Second
)

func (l InboundLimit) withDefaults() InboundLimit {
	if l.Burst <= 0 {
		l.Burst = DefaultInboundBurst
	}
	if l.Every <= 0 {
		l.Every = DefaultInboundEvery
	}
	return l
}

// inboundBucket is one person's allowance. The state lives in the process,
// not in Redis, deliberately: it is about a burst of messages, not about
// the person (a restart forgets it, which only lets a burst through), it
// costs an answer no round trip, and nothing of a stranger is ever stored.
// Every replica receives every gateway event, so each sees the same stream.
type inboundBucket struct {
	tokens float64
	at     time.Time
	told   bool // the person has been told they are over the limit
}

// inboundLimiter holds the buckets of people who wrote recently.
type inboundLimiter struct {
	mu      sync.Mutex
	limit   InboundLimit
	buckets map[string]*inboundBucket
}

func newInboundLimiter(l InboundLimit) *inboundLimiter {
	return &inboundLimiter{limit: l.withDefaults(), buckets: map[string]*inboundBucket{}}
}

// take spends one answer of the person's allowance at now, and says
// whether the message is within it (NotThrottled), over it before they have
// been told so (ThrottledFirst; see told) or over it again (Throttled).
func (l *inboundLimiter) take(userID string, now time.Time) flows.Throttle {
	l.mu.Lock()
	defer l.mu.Unlock()
	burst := float64(l.limit.Burst)
	b := l.buckets[userID]
	if b == nil {
		if len(l.buckets) >= maxRemembered {
			l.forgetFull(now)
		}
		b = &inboundBucket{tokens: burst, at: now}
		l.buckets[userID] = b
	}
	if now.After(b.at) {
		b.tokens = min(burst, b.tokens+float64(now.Sub(b.at))/float64(l.limit.Every))
		b.at = now
	}
	if b.tokens >= burst {
		b.told = false // a quiet spell ends a run
	}
	if b.tokens >= 1 {
		b.tokens--
		return flows.NotThrottled
	}
	if b.told {
		return flows.Throttled
	}
	return flows.ThrottledFirst
}

// told records that the person has been told they are over the limit (a
// crisis message over it is answered as a crisis, and does not count).
func (l *inboundLimiter) told(userID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[userID]; b != nil {
		b.told = true
	}
}

// forgetFull drops the buckets that have refilled (people who stopped
// writing), and if none has, an arbitrary one: the map stays bounded.
func (l *inboundLimiter) forgetFull(now time.Time) {
	burst := float64(l.limit.Burst)
	for id, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.limit.Every) >= burst {
			delete(l.buckets, id)
		}
	}
	for id := range l.buckets {
		if len(l.buckets) < maxRemembered {
			return
		}
		delete(l.buckets, id)
	}
}
