package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("../../deploy/gazette.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"ExecStart=/usr/local/bin/gazette serve", "DynamicUser=yes", "StateDirectory=gazette",
		"Environment=GAZETTE_DATA_DIR=%S/gazette", "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes",
		"PrivateTmp=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "Restart=on-failure",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze not installed")
	}
	// verify checks that ExecStart exists: point it at this test binary.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gazette.service")
	if err := os.WriteFile(path, []byte(strings.Replace(unit, "ExecStart=/usr/local/bin/gazette", "ExecStart="+self, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	// verify exits 0 on unknown keys and bad values too, but says so.
	if err != nil || strings.Contains(string(out), "gazette.service") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("the Dockerfile has %d stages, want a build stage and a runtime stage", n)
	}
	for _, want := range []string{
		"CGO_ENABLED=0", "ca-certificates.crt", "USER 65532", "VOLUME [\"/data\"]", "GAZETTE_DATA_DIR=/data",
		`HEALTHCHECK`, `CMD ["/gazette", "healthcheck"]`, "GAZETTE_HTTP_ADDR=:9090", "timetzdata",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
	// The health check's command is one the binary has.
	if commands["healthcheck"] == nil {
		t.Error("no healthcheck command")
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := testEnv(t)
	// A listener on every interface (as in the container) is asked on
	// loopback.
	for _, addr := range []string{srv.Listener.Addr().String(), ":" + port, "0.0.0.0:" + port} {
		env["GAZETTE_HTTP_ADDR"] = addr
		if out, errOut, err := gazette(t, env, "healthcheck"); err != nil || !strings.HasPrefix(out, "ok: http://127.0.0.1:"+port+"/healthz") {
			t.Errorf("healthcheck with %s = %v\n%s%s", addr, err, out, errOut)
		}
	}
	if out, _, err := gazette(t, env, "healthcheck", "--ready"); err != nil || !strings.Contains(out, "/readyz") {
		t.Errorf("healthcheck --ready = %v\n%s", err, out)
	}
	status = http.StatusServiceUnavailable
	if _, _, err := gazette(t, env, "healthcheck"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("healthcheck of an unhealthy bot = %v", err)
	}
	srv.Close()
	if _, _, err := gazette(t, env, "healthcheck"); err == nil || !strings.Contains(err.Error(), "GAZETTE_HTTP_ADDR") {
		t.Errorf("healthcheck with nothing listening = %v", err)
	}
	delete(env, "GAZETTE_HTTP_ADDR")
	if _, _, err := gazette(t, env, "healthcheck"); err == nil || !strings.Contains(err.Error(), "GAZETTE_HTTP_ADDR is not set") {
		t.Errorf("healthcheck without GAZETTE_HTTP_ADDR = %v", err)
	}
}
