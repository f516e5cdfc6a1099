package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"steady/bot"
)

// A member of staff's messages about their clients go to their own Steady
// channel in the server: a text channel Steady creates for them that only
// they, the lead role and Steady can view (permission overwrites deny
// @everyone). Why a channel rather than a DM: it stays in the service's
// server, so removing someone from the server (or deleting the channel)
// takes the health details with it, which a DM in their personal account
// would keep; it works whatever their DM settings; the lead role can cover
// from the same place; and buttons there are pressed by a guild member
// whose roles Discord reports with the press.
//
// If Steady may not create channels (no Manage Channels permission), the
// message goes by DM instead, still to that person alone, and the error log
// says what to grant.

// Permission bits the rooms grant (Discord's permission flags).
const (
	roomReader = discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory | discordgo.PermissionUseSlashCommands
	roomBot    = roomReader | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles
)

// Overwrite target types.
const (
	overwriteRole   = 0
	overwriteMember = 1
)

// noRoomRetry is how long Steady sends by DM, without asking again, after
// Discord refused to let it create a staff channel.
const noRoomRetry = 10 * time.Minute

// errNoRoom says a private channel cannot be made here (no guild, or no
// permission to create one): the caller falls back to a DM.
var errNoRoom = errors.New("discord: cannot create a private staff channel")

func (c *Client) roomKey() string { return c.opt.Prefix + ":discord:staffroom" } // hash: staff user id → their channel id

// SendStaff delivers to one member of staff in their private Steady
// channel, mentioning them so they are notified, or by DM when no channel
// can be made. A message whose key was delivered before is not sent again.
func (c *Client) SendStaff(ctx context.Context, userID string, m bot.Outgoing) (bot.MessageRef, error) {
	if m.Key != "" {
		ref, err := c.sentRef(ctx, m.Client, m.Key)
		if err != nil {
			return bot.MessageRef{}, err
		}
		if ref.MessageID != "" {
			return ref, nil
		}
	}
	for attempt := 0; ; attempt++ {
		room, err := c.staffRoom(ctx, userID, m.StaffName)
		if errors.Is(err, errNoRoom) {
			return c.SendDM(ctx, userID, m)
		}
		if err != nil {
			return bot.MessageRef{}, err
		}
		m.Mention = userID
		ref, err := c.deliver(ctx, room, m)
		if isCode(err, discordgo.ErrCodeUnknownChannel) && attempt == 0 {
			// Someone deleted the channel: make a new one.
			if derr := c.rdb.HDel(ctx, c.roomKey(), userID).Err(); derr != nil {
				return bot.MessageRef{}, fmt.Errorf("discord: forget a deleted staff channel: %w", derr)
			}
			continue
		}
		return ref, err
	}
}

// staffRoom returns the member of staff's private channel, creating it the
// first time. Two replicas creating one at once each make a channel; the
// one recorded first wins and the other deletes its own.
func (c *Client) staffRoom(ctx context.Context, userID, name string) (string, error) {
	if id, err := c.rdb.HGet(ctx, c.roomKey(), userID).Result(); err == nil && id != "" {
		return id, nil
	} else if err != nil && !errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("discord: read staff channel: %w", err)
	}
	if c.opt.GuildID == "" || c.opt.Clock.Now().UnixNano() < c.noRoomUntil.Load() {
		return "", errNoRoom
	}
	mu := &c.roomLocks[fnv32(userID)%uint32(len(c.roomLocks))]
	mu.Lock()
	defer mu.Unlock()
	if id, err := c.rdb.HGet(ctx, c.roomKey(), userID).Result(); err == nil && id != "" {
		return id, nil
	}
	botID, err := c.botID(ctx)
	if err != nil {
		return "", err
	}
	overwrites := []overwrite{
		{ID: c.opt.GuildID, Type: overwriteRole, Deny: discordgo.PermissionViewChannel}, // @everyone's role has the guild's id
		{ID: userID, Type: overwriteMember, Allow: roomReader},
		{ID: botID, Type: overwriteMember, Allow: roomBot},
	}
	if c.opt.LeadRoleID != "" {
		overwrites = append(overwrites, overwrite{ID: c.opt.LeadRoleID, Type: overwriteRole, Allow: roomReader})
	}
	body := createChannel{
		Name: roomName(name, userID), Type: int(discordgo.ChannelTypeGuildText), Overwrites: overwrites,
		Topic: c.cat.T("discord.staff_room_topic", map[string]any{"Name": name}),
	}
	if parent := c.staffCategory(ctx); parent != "" {
		body.ParentID = parent
	}
	endpoint := discordgo.EndpointGuildChannels(c.opt.GuildID)
	raw, err := c.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
	if isCode(err, discordgo.ErrCodeMissingPermissions) || isCode(err, discordgo.ErrCodeMissingAccess) {
		c.log.Error("Steady cannot create private staff channels, so staff pings go by DM: give the bot the Manage Channels permission", "err", classify(err, "create staff channel"))
		c.noRoomUntil.Store(c.opt.Clock.Now().Add(noRoomRetry).UnixNano())
		return "", errNoRoom
	}
	if err != nil {
		return "", classify(err, "create staff channel")
	}
	var ch discordgo.Channel
	if err := json.Unmarshal(raw, &ch); err != nil || ch.ID == "" {
		return "", fmt.Errorf("discord: decode created channel: %v", err)
	}
	won, err := c.rdb.HSetNX(ctx, c.roomKey(), userID, ch.ID).Result()
	if err != nil {
		return "", fmt.Errorf("discord: record staff channel: %w", err)
	}
	if won {
		return ch.ID, nil
	}
	if _, err := c.s.ChannelDelete(ch.ID, discordgo.WithContext(ctx)); err != nil {
		c.log.Warn("could not delete a duplicate staff channel", "err", classify(err, "delete channel"))
	}
	return c.rdb.HGet(ctx, c.roomKey(), userID).Result()
}

// overwrite is a permission overwrite as Discord's create-channel request
// takes it (allow and deny as integers, as the published spec describes).
type overwrite struct {
	ID    string `json:"id"`
	Type  int    `json:"type"`
	Allow int64  `json:"allow"`
	Deny  int64  `json:"deny"`
}

type createChannel struct {
	Name       string      `json:"name"`
	Type       int         `json:"type"`
	Topic      string      `json:"topic,omitempty"`
	ParentID   string      `json:"parent_id,omitempty"`
	Overwrites []overwrite `json:"permission_overwrites"`
}

// roomName is a channel name Discord keeps as given: lower case, letters,
// digits and dashes.
func roomName(name, userID string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = userID
	}
	if len([]rune(slug)) > 80 {
		slug = string([]rune(slug)[:80])
	}
	return "steady-" + slug
}

// staffCategory is the category the staff channel sits in, so the rooms
// sit beside it ("" when there is none, or it cannot be read).
func (c *Client) staffCategory(ctx context.Context) string {
	if c.opt.StaffChannelID == "" {
		return ""
	}
	ch, err := c.s.Channel(c.opt.StaffChannelID, discordgo.WithContext(ctx))
	if err != nil {
		c.log.Warn("could not read the staff channel's category", "err", classify(err, "read staff channel"))
		return ""
	}
	return ch.ParentID
}

// isCode reports whether err is a Discord error with that JSON code.
func isCode(err error, code int) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == code
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// UpdateSent rewrites the message delivered under key, wherever it landed
// (the last part, with the buttons, of one split at the length limit). A
// key never delivered, or forgotten, is nothing to update.
func (c *Client) UpdateSent(ctx context.Context, key string, m bot.Outgoing) error {
	ref, err := c.sentRef(ctx, m.Client, key)
	if err != nil || ref.MessageID == "" {
		return err
	}
	err = c.Update(ctx, ref, m)
	if isCode(err, discordgo.ErrCodeUnknownMessage) || isCode(err, discordgo.ErrCodeUnknownChannel) {
		return nil // deleted meanwhile: nothing left to update
	}
	return err
}
