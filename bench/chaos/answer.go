package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// goodNight is how every client answers their sleep log: for a question
// (by words in it), a label to press or a value to pick, as cmd/steady's
// end-to-end tests answer it.
var goodNight = []struct{ question, label, value string }{
	{"go to bed", "10pm", "22:00"},
	{"fall asleep", "Under 15 min", "10"},
	{"wake in the night", "0", "0"},
	{"wake up this morning", "7am", "07:00"},
	{"How well did you sleep", "4", "4"},
}

// What the clients read, from the message catalogue.
const (
	promptText = "Time for your sleep log"
	thanksText = "Thanks, that's logged"
	// crisisDM is what some clients then write; crisisReply starts the answer.
	crisisDM    = "i want to kill myself"
	crisisReply = "thank you for telling me"
	closedText  = "has closed"
)

// retapAfter is how long a client waits for the next question before
// pressing again, as someone whose tap seemed to do nothing would.
const retapAfter = 8 * time.Second

// answerer plays the clients: each answers their sleep log through the fake
// Discord's gateway, question by question, as the questions arrive.
type answerer struct {
	control string
	crisis  map[string]bool // clients who write crisisDM once thanked
	mu      sync.Mutex
	state   map[string]*answering // by user id
	taps    int
}

type answering struct {
	wrote   bool      // sent crisisDM
	tapped  string    // message last tapped
	tappedN int       // DMs seen when it was tapped
	at      time.Time // when
	trace   []string  // what this client did, for a run that went wrong
}

func newAnswerer(control string, crisis map[string]bool) *answerer {
	return &answerer{control: control, crisis: crisis, state: map[string]*answering{}}
}

// run answers until ctx ends.
func (a *answerer) run(ctx context.Context) {
	for ctx.Err() == nil {
		var dms map[string][]fakeDM
		if err := get(ctx, a.control+"/dms", &dms); err == nil {
			a.pass(ctx, dms)
		}
		_ = sleepUntil(ctx, time.Now().Add(300*time.Millisecond))
	}
}

func (a *answerer) pass(ctx context.Context, dms map[string][]fakeDM) {
	for user, msgs := range dms {
		a.mu.Lock()
		st := a.state[user]
		if st == nil {
			st = &answering{}
			a.state[user] = st
		}
		a.mu.Unlock()
		if hasText(msgs, thanksText) {
			if a.crisis[user] && !st.wrote {
				values := url.Values{"user": {user}, "text": {crisisDM}}
				if err := post(ctx, a.control+"/dm?"+values.Encode(), nil); err == nil {
					st.wrote = true
					st.trace = append(st.trace, time.Now().Format("15:04:05.000")+" wrote a crisis DM")
				}
			}
			continue
		}
		last := -1
		for i, m := range msgs {
			if m.ID == st.tapped {
				last = i
			}
		}
		// The newest question after the one last tapped is the one to
		// answer; with none, the last one again if its tap seemed to do
		// nothing for a while (its buttons are still there, nothing came).
		var q *fakeDM
		for i := len(msgs) - 1; i > last; i-- {
			if len(msgs[i].Buttons) > 0 || msgs[i].Menu != "" {
				q = &msgs[i]
				break
			}
		}
		if q == nil && last >= 0 && (len(msgs[last].Buttons) > 0 || msgs[last].Menu != "") &&
			len(msgs) == st.tappedN && time.Since(st.at) > retapAfter {
			q = &msgs[last]
		}
		if q == nil {
			continue
		}
		values := url.Values{"user": {user}, "message": {q.ID}}
		path, label := "", ""
		for _, want := range goodNight {
			if !strings.Contains(q.Content, want.question) {
				continue
			}
			label = want.label
			for _, b := range q.Buttons {
				if b.Label == want.label {
					values.Set("custom_id", b.CustomID)
					path = "/click"
				}
			}
			if path == "" && q.Menu != "" && slices.Contains(q.Options, want.value) {
				values.Set("custom_id", q.Menu)
				values.Set("value", want.value)
				path = "/choose"
			}
		}
		if path == "" {
			continue
		}
		now := time.Now()
		if err := post(ctx, a.control+path+"?"+values.Encode(), nil); err != nil {
			st.trace = append(st.trace, fmt.Sprintf("%s %s: %v", now.Format("15:04:05.000"), label, err))
			continue
		}
		st.trace = append(st.trace, fmt.Sprintf("%s tapped %s on %s", now.Format("15:04:05.000"), label, q.ID))
		a.mu.Lock()
		a.taps++
		a.mu.Unlock()
		st.tapped, st.tappedN, st.at = q.ID, len(msgs), now
	}
}

func hasText(msgs []fakeDM, text string) bool {
	return countText(msgs, text) > 0
}

func countText(msgs []fakeDM, text string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Content, text) {
			n++
		}
	}
	return n
}

// trace is what a client did.
func (a *answerer) trace(user string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if st := a.state[user]; st != nil {
		return st.trace
	}
	return nil
}
