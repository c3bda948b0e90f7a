/*
 * spool.c - lines too long to hold in memory (see spool.h).
 *
 * The file is anonymous (O_TMPFILE, or unlinked at once where that is not
 * supported), so a build that dies leaves nothing behind. Bytes go through
 * a buffer of SPOOL_BUF; each flush checks the buffered bytes for NUL and
 * invalid UTF-8 and holds back a sequence that the next bytes may complete.
 */
#include "spool.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/mem.h"
#include "text/analyze.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPOOL_BUF ((size_t)1 << 16)

void spool_init(spool *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->bad = UINT64_MAX;
}

void spool_release(spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	ngidx_free(s->buf);
	spool_init(s);
}

int spool_take(spool *s)
{
	int fd = s->fd;
	s->fd = -1;
	return fd;
}

int spool_open(spool *s, const char *dir, ngidx_error *err)
{
	if (!dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if (s->fd >= 0)
		close(s->fd);
	s->len = s->flushed = 0;
	s->n = 0;
	s->bad = UINT64_MAX;
	s->bad_nul = 0;
	if (!s->buf && !(s->buf = ngidx_malloc(SPOOL_BUF)))
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->cap = SPOOL_BUF;
#ifdef O_TMPFILE
	s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->fd >= 0)
		return NGIDX_OK;
#endif
	char *path = ngidx_strdupf("%s/.ngidx-spool-XXXXXX", dir);
	if (!path)
		return ngidx_err_set(err, NGIDX_ERR_NOMEM, "out of memory");
	s->fd = mkstemp(path);
	int e = errno;
	if (s->fd >= 0)
		unlink(path);
	ngidx_free(path);
	if (s->fd < 0)
		return ngidx_err_errno(err, e, "cannot create a temporary file in '%s'", dir);
	return NGIDX_OK;
}

/* Bytes at the end of buf[0, n) that may begin an incomplete sequence. */
static size_t incomplete_tail(const char *b, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = (unsigned char)b[n - k];
		if ((c & 0xc0) == 0x80)
			continue;
		size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

static int flush(spool *s, int final, ngidx_error *err)
{
	size_t hold = final ? 0 : incomplete_tail(s->buf, s->n);
	size_t k = s->n - hold;
	if (s->bad == UINT64_MAX) {
		const char *z = memchr(s->buf, 0, k);
		size_t lim = z ? (size_t)(z - s->buf) : k;
		size_t u = ngidx_utf8_check(s->buf, lim);
		if (u < k) {
			s->bad = s->flushed + u;
			s->bad_nul = u == lim;
		}
	}
	for (size_t o = 0; o < k;) {
		ssize_t w = pwrite(s->fd, s->buf + o, k - o, (off_t)(s->flushed + o));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ngidx_err_errno(err, w < 0 ? errno : ENOSPC,
			                       "cannot write a temporary file");
		o += (size_t)w;
	}
	s->flushed += k;
	memmove(s->buf, s->buf + k, hold);
	s->n = hold;
	return NGIDX_OK;
}

int spool_put(spool *s, const void *p, size_t n, ngidx_error *err)
{
	const char *q = p;
	while (n) {
		if (s->n == s->cap)
			FORWARD_IF_ERROR(flush(s, 0, err));
		size_t k = s->cap - s->n < n ? s->cap - s->n : n;
		memcpy(s->buf + s->n, q, k);
		s->n += k;
		s->len += k;
		q += k;
		n -= k;
	}
	return NGIDX_OK;
}

int spool_finish(spool *s, size_t trim, ngidx_error *err)
{
	/* The last bytes may already be on disk: trimming is a truncation. */
	if (trim > s->len)
		trim = (size_t)s->len;
	s->len -= trim;
	if (trim <= s->n) {
		s->n -= trim;
		return flush(s, 1, err);
	}
	FORWARD_IF_ERROR(flush(s, 1, err));
	if (ftruncate(s->fd, (off_t)s->len) != 0)
		return ngidx_err_errno(err, errno, "cannot truncate a temporary file");
	s->flushed = s->len;
	if (s->bad != UINT64_MAX && s->bad >= s->len)
		s->bad = UINT64_MAX;
	return NGIDX_OK;
}

/* -------------------------------------------------------------------- JSON */

enum { J_OTHER = 0, J_KEY, J_TEXT_KEY, J_TEXT_VALUE };

void jscan_init(jscan *j, const char *field, size_t field_len)
{
	memset(j, 0, sizeof *j);
	j->field = field;
	j->field_len = field_len;
	jscan_reset(j);
}

void jscan_release(jscan *j)
{
	ngidx_free(j->line);
	j->line = NULL;
	j->cap = j->len = 0;
}

void jscan_reset(jscan *j)
{
	j->len = 0;
	j->value_off = SIZE_MAX;
	j->raw = j->value_raw = j->value_end = 0;
	j->err = NULL;
	j->err_off = 0;
	j->depth = j->in_str = j->esc = 0;
	j->state = J_OTHER;
	j->u = j->hi = 0;
	j->nhex = 0;
	j->spooling = j->spooled = 0;
	j->key_start = 0;
}

static int keep(jscan *j, const char *p, size_t n)
{
	if (NGIDX_RESERVE(j->line, j->cap, j->len + n))
		return NGIDX_ERR_NOMEM;
	memcpy(j->line + j->len, p, n);
	j->len += n;
	return NGIDX_OK;
}

static int put_utf8(spool *s, uint32_t cp, ngidx_error *err)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return spool_put(s, b, n, err);
}

static int bad(jscan *j, size_t i, const char *why)
{
	j->err = why;
	j->err_off = j->raw + i;
	return NGIDX_ERR_INPUT;
}

/* One byte of an escape in the spooled string: after '\\' (esc 1) or a
 * hex digit of \uXXXX (esc 2). */
static int escape_byte(jscan *j, spool *s, size_t i, unsigned char b, ngidx_error *err)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (j->esc == 1) {
		if (b == 'u') {
			j->esc = 2;
			j->nhex = 0;
			j->u = 0;
			return NGIDX_OK;
		}
		const char *k = b ? strchr(from, b) : NULL;
		if (!k)
			return bad(j, i, "invalid escape in string");
		if (j->hi)
			return bad(j, i, "unpaired surrogate in string");
		j->esc = 0;
		return spool_put(s, &to[k - from], 1, err);
	}
	int v = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10
	        : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
	if (v < 0)
		return bad(j, i, "invalid \\u escape in string");
	j->u = j->u << 4 | (uint32_t)v;
	if (++j->nhex < 4)
		return NGIDX_OK;
	j->esc = 0;
	uint32_t u = j->u;
	if (j->hi) {
		if (u < 0xdc00 || u > 0xdfff)
			return bad(j, i, "unpaired surrogate in string");
		u = 0x10000 + ((j->hi - 0xd800) << 10) + (u - 0xdc00);
		j->hi = 0;
	} else if (u >= 0xd800 && u <= 0xdbff) {
		j->hi = u;
		return NGIDX_OK;
	} else if (u >= 0xdc00 && u <= 0xdfff) {
		return bad(j, i, "unpaired surrogate in string");
	}
	return put_utf8(s, u, err);
}

/* Bytes p[*i..) of the spooled string, up to its closing quote. */
static int spool_string(jscan *j, spool *s, const char *p, size_t n, size_t *i, ngidx_error *err)
{
	while (*i < n) {
		if (j->esc) {
			FORWARD_IF_ERROR(escape_byte(j, s, *i, (unsigned char)p[*i], err));
			++*i;
			continue;
		}
		size_t k = *i;
		while (k < n && p[k] != '"' && p[k] != '\\' && ((unsigned char)p[k] >= 0x20 || !p[k]))
			k++;
		if (k > *i && j->hi)
			return bad(j, *i, "unpaired surrogate in string");
		FORWARD_IF_ERROR(spool_put(s, p + *i, k - *i, err));
		*i = k;
		if (k == n)
			return NGIDX_OK;
		unsigned char b = (unsigned char)p[k];
		if (b < 0x20)
			return bad(j, k, "control character in string");
		++*i;
		if (b == '\\') {
			j->esc = 1;
			continue;
		}
		if (j->hi) /* the closing quote */
			return bad(j, k, "unpaired surrogate in string");
		j->spooling = 0;
		j->spooled = 1;
		j->value_end = j->raw + k + 1;
		j->in_str = 0;
		j->state = J_OTHER;
		return keep(j, "\"", 1);
	}
	return NGIDX_OK;
}

/* A string other than the spooled one ends: a key decides the state. */
static void string_end(jscan *j)
{
	j->in_str = 0;
	if (j->depth == 1 && j->state == J_KEY) {
		size_t kl = j->len - 1 - j->key_start;
		j->state = kl == j->field_len && !memcmp(j->line + j->key_start, j->field, kl)
		                   ? J_TEXT_KEY
		                   : J_OTHER;
	} else if (j->depth == 1 && j->state == J_TEXT_VALUE) {
		j->state = J_OTHER;
	}
}

int jscan_feed(jscan *j, spool *s, const char *p, size_t n, ngidx_error *err)
{
	size_t i = 0;
	int rc = NGIDX_OK;
	while (i < n && !rc) {
		if (j->spooling) {
			rc = spool_string(j, s, p, n, &i, err);
			continue;
		}
		/* Copy up to the next byte that matters to the lexer. */
		size_t k = i;
		if (j->in_str) {
			while (k < n && (j->esc || (p[k] != '"' && p[k] != '\\'))) {
				j->esc = 0;
				k++;
			}
		}
		if (k > i) {
			rc = keep(j, p + i, k - i);
			i = k;
			continue;
		}
		unsigned char b = (unsigned char)p[i];
		if (j->in_str) {
			rc = keep(j, p + i, 1);
			i++;
			if (b == '\\')
				j->esc = 1;
			else
				string_end(j);
			continue;
		}
		if (b == '"' && j->depth == 1 && j->state == J_TEXT_VALUE && !j->spooled) {
			j->value_off = j->len;
			j->value_raw = j->raw + i;
			j->spooling = 1;
			rc = keep(j, p + i, 1);
			i++;
			continue;
		}
		switch (b) {
		case '"':
			j->in_str = 1;
			j->key_start = j->len + 1;
			break;
		case '{': case '[':
			j->state = ++j->depth == 1 && b == '{' ? J_KEY : J_OTHER;
			break;
		case '}': case ']':
			j->depth--;
			break;
		case ',':
			if (j->depth == 1)
				j->state = J_KEY;
			break;
		case ':':
			if (j->depth == 1 && j->state == J_TEXT_KEY)
				j->state = J_TEXT_VALUE;
			break;
		case ' ': case '\t': case '\r': case '\n':
			break;
		default:
			if (j->depth == 1)
				j->state = J_OTHER;
		}
		rc = keep(j, p + i, 1);
		i++;
	}
	j->raw += i;
	return rc == NGIDX_ERR_NOMEM ? ngidx_err_set(err, rc, "out of memory") : rc;
}
