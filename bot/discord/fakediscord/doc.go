// Package fakediscord is a local Discord for tests and benchmarks: REST
// (DMs, guild channels, threads, messages with components and file uploads,
// slash-command registration, interaction callbacks and follow-ups) and a JSON
// gateway (Hello, Identify, Ready, heartbeats, Resume, dispatches). Like
// Discord, the gateway holds several sessions of one bot at once (replicas
// sharing a token), each receiving every event; SetDown simulates an outage.
// cmd/fakediscord runs it as its own process for the chaos harness.
//
// It is strict where Discord is strict: every request is checked against
// Discord's published OpenAPI spec (../shared/discord-api/openapi.json) with
// kin-openapi, plus the hand-written checks Discord applies beyond the spec;
// a bad body gets Discord's 400 (code 50035). Its own JSON responses are
// checked against the spec's response schemas, so the bot is tested against
// realistic payloads. It enforces a global limit (50/s) and per-route limits
// with real 429s, and records every exchange so tests can assert on it.
//
// It is test support: production code must not import it. It must not import
// bot or anything above it.
package fakediscord
