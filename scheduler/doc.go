// Package scheduler owns durable time: the clock, recurring schedules in each
// client's local wall-clock time, and their occurrences in Redis sorted sets,
// claimed exactly once by any number of processes.
//
// Time zones and daylight saving are handled here, not by cron: recurrences
// step through civil (wall-clock) times, an occurrence's id names its civil
// time so a repeated local hour yields one occurrence, and a civil time that
// falls in a spring-forward gap is due at the first instant after the gap.
//
// It may import store (types) and go-redis. It must not import bot, flows or
// discordgo: it knows when things are due, never what they mean.
package scheduler
