package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Every replica of a fleet holds its own gateway session, and Discord sends
// every event to every session. A client's DM is handled by each of them:
// the engine takes an input once per conversation (its key is remembered
// with the step, under optimistic locking), so the copies change nothing, and
// a replica that dies mid-step leaves the others to handle it.
//
// An interaction is different: only the first callback is accepted (the
// others get 400, code 40060, and Discord bans an address after 10,000
// invalid requests in 10 minutes), and a staff command is not an input a
// conversation remembers (three replicas would each run /enrol, and the one
// that answers might be one that found the client already enrolled). So one
// replica claims each interaction in Redis and alone answers it; the others
// still hand a client's tap on a prompt to the engine, which takes it once,
// so the answer is not lost if the claiming replica dies mid-step.

// interactionClaimTTL outlives an interaction's token (15 minutes), so a
// replay of the event (a resumed session) finds the claim still there.
const interactionClaimTTL = 20 * time.Minute

func (c *Client) interactionKey(id string) string {
	return c.opt.Prefix + ":discord:interaction:" + id // string: "1" while claimed; expires
}

// claimInteraction reports whether this replica answers the interaction. If
// Redis cannot say, it answers: a second answer is refused by Discord, while
// no answer leaves the person with "This interaction failed".
func (c *Client) claimInteraction(ctx context.Context, in *discordgo.Interaction) bool {
	if c.rdb == nil {
		return true
	}
	won, err := c.rdb.SetNX(ctx, c.interactionKey(in.ID), "1", interactionClaimTTL).Result()
	if err != nil {
		c.log.Warn("could not claim an interaction; answering it", "err", err)
		return true
	}
	return won
}
