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
	"AGENT", `(?:he|she|they|him|her|them|my (?:ex |step |ex step )?(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|dad|father|stepdad|mum|mom|mother|stepmum|brothers|brother|sisters|sister|parents|family|uncles|cousins|son|daughter|uncle|cousin|flatmate|housemate|landlord|neighbour|neighbor|manager|boss|supervisor|colleague|coworker|co worker|team leader|carer|ex)|(?:a|the|this|that|some|one) (?:customer|guy|man|bloke|lad|lads|woman|girl|stranger|person|colleague|driver|punter|client|men)|someone|somebody|some lads|his mates|her mates)`,
	// HURTME: harm done or happening to the writer.
	"HURTME", `(?:throttled|throttles|throttling|throttle|hit|hits|hitting|punched|punches|punching|slapped|slaps|slapping|kicked|kicks|kicking|beat|beats|beating|beaten|battered|batters|strangled|strangles|strangling|choked|chokes|choking|grabbed|shoved|attacked|attacks|assaulted|raped|rapes|raping|groped|gropes|groping|molested|hurt|hurts|hurting|stabbed|burned|burnt|headbutted|dragged|pinned|smacked|whacked|thumped|abused|abuses|abusing|harassing|harasses|harassed|threatened|threatens|threatening|strangle|choke|rape|abuse) me`,
	// THREATME: harm the writer is told is coming.
	"THREATME", `(?:(?:kill|hurt|stab|batter|beat|hit|shoot|strangle|burn|punch|rape|murder|end|get|come for|come after|come back for|smash|break|scar|slash|glass) me|sort me out|do me in|finish me off|throw acid (?:in|on|at) (?:me|my face)|(?:slash|scar|glass|cut|break|smash) my (?:face|legs|arms|neck)|(?:kick|cave|smash|bash|stove|knock) my (?:head|face|teeth) in)`,
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
	// FAMILY: the people a goodbye is left for.
	"FAMILY", `(?:my )?(?:mum|mom|mam|mother|dad|father|kids|children|son|sons|daughter|daughters|sister|sisters|brother|brothers|partner|wife|husband|boyfriend|girlfriend|bf|gf|fiance|fiancee|nan|nana|gran|granny|grandma|grandad|grandpa|parents|family|baby|little one|best friend|friends|mates)`,
	// VOICE: what speaks to someone who hears voices.
	"VOICE", `(?:voices?|the voices?|a voice|this voice|the voice in my head|voices in my head|the (?:man|woman|thing|devil) in my head|something in my head|someone in my head|commands?|the commands?)`,
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
		`(?:hit|hits) me (?:that|how|hard that|like a ton)`, `(?:it|reality|the news|that|this|grief) (?:\S+ )?(?:hit|hits) me`,
		`(?:got|i got|was|been) (?:battered|hammered|thrashed|beaten) (?:at|in) \S+`,
		`overdos\S* (?:of|on) (?:meetings|work|emails|coffee|sugar|chocolate|caffeine|tv|telly|netflix|paperwork|carbs|crisps|cake|sweets|sun|sunshine|tea|energy drinks|red bull|monster|love|cheese|christmas|films|sleep|exercise|screen time|social media|admin)`,
		`(?:rather|prefer to) (?:die|be dead) than (?:do|doing|go|going|sing|singing|work|working|sit|sitting|attend|wear|eat|eating|talk|watch|present|presenting|dance|dancing|give|speak|speaking|be seen|listen|play|run|wait|queue|drive|fill|answer|ring|call|phone|email|deal|face another meeting|have|make|read|clean|stand|use|do another|go back to that)`,
		`(?:shot|shoot|shooting) (?:myself|me|ourselves) in the foot`,
		// Round 6: figures of speech a new writer used.
		`(?:stab|stabs|stabbed|stabbing) me in the back(?: over| again| about| at work| in (?:the|a) meeting| for)`,
		`(?:threaten|threatens|threatened|threatening) to (?:come|visit|stay|sing|cook|move in|bring|call|ring|quit|retire|leave|post|show|make me|send|tell|bake|get|buy|start|visit me)`,
		`(?:be|am|will be) dead (?:by|before) (?:\S+ ){1,5}at this rate`, `at this rate i will be dead (?:by|before)`,
		// "it" and "gone" explained by the same message: a chore, a booking, a trip.
		`(?:doing|do) it (?:tonight|today|tomorrow|now|this weekend|when i get home)(?: \.)? (?:finally )?(?:booking|booked|doing|sorting|getting|cleaning|painting|telling|asking|buying|applying|handing|starting|quitting|the big|my tax|the \S+ i have been putting off)`,
		`(?:be |been )?gone (?:by|before) (?:the time (?:you|they|she|he|everyone) (?:wake|wakes|get|gets) (?:up|in|home)|morning|the morning|sunrise|dawn)(?: \.)? (?:\S+ ){0,3}(?:flight|flights|plane|airport|ferry|coach|train to|holiday|trip|early start|passport|see you|back on|back in)`,
		`(?:last|final) (?:check in|checkin|check ins|message|shift|day) (?:before|for|until|till|of the|this|on|at)`,
		`(?:last|final) (?:message|check in|checkin|text|post) (?:tonight|today|for (?:today|tonight|now|the day|the night|the week))`,
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
		`(?:cat|cats|dog|dogs|kitten|puppy|toddler|baby|the kids|my son|my daughter) (?:keeps |kept |is |was |been )?(?:trying|tried|tries) to get in`,
		`(?:slaps|slapped|slapping|pats|patted|patting|claps|clapped) me on the back`,
		`(?:gun|guns|shotgun|rifle|air rifle|pistol) (?:\S+ ){0,3}(?:for|to go) (?:\S+ ){0,2}(?:shooting|hunting|the range|clays|target practice|pest control|rabbits|vermin|pigeons|deer)`,
		`(?:clay pigeon|clay|clays|target|deer|pheasant|rough|grouse) (?:shooting|shoot|stalking)`, `(?:shooting|rifle|gun) (?:range|club)`,
		`(?:going to|will|gonna|is going to) kill me (?:\. )?(?:i|because i|cos i|for) (?:\S+ )?(?:forgot|broke|lost|spent|dented|crashed|missed|burnt|burned|ate|scratched|forgetting|breaking|losing|spending|booked|bought)`,
		`(?:nearly|almost) (?:drove|crashed|walked|stepped|ran|skidded|slid|reversed|fell) (?:\S+ )?(?:into|in front of|off)`,
		`(?:kick|smash|batter|cave|knock) (?:my|your|his|her|our) (?:head|heads|face|faces) in (?:at|on|in) (?:fifa|cod|call of duty|fortnite|pool|darts|football|5 a side|five a side|the game|squash|tennis|chess|mario kart|the quiz|the pub quiz|bowling|snooker|badminton)`,
		`cut ME (?:a|some|another) (?:bit|slice|piece|sandwich|chunk|wedge|portion|hunk|fringe)`,
		`naloxone`, `hit me up`, `hit me with (?:a|an|another|the|some|loads|more|this|that|your) (?:\S+ )?(?:link|links|details|info|information|update|news|question|questions|song|tune|track|playlist|rota|list|facts|truth|joke|meme|memes|pic|pics|photo|recommendation|recommendations|name|names|number|address|code|deadline|email|task|tasks|job|shift|shifts|bill|fine|charge|idea|ideas|story|gossip|tea)`, `kicked me out of (?:bed|the game|the group|the chat|the team|the meeting)`,
		`(?:scared|frightened|startled) me (?:jumping|by jumping|when (?:he|she) jumped|popping)`, `(?:roof|rooftop) (?:deck|pool|bar|terrace)`, `bridge (?:team|club|night|game|player|partner|drive)`,
		`affairs (?:for|before) (?:the|my|a) (?:house move|move|moving|holiday|trip|retirement|new job|baby|wedding|operation)`, `(?:disappear|vanish|escape|go away|get away)(?: forever| for ever| for good)? (?:on|to|for|off to|off on) (?:a |the )?(?:holiday|beach|island|week|weekend|break|spa|cabin|mountains|cruise)`,
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

var farewells = compile(`goodbye(?: everyone| all| world)?`, `bye(?: everyone| all)?`, `thanks? (?:you )?for everything`, `said my goodbyes`,
	`(?:been |it was |it has been |was )?(?:nice|good|lovely|great|an honour|a pleasure) knowing (?:you|ya|everyone|you all|all of you|u)(?: all)?`, `(?:gone|off) for good`)

// dangerConditional is a threat whose trigger is the writer getting away or
// getting help ("he'll kill me if i leave"): read before the idioms blank
// "kill me if …" as a figure of speech.
var dangerConditional = compile(
	`(?:kill|hurt) (?:himself|herself|themselves) (?:and|then|and then) (?:\S+ )?me`, `(?:take|taking|took) (?:the|my) (?:kids|children|baby) (?:\S+ ){0,8}if i (?:leave|go|tell|left|report)`,
	conceptMacros.Replace(`FEARV (?:that )?(?:he|she|they|AGENT) (?:is going to|will|might|would|is gonna|could) (?:kill|hurt|murder|batter|beat) me`),
	`(?:kill|hurt|murder|batter|beat|strangle|stab) me if (?:he|she|they) (?:ever )?(?:finds? out|found out|catches|caught|sees|saw|knew|knows|finds)`,
	`(?:kill|murder|hurt|beat|batter|strangle|stab|find|come for|hunt) me (?:if|when|the moment) (?:i|i ever|i even) (?:leave|left|tell|told|call|called|ring|report|reported|go to the police|talk to|speak to|try to leave|try and leave|say anything|contact|see my|go|went|get help|move out)`,
	`(?:if|when) i (?:leave|left|tell|told|call|report|go to the police|try to leave|move out) GAP(?:he|she|they) (?:will|would|is going to|said he would|said she would) (?:kill|hurt|find|come for) (?:me|the kids|my kids|my family)`,
)

// deliberateInjury is an injury with a tool nobody is hurt by at work
// ("burned my arm with a lighter"), read before the accident idioms.
var deliberateInjury = compile(
	// Intent is not an accident: "gonna hurt myself when i get home" is
	// read before the idioms take "hurt myself when" for a mishap.
	`(?:going to|want to|about to|need to|have to|i will|i am going to|planning to|plan to) (?:hurt|cut|burn|harm|punish) ME (?:when|after|once|as soon as|tonight|later|again)`,
	`(?:cut|cutting|burnt|burned|burning|hurt|hurting|scratched|scratching|hit|hitting|punched|stabbed|carved|sliced|slashed|bashed|banged|smashed) (?:ME|my (?:\S+ ){0,2}(?:arm|arms|wrist|wrists|leg|legs|thigh|thighs|hand|hands|skin|stomach|face|head|chest|body|fist|knuckles|hip|hips|ankle|ankles)) (?:[^.\s]\S* ){0,12}(?:on purpose|deliberately|to punish ME|to feel something|so it would hurt|because i wanted to)`,
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
		// A message left for the people left behind: asked of someone else
		// ("tell my daughter i love her"), not "i tell my kids i love them".
		`(?:^|\. |please |can you |could you |will you |and |then |if anything happens |just )(?:tell|let) FAMILY (?:know )?(?:that )?(?:i (?:love|loved|am sorry|was sorry|tried|am so sorry)|sorry|(?:she|he|they) (?:was|were|is|are) the best|not to blame|it is not (?:their|her|his|your) fault)`,
		`(?:make sure|promise) FAMILY (?:know|knows) (?:that )?i (?:love|loved|am sorry|tried)`,
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
	// Round 4 (heldout4.tsv) showed these concepts missing; each is
	// written for the concept, with variants and hard negatives in
	// concepts6.tsv.
	cpat(Crisis, KindSuicide, false,
		// Goodbyes: letters, a last message, no more check-ins.
		`(?:suicide|goodbye|farewell) (?:note|notes|letter|letters)`,
		`(?:written|wrote|writing|write|left|leaving|finished) (?:a |my |the )?(?:note|notes|letter|letters) (?:for|to) (?:everyone|everybody|each of them|all of them|FAMILY)`,
		`(?:^|\. )(?:my )?(?:last|final) (?:check in|checkin|message|text|post) (?:from me|ever)`,
		`(?:will not|not going to|do not|no need to|never) (?:be )?(?:need|needing|have) (?:to )?(?:check on me|check in on me|another check in|a check in|any check ins|any more check ins|to hear from me)(?: \S+){0,3} (?:again|ever|ever again|any more)`,
		`(?:been |it was |it has been |was )?(?:nice|good|lovely|great|an honour|a pleasure) knowing (?:you|ya|everyone|you all|all of you|u)(?: END| all| mate| x| lot)`,
		// Affairs: everything sorted for after.
		`sorted (?:for )?(?:after|when|for when) i am gone`,
		// A plan to go through with.
		`(?:have|got|made|have got|i have|i have got) a plan (?:now )?(?:and|so|\.) GAP(?:go through with it|going through with it|do it|doing it|it is happening)`,
		`(?:know|worked out|decided|planned) (?:exactly )?how (?:i am|i will|i am going to|to) (?:do|doing) it`,
		`(?:i am|i will be|then i am|i will|i am going to be|i am gone|i am off) done for good END`,
		`(?:can not wait|cannot wait) to (?:die|be dead|be gone|not exist|not be here)(?: END| and| so| because| any more)`,
		// Means: a ligature on, fire, a place that calls, using what was gathered.
		`(?:belt|rope|cord|cable|noose|ligature|flex|wire|dressing gown cord|charger cable|lead|tights|sheet|scarf) (?:\S+ ){0,2}(?:round|around|tight round|tied round|tied around) my (?:neck|throat)`,
		`(?:doused|dousing|covered|soaked|drenched|poured \S+ over|pour \S+ over|poured \S+ on|pouring \S+ over) ME (?:in |with )?(?:petrol|lighter fluid|paraffin|diesel|white spirit)`,
		`(?:petrol|lighter fluid|paraffin|diesel) (?:[^.\s]\S* ){0,6}(?:i am|and i am) (?:sat|sitting|standing|lying|stood) in it`,
		`set ME (?:on fire|alight|ablaze)`, `set fire to ME`, `burn ME alive`,
		`(?:HIGH|river|water|canal|pills|tablets|knife|blade|razor|rope|drop|train|trains|railway|void|motorway|the end) (?:\S+ ){0,3}(?:keeps?|is|are|been|started|keep on|has been) calling (?:to )?(?:me|my name)`,
		`(?:use|using|used) (?:it|them|those|these|that|this) on ME`,
		`(?:counted|counting|count) out (?:\d+|all) (?:of )?(?:my |the )?PILLS`,
		// Going over the edge.
		`(?:i will|going to|might|gonna|want to|about to|i am going to|could) go over(?: the (?:edge|side|top|railing|railings|barrier))?(?: END| tonight| tomorrow| this time)`,
		`(?:i will|going to|might|gonna|want to|about to|i am going to) go over the (?:edge|side|railing|railings|barrier)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`(?:stubbed|stub|stubbing|put|putting|puts|pressed|pressing) (?:my |a |the |out )?(?:fags?|cigs?|cigarettes?|roll ups?|joints?) (?:out )?(?:on|into|against) (?:my|me)`,
		`(?:nicking|nicked|stealing|stole|pocketing|pocketed|taking|took|hiding|hid) (?:\S+ ){0,3}(?:meds|pills|tablets|medication|painkillers|paracetamol) (?:\S+ ){0,4}(?:to save (?:them )?up|to stockpile|to stash|saving them up|stashing them|for when i need them)`,
		`(?:^|\. |i am |it is |still |been |keeps |keep |will not stop |not stopping |it will not stop )bleeding (?:quite |pretty |very |so |really )?(?:bad|badly|loads|a lot|heavily|everywhere|lots|for ages|for hours|all night|through)`,
		`(?:soaked|bled) (?:through|right through) (?:the|a|my) (?:towel|bandage|tissue|tissues|sheets|plaster|dressing)`,
		`(?:on purpose|deliberately) (?:\S+ ){0,3}(?:with|using) (?:a|the|my) (?:box cutter|stanley knife|craft knife|knife|blade|razor|lighter|scissors|compass|glass|pencil sharpener)`,
		`(?:want|need|going|urge|tempted|have) to cut (?:bad|badly|so bad|right now|now)`,
	),
	cpat(Crisis, KindHarmOthers, true,
		`(?:going to|will|want to|wanna|gonna|i will|about to|planning to|plan to|swear i will|i am going to) (?:kick|cave|smash|bash|stove|knock|batter) (?:PERSON|his|her|their|my \S+|\S+s) (?:head|face|skull|teeth) in`,
		`(?:going to|will|want to|wanna|gonna|i will|about to|planning to|plan to|i am going to) (?:stab|kill|strangle|batter|glass|hurt|attack) PERSON (?:when|tonight|tomorrow|after|as soon as|once)`,
	),
	cpat(Crisis, KindDanger, true,
		`(?:let|lets) (?:himself|herself|themselves) in`,
		`(?:threatens|threatened|threatening|threaten|swears|swore|says (?:he|she) will|said (?:he|she) would) (?:to )?GAP(?:\S+ ){0,4}if i (?:ever )?(?:leave|left|tell|told|report|go to|call|contact|speak to|talk to)`,
		`(?:ruin|destroy|kill|hurt|take the kids off|take the kids from|make my life hell for|tell social services about|report) me GAPif i (?:ever )?(?:leave|left|tell|report|go)`,
		`(?:^|\. |and |then |he |she |they |he still |she still |sometimes |often |always |even |also |when he |when she )(?:hits|punches|slaps|kicks|chokes|strangles|shoves|beats|rapes|batters|headbutts|throttles|bites|spits on|drags) me`,
		`(?:pushes|shoves|knocks) me (?:around|about|down|over|into|against)`,
		`(?:forc\S*|mak\S*|made|pressur\S*|tak\S*|send\S*|push\S*) me (?:\S+ ){0,5}(?:to )?(?:marry|get married|be married|an arranged marriage)`,
		`forced (?:into )?(?:a )?marriage`, `(?:marry|married) (?:\S+ ){0,6}(?:can not|not allowed to|no choice|will not let me) (?:say no|refuse|choose)`,
		`(?:posted|shared|put|leaked|posting|sharing|putting) my (?:home )?(?:address|number|phone number|details|location) (?:\S+ ){0,3}(?:online|on facebook|on instagram|on twitter|on social media|on tiktok|everywhere|on the internet|with threats)`,
		`(?:left|leaving|put|putting) (?:a |the )?(?:knife|bullet|dead \S+|threatening note|noose) (?:on|in|at|by|through) (?:my|the) (?:pillow|bed|door|doorstep|car|letterbox|windscreen)`,
		`(?:i am|been|have been|he has|she has|they have|he|she|they) locked (?:me )?in(?: END| again| my room| the (?:bedroom|house|flat|room|bathroom)| here)`,
		`(?:restraining|non molestation|nonmolestation|injunction|court|protection) order (?:\S+ ){0,6}(?:outside|turned up|turning up|came|come|at my|round|messaged|contacted|near|been to)`,
		`(?:unknown|private|withheld|blocked|anonymous|random) (?:number|account|profile) (?:\S+ ){0,5}(?:photo|picture|pic|video) of (?:my|our)`,
		`(?:photo|picture|pic|video) of (?:my|our) (?:\S+ ){0,4}(?:\. )?(?:\S+ ){0,3}(?:no name|unknown number|no number|anonymous|withheld number|private number)`,
		`(?:someone|somebody|STALKER|my ex|a stranger) (?:sent|has sent|keeps sending|is sending|sends) (?:me )?(?:a |another |some )?(?:photo|picture|pic|video|photos|pictures|pics)s? of (?:my|our) (?:\S+ )?(?:front door|house|flat|kids|car|street|window|school|school gates|work)`,
		`(?:kicked|kicks|smashed|broke|booted) (?:the|my) (?:front |back |bedroom |bathroom )?(?:door|window) (?:in|down) (?:\S+ ){0,4}(?:and|to get|dragged|grabbed|came)`,
		`AGENT GAP(?:kicked|smashed|broke|booted) (?:the|my) (?:front |back |bedroom |bathroom )?(?:door|window) (?:in|down)`,
		`AGENT GAP(?:throwing|been throwing|keeps throwing) (?:things|stuff|plates|a \S+|the \S+) at me`,
	),
	// The second half of round 4 showed these: means tested or got out,
	// means gathered for later, research into how, plans for when alone.
	cpat(Crisis, KindSuicide, false,
		`(?:tied|tying|tie|hung|hanging|put up|rigged|rigging|fixed|attached|set up) (?:up )?(?:the|a|my) (?:belt|rope|cord|noose|ligature|cable|scarf|sheet|flex|lead) (?:\S+ ){0,6}(?:tested|tried|checked|test|try|check) (?:it|that it|if it|it holds|it works)`,
		`(?:tested|testing|test|tried|checked) (?:the )?(?:belt|rope|noose|ligature|knot|beam|hook|banister|bannister) (?:\S+ ){0,3}(?:\. )?(?:holds|works|will hold|takes my weight|it works|it holds)`,
		`(?:got|taken|took|get|getting|fetched|have|brought|bring) (?:my |his |her |the |a |my \S+ |my \S+s )?(?:old )?(?:gun|shotgun|rifle|pistol|firearm) (?:out|down|loaded|ready|from|out of)`,
		`(?:PILLS|DRUG|MEANS|morphine|insulin|codeine|stash|stuff|it|them) (?:\S+ ){0,8}(?:for when i am ready|for when i need (?:it|them)|for when the time comes|for the right time|till i am ready)`,
		`(?:lethal|fatal|deadly|overdose) (?:dose|amount|quantity)`, `painless (?:ways?|methods?|death)`,
		`(?:how (?:high|far|tall|many floors) (?:\S+ ){0,6}(?:survive|die|to die|kill)|(?:would|could|will) (?:you|i|anyone) survive (?:jumping|a fall|falling|the fall|hanging|a jump|an overdose|taking))`,
		`(?:would|will|does|did) it hurt if i (?:jumped|jump|hung|hang|took|take|cut|drowned|stepped|fell)`,
		`(?:how (?:high|tall|far) (?:the |that |this )?(?:\S+ ){0,2}(?:is|are|drop)|how far (?:the )?drop is) (?:\S+ ){0,3}(?:and )?(?:whether|if) (?:you|i|you would|i would|anyone) (?:would )?survive`,
		`(?:searched|searching|googled|googling|looked up|looking up|researching|researched|reading about|read up on) (?:\S+ ){0,3}(?:ways to (?:die|go|end it|kill ME)|how to (?:die|end it|go|kill ME|hang ME)|methods|suicide|overdos\S*|hanging|(?:lethal|fatal) (?:dose|doses)|how many \S+ (?:it takes|to die|would kill))`,
		`carbon monoxide (?:\S+ ){0,4}(?:peaceful|painless|way to go|bought|seems|thing|tonight|in the car|in the garage)`,
		`(?:peaceful|painless|easy|quick) (?:way|death|ways) to (?:go|die)`,
		`(?:bought|got|buying|getting) (?:some |the |a bag of |a )?charcoal (?:\S+ ){0,6}(?:seal|sealed|sealing|tape|taped|bathroom|bedroom|tent|car|garage|room)`,
		`my plan is (?:the |to )?(?:\S+ ){0,3}(?:HIGH|train line|trains?|line|pills|tablets|rope|knife|railway|river|sea|canal)`,
		`(?:the|my) plan is (?:the |my )?(?:HIGH|train line|railway|railway line|pills|tablets|rope|knife|river|canal)`,
		`(?:feeds|feed|look after|looks after|walks|walk|takes|take|have|has) (?:my|the) (?:cat|dog|pets?|rabbit|fish|bird|kids|children|hamster) (?:\S+ ){0,2}(?:after END|when i am gone|once i am gone|after i am gone|i will not be (?:around|here)|i am not going to be (?:around|here))`,
		`(?:will not|not going to|do not) be (?:coming|come) back`, `one way ticket (?:\S+ ){0,6}(?:not|never) (?:coming|come) back`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`(?:^|\. |been |keep |keeps |i am |started |start )(?:cutting|burning|self harming|hurting ME|harming ME|scratching|hitting ME)(?: ME)? (?:every (?:night|day)|most (?:nights|days)|loads|a lot|more and more|all the time|at the moment|again)`,
		`(?:^|\. |been |keep |keeps |i am |started |start )(?:burning|cutting|hurting|harming) ME (?:every (?:night|day)|most (?:nights|days)|loads|a lot|more and more|all the time|at the moment|again)`,
		`(?:cut|cutting) (?:\S+ )?deep(?: END| tonight| last night| today| this time| and| again| this)`,
		`(?:needs|need|needed|might need|probably needs|think it needs|should have had|could do with) (?:stitches|stitching|stitched|gluing|steri strips) (?:\S+ ){0,4}(?:not going|will not go|not|do not want|can not)`,
	),
	cpat(Crisis, KindHarmOthers, true,
		`(?:he|she|they|PERSON|that \S+|the \S+) (?:is|are|will) not (?:walking|walk|getting|get|going|coming|leaving|going to walk|going to get) (?:out|home|away)(?: of (?:here|there|that \S+(?: \S+)?))?(?: alive| tonight| END| in one piece)`,
		`(?:will not|not going to|is not going to) (?:get|make it) home in one piece`,
		`(?:do not|can not) trust ME (?:around|with|near) (?:PERSON|him|her|them|my \S+)`,
	),
	cpat(Worry, KindHarmOthers, false,
		`(?:thoughts|thinking|pictures in my head|images|urges|intrusive thoughts) (?:of|about) (?:hurting|killing|harming|stabbing|strangling|drowning|smothering|shaking) (?:PERSON|my \S+|the baby|him|her)`,
	),
	cpat(Crisis, KindSuicide, false,
		`(?:none of this|nothing|it) will (?:not )?be my problem (?:any more|soon|for much longer|after tonight)`,
		`(?:be )?free of (?:it all|all of it|everything|all this|this|them all) (?:\. )?(?:for good|forever|for ever|soon)`,
		`(?:everyone|they|you all|my family) will (?:get|have|finally have) (?:their|some) peace`,
		`(?:how long|how much blood) (?:\S+ ){0,3}(?:to bleed out|bleed out)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`(?:scratched|scratching|scratch|picked|picking|rubbed|scrubbed|clawed|clawing) (?:my )?(?:\S+ )?(?:arms|arm|skin|legs|leg|face|hands|wrists) (?:raw|till (?:it|they) bled|until (?:it|they) bled|to bits|open|bloody)`,
		`(?:banged|banging|bashed|bashing|hit|hitting|smashed|smashing) my head (?:\S+ ){0,4}(?:till|until) (?:it|i) (?:bled|bleeds|bleed|blacked out)`,
	),
	cpat(Crisis, KindDanger, false,
		`(?:made|forced|making|forcing|make|force) (?:me )?to work (?:for no money|for nothing|without pay|unpaid|for free|to pay off)`,
		`(?:they|he|she|boss|my boss|the agency|the gang|the man) (?:have|has|took|taken|kept|keep|keeps|holding|hold) my (?:passport|documents|papers|id|visa)`,
		`(?:bringing|brought|bring) (?:shame|dishonour|dishonor) (?:on|to) (?:the|my) family`,
	),
	cpat(Crisis, KindSuicide, false,
		`(?:will not|not going to|do not think i will|never going to) be (?:filling|doing|answering|sending) (?:these|this|them|the check ins|my check ins|any more check ins) (?:in )?(?:after|much longer|for much longer|any more|again)`,
		`this is (?:the|my) last time END`, `(?:the )?last time (?:\. )?i am done`,
		`(?:will not|not going to|never going to) be (?:in|back|around) (?:again )?(?:\. )?(?:ever|ever again)`,
		`(?:thanks?|thank you) (?:you )?for (?:all )?(?:your help|everything|trying|being there|all you have done) (?:\S+ ){0,8}(?:not your fault|not on you|nothing (?:you|anyone) could (?:have )?(?:done|do)|you did (?:everything|all|what) you could)`,
		`make it look like (?:an )?accident`,
		`(?:HIGH|roof) (?:\S+ ){0,8}(?:not|never) (?:coming|come|getting|get) (?:back )?down`,
		`(?:chemicals|bleach|pills|tablets|rope|belt|insulin|antifreeze|weedkiller|paracetamol|meds) (?:\S+ ){0,6}(?:would|will|could|should|might) (?:be enough|kill me|finish me|end it)`,
		`(?:want|need) (?:it|it all|everything|this|the pain|the thoughts|all of it) (?:all )?to stop (?:permanently|for good|forever|for ever)`,
		`ready to go (?:\. )?(?:\S+ ){0,6}(?:courage|guts|nerve|bottle)`,
		`(?:do not|no one can|nobody can|you can not) (?:try (?:and|to) )?stop me(?: END| now| this time)`,
		`after taking (?:everything|all (?:my|the|of my|of the) (?:pills|tablets|meds)|an overdose|the lot)`,
		`log (?:off|out) (?:permanently|for good|forever|for ever|for the last time)`,
	),
	cpat(Worry, KindSuicide, false,
		`(?:deciding|decided|working out|worked out|figuring out|planning) how (?:i will |i am going to |to )?(?:do it|end it|go)`,
		`(?:the )?(?:chemicals|bleach|pills|tablets|rope|belt|insulin|antifreeze|weedkiller) (?:\S+ ){0,6}would do (?:it|the job)`,
	),
	// Voices with a command: what they say, said without "me to".
	cpat(Crisis, KindSuicide, false,
		`VOICE (?:keeps? |keep on |been |is |are |started )?(?:saying|says|said|whispering|whispers|telling me|tells me|telling|tells|shouting|shouts|screaming|screams|yelling|repeating|chanting|going|saying to me|ordering|order|orders|commanding) (?:at me |me )?(?:i have to |i must |i should |to )?(?:jump|die|kill ME|end it|hang ME|drown ME|do it|go to the bridge|take them all|take the pills|go under (?:a|the) (?:bus|train|lorry|car)|step (?:out )?in front of|walk into (?:the )?(?:road|traffic|sea|river)|step off)`,
	),
	cpat(Crisis, KindSuicide, false,
		`(?:they|it|something|my head|my brain) (?:keeps? |keep on |been |is |are |started )?(?:saying|says|whispering|whispers|telling me|tells me|shouting|shouts|screaming|screams|yelling|repeating|chanting|ordering me|commanding me) (?:me )?(?:i have to |i must |i should |to )?(?:jump(?: END| off| from| in front)|die|kill ME|end it|hang ME|drown ME|go under (?:a|the) (?:bus|train|lorry|car)|step in front of)`,
	),
	cpat(Crisis, KindHarmOthers, false,
		`VOICE (?:keeps? |keep on |been |is |are |started )?(?:saying|says|said|whispering|whispers|telling me|tells me|shouting|shouts|screaming|screams|yelling|repeating|chanting|going) (?:to )?(?:kill|stab|hurt|attack|strangle) (?:him|her|them|PERSON)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`VOICE (?:keeps? |keep on |been |is |are |started )?(?:saying|says|said|whispering|whispers|telling me|tells me|shouting|shouts|screaming|screams|yelling|repeating|chanting|going) (?:at me )?(?:to )?(?:cut|burn|hurt ME|harm ME|bleed)`,
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

// round5Concepts: round 5 (heldout5.tsv) showed these concepts missing,
// read on the first half of the round only; each is written for the
// concept, with variants and hard negatives in concepts10.tsv.
var round5Concepts = concat(
	cpat(Crisis, KindSuicide, false,
		// A means got, and its ordinary use denied: "bought rope. not for
		// the garden".
		`(?:bought|got|ordered|picked up|buying|getting) (?:a |some |the |new |more )?(?:\S+ )?MEANS (?:[^.\s]\S* ){0,6}(?:\. )?(?:and )?(?:it is |they are |that is |it is definitely |and it is )?not (?:for|to) (?:the|a|my|any|cooking|work|dinner|decorating|camping)`,
		// A vehicle driven into or off something, meant.
		`(?:going to|gonna|want to|will|might|thinking of|thinking about|tempted to|about to|could|i will|i am going to) (?:drive|driving|steer|steering|crash|crashing|plough|ploughing|aim|aiming|swerve|swerving) (?:my |the )?(?:car|van|lorry|truck|bus|motorbike|bike|cab|taxi)? ?(?:into|off|for|at) (?:a |the )?(?:\S+ )?(?:bridge|pillar|wall|tree|flyover|overpass|barrier|lorry|cliff|embankment|quarry|harbour|river|sea|viaduct|dock|reservoir|oncoming|central reservation)`,
		`(?:put|putting) my foot down and (?:aim|head|drive|go|steer) (?:for|into|at|off)`,
		// Carbon monoxide: a pipe through the window, tape round the exhaust.
		`(?:pipe|hose|hosepipe|tube|tubing) (?:\S+ ){0,3}(?:through|into|in|from|on|to) the (?:\S+ )?(?:window|exhaust)`,
		`(?:engine|exhaust) (?:on|running) (?:\S+ ){0,6}(?:pipe|hose|hosepipe|tubing|gaffer tape|duct tape)`,
		// Not coming back up, or round.
		`(?:hope|hoping|wish|wishing|pray|praying) (?:that )?i (?:do not|will not|never|would not|can not) (?:come up|come back|come round|come to|survive|resurface|make it)(?: END| this time| again| tonight| from (?:it|this)| back| alive| out)`,
		`(?:hard|far|long|deep) enough (?:that |so )?i (?:do not|will not|would not|never|can not) (?:come back|wake up|come up|come round|survive|make it)(?: END| this time| again| from (?:it|this)| back| alive| out)`,
		// Taking oneself out of it.
		`(?:remove|removing|removed|take|taking) ME (?:out of (?:the|this) (?:picture|equation|world)|from (?:the|this) (?:picture|equation|world|planet|earth)|tonight|for good|permanently|END)`,
		`(?:slit|slitted|cutted|sliced|slice|slicing) my (?:wrist|wrists|throat)`,
		// Sleep forever, and something taken to bring it.
		`sleep forever (?:\S+ ){0,10}(?:took|taken|taking|swallowed|had) (?:a load|loads|all|the lot|some|a lot|a few|a handful|lots)`,
	),
	cpat(Crisis, KindHarmOthers, true,
		`(?:imagin\S*|picturing|picture|fantasi\S* about|dream\S* about|thinking about|keep thinking about) (?:pushing|shoving|stabbing|strangling|killing|hurting|battering|hitting|running over|smothering|poisoning) PERSON (?:[^.\s]\S* ){0,8}(?:\. )?(?:[^.\s]\S* ){0,4}(?:nearly|almost|so close to) (?:did|do|doing)`,
	),
	cpat(Crisis, KindDanger, true,
		// Things done while unconscious.
		`(?:someone|somebody|he|she|they|AGENT) (?:had )?(?:done|did|was doing|were doing) (?:things|stuff|something|sexual things|sexual stuff) to me`,
		`(?:my )?clothes (?:were |was )?(?:off|gone|missing|ripped|torn|removed|pulled off) (?:\S+ ){0,6}(?:do not|can not|did not) (?:remember|know how)`,
		// Dead things left at the door.
		`(?:dead|rotting|rotten|mutilated) (?:flowers|bird|birds|rat|rats|animal|animals|fish|cat|pigeon|mouse|mice) (?:\S+ ){0,4}(?:on|at|through|in|by) (?:my|the) (?:doorstep|door|front door|car|windscreen|letterbox|step|porch|gate|bonnet)`,
		// "you'll pay for leaving".
		`(?:saying|said|says|told me|texted|texting|messaged|messaging|text|message) (?:that )?i (?:will|would|am going to|is going to) pay for (?:leaving|it|this|that|what i|telling|going|talking|reporting|splitting|dumping)`,
		`(?:help|need help|please help me) (?:getting|to get|get) (?:out|away)(?: of (?:here|the house|the flat|this))? (?:\. )?(?:\S+ ){0,3}(?:he|she|they) (?:is|are) (?:asleep|out|passed out|in the shower)`,
		// Second half of round 5: hit as a punishment, a photo of the door
		// sent, made to sleep in the car.
		`HURTME (?:\S+ ){0,3}for (?:talking|looking|speaking|texting|being|saying|going|answering|not|laughing|seeing|wearing|coming|leaving|asking|crying|smiling|replying|messaging|ringing)`,
		`(?:someone|somebody|he|she|they|an? (?:\S+ )?(?:account|number|stranger|profile)|the (?:caller|guy|man|bloke|customer|stranger)|my ex(?: \S+)?|a (?:guy|man|bloke|customer|stranger)) (?:[^.\s]\S* ){0,8}(?:sent|sends|sending|send) me (?:a |another )?(?:pic|pics|photo|photos|picture|pictures|video) of my (?:front door|door|house|flat|car|street|kids|children|work|window|bedroom)`,
		`(?:makes|made|make|forces|forced|force|making) me (?:sleep|stay|wait|stand) (?:in the car|on the floor|in the garden|in the shed|on the doorstep|in the cold|outside (?:all night|in the cold|in the rain|overnight|on the doorstep))`,
	),
	cpat(Crisis, KindSuicide, false,
		// Second half of round 5.
		`(?:because|cos) i (?:have |had |will have )?(?:gone|went) through with it`, `i have gone through with it`,
		// ("so" is a filler the canonical words drop.)
		`(?:that|until|till|now) i (?:die|am dead|will die|can die|starve|waste away)(?: END| quicker| faster| sooner| quickly)`, `i (?:die|am dead|starve|waste away) (?:quicker|faster|sooner|more quickly)`,
		`(?:pays? out|covers? it|still pays)(?: out)? (?:\S+ ){0,3}(?:after|once|if it has been|if it is been) (?:a|one|two|three|\d+) (?:years?|months?)`,
		`(?:insurance|policy) (?:\S+ ){0,6}(?:even )?if (?:it is|its) (?:suicide|self inflicted)`,
		`(?:bought|buying|got|getting|buy) (?:\S+ ){0,2}PILLS (?:from|in|at) (?:\d+|two|three|four|five|several|different|loads of|lots of|a few) (?:different )?(?:shops|pharmacies|chemists|stores|places|supermarkets) (?:\S+ ){0,3}(?:(?:they|nobody|no one|the pharmacist|staff|anyone) (?:would not|will not|does not|do not|did not|can not|could not|wont) (?:notice|ask|asks|know|realise|stop me|suspect|question)|(?:no one|nobody) (?:asks|notices|questions|knows|suspects)|enough (?:now|for))`,
		`(?:lying|lay|laid|laying|lie) (?:down )?(?:in|on) the (?:middle of the )?(?:road|motorway|carriageway|tracks|railway line|train tracks)(?: END| waiting| and| behind| near| by| on| outside| at| in| for)`,
		`(?:something|some|a|the|stuff) (?:\S+ ){0,3}to (?:do it|end it|end things|kill ME|finish it) with`,
		`(?:knife|blade|razor) (?:is )?(?:next to|against|on|at|by|pressed (?:to|against)|held (?:to|against)) my (?:wrist|wrists|arm|arms|throat|neck|skin|thigh)`,
		`blood (?:everywhere|all over) (?:[^.\s]\S* ){0,6}(?:\. )?(?:i )?(?:do not|can not) (?:know what to do|stop it|make it stop|get it to stop)`,
	),
	cpat(Crisis, KindSelfHarm, false,
		`(?:punch|hit|bang|smash|headbutt)\S* (?:the |a )?(?:walls?|doors?|my head|my fists?|my hands?) (?:\S+ )?(?:until|till) (?:my )?(?:knuckles|hands|fists?|head|skin) (?:split|bleed|bled|break|broke|crack|cracked|bruise|bruised)`,
	),
	cpat(Crisis, KindHarmOthers, false,
		`VOICE (?:say|says|said|tell|tells|told me|telling me|keep saying|keeps saying) (?:\S+ ){0,8}(?:i have to|i must|i need to|i should|i got to|i have got to) (?:stop|kill|hurt|get|deal with|punish|silence) (?:her|him|them|PERSON)`,
	),
)

// distressConcepts are worries the phrase patterns do not have.
var distressConcepts = cpat(Worry, KindDistress, false,
	`can not see a way (?:through|out|forward)`, `(?:feel like|want to|wish i could) (?:disappearing|disappear)`,
	`want to (?:sleep|go to sleep) and not (?:deal|wake|think|face)`, `look after my (?:cat|dog|kids|pets?|rabbit) for me END`,
	`not sure (?:if |whether )?i am safe`, `panic attacks?`,
	`(?:i feel|feeling|i am|am) on edge`, `(?:have not|not) left (?:the house|my room|my bed|bed|the flat) (?:in|for|all|since)`,
	`(?:tired|sick|exhausted) of (?:pretending|acting|faking|putting on a face|smiling)`, `drinking (?:way |far |much )?too much`,
	`(?:cried|crying|sobbed|sobbing|in tears) (?:\S+ ){0,4}(?:before|after|during) (?:my|the) (?:shift|meeting|interview|work)`,
	`struggling (?:\S+ )?with (?:the |my )?(?:anniversary|loss|grief|death|bereavement)`,
	`(?:want to|going to|will|wish i could) (?:go away|leave|disappear|be gone|run away) (?:forever|for ever|for good|and never come back)`,
	`(?:picturing|imagining|pictured|imagined|visualising|fantasising about) (?:the |my )?(?:train|tracks|bridge|jump|jumping|drop|rope|noose|pills|edge|fall|falling|dying|death|funeral)`,
	`(?:life|my life|living) (?:has|have) no (?:sense|meaning|point)`,
	`getting on top of me`, `(?:keep|keeps|been|can not stop|always) crying`,
	`thoughts (?:are )?(?:getting )?(?:louder|worse|stronger|too loud|out of control)`,
	`(?:tired|sick) of (?:fighting|trying|struggling)`, `struggling (?:today|at the moment|right now|a lot|so much|again|lately|badly)`,
	`(?:my )?head is (?:a mess|all over the place|not right|messed up|fried|not in a good)`,
	`(?:will not|not going to) (?:be )?(?:need|needing) (?:my|the|a|any) (?:rota|shifts|hours|check ins|appointments?|job|holiday) (?:next|after|any more|again)`,
	`(?:left|written|wrote|writing) (?:instructions|a list|notes?) for (?:my|the) (?:cat|dog|kids|family|pets?)`,
	`(?:like i am|i am|feel like i am|feel|feeling) (?:underwater|drowning|suffocating|sinking)(?: all the time| END| inside| every day)`,
	`(?:^|\. )not (?:ok|okay|alright|great|good) (?:if i am honest|to be honest|at all|END)`,
	`(?:feeling|feel|i am|am) (?:pretty |so |very |quite |a bit |really )?(?:low|down)(?: END| and| today| at the moment| lately| again| all the time)`,
	// Round 5: an eating disorder, waking disappointed, nothing felt,
	// loneliness that hurts, falling to bits.
	`(?:lost|losing|dropped) (?:a stone|\d+ (?:stone|kg|kilos|pounds|lbs)) (?:\S+ ){0,5}(?:still|and) (?:feel|look|am|i am) (?:huge|fat|massive|disgusting|gross|enormous)`,
	`(?:eating disorder|anorexia|bulimia|the ed|my ed|ed brain|ed voice) (?:\S+ ){0,3}(?:winning|back|loud|louder|bad|worse|again|relapse|relapsing|taking over)`,
	`(?:made|making|make) ME sick (?:after|again|every)`, `(?:purging|purged|bingeing and purging)`,
	`woke up (?:\S+ )?disappointed(?: again)? END`, `disappointed (?:that |to be )?(?:i )?(?:woke up|am still here|was still here|am still alive|was still alive|alive|still here|did not die)`,
	`(?:can not|do not) remember the last time i (?:felt|was|have felt) (?:anything good|happy|ok|okay|good|anything|something good|alright|like myself)`,
	`(?:do not|can not|never) feel anything (?:good|any more|at all|END)`, `^(?:numb|hollow|empty|feel numb|so numb) END`,
	`lonely (?:it hurts|all the time|every day|i can not (?:stand|bear|cope|take))`, `i (?:am|feel) (?:so |really |that )?(?:lonely|isolated) END`,
	`(?:i am|i feel|feel like i am|feeling like i am|i feel like|i have been|am) (?:\S+ )?(?:falling|going) (?:to bits|to pieces|apart)`,
	`what if i (?:\S+ ){0,2}(?:did not|never|do not|just did not) (?:come back|wake up|exist)`,
	`far from (?:fine|ok|okay|alright|good)(?: END| today| at the moment| right now| honestly| mate)`, `nothing (?:helps|works|is helping|is working)(?: END| any more)`,
	`(?:do not|can not) (?:know how to|see how i can|see how to) (?:carry on|go on|keep going|cope)`,
	`(?:had|having|got|get) the thoughts again`, `not acting on (?:them|it)`,
	`if i (?:got|get|was|were) (?:hit|run over|knocked down) (?:by a \S+ )?(?:\S+ ){0,2}i (?:would not|will not) (?:be )?(?:that )?(?:bothered|mind|care)`,
	`(?:would not|will not) (?:be )?(?:that )?(?:bothered|mind|care) if i (?:died|got hit|got run over|did not wake up|was not here)`,
	// Round 4: distress said short, as people say it.
	`(?:have not|not|did not|barely|hardly) (?:eaten|eat|ate) (?:anything |properly |a thing )?(?:since|for|in) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday morning|the weekend|last \S+|days|\S+ days|ages|a week|\S+ weeks?|over a day)`,
	`(?:^|\. |i am |am |feeling |feel )not (?:ok|okay|alright|good|great|doing well|doing ok|doing good) (?:today|tonight|at the moment|right now|lately|again|at all|this week|mentally|in myself|in my head)`,
	`back on (?:the )?(?:drink|booze|bottle|sauce|drugs|gear|coke|weed|smack|heroin|crack|ket|spice|vodka)`,
	`bottles? of (?:wine|vodka|gin|whisky|rum|cider) (?:a|every|each) (?:night|day)`,
	`(?:i am|i feel|feel|feeling|i am feeling) (?:completely |totally |utterly )?(?:broken|destroyed|shattered inside|dead inside)(?: END| inside| today| again| all the time)`,
	`mood (?:is |has been |has gone |went |been )?(?:through the floor|on the floor|in the floor|in the bin|rock bottom|at rock bottom|really low|very low|dark|terrible|awful|horrendous|shocking|in the gutter)`,
	`(?:^|\. |feel |feeling |i am |am |i feel )(?:completely |totally |utterly |so |very |all )?alone(?: END| all the time| in this| in the world| every day| since)`,
	`(?:can not|have not been able to|not able to|unable to|could not|can not) (?:eat|sleep) (?:or|and|nor) (?:sleep|eat)`,
	`dissociat\S*`, `woke up (?:screaming|crying|shaking|in a panic)`,
	`(?:nightmares|flashbacks|voices|urges|panic attacks|intrusive thoughts|the dreams|cravings|bad dreams|night terrors|hallucinations) (?:are|have|has|keep|came|come) (?:come |coming |been coming )?back`,
	`(?:^|\. )trapped END`, `(?:so|completely|totally) trapped`,
	`(?:scared|afraid|worried|terrified|frightened) (?:that )?(?:i am going to|i will|i might|i could|of|i am gonna) (?:lose it|losing it|snap|snapping|kick off|kicking off|break down|hurt someone|lash out|flip)`,
	`hanging (?:on )?by a thread`, `(?:end|the end) of my (?:tether|rope)`,
	`i am (?:terrified|petrified|scared|frightened)(?: all the time| END| of everything| of my own (?:mind|head|thoughts))`,
	`missed (?:my )?(?:depot|injection|jab|lithium|clozapine|antipsychotics?)`, `(?:missed|not taken|forgot|forgotten) my (?:meds|medication|tablets|pills) (?:for|in) (?:days|a week|\S+ days|ages)`,
	`(?:tired|sick|fed up) of being me`, `grey nothing`, `wish i could (?:vanish|disappear|hide away)`,
	`(?:everything|life|every day|it all|the world|my life) (?:is|feels|seems|looks) (?:completely |all )?(?:grey|colourless|numb|meaningless)`,
	`coping (?:is |at |score |level )?(?:0|zero|nil|none)(?: 10| out of 10| END|$)`,
	`in bed (?:for|all) (?:\d+|two|three|four|five|six|several|a few) days`, `(?:been|stayed|staying) in bed (?:for )?(?:days|all week|\d+ days)`,
	`(?:barely|hardly|not) eating(?: END| at the moment| at all| properly| much| anything| lately| for days)`, `not eaten(?: END| properly| anything| all day| in days)`,
	`(?:cried|crying|sobbed|sobbing|broke down|in tears) (?:\S+ ){0,3}(?:at work|in the (?:toilets|toilet|loos|loo|freezer|walk in freezer|stockroom|staff room|car park|car|break room|canteen)|on (?:my|the) (?:break|shift|way (?:in|to work)))`,
	`(?:flashbacks|nightmares|night terrors|panic attacks?) (?:all night|every night|again|constantly|non stop|all day|every day|keep coming)`,
	`(?:wish i could|want to|i want to|could i) (?:sleep|go to sleep|fall asleep) (?:for (?:a year|a month|months|years|ever|a hundred years)|and stay asleep|and not wake up)`,
	`(?:crisis team|cmht|mental health team|psych|psychiatrist|therapist|counsellor|counselor|care coordinator|gp|doctor|team) (?:\S+ ){0,2}(?:discharged|dropped|stopped seeing|closed my case|signed me off|signed off)`,
	`(?:anxiety|panic|depression|my mood|my mental health|paranoia|the voices) (?:is|has been|was|getting|is getting) (?:so |really |that )?(?:bad|awful|horrendous|unbearable|out of control|through the roof|worse)`,
	`(?:^|\. |i am |feel |feeling |i feel )(?:on the edge|over the edge|near the edge|close to the edge)(?: END| again| today| of (?:breaking|losing it|a breakdown))`,
	`(?:exhausted|tired|worn out|drained) (?:with|by|of) (?:life|living|everything|it all|existing)`,
	`(?:my brain|my head|my mind|a voice|the voice|voices) (?:keeps? )?(?:telling|tells|says|saying) (?:me )?(?:i am|that i am) (?:useless|worthless|a failure|a burden|nothing|pathetic|stupid|a waste|better off dead)`,
	`i am (?:so |completely |totally )?(?:useless|pathetic)(?: END| and| at everything)`,
	`(?:everyone|people|they|colleagues|everybody) (?:at work )?(?:are|is|keep|keeps) (?:\S+ ){0,2}(?:plotting against|spying on|watching me through|reading my (?:thoughts|mind)|recording) me`,
	`(?:plotting|conspiring) against me`, `(?:watching|spying on) me through (?:the )?(?:cctv|cameras?|walls|phone|tv)`,
	`(?:do not|can not) trust ME(?: END| at the moment| right now| any more| tonight)`,
)

// dangerPatterns are danger to the writer from someone else.
var dangerPatterns = concat(
	cpat(Crisis, KindDanger, true,
		// Harm done or happening.
		`AGENT GAPHURTME`, `AGENT GAPTHREATME`,
		`AGENT GAP(?:beat|beats|beaten) me up`, `(?:beat|beaten|battered) me (?:up|black and blue|again|last night)`,
		`AGENT GAP(?:threw|throws|thrown) (?:a|the|his|her|something|things|stuff) (?:\S+ ){0,5}at me`,
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
		`(?:^|\. |i |and |i have |i keep )(?:got|get|getting|been|was) (?:slapped|punched|hit|kicked|beaten|battered|strangled|choked|pushed|shoved|smacked|headbutted|thrown|dragged|bitten|spat on) (?:\S+ ){0,4}by (?:him|her|them|my \S+|CLOSE|AGENT)`,
		`(?:^|\. |i |and |i have |i keep )(?:got|get|getting|been|was) (?:smacked|knocked|pushed|thrown|slapped) (?:about|around)`,
		`(?:^|\. |i |and |i have )(?:got|been|was) (?:robbed|mugged|jumped|attacked) (?:at knifepoint|at gunpoint|with a knife|by (?:a|some) (?:gang|lads|men))`,
		`(?:pulled|pulls|pull|held|holds|holding|waved|waving|pointed|pointing|brandished|brandishing) (?:a|the|his|her|their) (?:\S+ )?(?:knife|gun|blade|machete|bat|hammer|weapon|screwdriver|bottle|scissors) (?:on|at|to) me`,
		`(?:came|comes|coming|went|goes|going) (?:at|for) me with (?:a|the|his|her|their) (?:\S+ )?(?:knife|gun|blade|machete|bat|hammer|weapon|screwdriver|bottle|scissors|iron|belt)`,
		`(?:held|holding|put|pressed) (?:a|the) (?:knife|blade|gun|screwdriver|scissors) (?:to|against) my (?:throat|neck|face|stomach|head|chest)`,
		`(?:uncle|dad|stepdad|father|brother|stepbrother|cousin|grandad|grandpa|lodger|landlord|flatmate|housemate|he) (?:\S+ ){0,8}(?:comes|came|keeps coming|creeps|crept|sneaks|sneaked|snuck|gets) (?:in|into) (?:my|the) (?:room|bed|bedroom) (?:at night|when i am asleep|while i (?:am asleep|sleep)|in the night|every night)`,
		`(?:would not|will not|did not|never) let me (?:out|leave|go)(?: of (?:the|my) \S+)? (?:till|until|unless)`,
		`(?:^|\. )locked in (?:the|my) (?:bedroom|room|house|flat|bathroom|car)`,
		`(?:monitors|tracks|checks|reads|goes through|controls) (?:everything|my (?:phone|messages|texts|location|spending|money|every move|emails)) (?:\S+ ){0,8}(?:or (?:he|she|they)|goes (?:mental|mad|crazy)|kicks off)`,
		`(?:have to|make me|makes me) (?:send|show|tell|report to) (?:him|her|them) (?:a )?(?:photo|picture|my location|where i am) (?:\S+ ){0,4}(?:or (?:he|she|they))`,
		`(?:sort me out|do me in|finish me off|get me|hurt me|come for me) (?:if|when) (?:i|i ever) (?:grass|snitch|talk|tell|say anything|go to the police|report)`,
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
		`(?:forced|forces|forcing|force|made|makes|make|making|pressures|pressured|pressuring|pressure) me (?:to |into )?(?:have sex|sleep with|sex|do (?:sexual )?(?:things|stuff)|give him|touch him|do (?:things|stuff) i did not want)`,
		`(?:forced|forces|forcing) (?:himself|herself) on me`, `(?:keeps|kept|keep|will not stop) (?:touching|groping|grabbing) me`,
		`touch\S* me GAP(?:did not want|without|would not stop|inappropriately|where)`,
		// Control.
		`(?:he|she|CLOSE) GAP(?:will not|would not|does not|did not|never) let me (?:leave|go out|out|see (?:my )?(?:friends|family|mum|dad|anyone|people)|go anywhere|go to work|have my (?:own )?(?:money|phone|keys)|talk to|speak to|eat|sleep)`,
		`(?:he|she|they|CLOSE) GAP(?:took|takes|taken|hid|hides|hidden|has got|has|got|keeps|kept|smashed|broke) (?:all )?my (?:phone|keys|key|money|bank card|cards|passport|car keys|wages|benefits|meds|medication|tablets|inhaler|glasses|wheelchair|insulin)`,
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
		`(?:told|tell|telling|showed|gave) (?:him|her|them|my ex) where i (?:work|live|am|stay|am staying)`,
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
	"sister": true, "brother": true, "mum": true, "dad": true, "mother": true, "father": true, "son": true, "daughter": true,
	"nan": true, "gran": true, "aunt": true, "uncle": true, "flatmate": true, "housemate": true, "client": true,
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
	`(?:massive |huge |long )?delays`, `on the (?:\S+ )?news`, `the news`, `in the (?:\S+ )?paper`, `news (?:said|says|article|story)`, `(?:local|bbc|sky|itv) news`,
	`(?:hit|struck) by a train`, `on the (?:line|tracks) (?:so|and|which)`, `fatality`, `police incident`,
	`(?:film|movie|show|series|book|episode|documentary|podcast|novel|play|game|song|character) (?:about|where|in which|with|was|is)`,
)

func isSelfKind(kind string) bool { return kind == KindSuicide || kind == KindSelfHarm }
