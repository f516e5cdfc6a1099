package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// Reading in context (issue 11, item 4): every typed message is read with
// the client's messages of the last few minutes ("i want to", then "die");
// an edited message is read again; words in a client's slash-command options
// go through the same interceptor; a staff member's note about a client that
// reads as a crisis raises nothing by itself but is answered and recorded.

// recentWindow is how far back a message's context reaches.
const recentWindow = 5 * time.Minute

// recentTTL is how long Redis keeps the recent messages: past the window,
// so a slow round trip cannot drop context early, and then gone. The window
// itself is applied on the engine's clock.
const recentTTL = 2 * recentWindow

// maxRecent and maxRecentRunes bound what is kept for context: a thought
// split over messages is a few short ones, and the detector reads each
// earlier message again with every new one (its cost grows with the text),
// so the context is the last few messages, each only its last words —
// the end of a message is what runs on into the next.
const (
	maxRecent      = 3
	maxRecentRunes = 200
)

// recentContext returns the texts of a client's messages within the window
// before now, oldest first, leaving out the message keyed skip.
func recentContext(list []store.RecentMessage, now time.Time, skip string) []string {
	var out []string
	for _, m := range list {
		if m.Key != skip && inWindow(m, now) {
			out = append(out, m.Text)
		}
	}
	return out
}

func inWindow(m store.RecentMessage, now time.Time) bool {
	return !m.At.After(now) && now.Sub(m.At) <= recentWindow
}

// rememberRecent returns the list pruned to the window with m added, or,
// when edits names a message still in it, with that message's text
// replaced by m's (an edit is what the client now says, not a new message).
func rememberRecent(list []store.RecentMessage, now time.Time, m store.RecentMessage, edits string) []store.RecentMessage {
	if r := []rune(m.Text); len(r) > maxRecentRunes {
		m.Text = string(r[len(r)-maxRecentRunes:])
	}
	var out []store.RecentMessage
	replaced := false
	for _, old := range list {
		if !inWindow(old, now) {
			continue
		}
		if edits != "" && old.Key == edits {
			old.Text, replaced = m.Text, true
		}
		out = append(out, old)
	}
	if edits == "" {
		out = append(out, m)
	} else if !replaced {
		return out
	}
	if len(out) > maxRecent {
		out = out[len(out)-maxRecent:]
	}
	return out
}

// recentText returns what the message keyed key said, if it is still kept.
func recentText(list []store.RecentMessage, key string) string {
	for _, m := range list {
		if m.Key == key {
			return m.Text
		}
	}
	return ""
}

// HandleEdit reads an edited DM again. An edit that now reads as a crisis,
// danger or a worry is answered as that message would have been; it is
// never taken as a new answer to the open question. in.Key names this
// version of the message (a redelivered edit changes nothing), in.Edits
// the message's first version. A stranger's edit is answered only if it
// calls for contacts; nothing of theirs is kept.
func (e *Engine) HandleEdit(ctx context.Context, in Inbound) error {
	if strings.TrimSpace(in.Text) == "" {
		return nil
	}
	return e.asClient(ctx, in.UserID, func(clientID string) error {
		return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
			if st.Client.DiscordID != in.UserID {
				return decision{}, errOtherUser
			}
			if st.Conversation.SeenInput(in.Key) {
				return decision{}, nil // a redelivery
			}
			input := flows.Input{Key: in.Key, Text: in.Text, Source: store.FromEdit,
				Recent: recentContext(st.Recent, fc.Now, in.Edits), Before: recentText(st.Recent, in.Edits)}
			next, effects, _ := flows.ReadWords(fc, st.Conversation, input, flowsByName)
			d := decision{conv: &next, effects: effects}
			d.recent, d.setRecent = rememberRecent(st.Recent, fc.Now, store.RecentMessage{At: fc.Now, Key: in.Edits, Text: in.Text}, in.Edits), true
			return d, nil
		})
	}, func() error {
		if e.strangerReply(in.Text) == "" {
			return nil
		}
		return e.answerStranger(ctx, in, flows.NotThrottled)
	})
}

// ReadClientWords reads what a client typed into a slash command's options
// (a pause's "until", say) before the command runs, through the same
// interceptor as a message. acted reports that the words were answered (the
// contacts, "are you safe?") and the command should not carry on as if
// nothing had been said; reply is then the sentence for the interaction,
// the rest being in their DMs. key is the interaction's.
func (e *Engine) ReadClientWords(ctx context.Context, userID, key string, texts ...string) (reply string, acted bool, err error) {
	var parts []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, t)
		}
	}
	text := strings.Join(parts, "\n")
	if text == "" {
		return "", false, nil
	}
	err = e.asClient(ctx, userID, func(clientID string) error {
		return e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
			if st.Client.DiscordID != userID {
				return decision{}, errOtherUser
			}
			wordsKey := key + "/words"
			if st.Conversation.SeenInput(wordsKey) {
				return decision{}, nil // a redelivery
			}
			input := flows.Input{Key: wordsKey, Text: text, Source: store.FromCommand, Recent: recentContext(st.Recent, fc.Now, wordsKey)}
			next, effects, a := flows.ReadWords(fc, st.Conversation, input, flowsByName)
			acted = a
			d := decision{conv: &next, effects: effects}
			d.recent, d.setRecent = rememberRecent(st.Recent, fc.Now, store.RecentMessage{At: fc.Now, Key: wordsKey, Text: text}, ""), true
			return d, nil
		})
	}, func() error {
		// Not enrolled: the command itself says so; words that call for
		// contacts get them first, and nothing is kept.
		if r := e.strangerReply(text); r != "" {
			reply, acted = r, true
		}
		return nil
	})
	if err != nil {
		return "", false, err
	}
	if acted && reply == "" {
		reply = e.cat.T("command.read_concern", nil)
	}
	return reply, acted, nil
}

// ReadStaffNote reads the free text a member of staff typed about a client
// (a discharge reason, an outcome, a plan change, a note). A staff note that
// reads as a crisis or danger raises nothing by itself: staff write about
// risk in the past tense, in quotes and in plans, and an incident raised on
// those words would page the lead about a note. It is not ignored either:
// the writer is told, in the command's private reply, to follow their
// service's crisis procedure if the client may be at risk now, and the
// client's audit log records that a note read this way (the kind, never the
// words). It returns that sentence, or "" when the note reads as routine or
// the client is not theirs to write about.
func (e *Engine) ReadStaffNote(ctx context.Context, staffID, clientID string, texts ...string) (string, error) {
	best := flows.Detection{}
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if d := e.detect(nil, t); d.Concern > best.Concern {
			best = d
		}
	}
	if best.Concern == flows.NoConcern || clientID == "" {
		return "", nil
	}
	reply := ""
	err := e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		w, deny, err := e.staffAccess(ctx, staffID, st.Client)
		if err != nil || deny != "" {
			return decision{}, err
		}
		level := "worrying"
		if best.Concern == flows.Crisis {
			level = "a crisis"
		}
		reply = e.cat.T("staff.note_concern", map[string]any{"Name": st.Client.DisplayName, "Kind": e.cat.T("crisis.kind."+best.Kind, nil)})
		return decision{effects: []flows.Effect{flows.Audit{Event: store.AuditEvent{At: fc.Now, Actor: w.ID, Action: "staff_note.concern",
			Reason: "a staff note read as " + level + " (kind " + best.Kind + "); nothing raised from it; its author was told to follow the crisis procedure"}}}}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return reply, err
}
