// micro.cc - Google Benchmark micro-benchmarks over the ngidx C API.
//
// Run with `make bench-micro` (builds the Brown index it needs under
// build/bench/). Items/bytes per second come from SetItemsProcessed and
// SetBytesProcessed; the "ns_per_query" counters are per lookup or phrase.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "ngidx/ngidx.h"
#include "codec/codec.h"
#include "text/analyze.h"
}

static std::string slurp(const char *path)
{
	std::string s;
	FILE *f = std::fopen(path, "rb");
	if (!f)
		return s;
	char buf[1 << 16];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
		s.append(buf, n);
	std::fclose(f);
	return s;
}

static const char *env_or(const char *k, const char *d)
{
	const char *v = std::getenv(k);
	return v ? v : d;
}

// Analyzer throughput on real English text (one Brown sample) and on
// non-ASCII text (a seed article).
static void BM_analyze(benchmark::State &st, const char *path, unsigned flags)
{
	std::string text = slurp(path);
	if (text.empty()) {
		st.SkipWithError("input text missing");
		return;
	}
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	size_t toks = 0;
	for (auto _ : st) {
		ngidx_analyze(&t, text.data(), text.size(), flags);
		toks += t.ntok;
		benchmark::DoNotOptimize(t.ntok);
	}
	st.SetBytesProcessed((int64_t)(text.size() * st.iterations()));
	st.SetItemsProcessed((int64_t)toks);
	ngidx_tokens_release(&t);
}
BENCHMARK_CAPTURE(BM_analyze, brown_ascii, "../shared/corpus/brown/ca01_news.txt", 0);
BENCHMARK_CAPTURE(BM_analyze, brown_sentences, "../shared/corpus/brown/ca01_news.txt", NGIDX_AN_SENTENCES);
BENCHMARK_CAPTURE(BM_analyze, seeds_unicode, "data/samples/001_ea94c033cbd1dd64.txt", NGIDX_AN_SENTENCES);

// Block codec on geometric gaps of mean 8 (typical document-id gaps).
static std::vector<uint32_t> gaps(size_t n, double mean)
{
	std::mt19937 rng(42);
	std::geometric_distribution<uint32_t> g(1.0 / mean);
	std::vector<uint32_t> v(n);
	for (auto &x : v)
		x = g(rng);
	return v;
}

static void BM_pfor_encode(benchmark::State &st)
{
	auto v = gaps(NGIDX_BLOCK * 1024, 8);
	std::vector<uint8_t> out(ngidx_pfor_bound(NGIDX_BLOCK) * 1024);
	size_t bytes = 0;
	for (auto _ : st) {
		bytes = 0;
		for (size_t b = 0; b < 1024; b++)
			bytes += ngidx_pfor_encode(&v[b * NGIDX_BLOCK], NGIDX_BLOCK, out.data() + bytes);
		benchmark::DoNotOptimize(bytes);
	}
	st.SetItemsProcessed((int64_t)(v.size() * st.iterations()));
	st.counters["bits_per_int"] = 8.0 * (double)bytes / (double)v.size();
}
BENCHMARK(BM_pfor_encode);

static void BM_pfor_decode(benchmark::State &st)
{
	auto v = gaps(NGIDX_BLOCK * 1024, 8);
	std::vector<uint8_t> enc(ngidx_pfor_bound(NGIDX_BLOCK) * 1024);
	size_t bytes = 0;
	for (size_t b = 0; b < 1024; b++)
		bytes += ngidx_pfor_encode(&v[b * NGIDX_BLOCK], NGIDX_BLOCK, enc.data() + bytes);
	std::vector<uint32_t> out(NGIDX_BLOCK);
	for (auto _ : st) {
		const uint8_t *p = enc.data(), *end = enc.data() + bytes;
		for (size_t b = 0; b < 1024; b++)
			p += ngidx_pfor_decode(p, end, out.data(), NGIDX_BLOCK);
		benchmark::DoNotOptimize(out.data());
	}
	st.SetItemsProcessed((int64_t)(v.size() * st.iterations()));
}
BENCHMARK(BM_pfor_decode);

// Rice groups of 64 values (the partial blocks of a postings list), the
// same gaps; items are values.
static void BM_rice_encode(benchmark::State &st)
{
	auto v = gaps(1 << 17, 8);
	std::vector<uint8_t> out(ngidx_rice_bound(64) * (v.size() / 64));
	for (auto _ : st) {
		size_t bytes = 0;
		for (size_t b = 0; b < v.size() / 64; b++)
			bytes += ngidx_rice_encode(&v[b * 64], 64, out.data() + bytes);
		benchmark::DoNotOptimize(bytes);
	}
	st.SetItemsProcessed((int64_t)(v.size() * st.iterations()));
}
BENCHMARK(BM_rice_encode);

static void BM_rice_decode(benchmark::State &st)
{
	auto v = gaps(1 << 17, 8);
	std::vector<uint8_t> enc(ngidx_rice_bound(64) * (v.size() / 64));
	size_t bytes = 0;
	for (size_t b = 0; b < v.size() / 64; b++)
		bytes += ngidx_rice_encode(&v[b * 64], 64, enc.data() + bytes);
	std::vector<uint32_t> out(64);
	for (auto _ : st) {
		const uint8_t *p = enc.data(), *end = enc.data() + bytes;
		while (p < end && !ngidx_rice_decode(&p, end, out.data(), 64))
			;
		benchmark::DoNotOptimize(out.data());
	}
	st.SetItemsProcessed((int64_t)(v.size() * st.iterations()));
	st.counters["bits_per_int"] = 8.0 * (double)bytes / (double)v.size();
}
BENCHMARK(BM_rice_decode);

static void BM_varint_decode(benchmark::State &st)
{
	auto v = gaps(1 << 17, 8);
	std::vector<uint8_t> enc(v.size() * 5);
	size_t bytes = 0;
	for (auto x : v)
		bytes += ngidx_varint_put(enc.data() + bytes, x);
	for (auto _ : st) {
		const uint8_t *p = enc.data(), *end = enc.data() + bytes;
		uint32_t x, sum = 0;
		while (p < end && !ngidx_varint_get32(&p, end, &x))
			sum += x;
		benchmark::DoNotOptimize(sum);
	}
	st.SetItemsProcessed((int64_t)(v.size() * st.iterations()));
}
BENCHMARK(BM_varint_decode);

// Queries on the Brown index.
static ngidx_index *brown()
{
	static ngidx_index *idx;
	if (!idx && ngidx_index_open(&idx, env_or("NGIDX_BENCH_INDEX", "build/bench/brown.ngx"), nullptr, nullptr))
		idx = nullptr;
	return idx;
}

static void BM_lookup(benchmark::State &st)
{
	ngidx_index *idx = brown();
	if (!idx) {
		st.SkipWithError("build/bench/brown.ngx missing (run make bench-micro)");
		return;
	}
	// every 97th term of the lexicon, looked up by its text
	std::vector<std::string> q;
	ngidx_index_info in;
	ngidx_index_get_info(idx, &in);
	for (uint64_t id = 0; id < in.terms; id += 97) {
		ngidx_term t;
		if (ngidx_term_get(idx, id, &t, nullptr) == 0)
			q.emplace_back(t.text, t.text_len);
	}
	size_t i = 0, found = 0;
	for (auto _ : st) {
		ngidx_term t;
		const std::string &s = q[i++ % q.size()];
		found += ngidx_term_find(idx, s.data(), s.size(), &t) == 1;
	}
	if (found != (size_t)st.iterations())
		st.SkipWithError("a lookup failed");
	st.SetItemsProcessed((int64_t)st.iterations());
	st.counters["ns_per_query"] = benchmark::Counter((double)st.iterations(),
	                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_lookup);

static void BM_count(benchmark::State &st, const char *phrase)
{
	ngidx_index *idx = brown();
	if (!idx) {
		st.SkipWithError("build/bench/brown.ngx missing (run make bench-micro)");
		return;
	}
	ngidx_count_result r{};
	for (auto _ : st) {
		ngidx_count(idx, phrase, std::strlen(phrase), &r, nullptr);
		benchmark::DoNotOptimize(r.occurrences);
	}
	ngidx_count_result_release(&r);
	st.SetItemsProcessed((int64_t)st.iterations());
	st.counters["ns_per_query"] = benchmark::Counter((double)st.iterations(),
	                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_count, trigram, "of the United");
BENCHMARK_CAPTURE(BM_count, phrase6, "the United States of America and");
BENCHMARK_CAPTURE(BM_count, stopwords, "to be or not to be");
BENCHMARK_CAPTURE(BM_count, absent8, "one two three four five six seven eight");

// JSON string body of @s: quotes, backslashes and control bytes escaped.
static std::string json_escape(const std::string &s)
{
	std::string o;
	for (unsigned char c : s) {
		if (c == '"' || c == '\\') {
			o += '\\';
			o += (char)c;
		} else if (c < 0x20) {
			char b[8];
			std::snprintf(b, sizeof b, "\\u%04x", c);
			o += b;
		} else {
			o += (char)c;
		}
	}
	return o;
}

// The Brown corpus as JSON Lines with its genre (the file name's suffix:
// news, learned, humor, ...) as metadata "genre", built once into
// build/bench/brown-genre.ngx: the subcorpora of the filtered benchmarks.
static ngidx_index *brown_genre()
{
	static ngidx_index *idx;
	static bool tried;
	const char *out = "build/bench/brown-genre.ngx", *jl = "build/bench/brown-genre.jsonl";
	if (idx || tried)
		return idx;
	tried = true;
	if (ngidx_index_open(&idx, out, nullptr, nullptr) == 0)
		return idx;
	idx = nullptr;
	std::string dir = env_or("NGIDX_BENCH_BROWN", "../shared/corpus/brown");
	std::vector<std::string> names;
	if (DIR *d = opendir(dir.c_str())) {
		while (struct dirent *e = readdir(d))
			if (std::strstr(e->d_name, ".txt"))
				names.push_back(e->d_name);
		closedir(d);
	}
	std::sort(names.begin(), names.end());
	FILE *f = std::fopen(jl, "w");
	if (!f || names.empty()) {
		if (f)
			std::fclose(f);
		return nullptr;
	}
	for (const std::string &n : names) {
		size_t us = n.rfind('_'), dot = n.rfind('.');
		std::string genre = us == std::string::npos ? "" : n.substr(us + 1, dot - us - 1);
		std::fprintf(f, "{\"id\":\"%s\",\"genre\":\"%s\",\"text\":\"%s\"}\n", n.c_str(), genre.c_str(),
		             json_escape(slurp((dir + "/" + n).c_str())).c_str());
	}
	std::fclose(f);
	ngidx_build_opts o;
	ngidx_build_opts_init(&o);
	const char *in[1] = { jl };
	o.inputs = in;
	o.ninputs = 1;
	o.format = NGIDX_FORMAT_JSONL;
	o.output = out;
	if (ngidx_build(&o, nullptr, nullptr) || ngidx_index_open(&idx, out, nullptr, nullptr))
		idx = nullptr;
	return idx;
}

// ngidx top on the Brown index: top lists (TOPLIST), continuations and
// wildcards (CONT). kind: 0 top, 1 prefix, 2 pattern. With @spec, within
// that subcorpus of the Brown index with genres (ngidx_subset_parse):
// candidates from the same lists, counted from their postings.
static void BM_top(benchmark::State &st, int kind, const char *q, unsigned n_min, unsigned n_max,
                   int stop, int by_df, const char *spec)
{
	ngidx_index *idx = spec ? brown_genre() : brown();
	if (!idx) {
		st.SkipWithError("build/bench/brown.ngx missing (run make bench-micro)");
		return;
	}
	ngidx_subset *sub = nullptr;
	if (spec && ngidx_subset_parse(idx, spec, &sub, nullptr)) {
		st.SkipWithError("bad subset");
		return;
	}
	ngidx_stopwords *sw = nullptr;
	if (stop)
		ngidx_stopwords_english(&sw, nullptr);
	ngidx_top_opts o;
	ngidx_top_opts_init(&o);
	o.subset = sub;
	o.n_min = n_min;
	o.n_max = n_max;
	o.stopwords = sw;
	o.by = by_df ? NGIDX_TOP_BY_DOCUMENTS : NGIDX_TOP_BY_OCCURRENCES;
	ngidx_top_result r{};
	size_t rows = 0;
	uint64_t walked = 0;
	int scanned = 0;
	for (auto _ : st) {
		int rc = kind == 0   ? ngidx_top(idx, &o, &r, nullptr)
		         : kind == 1 ? ngidx_top_prefix(idx, q, std::strlen(q), &o, &r, nullptr)
		                     : ngidx_top_pattern(idx, q, std::strlen(q), &o, &r, nullptr);
		if (rc)
			st.SkipWithError("query failed");
		rows += r.nrows;
		walked += r.walked;
		scanned |= r.scanned;
	}
	st.counters["rows"] = (double)rows / (double)st.iterations();
	st.counters["walked"] = (double)walked / (double)st.iterations();
	st.counters["scanned"] = scanned;
	ngidx_top_result_release(&r);
	ngidx_stopwords_free(sw);
	ngidx_subset_free(sub);
	st.SetItemsProcessed((int64_t)st.iterations());
	st.counters["ns_per_query"] = benchmark::Counter((double)st.iterations(),
	                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_top, top20_all_n, 0, "", 0, 0, 0, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, top20_n3_by_documents, 0, "", 3, 3, 0, 1, nullptr);
BENCHMARK_CAPTURE(BM_top, top20_n2_3_stopwords, 0, "", 2, 3, 1, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, top20_n1_stopwords, 0, "", 1, 1, 1, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, prefix_of_the, 1, "of the", 0, 0, 0, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, prefix_the_by_documents, 1, "the", 0, 0, 0, 1, nullptr);
BENCHMARK_CAPTURE(BM_top, pattern_the_x_of, 2, "the * of", 0, 0, 0, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, pattern_x_of_the, 2, "* of the", 0, 0, 0, 0, nullptr);
BENCHMARK_CAPTURE(BM_top, pattern_united_x, 2, "united *", 0, 0, 1, 0, nullptr);
// within a genre: news is 44 of the 500 documents (9 % of the tokens),
// learned 80, humor 9
BENCHMARK_CAPTURE(BM_top, news_top20_all_n, 0, "", 0, 0, 0, 0, "genre=news");
BENCHMARK_CAPTURE(BM_top, news_top20_n3_by_documents, 0, "", 3, 3, 0, 1, "genre=news");
BENCHMARK_CAPTURE(BM_top, news_top20_n2_3_stopwords, 0, "", 2, 3, 1, 0, "genre=news");
BENCHMARK_CAPTURE(BM_top, learned_top20_n1_stopwords, 0, "", 1, 1, 1, 0, "genre=learned");
BENCHMARK_CAPTURE(BM_top, humor_top20_n2_3_stopwords, 0, "", 2, 3, 1, 0, "genre=humor");
BENCHMARK_CAPTURE(BM_top, news_prefix_of_the, 1, "of the", 0, 0, 0, 0, "genre=news");
BENCHMARK_CAPTURE(BM_top, news_pattern_the_x_of, 2, "the * of", 0, 0, 0, 0, "genre=news");

/* A boolean query run to the end (the first @limit documents; 0 = all),
 * rarest operand first, others seeking; optionally ranked by BM25. */
static void BM_docs(benchmark::State &st, const char *query, int rank, uint64_t limit)
{
	ngidx_index *idx = brown();
	ngidx_query *q;
	if (!idx || ngidx_query_parse(query, strlen(query), &q, nullptr, nullptr)) {
		st.SkipWithError("build/bench/brown.ngx missing (run make bench-micro)");
		return;
	}
	ngidx_docs_opts o;
	ngidx_docs_opts_init(&o);
	o.rank = rank;
	o.limit = limit;
	uint64_t hits = 0;
	for (auto _ : st) {
		ngidx_docs *d;
		if (ngidx_query_run(idx, q, &o, &d, nullptr)) {
			st.SkipWithError("query failed");
			break;
		}
		ngidx_docs_hit h;
		while (ngidx_docs_next(d, &h, nullptr) == 1)
			hits++;
		ngidx_docs_free(d);
	}
	st.counters["docs_per_query"] = benchmark::Counter((double)hits, benchmark::Counter::kAvgIterations);
	ngidx_query_free(q);
}
BENCHMARK_CAPTURE(BM_docs, and_rare_common, "\"united states\" AND government", 0, 0);
BENCHMARK_CAPTURE(BM_docs, or_not, "(president OR congress) NOT \"white house\"", 0, 0);
BENCHMARK_CAPTURE(BM_docs, bm25_top10, "war AND peace", NGIDX_RANK_BM25, 10);

/* Keyword-in-context: the first 20 lines of a phrase (reads and cuts the
 * stored text of the matching documents). */
static void BM_kwic(benchmark::State &st, const char *phrase)
{
	ngidx_index *idx = brown();
	if (!idx) {
		st.SkipWithError("build/bench/brown.ngx missing (run make bench-micro)");
		return;
	}
	ngidx_kwic_opts o;
	ngidx_kwic_opts_init(&o);
	o.limit = 20;
	for (auto _ : st) {
		ngidx_kwic *k;
		if (ngidx_kwic_open(idx, phrase, strlen(phrase), &o, &k, nullptr)) {
			st.SkipWithError("kwic failed");
			break;
		}
		ngidx_kwic_line l;
		while (ngidx_kwic_next(k, &l, nullptr) == 1)
			benchmark::DoNotOptimize(l.match_len);
		ngidx_kwic_free(k);
	}
}
BENCHMARK_CAPTURE(BM_kwic, united_states_20_lines, "the united states");

/* An actor's top-20 neighbours by count (the stored matrix, then a partial
 * sort), and with a date filter (counted from the pair postings); the Brown
 * index of bench/micro.mk is built with data/actors/world.tsv. */
static void BM_cooc_top20(benchmark::State &st, ngidx_level level, int filtered)
{
	ngidx_index *idx = brown();
	uint32_t a;
	if (!idx || ngidx_actor_find(idx, "@USA", 4, &a) != 1) {
		st.SkipWithError("build/bench/brown.ngx has no actor USA (run make bench-micro)");
		return;
	}
	ngidx_filter f = { 19000101, 19991231, nullptr };
	for (auto _ : st) {
		ngidx_neighbor *v;
		size_t n;
		if (ngidx_cooc_neighbors(idx, level, a, filtered ? &f : nullptr, &v, &n, nullptr)) {
			st.SkipWithError("cooc failed");
			return;
		}
		size_t k = n < 20 ? n : 20;
		std::partial_sort(v, v + k, v + n, [](const ngidx_neighbor &x, const ngidx_neighbor &y) {
			return x.cell.o11 != y.cell.o11 ? x.cell.o11 > y.cell.o11 : x.actor < y.actor;
		});
		benchmark::DoNotOptimize(v[0].cell.o11);
		ngidx_buffer_free(v);
	}
}
BENCHMARK_CAPTURE(BM_cooc_top20, doc, NGIDX_LEVEL_DOC, 0);
BENCHMARK_CAPTURE(BM_cooc_top20, sentence, NGIDX_LEVEL_SENTENCE, 0);
BENCHMARK_CAPTURE(BM_cooc_top20, window, NGIDX_LEVEL_WINDOW, 0);
BENCHMARK_CAPTURE(BM_cooc_top20, sentence_dated, NGIDX_LEVEL_SENTENCE, 1);

BENCHMARK_MAIN();
