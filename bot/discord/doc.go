// Package discord is Steady's Discord adapter: the bot.Messenger over
// discordgo (DMs with buttons and select menus, channel posts that mention a
// worker, threads, message updates), the gateway side (DMs, button clicks,
// modals and slash commands turned into bot.Engine calls), and the REST
// outbox every call goes through (one queue under a global rate, per-route
// buckets, 429 and 5xx handling, idempotent sends).
//
// It owns its own Redis keys under "<prefix>:discord:" (DM channel ids, sent
// message keys, long prompt ids); it never touches client records, which
// belong to store/redisstore.
//
// It may import bot, flows, scheduler, store and discordgo. flows and
// scheduler must never import it.
package discord
