// Package redisstore persists Steady's domain records (package store) in Redis
// with go-redis. It owns every key layout and every Lua script that touches
// client records; nothing else reads or writes those keys.
//
// Keys are "<prefix>:{c:<client id>}:<record>": the hash tag puts all of one
// client's records in one Cluster slot, so a step's writes (conversation,
// answers, incident, audit) commit together in one script. Service-wide
// indexes (Discord user → client, the client list, workers) live outside any
// client's slot and are written separately, after the client's own commit.
//
// It must not import bot, flows, scheduler or discordgo.
package redisstore
