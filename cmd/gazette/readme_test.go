package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gazettebot/gazette/bot"
)

// TestReadmeStaysTrue checks the README against the code: the invite
// permissions, every slash command, every subcommand, and the two commands
// a newcomer runs.
func TestReadmeStaysTrue(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	if want := "permissions=" + strconv.FormatInt(bot.InvitePermissions, 10); !strings.Contains(readme, want) {
		t.Errorf("README invite URL lacks %s", want)
	}
	bt := bot.New(bot.Deps{}, bot.Options{})
	bt.AddCommand(bt.DigestCommand(nil))
	for _, c := range bt.Commands() {
		if !strings.Contains(readme, "`/"+c.Name) {
			t.Errorf("README does not document /%s", c.Name)
		}
	}
	for name := range commands {
		if !strings.Contains(readme, "gazette "+name) {
			t.Errorf("README does not mention 'gazette %s'", name)
		}
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"go run ./cmd/gazette demo", "go test -race -count=1 -timeout 30m ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks %q", cmd)
		}
	}
	if !strings.Contains(string(ci), "go test -race -count=1 -timeout 30m ./...") {
		t.Error(".ci/run does not run the README's test command")
	}
}

// readmeCommands returns every gazette command line the README shows, in
// code blocks and inline code, without the program name.
func readmeCommands(readme string) [][]string {
	var out [][]string
	add := func(line string) {
		for {
			i := strings.Index(line, "gazette ")
			if i < 0 {
				return
			}
			// "./gazette", "go run ./cmd/gazette" or a bare "gazette".
			if i > 0 && !strings.HasSuffix(line[:i], "./") && !strings.HasSuffix(line[:i], "cmd/") && line[i-1] != ' ' && line[i-1] != '(' {
				line = line[i+len("gazette "):]
				continue
			}
			rest := line[i+len("gazette "):]
			if j := strings.IndexAny(rest, "#;|)&"); j >= 0 {
				rest = rest[:j]
			}
			if words := shellWords(rest); len(words) > 0 && commands[words[0]] != nil || len(words) > 0 && words[0] == "help" {
				out = append(out, words)
			}
			line = line[i+len("gazette "):]
		}
	}
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			add(line)
			continue
		}
		for _, span := range inlineCode(line) {
			add(span)
		}
	}
	return out
}

// inlineCode returns the `code spans` of a line.
func inlineCode(line string) []string {
	parts := strings.Split(line, "`")
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

// shellWords splits a command line into words, honouring quotes.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestReadmeCommandsParse runs every command line the README shows with -h
// added: the command and subcommand exist, every flag shown is one the
// command takes, and the help prints.
func TestReadmeCommandsParse(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(string(b))
	if len(cmds) < 15 {
		t.Fatalf("found only %d gazette commands in the README: %q", len(cmds), cmds)
	}
	seen := map[string]bool{}
	for _, words := range cmds {
		if words[0] == "help" {
			continue
		}
		c, _, err := resolve(words)
		if err != nil {
			t.Errorf("README shows %q: %v", words, err)
			continue
		}
		seen[c.path()] = true
		out, errOut, err := gazette(t, testEnv(t), append(words, "-h")...)
		if err != nil || !strings.HasPrefix(out, "Usage: gazette "+c.path()) {
			t.Errorf("README shows 'gazette %s': with -h: %v\n%s%s", strings.Join(words, " "), err, out, errOut)
		}
	}
	// Every command and subcommand appears in a README command line.
	for _, path := range allCommands() {
		c, _, _ := resolve(path)
		if len(c.subs) == 0 && !seen[c.path()] {
			t.Errorf("the README shows no 'gazette %s' command line", c.path())
		}
	}
}
