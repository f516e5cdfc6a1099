// Package scheduler owns durable time: the clock, recurring schedules in each
// client's local wall-clock time, and their occurrences in Redis sorted sets,
// claimed exactly once by any number of processes.
//
// Time zones and daylight saving are handled here, not by cron: recurrences
// step through civil (wall-clock) times, an occurrence's id names its civil
// time so a repeated local hour yields one occurrence, and a civil time that
// falls in a spring-forward gap is due at the first instant after the gap.
//
// Exactly once: occurrences are claimed in batches under a lease (renewed
// while handlers run, recovered when its holder dies) and settled in one call
// per batch; a fired one-off is remembered in a done set and a series by its
// watermark, so neither can fire again. Handlers are idempotent per
// occurrence id, which covers the one case no lease can: a process that dies
// after handling an occurrence and before settling it. After downtime,
// occurrences within their kind's grace window fire in due order, one per
// client at a time; older ones go to Handler.Missed.
//
// Cost grows with what is due, not with how many clients there are: an idle
// poll is one Redis call, a batch of up to 1,000 due occurrences a handful.
//
// It may import store (types) and go-redis. It must not import bot, flows or
// discordgo: it knows when things are due, never what they mean.
package scheduler
