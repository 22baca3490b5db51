/*
 * tests/unit/failalloc.h: make the library's allocations fail on purpose.
 *
 * Unit tests link with -Wl,--wrap=malloc,calloc,realloc,reallocarray, so
 * every allocation made by the library (and the test) goes through here.
 */
#ifndef LF_TEST_FAILALLOC_H
#define LF_TEST_FAILALLOC_H

#include <stddef.h>

/* Let n more allocations succeed, then fail every one until _off(). */
void failalloc_after(long n);

/* Stop failing. */
void failalloc_off(void);

/* Allocations attempted since the last failalloc_after() or _off(). */
long failalloc_count(void);

#endif
