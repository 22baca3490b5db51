/*
 * lf_psl.c: the Public Suffix List and organizational domains.
 *
 * Rules are kept as written ("com", "*.ck", "!www.ck"), lowercased, in one
 * sorted array, and looked up by the candidate keys a name gives: for
 * each of its suffixes, the suffix itself, "*." and the suffix one label
 * shorter, and "!" and the suffix.  The algorithm is the list's own
 * (publicsuffix.org/list): an exception rule prevails, else the rule with
 * the most labels, else "*".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/psl.h"

#define FILE_MAX (16 * 1024 * 1024)
#define LABELS_MAX 128

struct lf_psl {
	char **rules; /* sorted, owned */
	size_t count;
	char *text; /* the rules' storage */
};

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
lf_psl_parse(const char *text, size_t n, struct lf_psl **out,
    struct lf_error *err)
{
	struct lf_psl *p;
	size_t i, lines = 1, start;
	char *t;

	if (out == NULL || (text == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "psl: bad call");
	for (i = 0; i < n; i++)
		lines += text[i] == '\n';
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->text = malloc(n + 1)) == NULL ||
	    (p->rules = calloc(lines, sizeof(*p->rules))) == NULL) {
		lf_psl_free(p);
		return lf_error_set(err, LF_E_NOMEM, "psl");
	}
	t = p->text;
	for (i = 0; i < n; i++)
		t[i] = lower(text[i]);
	t[n] = '\0';
	for (start = 0; start < n; start = i + 1) {
		size_t e;
		for (i = start; i < n && t[i] != '\n'; i++)
			;
		/* A rule is the line's first word; "//" lines are notes. */
		for (e = start;
		     e < i && t[e] != ' ' && t[e] != '\t' && t[e] != '\r'; e++)
			;
		t[e] = '\0';
		if (e == start ||
		    (e - start >= 2 && t[start] == '/' && t[start + 1] == '/'))
			continue;
		p->rules[p->count++] = t + start;
	}
	if (p->count == 0) {
		lf_psl_free(p);
		return lf_error_set(err, LF_E_FORMAT, "psl: no rule");
	}
	qsort(p->rules, p->count, sizeof(*p->rules), by_string);
	*out = p;
	return LF_OK;
}

int
lf_psl_load(const char *path, struct lf_psl **out, struct lf_error *err)
{
	char *buf;
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "re")) == NULL)
		return lf_error_sys(err, errno, "%s", path);
	if ((buf = malloc(FILE_MAX + 1)) == NULL) {
		fclose(fp);
		return lf_error_set(err, LF_E_NOMEM, "psl");
	}
	n = fread(buf, 1, FILE_MAX + 1, fp);
	if (ferror(fp))
		rc = lf_error_sys(err, errno, "%s", path);
	else if (n > FILE_MAX)
		rc = lf_error_set(err, LF_E_FORMAT, "%s: larger than 16 MiB",
		    path);
	else if ((rc = lf_psl_parse(buf, n, out, err)) != LF_OK)
		lf_error_prefix(err, "%s", path);
	free(buf);
	fclose(fp);
	return rc;
}

void
lf_psl_free(struct lf_psl *p)
{
	if (p == NULL)
		return;
	free(p->rules);
	free(p->text);
	free(p);
}

static bool
has(const struct lf_psl *p, const char *prefix, const char *name)
{
	char key[LF_PSL_DOMAIN_MAX + 4];
	const char *k = key;

	if (snprintf(key, sizeof(key), "%s%s", prefix, name) >=
	    (int)sizeof(key))
		return false;
	return bsearch(&k, p->rules, p->count, sizeof(*p->rules), by_string) !=
	    NULL;
}

size_t
lf_psl_org_domain(const struct lf_psl *p, const char *domain, size_t n,
    char out[LF_PSL_DOMAIN_MAX + 1])
{
	char name[LF_PSL_DOMAIN_MAX + 1];
	size_t label[LABELS_MAX]; /* where each label starts */
	size_t nlabels = 0, i, suffix = 0;
	bool found = false;

	out[0] = '\0';
	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n > LF_PSL_DOMAIN_MAX || memchr(domain, '\0', n) != NULL)
		return 0;
	for (i = 0; i < n; i++) {
		name[i] = lower(domain[i]);
		if (i == 0 || name[i - 1] == '.') {
			if (name[i] == '.' || nlabels == LABELS_MAX)
				return 0; /* an empty label */
			label[nlabels++] = i;
		}
	}
	name[n] = '\0';
	/* An exception prevails: the suffix is the rule less its first
	 * label. */
	for (i = 0; i < nlabels && !found; i++) {
		if (has(p, "!", name + label[i])) {
			suffix = nlabels - i - 1;
			found = true;
		}
	}
	/* Else the rule with the most labels, which matches first. */
	for (i = 0; i < nlabels && !found; i++) {
		if (has(p, "", name + label[i]) ||
		    (i + 1 < nlabels && has(p, "*.", name + label[i + 1]))) {
			suffix = nlabels - i;
			found = true;
		}
	}
	if (!found)
		suffix = 1; /* the rule "*" */
	if (nlabels <= suffix)
		return 0;
	i = label[nlabels - suffix - 1];
	memcpy(out, name + i, n - i + 1);
	return n - i;
}
