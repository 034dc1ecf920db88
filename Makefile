# divergence — make targets named in README.md.
# DuckDB's Arrow interface is opt-in: every build and test passes the tag.
GO      ?= go
TAGS    := -tags duckdb_arrow
BIN     := bin/divergence
OUT     ?= out

.PHONY: build demo test bench lint clean

build:
	$(GO) build $(TAGS) -o $(BIN) ./cmd/divergence

# The main job on the embedded default: the seeded synthetic market.
demo: build
	./$(BIN) run examples/synthetic-ai-hedge.toml --out $(OUT)

test:
	$(GO) test $(TAGS) -count=1 -timeout 20m ./...

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
