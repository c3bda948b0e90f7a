/*
 * ngidx/errors.h - status codes and error details of the ngidx library.
 *
 * Ownership: an ngidx_error is caller-owned storage that the library fills;
 * it holds no pointers and needs no release.
 *
 * Every library function that can fail returns an int from ngidx_status,
 * 0 meaning success, and, when the caller passes a non-NULL ngidx_error,
 * writes a one-line message naming what failed and where (file, line, byte
 * offset). The numeric values are part of the ABI: they never change, new
 * codes are only ever appended.
 */
#ifndef NGIDX_ERRORS_H
#define NGIDX_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(NGIDX_STATIC)
#define NGIDX_API __attribute__((visibility("default")))
#else
#define NGIDX_API
#endif

/* Status codes. Frozen: append only. */
typedef enum ngidx_status {
	NGIDX_OK = 0,
	NGIDX_ERR_ARG = 1,      /* invalid argument or option (usage error) */
	NGIDX_ERR_IO = 2,       /* a read, write, open or rename failed */
	NGIDX_ERR_INPUT = 3,    /* malformed input document or dictionary */
	NGIDX_ERR_CORRUPT = 4,  /* index file fails a bounds or checksum check */
	NGIDX_ERR_VERSION = 5,  /* index written by an incompatible format version */
	NGIDX_ERR_NOMEM = 6,    /* an allocation failed */
	NGIDX_ERR_NOSPACE = 7,  /* the disk (or a file size limit) is full */
	NGIDX_ERR_NOTEXT = 8,   /* the index holds no document text (--no-text) */
	NGIDX_ERR_RANGE = 9,    /* a document id or other index out of range */
	NGIDX_ERR_QUERY = 10    /* a query string does not parse */
} ngidx_status;

/* Room for a message naming a path, a position and a reason. */
#define NGIDX_ERROR_MSG_MAX 512

/* Error detail filled by library calls that fail. */
typedef struct ngidx_error {
	int code;                      /* the ngidx_status returned */
	char msg[NGIDX_ERROR_MSG_MAX]; /* lowercase, no final period */
} ngidx_error;

/*
 * ngidx_strerror - a short, static description of a status code.
 * @code: any int; unknown values get "unknown error".
 * @return: a string with static storage duration. Thread-safe.
 */
NGIDX_API const char *ngidx_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif /* NGIDX_ERRORS_H */
