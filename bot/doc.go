// Package bot is the application: it turns inbound messages and due
// occurrences into flow steps, and carries out the steps' effects — commit to
// the store, deliver through the outbox, schedule, escalate.
//
// It owns the Messenger interface, which the Discord adapter (bot/discord) and
// the terminal adapter (bot/console) implement. Decisions belong in flows;
// this package only fetches what a decision needs and does what it says.
//
// It may import flows, scheduler, store and store/redisstore. It must not
// import discordgo or its own adapters.
package bot
