# divergence — make targets named in README.md.
# DuckDB's Arrow interface is opt-in: every build and test passes the tag.
GO      ?= go
TAGS    := -tags duckdb_arrow
BIN     := bin/divergence
OUT     ?= out

.PHONY: build demo test bench lint fuzz clean

# Native Go fuzz targets (package:target); each has its seed corpus in
# the package's testdata/fuzz/<target> (the data/duckdb readers also add
# seeds they generate). `make test` fuzzes each for FUZZ_SHORT inputs,
# `make fuzz` for FUZZTIME. The short run counts inputs, not seconds:
# Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" when a -fuzztime duration runs out while a worker is
# busy (go.dev/issue/75804, seen here on a loaded 2-core machine); a
# count has no deadline to race. The count includes the corpus (seeds,
# testdata and the inputs go test's cache has kept), run first: with at
# most 45 seeds a target, a clean machine tries at least 55 new inputs. A
# target with more seeds gives its own count (package:target:count),
# which replaces FUZZ_SHORT in `make test`. cmd/divergence's
# TestMakefileFuzzesEveryTarget checks that every target is listed.
FUZZ_TARGETS := ./experiment:FuzzParse ./experiment:FuzzRunChecks ./scenarios:FuzzParse ./scenarios:FuzzParseTwice \
	./strategies:FuzzNew ./results:FuzzReadReturns ./results:FuzzAppendFloat ./results/metrics:FuzzMaxDrawdown \
	./data:FuzzParseFunding ./data:FuzzParseRates ./cmd/divergence:FuzzFlags:250x \
	./data/duckdb:FuzzReadCSV ./data/duckdb:FuzzReadCSVSemicolon ./data/duckdb:FuzzReadBinanceKlines \
	./data/duckdb:FuzzReadYahooIntraday ./data/duckdb:FuzzReadParquet ./data/duckdb:FuzzReadIPC \
	./data/duckdb:FuzzReadSourceCSV ./data/duckdb:FuzzScanRecords ./data/duckdb:FuzzScanDate
FUZZ_SHORT   ?= 100x
FUZZTIME     ?= 60s

build:
	$(GO) build $(TAGS) -o $(BIN) ./cmd/divergence

# The main job on the embedded default: the seeded synthetic market.
demo: build
	./$(BIN) run examples/synthetic-ai-hedge.toml --out $(OUT)

# A short fuzz of every target first, then the suite, so that go test's
# summary closes the output.
test:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZ_SHORT)
	$(GO) test $(TAGS) -count=1 -timeout 20m ./...

# Go fuzzes one target of one package per run. Each package's
# instrumented test binary is built once (go test -c -fuzz; relinking the
# DuckDB-linked binary per target cost ~5 s each) and run once per
# target in the package's folder, with go test's corpus cache. Failing
# inputs land in testdata/fuzz/<target>/ and become regression cases.
# Minimizing a new input may take 60 s by default (with no execs counted):
# bounded here so that a short run stays short.
fuzz:
	@set -e; bin=$$(mktemp -d); trap 'rm -rf "$$bin"' EXIT; \
	cache=$$($(GO) env GOCACHE)/fuzz; \
	for pkg in $$(for t in $(FUZZ_TARGETS); do echo $${t%%:*}; done | sort -u); do \
		$(GO) test $(TAGS) -c -fuzz . -o "$$bin/$$(echo $$pkg | tr ./ __).test" $$pkg; \
	done; \
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; time=$(FUZZTIME); \
		case $$name in *:*) [ "$(FUZZTIME)" = "$(FUZZ_SHORT)" ] && time=$${name#*:}; name=$${name%%:*};; esac; \
		echo "fuzz $$pkg $$name for $$time"; \
		imp=$$($(GO) list $(TAGS) $$pkg); \
		(cd $$pkg && "$$bin/$$(echo $$pkg | tr ./ __).test" -test.run '^$$' -test.fuzz "^$$name\$$" \
			-test.fuzztime $$time -test.fuzzminimizetime 2s \
			-test.fuzzcachedir "$$cache/$$imp") || exit 1; \
	done

bench:
	$(GO) test $(TAGS) -run '^$$' -bench . -benchmem -benchtime 3x ./...

# gofmt, go vet, and the layers that must build without cgo (DuckDB sits
# behind data/duckdb; cmd/divergence's TestImportRules checks the imports).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(TAGS) ./...
	CGO_ENABLED=0 $(GO) build ./engine/... ./strategies/... ./scenarios/... ./results/metrics/...

clean:
	rm -rf bin $(OUT)
