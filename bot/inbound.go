package bot

import "sync"

// Inbound is something a person sent the bot: a DM, a tapped choice, or an
// edit of an earlier DM.
type Inbound struct {
	UserID string // the sender's Discord user id
	// Key identifies the delivery (message or interaction id); redeliveries share it.
	Key    string
	Text   string
	Choice string
	// Values are the items picked in a multi-select menu.
	Values []string
	Prompt string
	// Edits, for an edited message, is the Key its first version came with.
	Edits string
}

// personLocks serialises one person's inputs in this process. Discord hands
// events over concurrently, so a burst of messages from one person would
// otherwise race each other's steps: each conflict costs a retry, and past
// MaxAttempts a message is dropped, which a crisis message in a flood must
// never be. Other people are never held up: each person has their own lock,
// kept only while someone holds or waits for it.
type personLocks struct {
	mu sync.Mutex
	m  map[string]*personLock
}

type personLock struct {
	sync.Mutex
	users int // holding or waiting
}

// lock takes the person's lock and returns its release.
func (p *personLocks) lock(userID string) func() {
	p.mu.Lock()
	if p.m == nil {
		p.m = map[string]*personLock{}
	}
	l := p.m[userID]
	if l == nil {
		l = &personLock{}
		p.m[userID] = l
	}
	l.users++
	p.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		p.mu.Lock()
		if l.users--; l.users == 0 {
			delete(p.m, userID)
		}
		p.mu.Unlock()
	}
}
