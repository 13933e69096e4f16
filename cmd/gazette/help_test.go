package main

import (
	"os"
	"strings"
	"testing"
)

// allCommands lists every command and subcommand as typed ("feed add").
func allCommands() [][]string {
	var out [][]string
	var walk func(c *command)
	walk = func(c *command) {
		out = append(out, strings.Fields(c.path()))
		for _, s := range c.subs {
			walk(s)
		}
	}
	for _, c := range orderedCommands() {
		walk(c)
	}
	return out
}

// TestEveryCommandHasHelp runs every command and subcommand with -h and
// --help, and through 'gazette help': each exits 0 with its usage and what
// it does on stdout, nothing on stderr, and touches no store.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, path := range allCommands() {
		name := strings.Join(path, " ")
		for _, form := range [][]string{append(append([]string{}, path...), "-h"), append(append([]string{}, path...), "--help"), append([]string{"help"}, path...)} {
			env := testEnv(t)
			env["GAZETTE_DATA_DIR"] += "/data"
			out, errOut, err := gazette(t, env, form...)
			if err != nil {
				t.Errorf("%q: error = %v", form, err)
				continue
			}
			if !strings.HasPrefix(out, "Usage: gazette "+name) {
				t.Errorf("%q: help does not start with its usage:\n%s", form, out)
			}
			c, _, _ := resolve(path)
			if !strings.Contains(out, sentence(c.summary)+".") {
				t.Errorf("%q: help does not say what the command does:\n%s", form, out)
			}
			if errOut != "" {
				t.Errorf("%q: help wrote to stderr:\n%s", form, errOut)
			}
			if _, err := os.Stat(env["GAZETTE_DATA_DIR"]); !os.IsNotExist(err) {
				t.Errorf("%q: help created the data directory", form)
			}
		}
	}
}

func TestTopLevelHelpListsEveryCommandInOrder(t *testing.T) {
	out, _, err := gazette(t, testEnv(t), "--help")
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, c := range orderedCommands() {
		i := strings.Index(out, "\n  "+c.name+" ")
		if i < 0 {
			t.Errorf("help lacks %s:\n%s", c.name, out)
			continue
		}
		if i < last {
			t.Errorf("%s is listed out of order", c.name)
		}
		last = i
	}
	again, _, _ := gazette(t, testEnv(t), "help")
	if again != out {
		t.Error("'gazette help' and 'gazette --help' differ")
	}
}

func TestServeHelpNamesToken(t *testing.T) {
	out, _, err := gazette(t, testEnv(t), "serve", "-h")
	if err != nil || !strings.Contains(out, "DISCORD_TOKEN") {
		t.Errorf("serve -h = %v:\n%s", err, out)
	}
}

func TestBadFlagErrorPrintedOnce(t *testing.T) {
	out, errOut, err := gazette(t, testEnv(t), "digest", "--since", "soon")
	if err == nil {
		t.Fatal("digest --since soon succeeded")
	}
	if strings.Contains(errOut, "soon") || strings.Contains(out, "soon") {
		t.Errorf("the error was printed besides being returned:\nstdout: %s\nstderr: %s", out, errOut)
	}
	if !strings.Contains(err.Error(), "72h, 30d, 2w") {
		t.Errorf("error = %v, want the accepted forms", err)
	}
	_, errOut, err = gazette(t, testEnv(t), "ask", "--nope", "q")
	if err == nil || !strings.Contains(err.Error(), "gazette ask -h") || strings.Contains(errOut, "nope") {
		t.Errorf("ask --nope = %v, stderr %q", err, errOut)
	}
}

func TestSubcommandNeeded(t *testing.T) {
	_, _, err := gazette(t, testEnv(t), "feed")
	if err == nil || !strings.Contains(err.Error(), "add, list, remove or poll") {
		t.Errorf("feed = %v", err)
	}
	_, _, err = gazette(t, testEnv(t), "eval", "nonsense")
	if err == nil || !strings.Contains(err.Error(), `unknown eval command "nonsense"`) {
		t.Errorf("eval nonsense = %v", err)
	}
}
