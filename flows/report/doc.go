// Package report computes what staff and commissioners read about clients:
// the client summary and its sleep-and-stress chart, and the service reports
// (sustainment at 0, 6, 13 and 26 weeks; contact intensity against the
// minimum offer; adjustments reviewed on time; incidents by rule with time to
// acknowledge; the audit sample), as CSV and markdown.
//
// It is pure like flows: records in, figures, text and PNG bytes out. The bot
// loads the records and audits the reads. It must not import go-redis,
// discordgo, bot or scheduler.
package report
