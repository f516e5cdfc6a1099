package bot

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
)

// isModerator reports whether someone may approve or decline held peer
// nudges: any member of staff, or a configured peer-group moderator.
func (e *Engine) isModerator(ctx context.Context, id string) (bool, error) {
	if slices.Contains(e.cfg.Moderators, id) {
		return true, nil
	}
	_, err := e.store.Worker(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ApprovePeer posts a held peer nudge, if the client's consent still allows
// it. moderatorID is a staff id or a configured moderator's Discord id.
func (e *Engine) ApprovePeer(ctx context.Context, incidentID, moderatorID string) (string, error) {
	return e.moderate(ctx, incidentID, moderatorID, flows.ApprovePeer, "Approved: it's posted.")
}

// DeclinePeer drops a held peer nudge.
func (e *Engine) DeclinePeer(ctx context.Context, incidentID, moderatorID string) (string, error) {
	decline := func(c flows.Context, in store.Incident, by string, _ bool) (store.Incident, []flows.Effect, bool) {
		return flows.DeclinePeer(c, in, by)
	}
	return e.moderate(ctx, incidentID, moderatorID, decline, "Declined: nothing was posted.")
}

func (e *Engine) moderate(ctx context.Context, incidentID, moderatorID string,
	act func(flows.Context, store.Incident, string, bool) (store.Incident, []flows.Effect, bool), done string) (string, error) {
	ok, err := e.isModerator(ctx, moderatorID)
	if err != nil {
		return "", err
	}
	if !ok {
		return e.cat.T("staff.not_staff", nil), nil
	}
	clientID, ok, err := e.ClientOfIncident(ctx, incidentID)
	if err != nil || !ok {
		return noNudge, err
	}
	reply := noNudge
	err = e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
		incidents, err := e.store.Incidents(ctx, clientID)
		if err != nil {
			return decision{}, err
		}
		var in *store.Incident
		postedToday := false
		today := fc.Local().Format(time.DateOnly)
		for i := range incidents {
			switch {
			case incidents[i].ID == incidentID:
				in = &incidents[i]
			case incidents[i].Peer == store.PeerNudgePosted && incidents[i].PeerAt.In(fc.Loc).Format(time.DateOnly) == today:
				postedToday = true
			}
		}
		if in == nil {
			return decision{}, nil
		}
		after, effects, ok := act(fc, *in, moderatorID, postedToday)
		if !ok {
			reply = "Nothing to do: that nudge was already dealt with."
			return decision{}, nil
		}
		switch {
		case after.Peer == store.PeerNudgeSuppressed && !fc.Client.Consents.PeerAllowed():
			reply = "Not posted: the client has withdrawn their peer-group consent."
		case after.Peer == store.PeerNudgeSuppressed:
			reply = "Not posted: the group has already had a nudge for this client today."
		default:
			reply = done
		}
		return decision{effects: effects}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return noNudge, nil
	}
	return reply, err
}

const noNudge = "That nudge doesn't exist."

// HeldNudge is a peer nudge waiting for a moderator: what the group would see.
type HeldNudge struct {
	IncidentID string
	Text       string
	HeldSince  string // RFC 3339
}

// HeldPeerNudges lists the nudges waiting for a moderator, oldest first, with
// the text as the client's consent allows it now.
func (e *Engine) HeldPeerNudges(ctx context.Context, moderatorID string) ([]HeldNudge, string, error) {
	ok, err := e.isModerator(ctx, moderatorID)
	if err != nil || !ok {
		return nil, e.cat.T("staff.not_staff", nil), err
	}
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return nil, "", err
	}
	var out []HeldNudge
	for _, id := range ids {
		incidents, err := e.store.Incidents(ctx, id)
		if err != nil {
			return nil, "", err
		}
		var c *store.Client
		for _, in := range incidents {
			if in.Peer != store.PeerNudgeHeld {
				continue
			}
			if c == nil {
				cl, err := e.store.Client(ctx, id)
				if err != nil {
					return nil, "", err
				}
				c = &cl
			}
			fc, err := e.flowContext(*c)
			if err != nil {
				return nil, "", err
			}
			out = append(out, HeldNudge{IncidentID: in.ID, Text: flows.PeerText(fc), HeldSince: in.PeerAt.UTC().Format("2006-01-02T15:04:05Z")})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].HeldSince < out[j].HeldSince })
	if len(out) == 0 {
		return nil, "No peer nudges are waiting.", nil
	}
	return out, "", nil
}

// PeerMessage is a message someone posted in the peer-support channel, or
// in a thread under it.
type PeerMessage struct {
	ChannelID string // the channel or thread it was posted in; the reply goes there
	MessageID string
	AuthorID  string // their Discord user id; used only to find an enrolled client, never stored
	Text      string // read for crisis language, never stored or logged
	// Edit names the version of an edited message (Discord's edited
	// timestamp); "" for a new message. An edit is read again.
	Edit string
}

// HandlePeerMessage watches the peer channel and its threads for crisis
// language and for danger from someone else. A clear crisis (or danger) gets
// a kind reply with support contacts where it was posted and an alert to the
// moderators; a worrying message alerts the moderators only. If the author
// is an enrolled client, their worker and the lead get an urgent incident
// (crisis, or danger) as if they had written it to Steady, and the concern
// is recorded in the client's own audit log (erased with them; the replies
// and alerts about them are deleted from Discord with them too). Nothing of
// the message is kept; a redelivered event (or edit) is handled once
// (Store.Seen).
func (e *Engine) HandlePeerMessage(ctx context.Context, m PeerMessage) error {
	d := e.detect(nil, m.Text)
	if d.Concern == flows.NoConcern {
		return nil
	}
	tag := "[msg " + m.MessageID + "]"
	event := "peerwatch/" + m.MessageID
	if m.Edit != "" {
		tag = "[msg " + m.MessageID + " edit " + m.Edit + "]"
		event += "/edit/" + m.Edit
	}
	if seen, err := e.store.Seen(ctx, event); err != nil || seen {
		if err != nil {
			return err
		}
		return e.Flush(ctx, ServiceID)
	}
	clientID := ""
	if m.AuthorID != "" {
		id, err := e.store.ClientIDByDiscord(ctx, m.AuthorID)
		switch {
		case err == nil:
			clientID = id
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	key := event
	rule, reply := flows.RuleCrisis, "peer.support_reply"
	if d.Kind == flows.KindDanger {
		rule, reply = flows.RuleDanger, "peer.danger_reply"
	}
	var outs []Outgoing
	alert, reason := "peer.worry_alert", "worrying language; moderators alerted"
	if d.Concern == flows.Crisis {
		alert, reason = "peer.crisis_alert", "crisis language; support contacts posted in the channel; moderators alerted"
		fc := flows.Context{Catalog: e.cat, DangerContacts: e.cfg.DangerContacts}
		text := e.cat.T(reply, map[string]any{"Contacts": "- " + strings.Join(flows.DangerContacts(fc), "\n- ")})
		outs = append(outs, Outgoing{Audience: flows.ToPeer, ChannelID: m.ChannelID, Text: text, Key: key + "/reply", Client: clientID})
	}
	mods := Outgoing{Audience: flows.ToModerator, ChannelID: e.cfg.ModeratorChannel, Key: key + "/moderators", Client: clientID,
		Text: e.cat.T(alert, map[string]any{"Channel": m.ChannelID, "Message": m.MessageID, "Kind": e.cat.T("concern."+d.Kind, nil)})}
	if mods.ChannelID == "" {
		mods.ChannelID = e.cfg.StaffChannel
	}
	if mods.ChannelID != "" {
		outs = append(outs, mods)
	} else {
		reason += " (no moderator or staff channel configured)"
	}
	concern := store.AuditEvent{At: e.clock.Now(), Actor: "steady", Action: "peer.concern", Rule: rule,
		Reason: d.Kind + ": " + reason + " " + tag}
	serviceAudit := concern
	if clientID != "" {
		serviceAudit = store.AuditEvent{} // recorded in the client's own log below
	}
	if err := e.commitService(ctx, outs, serviceAudit); err != nil {
		return err
	}
	if clientID != "" {
		err := e.run(ctx, clientID, func(st redisstore.State, fc flows.Context) (decision, error) {
			effects := []flows.Effect{flows.Audit{Event: concern}}
			if d.Concern == flows.Crisis {
				// One piece of evidence per post, however often it is edited.
				effects = append(effects, flows.Escalate{Firing: flows.Firing{Rule: rule, Urgent: true,
					Evidence: []store.Evidence{{At: fc.Now, Key: "peer:" + m.MessageID, Summary: e.cat.T("evidence.peer_crisis", map[string]any{"Kind": e.cat.T("concern."+d.Kind, nil)})}}}})
			}
			return decision{effects: effects}, nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return e.store.MarkSeen(ctx, event, seenFor)
}
