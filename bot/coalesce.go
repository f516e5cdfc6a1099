package bot

import "steady/flows"

// oneMessage joins what a single step says to the client into one DM, with
// the question (if any) last. A step's client messages are one reply to one
// thing: a sleep log's thanks and the plan's question that the night sets
// off, a crisis reply and the word that staff have been told, help and the
// question it interrupted. Sent apart they buzz the phone once each, and
// a line sent after a question pushes the question off the screen, so the
// client's "1" no longer answers anything they can see.
//
// Lines that a step decides after its question go before it. A step that
// asks two questions (none does) keeps them apart, each with the lines
// before it. The joined message keeps the question's delivery key (or the
// first line's), which is as stable across retries as the step itself.
func oneMessage(effects []flows.Effect) []flows.Effect {
	var (
		out     []flows.Effect
		at      = -1 // where the message being built sits in out
		pending flows.Send
		asked   bool // pending ends with a question
	)
	for _, ef := range effects {
		s, ok := ef.(flows.Send)
		if !ok || s.To != flows.ToClient {
			out = append(out, ef)
			continue
		}
		question := len(s.Message.Choices) > 0
		switch {
		case at < 0:
			at, pending, asked = len(out), s, question
			out = append(out, s)
			continue
		case asked && question:
			// A second question: the first keeps its place, this one starts anew.
			out[at] = pending
			at, pending, asked = len(out), s, question
			out = append(out, s)
			continue
		case asked:
			// A line after the question goes before it.
			pending.Message.Text = s.Message.Text + "\n" + pending.Message.Text
		default:
			text := pending.Message.Text + "\n" + s.Message.Text
			key := pending.Key
			if question {
				key = s.Key
			}
			pending = s
			pending.Message.Text, pending.Key = text, key
			asked = question
		}
	}
	if at >= 0 {
		out[at] = pending
	}
	return out
}
