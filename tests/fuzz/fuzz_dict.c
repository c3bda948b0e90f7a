/*
 * fuzz_dict.c - the actor dictionary parser (actors/dict.h) on arbitrary
 * bytes written to a file, then the matcher on what loads.
 *
 * A file that fails to load must fail with NGIDX_ERR_INPUT and a message
 * naming the file. A dictionary that loads must be consistent: actors'
 * alias ranges tile the alias array in order; every id is non-empty and
 * made of [A-Za-z0-9_.:-]; every alias has 1..ACTOR_MAX_ALIAS_TOKENS tokens
 * and its key is its text analyzed, tokens joined by single spaces; no key
 * belongs to two aliases. Matching then runs on each alias's own text
 * (longest match first, so it must find that alias's actor over exactly its
 * tokens at token 0), on the whole input analyzed as one document, and on
 * a few fixed sentences; every mention must lie inside the document, in
 * token order, without overlap, in the right sentence, and its tokens must
 * join to the key of one of its actor's aliases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "actors/dict.h"
#include "text/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_check.h"

/* Aliases whose own text is matched (each costs one analysis). */
#define SELF_MATCH_MAX 256

static int id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '-';
}

/* Tokens [from, from + n) of @t joined by single spaces equal @key? */
static int tokens_are(const ngidx_tokens *t, size_t from, size_t n, const char *key,
                      size_t key_len)
{
	size_t o = 0;
	for (size_t i = from; i < from + n; i++) {
		size_t l;
		const char *s = ngidx_tok(t, i, &l);
		if (i > from) {
			if (o >= key_len || key[o] != ' ')
				return 0;
			o++;
		}
		if (l > key_len - o || memcmp(key + o, s, l))
			return 0;
		o += l;
	}
	return o == key_len;
}

static void check_mentions(const actor_dict *d, const ngidx_tokens *t, const actor_scratch *s)
{
	size_t na = actor_dict_nactors(d), next = 0;
	for (size_t i = 0; i < s->nm; i++) {
		const actor_mention *m = &s->m[i];
		CHECK(m->actor < na);
		CHECK(m->len >= 1 && m->len <= ACTOR_MAX_ALIAS_TOKENS);
		CHECK(m->start >= next && m->start + (size_t)m->len <= t->ntok);
		next = m->start + m->len;
		if (t->nsent) {
			CHECK(m->sent < t->nsent && t->sent[m->sent] <= m->start);
			CHECK(m->sent + 1 == t->nsent || t->sent[m->sent + 1] > m->start);
		}
		const actor_entry *e = actor_dict_actor(d, m->actor);
		int found = 0;
		for (uint32_t k = 0; k < e->naliases && !found; k++) {
			const actor_alias *al = actor_dict_alias(d, e->first_alias + k);
			found = al->ntok == m->len && tokens_are(t, m->start, m->len, al->key, al->key_len);
		}
		CHECK(found);
	}
}

static void match_text(const actor_dict *d, ngidx_tokens *t, actor_scratch *s, const char *p,
                       size_t n)
{
	if (ngidx_analyze(t, p, n, NGIDX_AN_SENTENCES))
		return; /* 4 GiB or more: cannot happen here */
	CHECK(actor_match(d, t, s) == NGIDX_OK);
	check_mentions(d, t, s);
}

static void check_dict(const actor_dict *d, const uint8_t *data, size_t size)
{
	static const char *const texts[] = {
		"Kim Jong-un met Donald Trump in Hanoi. The United States and North Korea "
		"did not agree; China watched.",
		"the the the of of a",
		"",
	};
	size_t na = actor_dict_nactors(d), nal = 0;
	for (size_t a = 0; a < na; a++) {
		const actor_entry *e = actor_dict_actor(d, (uint32_t)a);
		CHECK(e->first_alias == nal);
		CHECK(e->naliases >= 1);
		CHECK(e->id_len >= 1 && strlen(e->id) == e->id_len);
		for (size_t i = 0; i < e->id_len; i++)
			CHECK(id_char((unsigned char)e->id[i]));
		CHECK(e->type[e->type_len] == '\0'); /* a type may hold any valid UTF-8, NUL too */
		nal += e->naliases;
	}
	ngidx_tokens t;
	ngidx_tokens_init(&t);
	actor_scratch s = { 0 };
	for (size_t i = 0; i < nal; i++) {
		const actor_alias *al = actor_dict_alias(d, (uint32_t)i);
		const actor_entry *e = actor_dict_actor(d, al->actor);
		CHECK(al->actor < na && i >= e->first_alias && i < e->first_alias + e->naliases);
		CHECK(al->ntok >= 1 && al->ntok <= ACTOR_MAX_ALIAS_TOKENS);
		CHECK(al->text_len >= 1 && al->key_len >= 1 && strlen(al->key) == al->key_len);
		CHECK(ngidx_analyze(&t, al->text, al->text_len, 0) == NGIDX_OK);
		CHECK(t.ntok == al->ntok && tokens_are(&t, 0, t.ntok, al->key, al->key_len));
		if (i < SELF_MATCH_MAX) {
			for (size_t j = 0; j < i && j < SELF_MATCH_MAX; j++) {
				const actor_alias *b = actor_dict_alias(d, (uint32_t)j);
				CHECK(b->key_len != al->key_len || memcmp(b->key, al->key, al->key_len));
			}
			match_text(d, &t, &s, al->text, al->text_len);
			CHECK(s.nm >= 1 && s.m[0].start == 0 && s.m[0].len == al->ntok &&
			      s.m[0].actor == al->actor);
		}
	}
	match_text(d, &t, &s, (const char *)data, size);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		match_text(d, &t, &s, texts[i], strlen(texts[i]));
	actor_scratch_release(&s);
	ngidx_tokens_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/ngidx-fuzz-dict-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	const char *paths[1] = { path };
	actor_dict *d = NULL;
	ngidx_error e = { 0 };
	int rc = actor_dict_load(&d, paths, 1, &e);
	if (rc == NGIDX_OK) {
		check_dict(d, data, size);
		actor_dict_free(d);
	} else {
		CHECK(rc == NGIDX_ERR_INPUT);
		CHECK(strncmp(e.msg, path, strlen(path)) == 0);
	}
	unlink(path);
	return 0;
}
