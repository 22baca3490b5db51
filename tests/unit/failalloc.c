/*
 * tests/unit/failalloc.c: allocation failure injection.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "failalloc.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t size);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t size);

static atomic_long budget = -1; /* -1: never fail */
static atomic_long attempts;

void
failalloc_after(long n)
{
	atomic_store(&attempts, 0);
	atomic_store(&budget, n);
}

void
failalloc_off(void)
{
	atomic_store(&budget, -1);
	atomic_store(&attempts, 0);
}

long
failalloc_count(void)
{
	return atomic_load(&attempts);
}

static int
should_fail(void)
{
	long b;

	atomic_fetch_add(&attempts, 1);
	b = atomic_load(&budget);
	if (b < 0)
		return 0;
	if (b == 0)
		return 1;
	atomic_fetch_sub(&budget, 1);
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return should_fail() ? NULL : __real_reallocarray(p, n, size);
}
