package flows

// Weak signals: things that are not enough alone but read as a crisis when
// they come together. "sorted my will" is sensible at any age, "left the
// bank details for my brother" is tidy, "been thinking about it all day" is
// anything; all three in one message are a goodbye. Each signal belongs to
// a family, and it is two different families (or a distress the rules
// already worry about, and one of them) that escalate: the concepts
// combine, a second phrase of the same kind adds nothing.
//
// Signals are read on the canonical words after idioms, reports about
// others and negations are taken out, and never when the message holds a
// negation, a report about someone else or a joke (readRules).

type signalFamily uint32

const (
	// sigDistress is the rules' own worry of distress or self-harm.
	sigDistress signalFamily = 1 << iota
	// sigHint: a hint of finality that is everyday talk without distress
	// ("time to go", "after tonight", "made up my mind").
	sigHint
	// sigPlace: a place or a means named, without the writer there or
	// holding it ("bridge", "rope", "all my pills").
	sigPlace
	// sigMeans: the writer has or can get the means ("i know where the
	// key is", "counted out 60").
	sigMeans
	// sigEdge: at an edge, looking down or over.
	sigEdge
	// sigFinality: affairs put in order ("sorted my will", "so my dad
	// isn't left with it").
	sigFinality
	// sigFarewell: a goodbye ("bye everyone", "nice knowing you").
	sigFarewell
	// sigRumination: a pull that does not let go ("been thinking about it
	// all day").
	sigRumination
	// sigSecrecy: waiting to be alone.
	sigSecrecy
	// sigTime: a time set.
	sigTime
	// sigPlan: "im doing it", "ill go through with it".
	sigPlan

	// Danger from someone else.
	sigDangerWorry // the rules' own worry of danger
	sigPresence    // the other person is here, outside, waiting
	sigFlight      // hiding, running out, locked in a room to get away
	sigRage        // smashing the place up, kicking off
	sigPolice      // 999 or the police called or come
	sigRepeat      // again, every night, the third time this week
	sigIntimidate  // notes, photos of the house, watched
	sigBreakIn     // breaking in, trying the door
	sigControl     // the phone taken, writing in secret

	// Harm to others.
	sigHarmWorry // the rules' own worry of harming someone
	sigHarmPlan  // knows where they are, or with what
)

// signal is a weak signal: its family, and what it raises alone.
type signal struct {
	gatedRegexp
	family signalFamily
	alone  Concern
}

func signals(family signalFamily, alone Concern, ps ...string) []signal {
	out := make([]signal, len(ps))
	for i, p := range ps {
		out[i] = signal{gatedRegexp: gate(compile(conceptMacros.Replace(p))), family: family, alone: alone}
	}
	return out
}

func concatSignals(lists ...[]signal) []signal {
	var out []signal
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// readSignals returns the families of the signals in t, and the most a
// single one raises alone. Two different affairs put in order ("sorted my
// will", "left the bank details for my brother") count as two families:
// one is housekeeping, both are a goodbye.
func readSignals(t *indexed, from []signal) (signalFamily, Concern) {
	var fams signalFamily
	alone := NoConcern
	affairs, control := 0, 0
	for _, sg := range from {
		if sg.mayMatch(t) && sg.re.MatchString(t.s) {
			fams |= sg.family
			alone = max(alone, sg.alone)
			switch sg.family {
			case sigFinality:
				affairs++
			case sigControl:
				control++
			}
		}
	}
	// Likewise two signs of being controlled ("he has my phone", "please
	// don't text back").
	if affairs >= 2 {
		fams |= sigFarewell
	}
	if control >= 2 {
		fams |= sigFlight
	}
	return fams, alone
}

// count is how many families are in f.
func (f signalFamily) count() int {
	n := 0
	for ; f != 0; f &= f - 1 {
		n++
	}
	return n
}

// suicideTogether: whether the suicide signals read together are a crisis.
// A distress with any hint, place or signal (as "tired of fighting, i
// think its time to go"); two of the signals about the writer; a place, or
// a time, with the means or an edge. A goodbye or a
// wait to be alone is not enough with a place or a time only ("said
// goodbye at the bridge club").
func suicideTogether(f signalFamily) bool {
	strong := f & (sigMeans | sigEdge | sigFinality | sigFarewell | sigRumination | sigSecrecy | sigPlan)
	switch {
	case f&sigDistress != 0 && f&(strong|sigHint|sigPlace) != 0:
		return true
	case strong.count() >= 2:
		return true
	case f&(sigMeans|sigEdge|sigFinality|sigRumination|sigPlan) != 0 && f&sigPlace != 0:
		return true
	case f&(sigMeans|sigEdge) != 0 && f&sigTime != 0:
		return true
	}
	return false
}

// dangerTogether: danger signals read together. Police and repetition are
// only context; the others say someone is a danger now.
func dangerTogether(f signalFamily) bool {
	core := f & (sigPresence | sigFlight | sigRage | sigIntimidate | sigBreakIn | sigControl)
	all := f & (core | sigPolice | sigRepeat)
	switch {
	case f&sigDangerWorry != 0 && all != 0:
		return true
	case core != 0 && all.count() >= 2:
		return true
	}
	return false
}

// readCombined raises r by the signals in t: what the concepts say together
// that none of them says alone.
func readCombined(t *indexed, r ruleReading) ruleReading {
	if r.Concern == Crisis {
		return r
	}
	var f signalFamily
	switch {
	case r.Concern == Worry && (r.Kind == KindDistress || isSelfKind(r.Kind)):
		f |= sigDistress
	case r.Concern == Worry && r.Kind == KindDanger:
		f |= sigDangerWorry
	case r.Concern == Worry && r.Kind == KindHarmOthers:
		f |= sigHarmWorry
	}
	sf, sAlone := readSignals(t, suicideSignals)
	if suicideTogether(f | sf) {
		return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindSuicide}}
	}
	df, dAlone := readSignals(t, dangerSignals)
	if dangerTogether(f | df) {
		return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindDanger}}
	}
	if f&sigHarmWorry != 0 {
		if hf, _ := readSignals(t, harmSignals); hf != 0 {
			return ruleReading{Detection: Detection{Concern: Crisis, Kind: KindHarmOthers}}
		}
	}
	if r.Concern == NoConcern {
		switch {
		case sAlone == Worry:
			r.Detection = Detection{Concern: Worry, Kind: KindDistress}
		case dAlone == Worry:
			r.Detection = Detection{Concern: Worry, Kind: KindDanger}
		}
	}
	return r
}

// suicideSignals are the weak signals of suicide, by family.
var suicideSignals = concatSignals(
	signals(sigHint, NoConcern,
		`(?:it is |think it is |its )?time (?:for me )?to go END`, `time i (?:went|was gone|left)`, `(?:it|nothing) will not matter (?:after|soon|any more|tomorrow)`,
		`after tonight`, `for good END`, `(?:one|the) last time`, `sorry for everything`,
		`(?:look|looking) after (?:my|the) (?:kids|cat|dog|children|mum|family)`, `(?:will not|not going to) be a (?:problem|burden) (?:for|much|any)`,
		`make it stop for good`, `(?:made up my mind|my mind is made up)`, `(?:fix|sort|solve|end) (?:that|it|this) (?:tonight|for good|permanently|soon)`,
		`(?:end|finish) (?:it|this) (?:for good|properly)`, `(?:i )?want out END`,
	),
	signals(sigPlace, NoConcern,
		`rope`, `noose`, `razor`, `razors`, `blade`, `blades`, `bridge`, `tracks`, `ledge`, `railway line`, `cliff`, `cliffs`,
		`coast`, `quarry`, `canal`, `the river`, `the sea`, `beachy head`, `reservoir`, `the woods`, `the docks`, `flyover`,
		`multi storey`, `top floor`, `viaduct`, `(?:all|enough) (?:of )?(?:my |the )?(?:pills|tablets|meds)`,
	),
	signals(sigMeans, Worry,
		`(?:know|found out|found|worked out) where (?:the|his|her|my \S+|my) (?:gun|guns|shotgun|rifle|gun cabinet|gun safe|gun key) (?:is|are|is kept|are kept|lives)`,
		`(?:gun|guns|shotgun|rifle|gun cabinet|gun safe) GAP(?:know where the key|where the key is|the key is|have the key|got the key|found the key)`,
	),
	signals(sigMeans, NoConcern,
		`(?:know|found out|found|worked out) where (?:the|his|her|my \S+|my) (?:key|keys|pills|tablets|meds) (?:is|are|is kept|are kept|live|lives)`,
		`(?:got|have|bought|have got) (?:\S+ )?(?:petrol|lighter fluid|paraffin) (?:and|with) (?:a |some )?(?:lighter|matches)`,
		`(?:hose|hosepipe|pipe|tubing) (?:\S+ ){0,4}(?:tape|gaffer|duct tape)`,
		`(?:pocketing|pocketed|nicking|nicked|stealing|stole|taking home|taken home|hiding|hid|saving|saved|collecting|collected) (?:\S+ ){0,2}(?:meds|pills|tablets|medication|painkillers|paracetamol)`,
		`(?:counted|counting|count|lined|lining) (?:out |up )?(?:\d+ |all |all of |all the |all my )?(?:my |the )?(?:pills|tablets|meds|paracetamol|painkillers)`,
	),
	signals(sigEdge, Worry,
		`(?:looking|staring|peering|leaning|looked|stared|leaned|leant) (?:over|down over) (?:the )?(?:side|edge|railing|railings|barrier|drop|balcony)`,
		`(?:looking|staring|looked|stared|peering) down at (?:the )?(?:water|road|tracks|drop|traffic|river|rocks)`,
		`(?:pulled over|stopped|parked) on (?:the )?(?:\S+ )?bridge (?:and|for)`,
	),
	signals(sigFinality, NoConcern,
		`(?:sorted|written|wrote|made|done|updated|finished|signed) (?:out )?(?:my|a) (?:will|last will)`,
		`(?:passwords|bank details|bank pin|pin numbers?|account details|login details|logins) GAP(?:for|to) (?:FAMILY|next door)`,
		`(?:will not|does not|is not|do not|are not|would not|never|can not) (?:be |get |have to )?(?:left with|stuck with|lumbered with|out of pocket)`,
		`(?:no one|nobody) (?:gets|get|is|will be|has to) (?:left with|stuck with|lumbered with|pay for)`,
		`(?:sorted|arranged|planned|paid for|organised|booked|chosen|picked) (?:\S+ ){0,2}(?:my (?:own )?|the )funeral`,
		`deleted (?:all )?(?:of )?my (?:socials|social media|accounts|account|facebook|instagram|insta|tiktok|snapchat|twitter|profiles?)`,
		`left (?:my|the) (?:keys|key|car keys|bank card|cards|cat|dog|passwords|will|phone) (?:with|for) \S+`,
		`(?:will not|not going to|do not) need (?:either|it|them|this|that|any of (?:it|this|them)|my \S+(?: \S+)?) (?:after|from|past|by) (?:friday|tonight|tomorrow|the weekend|monday|tuesday|wednesday|thursday|saturday|sunday|next week|this week|today)`,
		`cancelled (?:my )?(?:phone contract|contract|gym|gym membership|subscriptions?|direct debits?|standing orders?|phone)`,
		`(?:gave|given|handed) (?:back )?(?:my )?(?:phone|work keys|keys|car|laptop) (?:back )?to `,
		`sorted (?:it all|everything|all of it) out`, `got (?:it all|everything) sorted`,
		`(?:not|never) (?:coming|going) (?:home|back)(?: END| again| after| tonight| this time)`,
		// Round 5: not coming back, a one-way ticket, the flat given up.
		`(?:might|may|probably|will|maybe i will|i will|i might) not (?:come|be coming|make it|get) back(?: END| this time| again| alive| ever| from (?:it|this|there))`, `one way (?:ticket|trip|journey)`,
		`(?:do not think|not sure) i (?:will|am) (?:be )?(?:coming|going|get|getting|make it|making it) (?:back|home)`,
		`(?:will not|never) be (?:back|coming back)(?: END| again| ever)`,
		`(?:given|gave|handed in|handing in|giving|give) (?:my |in my )?notice on (?:the|my) (?:flat|house|room|place|tenancy)`,
		`will not need (?:either|it|them|any of (?:it|them|this)|those|that|this|any of that)(?: END| any more| again)`,
		`(?:FAMILY|he|she|they|my \S+) can have (?:my|the|all my) \S+`,
		`where (?:no one|nobody) (?:would|will|could|can|is going to) (?:find|see) me`, `(?:the )?last thing (?:on my list|to do|i had to do|i needed to do|left to do)`,
		`(?:sent|texted|messaged|told|rang) (?:\S+ ){0,6}(?:saying|that) i love (?:them|you|her|him|them all)`,
	),
	signals(sigFinality, Worry,
		`(?:sorted|decided|worked out|written down|wrote down) (?:out )?who (?:gets|is getting|will get|should have|can have) (?:my|all my) \S+`,
	),
	signals(sigFarewell, Worry,
		`(?:tell|let) (?:the team|everyone|everybody|the lads|the girls|them all|my team|work) (?:know )?(?:i said )?(?:bye|goodbye)`,
		`game over for me`,
	),
	signals(sigFarewell, NoConcern,
		`(?:said|say|saying) (?:bye|goodbye|my goodbyes) to (?:FAMILY|everyone|everybody)`,
		`look after (?:yourselves|each other|FAMILY for me)`, `bye everyone`, `goodbye`,
		`(?:thanks?|thank you) for (?:everything|trying|putting up with me)`,
		`(?:nice|good|lovely|great) knowing (?:you|ya|everyone|you all|all of you)`,
		`(?:that is|then that is) me done (?:for good|forever)`, `then that is me done END`, `(?:gone|off|done) for good END`,
		`(?:gave|given|giving|give) (?:away )?my (?:dog|cat|cats|dogs|pets?|rabbit|fish|bird|hamster|budgie|tortoise) (?:away|to)`,
	),
	signals(sigRumination, NoConcern,
		`(?:been |keep |i keep )?thinking about it (?:all day|a lot|constantly|non stop|every day|all the time|all night)`,
		`can not stop thinking about (?:it|doing it)`,
	),
	signals(sigPlan, NoConcern,
		`(?:i will|i am going to|going to|gonna|i am) (?:finally )?(?:do it|doing it|go through with it|going through with it)(?: END| then| for real| tonight| tomorrow| this time)`,
		`(?:^|\. )(?:doing it|do it) (?:tonight|tomorrow|then|END)`,
		`(?:my|the) plan is (?:WHEN|on|for|this|next|monday|tuesday|wednesday|thursday|friday|saturday|sunday)`,
		`(?:when|while|once) i (?:do it|go through with it|end it)`,
	),
	signals(sigSecrecy, NoConcern,
		`(?:once|when|after|as soon as|while) (?:the kids|my (?:\S+ )?(?:mum|dad|partner|wife|husband|flatmate|housemate|family|kids|boyfriend|girlfriend)|everyone|everybody|the house|they|he|she) (?:\S+ ){0,3}(?:go|goes|gone|leave|leaves|left|are asleep|is asleep|asleep|go on holiday|goes on holiday|go to (?:school|work|bed|sleep)|goes to (?:school|work|bed|sleep)|are out|is out|at work|go out|goes out|away|are at|is at|are round|is round|are staying|is staying)`,
		`(?:waiting|wait) (?:for|until|till) (?:my |the )?(?:\S+ ){0,2}(?:to go out|to leave|to go to (?:bed|sleep|work)|to fall asleep|to be asleep|to be out)`,
		`(?:when|once|till|until) the (?:house|flat) is empty`,
		`(?:no one|nobody) (?:is|will be|would be) (?:home|in|around|here|there|in the house|in the flat) (?:when|while|till|until) i`,
	),
	signals(sigTime, NoConcern, `WHEN`, `(?:this|next) (?:friday|weekend|week)`, `payday`, `(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)`),
)

// dangerSignals are the weak signals of danger from someone else.
var dangerSignals = concatSignals(
	signals(sigPresence, NoConcern,
		`(?:he|she|they|CLOSE|STALKER|my ex \S+) (?:is |was |has been |been |keeps |is still |was still )?(?:sat|sitting|waiting|parked|stood|standing|hanging around|lurking) (?:outside|in the car park|at the (?:front |back )?door|by the (?:front |back )?door|across the road|over the road|at the end of my|by my|at my|near my)`,
		`(?:he|she|they|CLOSE|STALKER|my ex \S+) (?:is|was|has been|been|is still|keeps turning up) (?:outside|in the car park|at the door|at my (?:door|work|house|flat))`,
		`(?:there is|there are|there was|there were) STALKER (?:stood |standing |sat |sitting |waiting |parked |hanging around )?(?:outside|at|by|round|near) (?:my|the) (?:house|flat|door|window|place|home|work|car)`,
		`(?:he|she|CLOSE) (?:\S+ ){0,2}(?:shouting|screaming|banging|hammering|yelling) (?:at me|outside|at the door|on the door|through the door|through the letterbox)`,
		`(?:he|she|they|CLOSE) (?:is|are) (?:asleep|passed out) now`,
		`(?:got|gets|getting|been|is|was|being) (?:out|released|let out) (?:of|from) (?:prison|jail|custody|the nick)`,
	),
	signals(sigFlight, Worry,
		`(?:hiding|hid|hide) (?:in|from|under|behind|at) (?:\S+ ){0,6}(?:because|cos|as|while|until|till|from) (?:he|she|they|CLOSE|STALKER|my ex)`,
		`locked ME in (?:the|my|a) \S+ (?:\S+ )?(?:\. )?(?:he|she|they|CLOSE|my ex)`,
		`(?:had to |i )?(?:run|ran|get|got|flee|fled|escape|escaped) out (?:of )?(?:the|my|our) (?:house|flat|home|place)`,
		`(?:grab|grabbed) (?:the|my) (?:kids|baby|children|son|daughter) and (?:ran|run|left|got out|went)`,
		`(?:ran|run|went|fled) to (?:the|my) (?:neighbours|neighbors|friends|mums|sisters|car) in my (?:pyjamas|pjs|slippers|nightie|socks|dressing gown)`,
		`(?:need|have) to (?:flee|escape|get away from (?:him|her|them))`, `sleeping in my car because (?:of )?(?:he|she|him|her)`,
		`(?:help|need help|help me) (?:getting|to get|get) (?:out|away)(?: END| of here| of the house| of the flat| of this house| from (?:him|her|them))`, `(?:my )?only chance (?:to|END)`,
	),
	signals(sigRage, NoConcern,
		`(?:he|she|they|CLOSE) (?:is |was |has been |been |keeps |started )?(?:smashing|smashed|breaking|broke|throwing|threw|trashing|trashed|wrecking|wrecked) (?:\S+ ){0,2}(?:everything|the place|the house|the flat|things|stuff|plates|furniture|my stuff|my things)(?: up)?`,
		`(?:he|she|they|CLOSE) (?:is |was )?(?:kicking off|going mental|raging|going crazy)`,
		`(?:smashing|smashed|trashing|wrecking) (?:everything|the place|the house|the flat) up`,
	),
	signals(sigPolice, NoConcern,
		`(?:rang|called|ring|call|phoned|phone|dialled|dial) (?:the )?(?:999|police|cops|feds)`, `police (?:had to come|came|were called|turned up|came round last night)`,
	),
	signals(sigRepeat, NoConcern,
		`again (?:tonight|today|this week)`, `every (?:night|day|morning|evening)`, `(?:second|third|fourth|fifth|3rd|4th|5th) (?:time|night|day)`,
		`(?:twice|three times|four times|again) this week`, `(?:keeps?|kept) (?:coming|turning up|showing up|trying|doing it|ringing|calling|phoning|texting|messaging)`, `at night`,
	),
	signals(sigIntimidate, Worry,
		`(?:photo|picture|pic|photos|pictures|pics|video) of (?:my|our) (?:front door|house|flat|door|window|street|kids school|school gates)`,
		`(?:leaving|left|leaves|sending|sent|putting|put|pushing|pushed) (?:\S+ ){0,2}(?:notes|letters|things|flowers|gifts|stuff|cards) (?:on|at|through|under|in) (?:my|the) (?:car|door|doorstep|windscreen|letterbox|house)`,
	),
	signals(sigIntimidate, NoConcern,
		`(?:watching|watch|watched) (?:me|the house|my house|my flat|my place|where i live)`, `(?:hanging|hangs|hung) up`,
		`(?:someone|somebody|a (?:man|guy|bloke|woman)|an? (?:unknown|private|withheld|new) (?:number|caller)|unknown number|withheld number|he|she|they|my ex) (?:\S+ ){0,6}(?:asking|asked|asks) (?:\S+ ){0,3}(?:which|what) (?:nights|days|shifts|times|hours) i am (?:on|working|in|there)`, `found my (?:facebook|instagram|insta|socials|address|number|home address)`, `(?:unknown|private|withheld|blocked|new|different|another) number`,
	),
	signals(sigControl, Worry,
		`(?:he|she|they|CLOSE) (?:has|has got|took|taken|got|smashed|keeps|hid|hides) (?:mine|my phone|my (?:\S+ )?phone)`,
		`(?:please )?(?:do not|can not|never) (?:text|message|call|ring|reply|contact me|email)(?: me)?(?: back| on (?:this|that|here|discord|my phone|this number))`,
		`(?:typing|texting|messaging|writing|using|on) (?:this )?(?:from|on) (?:my )?(?:work|friends|mums|mates|sisters|secret|other|spare|borrowed) (?:phone|one|laptop|computer)`,
		`(?:checks|goes through|reads|monitors|tracks) (?:all )?my (?:phone|messages|texts|location|emails|bank|spending)`,
		`(?:have to|made to|makes me|make me) account for every (?:minute|penny|pound|hour|second)`,
	),
	signals(sigBreakIn, Worry,
		`(?:he|she|they|CLOSE|STALKER|my ex|AGENT) GAP(?:broke|broken|breaks|forced (?:his|her|their) way) in`,
		`(?:kicked|kicks|booted|smashed|broke|put|putting) (?:the|my|our) (?:front |back |bedroom |bathroom )?(?:door|window|windows) (?:in|down|through)`,
		`(?:trying|tried|tries|try|rattling|rattled|rattles) (?:my|the) (?:front |back |bedroom )?(?:door handle|door|handle|windows?|letterbox)`,
		`(?:trying|tried|tries) to (?:get|break) in(?:to)? (?:my|the|our) (?:flat|house|room|place|bedroom|home)`,
	),
)

// harmSignals: a plan to act on a wish to hurt someone.
var harmSignals = signals(sigHarmPlan, NoConcern,
	`know where (?:he|she|they|PERSON) (?:lives|live|works|work|drinks|drink|goes|go|parks|park|hangs out)`,
	`(?:waiting|wait) (?:for|outside) (?:him|her|them)`,
	`with (?:a|the|my) (?:hammer|knife|bat|machete|blade|bottle|brick|crowbar|gun)`,
	`(?:nearly|almost) did(?: it)?`, `still want to`,
)
