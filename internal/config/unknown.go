package config

import (
	"fmt"
	"slices"
	"strings"
)

// DevKeys are variables read by the project's own tests, benchmarks and
// evaluations; they are known names, not settings of the program.
var DevKeys = []string{
	"GAZETTE_EVALS", "GAZETTE_DIGEST_CORPUS", "GAZETTE_DIGEST_LEXICAL", "GAZETTE_DIGEST_DB",
	"GAZETTE_DIGEST_THRESHOLDS", "GAZETTE_DIGEST_OUT", "GAZETTE_EXTRACTION_CASES", "GAZETTE_EXTRACTION_ALL",
	"GAZETTE_CRASH_KILLS", "GAZETTE_CRASH_SEED",
}

// UnknownKeys returns a warning for each name in names that looks like a
// Gazette setting (GAZETTE_* or DISCORD_*) but is not one, suggesting the
// nearest known name. where says where the names come from ("the
// environment", ".env").
func UnknownKeys(names []string, where string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] || !(strings.HasPrefix(n, "GAZETTE_") || strings.HasPrefix(n, "DISCORD_")) {
			continue
		}
		seen[n] = true
		if slices.Contains(Keys, n) || slices.Contains(DevKeys, n) {
			continue
		}
		msg := fmt.Sprintf("%s in %s is not a Gazette setting and is ignored", n, where)
		if s := nearestKey(n); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		} else {
			msg += "; see .env.example for the settings"
		}
		out = append(out, msg)
	}
	return out
}

// nearestKey returns the known setting closest to name by edit distance,
// or "" when none is close enough to be a plausible misspelling.
func nearestKey(name string) string {
	best, bestD := "", -1
	for _, k := range Keys {
		d := editDistance(name, k)
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	// A few edits, or a quarter of the name for long names.
	if bestD > max(3, len(name)/4) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes: the
// names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
