package rag

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gazettebot/gazette/news"
)

var testOutlets = []news.OutletInfo{
	{Name: "TechCrunch", Articles: 5},
	{Name: "The Verge", Articles: 3},
	{Name: "The Independent - Life and Style", Articles: 2},
	{Name: "The Independent - Sports", Articles: 2},
	{Name: "BBC News - Entertainment & Arts", Articles: 1},
	{Name: "CBSSports.com", Articles: 1},
	{Name: "The Roar | Sports Writers Blog", Articles: 1},
	{Name: "Fortune", Articles: 2},
	{Name: "The Age", Articles: 2},
	{Name: "Business Line", Articles: 2},
}

func TestParseIntentOutlets(t *testing.T) {
	tests := []struct {
		name        string
		q           string
		known, unkn []string
	}{
		{"two known", "According to TechCrunch and The Verge, what did Google pay Apple?", []string{"TechCrunch", "The Verge"}, nil},
		{"longest alias wins", "What did The Independent - Sports say about United?", []string{"The Independent - Sports"}, nil},
		{"short alias covers sections", "Did The Independent report on Taylor Swift?", []string{"The Independent - Life and Style", "The Independent - Sports"}, nil},
		{"acronym alias", "What did a BBC article say about the show?", []string{"BBC News - Entertainment & Arts"}, nil},
		{"camel alias", "Did CBS Sports predict the winner?", []string{"CBSSports.com"}, nil},
		{"name written as one word", "what's businessline's price target on ntpc", []string{"Business Line"}, nil},
		{"pipe name", "What did The Roar report about the All Blacks?", []string{"The Roar | Sports Writers Blog"}, nil},
		{"unknown after article from", "What does an article from The Financial Times say about Google?", nil, []string{"The Financial Times"}},
		{"unknown before report", "Which company did a Forbes report and a TechCrunch article both cover?", []string{"TechCrunch"}, []string{"Forbes"}},
		{"unknown after another", "Considering an article by The Verge and another by Wired on John Mueller, who?", []string{"The Verge"}, []string{"Wired"}},
		{"possessive is a topic", "Did the TechCrunch report on Google's antitrust case agree with Fortune?", []string{"TechCrunch", "Fortune"}, nil},
		{"lowercase the after on is a topic", "Did the TechCrunch report on the Google antitrust case change?", []string{"TechCrunch"}, nil},
		{"person after according to", "Which company, according to Eddy Cue, had no alternative, as The Verge reported?", []string{"The Verge"}, nil},
		{"no outlets", "Who won the match on Sunday?", nil, nil},
		{"a common word is no outlet without its The", "What age are the kids the feature is designed for?", nil, nil},
		{"capitalised it is", "What did the Age report about the Davis Cup?", []string{"The Age"}, nil},
		{"weak cue needs The", "Is the rationale provided by Apple consistent with details provided by The Washington Post?", nil, []string{"The Washington Post"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ParseIntent(tt.q, testOutlets, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
			sorted := cmpopts.SortSlices(func(a, b string) bool { return a < b })
			if diff := cmp.Diff(tt.known, in.Outlets, sorted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Outlets mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.unkn, in.UnknownOutlets, sorted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("UnknownOutlets mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIntentPeriods(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC) // a Friday
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		q    string
		want []Period
	}{
		{"month day year", "What did TechCrunch publish on October 31, 2023?", []Period{{Since: d(2023, 10, 31), Until: d(2023, 11, 1), Exact: true}}},
		{"ordinal", "after Fortune's report on October 6th, 2023", []Period{{Since: d(2023, 10, 6), Until: d(2023, 10, 7), Exact: true}}},
		{"day month", "the report of 5 December 2023", []Period{{Since: d(2023, 12, 5), Until: d(2023, 12, 6), Exact: true}}},
		{"no year takes the latest past date", "the article of December 24", []Period{{Since: d(2025, 12, 24), Until: d(2025, 12, 25), Exact: true}}},
		{"iso timestamp", "published at '2023-10-04T20:07:42+00:00'", []Period{{Since: d(2023, 10, 4), Until: d(2023, 10, 5), Exact: true}}},
		{"yesterday", "What happened yesterday?", []Period{{Since: d(2026, 11, 26), Until: d(2026, 11, 27)}}},
		{"this week from monday", "news this week", []Period{{Since: d(2026, 11, 23), Until: d(2026, 11, 28)}}},
		{"last week", "What did The Verge say last week?", []Period{{Since: d(2026, 11, 20), Until: d(2026, 11, 28)}}},
		{"in a month", "stories in October 2023", []Period{{Since: d(2023, 10, 1), Until: d(2023, 11, 1), Exact: true}}},
		{"not a date", "Which team won May's derby?", nil},
		{"outlet names are not dates", "What did Business Today report?", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseIntent(tt.q, []news.OutletInfo{{Name: "Business Today | Latest Stock Market News"}}, now).Periods
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Period{}, "Label"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Periods mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIntentRelativeRestricts(t *testing.T) {
	in := ParseIntent("What did Fortune report on October 6, 2023 and yesterday?", testOutlets, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if in.Relative == nil || in.Relative.Label != "yesterday" {
		t.Fatalf("Relative = %+v, want yesterday", in.Relative)
	}
}

// A period the question looks back from ("before this week's summit")
// boosts its articles but does not restrict the search to them.
func TestParseIntentPeriodAfterBeforeOnlyBoosts(t *testing.T) {
	now := time.Date(2023, 11, 16, 12, 0, 0, 0, time.UTC)
	for q, restricts := range map[string]bool{
		"Where did Biden and Xi last meet face to face before this week's summit?": false,
		"how much did oil fall overnight before the asx opened today":              false,
		"When was the last time Arizona beat Utah ahead of this weekend's game?":   false,
		"who won the manchester derby yesterday":                                   true,
		"What did the Fed decide this week, before markets closed?":                true,
	} {
		in := ParseIntent(q, testOutlets, now)
		if got := in.Relative != nil; got != restricts {
			t.Errorf("ParseIntent(%q).Relative = %+v, want restricting %v", q, in.Relative, restricts)
		}
		if len(in.Periods) != 1 {
			t.Errorf("ParseIntent(%q).Periods = %+v, want the one period", q, in.Periods)
		}
	}
}

func FuzzParseIntent(f *testing.F) {
	f.Add("According to TechCrunch, what happened on October 31, 2023?")
	f.Add("an article from The  Financial Times's 12th of")
	f.Add("yesterday last 3 days in May 2023-13-45")
	f.Fuzz(func(t *testing.T, q string) {
		in := ParseIntent(q, testOutlets, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
		for _, p := range in.Periods {
			if !p.Until.After(p.Since) {
				t.Errorf("period %+v is empty", p)
			}
		}
	})
}

func TestWeekendPeriod(t *testing.T) {
	monday := time.Date(2023, 11, 27, 9, 0, 0, 0, time.UTC)
	ps := parsePeriods("Who did Michigan State hire as head coach this weekend?", monday)
	if len(ps) != 1 || !ps[0].Since.Equal(time.Date(2023, 11, 25, 0, 0, 0, 0, time.UTC)) || !ps[0].Until.Equal(time.Date(2023, 11, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("parsePeriods(this weekend, on a Monday) = %+v, want Saturday 25 November to the Monday's end", ps)
	}
	sunday := time.Date(2023, 11, 26, 20, 0, 0, 0, time.UTC)
	ps = parsePeriods("what happened this weekend", sunday)
	if len(ps) != 1 || !ps[0].Since.Equal(time.Date(2023, 11, 25, 0, 0, 0, 0, time.UTC)) || !ps[0].Until.Equal(time.Date(2023, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("parsePeriods(this weekend, on a Sunday) = %+v, want Saturday 25 November to the Sunday's end", ps)
	}
}

func TestNightOrWeekdayPeriod(t *testing.T) {
	monday := time.Date(2023, 10, 30, 9, 0, 0, 0, time.UTC)
	d := func(day int) time.Time { return time.Date(2023, 10, day, 0, 0, 0, 0, time.UTC) }
	for q, want := range map[string]*Period{
		"Did the D-backs win Game 2 on Saturday?":             {Label: "Saturday", Since: d(28), Until: d(31)},
		"how far did seager's homer go in last night's game?": {Label: "last night", Since: d(29), Until: d(31)},
		"brutal ending vs the browns sunday night":            {Label: "Sunday", Since: d(29), Until: d(31)},
		"what happened on monday":                             {Label: "Monday", Since: d(30), Until: d(31)},
		"who won on Sunday Night Football":                    nil,
		"what did the Sunday Times say about it":              nil,
		"who scored before last night's game":                 nil,
	} {
		in := ParseIntent(q, nil, monday)
		switch {
		case want == nil && in.Relative != nil:
			t.Errorf("ParseIntent(%q).Relative = %+v, want none", q, in.Relative)
		case want != nil && (in.Relative == nil || in.Relative.Label != want.Label || !in.Relative.Since.Equal(want.Since) || !in.Relative.Until.Equal(want.Until)):
			t.Errorf("ParseIntent(%q).Relative = %+v, want %+v", q, in.Relative, want)
		}
	}
	// The possessive goes with the date: no term "s" is left.
	for _, term := range SalientTerms("how far did seager's homer go in last night's game?", []string{"last night"}) {
		if term.Text == "s" {
			t.Errorf("SalientTerms() holds %q", term.Text)
		}
	}
}

func TestRelativePeriod(t *testing.T) {
	now := time.Date(2024, 5, 10, 15, 4, 5, 0, time.UTC) // a Friday
	d := func(day int) time.Time { return time.Date(2024, 5, day, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		phrase       string
		since, until time.Time
		ok           bool
	}{
		{"today", d(10), d(11), true},
		{" This Morning ", d(10), d(11), true},
		{"yesterday", d(9), d(10), true},
		{"this week", d(6), d(11), true},
		{"past week", d(3), d(11), true},
		{"this month", d(1), d(11), true},
		{"last month", time.Date(2024, 4, 10, 0, 0, 0, 0, time.UTC), d(11), true},
		{"week", time.Time{}, time.Time{}, false},
		{"last weekend", d(4), d(11), true},
		{"over the weekend", d(4), d(11), true},
		// On a Friday, this weekend is still to come: the week leads
		// up to it.
		{"this weekend", d(6), d(11), true},
	} {
		p, ok := RelativePeriod(tc.phrase, now)
		if ok != tc.ok || !p.Since.Equal(tc.since) || !p.Until.Equal(tc.until) {
			t.Errorf("RelativePeriod(%q) = %v to %v, %v; want %v to %v, %v", tc.phrase, p.Since, p.Until, ok, tc.since, tc.until, tc.ok)
		}
	}
}
