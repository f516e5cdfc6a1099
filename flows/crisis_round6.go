package flows

// round6Concepts: round 6 (heldout6.tsv) showed these concepts missing.
// Each is written for the concept (a goodbye by arrangement, means staged,
// a plan said in text-speak or in a form's answers, "doing it" after
// distress), with variants a different writer would use and hard
// negatives (holidays, real job leaving, pet sitters, a helium balloon) in
// concepts12.tsv. Round 6 was read whole, so what these rules gain on it
// is in-sample (docs/safety.md).
var round6Concepts = concat(
	cpat(Crisis, KindSuicide, false,
		// Planning one's own death, said plainly.
		`(?:planning|planned|plotting|preparing|arranging|organising|organizing|sorting out) (?:my|for my) (?:own )?(?:death|suicide|demise|end)(?: END| and| calmly| now| for| properly| carefully| i)`,
		// A pet rehomed "for a while" that is not coming back.
		`(?:gave|given|giving|left|leaving|dropped|dropping|rehomed|rehoming|handed|handing) (?:over )?(?:my |our )?(?:dog|dogs|cat|cats|pets?|rabbit|rabbits|hamster|budgie|parrot|tortoise|guinea pigs?|fish|snake) (?:\S+ ){0,8}(?:temporary|temporarily|for a bit|for a while|for a few days|just for now)(?: \.)? (?:\S+ ){0,4}(?:it is not|it was not|it will not be|is not|not really|it is for good|it is permanent|for good)`,
		// Affairs put in order, then ready.
		`(?:will|wills|will is|debts|bills|rent|affairs|notes?|letters?|goodbyes|cat|dog|everything|paperwork|passwords) (?:is |are |all )?(?:done|sorted|paid|paid off|written|said|in order|signed|rehomed|squared|settled)(?: \S+){0,14} (?:ready now|i am ready|ready to go|ready for it|it is time|time to go|just waiting for (?:dark|tonight|the night|everyone to sleep|them to go))(?: END| \S+)?`,
		`(?:ready to go|ready now) (?:\. )?(?:\S+ ){0,3}(?:cats|dogs|cat is|dog is|notes?|letters?|will is|affairs) (?:sorted|written|done|rehomed|in order)`,
		`(?:gone|dead|over) (?:by|before) (?:the )?(?:morning|sunrise|dawn|daylight|the weekend|monday|tomorrow)(?: \S+){0,6} (?:sorry|love you|bye|goodbye|thanks? for|do not worry|it is for the best)`,
		`(?:probably|likely|definitely|hopefully|already|finally) be gone (?:by|before) (?:the )?(?:morning|tomorrow|sunrise|dawn|tonight|the weekend|then|you read this|you see this)`,
		`(?:off|leaving|gone|going|out) for good(?: \S+){0,8} (?:good run|pour one out|remember me|thanks for everything|love you all|look after|goodbye|bye all|it has been)`,
		`(?:pour one out|raise a glass|have a drink|have one) for me(?: \S+){0,8} (?:for good|good run|gone|off|leaving|not coming back)`,
		`(?:been|it has been|had) a good run(?: \S+){0,4} (?:off|gone|going|done|leaving|bye|goodbye|that is me)`,
		`(?:or ever again|ever again|or ever)(?: \.)? (?:\S+ ){0,2}tell \S+ (?:thanks|thank you|i said|i love|i am sorry|goodbye|bye)`,
		`(?:last|final) (?:shift|day|week|check in|weekend) (?:\S+ ){0,4}(?:\. )?not because (?:i am|i will be|am) (?:leaving|quitting|moving|retiring|changing|going on|finishing)`,
		`(?:leaving|going|gone|quitting|off|saying goodbye)(?: \S+){0,12} (?:they|he|she|everyone|people|work|they all) (?:think|thinks|assume|assumes|believe|believes) i (?:mean|meant|am talking about) (?:the|my) (?:job|work|flat|house|town|area|country|city)`,
		`(?:do not|not) (?:plan|planning|intend|intending|expect|expecting) (?:on |to )?(?:be|being) (?:here|around|alive) (?:\S+ ){0,6}(?:or after|or ever|at all|any more|much longer|after that)`,
		`(?:sent|send|sending|texted|messaged|left|wrote|written) FAMILY (?:a |my )?(?:goodbye|farewell|last) (?:text|message|letter|note|voicemail|email|video)`,
		`(?:sent|send|sending|left|wrote|written|recorded) (?:a |my )?(?:goodbye|farewell) (?:text|message|letter|note|voicemail|video) (?:to|for) FAMILY`,
		// Means staged.
		`(?:plastic bag|bag over my head|helium|gas canister|gas cylinder|nitrogen|charcoal|barbecue|disposable bbq) (?:\S+ ){0,5}(?:by|next to|on|under|beside|in) (?:the |my )?(?:bed|pillow|bedside|desk|room|bedroom|car|tent)(?: END| \S+ (?:do not|dunno|not sure|if i|ready|tonight|have|got|just))`,
		`(?:bag|charcoal|helium|bbq|barbecue) (?:\S+ ){0,8}(?:do not know|dunno|not sure) if i (?:have|have got) the (?:guts|nerve|bottle|courage)`,
		`(?:platform|station|tracks|level crossing|bridge) (?:\S+ ){0,12}(?:next|the) (?:fast|express|non stopping|non stop|freight|through) (?:one|train)`,
		`(?:letting|let|watching|watch) (?:the )?(?:trains|train) (?:go )?(?:past|by|through)(?: \S+){0,8} (?:next|fast|one|platform|edge|line)`,
		`(?:train|one|express) (?:that|which) (?:does not|will not|doesnt|never) stop(?:s)? (?:at|here)`,
		`(?:stash|supply|stockpile|hoard|collection|pile|load|bag|box) of (?:\S+ ){0,3}(?:PILLS|tablets|pills|meds|painkillers)(?: \S+){0,8} (?:and|with|plus) (?:a |the )?(?:quiet |free |whole )?(?:day off|night off|night alone|weekend alone|house to myself|empty house|flat to myself|place to myself|day to myself|evening alone)`,
		`(?:says|say|tells me|telling me|saying|said) (?:to )?jump (?:\S+ ){0,10}(?:nearly|almost) (?:listened|did it|did|went|jumped|gave in|let go|climbed)`,
		`(?:annoyed|angry|gutted|disappointed|upset|pissed off|raging|fuming|sad|sorry|furious) (?:that )?i (?:woke up|survived|am still here|did not die|came round|lived|am alive|made it|am still alive)(?: END| again| at all| after| in (?:a and e|a e|hospital|the ambulance))`,
		`(?:had|have had) a go (?:\S+ ){0,4}(?:with|at) (?:the |my )?(?:PILLS|tablets|pills|rope|knife|belt|car|bridge)`,
		`(?:do not|no need to|dont) (?:reply|answer|text back|write back|bother replying|message back|ring)(?: \S+){0,6} (?:away|going|off|heading|driving|walking) (?:to|up|out to|down to|onto) (?:the )?(?:\S+ ){0,2}(?:bridge|cliff|cliffs|viaduct|quarry|river|loch|canal|sea|pier|tracks|railway|motorway)`,
		`(?:^(?:\S+ ){0,12})?(?:then|after that|and then|after) (?:i am |i will be )?(?:going|heading|driving|walking|off) (?:up |to |out to |down to |onto |up to )(?:the )?(?:\S+ ){0,2}(?:bridge|cliff|cliffs|viaduct|quarry|overpass|flyover|motorway bridge|multi storey|car park roof|tracks|railway line)(?: END| tonight| for| and| then|$)`,
		`(?:walk|walking|stand|standing|sit|sitting|lie|lying|going|lay) (?:\S+ ){0,3}on (?:the )?(?:railway line|train tracks|tracks|rail line|actual line|line)(?: tonight| \. not| not the| END)`,
		`(?:died|killed (?:himself|herself|themselves)|took (?:his|her|their) (?:own )?life|hanged (?:himself|herself)|ended it)(?: \S+){0,16} (?:going|go|will go|want to go|am going) (?:the )?same way`,
		`(?:sleep|mood|food)(?: \S+){0,8} plans? (?:\. |is |are |was )?(?:jumping|jump|hanging|drowning|overdosing|to jump|to hang|to end it|ending it|killing myself|yes|yeah|yep)(?: END| off| from| in| tonight| tomorrow|$)`,
		`(?:sooner|rather) be in (?:a box|a coffin|the ground|my grave|a grave|the cemetery)(?: \S+){0,10} (?:sorting that|sorting it|doing something about it|making it happen|making that happen|arranging it|i am going to|planning)`,
		// A plan in text-speak once spelled out: "goin 2 jump aft work 2moro".
		`(?:going to|gonna|will|planning to|plan to|about to|decided to|i am) jump (?:off (?:\S+ ){0,4})?(?:WHEN|after (?:work|my shift|the shift|tea|dinner|school|this)|tomorrow|tonight)`,
		`(?:i am|am) going to do it (?:WHEN) (?:after|once|when|while|before)`,
		// "doing it" after distress, or once home.
		`(?:when|once|after|as soon as) (?:i get home|i get in|i am home|i get back|they are asleep|everyone is asleep|the kids are asleep|i finish|i am alone|i am on my own|she leaves|he leaves|they leave|my shift ends) (?:i am |i will |i will be |am )?(?:doing it|do it|going to do it|ending it|going through with it)(?: tonight)?(?: \. (?:\S+ )?(?:had enough|i have had enough|can not|no more|i am done|done|sorry|bye|goodbye|enough)| (?:i have )?had enough)`,
		`i am doing it (?:\. )?(?:had enough|i have had enough|can not (?:do this|take it|cope)|no more|i am done|done|sorry)`,
		`(?:had enough|i have had enough|can not do this any more|i am done)(?: \.)? (?:i am )?(?:doing it|going to do it) (?:tonight|today|now|when|after|once)`,
	),
	cpat(Worry, KindSuicide, false,
		`(?:when|once|after|as soon as) (?:i get home|i get in|i am home|they are asleep|everyone is asleep|i am alone) (?:i am |i will |am )?(?:doing it|going to do it|going through with it)$`,
		`(?:stash|stockpile|hoard) of (?:\S+ ){0,3}(?:tablets|pills|meds|painkillers|paracetamol)`,
		`(?:sooner|rather) be in (?:a box|a coffin|the ground|my grave|a grave)`,
		`probably be gone (?:by|before) (?:the )?(?:morning|tomorrow)`,
		`(?:not sure|dunno|do not know) if i (?:have|have got) the (?:guts|nerve|bottle|courage)(?: END| to do it| to go through with it)`,
	),
	cpat(Crisis, KindDanger, true,
		// Coercive control and violence said the way people say it.
		`(?:CLOSE|he|she|my (?:mum|mams|dads|mams new|mums new) (?:fella|boyfriend|partner)|me mam|me mams new fella) (?:is|was|gets|got) (?:a bit |very |too )?handy with (?:his|her) (?:fists|hands)`,
		`(?:chair|wardrobe|drawers|bed|table) (?:\S+ ){0,2}(?:wedged|jammed|propped|pushed|shoved) (?:up )?against (?:the|my) (?:\S+ )?door (?:\S+ ){0,3}(?:because of|cos of|in case|so (?:he|she|they)|to keep)`,
		`(?:find|get|need|help me find|looking for|get into|go to) (?:me )?(?:a |an )?(?:refuge|womens refuge|safe house|shelter)`, `(?:get|go|going|got|run|escape) (?:to|into) (?:a |an |the )?(?:refuge|womens refuge|safe house)`, `handy with (?:his|her|their) fists`,
		`(?:locks|locked|locking|lock) me (?:out|in)(?: of the house| of my room| in my room)? (?:when|if|whenever|every|for|all|again|because)`,
		`(?:not|never) (?:meant|allowed|supposed) to be on my phone`,
		`(?:times|tracks|checks|monitors) (?:my|how long my) (?:walk|journey|drive|time|shopping|commute) (?:\S+ ){0,8}(?:went mental|goes mental|kicks off|kicked off|screams|screamed|lost it|loses it|shouts|punish|angry|mad)`,
		`(?:locks|locked|padlocks|padlocked) (?:the )?(?:food|fridge|cupboards|food cupboards|kitchen)`,
		`(?:watching|watch|guarding|outside) (?:the|my) (?:house|flat|door|work)(?: \S+){0,6} (?:shame|honour|dishonour|family)|(?:shame|honour|dishonour) (?:\S+ ){0,10}(?:watching|watch|following) (?:the|my|me)`,
	),
)
