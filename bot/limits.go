package bot

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"steady/flows"
)

// Bounds on what staff type, in a profile or a Discord command. Everything
// a worker writes about a client is read on a phone or in a report, and is
// sealed in Redis with the client's records: a name is a name, a note a
// few lines. A value past its bound is refused with the field and the
// bound, never cut short and never left to fail later (an 8 MB name once
// passed validation and then could not be sealed).
const (
	MaxProfileBytes = 64 << 10 // a whole profile file
	MaxNameRunes    = 64       // a client's or member of staff's name
	MaxIDRunes      = 32       // a Discord id, a client or staff id
	MaxSettingRunes = 64       // a time zone, a schedule, working hours, a shift
	MaxNoteRunes    = flows.MaxPlanItemRunes
	// MaxOutcomeRunes bounds an incident's outcome note, the longest note
	// staff write: what was done, for the audit sample.
	MaxOutcomeRunes = 1000
	MaxListItems    = flows.MaxPlanItems
	// MaxPlanValueRunes bounds one plan edit's value: a full list of items.
	MaxPlanValueRunes = flows.MaxPlanItems * (flows.MaxPlanItemRunes + 2)
	// MaxEntries bounds the lists of dated things in a profile: shifts,
	// reminders, adjustments.
	MaxEntries = 50
	// MaxSupervisorItem and MaxSupervisorItems are what a client may name
	// for supervisor liaison (as onboarding reads them in chat).
	MaxSupervisorItem  = 120
	MaxSupervisorItems = 10
)

// limited is one thing a member of staff typed, and its bound.
type limited struct {
	field, value string
	max          int
}

// overLimit is the reply to a staff command when something typed is over
// its bound (the first such), or "". Discord bounds its options the same
// way (bot/discord), so this only answers requests that bypass the client.
func (e *Engine) overLimit(fields ...limited) string {
	for _, f := range fields {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return e.cat.T("staff.too_long", map[string]any{"Field": f.field, "Max": f.max, "Len": n})
		}
	}
	return ""
}

// tooLong says, in one line, that a field is over its bound, or "".
func tooLong(field, value string, max int) string {
	if n := utf8.RuneCountInString(value); n > max {
		return fmt.Sprintf("%s is %d characters long; keep it to %d", field, n, max)
	}
	return ""
}

// shown is a value as an error message quotes it: clipped, so a mistake in
// a pasted essay does not become an essay of an error.
func shown(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// profileFields checks a profile's YAML against the Profile's fields before
// it is decoded, so a mistake names the field as the worker wrote it and
// the field they probably meant ("client.nmae is not a field; did you
// mean client.name?"), and a value of the wrong kind says what was
// expected, instead of a decoder's error naming Go types.
func profileFields(b []byte) []error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return []error{fmt.Errorf("profile: this is not YAML the way Steady reads it: %s", yamlProblem(err))}
	}
	if len(doc.Content) == 0 {
		return []error{fmt.Errorf("profile: the file is empty")}
	}
	var errs []error
	walkFields(doc.Content[0], reflect.TypeFor[Profile](), "", &errs)
	return errs
}

// yamlProblem is a YAML syntax error without the library's prefix.
func yamlProblem(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func walkFields(n *yaml.Node, t reflect.Type, path string, errs *[]error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty section or value: the zero value
	}
	bad := func(want string) {
		*errs = append(*errs, fmt.Errorf("profile: line %d: %s should be %s", n.Line, pathOr(path), want))
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("a section of fields (" + strings.Join(yamlNames(t), ", ") + ")")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			f, ok := yamlField(t, key)
			if !ok {
				*errs = append(*errs, fmt.Errorf("profile: line %d: %s", n.Content[i].Line, unknownField(t, path, key)))
				continue
			}
			walkFields(n.Content[i+1], f.Type, join(path, key), errs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			bad("a section, one name: value a line")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkFields(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("a list (one \"- item\" a line, or [a, b])")
			return
		}
		for i, item := range n.Content {
			walkFields(item, t.Elem(), fmt.Sprintf("%s[%d]", pathOr(path), i), errs)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			bad("text")
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			bad("a whole number, not " + shown(n.Value))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			bad("true or false, not " + shown(n.Value))
		}
	}
}

// unknownField says that key is not a field of t at path, and which one was
// probably meant: a close spelling of one beside it, or the same name where
// it belongs ("quiet_hours" goes under schedules), or else the fields there.
func unknownField(t reflect.Type, path, key string) string {
	here := yamlNames(t)
	best, bestDist := "", 0
	for _, name := range here {
		if d := editDistance(strings.ToLower(key), name); best == "" || d < bestDist {
			best, bestDist = name, d
		}
	}
	msg := fmt.Sprintf("%s is not a field", join(path, shortKey(key)))
	if best != "" && bestDist <= max(2, len(key)/3) {
		return msg + "; did you mean " + join(path, best) + "?"
	}
	if elsewhere := findField(reflect.TypeFor[Profile](), "", key); elsewhere != "" {
		return msg + " here; did you mean " + elsewhere + "?"
	}
	where := "the profile has"
	if path != "" {
		where = path + " has"
	}
	return msg + "; " + where + ": " + strings.Join(here, ", ")
}

func shortKey(k string) string {
	if r := []rune(k); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return k
}

// findField is the path of the first field named key anywhere in t.
func findField(t reflect.Type, path, key string) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	for _, name := range yamlNames(t) {
		if name == key {
			return join(path, name)
		}
	}
	for _, name := range yamlNames(t) {
		f, _ := yamlField(t, name)
		if p := findField(f.Type, join(path, name), key); p != "" {
			return p
		}
	}
	return ""
}

func yamlField(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key && name != "" && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func pathOr(path string) string {
	if path == "" {
		return "the profile"
	}
	return path
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// lengthProblems lists every text field of p over its bound.
func (p Profile) lengthProblems() []string {
	var out []string
	check := func(field, value string, max int) {
		if msg := tooLong(field, value, max); msg != "" {
			out = append(out, msg)
		}
	}
	list := func(field string, items []string, maxItems, maxEach int) {
		if len(items) > maxItems {
			out = append(out, fmt.Sprintf("%s has %d items; keep it to %d", field, len(items), maxItems))
		}
		for i, it := range items {
			check(fmt.Sprintf("%s[%d]", field, i), it, maxEach)
		}
	}
	check("client.name", p.Client.Name, MaxNameRunes)
	check("client.discord_id", p.Client.DiscordID, MaxIDRunes)
	check("client.time_zone", p.Client.TimeZone, MaxSettingRunes)
	staff := map[string]StaffProfile{"worker": p.Worker}
	if p.Lead != nil {
		staff["lead"] = *p.Lead
	}
	for _, who := range []string{"worker", "lead"} {
		s, ok := staff[who]
		if !ok {
			continue
		}
		check(who+".name", s.Name, MaxNameRunes)
		check(who+".discord_id", s.DiscordID, MaxIDRunes)
		check(who+".time_zone", s.TimeZone, MaxSettingRunes)
		check(who+".hours", s.Hours, MaxSettingRunes)
	}
	list("consents.supervisor_items", p.Consents.SupervisorItems, MaxSupervisorItems, MaxSupervisorItem)
	check("schedules.sleep_log", p.Schedules.SleepLog, MaxSettingRunes)
	check("schedules.weekly_checkin", p.Schedules.WeeklyCheckIn, MaxSettingRunes)
	check("schedules.quiet_hours", p.Schedules.QuietHours, MaxSettingRunes)
	check("schedules.debrief_after", p.Schedules.DebriefAfter, MaxSettingRunes)
	list("rota.weekly", p.Rota.Weekly, MaxEntries, MaxSettingRunes)
	list("rota.shifts", p.Rota.Shifts, MaxEntries, MaxSettingRunes)
	if len(p.WorkerReminders) > MaxEntries {
		out = append(out, fmt.Sprintf("worker_reminders has %d items; keep it to %d", len(p.WorkerReminders), MaxEntries))
	}
	for i, r := range p.WorkerReminders {
		check(fmt.Sprintf("worker_reminders[%d].at", i), r.At, MaxSettingRunes)
		check(fmt.Sprintf("worker_reminders[%d].note", i), r.Note, MaxNoteRunes)
	}
	list("plan.early_warning_signs", p.Plan.EarlyWarningSigns, MaxListItems, flows.MaxPlanItemRunes)
	check("plan.pause_script", p.Plan.PauseScript, flows.MaxPlanTextRunes)
	check("plan.grounding", p.Plan.Grounding, flows.MaxPlanTextRunes)
	list("plan.crisis_contacts", p.Plan.CrisisContacts, MaxListItems, flows.MaxPlanItemRunes)
	rules := make([]string, 0, len(p.Plan.Actions))
	for rule := range p.Plan.Actions {
		rules = append(rules, rule)
	}
	sort.Strings(rules)
	for _, rule := range rules {
		if !slices.Contains(flows.PlanRules, rule) {
			out = append(out, fmt.Sprintf("plan.actions.%s is not a rule; plans name actions for: %s", shortKey(rule), strings.Join(flows.PlanRules, ", ")))
			continue
		}
		list("plan.actions."+rule, p.Plan.Actions[rule], MaxListItems, flows.MaxPlanItemRunes)
	}
	if len(p.Adjustments) > MaxEntries {
		out = append(out, fmt.Sprintf("adjustments has %d items; keep it to %d", len(p.Adjustments), MaxEntries))
	}
	for i, a := range p.Adjustments {
		check(fmt.Sprintf("adjustments[%d].what", i), a.What, flows.MaxAdjustmentRunes)
		check(fmt.Sprintf("adjustments[%d].when", i), a.When, flows.MaxAdjustmentRunes)
		for _, f := range [][2]string{{"from", a.From}, {"for", a.For}, {"review", a.Review}, {"status", a.Status}} {
			check(fmt.Sprintf("adjustments[%d].%s", i, f[0]), f[1], MaxSettingRunes)
		}
	}
	for id, r := range p.Rules {
		list("rules."+shortKey(id)+".brings", r.Brings, MaxListItems, MaxSettingRunes)
	}
	return out
}
