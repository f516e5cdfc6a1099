package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// The human backstop (issue 11, item 5): typed messages that were not
// clearly routine wait on the worker's "to read" list (flows decides what
// goes on it; redisstore keeps it sealed in the client's key space) and
// reach them in a digest: one DM per member of staff per digest time, within
// their working hours and never later than the next working morning, at
// once for a crisis or danger. Each item has an Acknowledge choice; an
// acknowledged item leaves the list. A day later, what is still unread is
// sent again to the worker and, without the words, to the lead. Every step
// is audited: added, shown, acknowledged — who and when, never the words.
//
// Digests are service-level occurrences (client ServiceID, ref = the staff
// member's worker id), so a digest gathers every client of its reader.

// Occurrence kinds of the digests.
const (
	// KindReadDigest shows a member of staff the items new since their last digest.
	KindReadDigest = "read_digest"
	// KindReadReminder shows them, a day after a digest, everything still unread.
	KindReadReminder = "read_reminder"
	// KindReadLead shows the lead the items nobody has acknowledged for a day.
	KindReadLead = "read_lead"
)

// readReminderAfter is how long after a digest its unread items are sent again.
const readReminderAfter = flows.ReadUnreadAfter

// readerOf returns who reads a client's items: their worker, or the lead
// standing in for a client whose worker is missing. Zero: nobody.
func (e *Engine) readerOf(ctx context.Context, c store.Client) (store.Worker, error) {
	if c.WorkerID != "" {
		w, err := e.store.Worker(ctx, c.WorkerID)
		if err == nil {
			return w, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Worker{}, err
		}
	}
	if e.cfg.LeadID == "" {
		return store.Worker{}, nil
	}
	l, err := e.store.Worker(ctx, e.cfg.LeadID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Worker{}, nil
	}
	return l, err
}

// armReadDigests stores, before the step that adds items commits, the
// digest that will show them: a crash in between leaves a digest with
// nothing new to show, never an item nobody is told of.
func (e *Engine) armReadDigests(ctx context.Context, fc flows.Context, effects []flows.Effect) error {
	added, urgent := false, false
	for _, ef := range effects {
		if s, ok := ef.(flows.SaveReadItem); ok && s.Item.Digested.IsZero() {
			added, urgent = true, urgent || s.Item.Urgent
		}
	}
	if !added {
		return nil
	}
	to, err := e.readerOf(ctx, fc.Client)
	if err != nil {
		return err
	}
	if to.ID == "" {
		e.log.Error("a message waits to be read but the client has no worker and no lead is configured", "client", fc.Client.ID)
		return nil
	}
	hours, loc := flows.HoursOf(fc, to)
	return e.armDigest(ctx, KindReadDigest, to.ID, flows.ReadDigestAt(fc.Now, hours, loc, urgent))
}

func (e *Engine) armDigest(ctx context.Context, kind, staffID string, at time.Time) error {
	o, err := scheduler.After(ServiceID, kind, staffID, e.serviceZone(), at, 0)
	if err != nil {
		return err
	}
	return e.sched.Add(ctx, o)
}

// serviceContext is a flows context for decisions that belong to no one client.
func (e *Engine) serviceContext() (flows.Context, error) {
	loc, err := scheduler.Zone(e.serviceZone())
	if err != nil {
		return flows.Context{}, err
	}
	return flows.Context{Now: e.clock.Now(), Loc: loc, Catalog: e.cat, Policy: e.policy}, nil
}

// unreadItem is one item on some client's list, with who reads it.
type unreadItem struct {
	client store.Client
	item   store.ReadItem
	reader string // the worker id of whoever reads the client's items ("" nobody)
	worker string // the client's worker's name, for someone else's digest
}

// unread gathers every client's unread items, oldest first.
func (e *Engine) unread(ctx context.Context) ([]unreadItem, error) {
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return nil, err
	}
	lists, err := e.store.ReadItemsOf(ctx, ids)
	if err != nil || len(lists) == 0 {
		return nil, err
	}
	workers, err := e.store.Workers(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]store.Worker{}
	for _, w := range workers {
		byID[w.ID] = w
	}
	var out []unreadItem
	for id, items := range lists {
		c, err := e.store.Client(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased since it was listed
		}
		if err != nil {
			return nil, err
		}
		reader, name := "", ""
		if w, ok := byID[c.WorkerID]; ok && c.WorkerID != "" {
			reader, name = w.ID, w.Name
		} else if _, ok := byID[e.cfg.LeadID]; ok {
			reader = e.cfg.LeadID
		}
		for _, it := range items {
			out = append(out, unreadItem{client: c, item: it, reader: reader, worker: name})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].item, out[j].item
		switch {
		case !a.At.Equal(b.At):
			return a.At.Before(b.At)
		case out[i].client.ID != out[j].client.ID:
			return out[i].client.ID < out[j].client.ID
		case a.Step != b.Step:
			return a.Step < b.Step
		}
		return a.ID < b.ID
	})
	return out, nil
}

// fireReadDigest sends one member of staff their digest (KindReadDigest:
// what is new; KindReadReminder: everything still unread; KindReadLead:
// the lead, items unread for a day, without the words). Outside their
// working hours it waits for their next start, unless something urgent is
// new. Before the digest is committed, the next day's reminder (and the
// lead's look) is armed while anything it shows stays unread.
func (e *Engine) fireReadDigest(ctx context.Context, o scheduler.Occurrence) error {
	staff, err := e.store.Worker(ctx, o.Ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil // no longer staff; their clients' items reach whoever reads them now
	}
	if err != nil {
		return err
	}
	fc, err := e.serviceContext()
	if err != nil {
		return err
	}
	all, err := e.unread(ctx)
	if err != nil {
		return err
	}
	escalated := o.Kind == KindReadLead
	var show []unreadItem
	earlier, urgent := 0, false
	var lastDigest time.Time // when this reader was last sent a digest of new items
	for _, u := range all {
		it := u.item
		if u.reader == staff.ID && it.Digested.After(lastDigest) {
			lastDigest = it.Digested
		}
		switch {
		case escalated:
			// The lead: someone else's items nobody has read for a day,
			// once a day each.
			if u.reader != staff.ID && fc.Now.Sub(it.At) >= flows.ReadUnreadAfter && flows.DueAgain(it.LeadShown, fc.Now) {
				show = append(show, u)
			}
		case u.reader != staff.ID:
		case o.Kind == KindReadDigest && it.Digested.IsZero():
			show = append(show, u)
			urgent = urgent || it.Urgent
		case o.Kind == KindReadDigest:
			earlier++
		case !it.Digested.IsZero() && flows.DueAgain(it.Shown, fc.Now):
			// A reminder: what its reader has not acknowledged in a day.
			// New items wait for their own digest.
			show = append(show, u)
		}
	}
	if len(show) == 0 {
		return nil
	}
	if urgent && !escalated && o.Kind == KindReadDigest {
		// A flood of crisis messages is gathered as a crisis incident's news
		// is (Policy.NewsEvery): at once, unless a digest went moments ago.
		if next := lastDigest.Add(fc.Policy.WithDefaults().NewsEvery); fc.Now.Before(next) {
			return scheduler.MoveTo(next, "a digest went to this reader moments ago")
		}
	}
	hours, loc := flows.HoursOf(fc, staff)
	if !urgent && !hours.In(fc.Now, loc) {
		if start, ok := hours.NextStart(fc.Now, loc); ok {
			return scheduler.MoveTo(start, "outside the reader's working hours")
		}
	}
	more := 0
	if len(show) > flows.MaxDigestItems {
		more, show = len(show)-flows.MaxDigestItems, show[:flows.MaxDigestItems]
	}
	// Timers first: whatever happens next, nothing shown here is forgotten.
	// A day on, what is still unread goes to the reader again and, without
	// the words, to the lead.
	later := fc.Now.Add(readReminderAfter)
	if escalated {
		if err := e.armDigest(ctx, KindReadLead, staff.ID, later); err != nil {
			return err
		}
	} else {
		if err := e.armDigest(ctx, KindReadReminder, staff.ID, later); err != nil {
			return err
		}
		if e.cfg.LeadID != "" && e.cfg.LeadID != staff.ID {
			if err := e.armDigest(ctx, KindReadLead, e.cfg.LeadID, later); err != nil {
				return err
			}
		}
		if more > 0 {
			if err := e.armDigest(ctx, KindReadDigest, staff.ID, flows.ReadDigestAt(fc.Now, hours, loc, false)); err != nil {
				return err
			}
		}
	}
	entries := make([]flows.ReadEntry, len(show))
	for i, u := range show {
		entries[i] = flows.ReadEntry{Client: u.client, Item: u.item, Words: u.reader == staff.ID, Worker: u.worker}
	}
	m := flows.ReadDigest(e.cat, loc, entries, earlier, more, escalated)
	aud := flows.ToWorker
	if staff.ID == e.cfg.LeadID {
		aud = flows.ToLead
	}
	if staff.DiscordID == "" {
		return e.commitService(ctx, nil, store.AuditEvent{At: fc.Now, Actor: "steady", Action: "read_digest.undeliverable",
			Reason: fmt.Sprintf("%d items for %s, who has no Discord account [%s]", len(show), staff.ID, o.ID)})
	}
	// Like a ping, a digest carries a client's words: it goes privately,
	// where their pings go (Messenger.SendStaff), never a shared channel.
	out := Outgoing{Audience: aud, Staff: staff.DiscordID, StaffName: staff.Name, Text: m.Text, Choices: m.Choices, Prompt: m.Prompt,
		Key: "readdigest/" + o.ID, Urgent: urgent, About: clientsOf(show)}
	if err := e.commitService(ctx, []Outgoing{out}, store.AuditEvent{At: fc.Now, Actor: "steady", Action: "read_digest.sent",
		Reason: fmt.Sprintf("%s: %d items to %s [%s]", o.Kind, len(show), staff.ID, o.ID)}); err != nil {
		return err
	}
	return e.markDigested(ctx, show, staff, escalated)
}

// clientsOf lists the clients of the items a digest shows, once each.
func clientsOf(shown []unreadItem) []string {
	var ids []string
	for _, u := range shown {
		if !contains(ids, u.client.ID) {
			ids = append(ids, u.client.ID)
		}
	}
	return ids
}

// markDigested records, client by client, that items went out in a digest.
func (e *Engine) markDigested(ctx context.Context, shown []unreadItem, to store.Worker, escalated bool) error {
	byClient := map[string][]string{}
	var order []string
	for _, u := range shown {
		if _, ok := byClient[u.client.ID]; !ok {
			order = append(order, u.client.ID)
		}
		byClient[u.client.ID] = append(byClient[u.client.ID], u.item.ID)
	}
	for _, id := range order {
		want := byClient[id]
		err := e.run(ctx, id, func(st redisstore.State, fc flows.Context) (decision, error) {
			items, err := e.store.ReadItems(ctx, id)
			if err != nil {
				return decision{}, err
			}
			var effects []flows.Effect
			for _, it := range items {
				if contains(want, it.ID) {
					effects = append(effects, flows.MarkDigested(fc, it, to, escalated)...)
				}
			}
			if len(effects) == 0 {
				return decision{}, nil // read meanwhile
			}
			// Saved with the conversation, so this write and an
			// acknowledgement cannot both commit from the same read.
			conv := st.Conversation
			return decision{conv: &conv, effects: effects}, nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// AcknowledgeRead marks a digest's item (choice: its ref), or all of them
// (flows.ChoiceReadAll), as read by a member of staff: the client's worker,
// or a lead. It returns a short sentence for them.
func (e *Engine) AcknowledgeRead(ctx context.Context, staffID, prompt, choice string) (string, error) {
	refs, ok := flows.ReadChoiceRefs(prompt, choice)
	if !ok {
		return e.cat.T("prompt.closed", nil), nil
	}
	byClient := map[string][]string{}
	var order []string
	for _, r := range refs {
		client, item, ok := flows.SplitReadRef(r)
		if !ok {
			continue
		}
		if _, seen := byClient[client]; !seen {
			order = append(order, client)
		}
		byClient[client] = append(byClient[client], item)
	}
	acked, denied := 0, false
	for _, client := range order {
		want := byClient[client]
		n := 0
		err := e.run(ctx, client, func(st redisstore.State, fc flows.Context) (decision, error) {
			n = 0
			w, deny, err := e.staffAccess(ctx, staffID, st.Client)
			if err != nil {
				return decision{}, err
			}
			if deny != "" {
				denied = true
				return decision{}, nil
			}
			items, err := e.store.ReadItems(ctx, client)
			if err != nil {
				return decision{}, err
			}
			var effects []flows.Effect
			for _, it := range items {
				if contains(want, it.ID) {
					effects = append(effects, flows.AcknowledgeRead(fc, it, w)...)
					n++
				}
			}
			if n == 0 {
				return decision{}, nil
			}
			conv := st.Conversation
			return decision{conv: &conv, effects: effects}, nil
		})
		if errors.Is(err, store.ErrNotFound) {
			continue // erased: nothing left to read
		}
		if err != nil {
			return "", err
		}
		acked += n
	}
	switch {
	case acked > 0:
		return e.cat.T("toread.acked", map[string]any{"N": acked}), nil
	case denied:
		return e.cat.T("toread.not_yours", nil), nil
	}
	return e.cat.T("toread.nothing", map[string]any{"N": len(refs)}), nil
}

// AcknowledgeReadFrom is AcknowledgeRead for a Discord user: a digest comes
// by DM, where Discord says who tapped but not their roles, so the member of
// staff is found by their Discord account.
func (e *Engine) AcknowledgeReadFrom(ctx context.Context, discordUserID, prompt, choice string) (string, error) {
	w, err := e.staffByDiscord(ctx, discordUserID)
	if errors.Is(err, store.ErrNotFound) {
		return e.cat.T("staff.not_staff", nil), nil
	}
	if err != nil {
		return "", err
	}
	return e.AcknowledgeRead(ctx, w.ID, prompt, choice)
}

// staffByDiscord finds a member of staff by their Discord account.
func (e *Engine) staffByDiscord(ctx context.Context, discordID string) (store.Worker, error) {
	if discordID == "" {
		return store.Worker{}, store.ErrNotFound
	}
	workers, err := e.store.Workers(ctx)
	if err != nil {
		return store.Worker{}, err
	}
	for _, w := range workers {
		if w.DiscordID == discordID {
			return w, nil
		}
	}
	return store.Worker{}, store.ErrNotFound
}
