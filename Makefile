# ngidx - n-gram and actor co-occurrence indexer.
#
# `make help` lists the targets (generated from the ## comments below).
# Variables: BUILD (output folder), CC, CFLAGS, DEV=1 (adds -Werror),
# SAN=address,undefined (sanitizer build; uses libc malloc and NGIDX_NO_MMAP),
# PREFIX/DESTDIR (install).

CC      ?= gcc
CXX     ?= g++
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=

WARN := -Wall -Wextra -Wcast-qual -Wcast-align -Wshadow -Wstrict-aliasing=1 \
        -Wswitch-enum -Wstrict-prototypes -Wundef -Wpointer-arith -Wvla \
        -Wformat=2 -Wredundant-decls -Wmissing-prototypes -Wconversion \
        -Wno-sign-conversion
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
ALL_CFLAGS := -std=c17 $(CFLAGS) $(WARN) -fopenmp -fvisibility=hidden \
        -D_GNU_SOURCE -Iinclude -Isrc -MMD -MP
LDLIBS  := -lutf8proc -lzstd -lz -lm
ifeq ($(DEV),1)
ALL_CFLAGS += -Werror
endif

ifneq ($(SAN),)
ALL_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all -DNGIDX_NO_MMAP
LDFLAGS += -fsanitize=$(SAN)
MALLOC_LIB :=
STATIC_DEPS := 0
else
MALLOC_LIB := -ljemalloc
endif
# The ngidx binary links its libraries statically (their .a files come with
# the same -dev packages): a query is a whole process, and loading eight
# shared libraries cost it 0.6 ms of its 1.9 (bench/RESULTS.md).
# STATIC_DEPS=0 links them dynamically.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS),1)
BIN_LINK := -Wl,-Bstatic -lutf8proc -lzstd -lz -ljemalloc_pic -lgomp -Wl,-Bdynamic \
        -static-libgcc -lm -lpthread -ldl
else
BIN_LINK := -fopenmp $(LDLIBS) $(MALLOC_LIB)
endif
# The stress build: hashes of 3 bits (collisions everywhere), and runs
# merged past level 1 once a worker holds 9 (compact.h), as they are past
# level 2 beyond 64 runs on large corpora.
ifneq ($(WEAK_HASH),)
ALL_CFLAGS += -DNGIDX_WEAK_HASH -DRUN_TOP_LEVEL=1 -DRUN_MAX_RUNS=9
endif

LIB_SRC  := $(sort $(wildcard src/common/*.c src/text/*.c src/corpus/*.c \
              src/codec/*.c src/format/*.c src/build/*.c src/query/*.c \
              src/actors/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*_test.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libngidx.a
ILIB     := $(BUILD)/libngidx-internal.a
BIN      := $(BUILD)/ngidx
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all demo test check check-exports unit fuzz fuzz-replay cli-test asan ubsan analyze tsan weakhash bench-micro bench bench-subcorpus bench-scale \
        deps install clean help

all: $(BIN) ## build the ngidx tool and libngidx.a (default)

# Every dependency is a Debian package; scripts/install-deps.sh installs the
# missing ones. The stamp is remade whenever a header is missing.
$(DEPS_OK):
	@mkdir -p $(BUILD)
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh
	@touch $@

deps: ## install the Debian packages the project needs
	scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# libngidx-internal.a: every object, for the tests and benchmarks that
# reach inside. libngidx.a: the same code as one object in which every
# symbol but the NGIDX_API ones is local, so it exports only ngidx_*.
$(ILIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ld -r -o $(BUILD)/ngidx-lib.o $^
	objcopy --localize-hidden $(BUILD)/ngidx-lib.o
	ar rcs $@ $(BUILD)/ngidx-lib.o

check-exports: $(LIB) ## libngidx.a must export ngidx_* symbols only
	@bad=$$(nm -g --defined-only $(LIB) | awk 'NF == 3 && $$3 !~ /^ngidx_/ {print $$3}'); \
	if [ -n "$$bad" ]; then echo "libngidx.a exports non-API symbols: $$bad"; exit 1; fi; \
	echo "exports: $$(nm -g --defined-only $(LIB) | grep -c ' ngidx_') ngidx_* symbols, no other"

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(BIN_LINK)

$(BUILD)/tests/%: tests/unit/%.c $(ILIB) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(ILIB) \
	    -lcriterion $(LDLIBS) $(MALLOC_LIB)

# Fuzz targets (tests/fuzz/fuzz_*.c): replayed on their corpora with a plain
# main in `make test`; `make fuzz` runs libFuzzer (clang) for FUZZ_SECONDS each.
FUZZ_TARGETS := analyze codec index query jsonl dict
FUZZ_SECONDS ?= 30
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_check.h $(ILIB) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(ILIB) \
	    $(LDLIBS) $(MALLOC_LIB)

fuzz-replay: $(FUZZ_REPLAY) ## replay the fuzz corpora and crash reproducers
	@for t in $(FUZZ_TARGETS); do $(BUILD)/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; done

fuzz: ## run each libFuzzer target for FUZZ_SECONDS (needs clang; a crash fails)
	@scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SAN=address,undefined,fuzzer-no-link \
	    OPT="-O1 -g" build-fuzz/libngidx-internal.a
	@for t in $(FUZZ_TARGETS); do \
	    clang -std=c17 -O1 -g -fopenmp -D_GNU_SOURCE -Iinclude -Isrc -DNGIDX_NO_MMAP \
	        -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c \
	        build-fuzz/libngidx-internal.a $(LDLIBS) || exit 1; \
	    mkdir -p build-fuzz/corpus/$$t && cp tests/fuzz/corpus/$$t/* build-fuzz/corpus/$$t/; \
	    build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -artifact_prefix=build-fuzz/crash-$$t- build-fuzz/corpus/$$t || exit 1; \
	done

demo: $(BIN) ## index the bundled sample articles and run example queries
	@scripts/demo.sh $(BIN)

unit: $(TEST_BIN) ## build and run the Criterion unit tests
	@scripts/run-unit.sh $(TEST_BIN)

COMPARE_ARGS ?=
cli-test: $(BIN) ## run the shell tests of the command-line tool
	@NGIDX=$(BIN) COMPARE_ARGS="$(COMPARE_ARGS)" tests/cli/run.sh

weakhash: ## rebuild with a 3-bit hash and few runs, rerun the sensitive tests
	@$(MAKE) --no-print-directory BUILD=build-weak WEAK_HASH=1 all build-weak/tests/build_test
	@build-weak/tests/build_test
	@NGIDX=build-weak/ngidx tests/cli/compare.sh --quick

test: ## build and run the whole test suite (unit, CLI, weak hash, exports)
	@$(MAKE) --no-print-directory check-exports
	python3 tests/check_actor_dict.py data/actors/*.tsv
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-replay
	@$(MAKE) --no-print-directory cli-test
	@$(MAKE) --no-print-directory weakhash

check: test ## same as test

asan: ## the test suite under AddressSanitizer + UndefinedBehaviorSanitizer
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=address,undefined OPT="-O1 -g" \
	    COMPARE_ARGS=--quick unit fuzz-replay cli-test

ubsan: asan ## alias of asan (both sanitizers run together)

# GCC's static analyzer over every file of src/ (about 15 s on 2 cores):
# each file compiled with -fanalyzer into /dev/null; any warning fails. A
# false positive is silenced at its line with the narrowest change (an
# initializer, with a comment saying so), never by a file-wide pragma.
ANALYZE_FLAGS := -std=c17 -O1 -fopenmp -D_GNU_SOURCE -Iinclude -Isrc -fanalyzer
analyze: ## gcc -fanalyzer over src/ (fails on any warning)
	@out=$$(printf '%s\n' $(LIB_SRC) $(CLI_SRC) | xargs -P2 -I{} gcc $(ANALYZE_FLAGS) -c {} -o /dev/null 2>&1); \
	n=$$(printf '%s\n' "$$out" | grep -c 'warning:'); \
	if [ "$$n" -gt 0 ]; then printf '%s\n' "$$out" >&2; printf '%s\n' "$$out" | grep 'warning:' >&2; \
	    echo "analyze: $$n warnings" >&2; exit 1; fi; \
	echo "analyze: $(words $(LIB_SRC) $(CLI_SRC)) files, no warning"

# ThreadSanitizer over the multi-threaded build, with clang and LLVM's libomp,
# whose Archer tool (libarcher.so, loaded by libomp in a TSan program) tells
# TSan about OpenMP fork/join, barriers and critical sections; GCC's libgomp
# is not instrumented and gives false races. Criterion cannot start under TSan
# (Criterion issue 274), so the TSan-built CLI runs the threaded builds: 1 vs
# 2 threads with and without actors, then compare.sh --quick. Not in `make test`.
TSAN_RUN := TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1" build-tsan/ngidx build -q
tsan: ## ThreadSanitizer (clang + libomp/Archer) over multi-threaded builds
	@scripts/install-deps.sh --tsan
	@$(MAKE) --no-print-directory BUILD=build-tsan CC=clang SAN=thread OPT="-O1 -g" build-tsan/ngidx
	@t=$$(mktemp -d); ARCHER_OPTIONS=verbose=1 $(TSAN_RUN) -o $$t/a.ngx data/samples 2>&1 | grep -q "^Archer detected" \
	    || { echo "tsan: libomp did not load libarcher.so"; exit 1; }; \
	for a in "" "--actors data/actors/world.tsv --actors data/actors/hanoi.tsv"; do \
	    $(TSAN_RUN) -t 1 $$a -o $$t/1.ngx data/samples && $(TSAN_RUN) -t 2 -m 1M $$a -o $$t/2.ngx data/samples \
	    && cmp $$t/1.ngx $$t/2.ngx || exit 1; done; rm -rf $$t
	@TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1" NGIDX=build-tsan/ngidx tests/cli/compare.sh --quick

bench-micro: $(BIN) $(ILIB) ## Google Benchmark micro-benchmarks (C++ harness over the C API)
	@$(MAKE) --no-print-directory -f bench/micro.mk BUILD=$(BUILD)

include bench/e2e.mk

libdir     ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
bindir     ?= $(PREFIX)/bin

install: $(BIN) $(LIB) ## install ngidx, libngidx.a, headers and ngidx.pc (PREFIX, DESTDIR, libdir, includedir)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig $(DESTDIR)$(includedir)/ngidx
	install -m 755 $(BIN) $(DESTDIR)$(bindir)/ngidx
	install -m 644 $(LIB) $(DESTDIR)$(libdir)/libngidx.a
	install -m 644 include/ngidx/*.h $(DESTDIR)$(includedir)/ngidx/
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(libdir)' 'includedir=$(includedir)' '' \
	    'Name: ngidx' 'Description: n-gram and actor co-occurrence indexer' \
	    'Version: $(shell sed -n "s/^#define NGIDX_VERSION_STRING \"\(.*\)\"/\1/p" include/ngidx/version.h)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lngidx -lutf8proc -lzstd -lz -lm -fopenmp' >$(DESTDIR)$(libdir)/pkgconfig/ngidx.pc

clean: ## remove every build folder
	rm -rf build build-asan build-weak build-fuzz build-tsan

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
