package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"
)

func init() {
	register(command{
		name: "version", group: groupShell, noStore: true,
		summary: "print the version, the source revision it was built from, and the Go version",
		help: `The version is the module version for a 'go install …@version' build and
"(devel)" for a build from a checkout; the revision is the commit it was built
from, with "+modified" when the tree had uncommitted changes. Also 'gazette --version'.`,
		run: runVersion,
	})
	register(command{
		name: "healthcheck", group: groupBot,
		summary: "exit 0 when the running bot answers on GAZETTE_HTTP_ADDR/healthz, 1 otherwise",
		help: `For container and service health checks that have no curl: it asks the admin
listener of a 'gazette serve' on this machine (GAZETTE_HTTP_ADDR; a listener on
all interfaces is reached on loopback). With --ready it asks /readyz, which
also needs the Discord gateway to be connected.`,
		settings: []string{"GAZETTE_HTTP_ADDR"},
		noStore:  true,
		run:      runHealthcheck,
	})
}

// buildVersion describes this binary from its build information.
type buildVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func readVersion() buildVersion {
	v := buildVersion{Version: "(unknown)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (v buildVersion) String() string {
	s := "gazette " + v.Version
	if v.Revision != "" {
		s += ", revision " + v.Revision
		if v.Modified {
			s += "+modified"
		}
		if v.Time != "" {
			s += " (" + v.Time + ")"
		}
	} else {
		s += ", revision unknown (built without version control information)"
	}
	return s + ", " + v.Go + " " + v.Platform
}

func runVersion(_ context.Context, e *env) error {
	fs := newFlags(e, "version", "")
	asJSON := fs.Bool("json", false, "print {version, revision, time, modified, go, platform} as JSON")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	v := readVersion()
	if *asJSON {
		return writeJSON(e.stdout, v)
	}
	fmt.Fprintln(e.stdout, v)
	return nil
}

func runHealthcheck(ctx context.Context, e *env) error {
	fs := newFlags(e, "healthcheck", "")
	ready := fs.Bool("ready", false, "ask /readyz (connected to Discord) instead of /healthz (the process is up)")
	timeout := fs.Duration("timeout", 5*time.Second, "longest wait for the answer")
	if _, err := parseFlags(fs, e.args); err != nil {
		return err
	}
	addr := e.cfg.HTTPAddr
	if addr == "" {
		return fmt.Errorf("GAZETTE_HTTP_ADDR is not set: the bot serves /healthz only when it is (e.g. GAZETTE_HTTP_ADDR=127.0.0.1:9090)")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("GAZETTE_HTTP_ADDR %q is not host:port: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	u := "http://" + net.JoinHostPort(host, port) + path
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("health check %s: %w", u, err)
	}
	// The admin listener is local: no proxy from the environment.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health check: nothing answers at %s; is 'gazette serve' running with GAZETTE_HTTP_ADDR=%s? (%v)", u, addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s", u, resp.Status)
	}
	fmt.Fprintf(e.stdout, "ok: %s\n", u)
	return nil
}
