# bench/e2e.mk - the end-to-end benchmark (`make bench`), included by the
# Makefile. Not part of `make test`: it takes minutes and wants a quiet machine.
#   make bench                      200M generated corpus + the Brown corpus
#   make bench BENCH_SIZE=50M       a smaller generated corpus
#   make bench BENCH_ARGS='--results none --keep'   more bench/e2e.sh options
BENCH_SIZE  ?= 200M
BENCH_SEED  ?= 1
BENCH_BROWN ?= ../shared/corpus/brown
BENCH_ARGS  ?=

bench: $(BIN) ## end-to-end: ngidx vs SQLite FTS5 and ripgrep (BENCH_SIZE=200M), appends to bench/RESULTS.md
	@scripts/install-deps.sh --bench
	@NGIDX=$(BIN) BUILD=$(BUILD) bench/e2e.sh --size $(BENCH_SIZE) --seed $(BENCH_SEED) \
	    --brown $(BENCH_BROWN) $(BENCH_ARGS)

SUBCORPUS_SIZE ?= 1G

bench-subcorpus: $(BIN) ## issue 7: filtered count, series, keyness on a generated corpus (SUBCORPUS_SIZE=1G), appends to bench/RESULTS.md
	@NGIDX=$(BIN) bench/subcorpus.sh --size $(SUBCORPUS_SIZE) --seed $(BENCH_SEED)

SCALE_SIZES ?= 100M 1G 4G

bench-scale: $(BIN) ## issue 5: build time per MB, peak RSS and temporary disk at SCALE_SIZES with --memory 256M, appends to bench/RESULTS.md
	@NGIDX=$(BIN) bench/scale.sh --sizes "$(SCALE_SIZES)" --memory 256M --seed $(BENCH_SEED)
