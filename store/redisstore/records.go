package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/redis/go-redis/v9"

	"steady/store"
)

// A worker's records of a client: plan versions, the adjustments register
// and job status changes. Each write bumps the conversation version (Touch)
// so concurrent edits of the same client retry rather than overwrite.

// PutPlanVersion stores one version of the client's plan.
func (b *Batch) PutPlanVersion(v store.PlanVersion) {
	b.Touch()
	f := strconv.Itoa(v.Version)
	b.op("HSET", recPlans, f, b.encode(recPlans, f, v))
}

// PutAdjustment stores an adjustment, replacing the earlier state of the same id.
func (b *Batch) PutAdjustment(a store.Adjustment) {
	if a.ID == "" && b.err == nil {
		b.err = fmt.Errorf("store: adjustment without an id")
	}
	b.Touch()
	b.op("HSET", recAdjust, a.ID, b.encode(recAdjust, a.ID, a))
}

// AddJobEvent appends a change in the client's employment.
func (b *Batch) AddJobEvent(e store.JobEvent) {
	b.Touch()
	b.op("RPUSH", recJobs, b.encode(recJobs, "", e))
}

// PlanVersions returns every version of a client's plan, oldest first.
func (s *Store) PlanVersions(ctx context.Context, clientID string) ([]store.PlanVersion, error) {
	m, err := s.rdb.HGetAll(ctx, s.clientKey(clientID, recPlans)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: plan versions of %s: %w", clientID, err)
	}
	out := make([]store.PlanVersion, 0, len(m))
	for field, raw := range m {
		var v store.PlanVersion
		if err := s.decode(clientID, recPlans, field, []byte(raw), &v); err != nil {
			return nil, fmt.Errorf("store: decode plan version %s of %s: %w", field, clientID, err)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Adjustments returns a client's adjustments register, in id order (the order they were added).
func (s *Store) Adjustments(ctx context.Context, clientID string) ([]store.Adjustment, error) {
	m, err := s.rdb.HGetAll(ctx, s.clientKey(clientID, recAdjust)).Result()
	if err != nil {
		return nil, fmt.Errorf("store: adjustments of %s: %w", clientID, err)
	}
	return s.decodeAdjustments(clientID, m)
}

func (s *Store) decodeAdjustments(clientID string, m map[string]string) ([]store.Adjustment, error) {
	out := make([]store.Adjustment, 0, len(m))
	for id, raw := range m {
		var a store.Adjustment
		if err := s.decode(clientID, recAdjust, id, []byte(raw), &a); err != nil {
			return nil, fmt.Errorf("store: decode adjustment %s: %w", id, err)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return adjustmentLess(out[i].ID, out[j].ID) })
	return out, nil
}

// adjustmentLess orders "x.adj2" before "x.adj10".
func adjustmentLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// Adjustment loads one adjustment.
func (s *Store) Adjustment(ctx context.Context, clientID, id string) (store.Adjustment, error) {
	var a store.Adjustment
	raw, err := s.rdb.HGet(ctx, s.clientKey(clientID, recAdjust), id).Bytes()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return a, fmt.Errorf("store: adjustment %s: %w", id, store.ErrNotFound)
		}
		return a, fmt.Errorf("store: load adjustment %s: %w", id, err)
	}
	if err := s.decode(clientID, recAdjust, id, raw, &a); err != nil {
		return a, fmt.Errorf("store: decode adjustment %s: %w", id, err)
	}
	return a, nil
}

// JobEvents returns a client's job status changes in the order recorded.
func (s *Store) JobEvents(ctx context.Context, clientID string) ([]store.JobEvent, error) {
	vals, err := s.rdb.LRange(ctx, s.clientKey(clientID, recJobs), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: job events of %s: %w", clientID, err)
	}
	out := make([]store.JobEvent, 0, len(vals))
	for _, raw := range vals {
		var e store.JobEvent
		if err := s.decode(clientID, recJobs, "", []byte(raw), &e); err != nil {
			return nil, fmt.Errorf("store: decode job event of %s: %w", clientID, err)
		}
		out = append(out, e)
	}
	return out, nil
}
