# Gazette make targets. `make test` is the test command CI runs.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all fmt vet lint test fuzz build demo bench

all: vet test build

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...

test:
	$(GO) test -race -count=1 -timeout 30m ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o gazette ./cmd/gazette

demo:
	$(GO) run ./cmd/gazette demo
