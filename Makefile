# `make test` is the one way tests run, here and in CI (.ci/run calls it).
GO ?= go

.PHONY: test redis-server vet build try crisis-model

test: redis-server vet
	$(GO) test -race -count=1 ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# Tests start their own private redis-server per package; this only makes
# sure the program exists.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing redis-server (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else \
	    echo "make test needs redis-server: install it with 'sudo apt-get install -y redis-server' (Debian/Ubuntu) and run make test again"; \
	    exit 1; \
	  fi; }

build:
	$(GO) build -o bin/steady ./cmd/steady

try:
	$(GO) run ./cmd/steady try

# Retrain the crisis detector's classifier on the labelled tuning phrases
# (flows/testdata/crisis/tuning) and rewrite the committed model; then run
# make test, which checks the detector and the cross-validated scores.
crisis-model:
	$(GO) run ./flows/internal/crisistrain
