package bot

import (
	"context"
	"fmt"
	"strings"

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
	return w, nil
}
