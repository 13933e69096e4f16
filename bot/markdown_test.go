package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/gazettebot/gazette/digest"
	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/news"
)

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "Fed holds rates", want: "Fed holds rates"},
		{in: "**Bold** _it_ ~~x~~ `code` ||spoiler||", want: `\*\*Bold\*\* \_it\_ \~\~x\~\~ \` + "`code\\`" + ` \|\|spoiler\|\|`},
		{in: "[the official statement](https://evil.example/login)", want: `\[the official statement\](https\://evil.example/login)`},
		{in: "# Heading", want: `\# Heading`},
		{in: "> quote", want: `\> quote`},
		{in: "- item", want: `\- item`},
		{in: "U.S.-China talks #2 > expectations", want: "U.S.-China talks #2 > expectations"},
		{in: `back\slash`, want: `back\\slash`},
		{in: "ping @everyone and @here, <@123> <@&456> <#789> <t:1:R>", want: "ping @\u200beveryone and @\u200bhere, \\<\u200b@123> \\<\u200b@&456> \\<#789> \\<t:1:R>"},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSourceTitlesEscaped(t *testing.T) {
	src := news.Source{N: 1, Title: "**Breaking** [click](https://evil.example) @everyone", Outlet: "_Evil_ <@&1>",
		URL: "https://example.com/a b>c", PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	got := SourceLine(src)
	want := "[1] \\*\\*Breaking\\*\\* \\[click\\](https\\://evil.example) @\u200beveryone — \\_Evil\\_ \\<\u200b@&1>, 1 May 2024, <https://example.com/a%20b%3Ec>"
	if got != want {
		t.Errorf("SourceLine() = %q, want %q", got, want)
	}
	line := sourceLine(src)
	if !strings.HasPrefix(line, "[1] [\\*\\*Breaking\\*\\* (click)(https\\://evil.example) @\u200beveryone](") {
		t.Errorf("digest sourceLine() = %q", line)
	}
	r := ingestReceipt(ingest.Receipt{Status: ingest.StatusNew, Title: "*Title*", Outlet: "`Outlet`"})
	if !strings.Contains(r, `**\*Title\*** — \`+"`Outlet\\`") {
		t.Errorf("ingestReceipt() = %q", r)
	}
}

// unescapedMarkdown returns the first markdown character in s that is not
// escaped, or -1.
func unescapedMarkdown(s string) rune {
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(markdownChars, r):
			return r
		}
	}
	return -1
}

// FuzzRenderMessages renders answers and digests with fuzzed model text,
// titles, outlets and URLs, and checks that every message and embed stays
// within Discord's limits, that nothing could ping, and that titles and
// outlets show literally (no markdown character left unescaped).
func FuzzRenderMessages(f *testing.F) {
	f.Add("The Fed held rates [1]. @everyone <@123>", "**Fed** [x](https://evil.example)", "_Reuters_", "https://example.com/a")
	f.Add(strings.Repeat("word [1] ", 400), strings.Repeat("`", 300), strings.Repeat("|", 50), "https://example.com/"+strings.Repeat("a", 900))
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, text, title, outlet, url string) {
		if !utf8.ValidString(text) || !utf8.ValidString(title) || !utf8.ValidString(outlet) || !utf8.ValidString(url) {
			t.Skip()
		}
		for _, field := range []string{title, outlet} {
			if r := unescapedMarkdown(inline(field)); r != -1 {
				t.Fatalf("inline(%q) leaves %q unescaped", field, r)
			}
		}
		srcs := []news.Source{{N: 1, Title: title, Outlet: outlet, URL: url}, {N: 2, Title: outlet, Outlet: title}}
		for _, p := range Split(FormatAnswer(news.Answer{Text: text, Sources: srcs}), MessageLimit) {
			if n := utf8.RuneCountInString(p); n > MessageLimit {
				t.Fatalf("message of %d runes", n)
			}
			checkNoPing(t, p)
		}
		var sources []news.Source
		for i := range 12 {
			sources = append(sources, news.Source{N: i + 1, Title: title, Outlet: outlet, URL: url})
		}
		d := digest.Digest{Since: time.Unix(0, 0), Articles: 30}
		for range 12 {
			d.Stories = append(d.Stories, digest.Story{Headline: title, Summary: text, Disagreement: outlet,
				Outlets: []string{outlet, title}, Sources: sources, Articles: 14})
		}
		for _, m := range DigestMessages(d) {
			if n := utf8.RuneCountInString(m.Content); n > MessageLimit {
				t.Fatalf("digest message of %d runes", n)
			}
			if len(m.Embeds) > EmbedsPerMessage {
				t.Fatalf("%d embeds in a message", len(m.Embeds))
			}
			total := 0
			for _, e := range m.Embeds {
				checkEmbed(t, e)
				total += embedSize(e)
			}
			if total > EmbedTotalLimit {
				t.Fatalf("embeds of one message hold %d characters", total)
			}
		}
	})
}

func checkEmbed(t *testing.T, e *discordgo.MessageEmbed) {
	t.Helper()
	if n := utf8.RuneCountInString(e.Title); n > EmbedTitleLimit {
		t.Fatalf("embed title of %d runes", n)
	}
	if n := utf8.RuneCountInString(e.Description); n > EmbedDescriptionLimit {
		t.Fatalf("embed description of %d runes", n)
	}
	if e.Footer != nil && utf8.RuneCountInString(e.Footer.Text) > EmbedFooterLimit {
		t.Fatalf("embed footer of %d runes", utf8.RuneCountInString(e.Footer.Text))
	}
	checkNoPing(t, e.Title)
	checkNoPing(t, e.Description)
}

func checkNoPing(t *testing.T, s string) {
	t.Helper()
	for _, p := range []string{"@everyone", "@here", "<@"} {
		if strings.Contains(s, p) {
			t.Fatalf("rendered text holds %q:\n%s", p, s)
		}
	}
}

func TestEscapeProse(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "Rates held [1]. Markets *rose* [2, 3].", want: `Rates held [1]. Markets \*rose\* [2, 3].`},
		{in: "See [1](https://evil.example)", want: `See \[1\](https\://evil.example)`},
		{in: "[12]", want: "[12]"},
	}
	for _, tt := range tests {
		if got := escapeProse(tt.in); got != tt.want {
			t.Errorf("escapeProse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
