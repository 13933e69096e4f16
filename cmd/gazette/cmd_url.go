package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gazettebot/gazette/ingest"
	"github.com/gazettebot/gazette/ingest/web"
)

// ingestURL fetches one URL through the SSRF-safe client and ingests it. A
// refusal (an address not allowed, a limit, a page with no article) comes
// back as a refused receipt with the reason, not as an error.
func ingestURL(ctx context.Context, e *env, a *app, ns, rawURL string) (ingest.Receipt, error) {
	r, err := botIngester{a}.IngestURL(ctx, ns, rawURL, nil)
	if err != nil {
		if reason := cliReason(err, a.cfg); reason != "" {
			e.log.Info("url refused", "url", rawURL, "err", err)
			return ingest.Receipt{Status: ingest.StatusRefused, URL: rawURL, Reason: reason}, nil
		}
		return ingest.Receipt{}, fmt.Errorf("ingest %s: %w", rawURL, err)
	}
	return r, nil
}

func runEvalExtraction(ctx context.Context, e *env) error {
	fs := newFlags(e, "eval extraction", "")
	cases := fs.String("cases", "", "pages in the article extraction benchmark format (JSON Lines with html_file and body)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *cases == "" {
		fs.Usage()
		return errors.New("eval extraction needs --cases")
	}
	rep, err := web.EvalExtraction(ctx, *cases)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Pages     int     `json:"pages"`
			Precision float64 `json:"precision"`
			Recall    float64 `json:"recall"`
			F1        float64 `json:"f1"`
			MsP50     float64 `json:"ms_per_page_p50"`
		}{rep.Pages, rep.Precision, rep.Recall, rep.F1, rep.MsPerPageP50})
	}
	fmt.Fprintf(e.stdout, "%d pages: precision %.4f, recall %.4f, F1 %.4f, median %.2f ms per page\n",
		rep.Pages, rep.Precision, rep.Recall, rep.F1, rep.MsPerPageP50)
	return nil
}
