package flows

import "strings"

// The concept families of issue 11. Each family is a set of macros (the
// concepts) and the patterns that combine them: a means with the writer
// holding it or being there, a count of tablets already taken, a goodbye
// with no ordinary reason given, a voice with a command to harm, another
// person with a harm done or threatened to the writer. A concept alone is
// rarely enough: "knife" is in every kitchen, "he hit me" is not the same
// as "he hit the target".

// conceptMacros are expanded in every pattern of this file before the
// shared macros are (so that HOME, say, is not read as HO + ME).
var conceptMacros = strings.NewReplacer(
	// AGENT: someone other than the writer, who could harm them.
	"AGENT", `(?:he|she|they|him|her|them|my (?:ex |step |ex step )?(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|dad|father|stepdad|mum|mom|mother|stepmum|brother|sister|son|daughter|uncle|cousin|flatmate|housemate|landlord|neighbour|neighbor|manager|boss|supervisor|colleague|coworker|co worker|team leader|carer|ex)|(?:a|the|this|that|some|one) (?:customer|guy|man|bloke|lad|lads|woman|girl|stranger|person|colleague|driver|punter|client|men)|someone|somebody|some lads|his mates|her mates)`,
	// HURTME: harm done or happening to the writer.
	"HURTME", `(?:hit|hits|hitting|punched|punches|punching|slapped|slaps|slapping|kicked|kicks|kicking|beat|beats|beating|beaten|battered|batters|strangled|strangles|strangling|choked|chokes|choking|grabbed|shoved|attacked|attacks|assaulted|raped|rapes|raping|groped|gropes|groping|molested|hurt|hurts|hurting|stabbed|burned|burnt|headbutted|dragged|pinned|smacked|whacked|thumped|abused|abuses|abusing|harassing|harasses|harassed|threatened|threatens|threatening|strangle|choke|rape|abuse) me`,
	// THREATME: harm the writer is told is coming.
	"THREATME", `(?:kill|hurt|stab|batter|beat|hit|shoot|strangle|burn|punch|rape|murder|end|get|come for|come after|smash|break) me`,
	// FEARV: being afraid.
	"FEARV", `(?:scared|afraid|terrified|frightened|petrified|fearful|scared stiff|too scared|too afraid)`,
	// CLOSE: the people a client may live with or be controlled by.
	"CLOSE", `(?:him|her|my (?:ex |step )?(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|dad|father|stepdad|mum|mom|mother|stepmum|brother|sister|flatmate|housemate|landlord|uncle|cousin|son|ex))`,
	// STALKER: who follows, watches or turns up uninvited.
	"STALKER", `(?:he|she|they|someone|somebody|my ex(?: partner| husband| wife| boyfriend| girlfriend)?|(?:a|the|this|that|some) (?:guy|man|bloke|stranger|lad|lads|woman|men|customer))`,
	// HOME: where the danger is.
	"HOME", `(?:home|my (?:own )?(?:house|home|flat|room|place)|the (?:house|flat))`,
	// MEANS: objects that can end a life.
	"MEANS", `(?:knife|knives|blade|blades|razor|razors|rope|noose|belt|ligature|pills|tablets|paracetamol|meds|gun|cord|bleach|sertraline|codeine|co codamol|insulin|vodka and (?:pills|tablets))`,
	// HIGH: places to fall or be hit from.
	"HIGH", `(?:roof|bridge|ledge|edge|tracks|railway|rail line|cliff|cliffs|top of the car park|top floor|multi storey|car park roof|balcony|viaduct|motorway bridge)`,
	// DRUG: what an overdose is taken of.
	"DRUG", `(?:pills|tablets|paracetamol|paracetamols|ibuprofen|aspirin|meds|medication|medicine|sertraline|citalopram|fluoxetine|mirtazapine|amitriptyline|diazepam|propranolol|quetiapine|olanzapine|lithium|codeine|co codamol|tramadol|morphine|oxycodone|insulin|zopiclone|promethazine|antidepressants|painkillers|sleeping pills|of (?:my \S+|them|those|these|the \S+))`,
	// WHEN: a time set.
	"WHEN", `(?:tonight|today|tomorrow|now|right now|this weekend|this week|at the weekend|after payday|on payday|after my shift|after work|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|soon|later|in the morning|before morning|this time tomorrow)`,
)

func cpat(concern Concern, kind string, negatable bool, ps ...string) []crisisPattern {
	for i, p := range ps {
		ps[i] = conceptMacros.Replace(p)
	}
	return pat(concern, kind, negatable, ps...)
}

// conceptIdioms are everyday uses of the concepts' words, blanked like the
// safe idioms before any pattern reads the message.
var conceptIdioms = func() []string {
	ps := []string{
		// "my boss will kill me if I'm late": the threat is a figure of speech,
		// unless what would set it off is leaving or telling (dangerConditional).
		`(?:kill|murder|strangle|slaughter|throttle|skin|crucify) me (?:if|when|for|because|after|cos|coz)`,
		`(?:mum|mom|mam|mother|nan|gran|boss|manager|supervisor|team leader|teacher|coach|missus|mrs) (?:is |will |would |is going to |going to |gonna )?(?:kill|murder|strangle|slaughter|throttle|skin|crucify|have) me`,
		`\d+ (?:\S+ )?(?:tablets|pills|meds|capsules) (?:a|per|every|each) (?:day|morning|night|week|evening)`,
		`(?:beat|beats|beaten|battered|thrashed|hammered) me (?:at|in|to|on) (?:darts|pool|chess|football|tennis|squash|cards|scrabble|a game|the game|golf|it|the quiz|mario kart|fifa|badminton)`,
		`(?:follow|follows|followed|following) me (?:on|back on) (?:instagram|insta|twitter|x|tiktok|facebook|fb|snapchat|snap|linkedin|social media|here|there|strava|spotify|twitch|youtube)`,
		`(?:follow|follows|followed|following) me (?:back|up on)`,
		`(?:touched|touches) me (?:deeply|a lot|so much)`, `(?:pushed|pushes|pushing) me to (?:do|apply|go|be|try|take)`,
		`(?:hit|hits) me (?:that|how|hard that|like a ton)`, `(?:it|reality|the news|that) (?:hit|hits|really hit) me`,
		`(?:got|i got|was|been) (?:battered|hammered|thrashed|beaten) (?:at|in) \S+`,
		`overdos\S* (?:of|on) (?:meetings|work|emails|coffee|sugar|chocolate|caffeine|tv|telly|netflix|paperwork|carbs|crisps|cake|sweets|sun|sunshine|tea|energy drinks|red bull|monster|love|cheese|christmas|films|sleep|exercise|screen time|social media|admin)`,
		`(?:rather|prefer to) (?:die|be dead) than (?:do|doing|go|going|sing|singing|work|working|sit|sitting|attend|wear|eat|eating|talk|watch|present|presenting|dance|dancing|give|speak|speaking|be seen|listen|play|run|wait|queue|drive|fill|answer|ring|call|phone|email|deal|face another meeting|have|make|read|clean|stand|use|do another|go back to that)`,
		`(?:shot|shoot|shooting) (?:myself|me|ourselves) in the foot`,
		`(?:last|final) (?:check in|checkin|check ins|message|shift|day) (?:before|for|until|till|of the|this|on|at)`,
		`(?:give|giving|gave|given) (?:away )?(?:all )?(?:my )?(?:old|spare|unused|outgrown|kids) \S+`,
		`(?:to|for) (?:the )?charity(?: shop)?`,
		`(?:end|ending|ended) (?:it|things) with (?:him|her|them|my \S+)`, `(?:end|ending|ended) my (?:contract|membership|subscription|tenancy|lease|shift|call|relationship)`,
		`(?:jumped|jump|jumping) (?:in|into) (?:the|a) (?:pool|sea for a swim|lake for a swim|shower|car|taxi|cab|queue|conversation|deep end)`,
		`(?:jumped|jump|jumping) (?:on|off) (?:the|a) (?:next|bus|train|tram|bike|call|phone|wall at parkour|bandwagon)`,
		`(?:voices|voice) (?:in|on) (?:the|that|this|a) (?:podcast|film|show|advert|video|game|audiobook|radio|play|choir|cartoon)`,
		`(?:voices|arguing|shouting) next door`,
		`(?:knife|knives) (?:at work|for the kitchen|in the kitchen|is blunt|are blunt|block|set|skills)`,
		`(?:on|up on|fixing) the roof (?:fixing|to fix|cleaning|checking|working|with|doing)`,
		`parked (?:on|at) (?:the )?(?:roof|top)`, `(?:roof|bridge|rooftop) (?:terrace|garden|top bar|bar|club|cafe|restaurant|party)`, `(?:on|over) the bridge (?:stuck|in traffic|queuing|to work)`,
		`rope (?:at|in) the gym`, `(?:skipping|climbing|tow) rope`,
		`tablet (?:died|is dead|broke|screen|charger)`, `my tablet`,
		`(?:safeguarding|training|course|policy|film|documentary|show|series|podcast|article|book) (?:on|about) (?:domestic \S+|coercive control|stalking|abuse|violence|rape|assault|suicide|self harm)`,
		`(?:not|never|no longer) (?:scared|afraid|frightened) of (?:him|her|them) (?:any more|now)`,
		`(?:attacked|bitten|stung|chased|followed|mugged) by (?:a |the |some |an )?(?:swarm|wasp|wasps|bees|bee|dog|dogs|cat|seagull|seagulls|goose|geese|pigeon|pigeons|mosquitos|mosquitoes|midges|spider|horse|cow|fox|squirrel|crow|magpie|toddler|printer)`,
		`(?:training|course|awareness|talk|session|workshop|lecture|leaflet|module|poster|campaign) (?:on|about|for|in) (?:\S+ )?(?:suicide|self harm|overdoses?|domestic (?:abuse|violence)|knife crime|stalking|sexual (?:harassment|assault)|first aid|naloxone)`,
		`naloxone`, `hit me (?:up|with (?:a|an|another|the|some|loads|more|this|that))`, `kicked me out of (?:bed|the game|the group|the chat|the team|the meeting)`,
		`(?:scared|frightened|startled) me (?:jumping|by jumping|when (?:he|she) jumped|popping)`, `(?:roof|rooftop) (?:deck|pool|bar|terrace)`, `bridge (?:team|club|night|game|player|partner|drive)`,
		`affairs (?:for|before) (?:the|my|a) (?:house move|move|moving|holiday|trip|retirement|new job|baby|wedding|operation)`, `(?:disappear|vanish|escape) (?:on|to|for|off to|off on) (?:a |the )?(?:holiday|beach|island|week|weekend|break|spa|cabin|mountains|cruise)`,
	}
	for i, p := range ps {
		ps[i] = conceptMacros.Replace(p)
	}
	return ps
}()

// leavingWork marks a message about leaving a job, where a goodbye is only
// a goodbye; farewells are what it lowers.
var leavingWork = compile(
	`(?:last|final) (?:shift|day|week|night) (?:at|here|in|with|of|before|tomorrow|today)`, `(?:leaving|retirement) (?:do|party|drinks|card|present)`,
	`new job`, `retiring`, `moving on to`, `(?:handed|gave|giving|put) (?:in )?my notice`, `last day tomorrow`, `(?:last|final) shift`,
)

var farewells = compile(`goodbye(?: everyone| all| world)?`, `bye(?: everyone| all)?`, `thanks? (?:you )?for everything`, `said my goodbyes`)

// dangerConditional is a threat whose trigger is the writer getting away or
// getting help ("he'll kill me if i leave"): read before the idioms blank
// "kill me if …" as a figure of speech.
var dangerConditional = compile(
	`(?:kill|hurt) (?:himself|herself|themselves) and me`, `(?:take|taking|took) (?:the|my) (?:kids|children|baby) (?:\S+ ){0,8}if i (?:leave|go|tell|left|report)`,
	conceptMacros.Replace(`FEARV (?:that )?(?:he|she|they|AGENT) (?:is going to|will|might|would|is gonna|could) (?:kill|hurt|murder|batter|beat) me`),
	`(?:kill|murder|hurt|beat|batter|strangle|stab|find|come for|hunt) me (?:if|when|the moment) (?:i|i ever|i even) (?:leave|left|tell|told|call|called|ring|report|reported|go to the police|talk to|speak to|try to leave|try and leave|say anything|contact|see my|go|went|get help|move out)`,
	`(?:if|when) i (?:leave|left|tell|told|call|report|go to the police|try to leave|move out) GAP(?:he|she|they) (?:will|would|is going to|said he would|said she would) (?:kill|hurt|find|come for) (?:me|the kids|my kids|my family)`,
)

// deliberateInjury is an injury with a tool nobody is hurt by at work
// ("burned my arm with a lighter"), read before the accident idioms.
var deliberateInjury = compile(
	`(?:burned|burnt|burning|cut|cutting|scratched|scratching|carved) my (?:\S+ ){0,2}(?:with|on) (?:a|the|my) (?:lighter|cigarette|razor|blade|compass|sharpener blade|pencil sharpener)`,
)

// conceptPatterns are the concept families, in the same form as patterns.
var conceptPatterns = concat(
	// Means with the writer holding them, having them ready, or being there.
	cpat(Crisis, KindSuicide, true,
		`(?:got|have|holding|hold|with|bought|found|buying|sat here with|sitting here with|in front of me with) (?:a |the |my |some |all my |\d+ )?(?:\S+ )?MEANS (?:next to me|beside me|by me|in front of me|in my hand|in my hands|on the (?:table|bed|side)|ready|out|lined up|here|with me|right here|now|to do it|tonight|in my pocket)`,
		`MEANS in my hand`, `holding (?:a|the|my) MEANS`, `(?:looking|staring|keep looking) at the (?:knives|knife|blades|razor|rope|pills|tablets)`,
		`(?:have|got|bought|found) (?:the|a) (?:rope|noose|ligature|beam)`, `(?:tied|tying|tie) (?:the|a) (?:rope|noose|ligature)`, `found a (?:good|strong) (?:beam|hook|tree|branch)`,
		`(?:enough|all the) (?:pills|tablets|meds|paracetamol) to (?:do it|die|end it|kill ME|not wake up)`,
		`bought (?:\d+|loads of|lots of|several|a few) (?:packs|packets|boxes) of (?:pills|tablets|paracetamol|painkillers)`, `(?:bag|box|pile|stash) of (?:pills|tablets) ready`,
		`(?:i am|am|standing|stood|sat|sitting|waiting|stand|sit|been) (?:on|at|by|near|at the edge of|on the edge of) (?:the |a )?(?:\S+ )?HIGH(?: of (?:the |a )?(?:car park|multi storey|building|bridge|block))?`,
		`(?:i am|am|standing|stood|sat|sitting|waiting) (?:at|on|by) (?:the )?top of (?:the|a) (?:car park|multi storey|building|block|flats|tower)`,
		`(?:walking|walked|going|heading|driving) (?:to|towards|down to|up to) (?:the )?(?:tracks|railway|rail line|cliffs|cliff|top of the car park)`,
		`(?:platform|station) GAPwaiting for the (?:fast|next fast|express) train`,
		`(?:^|\. )(?:at|on|by) (?:the )?(?:top|edge) of (?:the|a) (?:car park|multi storey|building|bridge|cliff|block|tower)`,
		`(?:sat|sitting) here with (?:a|the|my) MEANS`,
		`(?:going to|gonna|want to|will|about to|thinking of|thinking about|plan to|planning to|ready to|tempted to|might|i will|i am going to) (?:jump|jumping)(?: END| off| from| tonight| now| in front| today| later| when)`,
		`(?:jump|jumping) (?:off|from) (?:the |a )?(?:\S+ )?HIGH`,
		`(?:engine|exhaust) (?:on|running) in the garage`, `hose (?:is )?in the car`, `(?:sat|sitting|i am) in the car with the engine (?:on|running)`,
		`(?:walk|walking|walked|swim|swimming) (?:in|into|out into) the (?:sea|river|canal|lake|water)(?: END| and| tonight| until| till)`,
		`drive (?:into|off) (?:a|the) (?:wall|tree|bridge|cliff|river|lorry)`,
	),
	// Plan and time.
	cpat(Crisis, KindSuicide, true,
		`(?:i am|am) (?:going to|gonna) do it (?:WHEN)(?: END| and| i| because| so)`,
		`(?:doing|do) it WHEN END`, `(?:it|this) (?:is )?happening WHEN END`,
		`(?:picked|chosen|chose|set|got) a date(?: END| for it| for when)`, `(?:know|worked out|decided) how and when`,
		`(?:planned|plan|planning) it (?:all )?out`, `it will (?:all )?be over (?:by|before|after) (?:tomorrow|tonight|the morning|the weekend|monday|friday)`,
		`(?:will not|not going to) be (?:here|around|alive) (?:by|in|tomorrow|for) (?:the morning|tomorrow|the weekend|monday|long|much longer|next week)`,
		`(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|today|tomorrow) is the (?:day|night) END`,
		`(?:after|on) payday GAPend(?:ing)? (?:it|things|my life)`,
		`end(?:ing|in)? (?:it|things|everything) (?:after|before|at|on|this|tonight|soon|when|once)`,
		`(?:thinking|thought|think) (?:about|of|bout) end(?:ing)? (?:it|things|everything)`,
		`(?:take|taking|swallow|swallowing|took) everything (?:i have|in the house|i have got|i can find|in the cupboard)`,
		`(?:been )?(?:stockpiling|hoarding|squirrelling away|hiding) (?:my |all my |the )?(?:meds|pills|tablets|medication|paracetamol|painkillers)`,
		`been (?:collecting|saving) (?:up )?(?:my |all my |the )?(?:meds|pills|tablets|medication|paracetamol|painkillers)`,
		`(?:will not|not going to|do not think i will|not) (?:be )?(?:do|doing|need|needing|have|having) (?:these|the|my|any more) check ins (?:much longer|for long|for much longer|after|any more)`,
		`(?:nearly|almost) did it (?:last night|yesterday|today|this morning|at the weekend|again|on)`,
		`(?:^|\. |i |i have )(?:attempted|tried again)(?: again| on| last| at| yesterday| END| suicide)`, `tried to (?:hang|kill|drown|poison|gas|overdose|end) ME`,
		`about to take (?:all )?(?:my|the) (?:pills|tablets|meds|medication)`, `(?:drinking|drunk|vodka|wine|alcohol|whisky|gin|booze) and (?:\S+ ){0,3}(?:my |the |all my )?(?:pills|tablets|meds)`,
		`(?:in the bath|in bed|in the car|in the garage|in the bathroom|in my room|lying here) with (?:a|the|my) MEANS`,
		`(?:no|what is the) point (?:to|in|of) me(?: END| being| existing| any more)`,
		`(?:the )?last time (?:i am|i will be|i will|i) (?:asking|ask|reaching out|reach out|messaging|talking|bothering)`,
		`thanks? (?:you )?for (?:trying|everything|being there|all you have done)(?: with me| for me)? (?:\. )?(?:\S+ ){0,3}not your fault`,
		`not your fault (?:\. )?(?:\S+ ){0,3}(?:goodbye|bye|thank you|thanks)`,
		`(?:step|stepping|jump|jumping) (?:off|from) (?:the )?(?:platform|ledge|edge|roof|bridge|balcony)`,
		`(?:no one|nobody) (?:will|would) (?:have to )?(?:deal with|worry about|put up with|see|hear from) me (?:after|again|any more|soon|much longer)`,
		`(?:thought|thoughts|urge|urges|idea) of (?:jumping|dying|hanging ME|killing ME|ending it|overdosing|drowning ME|not being here|ending my life)`,
		`(?:swallowed|taken|took|downed|necked) (?:\d+|a few|several|two|three|four|five) (?:strips|packets|packs|boxes|bottles|blister packs|sheets)`,
		`plan\S* my (?:own )?funeral`,
		`(?:want|wish|need) to be with (?:my )?(?:\S+ ){1,2}(?:again|in heaven)(?: \.)?(?: \S+){0,6} (?:gone|passed|died|dead|heaven|lost)`,
		`(?:going to|will|want to|gonna|thinking of|thinking about|about to) (?:crash|drive|steer) (?:my|the) (?:car|van|lorry|truck) (?:into|off|on purpose|END|on the way)`,
		`(?:will not|not going to|do not want to|can not) be (?:talked|talk) out of it`,
		`(?:imagin\S*|picture|picturing|think\S* about|dream\S* about|plan\S*) my (?:own )?funeral`,
		`not (?:scared|afraid|frightened) of (?:dying|death|being dead) (?:any more)?`, `(?:i )?(?:just )?want it (?:all )?over(?: END| with| for good)`,
		`(?:tied|tying|tie) (?:a |the |my )?(?:belt|rope|cord|scarf|sheet|tie|cable) (?:to|round|around|on|onto) (?:the |a |my )?(?:door|banister|bannister|beam|hook|rail|neck|tree|loft)`,
		`(?:pills|tablets|knife|blade|razor|rope|noose) (?:is|are) (?:in my hand|in my hands|in front of me|next to me|ready|lined up|out)`,
		`bleeding (?:\S+ ){0,4}(?:do not|not) want (?:any )?help`,
		`(?:family|kids|wife|husband|partner|mum|children) (?:would|will|could) get (?:the |my )?(?:life )?insurance`,
		`can not do (?:this )?life(?: thing)? any more`, `end (?:this|it|things|everything|it all) (?:for good|permanently|once and for all)`,
	),
	// Finality and goodbyes.
	cpat(Crisis, KindSuicide, false,
		`(?:my|the) (?:last|final) (?:check in|checkin|message|text|time you will hear|goodbye)(?: END| ever| from me)`,
		`this is (?:my )?(?:the )?(?:last|final) (?:check in|checkin|message|text)`,
		`thanks? (?:you )?for everything \. (?:bye|goodbye|love you|sorry|i am sorry|take care)`,
		`(?:bye|goodbye) \. thanks? (?:you )?for everything`,
		`(?:thanks? (?:you )?for everything|sorry for everything) (?:\. )?(?:goodbye|bye|forever|love you all)`,
		`(?:giving|gave|given|give) (?:away )?(?:all )?(?:of )?my (?:stuff|things|belongings|possessions|savings|money|clothes)(?: away)?(?: END| to| this| because| so| i| and)`,
		`(?:given|gave|giving) (?:away )?my (?:dog|cat|pets?|rabbit|fish|bird) (?:away|to) (?:\S+ ){0,6}(?:will not need|not going to need|when i am gone|sorted|for good)`,
		`(?:tell|telling) (?:my )?(?:mum|mom|dad|kids|children|family|sister|brother|partner|wife|husband|nan|gran) (?:that )?(?:i love|i am sorry|sorry|i tried|i am so sorry|not to blame|it is not (?:their|her|his) fault)`,
		`(?:written|wrote|writing|left|leaving|finished) (?:the|my) (?:note|letter)(?: END| for (?:my|everyone|you|them)| to (?:my|everyone|you|them))`,
		`(?:left|leaving|written|wrote) (?:a )?(?:note|letter) for my (?:kids|children|family|mum|partner|wife|husband|parents)`,
		`said (?:all )?my goodbyes(?: END| and| to (?:everyone|my family|my kids|you all))`, `(?:saying|said) goodbye to (?:everyone|everybody|my family|you all)`,
		`(?:will not|not going to|never) hear from me again`, `(?:last|final) time (?:you will|you|anyone will) hear from me`,
		`(?:will not|not going to|do not) need (?:any more )?(?:check ins|checkins|these check ins|the check ins|this any more|you any more)(?: END| because| i| after)`,
		`cancel (?:all )?my (?:check ins|checkins) GAP(?:will not be|not going to be|am not going to be|do not need|for good)`,
		`sorry for everything \. (?:bye|goodbye)`, `before i go for good`, `(?:i am )?going for good END`,
	),
	// Harm already done.
	cpat(Crisis, KindSuicide, false,
		`(?:taken|took|take|swallowed|had|downed|done|necked) (?:about |like |over |around )?(?:[1-9]\d|\d\d\d) (?:\S+ )?DRUG`,
		`(?:taken|took|swallowed|downed|necked) (?:about |like |over |around )?(?:[1-9]\d|\d\d\d) END`,
		`(?:already|just) (?:taken|took|swallowed|had) (?:them|them all|the lot|it|the pills|the tablets|my pills|my tablets|all of them|everything)`,
		`(?:taken|took|swallowed) (?:the lot|everything|the whole (?:packet|box|bottle)|all (?:of )?(?:them|the packet|the box))(?: END| and| with| i|$)`,
		`(?:swallowed|taken|took|downed) (?:a |the )?(?:whole )?(?:packet|box|bottle|strip|pack)`,
		`took (?:all )?my (?:meds|pills|tablets|medication) (?:at once|in one go|together)`, `took an overdose`, `(?:drank|drunk|drinking|swallowed) (?:some |the )?bleach`,
		`(?:pills|tablets|meds) with (?:vodka|alcohol|wine|drink)`, `(?:vodka|alcohol|wine) with my (?:pills|tablets|meds)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`cut (?:too|so|really|way too) deep`, `(?:slashed|sliced|gashed|opened|cut) (?:my|both) (?:arm|arms|wrist|wrists|leg|legs|thigh|thighs) (?:open|up|again|to bits)`,
		`(?:slashed|slashing|slash) my (?:arm|arms|wrist|wrists|leg|legs|thigh|thighs)`,
		`(?:covered in|loads of|full of) (?:fresh|new|deep) (?:cuts|burns|scratches)`, `(?:will not|does not|can not get it to|can not make it) stop bleeding`,
		`stitches (?:\. )?GAP(?:on purpose|deliberately|myself|i did it)`,
		`(?:burned|burnt|burning) my (?:arm|arms|leg|legs|skin|wrist|hand) (?:with|on) (?:a|the|my) (?:lighter|iron|cigarette|hob|kettle|straighteners)`,
	),
	// Hopelessness with death, or with no longer being here. Not negatable:
	// "i don't see the point" is how it is said.
	cpat(Crisis, KindSuicide, false,
		`(?:see|seeing|find) (?:the|a|any) point (?:in|of) (?:being here|being alive|living|existing|staying alive|going on|carrying on|me being here)`,
		`(?:no|not any|what is the|whats the) point (?:in |of )?(?:being here|being alive|me being here|staying alive)`,
		`(?:tired|sick) of being here END`, `(?:do not|never) want to be here any more`,
		`no way out (?:except|but|apart from) (?:dying|death|ending it|killing ME)`, `(?:death|dying) is the only (?:way out|answer|option|way)`,
		`want (?:it|this|everything) (?:all )?to end for good`, `(?:do not|can not) see (?:a|any|the) reason to (?:be here|live|be alive|go on|carry on|stay alive|exist)`,
		`burden (?:\S+ ){0,8}time i (?:went|was gone)`, `(?:it is all|all) planned (?:\. )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow|for)`,
		`will not be (?:here|around) (?:\S+ ){0,4}(?:\. )?(?:so )?(?:do not|no need to|no point) (?:bother )?(?:checking|check)`, `(?:can not|do not) see ME (?:being )?(?:alive|here|around)`,
	),
	// Voices or commands to harm.
	cpat(Crisis, KindHarmOthers, false,
		`(?:voices?|they|it|god|the devil|he|she|something|someone|my head|a voice) (?:GAP)?(?:want|wants|tell|tells|telling|told|say|says|saying|said|keep telling|keeps telling|command|commanding|order|ordering) me to (?:hurt|kill|stab|attack|harm) (?:him|her|them|someone|my \S+|people|the \S+)`,
	),
	cpat(Crisis, KindHarmOthers, true,
		`(?:get|got|grab|bring|fetch|take) (?:(?:my|a|his|her|the) )?(?:\S+s )?(?:gun|knife|machete|bat|hammer|blade|crowbar) (?:\S+ ){0,3}(?:sort|deal with|get|do|finish|hurt|stab|shoot) (?:him|her|them)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`(?:voices?|voice in my head|they|it|god|the devil|something|someone|my head|a voice|this voice) (?:GAP)?(?:want|wants|tell|tells|telling|told|say|says|saying|said|keep telling|keeps telling|command|commanding|order|ordering) (?:me )?(?:to|i should|i must|i have to) (?:cut|burn|hurt ME|harm ME|punish ME)`,
	),
	cpat(Crisis, KindSuicide, false,
		`(?:voices?|voice in my head|they|it|god|the devil|something|someone|my head|a voice|this voice) (?:GAP)?(?:want|wants|tell|tells|telling|told|say|says|saying|said|keep telling|keeps telling|command|commanding|order|ordering) (?:me )?(?:to|i should|i must|i have to|i need to|i deserve to) (?:jump|die|kill ME|end it|end my life|hang ME|drown ME|step|walk into|take the pills|take all|overdose|be dead|not be here)`,
		`(?:hearing|hear) voices (?:telling|saying|that say|that tell) (?:me )?to (?:jump|die|kill ME|end it)`,
	),
	// Text-speak the spelling table leaves as its own word.
	cpat(Crisis, KindSuicide, true,
		`(?:feeling|feel|am|i am|get|getting|been) sui(?: END| again| tonight| today| thoughts)`, `sui (?:thoughts|ideation|feelings)`,
		`(?:top|topping|topped|toppin) ME(?: END| tonight| today| and| i| if| when| because| soon)`,
		`(?:want|wanna|wish|going) to be dead`,
	),
)

// distressConcepts are worries the phrase patterns do not have.
var distressConcepts = cpat(Worry, KindDistress, false,
	`can not see a way (?:through|out|forward)`, `(?:feel like|want to|wish i could) (?:disappearing|disappear)`,
	`want to (?:sleep|go to sleep) and not (?:deal|wake|think|face)`, `look after my (?:cat|dog|kids|pets?|rabbit) for me END`,
	`not sure (?:if |whether )?i am safe`, `panic attacks?`,
	`(?:i feel|feeling|i am|am) on edge`, `(?:have not|not) left (?:the house|my room|my bed|bed|the flat) (?:in|for)`,
	`getting on top of me`, `(?:keep|keeps|been|can not stop|always) crying`,
	`thoughts (?:are )?(?:getting )?(?:louder|worse|stronger|too loud|out of control)`,
	`(?:tired|sick) of (?:fighting|trying|struggling)`, `struggling (?:today|at the moment|right now|a lot|so much|again|lately|badly)`,
	`(?:my )?head is (?:a mess|all over the place|not right|messed up|fried|not in a good)`,
	`(?:will not|not going to) (?:be )?(?:need|needing) (?:my|the|a|any) (?:rota|shifts|hours|check ins|appointments?|job|holiday) (?:next|after|any more|again)`,
	`(?:left|written|wrote|writing) (?:instructions|a list|notes?) for (?:my|the) (?:cat|dog|kids|family|pets?)`,
	`(?:like i am|i am|feel like i am|feel|feeling) (?:underwater|drowning|suffocating|sinking)(?: all the time| END| inside| every day)`,
	`(?:^|\. )not (?:ok|okay|alright|great|good) (?:if i am honest|to be honest|at all|END)`,
	`(?:feeling|feel|i am|am) (?:pretty |so |very |quite |a bit |really )?(?:low|down)(?: END| and| today| at the moment| lately| again| all the time)`,
)

// finalityHints are not enough alone ("time to go" at the end of a shift),
// but with distress in the same message they read as a goodbye: the
// concepts combine.
var finalityHints = idioms([]string{
	`(?:it is |think it is |its )?time (?:for me )?to go END`, `time i (?:went|was gone|left)`, `(?:it|nothing) will not matter (?:after|soon|any more|tomorrow)`,
	`after tonight`, `for good END`, `(?:one|the) last time`, `goodbye`, `bye everyone`, `sorry for everything`,
	`(?:look|looking) after (?:my|the) (?:kids|cat|dog|children|mum|family)`, `(?:will not|not going to) be a (?:problem|burden) (?:for|much|any)`,
	`rope`, `noose`, `razor`, `blade`, `bridge`, `tracks`, `ledge`, `(?:all|enough) (?:my |the )?(?:pills|tablets)`,
	`make it stop for good`, `(?:made up my mind|my mind is made up)`, `(?:fix|sort|solve|end) (?:that|it|this) (?:tonight|for good|permanently|soon)`, `(?:end|finish) (?:it|this) (?:for good|properly)`, `(?:i )?want out END`,
})

// dangerPatterns are danger to the writer from someone else.
var dangerPatterns = concat(
	cpat(Crisis, KindDanger, true,
		// Harm done or happening.
		`AGENT GAPHURTME`, `AGENT GAPTHREATME`,
		`AGENT GAP(?:beat|beats|beaten) me up`, `(?:beat|beaten|battered) me (?:up|black and blue|again|last night)`,
		`AGENT GAP(?:threw|throws|thrown) (?:a|the|his|her|something|things|stuff) (?:\S+ )?at me`,
		`AGENT GAP(?:pushed|pushes|shoved|threw|throws) me (?:down|into|against|over|out|across|onto|off)`,
		`AGENT GAP(?:pulled|pulls) my hair`, `AGENT GAP(?:broke|broken|smashed) my (?:nose|arm|ribs|rib|jaw|wrist|finger|teeth|tooth|cheekbone)`,
		`(?:grabbed|grabs|had) me by the (?:throat|neck|hair|arm)`, `(?:hands|hand) (?:round|around) my (?:throat|neck)`,
		`(?:bruises|bruised|a black eye|black eye|marks|a split lip|cuts) GAP(?:from|off) (?:him|her|them|my \S+)`,
		`(?:touching|groping|fondling|fondled|groped) me`, `locked me out (?:in the cold|all night|overnight|of the house|in the rain)`,
		`(?:grabbed|groped|touched|slapped|pinched|grabs|gropes) my (?:arse|ass|bum|breasts?|boobs|chest|crotch|backside|private)`,
		`(?:said|says|told me|saying) i (?:would|will|am going to) (?:be dead|die|end up dead)`,
		`on top of me (?:\. )?(?:and )?(?:i )?(?:did not|do not|never|was not|was asleep)`, `woke up (?:with|to) (?:him|her|someone|a man) (?:on top of|touching|inside) me`,
		`(?:shouting|making|sending|leaving|screaming) threats`, `letting (?:himself|herself) in`, `cornered me (?:in|and|at|after|behind|alone|on)`, `tried to (?:kiss|touch|grab|strangle|choke) me`,
		`(?:phone|keys|car keys|door) (?:\. )?(?:so )?i (?:could not|can not|would not be able to) (?:call|ring|phone|contact|leave|get out|tell)`, `(?:he|she|they) (?:left|gave me) (?:bruises|a black eye)`,
		`(?:i|me) (?:was|got|have been|been|am being|was being|keep getting|get) (?:raped|sexually assaulted|assaulted|attacked|beaten up|battered by|stabbed|mugged|spiked|groped|stalked|strangled|choked|abused|punched by|hit by (?:him|her|my \S+)|followed|followed home|molested|touched up)`,
		`(?:^|\. )(?:got|been|was) (?:raped|sexually assaulted|assaulted|attacked|beaten up|battered by|stabbed|spiked|groped|strangled|choked|abused|punched by|hit by (?:him|her|my \S+))`,
		`(?:spiked|spike) my drink`, `(?:rape|raped|sexually assaulted|sexual assault)(?: me| END)`,
		// Threats.
		`AGENT GAP(?:threatened|threatening|threatens|threaten) to (?:kill|hurt|stab|beat|batter|burn|shoot|take|harm) (?:me|my kids|the kids|my children|the children|my family|my dog|my cat)`,
		`AGENT GAP(?:threatened|threatening|threatens|threaten) to (?:post|share|send|leak|show) my (?:pics|photos|pictures|nudes|videos|messages)`,
		`AGENT GAP(?:break|smash|kick in|cave in|slash|burn) my (?:legs|arms|face|head|teeth|neck|house|flat)`, `with me (?:in it|inside)`,
		`will not stop (?:messaging|texting|calling|ringing) me (?:\S+ ){0,4}outside`,
		`knows where i (?:live|work) (?:\S+ ){0,5}(?:been round|been over|coming round|turned up|came round)`, `regret GAPknows where i`,
		`(?:death threat|threats against me|threatening me|threatened me)`, `find my body`, `(?:coming|come) (?:for|after) me`,
		`(?:saying|said|says|told me) i am (?:dead|going to die|a dead (?:man|woman))`,
		`AGENT GAP(?:has|got|has got) a (?:knife|gun|weapon|blade|machete|bat) GAP(?:angry|me|threatening|waving)`,
		`(?:said|says|told me) (?:they|he|she) (?:would|will|are going to|is going to) be waiting (?:for|outside for|outside) me`,
		`(?:hurt|kill|take) (?:the kids|my kids|my children|the children|my dog|my family) if i`,
		// Stalking.
		`STALKER GAP(?:following|followed|follows|stalking|stalked|stalks|tracking) me`,
		`STALKER GAP(?:is|was|been|keeps|standing|waiting|sat|sitting|parked) (?:outside|round|waiting outside) (?:my|the) (?:house|flat|door|work|window|place|home|car)`,
		`STALKER GAP(?:turned|turning|turns|turn) up`,
		`(?:watching|been watching) my (?:house|flat|place|home)`, `(?:tracker|tracking app|airtag) on my (?:car|phone|bag)`,
		`tracking my (?:phone|location|car)`, `(?:broke|breaking|broken|breached) the (?:restraining|non molestation|nonmolestation|injunction|court) order`,
		`(?:i am|am|being) (?:stalked|followed)`,
		// Sexual assault and coercion.
		`(?:forced|forces|forcing|made) me (?:to have sex|to sleep with|into sex|to do (?:things|stuff|sexual)|do (?:things|stuff) i did not want)`,
		`(?:forced|forces|forcing) (?:himself|herself) on me`, `(?:keeps|kept|keep|will not stop) (?:touching|groping|grabbing) me`,
		`touch\S* me GAP(?:did not want|without|would not stop|inappropriately|where)`,
		// Control.
		`(?:he|she|CLOSE) GAP(?:will not|would not|does not|did not|never) let me (?:leave|go out|out|see (?:my )?(?:friends|family|mum|dad|anyone|people)|go anywhere|go to work|have my (?:own )?(?:money|phone|keys)|talk to|speak to|eat|sleep)`,
		`(?:he|she|they|CLOSE) GAP(?:took|takes|taken|hid|hides|hidden) (?:all )?my (?:phone|keys|money|bank card|cards|passport|car keys|wages|benefits)`,
		`(?:locked|locks|locking) me (?:in|up|out of my own)`, `not allowed (?:to leave|to go out|out) GAP(?:without (?:him|her)|the house)`,
		`(?:checks|goes through) my phone and`, `controls (?:all )?(?:everything|my money|where i go|what i|who i)`, `AGENT GAPmake me pay`,
		// Fear and not safe.
		`FEARV (?:to go (?:back )?HOME|of going (?:back )?HOME|to go back there|to leave (?:him|her)|of CLOSE|(?:of )?what (?:he|she|they) (?:will|might|would|is going to|could) do|(?:that )?(?:he|she|they) (?:will|is going to|are going to|might|could) (?:hurt|kill|hit|find|come|do something))`,
		`FEARV of (?:him|her) END`, `FEARV (?:to go|of going) home`,
		`(?:do not|never|not|can not) (?:feel )?safe (?:at HOME|in HOME|with CLOSE|around CLOSE|when (?:he|she) is)`,
		`(?:home|HOME) (?:is not|is no longer|does not feel|not|never feels) safe`, `not safe (?:for me )?(?:to go (?:back|home)|at HOME|to stay)`,
		`(?:hiding|hid|locked ME) (?:in|from) GAP(?:from )?(?:him|her|them)`, `locked ME in (?:the )?\S+ (?:\. )?(?:he|she|they)`,
		`do not want to go (?:back )?home GAP(?:he|she) (?:is|will) (?:drunk|angry|kicking off|going to)`,
		`(?:he|she|CLOSE) (?:\S+ ){0,2}(?:been|is|gets|getting|got|was|be) (?:really |so |very )?(?:dangerous|violent|abusive)`,
		`AGENT GAP(?:is|are) (?:outside|here) GAP(?:banging|shouting|kicking|trying)`, `trying to (?:get|break) in(?: END| the house| the flat| through| my)`,
	),
	cpat(Worry, KindDanger, true,
		`(?:tense|bad|scary|horrible|awful|not good) at home`, `walking on eggshells`,
		`(?:with|from) (?:my )?(?:ex|partner|husband|wife|boyfriend|girlfriend|dad|flatmate) (?:are|is) (?:getting |got )?(?:nasty|ugly|scary|bad|worse)`,
		`(?:home|things at home|home life|it at home) (?:is|are|has been|have been) (?:so |very )?(?:hard|difficult|bad|horrible|awful|scary|tense|a nightmare)`,
		`(?:he|she|my \S+) (?:gets|is|gets really|has been|was|can be) (?:angry|aggressive|violent|scary|nasty|jealous|really jealous|controlling) when`,
		`(?:he|she|my \S+) (?:gets|is getting|has got|got) (?:really )?(?:jealous|controlling|scary|aggressive|possessive)`,
		`(?:has|got) a (?:temper|bad temper|nasty temper)`, `(?:he|she|CLOSE) GAP(?:scares|frightens|frightened|scared) me`,
		`(?:he|she|CLOSE) GAP(?:shouts|shouting|screams|screaming|yells|yelling) (?:at me|a lot|again)`, `(?:shouts|screams|yells) GAPscares me`,
		`(?:he|she|CLOSE) GAP(?:bullies|bullying|bullied|belittles|puts me down)`,
		`(?:smashed|broke|threw|punched) (?:some stuff|things|stuff|the wall|a hole|plates|my stuff)`,
		`i (?:would|will) be sorry`, `(?:would not|will not) let me (?:past|by)`, `found out where i (?:work|live)`, `knows where i (?:work|live)`,
		`STALKER (?:keeps|keep|will not stop|wont stop|always) (?:texting|messaging|calling|ringing|phoning|turning up)(?: me)?`,
		`(?:weird|creepy|threatening|nasty|scary) (?:messages|texts|calls|voicemails)`, `(?:something|someone) creepy`,
		`(?:do not|not sure i|never) (?:really )?want to go (?:back )?home`, `be around (?:him|her) any more`,
		`drinking again and (?:shouting|angry|kicking off)`, `(?:keeps|keep) (?:showing up|turning up|appearing)`,
		`(?:feel|feeling|felt) (?:unsafe|in danger)`,
	),
)

// thirdPersonSubjects name someone other than the writer as who did a thing.
var thirdPersonSubjects = map[string]bool{
	"he": true, "she": true, "they": true, "someone": true, "somebody": true, "man": true, "woman": true,
	"guy": true, "lad": true, "girl": true, "person": true, "people": true, "friend": true, "mate": true,
	"colleague": true, "customer": true, "bloke": true, "boy": true, "kid": true, "student": true, "patient": true,
	"cousin": true, "neighbour": true, "celebrity": true, "actor": true, "singer": true, "character": true,
}

// firstPerson words put the writer in the clause.
var firstPerson = map[string]bool{"i": true, "me": true, "my": true, "myself": true, "mine": true, "im": true}

// reportedByOther reports whether the nearest subject before a match, in its
// sentence, is someone else with nothing of the writer in between
// ("someone jumped in front of a train"): a report, not the writer's own act.
func reportedByOther(prefix, match string) bool {
	for _, w := range strings.Fields(match) {
		if firstPerson[w] {
			return false
		}
	}
	words := strings.Fields(prefix)
	for i := len(words) - 1; i >= 0 && i >= len(words)-8; i-- {
		w := words[i]
		switch {
		case w == "." || w == "~":
			return false
		case firstPerson[w]:
			return false
		case thirdPersonSubjects[w]:
			return true
		}
	}
	return false
}

// newsOrDisruption marks a message about an incident in the world: a train
// delayed by a death on the line, a story on the news.
var newsOrDisruption = compile(
	`(?:train|trains|line|service|bus|buses|tube)s? (?:was |were |is |are |got )?(?:cancelled|delayed|disrupted|stopped|suspended)`,
	`(?:massive |huge |long )?delays`, `on the news`, `the news`, `in the paper`, `news (?:said|says|article|story)`,
	`(?:hit|struck) by a train`, `on the (?:line|tracks) (?:so|and|which)`, `fatality`, `police incident`,
	`(?:film|movie|show|series|book|episode|documentary|podcast|novel|play|game|song|character) (?:about|where|in which|with|was|is)`,
)

func isSelfKind(kind string) bool { return kind == KindSuicide || kind == KindSelfHarm }
