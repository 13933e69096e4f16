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
	for _, cmd := range []string{"go run ./cmd/gazette demo", "go test -race -count=1 ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks %q", cmd)
		}
	}
	if !strings.Contains(string(ci), "go test -race -count=1 ./...") {
		t.Error(".ci/run does not run the README's test command")
	}
}
