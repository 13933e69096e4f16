package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// completeBash runs the bash completion function on a command line (the
// last word is being completed) and returns the candidates.
func completeBash(t *testing.T, script string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
		strconv.Itoa(len(words)-1) + "\n_gazette\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("bash completion of %q: %v\n%s", words, err, out)
	}
	return strings.Fields(string(out))
}

func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, errOut, err := gazette(t, testEnv(t), "completion", shell)
		if err != nil || errOut != "" {
			t.Fatalf("completion %s: %v\n%s", shell, err, errOut)
		}
		for _, want := range []string{"gazette", "sources", "retrieval", "since", "ns"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s script lacks %q", shell, want)
			}
		}
		path := filepath.Join(dir, "gazette."+shell)
		if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		scripts[shell] = path
	}
	// Each shell that is installed parses its script.
	for shell, path := range scripts {
		if _, err := exec.LookPath(shell); err != nil {
			t.Logf("%s not installed: its script is not parsed", shell)
			continue
		}
		if out, err := exec.Command(shell, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", shell, err, out)
		}
	}
	if _, err := exec.LookPath("fish"); err == nil {
		out, err := exec.Command("fish", "--no-config", "-c", "source "+scripts["fish"]+"; complete -C 'gazette feed '; complete -C 'gazette ask --s'").CombinedOutput()
		if err != nil {
			t.Errorf("fish completion: %v\n%s", err, out)
		}
		for _, want := range []string{"add\tfollow a feed", "poll\t", "--since\t"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("fish completion lacks %q:\n%s", want, out)
			}
		}
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	for _, c := range []struct {
		words []string
		want  []string
		not   []string
	}{
		{[]string{"gazette", ""}, []string{"ask", "sources", "forget", "export", "version", "completion", "help"}, nil},
		{[]string{"gazette", "fe"}, []string{"feed"}, []string{"forget"}},
		{[]string{"gazette", "feed", ""}, []string{"add", "list", "remove", "poll"}, nil},
		{[]string{"gazette", "eval", "r"}, []string{"retrieval"}, nil},
		{[]string{"gazette", "ask", "--"}, []string{"--json", "--ns", "--since", "--outlet"}, nil},
		{[]string{"gazette", "digest", "--"}, []string{"--ns", "--since"}, []string{"--guild"}},
		{[]string{"gazette", "completion", ""}, []string{"bash", "zsh", "fish"}, nil},
	} {
		got := completeBash(t, scripts["bash"], c.words...)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("bash completion of %q = %q, want %s", c.words, got, w)
			}
		}
		for _, w := range c.not {
			if slices.Contains(got, w) {
				t.Errorf("bash completion of %q = %q, want no %s", c.words, got, w)
			}
		}
	}
}
