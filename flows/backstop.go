package flows

import (
	"strings"
	"unicode"
)

// The human backstop: Steady cannot read every way people say they are not
// all right, so a typed message it cannot be sure is routine goes on the
// worker's "to read" list (Handle, ReadWords). Two small readers decide the
// edges here: words of distress that the crisis detector does not treat as
// risk ("awful day", "can't sleep", "panicking"), which a person should read
// all the same; and pleasantries ("thanks", "ok"), which nobody needs to.
// Both err towards reading: a word of distress anywhere puts the message on
// the list; only a message that is nothing but a pleasantry stays off it.

// distressWords are single words of distress, as typed after lower-casing
// and dropping apostrophes.
var distressWords = wordSet(`
anxious anxiety panic panicking panicky panicked scared frightened afraid terrified petrified
crying cried cry sobbing tears upset sad miserable depressed depression lonely isolated alone
overwhelmed exhausted drained burnout burntout stressed stressful awful terrible horrible dreadful
worthless hopeless useless helpless numb empty hurt hurting hurts pain painful angry furious
struggling struggle struggled breakdown shaking trembling drunk drinking hungover
bullied bullying harassed harassment shouted screamed threatened threatening unsafe abuse abused abusive
assaulted attacked hate hated nightmare nightmares voices paranoid paranoia manic relapse relapsed
grief grieving bereaved heartbroken desperate despair ashamed shame guilty failure
`)

// distressPhrases are runs of words that say distress where each word alone
// does not.
var distressPhrases = []string{
	"cant sleep", "can not sleep", "cannot sleep", "not sleeping", "fed up", "not ok", "not okay", "not good", "not great",
	"not fine", "cant cope", "cannot cope", "not coping", "rough day", "bad day", "bad night", "bad week", "rough week",
	"falling apart", "panic attack", "no energy", "give up", "had enough", "too much", "sick of", "signed off",
	"sick note", "lost my job", "sacked", "fired me", "let go", "quit my job", "hand in my notice", "cant do this",
	"cannot do this", "cant take", "so tired", "really tired", "not myself", "dont care", "no point", "why bother",
	"on edge", "shut down", "at breaking", "need help", "need to talk",
}

// pleasantries are whole messages that need nobody's attention. Farewells
// are not among them: "bye" may be a last word.
var pleasantries = wordSet(`
ok okay k kk ok thanks thankyou ta cheers hi hello hey hiya morning afternoon evening
yes yeah yep yup no nope nah sure cool great nice fine good lol haha brill lovely perfect
`)

var pleasantPhrases = map[string]bool{
	"thank you": true, "thanks a lot": true, "thank you so much": true, "thanks so much": true, "many thanks": true,
	"good morning": true, "good afternoon": true, "good evening": true, "no worries": true, "will do": true,
	"got it": true, "sounds good": true, "all good": true, "im good": true, "i am good": true, "im fine": true,
	"i am fine": true, "ok thanks": true, "okay thanks": true, "ok thank you": true, "thanks steady": true,
	"hi steady": true, "hello steady": true, "no problem": true, "np": true, "ok cool": true, "yes please": true,
	"no thanks": true, "no thank you": true,
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// plainWords lower-cases text, drops apostrophes and turns everything but
// letters and digits into single spaces.
func plainWords(text string) string {
	if len(text) > MaxReadRunes*8 {
		text = text[:MaxReadRunes*8]
	}
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '’' || r == '‘':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// DistressWords reports whether a message holds words of distress, so a
// person should read it even when Steady understood it.
func DistressWords(text string) bool {
	plain := plainWords(text)
	if plain == "" {
		return false
	}
	for _, w := range strings.Fields(plain) {
		if distressWords[w] {
			return true
		}
	}
	padded := " " + plain + " "
	for _, p := range distressPhrases {
		if strings.Contains(padded, " "+p+" ") {
			return true
		}
	}
	return false
}

// Pleasantry reports whether a whole message is only a pleasantry ("thanks",
// "ok 👍", "good morning"), which nobody needs to read.
func Pleasantry(text string) bool {
	plain := plainWords(text)
	if plain == "" {
		return strings.TrimSpace(text) != "" // emoji or punctuation only
	}
	if pleasantPhrases[plain] {
		return true
	}
	words := strings.Fields(plain)
	if len(words) > 3 {
		return false
	}
	for _, w := range words {
		if !pleasantries[w] {
			return false
		}
	}
	return true
}
