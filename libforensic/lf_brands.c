/*
 * lf_brands.c: brands a display name may borrow.
 *
 * Matching is on whole words, so that "Amazonas Tours" does not name
 * Amazon and "Office 365" is two words in a row; letters outside ASCII
 * split words, which leaves names that mix alphabets to the mixed-script
 * check (lf/sender.h) rather than matching them here.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/brands.h"
#include "lf/reader.h"

#define LIST_MAX 4096 /* brands, or words, domains, labels of one */
#define WORDS_MAX 64  /* words of a display name compared */
#define WORD_MAX 64   /* bytes of a word compared */

static bool
alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Lowercase ASCII, a word at least: what "words", "domains" and
 * "labels" hold. */
static bool
plain(const char *s, bool dots, bool spaces)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		        *s == '-' || (dots && *s == '.') ||
		        (spaces && *s == ' ')))
			return false;
	return true;
}

static int
strings(const json_t *arr, bool dots, bool spaces, char ***out, size_t *n)
{
	size_t i, k = json_array_size(arr);

	if (!json_is_array(arr) || k > LIST_MAX)
		return LF_E_FORMAT;
	if (k > 0 && (*out = calloc(k, sizeof(**out))) == NULL)
		return LF_E_NOMEM;
	for (i = 0; i < k; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s == NULL || !plain(s, dots, spaces))
			return LF_E_FORMAT;
		if (((*out)[i] = strdup(s)) == NULL)
			return LF_E_NOMEM;
		(*n)++;
	}
	return LF_OK;
}

static void
free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int
parse_brand(const json_t *j, struct lf_brand *b)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *source = json_string_value(json_object_get(j, "source"));
	const json_t *labels = json_object_get(j, "labels");
	int rc;

	if (name == NULL || source == NULL)
		return LF_E_FORMAT;
	if ((b->name = strdup(name)) == NULL ||
	    (b->source = strdup(source)) == NULL)
		return LF_E_NOMEM;
	if ((rc = strings(json_object_get(j, "words"), false, true, &b->words,
	         &b->nwords)) != LF_OK ||
	    (rc = strings(json_object_get(j, "domains"), true, false,
	         &b->domains, &b->ndomains)) != LF_OK ||
	    (labels != NULL &&
	        (rc = strings(labels, false, false, &b->labels, &b->nlabels)) !=
	            LF_OK))
		return rc;
	return b->nwords > 0 && b->ndomains > 0 ? LF_OK : LF_E_FORMAT;
}

int
lf_brands_parse(const uint8_t *p, size_t n, struct lf_brands **out,
    struct lf_error *err)
{
	struct lf_brands *bs;
	json_error_t je;
	json_t *doc, *list;
	const char *format;
	size_t i;
	int rc = LF_OK;

	if (n > LF_BRANDS_FILE_MAX)
		return lf_error_set(err, LF_E_FORMAT, "brands: too large");
	if ((doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES,
	         &je)) == NULL)
		return json_error_code(&je) == json_error_out_of_memory ?
		    lf_error_set(err, LF_E_NOMEM, "brands") :
		    lf_error_set(err, LF_E_FORMAT, "brands: line %d: %s",
		        je.line, je.text);
	format = json_string_value(json_object_get(doc, "format"));
	list = json_object_get(doc, "brands");
	if (format == NULL || strcmp(format, "lf-brands") != 0 ||
	    json_integer_value(json_object_get(doc, "format_version")) != 1 ||
	    !json_is_array(list) || json_array_size(list) > LIST_MAX) {
		json_decref(doc);
		return lf_error_set(err, LF_E_FORMAT,
		    "brands: not an lf-brands list, format_version 1");
	}
	if ((bs = calloc(1, sizeof(*bs))) == NULL ||
	    (json_array_size(list) > 0 &&
	        (bs->b = calloc(json_array_size(list), sizeof(*bs->b))) ==
	            NULL)) {
		free(bs);
		json_decref(doc);
		return lf_error_set(err, LF_E_NOMEM, "brands");
	}
	for (i = 0; rc == LF_OK && i < json_array_size(list); i++) {
		bs->count++;
		rc = parse_brand(json_array_get(list, i), &bs->b[i]);
		if (rc == LF_E_FORMAT)
			rc = lf_error_set(err, LF_E_FORMAT,
			    "brands: brand %zu: want \"name\", \"source\", and "
			    "\"words\", \"domains\" (and \"labels\") as lists "
			    "of lowercase ASCII",
			    i + 1);
		else if (rc == LF_E_NOMEM)
			rc = lf_error_set(err, LF_E_NOMEM, "brands");
	}
	json_decref(doc);
	if (rc != LF_OK) {
		lf_brands_free(bs);
		return rc;
	}
	*out = bs;
	return LF_OK;
}

int
lf_brands_load(const char *path, struct lf_brands **out, struct lf_error *err)
{
	struct lf_buf b;
	int rc;

	lf_buf_init(&b, LF_BRANDS_FILE_MAX);
	if ((rc = lf_read_file(path, &b, err)) == LF_OK &&
	    (rc = lf_brands_parse(b.data, b.len, out, err)) != LF_OK)
		lf_error_prefix(err, "'%s'", path);
	lf_buf_release(&b);
	return rc == LF_E_LIMIT ? LF_E_FORMAT : rc;
}

/* The display name's words, lowercase ASCII. */
static size_t
split_words(const char *s, char words[WORDS_MAX][WORD_MAX + 1])
{
	size_t n = 0, len;

	while (*s != '\0' && n < WORDS_MAX) {
		while (*s != '\0' && !alnum((unsigned char)*s))
			s++;
		for (len = 0; alnum((unsigned char)*s); s++)
			if (len < WORD_MAX)
				words[n][len++] =
				    (char)(*s >= 'A' && *s <= 'Z' ?
				            *s - 'A' + 'a' :
				            *s);
		if (len > 0) {
			words[n][len] = '\0';
			n++;
		}
	}
	return n;
}

/* Does the phrase (words separated by single spaces) stand in a row? */
static bool
says(char words[WORDS_MAX][WORD_MAX + 1], size_t n, const char *phrase)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const char *p = phrase;
		for (k = i; k < n; k++) {
			size_t len = strlen(words[k]);
			if (strncmp(p, words[k], len) != 0 ||
			    (p[len] != ' ' && p[len] != '\0'))
				break;
			p += len;
			if (*p == '\0')
				return true;
			p++;
		}
	}
	return false;
}

static bool
owns(const struct lf_brand *b, const char *org)
{
	const char *dot = strchr(org, '.');
	size_t i, n = dot != NULL ? (size_t)(dot - org) : strlen(org);

	size_t len = strlen(org);

	/* The domain or one below it: without a suffix list the
	 * organizational domain is the whole domain. */
	for (i = 0; i < b->ndomains; i++) {
		size_t d = strlen(b->domains[i]);
		if (len >= d && strcmp(org + len - d, b->domains[i]) == 0 &&
		    (len == d || org[len - d - 1] == '.'))
			return true;
	}
	for (i = 0; i < b->nlabels; i++)
		if (strlen(b->labels[i]) == n &&
		    memcmp(org, b->labels[i], n) == 0)
			return true;
	return false;
}

const struct lf_brand *
lf_brands_borrowed(const struct lf_brands *bs, const char *display,
    const char *org)
{
	char words[WORDS_MAX][WORD_MAX + 1];
	size_t n, i, k;

	if (bs == NULL || display[0] == '\0')
		return NULL;
	n = split_words(display, words);
	for (i = 0; i < bs->count; i++) {
		const struct lf_brand *b = &bs->b[i];
		for (k = 0; k < b->nwords; k++)
			if (says(words, n, b->words[k]))
				break;
		if (k < b->nwords && !owns(b, org))
			return b;
	}
	return NULL;
}

void
lf_brands_free(struct lf_brands *bs)
{
	size_t i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->count; i++) {
		free(bs->b[i].name);
		free(bs->b[i].source);
		free_list(bs->b[i].words, bs->b[i].nwords);
		free_list(bs->b[i].domains, bs->b[i].ndomains);
		free_list(bs->b[i].labels, bs->b[i].nlabels);
	}
	free(bs->b);
	free(bs);
}
