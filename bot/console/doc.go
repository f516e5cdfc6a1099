// Package console is the terminal adapter behind `steady try`: a Messenger
// that prints what each person would receive, prefixed by who they are
// ([client], [worker], [lead], [peer], [audit]), and a Simulator that reads
// the client's typing and simulator commands (:advance, :at, …) from a
// terminal or a pipe and drives the real engine on a simulated clock.
//
// It may import bot, flows, scheduler, store and store/redisstore. It must not
// import discordgo or bot/discord.
package console
