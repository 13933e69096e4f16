package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"
)

func init() {
	register(command{
		name: "reembed", group: groupMaint,
		summary: "re-embed every stored passage with the configured embedder (after switching models)",
		help: `Run it after changing GAZETTE_EMBEDDER or GAZETTE_EMBED_MODEL: other commands refuse
a store whose vectors were made by another model. Articles stay searchable by
keyword meanwhile; the run can be interrupted and resumed.`,
		settings: []string{"GAZETTE_EMBEDDER", "GAZETTE_EMBED_MODEL", "GAZETTE_EMBED_BASE_URL", "GAZETTE_EMBED_API_KEY", "GAZETTE_EMBED_DIM", "GAZETTE_EMBED_BATCH"},
		run:      runReembed,
	})
	register(command{
		name: "check", group: groupMaint,
		summary: "verify the store: SQLite integrity, complete articles, keyword and vector indexes",
		help: `Reads the whole store and reports each problem found; exits 1 when there is one.
The store is opened read-only, so check is safe while the bot runs.`,
		settings: []string{"GAZETTE_DATABASE_URL"},
		run:      runCheck,
	})
}

func runReembed(ctx context.Context, e *env) error {
	fs := newFlags(e, "reembed", "")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	a, err := openApp(ctx, e.cfg, e.log, appOptions{adoptEmbedder: true, exclusive: true, holder: "gazette reembed"})
	if err != nil {
		return err
	}
	defer a.Close()
	if a.store.EmbedderID() == a.embedder.ID() && a.store.Dim() == a.embedder.Dim() {
		fmt.Fprintf(e.stdout, "The store is already embedded with %s; nothing to do.\n", a.embedder.ID())
		return nil
	}
	from := a.store.EmbedderID()
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		fmt.Fprintf(e.stderr, "re-embedded %d of %d passages\n", done, total)
	}
	if isTerminal(e.stderr) {
		progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription("re-embedding"), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true))
			}
			_ = bar.Set(done)
		}
	}
	if err := a.store.Reembed(ctx, a.embedder, progress); err != nil {
		return fmt.Errorf("re-embed: %w", err)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	fmt.Fprintf(e.stdout, "Re-embedded the store with %s (was %s).\n", a.embedder.ID(), from)
	return nil
}

func runCheck(ctx context.Context, e *env) error {
	fs := newFlags(e, "check", "")
	asJSON := fs.Bool("json", false, "print {ok, articles, chunks, problems} as JSON")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	type report struct {
		OK       bool     `json:"ok"`
		Articles int      `json:"articles"`
		Chunks   int      `json:"chunks"`
		Problems []string `json:"problems"`
	}
	rep := report{OK: true, Problems: []string{}}
	note := ""
	if _, err := os.Stat(e.cfg.DBPath()); e.cfg.DatabaseURL == "" && errors.Is(err, os.ErrNotExist) {
		note = fmt.Sprintf(" (there is no store in %s yet)", e.cfg.DataDir)
	} else {
		a, err := openApp(ctx, e.cfg, e.log, appOptions{adoptEmbedder: true, readOnly: true})
		if err != nil {
			return err
		}
		defer a.Close()
		r, err := a.store.Check(ctx)
		if err != nil {
			return err
		}
		rep = report{OK: r.OK(), Articles: r.Articles, Chunks: r.Chunks, Problems: append([]string{}, r.Problems...)}
	}
	if *asJSON {
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "%d articles, %d chunks\n", rep.Articles, rep.Chunks)
		if rep.OK {
			fmt.Fprintf(e.stdout, "ok: the store is consistent%s\n", note)
		}
		for _, p := range rep.Problems {
			fmt.Fprintln(e.stdout, "problem:", p)
		}
	}
	if !rep.OK {
		return fmt.Errorf("check found %s; 'gazette export --jsonl' and 'gazette ingest --jsonl' into a new GAZETTE_DATA_DIR rebuild a store from its articles", plural(len(rep.Problems), "problem", "problems"))
	}
	return nil
}
