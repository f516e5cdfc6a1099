package discord

import (
	"context"
	"fmt"
	"regexp"
)

// Forget removes what the adapter keeps about a person, for erasure: their
// cached DM channel, and the delivery and prompt keys that name the client
// (occurrence ids start "<client>|", incident ids "<client>.").
func (c *Client) Forget(ctx context.Context, userID, clientID string) error {
	if userID != "" {
		if err := c.rdb.HDel(ctx, c.dmKey(), userID).Err(); err != nil {
			return fmt.Errorf("discord: forget DM channel: %w", err)
		}
	}
	names := regexp.MustCompile(`(^|[^a-z0-9_-])` + regexp.QuoteMeta(clientID) + `[|.]`)
	for _, pattern := range []string{c.sentKey("*"), c.promptKey("*")} {
		iter := c.rdb.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			key := iter.Val()
			if !names.MatchString(key) {
				v, err := c.rdb.Get(ctx, key).Result()
				if err != nil || !names.MatchString(v) {
					continue
				}
			}
			if err := c.rdb.Del(ctx, key).Err(); err != nil {
				return fmt.Errorf("discord: forget %s: %w", clientID, err)
			}
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("discord: forget %s: %w", clientID, err)
		}
	}
	return nil
}
