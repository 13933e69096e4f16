// Command gazette is the Gazette news bot and its tools: it serves Discord,
// ingests articles, answers questions from the command line, prints digests
// and measures retrieval and extraction on benchmarks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/gazettebot/gazette/internal/config"
)

func main() {
	err := runWith(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv, envNames(os.Environ()))
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "gazette:", err)
		}
		os.Exit(1)
	}
}

// errSilent makes the command exit non-zero after it has already printed
// its own message.
var errSilent = errors.New("failed")

// errHelp is returned by parseFlags once it has printed a command's help:
// the command stops there and gazette exits 0.
var errHelp = errors.New("help shown")

// env is what a command gets: its arguments, output streams, configuration
// and logger.
type env struct {
	args   []string
	stdout io.Writer
	stderr io.Writer
	cfg    config.Config
	log    *slog.Logger
	getenv func(string) string
	// cmd is the command being run (a subcommand when there is one).
	cmd *command
	// flags is the flag set the command declared, once it has; the help
	// and shell completion read it.
	flags *flag.FlagSet
}

// command is one entry of the command line: a new command is one
// register call (or one entry in its parent's subs) with its help, the
// settings it reads, and a run function that declares its flags with
// newFlags and parses them with parseFlags before doing anything else.
type command struct {
	name    string
	group   string // section of the command list; one of groups
	summary string // one line: what the command does, lower case, no full stop
	args    string // positional arguments for the usage line, e.g. `"question"`
	help    string // more about what it does, printed under the summary
	// settings are the environment variables the command reads besides
	// the common ones (GAZETTE_DATA_DIR, LOG_LEVEL, LOG_FORMAT).
	settings []string
	// noStore marks commands that never open the store: their help does
	// not list the data directory.
	noStore bool
	// subs are subcommands ("feed add"); a command with subs may have no
	// run of its own.
	subs []*command
	run  func(ctx context.Context, e *env) error

	parent *command
}

// groups orders the sections of the command list; commands are sorted by
// name inside a section.
var groups = []string{groupStart, groupLibrary, groupRead, groupBot, groupMaint, groupMeasure, groupShell}

const (
	groupStart   = "Start"
	groupLibrary = "Library"
	groupRead    = "Ask and read"
	groupBot     = "Discord bot"
	groupMaint   = "Maintenance"
	groupMeasure = "Measure"
	groupShell   = "This program"
)

// commands is filled by the files that define each command.
var commands = map[string]*command{}

func register(c command) {
	cp := c
	setParents(&cp)
	commands[c.name] = &cp
}

func setParents(c *command) {
	for _, s := range c.subs {
		s.parent = c
		setParents(s)
	}
}

// path is the command as typed: "feed add".
func (c *command) path() string {
	if c.parent == nil {
		return c.name
	}
	return c.parent.path() + " " + c.name
}

func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

func (c *command) subNames() []string {
	var out []string
	for _, s := range c.subs {
		out = append(out, s.name)
	}
	return out
}

// orderedCommands lists the top-level commands in the order of the help:
// by group, then by name.
func orderedCommands() []*command {
	out := make([]*command, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	rank := func(c *command) int {
		if i := slices.Index(groups, c.group); i >= 0 {
			return i
		}
		return len(groups)
	}
	slices.SortFunc(out, func(a, b *command) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

// run runs the command line args with the environment read through getenv.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	return runWith(ctx, args, stdout, stderr, getenv, nil)
}

// runWith is run that also knows the names of the variables set in the
// environment, to warn about misspelt settings.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, environ []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if len(args) == 0 || isHelpArg(args[0]) {
		usage(stdout)
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	if args[0] == "help" {
		return helpFor(ctx, args[1:], stdout)
	}
	c, rest, err := resolve(args)
	if err != nil {
		usage(stderr)
		return err
	}
	help := wantsHelp(rest)
	if c.run == nil {
		// A command that is only a group of subcommands.
		if help {
			printHelp(stdout, c, nil)
			return nil
		}
		printHelp(stderr, c, nil)
		if len(rest) > 0 {
			return fmt.Errorf("unknown %s command %q; want %s", c.path(), rest[0], orList(c.subNames()))
		}
		return fmt.Errorf("%s needs a subcommand: %s", c.path(), orList(c.subNames()))
	}

	// A .env file in the working directory fills variables the environment
	// does not set; it never overrides them.
	dotenv, err := config.ReadDotEnv(".env")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	lookup := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return dotenv[k]
	}
	if !help {
		for _, w := range config.UnknownKeys(environ, "the environment") {
			fmt.Fprintln(stderr, "gazette: warning:", w)
		}
		for _, w := range config.UnknownKeys(keysOf(dotenv), ".env") {
			fmt.Fprintln(stderr, "gazette: warning:", w)
		}
	}
	cfg, err := config.Load(lookup)
	if err != nil && !help && !c.noStore {
		return fmt.Errorf("configuration:\n%w", err)
	}
	// The one-shot commands are quiet unless asked: their output is for
	// people. The server logs at info by default.
	if lookup("LOG_LEVEL") == "" && c.name != "serve" {
		cfg.LogLevel = "warn"
	}
	log := newLogger(cfg, stderr)
	err = c.run(ctx, &env{args: rest, stdout: stdout, stderr: stderr, cfg: cfg, log: log, getenv: lookup, cmd: c})
	if errors.Is(err, errHelp) {
		return nil
	}
	if msg := storeProblem(err, cfg.DataDir); msg != "" {
		// SQLite's own words and codes mean nothing to a user; the log
		// keeps them.
		log.Debug("store error", "err", err)
		return errors.New(msg)
	}
	return redactExitError(err, secretsOf(cfg))
}

// resolve finds the command (or subcommand) that args name and returns the
// arguments left for it.
func resolve(args []string) (*command, []string, error) {
	c, ok := commands[args[0]]
	if !ok {
		return nil, nil, fmt.Errorf("unknown command %q; run 'gazette help' for the list", args[0])
	}
	rest := args[1:]
	for len(c.subs) > 0 && len(rest) > 0 {
		s := c.sub(rest[0])
		if s == nil {
			break
		}
		c, rest = s, rest[1:]
	}
	return c, rest, nil
}

// helpFor prints the help of the command that args name ("help feed add").
func helpFor(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		usage(stdout)
		return nil
	}
	c, rest, err := resolve(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unknown %s command %q; want %s", c.path(), rest[0], orList(c.subNames()))
	}
	return runWith(ctx, append(strings.Fields(c.path()), "-h"), stdout, io.Discard, func(string) string { return "" }, nil)
}

func isHelpArg(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

// wantsHelp reports whether the arguments ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpArg(a) {
			return true
		}
	}
	return false
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(newRedactHandler(h, secretsOf(cfg)))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Gazette answers questions about the news articles you ingest, with cited sources.")
	fmt.Fprintln(w, "\nUsage: gazette <command> [flags] [args]")
	group := ""
	for _, c := range orderedCommands() {
		if c.group != group {
			group = c.group
			name := group
			if name == "" {
				name = "Other"
			}
			fmt.Fprintf(w, "\n%s:\n", name)
		}
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'gazette help <command>' or 'gazette <command> -h' for what a command does, its flags and settings.")
	fmt.Fprintln(w, "Settings come from the environment or a .env file in the working directory; see .env.example.")
}

// printHelp prints a command's help: usage, what it does, subcommands,
// flags and the settings it reads.
func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	synopsis := "gazette " + c.path()
	if len(c.subs) > 0 {
		synopsis += " <" + strings.Join(c.subNames(), "|") + ">"
	}
	if fs != nil && hasFlags(fs) {
		synopsis += " [flags]"
	}
	if c.args != "" {
		synopsis += " " + c.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", synopsis, sentence(c.summary))
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if len(c.subs) > 0 {
		fmt.Fprintln(w, "\nCommands:")
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-12s %s\n", s.name, s.summary)
		}
		fmt.Fprintf(w, "\nRun 'gazette %s <command> -h' for a command's flags.\n", c.path())
	}
	if fs != nil && hasFlags(fs) {
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, fs)
	}
	if s := settingsOf(c); len(s) > 0 {
		fmt.Fprintln(w, "\nSettings (environment or .env; see .env.example):")
		fmt.Fprint(w, wrap(strings.Join(s, ", "), "  ", 80))
	}
}

// settingsOf lists the settings a command reads, the common ones first.
func settingsOf(c *command) []string {
	var out []string
	if !c.noStore && len(c.subs) == 0 {
		out = append(out, "GAZETTE_DATA_DIR")
	}
	for p := c; p != nil; p = p.parent {
		for _, s := range p.settings {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if len(out) > 0 {
		out = append(out, "LOG_LEVEL", "LOG_FORMAT")
	}
	return out
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// printFlags lists the flags GNU style (--name), which is how the README
// and the help write them; Go's flag package accepts both - and --.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, use := flag.UnquoteUsage(f)
		if strings.HasPrefix(use, "deprecated") {
			return // still accepted, no longer shown
		}
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		left := dash + f.Name
		if name != "" {
			left += " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %-22s %s%s\n", left, use, def)
	})
}

// wrap breaks text into lines of at most width columns, each indented.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
	return b.String()
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// envNames returns the names in KEY=value environment entries.
func envNames(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k != "" {
			out = append(out, k)
		}
	}
	return out
}

// flagOutput is a flag set's output: the command's stderr, with the env at
// hand so parseFlags can print the help to stdout.
type flagOutput struct{ e *env }

func (o flagOutput) Write(p []byte) (int, error) { return o.e.stderr.Write(p) }

// newFlags returns the flag set of the running command. name and args are
// what the usage line shows when the command is not in the registry (tests
// calling a run function directly).
func newFlags(e *env, name, args string) *flag.FlagSet {
	if e.cmd == nil {
		e.cmd = &command{name: name, args: args}
	}
	fs := flag.NewFlagSet(e.cmd.path(), flag.ContinueOnError)
	fs.SetOutput(flagOutput{e})
	fs.Usage = func() { printHelp(e.stderr, e.cmd, fs) }
	e.flags = fs
	return fs
}

// parseFlags parses flags that may appear before or after positional
// arguments, as users type them ("ask 'q' --json"). On -h it prints the
// command's help to stdout and returns errHelp, which exits 0; a bad flag
// is returned as an error (printed once, by main) with a pointer to -h.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out, _ := fs.Output().(flagOutput)
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() {
		fs.Usage = usage
		if out.e != nil {
			fs.SetOutput(out)
		}
	}()
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			if out.e != nil {
				printHelp(out.e.stdout, out.e.cmd, fs)
			}
			return nil, errHelp
		}
		if err != nil {
			return nil, fmt.Errorf("%w (see 'gazette %s -h')", err, fs.Name())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		if rest[0] == "--" {
			return append(pos[:len(pos)-1], args...), nil
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func trimJoin(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
