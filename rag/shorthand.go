package rag

import (
	"regexp"
	"strings"
	"unicode"
)

// shorthand maps the chat shorthand a question may use to the words
// articles write: "how many ppl died", "how many TDs did he throw".
var shorthand = map[string]string{
	"ppl": "people", "pts": "points", "yds": "yards", "yd": "yard", "td": "touchdown", "tds": "touchdowns",
	"ints": "interceptions", "qbs": "quarterbacks", "mins": "minutes", "hrs": "hours", "yrs": "years", "yr": "year",
	"govt": "government", "dept": "department", "pres": "president", "intl": "international", "natl": "national",
	"approx": "approximately", "avg": "average", "champ": "champion", "champs": "champions", "mgr": "manager",
	"bn": "billion", "mln": "million", "rn": "right now", "tho": "though", "thru": "through", "abt": "about",
	"tmrw": "tomorrow", "tmr": "tomorrow", "tonite": "tonight", "b4": "before", "bday": "birthday",
	"gf": "girlfriend", "bf": "boyfriend", "bro": "brother", "pic": "picture", "pics": "pictures",
	"vid": "video", "vids": "videos", "bc": "because", "cuz": "because", "coz": "because", "bcuz": "because",
	// Words typed together.
	"sofar": "so far", "alot": "a lot", "atleast": "at least", "aswell": "as well", "infact": "in fact",
	"incase": "in case", "ontop": "on top", "upto": "up to", "everytime": "every time", "eachother": "each other",
	"noone": "no one", "abit": "a bit", "inbetween": "in between", "rightnow": "right now",
}

// nicknames maps the nicknames fans write, in any case, to the names
// articles use: "the niners", "Bama", "a 59 yarder". A club's short name
// becomes its full name, which meets the short one too (see nameForms).
var nicknames = map[string]string{
	"niners": "49ers", "bama": "Alabama", "pats": "Patriots", "bucs": "Buccaneers", "sixers": "76ers",
	"yanks": "Yankees", "barca": "Barcelona", "juve": "Juventus", "habs": "Canadiens", "dawgs": "Bulldogs",
	"yarder": "yard", "yarders": "yards", "utd": "United", "man utd": "Manchester United", "man united": "Manchester United",
	"man city": "Manchester City", "d-backs": "Diamondbacks", "dbacks": "Diamondbacks", "nats": "Nationals",
	"phils": "Phillies", "cavs": "Cavaliers", "mavs": "Mavericks", "t-wolves": "Timberwolves",
	"the prem": "the Premier League",
}

// contractions maps a contraction typed without its apostrophe to the
// contraction: "whos coaching paraguay now" asks who, as "who's" does.
var contractions = map[string]string{
	"whos": "who's", "whats": "what's", "wheres": "where's", "hows": "how's", "whens": "when's",
	"didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't", "werent": "weren't",
	"hasnt": "hasn't", "havent": "haven't", "hadnt": "hadn't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
}

var shorthandRe = func() *regexp.Regexp {
	words := make([]string, 0, len(shorthand)+len(nicknames)+len(contractions))
	for w := range shorthand {
		words = append(words, regexp.QuoteMeta(w))
	}
	for w := range nicknames {
		words = append(words, regexp.QuoteMeta(w))
	}
	for w := range contractions {
		words = append(words, regexp.QuoteMeta(w))
	}
	return regexp.MustCompile(`(?i)\b(` + strings.Join(words, "|") + `)\b`)
}()

// spellOut writes a question's chat shorthand, its fans' nicknames and its
// contractions typed without an apostrophe out in full. Shorthand written
// in capitals stays as it is ("TD Bank", "BN"), except a plural one
// ("TDs", "QBs").
func spellOut(q string) string {
	return shorthandRe.ReplaceAllStringFunc(q, func(w string) string {
		lower := strings.ToLower(w)
		if name, ok := nicknames[lower]; ok {
			return name
		}
		if c, ok := contractions[lower]; ok {
			if r := []rune(w); unicode.IsUpper(r[0]) {
				return strings.ToUpper(c[:1]) + c[1:]
			}
			return c
		}
		plural := len(w) > 2 && strings.HasSuffix(w, "s") && strings.IndexFunc(w[:len(w)-1], unicode.IsLower) < 0
		if w != lower && !plural {
			return w
		}
		return shorthand[lower]
	})
}
