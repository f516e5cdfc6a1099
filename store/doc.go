// Package store holds Steady's domain records: clients, workers, consents,
// plans, conversations, sleep entries, weekly check-ins, post-shift debriefs,
// incidents and audit events.
//
// It owns the shape of the data and nothing else. It must not import go-redis,
// discordgo or any other I/O package, because flows (which must stay pure)
// depends on it. Persistence lives in store/redisstore.
package store
