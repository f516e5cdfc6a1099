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
// Every value of a client's records (profile and plan, conversation answers,
// sleep entries, incidents and their notes, outbox messages, and each record
// added since) is sealed with AES-256-GCM before it reaches Redis (seal.go):
// keys come from STEADY_ENCRYPTION_KEYS, newest first, each ciphertext names
// its key, and the client id and record name are bound in as additional data.
// A Batch method seals with b.encode(recX, v); its reader opens with
// s.decode(clientID, recX, raw, &v) using the same record name, which must be
// the key's record suffix so Reseal can re-encrypt it after a rotation. Lua
// scripts therefore never parse record values. The audit stream stays
// readable: it holds reasons, never words or answers.
//
// It must not import bot, flows, scheduler or discordgo.
package redisstore
