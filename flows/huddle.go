package flows

import (
	"sort"
	"strings"
	"time"

	"steady/store"
)

// HuddleClient is what the weekly caseload huddle needs to know about one
// client. The bot gathers it; Huddle only arranges it.
type HuddleClient struct {
	Client store.Client
	// Open are the client's incidents not yet resolved or stale.
	Open []store.Incident
	// DisruptedNights this week, MissedCheckins this week (prompts that closed
	// unanswered) and RightsFlags (rights concerns reported this week).
	DisruptedNights int
	MissedCheckins  int
	RightsFlags     int
	// ReviewsDue are open adjustments whose review falls in the coming week or is overdue.
	ReviewsDue []store.Adjustment
}

// HuddleDigest is the week's huddle: one post for the staff channel with
// counts only (every member of staff sees it, and staff see only their own
// caseload), and for each worker their own caseload by name; the lead's copy
// covers everyone.
type HuddleDigest struct {
	Staff     Message
	PerWorker map[string]Message // worker id → their caseload
	Lead      Message            // zero when there is no lead
}

// NewJobWeeks is how long after a job start a client counts as a new start.
const NewJobWeeks = 4

// Huddle arranges the weekly caseload digest. now is the time of the huddle,
// loc the service's zone; workers names everyone on the staff list.
func Huddle(cat *Catalog, now time.Time, loc *time.Location, clients []HuddleClient, workers []store.Worker, lead string) HuddleDigest {
	today := now.In(loc).Format(time.DateOnly)
	newSince := now.In(loc).AddDate(0, 0, -7*NewJobWeeks).Format(time.DateOnly)
	sort.Slice(clients, func(i, j int) bool { return clients[i].Client.DisplayName < clients[j].Client.DisplayName })

	type tally struct{ clients, open, urgent, unacked, disrupted, newStarts, reviews, missed, rights, benefits int }
	var all tally
	byWorker := map[string]*tally{}
	lines := map[string][]string{}
	for _, hc := range clients {
		c := hc.Client
		wt := byWorker[c.WorkerID]
		if wt == nil {
			wt = &tally{}
			byWorker[c.WorkerID] = wt
		}
		var items []string
		add := func(key string, data map[string]any) { items = append(items, cat.T(key, data)) }
		wt.clients++
		for _, in := range hc.Open {
			wt.open++
			if in.Urgent {
				wt.urgent++
			}
			if awaitingAck(in) {
				wt.unacked++
			}
			add("huddle.item.incident", map[string]any{"Rule": cat.T("rule."+in.Rule+".staff", nil), "State": strings.ReplaceAll(in.State, "_", " "),
				"Opened": in.OpenedAt.In(loc).Format("Mon 2 Jan"), "Urgent": in.Urgent})
		}
		if hc.DisruptedNights > 0 {
			wt.disrupted++
			add("huddle.item.sleep", map[string]any{"N": hc.DisruptedNights})
		}
		if c.JobStart != "" && c.JobStart >= newSince && c.JobStart <= today {
			wt.newStarts++
			start, _ := time.Parse(time.DateOnly, c.JobStart)
			add("huddle.item.new_job", map[string]any{"Start": start.Format("Mon 2 Jan"), "Week": int(now.In(loc).Sub(start).Hours()/24/7) + 1})
		}
		for _, a := range hc.ReviewsDue {
			wt.reviews++
			add("huddle.item.review", map[string]any{"What": a.What, "Due": a.ReviewOn, "Overdue": a.ReviewOn < today})
		}
		if hc.MissedCheckins > 0 {
			wt.missed++
			add("huddle.item.missed", map[string]any{"N": hc.MissedCheckins})
		}
		if hc.RightsFlags > 0 {
			wt.rights++
			add("huddle.item.rights", map[string]any{"N": hc.RightsFlags})
		}
		for _, b := range c.Benefits {
			if b.Cleared.IsZero() {
				wt.benefits++
				add("huddle.item.benefit", map[string]any{"What": b.What, "Due": b.Due})
			}
		}
		if len(items) > 0 {
			lines[c.WorkerID] = append(lines[c.WorkerID], cat.T("huddle.client", map[string]any{"Name": c.DisplayName, "Items": items}))
		}
	}

	names := map[string]string{}
	for _, w := range workers {
		names[w.ID] = w.Name
	}
	ids := make([]string, 0, len(byWorker))
	for id, t := range byWorker {
		ids = append(ids, id)
		all.clients += t.clients
		all.open += t.open
		all.urgent += t.urgent
		all.unacked += t.unacked
		all.disrupted += t.disrupted
		all.newStarts += t.newStarts
		all.reviews += t.reviews
		all.missed += t.missed
		all.rights += t.rights
		all.benefits += t.benefits
	}
	sort.Slice(ids, func(i, j int) bool { return names[ids[i]] < names[ids[j]] })
	week := now.In(loc).Format("Mon 2 Jan")
	counts := func(t tally) map[string]any {
		return map[string]any{"Clients": t.clients, "Open": t.open, "Urgent": t.urgent, "Unacked": t.unacked, "Disrupted": t.disrupted,
			"NewStarts": t.newStarts, "Reviews": t.reviews, "Missed": t.missed, "Rights": t.rights, "Benefits": t.benefits}
	}
	var perWorkerLines []string
	for _, id := range ids {
		data := counts(*byWorker[id])
		data["Worker"] = orID(names[id], id)
		perWorkerLines = append(perWorkerLines, cat.T("huddle.worker_counts", data))
	}
	staff := counts(all)
	staff["Week"], staff["PerWorker"] = week, perWorkerLines
	d := HuddleDigest{Staff: Message{Text: cat.T("huddle.staff", staff)}, PerWorker: map[string]Message{}}
	var leadLines []string
	for _, id := range ids {
		body := lines[id]
		if len(body) == 0 {
			body = []string{cat.T("huddle.nothing", nil)}
		}
		d.PerWorker[id] = Message{Text: cat.T("huddle.caseload", map[string]any{"Week": week, "Worker": orID(names[id], id), "Clients": body})}
		leadLines = append(leadLines, cat.T("huddle.lead_section", map[string]any{"Worker": orID(names[id], id), "Clients": body}))
	}
	if lead != "" {
		d.Lead = Message{Text: cat.T("huddle.lead", map[string]any{"Week": week, "Sections": leadLines})}
	}
	return d
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
