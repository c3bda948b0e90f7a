/*
 * suggest_test.c - tests of actor discovery (include/ngidx/suggest.h): what a
 * candidate name is, the sentence-initial rule, variants, short names
 * joining longer ones, hyphens, apostrophes, initials, connectors, titles,
 * non-ASCII and all-caps text, ids, ranking and options, reading inputs,
 * and allocation failures.
 *
 * Every expectation is exact and written by hand from the rules in the
 * opening comment of suggest.c. Results are compared as one string, one
 * line per actor:
 *   ID occurrences/documents: alias=N|alias=N [ambiguous: A; B]
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngidx/ngidx.h"
#include "ngidx/suggest.h"

#define TEST_NAME "suggest"
#include "test_util.h"

int suggest_lists_sorted(void);

/* The actors found in @texts (NULL-ended) as one string (static buffer). */
static const char *run_opts(const char *const *texts, const ngidx_suggest_opts *o)
{
	static char out[1 << 14];
	ngidx_suggest *s;
	cr_assert_eq(ngidx_suggest_create(&s, o), NGIDX_OK);
	for (size_t i = 0; texts[i]; i++)
		cr_assert_eq(ngidx_suggest_feed(s, texts[i], strlen(texts[i])), NGIDX_OK);
	const ngidx_suggest_actor *a;
	size_t n;
	cr_assert_eq(ngidx_suggest_finish(s, &a, &n), NGIDX_OK);
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, sizeof out - len, "%s %llu/%llu:", a[i].id,
		                        (unsigned long long)a[i].occurrences,
		                        (unsigned long long)a[i].documents);
		for (size_t k = 0; k < a[i].naliases; k++) {
			cr_assert_eq(strlen(a[i].aliases[k].text), a[i].aliases[k].len);
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%s=%llu", k ? "|" : " ",
			                        a[i].aliases[k].text,
			                        (unsigned long long)a[i].aliases[k].occurrences);
		}
		for (size_t k = 0; k < a[i].nambiguous; k++)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", k ? "; " : " [ambiguous: ",
			                        a[i].ambiguous[k]);
		len += (size_t)snprintf(out + len, sizeof out - len, "%s\n", a[i].nambiguous ? "]" : "");
		cr_assert_lt(len, sizeof out);
	}
	ngidx_suggest_free(s);
	return out;
}

/* With min_count 1 (every name), other options by default. */
static const char *run1(const char *const *texts)
{
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	o.min_count = 1;
	return run_opts(texts, &o);
}

#define EXPECT(texts, want)                                                            \
	do {                                                                           \
		const char *got_ = run1(texts);                                        \
		cr_assert_str_eq(got_, want, "got:\n%s\nwant:\n%s", got_, want);       \
	} while (0)

Test(suggest, word_lists_are_sorted)
{
	cr_assert(suggest_lists_sorted(), "a word list of suggest.c is not in byte order");
}

Test(suggest, defaults_and_empty)
{
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	cr_assert_eq(o.min_count, 3);
	cr_assert_eq(o.max_actors, 0);
	cr_assert_eq(o.dominance, 4);
	const char *none[] = { NULL };
	EXPECT(none, "");
	const char *empty[] = { "", "   ", "lowercase words only here.", "123 456", NULL };
	EXPECT(empty, "");
	ngidx_suggest_free(NULL);
	o.dominance = 0;
	ngidx_suggest *s;
	cr_assert_eq(ngidx_suggest_create(&s, &o), NGIDX_ERR_ARG);
	cr_assert_null(s);
}

Test(suggest, sentence_initial_words)
{
	/* "Officials" and "Reporters" are capitalised only as first words:
	 * dropped. "Kim" opens the second sentence but is also seen
	 * mid-sentence: kept. "Pyongyang" is only ever first: dropped. */
	const char *t[] = { "Officials met Kim Jong-un in Hanoi. Kim Jong-un left.",
		            "Reporters said nothing. Hanoi, nobody answered. Pyongyang agreed.", NULL };
	EXPECT(t, "HANOI 2/2: Hanoi=2\n"
	          "KIM_JONG_UN 2/1: Kim Jong-un=2\n");
	/* the known cost of the rule below: a first word right before a name
	 * joins it ("Asked Hanoi"), and the name joins that */
	const char *t2[] = { "Asked Hanoi, nobody answered. we saw Hanoi.", NULL };
	EXPECT(t2, "ASKED_HANOI 2/1: Asked Hanoi=1|Hanoi=1\n");
}

Test(suggest, first_word_before_a_sure_capital)
{
	/* "Huang" is only ever first, but right before the mid-sentence
	 * capital "Jing": a name's first word. */
	const char *t[] = { "Huang Jing believes it. Huang Jing concurs. Critics disagree.", NULL };
	EXPECT(t, "HUANG_JING 2/1: Huang Jing=2\n");
}

Test(suggest, variants_share_one_alias)
{
	const char *t[] = { "We saw Kim Jong Un there. We saw Kim Jong-un there.",
		            "We saw Kim Jong-un again. A photo of KIM JONG-UN was shown.", NULL };
	EXPECT(t, "KIM_JONG_UN 4/2: Kim Jong-un=4\n");
}

Test(suggest, display_form_ties)
{
	/* one each: fewer capitals wins ("Kim Jong-un" over "KIM JONG-UN"),
	 * then byte order ("Kim Jong Un" < "Kim Jong-Un": ' ' < '-') */
	const char *t1[] = { "a photo of KIM JONG-UN and of Kim Jong-un here.", NULL };
	EXPECT(t1, "KIM_JONG_UN 2/1: Kim Jong-un=2\n");
	const char *t2[] = { "a photo of Kim Jong-Un and of Kim Jong Un here.", NULL };
	EXPECT(t2, "KIM_JONG_UN 2/1: Kim Jong Un=2\n");
}

Test(suggest, short_name_joins_the_name_it_ends)
{
	const char *t[] = { "Donald Trump spoke in Hanoi. Reporters said Trump left. We know Trump.", NULL };
	EXPECT(t, "DONALD_TRUMP 3/1: Donald Trump=1|Trump=2\n"
	          "HANOI 1/1: Hanoi=1\n");
}

Test(suggest, short_name_joins_the_name_it_starts)
{
	/* no longer name ends with "Moon": the one it starts */
	const char *t[] = { "We met Moon Jae-in. We met Moon twice, and Moon again.", NULL };
	EXPECT(t, "MOON_JAE_IN 3/1: Moon Jae-in=1|Moon=2\n"); /* display name first */
}

Test(suggest, ending_beats_starting)
{
	/* "Trump" ends "Donald Trump" and starts "Trump Tower": the name it
	 * ends wins, whatever the counts */
	const char *t[] = { "We saw Trump, Donald Trump, Trump Tower and Trump Tower again.", NULL };
	EXPECT(t, "DONALD_TRUMP 2/1: Donald Trump=1|Trump=1\n"
	          "TRUMP_TOWER 2/1: Trump Tower=2\n");
}

Test(suggest, ambiguous_short_name_stays)
{
	const char *t[] = { "We saw Kim Jong-un. We saw Kim Yo-jong. We saw Kim.", NULL };
	EXPECT(t, "KIM 1/1: Kim=1 [ambiguous: Kim Jong-un; Kim Yo-jong]\n"
	          "KIM_JONG_UN 1/1: Kim Jong-un=1\n"
	          "KIM_YO_JONG 1/1: Kim Yo-jong=1\n");
}

Test(suggest, dominance)
{
	/* 4 against 1: dominates (4 >= 4 * 1) */
	const char *t[] = { "we saw Kim Jong-un, Kim Jong-un, Kim Jong-un, Kim Jong-un, Kim Yo-jong and Kim.", NULL };
	EXPECT(t, "KIM_JONG_UN 5/1: Kim Jong-un=4|Kim=1\n"
	          "KIM_YO_JONG 1/1: Kim Yo-jong=1\n");
	/* 3 against 1: does not */
	const char *t2[] = { "we saw Kim Jong-un, Kim Jong-un, Kim Jong-un, Kim Yo-jong and Kim.", NULL };
	EXPECT(t2, "KIM_JONG_UN 3/1: Kim Jong-un=3\n"
	           "KIM 1/1: Kim=1 [ambiguous: Kim Jong-un; Kim Yo-jong]\n"
	           "KIM_YO_JONG 1/1: Kim Yo-jong=1\n");
	/* longer names below min_count are ignored: "Kim" stays alone */
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	o.min_count = 2;
	const char *t3[] = { "we saw Kim Jong-un, then Kim, then Kim again.", NULL };
	const char *got = run_opts(t3, &o);
	cr_assert_str_eq(got, "KIM 2/1: Kim=2\n", "got %s", got);
}

Test(suggest, chains_resolve_longest_first)
{
	/* "Hussein Obama" joins "Barack Hussein Obama"; then "Obama", which
	 * ends both, sees one group of 2, not two names of 1 each */
	const char *t[] = { "we saw Barack Hussein Obama, Hussein Obama and Obama.", NULL };
	EXPECT(t, "BARACK_HUSSEIN_OBAMA 3/1: Barack Hussein Obama=1|Hussein Obama=1|Obama=1\n");
	/* "Kim Jong" is not a word prefix of "Kim Jong-un" (a hyphen, not a
	 * space, follows "Jong"): two groups for "Kim" */
	const char *t2[] = { "we saw Kim Jong-un, Kim and Kim Jong.", NULL };
	EXPECT(t2, "KIM 1/1: Kim=1 [ambiguous: Kim Jong-un; Kim Jong]\n"
	           "KIM_JONG 1/1: Kim Jong=1\n"
	           "KIM_JONG_UN 1/1: Kim Jong-un=1\n");
}

Test(suggest, hyphens_are_inside_words)
{
	/* "Chinese" is not a word of "Chinese-dominated", nor "UN" of
	 * "Kim Jong-un": neither joins */
	const char *t[] = { "we saw Chinese-dominated trade and Chinese goods.",
		            "we saw Kim Jong-un at the UN.", NULL };
	EXPECT(t, "CHINESE 1/1: Chinese=1\n"
	          "CHINESE_DOMINATED 1/1: Chinese-dominated=1\n"
	          "KIM_JONG_UN 1/1: Kim Jong-un=1\n"
	          "UN 1/1: UN=1\n");
	/* a hyphen at a line end, or an en dash, separates */
	const char *t2[] = { "we saw Moon Jae-\nin and the Trump\xE2\x80\x93Kim summit.", NULL };
	EXPECT(t2, "KIM 1/1: Kim=1\n"
	           "MOON_JAE 1/1: Moon Jae=1\n"
	           "TRUMP 1/1: Trump=1\n");
	/* lowercase particle before a capital: "al-Assad" */
	const char *t3[] = { "we saw Bashar al-Assad today.", NULL };
	EXPECT(t3, "BASHAR_AL_ASSAD 1/1: Bashar al-Assad=1\n");
}

Test(suggest, apostrophes_and_punctuation)
{
	const char *t[] = { "we saw Trump's Washington, Beijing (Seoul) and O'Brien's \"Dublin\".", NULL };
	EXPECT(t, "BEIJING 1/1: Beijing=1\n"
	          "DUBLIN 1/1: Dublin=1\n"
	          "O_BRIEN 1/1: O'Brien=1\n"
	          "SEOUL 1/1: Seoul=1\n"
	          "TRUMP 1/1: Trump=1\n"
	          "WASHINGTON 1/1: Washington=1\n");
	/* the typographic apostrophe too; "I'm" is the stop word "I" */
	const char *t2[] = { "we saw Beijing\xE2\x80\x99s plan. I'm sure.", NULL };
	EXPECT(t2, "BEIJING 1/1: Beijing=1\n");
}

Test(suggest, initials_connectors_titles)
{
	const char *t[] = { "we met Donald J. Trump at the Bank of England with President Moon and "
		            "Foreign Minister Wang Yi, then Mr. Smith.", NULL };
	EXPECT(t, "BANK_OF_ENGLAND 1/1: Bank of England=1\n"
	          "DONALD_J_TRUMP 1/1: Donald J. Trump=1\n"
	          "MOON 1/1: Moon=1\n"
	          "SMITH 1/1: Smith=1\n"
	          "WANG_YI 1/1: Wang Yi=1\n");
	/* a connector at an edge is dropped; one-letter names are dropped;
	 * "and" is not a connector */
	const char *t2[] = { "we saw Bank of the city, Trump and Kim, and A or B.", NULL };
	EXPECT(t2, "BANK 1/1: Bank=1\n"
	           "KIM 1/1: Kim=1\n"
	           "TRUMP 1/1: Trump=1\n");
}

Test(suggest, non_ascii_names)
{
	const char *t[] = { "Wir trafen \xC3\x81ngela Merkel. \xC3\x81ngela Merkel sprach. Dann kam \xC3\x89mile.",
		            "Then \xC3\x89MILE and \xC3\x89mile left with Stra\xC3\x9F" "e.", NULL };
	/* "Wir", "Dann" are only first words; ÉMILE (caps) merges with Émile;
	 * ß folds to ss in the id */
	EXPECT(t, "EMILE 3/2: \xC3\x89mile=3\n"
	          "ANGELA_MERKEL 2/1: \xC3\x81ngela Merkel=2\n"
	          "STRASSE 1/1: Stra\xC3\x9F" "e=1\n");
}

Test(suggest, all_caps_text)
{
	/* an all-caps sentence: every word needs confirmation elsewhere */
	const char *t[] = { "KIM JONG-UN MET TRUMP IN HANOI.", "We saw Kim Jong-un and Trump in Hanoi.", NULL };
	EXPECT(t, "HANOI 2/2: Hanoi=2\n"
	          "KIM_JONG_UN 2/2: Kim Jong-un=2\n"
	          "TRUMP 2/2: Trump=2\n");
	/* alone, it proposes nothing; nor does a title-case headline */
	const char *t2[] = { "KIM JONG-UN MET TRUMP IN HANOI.", "China Sees Some Light in the Hanoi Summit\n\nok.", NULL };
	EXPECT(t2, "");
}

Test(suggest, ids_are_unique_slugs)
{
	/* "Müller" and "Muller" are two keys with one slug; the more frequent
	 * gets it. Cyrillic has no Latin letter: ACTOR. */
	const char *t[] = { "we met M\xC3\xBCller, M\xC3\xBCller, Muller, "
		            "\xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD and 3M Company.", NULL };
	EXPECT(t, "MULLER 2/1: M\xC3\xBCller=2\n"
	          "COMPANY 1/1: Company=1\n"
	          "MULLER_2 1/1: Muller=1\n"
	          "ACTOR 1/1: \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD=1\n");
}

Test(suggest, ranking_min_count_and_k)
{
	const char *t[] = { "we saw Hanoi, Hanoi, Beijing, Beijing and Seoul.", "we saw Beijing and Seoul.",
		            "we saw Hanoi.", NULL };
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	const char *got = run_opts(t, &o); /* min_count 3 */
	cr_assert_str_eq(got, "BEIJING 3/2: Beijing=3\nHANOI 3/2: Hanoi=3\n", "got %s", got);
	o.min_count = 1;
	o.max_actors = 2;
	got = run_opts(t, &o);
	cr_assert_str_eq(got, "BEIJING 3/2: Beijing=3\nHANOI 3/2: Hanoi=3\n", "got %s", got);
	o.max_actors = 0;
	got = run_opts(t, &o);
	cr_assert_str_eq(got, "BEIJING 3/2: Beijing=3\nHANOI 3/2: Hanoi=3\nSEOUL 2/2: Seoul=2\n", "got %s", got);
}

Test(suggest, documents_are_counted_once)
{
	/* two aliases in one document count one document */
	const char *t[] = { "we saw Donald Trump meet Trump, Trump.", "we saw Trump.", NULL };
	EXPECT(t, "DONALD_TRUMP 4/2: Donald Trump=1|Trump=3\n");
	/* a sentence of names and stop words only is a headline: "Donald"
	 * and "Trump" need confirmation; "Trump" has it, "Donald" not */
	const char *t2[] = { "Donald Trump and Trump, Trump.", "we saw Trump.", NULL };
	EXPECT(t2, "TRUMP 4/2: Trump=4\n");
}

Test(suggest, call_order)
{
	ngidx_suggest *s;
	cr_assert_eq(ngidx_suggest_create(&s, NULL), NGIDX_OK);
	cr_assert_eq(ngidx_suggest_feed(s, "we saw Hanoi.", 13), NGIDX_OK);
	const ngidx_suggest_actor *a;
	size_t n;
	cr_assert_eq(ngidx_suggest_finish(s, &a, &n), NGIDX_OK);
	cr_assert_eq(n, 0); /* min_count 3 */
	cr_assert_eq(ngidx_suggest_feed(s, "x", 1), NGIDX_ERR_ARG);
	cr_assert_eq(ngidx_suggest_finish(s, &a, &n), NGIDX_ERR_ARG);
	cr_assert_eq(ngidx_suggest_get_stats(s)->docs, 1);
	cr_assert_eq(ngidx_suggest_get_stats(s)->bytes, 13);
	cr_assert_eq(ngidx_suggest_get_stats(s)->occurrences, 1);
	ngidx_suggest_free(s);
}

Test(suggest, invalid_bytes_separate)
{
	/* an invalid byte or a NUL inside a name ends it */
	const char t1[] = "we saw Kim\xFFJong and Kim\0Jong.";
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	o.min_count = 1;
	ngidx_suggest *s;
	cr_assert_eq(ngidx_suggest_create(&s, &o), NGIDX_OK);
	cr_assert_eq(ngidx_suggest_feed(s, t1, sizeof t1 - 1), NGIDX_OK);
	const ngidx_suggest_actor *a;
	size_t n;
	cr_assert_eq(ngidx_suggest_finish(s, &a, &n), NGIDX_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(a[0].id, "JONG");
	cr_assert_eq(a[0].occurrences, 2);
	cr_assert_str_eq(a[1].id, "KIM");
	ngidx_suggest_free(s);
}

Test(suggest, inputs_like_build, .init = fixture_setup, .fini = fixture_teardown)
{
	static const char a_txt[] = "We saw Kim Jong-un in Hanoi.\n\nKim Jong-un left Hanoi.";
	static const char b_jsonl[] = "{\"id\":1,\"body\":\"we saw Hanoi and Kim Jong Un.\"}\n{bad json\n"
	                              "{\"id\":2,\"body\":\"we saw Hanoi.\"}\n";
	cr_assert_eq(mkdir(tp("c"), 0755), 0);
	write_file(tp("c/a.txt"), a_txt, sizeof a_txt - 1);
	write_file(tp("c/b.jsonl"), b_jsonl, sizeof b_jsonl - 1);
	ngidx_suggest *s;
	cr_assert_eq(ngidx_suggest_create(&s, NULL), NGIDX_OK);
	const char *in[] = { tp("c") };
	ngidx_suggest_input o = { 0 };
	o.text_field = "body";
	ngidx_error e = { 0 };
	cr_assert_eq(ngidx_suggest_feed_inputs(s, in, 1, &o, &e), NGIDX_OK, "%s", e.msg);
	const ngidx_suggest_stats *st = ngidx_suggest_get_stats(s);
	cr_assert_eq(st->docs, 3); /* a.txt (text field of jsonl only), 2 lines */
	cr_assert_eq(st->skipped, 1);
	const ngidx_suggest_actor *a;
	size_t n;
	cr_assert_eq(ngidx_suggest_finish(s, &a, &n), NGIDX_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(a[0].id, "HANOI");
	cr_assert_eq(a[0].occurrences, 4);
	cr_assert_eq(a[0].documents, 3);
	cr_assert_str_eq(a[1].id, "KIM_JONG_UN");
	cr_assert_eq(a[1].occurrences, 3);
	cr_assert_str_eq(a[1].aliases[0].text, "Kim Jong-un");
	ngidx_suggest_free(s);
	/* strict: the bad line fails */
	cr_assert_eq(ngidx_suggest_create(&s, NULL), NGIDX_OK);
	o.strict = 1;
	cr_assert_eq(ngidx_suggest_feed_inputs(s, in, 1, &o, &e), NGIDX_ERR_INPUT);
	ngidx_suggest_free(s);
}

/* ---- allocation failures ---------------------------------------------------- */


Test(suggest, allocation_failures)
{
	static const char *const t[] = {
		"We saw Kim Jong-un, Kim, Donald Trump and Trump in Hanoi. Kim left.",
		"KIM JONG-UN MET TRUMP. Huang Jing said so. we saw \xC3\x89mile, Kim Yo-jong and Kim.",
	};
	ngidx_allocator al = { fa_malloc, fa_realloc, fa_free, NULL };
	ngidx_set_allocator(&al);
	ngidx_suggest_opts o;
	ngidx_suggest_opts_init(&o);
	o.min_count = 1;
	long k;
	for (k = 1; k < 100000; k++) {
		FA.fail_at = k;
		FA.calls = 0;
		FA.live = 0;
		ngidx_suggest *s = NULL;
		int rc = ngidx_suggest_create(&s, &o);
		for (size_t i = 0; i < 2 && !rc; i++)
			rc = ngidx_suggest_feed(s, t[i], strlen(t[i]));
		const ngidx_suggest_actor *a = NULL;
		size_t n = 0;
		if (!rc)
			rc = ngidx_suggest_finish(s, &a, &n);
		ngidx_suggest_free(s);
		cr_assert_eq(FA.live, 0, "allocation %ld failed: %ld blocks leaked", k, FA.live);
		if (FA.calls < k) {
			cr_assert_eq(rc, NGIDX_OK);
			cr_assert_gt(n, 3);
			break;
		}
		cr_assert_eq(rc, NGIDX_ERR_NOMEM, "allocation %ld: rc %d", k, rc);
	}
	ngidx_set_allocator(NULL);
	cr_assert_gt(k, 10);
}
