package discord

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
	"steady/flows"
)

// Discord's limits for what the adapter renders.
const (
	maxContent      = 2000
	maxCustomID     = 100
	maxButtonsInRow = 5
	maxMenuOptions  = 25
	maxButtonLabel  = 80
	maxOptionLabel  = 100
)

// Kinds of custom_id. A custom_id carries everything a click needs, so a
// button keeps working across restarts and replicas:
//
//	c:<n>:<choice><prompt>  a choice (n = len(choice)); a menu leaves choice empty
//	m:<prompt>              "type my answer": opens a modal
//	a:<prompt>              that modal's submission
//	r:<prompt>              the resolve-with-a-note modal of a staff ping
//
// A prompt id that would push the custom_id past 100 characters is replaced
// by "#", a hash and "@" the client it is about ("#<hash>" alone for the
// service's own), mapped back through a marker kept with the client's
// records (Records), sealed and erased with them.
const (
	idChoice  = 'c'
	idType    = 'm'
	idAnswer  = 'a'
	idResolve = 'r'
	hashMark  = "#"
)

// encodePrompt returns the prompt as it travels in a custom_id with room
// characters to spare, remembering the long form for the client (or the
// service) when it must. errClientGone: the client is being erased.
func (c *Client) encodePrompt(ctx context.Context, client, prompt string, room int) (string, error) {
	if len(prompt) <= room && !strings.HasPrefix(prompt, hashMark) {
		return prompt, nil
	}
	h := digest(prompt, 12)
	kept, err := c.records.SetMarker(ctx, client, promptMarker(h), prompt, c.opt.SentTTL*3)
	if err != nil {
		return "", fmt.Errorf("discord: remember long prompt id: %w", err)
	}
	if !kept {
		return "", errClientGone
	}
	if client != "" {
		return hashMark + h + "@" + client, nil
	}
	return hashMark + h, nil
}

// decodePrompt maps a custom_id's prompt back, and returns the client a
// hashed one was remembered for.
func (c *Client) decodePrompt(ctx context.Context, p string) (prompt, client string) {
	rest, ok := strings.CutPrefix(p, hashMark)
	if !ok {
		return p, ""
	}
	h, client, _ := strings.Cut(rest, "@")
	vals, err := c.records.Markers(ctx, client, promptMarker(h))
	if err == nil && vals[0] != "" {
		return vals[0], client
	}
	if client == "" {
		// A button an earlier version posted: its prompt is kept in the clear
		// under the adapter's own key until it expires (or steady rekey seals it).
		if long, err := c.rdb.Get(ctx, c.legacyKey(promptMarker(h))).Result(); err == nil {
			return long, ""
		}
	}
	// Forgotten or unreadable: an id no conversation has, which the engine
	// answers "that check-in has closed".
	return "expired" + p, client
}

func (c *Client) choiceID(ctx context.Context, client, prompt, choice string) (string, error) {
	head := fmt.Sprintf("%c:%d:%s", idChoice, len(choice), choice)
	p, err := c.encodePrompt(ctx, client, prompt, maxCustomID-len(head))
	return head + p, err
}

func (c *Client) promptID(ctx context.Context, client string, kind byte, prompt string) (string, error) {
	p, err := c.encodePrompt(ctx, client, prompt, maxCustomID-2)
	return string(kind) + ":" + p, err
}

// customID is a decoded custom_id.
type customID struct {
	kind           byte
	prompt, choice string
	client         string // the client a hashed prompt was remembered for
}

func (c *Client) parseCustomID(ctx context.Context, id string) (customID, bool) {
	if len(id) < 2 || id[1] != ':' {
		return customID{}, false
	}
	out := customID{kind: id[0]}
	rest := id[2:]
	switch out.kind {
	case idChoice:
		n, after, ok := strings.Cut(rest, ":")
		size, err := strconv.Atoi(n)
		if !ok || err != nil || size < 0 || size > len(after) {
			return customID{}, false
		}
		out.choice, rest = after[:size], after[size:]
	case idType, idAnswer, idResolve:
	default:
		return customID{}, false
	}
	if rest == "" {
		return customID{}, false
	}
	out.prompt, out.client = c.decodePrompt(ctx, rest)
	return out, true
}

// render turns an outgoing message into Discord messages: text split at the
// limit, choices as one row of buttons (up to five) or a menu, and for a
// client's prompt a "type my answer" button that opens a modal.
func (c *Client) render(ctx context.Context, m bot.Outgoing) ([]discordgo.MessageSend, error) {
	text := m.Text
	mentions := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	if m.Mention != "" {
		text = "<@" + m.Mention + "> " + text
		mentions.Users = []string{m.Mention}
	}
	chunks := splitText(text, maxContent)
	out := make([]discordgo.MessageSend, len(chunks))
	for i, ch := range chunks {
		out[i] = discordgo.MessageSend{Content: ch, AllowedMentions: mentions}
	}
	if len(m.Choices) == 0 || m.Prompt == "" {
		return out, nil
	}
	rows, err := c.choiceRows(ctx, m)
	if err != nil {
		return nil, err
	}
	out[len(out)-1].Components = rows
	return out, nil
}

// keycaps number a client's options (1️⃣ Harder than usual), as `steady
// try` prints "[1] Harder than usual": typing the number picks it, in both.
// Values (9pm, 0 1 2 3 4+, a 1–5 scale) are shown as themselves, with no
// number that could be taken for one.
var keycaps = []string{"1\ufe0f\u20e3", "2\ufe0f\u20e3", "3\ufe0f\u20e3", "4\ufe0f\u20e3", "5\ufe0f\u20e3",
	"6\ufe0f\u20e3", "7\ufe0f\u20e3", "8\ufe0f\u20e3", "9\ufe0f\u20e3", "\U0001f51f"}

// numberOf is the emoji that numbers the i-th option of m, if it is numbered.
func numberOf(m bot.Outgoing, i int) *discordgo.ComponentEmoji {
	if m.Audience != flows.ToClient || m.ValueChoices || i >= len(keycaps) || len(m.Choices) > len(keycaps) {
		return nil
	}
	return &discordgo.ComponentEmoji{Name: keycaps[i]}
}

func (c *Client) choiceRows(ctx context.Context, m bot.Outgoing) ([]discordgo.MessageComponent, error) {
	staff := m.Audience != flows.ToClient
	var rows []discordgo.MessageComponent
	if len(m.Choices) <= maxButtonsInRow && !m.Multi {
		var buttons []discordgo.MessageComponent
		for i, ch := range m.Choices {
			id, err := c.choiceID(ctx, m.Client, m.Prompt, ch.Value)
			if err != nil {
				return nil, err
			}
			style := discordgo.SecondaryButton
			if staff && i == 0 {
				style = discordgo.PrimaryButton
			}
			buttons = append(buttons, discordgo.Button{Label: clip(ch.Label, maxButtonLabel), CustomID: id, Style: style, Emoji: numberOf(m, i)})
		}
		rows = append(rows, discordgo.ActionsRow{Components: buttons})
	} else {
		id, err := c.choiceID(ctx, m.Client, m.Prompt, "")
		if err != nil {
			return nil, err
		}
		var opts []discordgo.SelectMenuOption
		for i, ch := range m.Choices {
			if len(opts) == maxMenuOptions {
				c.log.Warn("choices beyond Discord's 25-option menu left out", "prompt_choices", len(m.Choices))
				break
			}
			opts = append(opts, discordgo.SelectMenuOption{Label: clip(ch.Label, maxOptionLabel), Value: clip(ch.Value, maxOptionLabel), Emoji: numberOf(m, i)})
		}
		menu := discordgo.SelectMenu{
			MenuType: discordgo.StringSelectMenu, CustomID: id, Placeholder: clip(c.cat.T("discord.menu_placeholder", nil), 150), Options: opts,
		}
		if m.Multi {
			// Several at once (a debrief's early-warning signs): the client
			// ticks all that apply and sends them in one go.
			one := 1
			menu.MinValues, menu.MaxValues = &one, len(opts)
			menu.Placeholder = clip(c.cat.T("discord.menu_placeholder_multi", nil), 150)
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}})
	}
	if !staff {
		id, err := c.promptID(ctx, m.Client, idType, m.Prompt)
		if err != nil {
			return nil, err
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{
			Label: clip(c.cat.T("discord.type_answer", nil), maxButtonLabel), CustomID: id, Style: discordgo.SecondaryButton,
		}}})
	}
	return rows, nil
}

// splitText cuts text into pieces of at most limit characters, at line
// breaks where it can.
func splitText(text string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(text) > limit {
		runes := []rune(text)
		cut := limit
		if i := strings.LastIndex(string(runes[:limit]), "\n"); i > 0 {
			cut = utf8.RuneCountInString(string(runes[:limit])[:i])
		}
		out = append(out, strings.TrimRight(string(runes[:cut]), "\n"))
		text = strings.TrimLeft(string(runes[cut:]), "\n")
	}
	return append(out, text)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
