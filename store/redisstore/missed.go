package redisstore

import (
	"context"

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
	return readDated[store.MissedPrompt](ctx, s, clientID, recMissed, recMissDays, from, to, "missed prompts")
}
