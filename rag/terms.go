package rag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	porter "github.com/blevesearch/go-porterstemmer"
	"golang.org/x/text/unicode/norm"
)

// maxKeywordTerms bounds the terms of a keyword search.
const maxKeywordTerms = 64

// KeywordTerms returns the words of a question that keyword search looks
// for: its distinct words (letters and digits, lower-cased, at most 64), in
// order, without stopwords and question words. A single Latin letter is
// left out ("s" of "'s", initials, "U.S."), unless it stands alone in
// upper case as a name ("X"). The store stems each term as its keyword
// index does.
func KeywordTerms(text string) []string {
	isSep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }
	seen := make(map[string]bool)
	var terms []string
	for rest := text; rest != ""; {
		i := strings.IndexFunc(rest, func(r rune) bool { return !isSep(r) })
		if i < 0 {
			break
		}
		rest = rest[i:]
		j := strings.IndexFunc(rest, isSep)
		if j < 0 {
			j = len(rest)
		}
		word, next := rest[:j], rest[j:]
		rest = next
		if len(word) == 1 && word[0] < 0x80 && !(word[0] >= '0' && word[0] <= '9') {
			if word == "A" || word == "I" || !unicode.IsUpper(rune(word[0])) || strings.HasPrefix(next, ".") {
				continue
			}
		}
		w := strings.ToLower(word)
		if seen[w] || keywordStopwords[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
		if len(terms) == maxKeywordTerms {
			break
		}
	}
	return terms
}

// keywordStopwords are English function words and question words that
// carry no topic.
var keywordStopwords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at
		be because been before being below between both but by can could did do does doing down during
		each few for from further had has have having he her here hers herself him himself his how i if
		in into is it its itself just me more most my myself no nor not now of off on once only or other
		our ours ourselves out over own same she should so some such than that the their theirs them
		themselves then there these they this those through to too under until up very was we were what
		when where which while who whom why will with would you your yours yourself yourselves
		according article articles report reported reports reporting said say says`) {
		m[w] = true
	}
	return m
}()

// Stem returns the stem the keyword index gives a word: its diacritics
// removed (as the index's unicode61 tokenizer removes them, and a few
// letters more: see [foldDiacritics]), lower-cased
// and reduced by the Porter stemmer (the index's porter tokenizer). So the
// words answering counts as one are those keyword search matches as one:
// "fined" and "fines" are "fine", "companies" and "company" "compani".
func Stem(w string) string {
	return porter.StemString(foldDiacritics(w))
}

// foldDiacritics removes combining marks: "café" is "cafe". Letters that
// carry their mark in their shape, and so have none to remove, are written
// as English writes them: "Tromsø" is "Tromso", "Łódź" "Lodz".
func foldDiacritics(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case plainLetters[r] != "":
			b.WriteString(plainLetters[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainLetters are the Latin letters no decomposition removes a mark from,
// as English writes them.
var plainLetters = map[rune]string{
	'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'ı': "i",
	'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ß': "ss", 'þ': "th", 'Þ': "Th", 'ħ': "h", 'Ħ': "H",
}
