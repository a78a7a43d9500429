# go-concurrency-patterns: companion code to Rob Pike's "Go Concurrency Patterns" (2012).
# `make run` shows every pattern in order; `make test` proves them.

GO          ?= go
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FOLDERS     := 01_goroutines 02_channels 03_generator 04_fan_in 05_sync_fan_in 06_select \
               07_select_timeout 08_quit_channel 09_daisy_chain 10_system_interactions summary \
               summary/chatroulette summary/load_balancer summary/prime_sieve summary/power_series \
               summary/subscription summary/url_poller summary/pipelines summary/context_search

.DEFAULT_GOAL := help
.PHONY: help run test check fmt vet staticcheck bench benchrace breaks

help: ## the targets, one line each
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: ## run every program in order, a header before each; stops at the first failure
	@set -e; for d in $(FOLDERS); do \
		[ -d "$$d" ] || continue; \
		printf '\n=== go run ./%s\n' "$$d"; \
		$(GO) run ./$$d; \
	done

# The race detector sleeps 1s as each test binary exits, waiting for reports from other goroutines;
# a race found during a test fails that test anyway, so the pause buys nothing here.
# -timeout turns a hang into a failure within minutes instead of ten.
test: ## every test, with the race detector
	GORACE=atexit_sleep_ms=0 $(GO) test -race -timeout 3m ./...

fmt: ## fail if any file is not gofmt-formatted
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet, the breaks checker included
	$(GO) vet ./... ./.ci/breaks

staticcheck: ## staticcheck, pinned (adds nothing to go.mod)
	$(STATICCHECK) ./... ./.ci/breaks

# Benchmarks are not tests, so make test never runs them; this runs each once, at its small sizes
# (-short), under the race detector, so that a race in a benchmark fails the check too.
benchrace: ## every benchmark once, small sizes, with the race detector
	GORACE=atexit_sleep_ms=0 $(GO) test -race -short -run '^$$' -bench . -benchtime 1x -timeout 3m ./...

# Each folder's page lists breaks a reader can make; this applies each in a scratch copy of the
# module and fails unless its test fails with the message the page quotes.
breaks: ## every documented break fails as its page says
	$(GO) run ./.ci/breaks

check: fmt vet staticcheck test benchrace breaks ## gofmt, go vet, staticcheck, the tests, every benchmark once under -race, the breaks

bench: ## every benchmark once, output ready for benchstat
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...
