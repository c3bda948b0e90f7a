/*
 * err.c - error messages.
 *
 * Messages follow the house style "cannot open 'x': reason": lowercase, no
 * final period. A message longer than NGIDX_ERROR_MSG_MAX is cut, never
 * overflowed.
 */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ngidx_strerror(int code)
{
	switch (code) {
	case NGIDX_OK: return "success";
	case NGIDX_ERR_ARG: return "invalid argument";
	case NGIDX_ERR_IO: return "input/output error";
	case NGIDX_ERR_INPUT: return "malformed input";
	case NGIDX_ERR_CORRUPT: return "corrupt index";
	case NGIDX_ERR_VERSION: return "unsupported index format version";
	case NGIDX_ERR_NOMEM: return "out of memory";
	case NGIDX_ERR_NOSPACE: return "no space left on device";
	case NGIDX_ERR_NOTEXT: return "index has no stored text";
	case NGIDX_ERR_RANGE: return "out of range";
	case NGIDX_ERR_QUERY: return "malformed query";
	default: return "unknown error";
	}
}

static void vset(ngidx_error *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int ngidx_err_set(ngidx_error *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vset(e, code, fmt, ap);
		va_end(ap);
	}
	return code;
}

int ngidx_err_errno(ngidx_error *e, int errnum, const char *fmt, ...)
{
	int code = NGIDX_ERR_IO;
	if (errnum == ENOSPC || errnum == EFBIG || errnum == EDQUOT)
		code = NGIDX_ERR_NOSPACE;
	else if (errnum == ENOMEM)
		code = NGIDX_ERR_NOMEM;
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vset(e, code, fmt, ap);
		va_end(ap);
		size_t n = strlen(e->msg);
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	}
	return code;
}
