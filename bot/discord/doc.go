// Package discord is Steady's Discord adapter: the bot.Messenger over
// discordgo (DMs with buttons and select menus, channel posts that mention a
// worker, threads, message updates), the gateway side (DMs, button clicks,
// modals and slash commands turned into bot.Engine calls), and the REST
// outbox every call goes through (one queue under a global rate, per-route
// buckets, 429 and 5xx handling, idempotent sends).
//
// What it remembers about messages (delivery keys, long prompt ids, a
// client's DM channel, the staff messages posted about a client) it keeps
// through redisstore's markers (Records), sealed and, for a client, with
// the client's records, so erasing the client erases them. It owns a few
// keys of its own under "<prefix>:discord:" (staff and strangers' DM
// channels, the durable list of deletions erasures left for later). On
// erasure it deletes what Steady posted about the client (purge.go).
//
// It may import bot, flows, scheduler, store and discordgo. flows and
// scheduler must never import it.
package discord
