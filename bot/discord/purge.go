package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
)

// Erasure on Discord. What Steady posted about a client — their DMs, and
// staff pings, alerts and nudges about them (Records.Posted) — is deleted
// before the references to it go. Each deletion is a job on a durable list
// (purgeKey) before it is tried, so one Discord refuses or cannot be reached
// for is not forgotten: serve works through the list on every outbox sweep
// (PurgePending). A job names only Discord ids, never the client:
//
//	m <channel> <message>   delete one message
//	d <channel> <before>    delete every message Steady wrote in a DM channel
//	                        older than the snowflake <before>
//	u <user> <before>       the same, for a DM channel not remembered (the
//	                        user's is opened to find it)
//
// <before> is the erasure's time plus purgeMargin, so the same person
// enrolled again later keeps their new messages, while a message posted
// around the erasure's start (clocks differ) still goes. A message posted
// after the erasure began is taken back by its own delivery (deliver).

// purgeMargin covers the difference between Steady's clock and Discord's.
const purgeMargin = time.Minute

// purgeNow bounds how long an erasure waits for Discord before leaving the
// rest of its deletions to serve.
const purgeNow = 2 * time.Minute

func purgeMessage(ref string) string {
	ch, msg, _ := strings.Cut(ref, "/")
	return "m " + ch + " " + msg
}

// discordEpoch is when snowflake time starts (2015-01-01T00:00:00Z), in ms.
const discordEpoch = 1420070400000

// snowflakeAt is the smallest snowflake of a moment: every message posted
// before it has a smaller id.
func snowflakeAt(t time.Time) string {
	ms := t.UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatUint(uint64(ms)<<22, 10)
}

// Forget deletes what Steady posted on Discord about a client, or queues
// the deletions durably when Discord cannot take them now, then forgets the
// client's DM channel and what earlier versions kept about them under the
// adapter's own keys. Erasure calls it after marking the client as being
// erased, before their records (and the references kept there) go.
func (c *Client) Forget(ctx context.Context, userID, clientID string) (bot.Forgotten, error) {
	posted, err := c.records.Posted(ctx, clientID)
	if err != nil {
		return bot.Forgotten{}, err
	}
	dm := ""
	if vals, err := c.records.Markers(ctx, clientID, dmMarker); err != nil {
		return bot.Forgotten{}, err
	} else {
		dm = vals[0]
	}
	if dm == "" && userID != "" {
		dm, _ = c.rdb.HGet(ctx, c.dmKey(), userID).Result() // cached by an earlier version
	}
	before := snowflakeAt(c.opt.Clock.Now().Add(purgeMargin))
	var jobs []string
	for _, ref := range posted {
		jobs = append(jobs, purgeMessage(ref))
	}
	switch {
	case dm != "":
		jobs = append(jobs, "d "+dm+" "+before)
	case userID != "":
		jobs = append(jobs, "u "+userID+" "+before)
	}
	now, cancel := context.WithTimeout(ctx, purgeNow)
	deleted, pending, err := c.purge(now, jobs)
	cancel()
	if err != nil {
		return bot.Forgotten{}, err
	}
	if userID != "" {
		if err := c.rdb.HDel(ctx, c.dmKey(), userID).Err(); err != nil {
			return bot.Forgotten{}, fmt.Errorf("discord: forget DM channel: %w", err)
		}
	}
	if err := c.forgetLegacy(ctx, clientID); err != nil {
		return bot.Forgotten{}, err
	}
	return bot.Forgotten{Deleted: deleted, Pending: pending}, nil
}

// forgetLegacy removes the delivery keys and long prompt ids an earlier
// version kept in the clear under the adapter's own keys, which name the
// client (occurrence ids start "<client>|", its incident ids "<client>.").
func (c *Client) forgetLegacy(ctx context.Context, clientID string) error {
	names := regexp.MustCompile(`(^|[^a-z0-9_-])` + regexp.QuoteMeta(clientID) + `[|.]`)
	for _, pattern := range []string{c.legacyKey("sent:*"), c.legacyKey("prompt:*")} {
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

// PurgePending works through the deletions that could not be made when
// they were asked for, and returns how many jobs are left.
func (c *Client) PurgePending(ctx context.Context) (int, error) {
	jobs, err := c.rdb.LRange(ctx, c.purgeKey(), 0, -1).Result()
	if err != nil {
		return 0, fmt.Errorf("discord: read pending deletions: %w", err)
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	deleted, left, err := c.work(ctx, jobs)
	if deleted > 0 {
		c.log.Info("deleted messages about erased clients", "count", deleted, "jobs_left", left)
	}
	return left, err
}

// purge puts jobs on the durable list, then works through them.
func (c *Client) purge(ctx context.Context, jobs []string) (deleted, left int, err error) {
	if len(jobs) == 0 {
		return 0, 0, nil
	}
	args := make([]any, len(jobs))
	for i, j := range jobs {
		args[i] = j
	}
	if err := c.rdb.RPush(context.WithoutCancel(ctx), c.purgeKey(), args...).Err(); err != nil {
		return 0, 0, fmt.Errorf("discord: queue deletions: %w", err)
	}
	return c.work(ctx, jobs)
}

// work tries each job, removing the ones done from the list.
func (c *Client) work(ctx context.Context, jobs []string) (deleted, left int, err error) {
	if c.opt.Offline {
		return 0, len(jobs), nil
	}
	for _, job := range jobs {
		n, done := c.run(ctx, job)
		deleted += n
		if !done {
			left++
			continue
		}
		if err := c.rdb.LRem(context.WithoutCancel(ctx), c.purgeKey(), 1, job).Err(); err != nil {
			return deleted, left + 1, fmt.Errorf("discord: settle a deletion: %w", err)
		}
	}
	return deleted, left, nil
}

// run carries out one job: how many messages it deleted, and whether it is
// finished (done, or impossible: a channel or message that no longer exists).
func (c *Client) run(ctx context.Context, job string) (int, bool) {
	f := strings.Fields(job)
	if len(f) != 3 {
		c.log.Error("dropping a malformed deletion job")
		return 0, true
	}
	switch f[0] {
	case "m":
		done, err := c.deleteMessage(ctx, f[1], f[2])
		if err != nil {
			return 0, false
		}
		if done {
			return 1, true
		}
		return 0, true
	case "u":
		endpoint := discordgo.EndpointUserChannels("@me")
		raw, err := c.s.RequestWithBucketID(http.MethodPost, endpoint, map[string]string{"recipient_id": f[1]}, endpoint+"#"+f[1], discordgo.WithContext(ctx))
		if err != nil {
			return 0, gone(err)
		}
		var ch discordgo.Channel
		if err := json.Unmarshal(raw, &ch); err != nil || ch.ID == "" {
			return 0, false
		}
		return c.purgeChannel(ctx, ch.ID, f[2])
	case "d":
		return c.purgeChannel(ctx, f[1], f[2])
	}
	c.log.Error("dropping a deletion job of unknown kind")
	return 0, true
}

// purgeChannel deletes every message Steady wrote in a DM channel before a
// snowflake, newest first, a page at a time.
func (c *Client) purgeChannel(ctx context.Context, channelID, before string) (int, bool) {
	me, err := c.botID(ctx)
	if err != nil {
		return 0, false
	}
	n := 0
	for {
		page, err := c.s.ChannelMessages(channelID, 100, before, "", "", discordgo.WithContext(ctx))
		if err != nil {
			return n, gone(err)
		}
		if len(page) == 0 {
			return n, true
		}
		for _, m := range page {
			before = m.ID // pages come newest first
			if m.Author == nil || m.Author.ID != me {
				continue
			}
			done, err := c.deleteMessage(ctx, channelID, m.ID)
			if err != nil {
				return n, false
			}
			if done {
				n++
			}
		}
	}
}

// deleteMessage deletes one message. done is false, with no error, when it
// was already gone (or Steady may not delete it: nothing more can be done).
func (c *Client) deleteMessage(ctx context.Context, channelID, messageID string) (bool, error) {
	err := c.s.ChannelMessageDelete(channelID, messageID, discordgo.WithContext(ctx))
	if err == nil {
		return true, nil
	}
	if gone(err) {
		return false, nil
	}
	return false, classify(err, "delete message")
}

// gone reports whether a REST error means the thing is not there to act on
// (or never will be for Steady): retrying cannot help.
func gone(err error) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		return false
	}
	if re.Message != nil {
		switch re.Message.Code {
		case discordgo.ErrCodeUnknownMessage, discordgo.ErrCodeUnknownChannel, discordgo.ErrCodeUnknownUser,
			discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions, 50033:
			return true
		}
	}
	return re.Response != nil && re.Response.StatusCode == http.StatusNotFound
}

// botID is Steady's own Discord user id: from the gateway session when it
// is up, else asked once (steady erase uses REST alone).
func (c *Client) botID(ctx context.Context) (string, error) {
	if c.s.State != nil && c.s.State.User != nil && c.s.State.User.ID != "" {
		return c.s.State.User.ID, nil
	}
	if id, ok := c.me.Load().(string); ok && id != "" {
		return id, nil
	}
	u, err := c.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err, "who am I")
	}
	c.me.Store(u.ID)
	return u.ID, nil
}
