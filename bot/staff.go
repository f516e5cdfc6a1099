package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"steady/store"
)

// StaffMember returns the worker record of a member of staff, found by their
// Discord id, creating it on their first staff action and keeping their name
// and lead status in step with what the adapter saw (the lead role is
// Discord's to grant; the engine's caseload checks read it from here).
func (e *Engine) StaffMember(ctx context.Context, discordID, name string, lead bool) (store.Worker, error) {
	workers, err := e.store.Workers(ctx)
	if err != nil {
		return store.Worker{}, err
	}
	var w store.Worker
	found := false
	for _, cand := range workers {
		if cand.DiscordID == discordID {
			w, found = cand, true
			break
		}
	}
	if !found {
		w = store.Worker{ID: "d" + discordID, DiscordID: discordID}
	}
	name = strings.TrimSpace(name)
	if found && w.Name == name && w.Lead == lead {
		return w, nil
	}
	if name != "" {
		w.Name = name
	}
	w.Lead = lead
	if err := e.store.PutWorker(ctx, w); err != nil {
		return store.Worker{}, fmt.Errorf("bot: save staff member: %w", err)
	}
	e.workerNames.drop(w.ID)
	return w, nil
}

// Caseload lists a worker's clients, or every client for a lead, one line
// each with their status and open incidents. The read is audited.
func (e *Engine) Caseload(ctx context.Context, staffID string) (string, error) {
	w, err := e.store.Worker(ctx, staffID)
	if errors.Is(err, store.ErrNotFound) {
		return e.cat.T("staff.not_staff", nil), nil
	}
	if err != nil {
		return "", err
	}
	ids, err := e.store.ClientIDs(ctx)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, id := range ids {
		c, err := e.store.Client(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // erased since the list was read
		}
		if err != nil {
			return "", err
		}
		if c.WorkerID != w.ID && !w.Lead {
			continue
		}
		incidents, err := e.store.Incidents(ctx, id)
		if err != nil {
			return "", err
		}
		open := 0
		for _, in := range incidents {
			if !in.Closed() {
				open++
			}
		}
		line := fmt.Sprintf("%s (%s): %s", c.DisplayName, c.ID, c.Status)
		if c.Status == store.StatusPaused && !c.PausedUntil.IsZero() {
			line += " until " + c.PausedUntil.Format(time.DateOnly)
		}
		if w.Lead && c.WorkerID != w.ID {
			line += ", worker " + c.WorkerID
		}
		if open > 0 {
			line += fmt.Sprintf(", %d open incident(s)", open)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return e.cat.T("discord.caseload_empty", nil), nil
	}
	sort.Strings(lines)
	scope := "own caseload"
	if w.Lead {
		scope = "whole service"
	}
	if err := e.store.AppendServiceAudit(ctx, store.AuditEvent{At: e.clock.Now(), Actor: w.ID, Action: "caseload.viewed",
		Reason: fmt.Sprintf("%s, %d clients", scope, len(lines))}); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}
