package flows

import (
	"strings"
	"time"

	"steady/store"
)

// RecordJob checks a job status change a worker records and returns the
// event and the client with its job start set (the first start is the
// sustainment clock's zero), or a sentence saying what to fix.
func RecordJob(c Context, by, status, date, note string) (store.Client, store.JobEvent, string) {
	client := c.Client
	if status != store.JobStarted && status != store.JobLeft {
		return client, store.JobEvent{}, c.Catalog.T("job.refuse.status", nil)
	}
	today := localDay(c)
	day := today
	if strings.TrimSpace(date) != "" {
		d, ok := ParseDate(date, today)
		if !ok {
			return client, store.JobEvent{}, c.Catalog.T("job.refuse.date", map[string]any{"Value": date})
		}
		day = d
	}
	if day.After(today.AddDate(0, 0, 60)) {
		return client, store.JobEvent{}, c.Catalog.T("job.refuse.future", nil)
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > MaxPlanItemRunes {
		return client, store.JobEvent{}, c.Catalog.T("plan.refuse.long", map[string]any{"Max": MaxPlanItemRunes})
	}
	ev := store.JobEvent{Date: day.Format(time.DateOnly), Status: status, Note: note, By: by, At: c.Now}
	if status == store.JobStarted && client.JobStart == "" {
		client.JobStart = ev.Date
	}
	return client, ev, ""
}
