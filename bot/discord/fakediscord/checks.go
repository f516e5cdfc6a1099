package fakediscord

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// quirks are the few places where a well-known client (discordgo) sends
// something Discord accepts but the published spec describes more narrowly.
// Each is normalised before validation, and only here, so the list stays
// short and every entry says why it is harmless.
var quirks = []struct {
	route, why string
	fix        func(body any)
}{
	{
		route: "/applications/{application_id}/guilds/{guild_id}/commands",
		why: "discordgo encodes default_member_permissions (an int64 bit set) as a digit string, " +
			"as Discord itself returns it; Discord accepts the string form",
		fix: func(body any) { eachObject(body, digitStringToNumber("default_member_permissions")) },
	},
	{
		route: "/applications/{application_id}/commands",
		why:   "same as the guild commands route",
		fix:   func(body any) { eachObject(body, digitStringToNumber("default_member_permissions")) },
	},
}

func applyQuirks(route string, body any) {
	for _, q := range quirks {
		if q.route == route {
			q.fix(body)
		}
	}
}

func eachObject(body any, f func(map[string]any)) {
	switch b := body.(type) {
	case map[string]any:
		f(b)
	case []any:
		for _, v := range b {
			if m, ok := v.(map[string]any); ok {
				f(m)
			}
		}
	}
}

func digitStringToNumber(field string) func(map[string]any) {
	return func(m map[string]any) {
		if s, ok := m[field].(string); ok && s != "" && strings.Trim(s, "0123456789") == "" {
			m[field] = json.Number(s)
		}
	}
}

// Hand-written checks for rules Discord enforces that the spec leaves loose.
const (
	maxActionRows        = 5
	maxInteractionText   = 2000
	maxMessageText       = 2000
	componentActionRow   = 1
	componentButton      = 2
	buttonStyleLink      = 5
	buttonStylePremium   = 6
	callbackModal        = 9
	maxCustomIDLength    = 100
	interactionsCallback = "/interactions/{interaction_id}/{interaction_token}/callback"
)

// handChecks returns one line per rule the body breaks.
func handChecks(route string, body any) []string {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil
	}
	var problems []string
	if route == interactionsCallback {
		data, _ := obj["data"].(map[string]any)
		if data != nil {
			if s, ok := data["content"].(string); ok && utf8.RuneCountInString(s) > maxInteractionText {
				problems = append(problems, fmt.Sprintf("data.content: %d characters; interaction responses allow at most %d", utf8.RuneCountInString(s), maxInteractionText))
			}
			problems = append(problems, componentChecks("data.components", data["components"])...)
		}
		return problems
	}
	if s, ok := obj["content"].(string); ok && utf8.RuneCountInString(s) > maxMessageText {
		// The spec allows 4,000 (a Nitro user's limit); a bot's message gets 2,000.
		problems = append(problems, fmt.Sprintf("content: %d characters; a bot's message allows at most %d", utf8.RuneCountInString(s), maxMessageText))
	}
	return append(problems, componentChecks("components", obj["components"])...)
}

func componentChecks(where string, v any) []string {
	rows, ok := v.([]any)
	if !ok {
		return nil
	}
	var problems []string
	if len(rows) > maxActionRows {
		problems = append(problems, fmt.Sprintf("%s: %d action rows; at most %d", where, len(rows), maxActionRows))
	}
	for i, r := range rows {
		row, _ := r.(map[string]any)
		if row == nil {
			continue
		}
		children, _ := row["components"].([]any)
		for j, c := range children {
			comp, _ := c.(map[string]any)
			if comp == nil || fmt.Sprint(comp["type"]) != fmt.Sprint(componentButton) {
				continue
			}
			at := fmt.Sprintf("%s[%d].components[%d]", where, i, j)
			customID, _ := comp["custom_id"].(string)
			url, _ := comp["url"].(string)
			style := fmt.Sprint(comp["style"])
			switch {
			case style == fmt.Sprint(buttonStyleLink) && url == "":
				problems = append(problems, at+": a link button needs a url")
			case style == fmt.Sprint(buttonStyleLink) && customID != "":
				problems = append(problems, at+": a link button cannot have a custom_id")
			case style == fmt.Sprint(buttonStylePremium):
			case customID == "" && url == "":
				problems = append(problems, at+": a button needs a custom_id or a url")
			case style != fmt.Sprint(buttonStyleLink) && url != "":
				problems = append(problems, at+": only link buttons (style 5) take a url")
			}
			if len(customID) > maxCustomIDLength {
				problems = append(problems, fmt.Sprintf("%s: custom_id is %d characters; at most %d", at, len(customID), maxCustomIDLength))
			}
		}
	}
	return problems
}
