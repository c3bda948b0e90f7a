/*
 * ngidx/version.h - library and index format versions.
 * Ownership: nothing to own; constants and one pure function.
 */
#ifndef NGIDX_VERSION_H
#define NGIDX_VERSION_H

#include "errors.h"

#define NGIDX_VERSION_MAJOR 0
#define NGIDX_VERSION_MINOR 1
#define NGIDX_VERSION_PATCH 0
#define NGIDX_VERSION_NUMBER                                                  \
	(NGIDX_VERSION_MAJOR * 10000 + NGIDX_VERSION_MINOR * 100 + NGIDX_VERSION_PATCH)
#define NGIDX_VERSION_STRING "0.1.0"

/* Index file format: a reader refuses any other major (an older one must be
 * rebuilt); minors only add. */
#define NGIDX_FORMAT_MAJOR 2
#define NGIDX_FORMAT_MINOR 0

#ifdef __cplusplus
extern "C" {
#endif
/* @return NGIDX_VERSION_NUMBER of the linked library. Thread-safe. */
NGIDX_API unsigned ngidx_version_number(void);
#ifdef __cplusplus
}
#endif
#endif
