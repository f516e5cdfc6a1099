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
// sleep entries, incidents and their notes, outbox messages, the details of
// each audit entry, a Messenger's markers, and each record added since) and
// every staff record is sealed with AES-256-GCM before it reaches Redis
// (seal.go): keys come from STEADY_ENCRYPTION_KEYS, newest first, each
// ciphertext names its key, and the value's whole slot — header, client,
// record, field, and for records rewritten in place a write id — is bound in
// as additional data. Audit entries keep only when, who and what in the
// clear (audit.go); incident ids are random. Lua scripts never parse values.
//
// A new kind of client data gets a record name and a line in the registry
// in keys.go (layout, sealed, exported, …), is written through a Batch
// (b.op with b.encode(recX, field, v)) and read with s.decode(clientID, recX,
// field, raw, &v): erasure, export and steady rekey then follow it.
// Anything about a client kept outside their key space is recorded as a
// Trace, which erasure removes. docs/security.md lists every key.
//
// It must not import bot, flows, scheduler or discordgo.
package redisstore
