package flows

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"

	"steady/flows/internal/crisismodel"
)

// The crisis interceptor reads every message a client sends, before any flow
// sees it, for suicidal ideation, self-harm, intent to harm others, and
// danger to the client from someone else. It is tuned for how people type
// on a phone — lower case, no punctuation, typos, slang ("kms", "unalive")
// and indirect phrasing ("everyone would be better off without me") — and
// against everyday work talk that borrows the same words ("this rota is
// killing me", "my boss will kill me if I'm late", "I could murder a coffee").
//
// Two readers, combined in DetectCrisis:
//   - the rules (readRules): canonical words (this file), everyday idioms
//     blanked, negations and reports about others lowered, then phrase
//     patterns (this file) and concept families that combine — means,
//     plan and time, finality, harm done, voices, danger from another
//     person (crisis_concepts.go), and weak signals that are a crisis only
//     together ("sorted my will" and "left the bank details for my
//     brother": crisis_signals.go);
//   - a classifier trained on the labelled phrases (crisis_model.go,
//     internal/crisismodel), which may raise the rules' reading but never
//     lower it. Retrain it with `make crisis-model` after changing the
//     tuning phrases; make test fails until the committed model matches.
//
// It errs towards asking: a message that is worrying but not clear gets an
// "are you safe?" check with the contacts, rather than silence. A clear one
// stops the flow, sends the contacts at once and raises an urgent
// escalation. Every labelled set under testdata/crisis is scored against
// issue 11's targets in crisis_test.go; docs/safety.md says how the detector
// is built and measured.
//
// It is pure and deterministic, safe for concurrent use, and the text is
// never logged or stored: only the Detection leaves these files.

// Concern says how worrying a message is.
type Concern int

const (
	// NoConcern: nothing in the message suggests risk.
	NoConcern Concern = iota
	// Worry: distress or ambiguous risk. Ask "are you OK?" and give the contacts.
	Worry
	// Crisis: suicidal ideation, self-harm or intent to harm others. Stop,
	// give the contacts, escalate urgently.
	Crisis
)

// Kinds of concern, for the worker's ping and the audit log (never the words).
const (
	KindSuicide    = "suicide"
	KindSelfHarm   = "self_harm"
	KindHarmOthers = "harm_others"
	KindDistress   = "distress"
	// KindDanger: the client is in danger from someone else (violence,
	// threats, stalking, assault, "not safe at home"). It has its own reply
	// and its own urgent incident.
	KindDanger = "danger"
)

// Detection is what the interceptor found.
type Detection struct {
	Concern Concern
	Kind    string
}

// ruleReading is the rule-based reader's result.
type ruleReading struct {
	Detection
	// lowered: something in the message was read as an everyday idiom, a
	// negation, or a report about someone else. The model may then ask,
	// but not escalate: those are what it reads worst.
	lowered bool
	// doubt: the message laughs, tells of a past or is about a film or a
	// game. A crisis the rules read in it is escalated only with the
	// model's agreement (combine): that is where the rules' false
	// escalations have come from, round after round.
	doubt bool
}

// readRules is the rule-based reader: canonical words, everyday idioms
// blanked, reports about others and negations lowered, then the phrase
// patterns and the concept families.
func readRules(text string) ruleReading {
	s := canonical(text)
	if s == "" {
		return ruleReading{}
	}
	r := readCanonical(text, s)
	// Doubt only matters to a crisis; most messages are spared the reading.
	r.doubt = r.Concern == Crisis && doubted(text, s)
	return r
}

// doubted reports whether a message laughs, tells of a past that is over
// or is about a film or a game (text, and its canonical words s).
func doubted(text, s string) bool {
	return jokeMarker.MatchString(strings.ToLower(text)) || pastMarker.MatchString(s) && !notOKNow(s) || mediaContext.MatchString(s)
}

// notOKNow: the writer says it is not over ("used to self harm but i'm not
// ok now"), which takes the doubt out of a past.
func notOKNow(s string) bool {
	if !recoveredNow.mayMatch(index(s)) {
		return false
	}
	for _, loc := range recoveredNow.re.FindAllStringIndex(s, -1) {
		if negatedBefore(s[:loc[0]]) {
			return true
		}
	}
	return false
}

// mediaContext: a film, a game, a song: what happens in it is not the
// writer's.
var mediaContext = compile(`(?:the|a|this|that|my|in|new|on) (?:film|films|movie|movies|game|games|video game|show|series|episode|book|novel|character|song|lyrics|scene|documentary|podcast|soap|storyline|box set|level|season)`)

// readCanonical is readRules on the canonical words s of text.
func readCanonical(text, s string) ruleReading {
	// A few phrases would be blanked by an idiom they contain.
	if dangerConditional.MatchString(s) {
		return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindDanger}}
	}
	if ownDeath.MatchString(s) {
		return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindSuicide}}
	}
	if deliberateInjury.MatchString(s) {
		return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindSelfHarm}}
	}
	news := newsOrDisruption.MatchString(s)
	laughing := jokeMarker.MatchString(strings.ToLower(text))
	joking := laughing || pettyGrievance.MatchString(s)
	// A laugh after "this spreadsheet makes me wanna die" is a figure of
	// speech; after "i want to die" alone it is not (the rules keep it).
	selfJoke := laughing && selfHyperbole.MatchString(s)
	// A time that is over: "tried to kill myself in 2019 but im doing well
	// now". What comes before the "well now" is the past. pastEnd: where
	// that past ends; okNow: where "ok now" is said, with or without a past.
	pastEnd, okNow := -1, -1
	var recovered [][]int
	if recoveredNow.mayMatch(index(s)) {
		recovered = recoveredNow.re.FindAllStringIndex(s, -1)
	}
	for _, loc := range recovered {
		if negatedBefore(s[:loc[0]]) {
			continue // "i am not ok now"
		}
		okNow = loc[0]
		if pastMarker.MatchString(s) {
			pastEnd = loc[0]
		}
	}
	screenedNo := screeningQuestion.re.MatchString(s) && answeredNo.MatchString(s)
	// byOther: a report about someone else was read; own: the most any
	// match about the writer raised.
	byOther, own := false, NoConcern
	// negOrOther: a negation, a report about someone else or a joke was
	// read; the weak signals are then not combined (readCombined).
	negOrOther := false
	var r ruleReading
	if leavingWork.MatchString(s) {
		// "last shift here, goodbye everyone, thanks for everything!"
		if f := farewells.ReplaceAllString(s, " ~ "); f != s {
			s, r.lowered = f, true
		}
	}
	t := index(s)
	for _, g := range safeIdioms {
		if g.mayMatch(t) && g.re.MatchString(s) {
			r.lowered = true
			s = g.re.ReplaceAllString(s, " ~ ")
			t = index(s)
		}
	}
	// Reports about other people and negated statements are a worry, not a
	// crisis; they are taken out so the crisis patterns do not see them.
	for _, p := range shields {
		if p.mayMatch(t) && p.re.MatchString(s) {
			r.Detection = Detection{Concern: Worry, Kind: p.kind}
			r.lowered, negOrOther = true, true
			byOther = byOther || !p.negatable
			s = p.re.ReplaceAllString(s, " ~ ")
			t = index(s)
		}
	}
	for _, group := range [][]crisisPattern{patterns, conceptPatterns, round5Concepts, round6Concepts, dangerPatterns, distressConcepts} {
		for _, p := range group {
			if !p.mayMatch(t) {
				continue
			}
			for _, loc := range p.re.FindAllStringIndex(s, -1) {
				concern := p.concern
				if p.negatable && negatedBefore(s[:loc[0]]) {
					concern = Worry
					r.lowered, negOrOther = true, true
				}
				if p.kind == KindDistress && p.concern == Worry && negatedDistress(s[:loc[0]]) {
					concern = NoConcern
					r.lowered, negOrOther = true, true
				}
				other := (isSelfKind(p.kind) || p.kind == KindDistress) && reportedByOther(s[:loc[0]], s[loc[0]:loc[1]])
				if other {
					// "someone jumped in front of a train": asked about
					// gently, unless it is plainly news or a delay.
					if isSelfKind(p.kind) {
						concern = min(concern, Worry)
					}
					if news {
						concern = NoConcern
					}
					r.lowered, byOther, negOrOther = true, true, true
				}
				// Distress that is over by now ("cried in the toilets but i'm
				// ok now") needs no past named; harm to the writer does.
				if (isSelfKind(p.kind) || p.kind == KindDistress) && loc[1] <= pastEnd || p.kind == KindDistress && loc[1] <= okNow {
					concern = NoConcern
					r.lowered, negOrOther = true, true
				}
				if (p.kind == KindHarmOthers && joking || isSelfKind(p.kind) && selfJoke) && concern == Crisis {
					concern = Worry
					r.lowered, negOrOther = true, true
				}
				if !other {
					own = max(own, concern)
				}
				if concern > r.Concern {
					r.Detection = Detection{Concern: concern, Kind: p.kind}
				}
				if r.Concern == Crisis {
					return r
				}
			}
		}
	}
	if r.Concern == Worry && own == NoConcern && screenedNo && !byOther {
		// "the gp asked if i had thoughts of suicide, i said no".
		return ruleReading{lowered: true}
	}
	if byOther && own == NoConcern && r.Concern == Worry && (resolvedOrPast.MatchString(s) || laughing) {
		// "my sister self harmed as a teenager, she's doing well now", "my
		// cousin said he wanted to die when his team lost lol": a report
		// that asks nothing of the writer.
		return ruleReading{lowered: true}
	}
	if negOrOther {
		return r
	}
	return readCombined(t, r)
}

// ownDeath is "kill me" meant as "kill myself", as it is said in a second
// language ("i am thinking to kill me because"), read before the idioms
// take "kill me because" for a figure of speech.
var ownDeath = compile(`i (?:am )?(?:thinking|want|wanting|going|plan|planning|decide|decided|try|trying) to kill me`)

// jokeMarker: a laugh that makes a threat against someone a figure of
// speech ("im going to kill him lol"). It lowers harm to others to a check,
// never a risk to the writer ("i want to die lol" is still read).
var jokeMarker = regexp.MustCompile(`(?:^|[^\pL])(?:lol|lool|lolol|lmao|lmfao|haha+|hehe+|jk|rofl)(?:[^\pL]|$)|😂|🤣|😆`)

// pastMarker and recoveredNow mark a past the writer has come through.
var pastMarker = compile(
	`last year`, `(?:years|months|ages) ago`, `(?:in|back in) (?:19|20)\d\d`, `used to`, `at uni`, `at school`,
	`when i was (?:younger|a teen|a teenager|at school|at uni|a kid|little|\d+)`, `as a (?:teen|teenager|kid)`, `in the past`,
	`a while ago`, `last (?:summer|winter|spring|autumn)`, `had (?:\S+ )?(?:suicidal thoughts|thoughts of suicide)`,
)
var recoveredNow = gate(compile(
	`(?:much |so much |loads |a lot |far |way )?(?:better|fine|ok|okay|good|great|well|recovered|stable|in a (?:much |lot |far |way )?(?:better|good) place) (?:\S+ ){0,3}(?:now|these days|nowadays)`,
	`(?:doing|i am doing) (?:really |so )?(?:well|better|great|good|fine|ok) now`,
	// "feeling alright today", "things are different now", "been doing
	// fine since", "havent for 6 years", "now i go to the gym and it is
	// much better".
	`(?:feeling|feel|felt|i am|am) (?:much |loads |a lot |far |way )?(?:better|fine|ok|okay|alright|good|great) (?:today|this week|now)`,
	`(?:things|life|it|everything) (?:is|are|feels|feel) (?:\S+ )?(?:different|better|good|great|sorted) now`,
	`(?:been |have been )?doing (?:fine|well|ok|okay|better|good|great|alright) (?:ever )?since`,
	`(?:i am|am) doing (?:well|better|great|good|fine|ok|okay|alright) END`,
	`have not (?:done it |done that |self harmed |cut |harmed ME |hurt ME |felt like that |had (?:them|those thoughts|the thoughts|one|an episode) )?(?:for|in|since) (?:over )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of) (?:years?|months?)`,
	`now i (?:\S+ ){0,10}(?:it is |i am |i feel |feel )?(?:much |loads |a lot |far |way )?better`,
))

// answeredNo: the writer's answer to a screening question was no.
var answeredNo = compile(
	`(?:i )?(?:said|say|answered|told (?:her|him|them|the \S+)) (?:no|not|never|nope|it has been years|i was not|i am not|i do not|i have not)`,
)

// selfHyperbole: a death wish with an everyday cause, the form a joke about
// a meeting or a song takes.
var selfHyperbole = compile(
	`(?:makes|making|made|make) me (?:want to|wanna) (?:die|kill ME|end it|jump|top ME)`,
	`(?:i will|going to|gonna|i am going to) (?:jump|throw ME) out (?:of )?(?:the|a) window`,
	`hang ME (?:\. )*on the (?:sofa|couch|settee|bed)`,
	// Past and over: "bus was that rammed i wanted to die lol".
	`(?:i|we) (?:wanted to|could have|nearly|almost) (?:die|died|kill ME|killed ME)`,
	`go (?:and )?die in (?:a|the|my) (?:\S+ )?(?:bath|bed|hole|corner|ditch|duvet)`,
)

// pettyGrievance: what a threat is over, when it is the dishes or a phone
// charger ("gonna kill my brother, he nicked my charger"): a figure of
// speech like a joke.
var pettyGrievance = compile(
	`(?:nicked|nick|nicks|nicking|ate|eaten|eats|eating|took|taken|takes|taking|stole|stolen|borrowed|borrowing|used|using|finished|finishing|pinched|pinching|drank|drunk|drinking|hid|hidden|moved|lost|broke|spilt|spilled) (?:my|the|our|all my|all the|his|her) (?:last )?(?:phone )?(?:charger|food|leftovers|yoghurt|yogurt|milk|lunch|chips|biscuits|chocolate|cake|parking space|seat|mug|pen|jumper|hoodie|shampoo|towel|snacks|crisps|beer|wine|cereal|dinner|sandwich|pizza|remote|clothes|hair dryer|headphones|tea|coffee|bread|butter|cheese|chair|desk|stapler|hot water|wifi|data)`,
	`(?:left|leaves|leaving) (?:his|her|their|the|all the|dirty) (?:dishes|washing up|pots|mess|plates|pans|towels|shoes)`,
	`(?:spoiled|spoilt|spoils) (?:the )?(?:ending|film|show|series|episode|match)`,
	`(?:for|because of|because) (?:\S+ )?(?:drawing|scribbling|eating|nicking|spoiling|borrowing|forgetting|snoring|chewing|singing|hogging|finishing|drinking|burning the|breaking my|losing my|hiding my)`,
)

// resolvedOrPast marks a report about someone else that is over: they are
// fine now, getting help, it was when they were a teenager.
var resolvedOrPast = compile(
	`(?:she|he|they) (?:is|are|was|were) (?:fine|ok|okay|alright|safe|doing (?:much |a lot |loads |way |far )?(?:well|better|ok|okay|great|fine)|getting (?:help|support|better|treatment))(?: now)?`,
	`getting (?:help|support|treatment) now`, `(?:as|when (?:she|he|they) (?:was|were)) (?:a )?(?:teen|teenager|kid|child|little|younger|at school)`,
)

// contextMessages is how many of the client's earlier messages are read
// with a new one: enough for a thought typed in pieces ("i want to" / "end"
// / "it"), few enough that the cost per message stays small.
const contextMessages = 3

// DetectInContext reads a client's newest message together with their
// earlier messages of the last few minutes (oldest first), so that "i want
// to" followed by "die" is read as one thought. It reports what the newest
// message adds: a concern that the earlier messages already raised, alone
// or read together, is not raised again by every message after them ("ok"
// after a crisis is not a new crisis). The newest message on its own is
// always reported in full.
func DetectInContext(recent []string, text string) Detection {
	alone := DetectCrisis(text)
	if len(recent) > contextMessages {
		recent = recent[len(recent)-contextMessages:]
	}
	if len(recent) == 0 || alone.Concern == Crisis {
		return alone
	}
	already := DetectCrisis(strings.Join(recent, " ")).Concern
	for _, r := range recent {
		if already == Crisis {
			break
		}
		// Read alone too: joining can put a "not" before the next message.
		already = max(already, DetectCrisis(r).Concern)
	}
	// The join is read by the rules alone: it is for a sentence split across
	// messages ("i want to" / "die"), which the rules see; run together,
	// unrelated answers (a number, an emoji, a line of letters) are not a
	// sentence the model was trained on, and its guesses there are false alarms.
	// It is still asked about a crisis the rules doubt, which it can only
	// lower: otherwise "7" then "the game where you jump off buildings"
	// would escalate where the message alone is only asked about.
	together := strings.Join(append(append([]string(nil), recent...), text), " ")
	jr := readRules(together)
	joined := jr.Detection
	if doubtedCrisis(jr) {
		if p := crisismodel.Embedded().Scores(together); p[crisismodel.Crisis]+p[crisismodel.Danger] < modelDoubtAt {
			joined = Detection{Concern: Worry, Kind: joined.Kind}
		}
	}
	if joined.Concern > alone.Concern && joined.Concern > already {
		return joined
	}
	return alone
}

// negatedBefore reports whether the words just before a match negate it:
// "i'm not suicidal", "i would never hurt myself", "i don't want to die".
func negatedBefore(prefix string) bool {
	words := strings.Fields(prefix)
	for i := len(words) - 1; i >= 0 && i >= len(words)-3; i-- {
		switch w := words[i]; {
		case w == "not" || w == "never" || w == "without":
			return !inCondition(words, i)
		case w == "no":
			// "no suicidal thoughts", "no thoughts of hurting myself", but
			// not "no. i want to die".
			return i == len(words)-1 || negatedNouns[words[i+1]]
		case w == "." || w == "~":
			return false
		}
	}
	return negatedFurtherBack(words)
}

// negatedFurtherBack reports a "not" or "never" further back, with only
// the words that carry a negation between it and the match: "not feeling
// like i want to hurt myself", but not "i am not ok i want to die".
func negatedFurtherBack(words []string) bool {
	for i := len(words) - 1; i >= 0 && i >= len(words)-7; i-- {
		switch w := words[i]; {
		case w == "not" || w == "never":
			return !inCondition(words, i)
		case !negationCarriers[w]:
			return false
		}
	}
	return false
}

// inCondition reports whether the negation at words[i] is in an "if"
// clause: "if i don't hand over my wages he'll kick my head in" denies
// nothing that follows it.
func inCondition(words []string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		switch words[j] {
		case "if", "unless":
			return true
		case ".", "~":
			return false
		}
	}
	return false
}

// negationCarriers pass a negation on to what follows them.
var negationCarriers = map[string]bool{"feeling": true, "feel": true, "felt": true, "like": true, "i": true,
	"want": true, "wanting": true, "to": true, "going": true, "that": true, "planning": true, "any": true,
	"urge": true, "urges": true, "do": true, "am": true, "have": true, "ever": true, "would": true}

// negatedDistress reports a distress denied: "i don't feel hopeless", "not
// in a dark place any more", "a week without a panic attack". Not "never",
// which is as often a superlative ("never felt so hopeless").
func negatedDistress(prefix string) bool {
	words := strings.Fields(prefix)
	for i := len(words) - 1; i >= 0 && i >= len(words)-3; i-- {
		switch w := words[i]; {
		case w == "never":
			return false
		case w == "not" || w == "without":
			return !inCondition(words, i)
		case w == "no":
			return i == len(words)-1 || negatedNouns[words[i+1]]
		case w == "." || w == "~":
			return false
		}
	}
	for i := len(words) - 1; i >= 0 && i >= len(words)-7; i-- {
		switch w := words[i]; {
		case w == "not":
			return !inCondition(words, i)
		case !negationCarriers[w]:
			return false
		}
	}
	return false
}

// negatedNouns follow a "no" that denies what comes after them.
var negatedNouns = map[string]bool{"thoughts": true, "thought": true, "plans": true, "plan": true, "intention": true,
	"intentions": true, "urge": true, "urges": true, "desire": true, "wish": true, "risk": true}

// contractions and slang, after apostrophes are dropped ("don't" → "dont").
var spelling = map[string]string{
	"im": "i am", "ive": "i have", "id": "i would", "youre": "you are", "theyll": "they will", "theyd": "they would",
	"hes": "he is", "shes": "she is", "its": "it is", "whats": "what is", "thats": "that is", "theres": "there is",
	"lifes": "life is", "tonights": "tonight is", "everyones": "everyone is", "noones": "no one is",
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not", "cnt": "can not",
	"wont": "will not", "wouldnt": "would not", "couldnt": "could not", "shouldnt": "should not", "isnt": "is not",
	"wasnt": "was not", "werent": "were not", "arent": "are not", "aint": "is not", "havent": "have not", "hasnt": "has not",
	"wanna": "want to", "wana": "want to", "wannna": "want to", "gonna": "going to", "gona": "going to", "gunna": "going to",
	"gna": "going to", "finna": "going to", "gotta": "have to", "tryna": "trying to", "anymore": "any more",
	"u": "you", "ur": "your", "r": "are", "2": "to", "every1": "everyone", "every1s": "everyone is", "some1": "someone", "no1": "no one",
	"noone": "no one", "nobody": "no one", "somebody": "someone", "everybody": "everyone", "evryone": "everyone",
	"kms": "kill myself", "kys": "kill yourself", "ctb": "kill myself", "sewerslide": "suicide",
	"od": "overdose", "ods": "overdose", "oding": "overdosing", "oded": "overdosed",
	"tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow", "2morro": "tomorrow", "2morrow": "tomorrow", "2mora": "tomorrow", "tomoro": "tomorrow", "tomorro": "tomorrow", "aft": "after", "tomoz": "tomorrow", "tomorow": "tomorrow", "tonite": "tonight", "2nite": "tonight",
	"myslef": "myself", "mysefl": "myself", "myelf": "myself", "mysel": "myself", "mself": "myself", "meself": "myself",
	"muself": "myself", "myslf": "myself", "myseld": "myself", "mysef": "myself",
	"wnat": "want", "wamt": "want", "wnt": "want", "watn": "want", "whant": "want", "wan": "want",
	"kil": "kill", "kll": "kill", "klil": "kill", "dye": "die", "dei": "die",
	"sucide": "suicide", "suicde": "suicide", "suiside": "suicide", "suicid": "suicide", "sucid": "suicide", "suecide": "suicide",
	"sucidal": "suicidal", "suicdal": "suicidal", "suisidal": "suicidal", "suicidle": "suicidal", "suicidel": "suicidal",
	"suicidial": "suicidal", "suacidal": "suicidal", "sucicidal": "suicidal",
	"selfharm": "self harm", "selfharmed": "self harmed", "selfharming": "self harming", "shd": "sh", "shing": "sh",
	"pls": "please", "plz": "please", "cos": "because", "coz": "because", "cuz": "because", "bc": "because",
	"ded": "dead", "til": "till", "b": "be", "ima": "i am going to", "imma": "i am going to", "iam": "i am",
	"hed": "he would", "shed": "she would", "itll": "it will", "youll": "you will", "yall": "you all",
	"theyre": "they are", "bout": "about", "abt": "about", "wiv": "with", "w": "with",
	"thinkin": "thinking", "endin": "ending", "feelin": "feeling", "goin": "going", "doin": "doing", "takin": "taking",
	"tryin": "trying", "jumpin": "jumping", "toppin": "topping", "cuttin": "cutting", "killin": "killing", "hurtin": "hurting",
	"ppl": "people", "alot": "a lot", "offf": "off", "unalived": "unalive", "unaliving": "unalive",
	// Scots and Northern English.
	"tae": "to", "nae": "no", "cannae": "can not", "canna": "can not", "dinnae": "do not", "didnae": "did not",
	"wouldnae": "would not", "couldnae": "could not", "isnae": "is not", "wasnae": "was not", "willnae": "will not",
	"gonnae": "going to", "wantae": "want to", "dae": "do", "mair": "more", "nicht": "night", "aff": "off", "oot": "out",
	"hame": "home", "masel": "myself", "mesel": "myself", "mesen": "myself", "missen": "myself", "masen": "myself",
	"greetin": "crying", "greeting": "crying", "owt": "anything", "nowt": "nothing", "aye": "yes", "wantin": "wanting",
}

// fillers carry no meaning for risk and only get between the words that do.
var fillers = map[string]bool{
	"just": true, "really": true, "honestly": true, "literally": true, "lowkey": true, "highkey": true,
	"actually": true, "kinda": true, "so": true, "fr": true, "rn": true, "tbh": true, "lol": true, "lmao": true,
	"haha": true, "seriously": true, "genuinely": true, "totally": true, "even": true, "ngl": true, "srsly": true,
	"properly": true, "proper": true, "truly": true, "basically": true,
}

// fuzzyWords are long, distinctive words worth matching one typo away
// ("myslef", "suicdal"); short ones would match ordinary words.
var fuzzyWords = []string{"suicide", "suicidal", "myself", "overdose", "overdosed", "without", "everyone",
	"goodbye", "hopeless", "worthless", "paracetamol", "unalive", "tablets", "nothing", "anymore"}

// canonical turns a message into space-separated canonical words, with "."
// for sentence breaks: lower case, apostrophes dropped, contractions and
// slang spelled out, fillers removed, stretched letters ("diiie") and
// common typos mended.
func canonical(text string) string {
	t := strings.ToLower(text)
	// "OD'd" is an overdose, but without its apostrophe it is "odd", which
	// is only odd: it is read before the apostrophes go.
	t = odApostrophe.ReplaceAllString(t, "${1}overdosed")
	t = strings.NewReplacer("’", "", "'", "", "‘", "", "`", "").Replace(t)
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		words = append(words, b.String())
		b.Reset()
	}
	for _, r := range t {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case strings.ContainsRune(".!?;:,\n", r):
			flush()
			if len(words) > 0 && words[len(words)-1] != "." {
				words = append(words, ".")
			}
		default:
			flush()
		}
	}
	flush()
	var out []string
	for i, w := range words {
		w = deLeet(w)
		if i+1 < len(words) && willVerbs[words[i+1]] {
			// "ill", "hell", "shell" are "I'll", "he'll", "she'll" once the
			// apostrophe is gone, when a verb follows.
			if who, ok := willContractions[w]; ok {
				out = append(out, who, "will")
				continue
			}
		}
		if fillers[w] {
			continue
		}
		if w == "no" && i > 0 && beVerbs[words[i-1]] && i+1 < len(words) && scotsNot(words[i+1]) {
			// "am no wantin tae be here": Scots "no" is "not".
			out = append(out, "not")
			continue
		}
		if w == "2" && i+1 < len(words) && countNouns[words[i+1]] {
			out = append(out, w) // "2 strips", not "to strips"
			continue
		}
		if rep, ok := spelling[w]; ok {
			out = append(out, strings.Fields(rep)...)
			continue
		}
		if sq := squash(w); sq != w && len(sq) >= 3 && spelling[sq] != "" {
			// Stretched slang ("kmsssss"): only to a slang word of three
			// letters or more, so that "odd" is never "od".
			out = append(out, strings.Fields(spelling[sq])...)
			continue
		}
		out = append(out, mend(w))
	}
	for len(out) > 0 && out[0] == "." {
		out = out[1:]
	}
	// "i don't want to live no more" says what "any more" says.
	return strings.ReplaceAll(strings.Join(out, " "), " no more", " any more")
}

// unitAfterNumber: a number with its unit is not leetspeak ("5am" is not
// "sam", "3rd" is not "erd").
var unitAfterNumber = regexp.MustCompile(`^\d+(?:am|pm|ish|st|nd|rd|th|s|h|hr|hrs|min|mins|k|m|mg|ml|kg|lbs|x)$`)

var beVerbs = map[string]bool{"am": true, "im": true, "was": true, "were": true, "are": true}

// scotsNot: the words after "am no" that make it "am not" ("am no
// wantin", "am no coping"), not "am no good" or "no longer".
func scotsNot(next string) bool {
	switch next {
	case "sure", "ok", "okay", "safe", "well", "happy", "able", "gonna", "gonnae", "right", "fine", "coping":
		return true
	}
	return strings.HasSuffix(next, "ing") || strings.HasSuffix(next, "in") && len(next) > 4
}

var odApostrophe = regexp.MustCompile(`(^|[^\pL\pN])od['’‘]e?d\b`)

// countNouns follow a number that is a count.
var countNouns = map[string]bool{"stone": true, "kg": true, "kilos": true, "pounds": true, "lbs": true, "strips": true, "packets": true, "packs": true, "boxes": true, "bottles": true,
	"tablets": true, "pills": true, "paracetamol": true, "sheets": true, "hours": true, "days": true, "nights": true,
	"years": true, "months": true, "weeks": true, "times": true, "mins": true, "minutes": true, "hrs": true}

var willContractions = map[string]string{"ill": "i", "hell": "he", "shell": "she"}

// willVerbs are what "ill" is followed by when it means "I'll".
var willVerbs = map[string]bool{"glass": true, "bottle": true, "smash": true, "sort": true, "deck": true, "knock": true,
	"run": true, "slap": true, "kick": true, "finish": true, "top": true, "fix": true, "drown": true, "overdose": true, "kill": true, "hurt": true, "stab": true, "murder": true, "end": true, "do": true, "be": true,
	"take": true, "jump": true, "shoot": true, "hang": true, "cut": true, "never": true, "not": true,
	"hit": true, "beat": true, "batter": true, "find": true, "come": true, "go": true, "get": true, "make": true,
	"break": true, "regret": true, "burn": true, "strangle": true, "punch": true, "have": true, "know": true, "pay": true}

// deLeet reads digits inside words as letters ("su1c1de", "k1ll").
func deLeet(w string) string {
	hasLetter, hasDigit := false, false
	for _, r := range w {
		if unicode.IsLetter(r) {
			hasLetter = true
		} else if unicode.IsDigit(r) {
			hasDigit = true
		}
	}
	if !hasLetter || !hasDigit || w == "every1" || w == "some1" || w == "no1" || w == "2nite" || unitAfterNumber.MatchString(w) {
		return w
	}
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s").Replace(w)
}

// mend maps a word to a pattern word it is clearly a version of: the same
// letters stretched ("diiiie", "killl"), a dropped final g ("cuttin"), or
// one typo from a long distinctive word.
func mend(w string) string {
	if vocabulary[w] {
		return w
	}
	// Only a word with a letter repeated is mended to one without: "diiie"
	// is "die", but "shot" is not "shoot".
	if sq := squash(w); sq != w {
		if v, ok := squashed[sq]; ok && len(v) < len(w) {
			return v
		}
	}
	if strings.HasSuffix(w, "in") && vocabulary[w+"g"] {
		return w + "g"
	}
	if len(w) >= 6 {
		for _, k := range fuzzyWords {
			if oneEditApart(w, k) {
				if rep, ok := spelling[k]; ok {
					return rep
				}
				return k
			}
		}
	}
	return w
}

// squash collapses runs of a repeated letter: "diiie" → "die", "kill" → "kil".
func squash(w string) string {
	var b strings.Builder
	var last rune
	for i, r := range w {
		if i > 0 && r == last {
			continue
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// oneEditApart reports whether a and b differ by one insertion, deletion,
// substitution or swap of neighbouring letters.
func oneEditApart(a, b string) bool {
	if a == b {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		var diff []int
		for i := range ra {
			if ra[i] != rb[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		if len(diff) == 1 {
			return true
		}
		return len(diff) == 2 && diff[1] == diff[0]+1 && ra[diff[0]] == rb[diff[1]] && ra[diff[1]] == rb[diff[0]]
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// Pattern macros, expanded before compiling.
var macros = strings.NewReplacer(
	"ME", `(?:myself|my self|me self)`,
	"INTENT", `(?:want to|wanted to|wanting to|going to|will|plan to|planning to|planned to|thinking about|thinking of|think about|thought about|thought of|tempted to|ready to|about to|decided to|should|might|may|need to|have to|try to|tried to|trying to|wish i could|would like to|feel like|could|i am|am)`,
	"PERSON", `(?:him|her|them|someone|people|everyone|them all|you|my (?:manager|boss|supervisor|colleague|colleagues|coworker|co worker|partner|wife|husband|boyfriend|girlfriend|ex|exs|mum|mom|dad|kids|son|daughter|team leader|line manager|flatmate|housemate|neighbour|neighbours|neighbor|landlord|brother|sister|stepdad|stepmum|uncle|cousin|mate|friend|ex partner|ex husband|ex wife|ex boyfriend|ex girlfriend)|the (?:manager|boss|supervisor|kids|baby|customer|customers)|the next (?:customer|person|one)|whoever|that (?:guy|man|woman|customer|idiot|bloke|girl|lad|person))`,
	"PILLS", `(?:pills|tablets|paracetamol|meds|medication|medicine|sleeping pills|sleeping tablets|co codamol|codeine|painkillers|antidepressants|packet|bottle|box|packets|oxycodone|tramadol|morphine|insulin|sertraline|amitriptyline|diazepam|propranolol|quetiapine|lithium|zopiclone|zolpidem|temazepam|lorazepam|citalopram|fluoxetine|mirtazapine|venlafaxine|olanzapine|pregabalin|gabapentin|ibuprofen|aspirin|naproxen|promethazine|antihistamines)`,
	" END", `(?: \.|$)`,
	"GAP", `(?:[^.\s]\S* ){0,4}`,
	"DESIRE", `(?:want|wanted|wanting|wants|wish|wishing|hope|hoping|ready|plan|planning|going to|will|should|need|needs|tempted|considering|thinking about|thinking of|decided|might as well|feel like|deserve|deserves|pray|praying)`,
	"DEATH", `(?:die|be dead|kill ME|end my life|end it all|not wake up|never wake up|not exist|stop existing|unalive|overdose|take my (?:own )?life)`,
)

// compile joins patterns into one expression, so a message is scanned once
// per group rather than once per phrase.
func compile(ps ...string) *regexp.Regexp {
	for i, p := range ps {
		ps[i] = macros.Replace(p)
	}
	return regexp.MustCompile(`(?:^| )(?:` + strings.Join(ps, "|") + `)(?: |$)`)
}

type crisisPattern struct {
	gatedRegexp
	concern   Concern
	kind      string
	negatable bool // "not", "never" or "no" just before makes it a worry
}

// pat makes one pattern per phrase, each with its gate: hundreds of small
// expressions that are mostly skipped cost far less than one large one
// that every message runs through.
func pat(concern Concern, kind string, negatable bool, ps ...string) []crisisPattern {
	out := make([]crisisPattern, len(ps))
	for i, p := range ps {
		out[i] = crisisPattern{gatedRegexp: gate(compile(p)), concern: concern, kind: kind, negatable: negatable}
	}
	return out
}

// gatedRegexp is an expression with the literal strings one of which every
// match contains: when none is in the text, the expression cannot match and
// is not run.
type gatedRegexp struct {
	re    *regexp.Regexp
	gates []string // nil: always run
	// pairs[i] are the first and last letter pairs of gates[i] (pairBit),
	// or -1 for a gate shorter than two letters.
	pairs [][2]int
}

func gate(re *regexp.Regexp) gatedRegexp {
	syn, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		panic(err) // it compiled a moment ago
	}
	g := gatedRegexp{re: re, gates: requiredLiterals(syn.Simplify())}
	for _, l := range g.gates {
		p := [2]int{-1, -1}
		if len(l) >= 2 {
			p = [2]int{pairBit(l[0], l[1]), pairBit(l[len(l)-2], l[len(l)-1])}
		}
		g.pairs = append(g.pairs, p)
	}
	return g
}

// indexed is a text with the set of letter pairs in it, so that a gate can
// be ruled out with a bit test before it is searched for: there are
// thousands of gates and most messages are short.
type indexed struct {
	s     string
	pairs [pairBits / 64]uint64
}

const pairBits = 4096

func pairBit(a, b byte) int { return (int(a)*131 + int(b)) % pairBits }

func index(s string) *indexed {
	t := &indexed{s: s}
	for i := 0; i+1 < len(s); i++ {
		h := pairBit(s[i], s[i+1])
		t.pairs[h/64] |= 1 << (h % 64)
	}
	return t
}

func (t *indexed) has(bit int) bool { return bit < 0 || t.pairs[bit/64]&(1<<(bit%64)) != 0 }

// mayMatch reports whether the expression can match t: false only when
// none of its gates is in the text.
func (g gatedRegexp) mayMatch(t *indexed) bool {
	if g.gates == nil {
		return true
	}
	for i, l := range g.gates {
		if p := g.pairs[i]; !t.has(p[0]) || !t.has(p[1]) {
			continue
		}
		if strings.Contains(t.s, l) {
			return true
		}
	}
	return false
}

// requiredLiterals returns strings one of which every match of re contains,
// or nil when it cannot tell. It errs towards nil: a nil gate costs time, a
// wrong gate would miss a crisis.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		better := func(r []string) {
			if r != nil && (best == nil || shortest(r) > shortest(best) ||
				(shortest(r) == shortest(best) && len(r) < len(best))) {
				best = r
			}
		}
		for i, sub := range re.Sub {
			better(requiredLiterals(sub))
			// The parser factors "gave|given" into "g(?:ave|iven)": read
			// from each point on, the literals a match starts with are
			// whole words again ("gave", "given").
			better(prefixLiterals(re.Sub[i:]))
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			r := requiredLiterals(sub)
			if r == nil {
				return nil
			}
			all = append(all, r...)
		}
		return all
	}
	return nil
}

// maxPrefixes bounds the literals prefixLiterals builds, so that a long
// alternation does not make a gate that costs more than the expression.
const maxPrefixes = 32

// prefixLiterals returns strings one of which every match of the
// concatenation subs starts with, or nil when it cannot tell.
func prefixLiterals(subs []*syntax.Regexp) []string {
	if len(subs) == 0 {
		return nil
	}
	first := subs[0]
	switch first.Op {
	case syntax.OpLiteral:
		if first.Flags&syntax.FoldCase != 0 {
			return nil
		}
		lit := string(first.Rune)
		rest := prefixLiterals(subs[1:])
		if rest == nil {
			return []string{lit}
		}
		out := make([]string, len(rest))
		for i, r := range rest {
			out[i] = lit + r
		}
		return out
	case syntax.OpCapture:
		return prefixLiterals(append([]*syntax.Regexp{first.Sub[0]}, subs[1:]...))
	case syntax.OpConcat:
		return prefixLiterals(append(append([]*syntax.Regexp(nil), first.Sub...), subs[1:]...))
	case syntax.OpAlternate:
		var all []string
		for _, alt := range first.Sub {
			r := prefixLiterals(append([]*syntax.Regexp{alt}, subs[1:]...))
			if r == nil {
				// This branch starts with something unknown: what it
				// starts with is at least its own literals, if any.
				r = prefixLiterals([]*syntax.Regexp{alt})
			}
			if r == nil || len(all)+len(r) > maxPrefixes {
				return nil
			}
			all = append(all, r...)
		}
		return all
	}
	return nil
}

func shortest(ls []string) int {
	n := -1
	for _, l := range ls {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// safeIdioms are everyday phrases that borrow risk words; they are blanked
// out before matching, so a real risk phrase elsewhere in the message is
// still seen.
var safeIdioms = idioms(append([]string{
	`(?:die|died|dying|dead) (?:of|from|with) (?:embarrassment|embarassment|boredom|laughter|laughing|shame|heat|cold|thirst|hunger|curiosity|happiness)`,
	`(?:die|died|dying) laughing`, `to die for`, `dying (?:for|to) (?:a|an|the|some|get|know|see|go|hear|try|meet|start|leave)`,
	`(?:cut|cutting|burnt|burned|burn|burning|hurt|hurting|scratched|hit) ME (?:on (?:the|a|an|my|some|his|her)|shaving|chopping|slicing|opening|at work|at the gym|by accident|accidentally|while|when|cooking|lifting|playing|falling|tripping|in the (?:kitchen|garden|shed|warehouse|workshop|garage|yard|stockroom))`,
	`(?:cut|burnt|burned|hurt|scratched) my (?:arm|hand|finger|thumb|leg|foot|wrist|back|knee|ankle) (?:on (?:the|a|an|my|some)|with|at|when|while|lifting|falling|playing|opening)`,
	`(?:nearly|almost) killed ME (?:tripping|falling|slipping|on|laughing|running)`,
	`took (?:all )?my (?:meds|pills|tablets|medication) (?:this morning|today|tonight|on time|as usual|like normal|as prescribed)`,
	`suicide (?:squad|prevention|awareness|training|hotline|helpline|forest|watch|bomber|door|doors|mission|runs|run|shift|drills)`,
	`self harm (?:training|awareness|policy|policies|admissions|patients|cases|referrals|team|unit|ward|service)`,
	`(?:film|movie|documentary|book|programme|program|show|series|episode|article|podcast|song|play|novel) (?:about|on) (?:suicide|self harm|overdose|overdoses)`,
	`overdose (?:of|on) (?:meetings|work|emails|coffee|sugar|chocolate|caffeine|tv|telly|netflix|paperwork)`,
	`(?:do not|never|not|will not) wake up to (?:another|more|a|an|the|loads|lots|\d+)`,
	`die (?:my|your|her|his|their) hair`,
	`disappear (?:under|into) (?:a |my |the )?(?:duvet|bed|covers|blanket|sofa|book|game|film|series|box set|garden|music)`,
	`wake up (?:tomorrow |in the morning )?(?:at \d\S*|at (?:five|six|seven|half \S+)|early|for (?:work|my shift|an early|the early))`,
	`(?:sat|stuck|stopped|waiting|held up|queuing) on (?:the|a) (?:\S+ )?bridge (?:for \S+ (?:mins|minutes|hours)|for ages|in traffic|because|cos|with)`,
	`(?:day|days|time|week) off myself`, `top (?:myself|me) up`,
	// Recovery: time since the last time is a milestone, not a relapse.
	`(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|few|couple of) (?:years?|months?|weeks?|days?) (?:clean|free) (?:from |of )?(?:self harm|sh|cutting|self harming|harming ME)`,
	`(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|few|couple of) (?:years?|months?|weeks?) since i (?:last )?(?:self harmed|cut|harmed ME|hurt ME|sh|attempted|overdosed)`,
	`(?:not|have not|never) (?:self harmed|cut|sh|harmed ME|hurt ME) (?:in|for) (?:over )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of) (?:years?|months?|weeks?)`,
	`(?:bungee|bungy|base|cliff|tombstoning|tombstone|parachute|sky|ski) (?:jump|jumps|jumping|jumped|jumper|jumpers|diving|dive)`,
	`(?:sat nav|satnav|gps|alexa|siri|google|advert|tannoy|announcer|automated|robot|computer|tv|radio|podcast|audiobook|game|cartoon) (?:voice|voices)`,
	`(?:learned|learnt|learning|taught|teaching|training|course|how to ask|asking (?:people|someone|them)|ask (?:people|someone)) (?:\S+ ){0,5}(?:about )?(?:suicide|self harm|suicidal thoughts)`,
	// Media: a storyline or a scene, not the writer.
	`(?:suicide|self harm|overdose|suicidal) (?:scene|scenes|storyline|storylines|plot|theme|themes|content|trigger warning|episode|character)`,
	`(?:film|movie|show|episode|book|series|programme|documentary|play|game|soap|eastenders|corrie|coronation street|hollyoaks|emmerdale) (?:\S+ ){0,4}(?:had|has|with|was about|is about|about|did|covered|showed) (?:a |an )?(?:suicide|self harm|overdose)`,
	// Games: "i'll batter you at fifa".
	`(?:batter|beat|thrash|destroy|kill|murder|smash|hammer|annihilate|wreck|own|slaughter) (?:you|him|her|them|PERSON) (?:at|in) (?:darts|pool|chess|football|tennis|squash|cards|scrabble|a game|the game|golf|the quiz|mario kart|fifa|badminton|cod|call of duty|fortnite|monopoly|uno|bowling|snooker|table tennis|ping pong|5 a side|five a side|the pub quiz|bingo)`,
}, conceptIdioms...))

func idioms(ps []string) []gatedRegexp {
	out := make([]gatedRegexp, len(ps))
	for i, p := range ps {
		out[i] = gate(compile(p))
	}
	return out
}

// shields are worries that would otherwise read as a crisis: other people's
// words reported, or death talked about that is not the client's own.
// The writer's own negations are marked negatable (they are not reports
// about someone else).
var shields = concat(
	pat(Worry, KindSuicide, false,
		`(?:kill|killing|killed|kills|hurt|hurting|hurts|harm|harming|cut|cutting|end|ending|unalive) (?:herself|himself|themselves|themself|yourself)`,
		`(?:died|death|deaths|lost \S+|lost) (?:by|to|from|through) suicide`,
		`(?:end|ending|take|taking|took) (?:his|her|their) (?:own )?life`,
	),
	pat(Worry, KindSuicide, true,
		`(?:not|never|no) (?:suicidal|feeling suicidal)`,
		`(?:thought|felt like|think|feel like) i (?:was|am|were) (?:going to|gonna) die`,
	),
	pat(Worry, KindSuicide, false, `(?:she|he|they) (?:wants|want|wanted|is going|said she wants|said he wants) to die`),
	// A screening question, asked by someone else: its words are not the
	// writer's ("the gp asked if i had thoughts of suicide, i said no").
	[]crisisPattern{{gatedRegexp: screeningQuestion, concern: Worry, kind: KindSuicide, negatable: true}},
)

var screeningQuestion = gate(compile(
	`(?:asked|asks|asking|ask) (?:me )?(?:about|if|whether|how often) (?:\S+ ){0,6}(?:suicid\S*|self harm\S*|hurting ME|harming ME|kill\S* ME|end\S* my life|thoughts of \S+)`,
))

// patterns are the risk phrases, clearest first.
var patterns = concat(
	// Suicidal ideation.
	pat(Crisis, KindSuicide, true,
		`(?:kill|killing|killed|kills|end|ending|ended|unalive|hang|hanging|hanged|drown|drowning|shoot|shooting|gas|gassing|poison|poisoning|suffocate|smother) ME`,
		`(?:to|will|might|could|should|going to|gonna) (?:off|top) ME`,
		`unalive`, `suicide`, `suicidal`, `sewer slide`,
		`(?:want|wanted|wanting|wants|wish|wishing|need|needs|ready|deserve|deserves|going) to die`,
		`i (?:should|need to|am going to|will|am gonna) die`,
		`(?:want|wanna|wish) to be dead`, `(?:i|i would|would) rather (?:be dead|die)`, `rather be dead`,
		`(?:take|taking|took|taken|end|ending|ended|finish|finishing|finished) my (?:own )?life`,
		`(?:overdose|overdosed|overdosing)`,
		`(?:INTENT|i am|am) (?:going to )?end(?:ing)? (?:it|things)(?: (?:tonight|today|now|soon|here|yesterday|again|before|last night|all))?(?: END| i| because| and| after| if| when| but| so)`,
		`(?:INTENT|i am|am) (?:going to )?end(?:ing)? (?:it all|everything)`,
		`(?:thinking|thoughts|think|thought) (?:about|of) (?:dying|death|ending my life|being dead|not being here|not being alive)`,
	),
	// "i don't want to die, i just want a holiday" is a worry, not a crisis.
	pat(Crisis, KindSuicide, true, `DESIRE GAPDEATH`),
	pat(Crisis, KindSuicide, false,
		`(?:thinking|thoughts|think|thought|thinkin) (?:about|of) (?:killing ME|suicide|ending it all|taking my life)`,
		`(?:want|wanna|wish|hope|hoping) GAP(?:sleep forever|disappear forever|be gone forever|not be here any more|be dead)`,
		`end(?:ing)? it all`,
		`(?:better|happier|easier|nicer)(?: off| of)?(?: for (?:everyone|them|everybody|\S+))? without me`,
		`(?:better|happier|easier) GAPif i (?:was|were|am) (?:gone|dead|not (?:here|around|alive))`,
		`(?:better|happier|easier) GAPif i (?:died|disappeared|killed ME|left for good)`,
		`(?:no|not have a|not have any|not any|lost my|lost the|what is my|no more) reasons? to (?:live|keep living|keep going|go on|carry on|be alive|stay alive|be here|exist)`,
		`wish (?:i|that i) (?:was|were) not (?:alive|born)`, `wish (?:i|that i) (?:was|were) not (?:here|around) any more`,
		`done (?:with )?(?:living|being alive|existing)`,
		`can not (?:keep |carry on |go on )?(?:living|live) like this`,
		`(?:do not want to|can not|not want to) (?:carry on|keep|go on) living`,
		`last day (?:on earth|alive|ever|of my life)`, `want (?:this|today|tonight) to be my last`,
		`(?:crash|crashing|crashed) (?:my|the) car (?:on purpose|deliberately)`,
		`(?:drive|driving|drove) (?:off|into) (?:the road|a cliff|the bridge|a bridge|a wall|a tree|oncoming)`,
		`(?:too|to) many PILLS`, `(?:sav|saving|saved|save|stockpil|stockpiling|stockpiled|hoard|hoarding) (?:up )?(?:my |all my )?PILLS`,
		`(?:knife|blade|razor) GAP(?:on|to|against) ME`, `use it on ME`,
		`(?:wrote|written|writing|left|leaving|write) (?:a |my )?(?:note|notes|letter|letters) (?:for|to) (?:my family|everyone|my kids|my mum|my partner|my wife|my husband|my children|my parents|my mom|my dad)`,
		`goodbye (?:everyone|all|world|forever|cruel world)`, `(?:last|final) (?:message|goodbye)`,
		`(?:will not|not going to) hear from me (?:again|ever)`, `(?:i will|i am going to) be gone (?:soon|by|tomorrow|tonight|forever)`,
		`i am saying goodbye END`,
		`(?:can not|not able to|unable to|not think i can|not sure i can|not going to be able to) keep ME safe`,
		`not (?:going to be|be) safe (?:tonight|today|right now)`, `i am not going to be safe END`,
		`PILLS saved up`, `(?:counted|counting|count) out (?:my |all my |the )?PILLS`,
		`(?:ways|how) to (?:die|kill ME|end (?:it|my life)|overdose|hang ME)`, `how many PILLS (?:it would take|to take|would kill|to die|would it take)`,
		`(?:i know|worked out|i have worked out) how i (?:would|will|am going to) do it`, `i have a plan END`, `have a plan and i know (?:when|how) END`,
		`(?:tonight|today) (?:i am|is) (?:going to do it|the night|the day) END`,
		`want out (?:of life|of this life|permanently|for good|of everything|of living)`,
		`DESIRE GAP(?:be gone|not be here|not be around)(?: any more| forever)? END`, `DESIRE GAPnot be alive`,
		`(?:fine|ok|okay|alright)(?: off)?(?: for (?:everyone|them|everybody|\S+))? without me`,
		`(?:they|everyone|family|kids|you|world|people) GAPbe better (?:off|of) END`,
		`(?:death|dying|being dead|not existing|not being here) (?:would be|is|seems|feels like|would feel like) (?:easier|a relief|better|the answer|the only way|peaceful|welcome|a release|the only option)`,
		`(?:hope|hopes|hoping|wish|wishes|pray|would not care if|would not mind if) GAP(?:crash|crashed|hit me|hits me|run me over|runs me over|get hit|got hit|gets me|kills me|killed)`,
		`(?:can not|do not) see ME (?:being )?(?:alive|here|around) (?:next|in|by|much|for)`,
		`(?:will not|not going to|do not think i will|do not believe i will|not sure i will) (?:make it (?:to|till|until|through)|see|be here (?:for|at)|be around (?:for|at)) (?:christmas|my birthday|next year|the weekend|tomorrow|the end of the (?:week|month|year)|next week|new year|another (?:week|day|christmas|birthday))`,
		`feel like dying`, `can not do (?:life|living) any more`, `^end it END`,
		// Third held-out round (flows/testdata/crisis/tuning/round3.tsv): plans,
		// means and euphemisms the first two rounds did not have.
		`do ME in`, `(?:no|not any) point (?:me|in me) (?:living|being alive|being here)`,
		`(?:would not mind|would not care|do not care|wish) if i (?:never|did not) (?:woke|wake) up`,
		`check(?:ed|ing)? out (?:for good|permanently)`,
		`better (?:off|of) with (?:the |my )?life insurance`,
		`how many PILLS (?:it takes|does it take|to kill|kill you|would kill)`,
		`(?:^|\. )end(?:ing)? it (?:tonight|today|now|this weekend|tomorrow|soon)`,
		`end(?:ing)? it (?:this weekend|this week|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|at the weekend)`,
		`tonight is the night END`, `(?:today|tonight|tomorrow) is the (?:day|night) i (?:finally )?(?:do it|end it|go|die|kill ME)`,
		`(?:garage|car|van) with the engine running`, `hose (?:for|on|to|in) the exhaust`,
		`(?:crash|crashing|crashed) (?:my|the) (?:car|van|lorry|truck|bike) (?:on purpose|deliberately)`,
		`(?:take|taking|took|swallow|swallowing) everything in the (?:medicine cabinet|cabinet|cupboard|drawer|bathroom)`,
		`goodbye \. sorry`,
		`enough GAPPILLS (?:stashed|saved|hidden|now|to do it)`, `PILLS stashed`,
		`enough (?:saved|stashed|hoarded) (?:up )?(?:now )?to do it`,
		`(?:thought|thinking|think) about going over(?: the (?:edge|side|top|bridge|railing|railings))? END`,
		`(?:took|taken|taking|take) GAPPILLS GAPon purpose`,
		`(?:sort|sorting|sorted|put|putting|get|getting) (?:out )?(?:all )?my affairs`,
		`(?:is|are|be) sorted (?:for )?when i am gone`,
		`(?:thinking|thought|think) about jumping`, `(?:sat|stood|standing|sitting) on (?:the|a) (?:bridge|ledge|edge|roof|railway)`,
		`(?:fantasise|fantasize|fantasising|fantasizing|dream|dreaming|daydream|daydreaming) about (?:dying|death|killing ME|being dead)`,
	),
	pat(Crisis, KindSelfHarm, false,
		`(?:hurt|hurting|burnt|burned|burn|burning|cut|cutting|punched|punch|hit|hitting|scratched|scratching|bit|biting|starved|starving) GAP(?:on purpose|deliberately)`,
		`(?:till|until) (?:they|it|i|my \S+) (?:bleed|bled|bleeds|bleeding)`,
		`(?:want|wanna|need|going|urge|tempted|have) to cut(?: again| tonight| myself| END)`,
		`i cut (?:again|last night|yesterday|tonight|this morning)`,
		`(?:till|until) (?:they|it|i|my \S+) (?:hurt|hurts)`, `to cut (?:badly|so bad|bad)`, `(?:^|\. )sh (?:again|last night|yesterday)`, `sh again`,
		`made ME bleed`, `(?:carved|carving|carve) (?:into )?(?:my )?(?:arm|arms|skin|leg|legs|wrist|wrists|thigh|thighs)`,
		`deserve to (?:be hurt|suffer|be punished|feel pain)`,
		`(?:^|\. )cut (?:again|last night|myself)`,
		`(?:got|get|getting|took|taken) the (?:blade|blades|razor|razors) out`,
		`my (?:arm|arms|thigh|thighs|leg|legs|wrist|wrists|skin|stomach) (?:is|are) covered in (?:fresh |new |deep )?(?:cuts|scars|burns)`,
		`(?:burnt|burned|cut|hurt|scratched|hit|bruised) my (?:\S+ ){1,6}on purpose`,
		`(?:iron|lighter|kettle|knife|blade|razor|cigarette|straighteners|hob|scissors|compass) on purpose`,
	),
	pat(Crisis, KindHarmOthers, false,
		`burn GAPdown with (?:them|him|her|everyone|people)`,
		`(?:pay|hurt|get) GAP(?:with|using) (?:a|my) (?:knife|gun|machete|blade|weapon)`,
		`(?:knife|gun|blade|machete|weapon) GAPfor (?:him|her|them|my (?:manager|boss|supervisor|colleague|partner))`,
		`(?:fantasise|fantasize|fantasising|fantasizing|dream|dreaming|daydream|daydreaming) about (?:killing|hurting|stabbing|shooting|murdering) PERSON`,
	),
	pat(Crisis, KindSuicide, false,
		`wish (?:i|that i) (?:was|were|had) (?:dead|died)`, `better (?:off|of) dead`,
		`better (?:off|of) without me`,
		`better (?:off|of|for \S+|for everyone|for them) if i (?:was|were|am) (?:not (?:here|around|alive)|gone|dead)`,
		`better (?:off|of|for \S+|for everyone|for them) if i (?:died|disappeared|was gone|left for good)`,
		`(?:no one|nobody) (?:would|will|is going to|going to) (?:miss|notice|care)(?: \S+){0,3} if i (?:was|were|died|disappeared|killed|am|went|was not|were not)`,
		`(?:no one|nobody) (?:would|will) (?:miss|notice) (?:me|i am gone|i was gone)`,
		`(?:no|not any|nothing|no real) (?:reason|point) (?:to|in|of) (?:live|living|being alive|being here|going on|life|existing|carrying on)`,
		`nothing (?:left )?to live for`, `no reason to live`,
		`what is the point (?:of|in) (?:living|life|being alive|going on|existing|being here|carrying on)`,
		`life (?:is )?(?:not|no longer) worth (?:living|it any more|it)`, `not worth living`,
		`(?:tired|sick) of (?:being alive|living|life|existing)`,
		`give up on (?:life|living)`, `given up on (?:life|living)`,
		`(?:do not|never) (?:want|wish) to (?:live|be alive|exist|be around)(?: any more)? END`,
		`(?:do not|never|am not|not) (?:want|wish|wanting|wishing) to (?:live|be alive|exist|be here|be around) any more`,
		`(?:do not|never) (?:want|wish) to be alive`,
		`(?:do not|never) want to wake up(?: (?:tomorrow|again|ever|ever again|any more|in the morning))? END`,
		`(?:hope|hoping|wish|pray|praying) (?:i|that i) (?:do not|never|would not|will not|dont|wont) wake up`,
		`(?:sleep|go to sleep|fall asleep|sleeping) and (?:never|not) (?:wake up|have to (?:wake up|come back)|come back)`,
		`(?:do not|never) want to wake up (?:tomorrow|again|ever again|ever|in the morning)`,
		`(?:stop|cease to|not) exist(?:ing)?`,
		`can not live like this any more`,
		`want (?:it|everything|it all|my life|all of it) (?:all )?to (?:end|be over)`,
		`(?:jump|jumping|jumped|throw ME|throwing ME|threw ME) (?:off|from|in front of|under|into) (?:a |the |one of the )?(?:\S+ ){0,2}?(?:bridge|bridges|building|buildings|roof|roofs|train|trains|bus|lorry|car|cliff|cliffs|car park|tower|tower block|flats|balcony|window|traffic|river|sea|multi storey|top floor|\d+(?:st|nd|rd|th) floor|floor)`,
		`(?:step|stepping|stepped|walk|walking|walked|run|running|drive|driving|crash|crashing) (?:out )?(?:in front of|into) (?:a |the )?(?:\S+ )?(?:train|bus|lorry|car|traffic|wall|tree|river|sea)`,
		`(?:could|want to|going to|might|will|gonna|thinking about|think about|thought about|tempted to) (?:walk|step|run|drive|reverse) (?:out )?(?:in front of|into|under) (?:a |the )?(?:\S+ )?(?:forklift|van|truck|tram|hgv|lorry|bus|train|car|traffic)`,
		`want to jump END`,
		`(?:standing|stood|sat|sitting|i am|am) on (?:the|a) (?:bridge|ledge|edge|roof)(?: now| right now)? END`,
		`(?:take|took|taken|taking|swallow|swallowed|swallowing|down|downed|downing|ate|eaten|eat|eating|necked|necking|popped|popping|had|chucked down|knocked back) (?:all|a load of|loads of|a lot of|lots of|the whole|a whole|a bottle of|a box of|a packet of|a handful of|handfuls of|every|all of|all the|all of my|all my|the rest of|all of the|a bunch of|a pile of|a heap of|a fistful of|half the|half a|half my) GAPPILLS`,
		`(?:got|have|bought|have got|i have) (?:the|a|some|my) (?:pills|tablets|rope|noose)s? (?:ready|here|in front of me|lined up|with me|out)`,
		`(?:have|got|bought) (?:the|a) (?:rope|noose)`, `noose`,
		`(?:suicide|goodbye) (?:note|letter)`, `(?:written|wrote|writing|write) (?:a|my) goodbye`,
		`this is (?:my )?goodbye(?: END| everyone| to everyone| to you| to all| forever)`, `goodbye forever`, `saying (?:my )?goodbyes? to (?:everyone|you all|all of you|you)`,
		`(?:will not|not going to|am not going to) be (?:around|here|alive) (?:for )?(?:much longer|long|any more|after tonight|by tomorrow)`,
		`by the time you (?:read|see|get) this`,
		`(?:slit|slitting|cut|cutting|slash|slashing) my (?:wrist|wrists|throat)`,
	),
	// Self-harm.
	pat(Crisis, KindSelfHarm, true,
		`urges? to (?:cut|self harm|sh|hurt|harm|burn)`,
	),
	pat(Crisis, KindSelfHarm, true,
		`(?:cut|cutting|cuts|cutted|burn|burning|burnt|burned|harm|harming|harmed|hurt|hurting|hit|hitting|punch|punching|scratch|scratching|scratched|punish|punishing|starve|starving|bite|biting|bruise|bruising) ME`,
		`self (?:harm|harmed|harming|harms|injury|injure|injured|injuring)`,
	),
	pat(Crisis, KindSelfHarm, false,
		`(?:cutting|self harming|harming|burning) again`, `(?:been|started|start|starting) cutting(?: again)? END`,
		`to sh(?: END| again| tonight| today)`, `i sh (?:last|again|yesterday|today|this)`,
		`(?:blade|razor|knife) (?:to|on|against|across|in) my (?:wrist|wrists|arm|arms|skin|leg|legs|thigh|thighs)`,
		`(?:cut|cutting|slash|slashing) my (?:arm|arms|legs|thighs|skin|thigh)(?: again| END)`,
	),
	// Intent to harm others.
	pat(Crisis, KindHarmOthers, true,
		`(?:going to|will|want to|plan to|planning to|about to|i will|feel like|thinking about|thinking of|am going to) (?:kill|killing|stab|stabbing|shoot|shooting|murder|murdering|strangle|strangling|knife|hurt|hurting|harm|harming|attack|attacking|beat up|beating up) PERSON`,
		`(?:kill|murder|stab|shoot) (?:someone|everyone|people|them all)`,
		`(?:bring|bringing|brought|take|taking|carry|carrying) (?:a|my) (?:knife|gun|weapon|blade|machete) (?:to|into|in to|in) (?:work|the office|the shop|the store|tomorrow|with me|the warehouse)`,
		`shoot up (?:the|my) (?:place|work|office|shop|school|store)`,
		`(?:going to|i will|will|want to|planning to|plan to) (?:batter|glass|bottle|knock out|run over) PERSON`,
		`(?:going to|i will|will|want to) smash (?:his|her|their) face`,
		`(?:going to|i will|will|want to|gonna) put PERSON in (?:hospital|the ground|a coffin|intensive care)`,
		`(?:thinking about|going to|want to|will) (?:run|running) PERSON over`,
		`(?:bring|bringing|brought|carry|carrying|got|have|i have) (?:a|my) (?:knife|blade|machete|weapon) (?:in|on) (?:my|me) (?:bag|pocket|coat|car|locker|person)`,
		`(?:i am|i will|going to) grab(?:bing)? (?:a|the|my) knife END`,
		`wait(?:ing)? for PERSON (?:in|at|outside|after) (?:[^.\s]\S* ){0,6}and (?:sort|batter|hurt|get|deal with|stab|kill)`,
		`kill PERSON GAPknow where (?:he|she|they) (?:lives|live|works|work)`,
	),
	// Worries: distress without a clear statement of risk.
	pat(Worry, KindDistress, false,
		`can not go on(?: like this| any more)? END`, `can not go on like this`,
		`can not (?:do|take|handle) (?:this|it|any of this|life)(?: any more)? END`, `can not (?:do|take|handle) (?:this|it|life) any more`,
		`can not cope`, `not coping`,
		`i give up END`, `give up on (?:everything|myself)`, `(?:feel like|want to) giv(?:e|ing) up END`,
		`what is the point END`, `what is the point (?:of|in) (?:anything|it all|everything|trying|any of this)`,
		`hopeless`, `no hope`, `no way out(?: END| of (?:this|it|here))`, `(?:feel|am|i am) trapped`,
		`hate (?:myself|my life|my self|being me|being alive)`, `worthless`, `burden`,
		`no one (?:cares|would care|will care) END`, `no one (?:cares|would care|will care|gives a \S+) (?:about me|if i|whether i)`,
		`dark (?:place|thoughts)`, `thoughts (?:are|feel|have been|were|getting) (?:dark|scary|bad|horrible)`, `(?:bad|scary|horrible|awful|intrusive|dark) thoughts`, `can not stop the thoughts`,
		`(?:do not|never) feel safe`, `(?:i am|am) not safe`,
		`i am (?:not|no) (?:ok|okay|alright|coping)(?: at all)? END`,
		`i need help END`, `need help (?:i|please|now)`, `(?:please|someone) help(?: me)? END`, `^help me END`,
		`wish (?:i|that i) (?:was|were|had) never (?:been )?born`,
		`(?:want to|wanna) disappear`, `run away and never come back`,
		`(?:see no|do not see a|do not see the|no|do not have a|have no) (?:future|way forward)`,
		`(?:see no|do not see a|do not see the|no) point(?: any more| END| in (?:anything|living|life|trying|going on)| of (?:anything|living|life|trying))`,
		`can not see a (?:way forward|way out|future)`,
		`kill me now`, `(?:someone|please) kill me`, `^kill me END`,
		`(?:i will|swear) kill PERSON`,
		`could (?:kill|murder|strangle|stab) PERSON`,
		`(?:want to|going to|could|will|feel like) (?:punch|batter|hit|slap|deck|smack|thump|beat) (?:him|her|them|someone|my \S+|the (?:manager|boss|supervisor|customer))`,
		`make (?:them|him|her) (?:all )?pay`, `(?:they will|he will|she will) be sorry`,
		`do not want to be here END`, `(?:will not|not going to|am not going to) be (?:around|here) tomorrow END`,
		`(?:pain|it|everything|this) to stop END`,
		`relapsed`,
		`(?:is )?(?:it|life) worth it END`, `wonder (?:if|whether) (?:it is|life is|living is) worth it`,
		`(?:everything|life|my life|it all) (?:is|feels|seems) pointless`,
		`done with (?:everything|life|it all)`, `tired of everything`,
		`i am (?:falling apart|breaking down|having a breakdown)`, `having a (?:breakdown|nervous breakdown)`,
		`scared (?:of what i might do|i might do something)`, `might do something stupid`,
		`do not want to live like this`,
		`can not (?:carry on|keep going|keep doing this|take much more|take any more)`, `breaking point`, `feel like i am drowning`,
		`(?:not see any|not have any|lost all|lost) hope`, `hate (?:who i am|what i am|everything about me)`,
		`no one (?:would|will) (?:notice|miss me|care)`, `(?:everyone|they all|everybody) hates? me`,
		`scared of ME`, `scared (?:i will|i might|i am going to) do something`, `(?:going to|might|will|could) do something (?:bad|stupid|silly|dangerous)`,
		`help me please`, `need someone to talk to`, `run away from (?:everything|it all|life)`,
		`(?:it all|thoughts|voices|pain|everything) to stop`, `what is the point any more`, `nothing matters`, `empty inside`,
		`i am giving up END`, `giv(?:e|ing) up on (?:everything|myself|life)`,
		`(?:life|everything|my life) (?:is|feels|seems) (?:meaningless|pointless|empty)`, `smash (?:his|her|their) face`,
		`(?:want to|wanna) (?:disappear|vanish)`, `burn GAPdown`,
		`i am (?:struggling|not coping|losing it) END`, `struggling (?:to keep going|to cope|to go on|with everything|with life)`, `struggling much`,
		`(?:everything|it all|it is all|all) (?:is |feels )?too much`, `i (?:am|feel) (?:low|alone|empty|worthless|hopeless) END`,
		`(?:at|hit|hitting|reached) rock bottom`, `(?:despise|loathe|disgusted with|disgust|sick of) ME`, `waste of (?:space|oxygen|air)`,
		`failure at everything`, `i am (?:a|such a) failure`, `no one (?:likes|loves|wants) me`, `i have no one END`,
		`(?:do not|would not) care (?:what happens to me|if i live or die|if i die|if something happened to me)`, `would not mind if (?:something|anything) (?:happened|happens) to me`,
		`scared of my thoughts`, `thoughts scare me`, `thoughts i should not`, `losing my mind`,
		`get (?:someone|help) END`, `have given up END`, `point (?:of|in) me END`, `see a way out(?: END| of (?:this|it))`, `can not any more END`,
		`how much (?:longer|more) (?:i can|can i)`, `(?:in|at) a (?:bad|dark|horrible|awful|terrible|scary) (?:way|place)`,
		`not in a good (?:place|way|headspace) END`,
		`(?:have not|not) (?:eaten|eat) (?:in|for) (?:\S+ )?(?:days|day)`, `stopped eating`, `can not face food`,
		`not slept (?:for|in) GAP(?:nights|days)`, `wish i could disappear`, `can not stop crying`,
		`feel (?:completely |so |totally )?(?:empty|numb)(?: all the time| inside| every day)? END`, `make (?:everything|it all|it) go away`, `can not get out of bed`,
		`voices (?:are back|are telling|are saying|again|keep)`, `thoughts are back`,
		`(?:have not been|not been|stopped|stop) taking my (?:meds|medication|tablets|pills)`, `drinking every (?:night|day)`,
		`(?:everyone is|they are|people are) sick of me`, `do not know why i bother`, `can not see (?:a|any) future`,
		`do not know what i am going to do END`, `better (?:off|of) not GAPme`, `scared of what i am thinking`,
		`do not know what is happening to me`, `it is all planned`, `when the house is empty`,
		`(?:when|after|once) i am gone`, `sorry for everything END`,
		`(?:stood|standing|sat|sitting|waiting) (?:by|on|near) the (?:tracks|railway|rail line|line) again`,
		`time i went END`, `do not (?:bother|need to) (?:checking|check) (?:in|on me)(?: any more)?`, `head is not in a good place`, `dark day`, `(?:hate|do not recognise|do not recognize) ME`,
	),
)

func concat(lists ...[]crisisPattern) []crisisPattern {
	var out []crisisPattern
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// vocabulary is every word the patterns use, so mend knows what to aim for;
// squashed maps each one's squashed form back to it.
var vocabulary, squashed = func() (map[string]bool, map[string]string) {
	v := map[string]bool{}
	word := regexp.MustCompile(`[a-z]+`)
	add := func(p string) {
		for _, w := range word.FindAllString(macros.Replace(p), -1) {
			v[w] = true
		}
	}
	for _, p := range concat(shields, patterns, conceptPatterns, dangerPatterns, distressConcepts) {
		add(p.re.String())
	}
	for _, r := range spelling {
		add(r)
	}
	// Regexp syntax leaves fragments like "i" and "s"; harmless, as they are words anyway.
	sq := map[string]string{}
	for w := range v {
		if len(w) < 3 {
			continue
		}
		k := squash(w)
		if prev, ok := sq[k]; ok && prev != w {
			sq[k] = "" // two words squash alike: leave such inputs alone
			continue
		}
		sq[k] = w
	}
	for k, w := range sq {
		if w == "" {
			delete(sq, k)
		}
	}
	return v, sq
}()

// DetectCrisis reads one message: the rules, then the model's scores
// folded in (combine).
func DetectCrisis(text string) Detection {
	return combine(readRules(text), wordCount(text), crisismodel.Embedded().Scores(text))
}
