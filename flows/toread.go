package flows

import (
	"fmt"
	"strings"
	"time"

	"steady/store"
)

// The worker's "to read" list (see backstop.go for what goes on it) reaches
// them as a digest: one message per member of staff per digest time, with
// the items folded into it, numbered, each with an Acknowledge choice and
// one for all. A client's words are shown to their own worker only (and to
// the lead for a client with no worker, whom the lead stands in for); the
// lead's digest of items nobody has read for a day says who, when and what
// Steady did, never what was said.

// ReadPromptPrefix starts the prompt id of a digest's choices.
const ReadPromptPrefix = "read:"

// ChoiceReadAll acknowledges every item a digest shows.
const ChoiceReadAll = "all"

// MaxDigestItems is how many items one digest shows in full; more wait for
// the next one, so a digest stays one message a person can read.
const MaxDigestItems = 8

// digestWordsRunes is how much of a message a digest quotes.
const digestWordsRunes = 300

// ReadUnreadAfter is how long an item may wait unacknowledged before the
// lead's digest shows it too.
const ReadUnreadAfter = 24 * time.Hour

// ReadRef names one item across clients: "<client id>/<item id>".
func ReadRef(clientID, itemID string) string { return clientID + "/" + itemID }

// SplitReadRef is ReadRef's inverse.
func SplitReadRef(ref string) (clientID, itemID string, ok bool) {
	clientID, itemID, ok = strings.Cut(ref, "/")
	return clientID, itemID, ok && clientID != "" && itemID != ""
}

// ReadPrompt is the prompt id of a digest: the items it shows, so its
// "acknowledge all" acknowledges exactly those and nothing shown later.
func ReadPrompt(refs []string) string { return ReadPromptPrefix + strings.Join(refs, " ") }

// ReadPromptRefs returns the items a digest's prompt id names.
func ReadPromptRefs(prompt string) ([]string, bool) {
	rest, ok := strings.CutPrefix(prompt, ReadPromptPrefix)
	if !ok {
		return nil, false
	}
	refs := strings.Fields(rest)
	return refs, len(refs) > 0
}

// ReadDigestAt is when an item noted at now reaches a member of staff's
// digest: an urgent one (a crisis, danger) in the next minute, at any hour,
// as its incident does; any other at the next full hour of their clock
// within their working hours, and outside them at their next start — never
// later than the next working morning.
func ReadDigestAt(now time.Time, h Hours, loc *time.Location, urgent bool) time.Time {
	next := now.Truncate(time.Minute).Add(time.Minute)
	if urgent {
		return next
	}
	l := now.In(loc)
	top := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), 0, 0, 0, loc).Add(time.Hour)
	if h.In(now, loc) && h.In(top, loc) {
		return top
	}
	if start, ok := h.NextStart(next, loc); ok {
		return start.Truncate(time.Minute)
	}
	return top
}

// ReadEntry is one item as a digest shows it.
type ReadEntry struct {
	Client store.Client
	Item   store.ReadItem
	// Words says the reader may see what was typed: they are the client's
	// own worker, or stand in for a client with no worker.
	Words bool
	// Worker names the client's worker, for a digest that goes to someone else.
	Worker string
}

// ReadDigest is a member of staff's digest. earlier counts unread items
// shown in earlier digests and not repeated here; more counts items left
// for the next one. escalated marks the lead's digest of items unread for a
// day. loc is the reader's clock.
func ReadDigest(cat *Catalog, loc *time.Location, entries []ReadEntry, earlier, more int, escalated bool) Message {
	header := "toread.header"
	if escalated {
		header = "toread.header_lead"
	}
	lines := []string{cat.T(header, map[string]any{"N": len(entries)})}
	var refs []string
	var choices []Choice
	for i, en := range entries {
		it := en.Item
		data := map[string]any{
			"N": i + 1, "Name": en.Client.DisplayName, "Worker": en.Worker,
			"When":   it.At.In(loc).Format("Mon 2 Jan 15:04"),
			"During": flowTitle(cat, it.Flow), "Source": it.Source,
			"Why": cat.T("toread.why."+it.Why, map[string]any{"Kind": cat.T("crisis.kind."+it.Kind, nil)}),
			"Did": cat.T("toread.did."+it.Did, nil),
		}
		key := "toread.item_no_words"
		if en.Words {
			key, data["Words"] = "toread.item_words", clipRunes(oneLine(it.Text), digestWordsRunes)
		}
		lines = append(lines, cat.T(key, data))
		ref := ReadRef(en.Client.ID, it.ID)
		refs = append(refs, ref)
		choices = append(choices, Choice{Label: cat.T("choice.ack_item", map[string]any{"N": i + 1}), Value: ref})
	}
	if earlier > 0 {
		lines = append(lines, cat.T("toread.earlier", map[string]any{"N": earlier}))
	}
	if more > 0 {
		lines = append(lines, cat.T("toread.more", map[string]any{"N": more}))
	}
	if len(entries) > 1 {
		choices = append(choices, Choice{Label: cat.T("choice.ack_all", nil), Value: ChoiceReadAll})
	}
	return Message{Text: strings.Join(lines, "\n"), Choices: choices, Prompt: ReadPrompt(refs)}
}

// ReadChoiceRefs returns the items a tapped digest choice acknowledges:
// one of the digest's items, or all of them.
func ReadChoiceRefs(prompt, choice string) ([]string, bool) {
	refs, ok := ReadPromptRefs(prompt)
	if !ok {
		return nil, false
	}
	if choice == ChoiceReadAll {
		return refs, true
	}
	for _, r := range refs {
		if r == choice {
			return []string{r}, true
		}
	}
	return nil, false
}

// AcknowledgeRead takes an item off the list once a member of staff has read
// it; the audit says who and when, never the words.
func AcknowledgeRead(c Context, it store.ReadItem, by store.Worker) []Effect {
	return []Effect{
		DropReadItem{ID: it.ID},
		Audit{Event: store.AuditEvent{At: c.Now, Actor: by.ID, Action: "toread.acknowledged",
			Reason: fmt.Sprintf("by %s; noted %s (%s)", by.ID, it.At.UTC().Format(time.RFC3339), it.Why)}},
	}
}

// MarkDigested records that an item went out in a digest to a member of
// staff: its reader's (escalated false) or the lead's of unread items.
func MarkDigested(c Context, it store.ReadItem, to store.Worker, escalated bool) []Effect {
	what := "in the digest of " + to.ID
	if escalated {
		it.LeadShown = c.Now
		what = "unread for a day: in the lead's digest (" + to.ID + "), without the words"
	} else {
		if it.Digested.IsZero() {
			it.Digested = c.Now
		}
		it.Shown = c.Now
	}
	return []Effect{SaveReadItem{Item: it}, steadyAudit(c, "toread.digested", "", what)}
}

// ReadShownAgainAfter is how long after an unread item was last shown that
// a reminder shows it again: a day, less the slack of a digest moved to the
// start of someone's working hours.
const ReadShownAgainAfter = ReadUnreadAfter - time.Hour

// DueAgain reports whether an unread item last shown at shown (zero: never)
// is due in a reminder at now.
func DueAgain(shown, now time.Time) bool {
	return shown.IsZero() || now.Sub(shown) >= ReadShownAgainAfter
}

func flowTitle(cat *Catalog, flow string) string {
	if flow == "" {
		return ""
	}
	return cat.T("flowname."+flow, nil)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
