/*
 * lf_partial.c: message/partial fragments, gathered by id.
 *
 * Fragments are few; a list searched by id, sorted when asked, is enough.
 * A fragment names its total only in the last one (RFC 2046 5.2.2): the
 * total is whichever fragment gave it, and every number from 1 to it
 * must be there.
 */
#include <stdlib.h>
#include <string.h>

#include "lf/partial.h"
#include "lf/text.h"

struct fragment {
	char *id;
	long number;
	long total; /* 0 when this fragment does not say */
	uint8_t sha256[32];
	size_t seen; /* order of the id's first fragment */
};

struct lf_partials {
	const struct lf_limits *lim;
	struct fragment *v;
	size_t n, cap;
	size_t ids;
};

int
lf_partials_new(const struct lf_limits *limits, struct lf_partials **out,
    struct lf_error *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "partials");
	(*out)->lim = limits;
	return LF_OK;
}

static struct fragment *
find(struct lf_partials *ps, const char *id, long number)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].id, id) == 0 &&
		    (number == 0 || ps->v[i].number == number))
			return &ps->v[i];
	}
	return NULL;
}

static int
add(struct lf_partials *ps, const char *id, long number, long total,
    const char *hex, struct lf_error *err)
{
	struct fragment *f, *same = find(ps, id, 0);
	uint8_t sha[32];

	if (lf_hex_decode(hex, strlen(hex), sha, sizeof(sha)) != 32 ||
	    find(ps, id, number) != NULL)
		return LF_OK;
	if (ps->n >= ps->lim->mime_parts)
		return lf_error_set(err, LF_E_LIMIT,
		    "more message/partial fragments than limit mime-parts");
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 16;
		f = reallocarray(ps->v, ncap, sizeof(*f));
		if (f == NULL)
			return lf_error_set(err, LF_E_NOMEM, "partials");
		ps->v = f;
		ps->cap = ncap;
	}
	f = &ps->v[ps->n];
	if ((f->id = strdup(id)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "partials");
	f->number = number;
	f->total = total;
	memcpy(f->sha256, sha, 32);
	f->seen = same != NULL ? same->seen : ps->ids++;
	ps->n++;
	return LF_OK;
}

int
lf_partials_note(struct lf_partials *ps, const json_t *report,
    struct lf_error *err)
{
	const json_t *p, *pr, *obj, *id;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(report, "parts"), i, p)
	{
		pr = json_object_get(p, "partial");
		obj = json_object_get(p, "object");
		id = json_object_get(pr, "id");
		if (!json_is_string(id) || !json_is_object(obj) ||
		    !json_is_integer(json_object_get(pr, "number")))
			continue;
		if ((rc = add(ps, json_string_value(id),
		         (long)json_integer_value(
		             json_object_get(pr, "number")),
		         (long)json_integer_value(json_object_get(pr, "total")),
		         json_string_value(json_object_get(obj, "sha256")) !=
		                 NULL ?
		             json_string_value(json_object_get(obj, "sha256")) :
		             "",
		         err)) != LF_OK)
			return rc;
	}
	return LF_OK;
}

static int
by_id_then_number(const void *a, const void *b)
{
	const struct fragment *x = a, *y = b;

	if (x->seen != y->seen)
		return x->seen < y->seen ? -1 : 1;
	return (x->number > y->number) - (x->number < y->number);
}

int
lf_partials_each_complete(const struct lf_partials *ps,
    int (*fn)(void *arg, const char *id, const uint8_t (*sha256)[32],
        size_t count),
    void *arg)
{
	struct fragment *v;
	uint8_t(*shas)[32];
	size_t i, j, k;
	long total;
	int rc = 0;

	if (ps->n == 0)
		return 0;
	if ((v = malloc(ps->n * sizeof(*v))) == NULL ||
	    (shas = malloc(ps->n * sizeof(*shas))) == NULL) {
		free(v);
		return LF_E_NOMEM;
	}
	memcpy(v, ps->v, ps->n * sizeof(*v));
	qsort(v, ps->n, sizeof(*v), by_id_then_number);
	for (i = 0; i < ps->n && rc == 0; i = j) {
		total = 0;
		for (j = i; j < ps->n && v[j].seen == v[i].seen; j++)
			if (v[j].total > total)
				total = v[j].total;
		if (total == 0 || (long)(j - i) != total)
			continue;
		for (k = i; k < j && v[k].number == (long)(k - i) + 1; k++)
			memcpy(shas[k - i], v[k].sha256, 32);
		if (k == j)
			rc = fn(arg, v[i].id, shas, j - i);
	}
	free(shas);
	free(v);
	return rc;
}

void
lf_partials_free(struct lf_partials *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		free(ps->v[i].id);
	free(ps->v);
	free(ps);
}
