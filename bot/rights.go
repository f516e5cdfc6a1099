package bot

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// Client data rights (DESIGN §7): see, export and erase; and the end of the
// record's life, when a discharged client's retention period runs out.

// KindRetention is the occurrence that erases a discharged client's records
// once the retention period has passed.
const KindRetention = "retention"

// DefaultRetention is how long a discharged client's records are kept: long
// enough to answer a complaint or an inspection about the support given.
const DefaultRetention = 2 * 365 * 24 * time.Hour

// ErasureConfirmWindow is how long a client's erasure request waits for their confirmation.
const ErasureConfirmWindow = 30 * time.Minute

// Erasure reasons recorded on the tombstone (a fixed vocabulary, never free text).
const (
	ErasedOnRequest = "client request"
	ErasedRetention = "retention period ended"
)

// Export is everything Steady holds about a client, as the client receives it.
type Export struct {
	Format     string         `json:"format"`
	ClientID   string         `json:"client_id"`
	ExportedAt time.Time      `json:"exported_at"`
	Records    map[string]any `json:"records"`
	// Scheduled are the prompts and reminders still to come.
	Scheduled []scheduler.Occurrence `json:"scheduled,omitempty"`
}

// exportFormat names the export's shape, for whoever reads it later.
const exportFormat = "steady-export/1"

func (e *Engine) export(ctx context.Context, clientID string) ([]byte, error) {
	records, err := e.store.ExportClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	pending, err := e.sched.Pending(ctx, clientID)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(Export{Format: exportFormat, ClientID: clientID, ExportedAt: e.clock.Now().UTC(),
		Records: records, Scheduled: pending}, "", "  ")
}

// ExportClient returns everything held about a client as JSON, for a member
// of staff acting on the client's request (their worker or a lead). The
// export is audited before it is made, so it contains its own audit entry.
func (e *Engine) ExportClient(ctx context.Context, staffID, clientID string) ([]byte, string, error) {
	_, deny, err := e.staffRead(ctx, staffID, clientID, "export")
	if err != nil || deny != "" {
		return nil, deny, err
	}
	b, err := e.export(ctx, clientID)
	return b, "", err
}

// MyExport returns a client's own records as JSON, to be sent to them as a
// file. deny is the sentence for someone who is not enrolled.
func (e *Engine) MyExport(ctx context.Context, discordUserID string) ([]byte, string, error) {
	c, ok, err := e.clientByDiscord(ctx, discordUserID)
	if err != nil || !ok {
		return nil, e.cat.T("stranger", nil), err
	}
	b := e.store.Batch(c.ID)
	b.Audit(store.AuditEvent{At: e.clock.Now(), Actor: "client", Action: "records.exported", Reason: "own request"})
	if _, err := b.Commit(ctx, -1); err != nil {
		return nil, "", err
	}
	out, err := e.export(ctx, c.ID)
	return out, "", err
}

// ExportFileName is the name to give a client's export file.
func ExportFileName(clientID string, at time.Time) string {
	return fmt.Sprintf("steady-%s-%s.json", clientID, at.UTC().Format("2006-01-02"))
}

// RequestErasure starts a client's request to delete everything: it says
// what will happen and returns a confirmation code the client must send
// back (ConfirmErasure) within ErasureConfirmWindow. Nothing is deleted yet.
func (e *Engine) RequestErasure(ctx context.Context, discordUserID string) (reply, code string, err error) {
	c, ok, err := e.clientByDiscord(ctx, discordUserID)
	if err != nil || !ok {
		return e.cat.T("stranger", nil), "", err
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", "", fmt.Errorf("bot: erasure code: %w", err)
	}
	code = fmt.Sprintf("%06d", n.Int64())
	if err := e.store.SetErasureCode(ctx, c.ID, code, ErasureConfirmWindow); err != nil {
		return "", "", err
	}
	b := e.store.Batch(c.ID)
	b.Audit(store.AuditEvent{At: e.clock.Now(), Actor: "client", Action: "erasure.requested"})
	if _, err := b.Commit(ctx, -1); err != nil {
		return "", "", err
	}
	return e.cat.T("rights.erase_confirm", map[string]any{"Code": code, "Minutes": int(ErasureConfirmWindow.Minutes())}), code, nil
}

// ConfirmErasure erases a client's records if code matches their pending
// request. Their worker is told, without any of the content.
func (e *Engine) ConfirmErasure(ctx context.Context, discordUserID, code string) (string, error) {
	c, ok, err := e.clientByDiscord(ctx, discordUserID)
	if err != nil || !ok {
		return e.cat.T("stranger", nil), err
	}
	want, err := e.store.ErasureCode(ctx, c.ID)
	if err != nil {
		return "", err
	}
	if want == "" || strings.TrimSpace(code) != want {
		return e.cat.T("rights.erase_bad_code", nil), nil
	}
	if _, err := e.erase(ctx, c, "client", ErasedOnRequest); err != nil {
		return "", err
	}
	return e.cat.T("rights.erased_client", nil), nil
}

// EraseClient erases a client's records on their request, run by their
// worker or a lead. confirm must repeat the client id, so a slip of the
// keyboard cannot erase the wrong person. An erasure that began and did not
// finish (a crash) is finished by whoever asks again.
func (e *Engine) EraseClient(ctx context.Context, staffID, clientID, confirm string) (string, error) {
	c, err := e.store.Client(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return e.finishErasure(ctx, staffID, clientID, confirm)
	}
	if err != nil {
		return "", err
	}
	w, deny, err := e.staffAccess(ctx, staffID, c)
	if err != nil || deny != "" {
		return deny, err
	}
	if confirm != clientID {
		return e.cat.T("rights.erase_confirm_staff", map[string]any{"ID": clientID}), nil
	}
	f, err := e.erase(ctx, c, w.ID, ErasedOnRequest)
	if err != nil {
		return "", err
	}
	return e.erasedReply(clientID, f), nil
}

func (e *Engine) erasedReply(clientID string, f Forgotten) string {
	reply := e.cat.T("rights.erased_staff", map[string]any{"ID": clientID})
	if f.Pending > 0 {
		reply += "\n" + e.cat.T("rights.erased_pending", nil)
	}
	return reply
}

// finishErasure finishes an erasure that began and did not finish, for a
// member of staff asking for it again.
func (e *Engine) finishErasure(ctx context.Context, staffID, clientID, confirm string) (string, error) {
	pending, ok, err := e.store.Erasing(ctx, clientID)
	if err != nil || !ok {
		return e.cat.T("staff.no_client", nil), err
	}
	if _, err := e.store.Worker(ctx, staffID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return e.cat.T("staff.not_staff", nil), nil
		}
		return "", err
	}
	if confirm != clientID {
		return e.cat.T("rights.erase_confirm_staff", map[string]any{"ID": clientID}), nil
	}
	f, err := e.resume(ctx, pending)
	if err != nil {
		return "", err
	}
	return e.erasedReply(clientID, f), nil
}

// ResumeErasures finishes every erasure that began and did not finish (a
// crash, a lost connection). serve runs it at start and with the nightly
// retention sweep. It returns how many it finished.
func (e *Engine) ResumeErasures(ctx context.Context) (int, error) {
	pending, err := e.store.UnfinishedErasures(ctx)
	if err != nil {
		return 0, err
	}
	for i, p := range pending {
		if _, err := e.resume(ctx, p); err != nil {
			return i, err
		}
	}
	return len(pending), nil
}

func (e *Engine) resume(ctx context.Context, p redisstore.Erasure) (Forgotten, error) {
	c, err := e.store.ErasingClient(ctx, p.ClientID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Forgotten{}, err
	}
	c.ID = p.ClientID // the profile may already be gone
	return e.eraseAs(ctx, c, p.By, p.Reason, p.At)
}

// erase removes every trace of a client (DESIGN §7), the one way both a
// client's /erase, a worker's steady erase and the end of retention go:
//
//  1. the client is marked as being erased: from then on they are not found
//     and nothing more is written for them (a step or a delivery racing the
//     erasure is refused, and takes back what it did);
//  2. their scheduled work goes, so nothing fires for them;
//  3. the messenger deletes what it posted about them (their DMs, staff
//     pings about them), or durably queues the deletions when it cannot
//     reach its service, before it forgets where they are;
//  4. their records, index entries and traces go, leaving one content-free
//     tombstone;
//  5. the scheduler is swept once more for a timer a refused step armed.
//
// The worker is told last, directly: the client's outbox is gone by then.
func (e *Engine) erase(ctx context.Context, c store.Client, by, reason string) (Forgotten, error) {
	return e.eraseAs(ctx, c, by, reason, e.clock.Now())
}

func (e *Engine) eraseAs(ctx context.Context, c store.Client, by, reason string, at time.Time) (Forgotten, error) {
	var f Forgotten
	if err := e.store.BeginErasure(ctx, c.ID, by, reason, at); err != nil {
		return f, err
	}
	e.states.drop(c.ID)
	if c.DiscordID != "" {
		e.users.drop(c.DiscordID)
	}
	if _, err := e.sched.Forget(ctx, c.ID); err != nil {
		return f, err
	}
	if fg, ok := e.msg.(Forgetter); ok {
		var err error
		if f, err = fg.Forget(ctx, c.DiscordID, c.ID); err != nil {
			return f, err
		}
	}
	if err := e.store.EraseClient(ctx, c.ID, by, reason, at); err != nil {
		return f, err
	}
	if _, err := e.sched.Forget(ctx, c.ID); err != nil {
		return f, err
	}
	e.log.Info("client erased", "reason", reason, "discord_deletions_pending", f.Pending)
	if reason != ErasedOnRequest || by != "client" {
		return f, nil
	}
	staff, err := e.staffFor(ctx, c)
	if err != nil {
		e.log.Warn("erased client's worker not found", "err", err)
		return f, nil
	}
	// No delivery key: it is sent once, now, and a key would be a record
	// of the client outliving the erasure. Nor a client: nothing of theirs
	// remains to keep it with.
	notice := flows.Send{To: flows.ToWorker, Message: flows.Message{Text: e.cat.T("rights.erased_worker", map[string]any{"Name": c.DisplayName})}}
	if out, ok, _ := e.address(c, staff, notice); ok {
		out.Client = ""
		if err := e.deliver(ctx, out); err != nil {
			e.log.Warn("could not tell the worker of an erasure", "err", err)
		}
	}
	return f, nil
}

// Discharge ends a client's support: nothing more is sent, their schedules
// are removed, and their records are erased once the retention period has
// passed (a retention occurrence, with SweepRetention as the backstop).
func (e *Engine) Discharge(ctx context.Context, staffID, clientID, reason string) (string, error) {
	if msg := e.overLimit(limited{"the reason", reason, MaxNoteRunes}); msg != "" {
		return msg, nil
	}
	var discharged *store.Client
	reply, err := e.staffStep(ctx, staffID, clientID, func(st redisstore.State, fc flows.Context, w store.Worker) (string, []flows.Effect, error) {
		if st.Client.Status == store.StatusDischarged {
			return e.cat.T("rights.already_discharged", nil), nil, nil
		}
		c := st.Client
		c.Status, c.DischargedAt = store.StatusDischarged, fc.Now
		discharged = &c
		until := fc.Now.Add(e.cfg.Retention).In(fc.Loc).Format("2 Jan 2006")
		return e.cat.T("rights.discharged", map[string]any{"Name": c.DisplayName, "Until": until}),
			[]flows.Effect{flows.SaveClient{Client: c}, planAudit(fc, w.ID, "client.discharged", strings.TrimSpace(reason))}, nil
	})
	if err != nil || discharged == nil {
		return reply, err
	}
	if _, err := e.sched.Forget(ctx, clientID); err != nil {
		return "", err
	}
	o, err := scheduler.After(clientID, KindRetention, "", discharged.TimeZone, discharged.DischargedAt, e.cfg.Retention)
	if err != nil {
		return "", err
	}
	return reply, e.sched.Add(ctx, o)
}

// retentionDue reports whether a client's records are past their retention.
func (e *Engine) retentionDue(c store.Client) bool {
	return c.Status == store.StatusDischarged && !c.DischargedAt.IsZero() && !e.clock.Now().Before(c.DischargedAt.Add(e.cfg.Retention))
}

func (e *Engine) fireRetention(ctx context.Context, o scheduler.Occurrence) error {
	c, err := e.store.Client(ctx, o.Client)
	if errors.Is(err, store.ErrNotFound) {
		return nil // already erased
	}
	if err != nil {
		return err
	}
	if c.Status != store.StatusDischarged {
		return nil // support resumed: the records stay
	}
	if !e.retentionDue(c) {
		// The service lengthened its retention period since the discharge.
		next, err := scheduler.After(c.ID, KindRetention, "", c.TimeZone, c.DischargedAt, e.cfg.Retention)
		if err != nil {
			return err
		}
		return e.sched.Add(ctx, next)
	}
	_, err = e.erase(ctx, c, "steady", ErasedRetention)
	return err
}

// KindRetentionSweep is the service's nightly SweepRetention.
const KindRetentionSweep = "retention_sweep"

// retentionSweepAt is a quiet hour for the sweep, in the service's zone.
const retentionSweepAt = "daily 03:15"

func (e *Engine) fireRetentionSweep(ctx context.Context, _ scheduler.Occurrence) error {
	if n, err := e.ResumeErasures(ctx); err != nil || n > 0 {
		if err != nil {
			return err
		}
		e.log.Info("retention sweep finished interrupted erasures", "count", n)
	}
	n, err := e.SweepRetention(ctx)
	if n > 0 {
		e.log.Info("retention sweep erased discharged clients", "count", n)
	}
	return err
}

// SweepRetention erases every discharged client whose retention period has
// passed, whatever happened to their retention occurrence (say, the period
// was shortened). It returns how many it erased.
func (e *Engine) SweepRetention(ctx context.Context) (int, error) {
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		c, err := e.store.Client(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if !e.retentionDue(c) {
			continue
		}
		if _, err := e.erase(ctx, c, "steady", ErasedRetention); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
