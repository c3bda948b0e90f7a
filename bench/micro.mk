# bench/micro.mk - the Google Benchmark harness (make bench-micro).
BUILD ?= build
CXX ?= g++
MICRO := $(BUILD)/bench/micro
all: $(MICRO) $(BUILD)/bench/brown.ngx
	$(MICRO) --benchmark_min_time=0.2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
$(MICRO): bench/micro/micro.cc $(BUILD)/libngidx-internal.a
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -fopenmp -Iinclude -Isrc -o $@ $< $(BUILD)/libngidx-internal.a \
	    -lbenchmark -lpthread -lutf8proc -lzstd -lz -lm -ljemalloc
$(BUILD)/bench/brown.ngx: $(BUILD)/ngidx data/actors/world.tsv
	@mkdir -p $(dir $@)
	$(BUILD)/ngidx build -q --actors data/actors/world.tsv -o $@ ../shared/corpus/brown
