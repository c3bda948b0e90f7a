/*
 * err.h - internal helpers to set an ngidx_error and return its code.
 *
 * Ownership: the error is caller-owned; a NULL error pointer is accepted
 * everywhere and means "the caller only wants the code".
 */
#ifndef NGIDX_COMMON_ERR_H
#define NGIDX_COMMON_ERR_H

#include <stddef.h>
#include "ngidx/errors.h"

#if defined(__GNUC__)
#define NGIDX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NGIDX_LIKELY(x) __builtin_expect(!!(x), 1)
#define NGIDX_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define NGIDX_PRINTF(f, a)
#define NGIDX_LIKELY(x) (x)
#define NGIDX_UNLIKELY(x) (x)
#endif

/*
 * ngidx_err_set - format a message into @e (if non-NULL) and return @code.
 * In debug builds (NGIDX_DEBUG) the message is suffixed with the source
 * file and line that raised it, which is what ERR_CORRUPT relies on.
 */
int ngidx_err_set(ngidx_error *e, int code, const char *fmt, ...) NGIDX_PRINTF(3, 4);

/* Append ": <strerror(errnum)>" style context: "cannot open 'x': reason". */
int ngidx_err_errno(ngidx_error *e, int errnum, const char *fmt, ...) NGIDX_PRINTF(3, 4);

/* Return @code with the message, from the current function, if @cond. */
#define RETURN_ERROR_IF(cond, e, code, ...)                                   \
	do {                                                                  \
		if (NGIDX_UNLIKELY(cond))                                     \
			return ngidx_err_set((e), (code), __VA_ARGS__);       \
	} while (0)

/* Propagate a non-zero status unchanged (the callee already filled @e). */
#define FORWARD_IF_ERROR(expr)                                                \
	do {                                                                  \
		int fwd_rc_ = (expr);                                         \
		if (NGIDX_UNLIKELY(fwd_rc_ != 0))                             \
			return fwd_rc_;                                       \
	} while (0)

/*
 * A corrupt index: the message records the source line that noticed, so two
 * reports of "corrupt postings" can be told apart.
 */
#define ERR_CORRUPT(e, ...)                                                   \
	ngidx_err_set((e), NGIDX_ERR_CORRUPT, __VA_ARGS__)

/* Defensive checks that should never fire on a valid index (SQLite). */
#define NGIDX_ALWAYS(x) (x)
#define NGIDX_NEVER(x) (x)

#endif
