/*
 * tests/unit/corpora.h: where the shared test corpora are.
 *
 * ../shared/corpora beside the repository: LF_CORPORA, or LF_TOP (set by
 * tests/run.sh) + /../shared/corpora, or ../shared/corpora from the
 * current directory, or /work/shared/corpora.  Missing is a failure,
 * never a skip.  Include after <cmocka.h>.
 */
#ifndef LF_TEST_CORPORA_H
#define LF_TEST_CORPORA_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool
corpora_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The corpora directory; static storage. */
static const char *
corpora_dir(void)
{
	static char corpora[1024];
	const char *env;

	if ((env = getenv("LF_CORPORA")) != NULL) {
		snprintf(corpora, sizeof(corpora), "%s", env);
		if (!corpora_is_dir(corpora))
			fail_msg("LF_CORPORA=%s is not a directory", env);
		return corpora;
	}
	if ((env = getenv("LF_TOP")) != NULL) {
		snprintf(corpora, sizeof(corpora), "%s/../shared/corpora", env);
		if (corpora_is_dir(corpora))
			return corpora;
	}
	snprintf(corpora, sizeof(corpora), "../shared/corpora");
	if (corpora_is_dir(corpora))
		return corpora;
	snprintf(corpora, sizeof(corpora), "/work/shared/corpora");
	if (corpora_is_dir(corpora))
		return corpora;
	fail_msg("corpus directory not found: set LF_CORPORA or put "
	         "shared/corpora beside the repository");
	return NULL;
}

/*
 * A header sample of corpora/headers into buf (NUL-terminated), its "#"
 * notes left out; returns its length.
 */
static inline size_t
corpora_read_headers(const char *file, char *buf, size_t size)
{
	char path[2048];
	size_t n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/headers/%s", corpora_dir(), file);
	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	buf[0] = '\0';
	while (size - n > 1 && fgets(buf + n, (int)(size - n), fp) != NULL) {
		if (buf[n] != '#')
			n += strlen(buf + n);
	}
	buf[n] = '\0';
	fclose(fp);
	return n;
}

#endif
