package redisstore

import (
	"context"
	"fmt"

	"steady/store"
)

// PutMissed records a prompt that closed without an answer (or never went
// out), replacing any earlier record of the same prompt.
func (b *Batch) PutMissed(m store.MissedPrompt) {
	b.putDated("missed prompt", recMissed, recMissDays, m.ID, m.Date, m)
}

// MissedPrompts returns a client's missed prompts due from..to (local dates,
// inclusive; to "" means no end), oldest first.
func (s *Store) MissedPrompts(ctx context.Context, clientID, from, to string) ([]store.MissedPrompt, error) {
	var out []store.MissedPrompt
	err := s.dated(ctx, clientID, recMissed, recMissDays, from, to, func(raw string) error {
		var m store.MissedPrompt
		if err := s.decode(clientID, recMissed, []byte(raw), &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: missed prompts of %s: %w", clientID, err)
	}
	return out, nil
}
