/*
 * fuzz_check.h - CHECK(c) for the fuzz targets: a property that must hold
 * for every input; a failure names the file, line and condition and aborts,
 * so that libFuzzer keeps the input as a crash.
 */
#ifndef NGIDX_FUZZ_CHECK_H
#define NGIDX_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                  \
	do {                                                                      \
		if (!(c)) {                                                       \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
			        #c);                                              \
			abort();                                                  \
		}                                                                 \
	} while (0)

#endif
