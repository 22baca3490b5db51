/*
 * lf_custodyview.c: a verified custody log as an account per bundle.
 *
 * Bundles are found by id, and by the tracking numbers their receipts
 * gave, through one open-addressing table of keys "b:<id>" and
 * "t:<number>", so that a long log costs time in proportion to its length.
 * Every record and every byte of text kept is counted against the limits
 * in lf/custodyview.h before it is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/buf.h"
#include "lf/custodyview.h"
#include "lf/date.h"
#include "lf/text.h"

struct slot {
	char *key;    /* NULL: empty */
	size_t value; /* a bundle's index; for a sample, its index */
};

struct lf_custodyview {
	struct lf_custodyview_bundle *bundles;
	size_t nbundles;
	struct lf_custodyview_result *unlinked;
	size_t nunlinked;
	struct slot *table;
	size_t tablecap, tableused;
	size_t items, bytes;
	struct lf_custodyview_counts counts;
};

/* What a receipt's or result's reason says, when it is in the JSON form. */
struct vendor_reason {
	json_t *root;
	const char *tracking;
	const char *mail_date;
	json_t *files; /* receipt: the array; result: NULL */
	json_t *file;  /* result: the object, or NULL */
	const char *determination, *detection;
	bool name_truncated;
};

static int
limit_items(struct lf_custodyview *v, size_t more, struct lf_error *err)
{
	if (more > LF_CUSTODYVIEW_ITEMS_MAX - v->items)
		return lf_error_set(err, LF_E_LIMIT,
		    "custody view: more than %d records kept",
		    LF_CUSTODYVIEW_ITEMS_MAX);
	v->items += more;
	return LF_OK;
}

/* keep: a copy of s (NULL stays NULL), counted against the byte limit. */
static int
keep(struct lf_custodyview *v, const char *s, char **out, struct lf_error *err)
{
	size_t n;

	if (s == NULL) {
		*out = NULL;
		return LF_OK;
	}
	n = strlen(s) + 1;
	if (n > LF_CUSTODYVIEW_BYTES_MAX - v->bytes)
		return lf_error_set(err, LF_E_LIMIT,
		    "custody view: more than %d bytes of text kept",
		    LF_CUSTODYVIEW_BYTES_MAX);
	if ((*out = malloc(n)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "custody view");
	memcpy(*out, s, n);
	v->bytes += n;
	return LF_OK;
}

/*
 * grow: room for one more element of size in *arr, which holds n.  The
 * capacity is implied by n: 4, then doubled each time n reaches a power
 * of two, so that the records need no capacity field.
 */
static int
grow(struct lf_custodyview *v, void **arr, size_t n, size_t size, size_t max,
    struct lf_error *err)
{
	size_t ncap;
	void *p;
	int rc;

	if (n >= max)
		return lf_error_set(err, LF_E_LIMIT,
		    "custody view: more than %zu records of one kind", max);
	if ((rc = limit_items(v, 1, err)) != LF_OK)
		return rc;
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return LF_OK;
	ncap = n == 0 ? 4 : n * 2;
	if ((p = reallocarray(*arr, ncap, size)) == NULL) {
		v->items--;
		return lf_error_set(err, LF_E_NOMEM, "custody view");
	}
	*arr = p;
	return LF_OK;
}

static uint64_t
hash_key(const char *s)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static struct slot *
lookup(const struct lf_custodyview *v, const char *key)
{
	size_t i;

	if (v->tablecap == 0)
		return NULL;
	for (i = hash_key(key) & (v->tablecap - 1); v->table[i].key != NULL;
	     i = (i + 1) & (v->tablecap - 1))
		if (strcmp(v->table[i].key, key) == 0)
			return &v->table[i];
	return NULL;
}

/* Longest key: "s:<bundle number>:<64 hex digits>" or "b:<bundle id>". */
#define KEY_MAX (LF_CUSTODY_BUNDLE_MAX + 96)

static const struct lf_custodyview_bundle *
find_by(const struct lf_custodyview *v, char kind, const char *s)
{
	const struct slot *sl;
	char key[KEY_MAX];

	(void)snprintf(key, sizeof(key), "%c:%s", kind, s);
	sl = lookup(v, key);
	return sl != NULL ? &v->bundles[sl->value] : NULL;
}

/*
 * intern: the key (at most KEY_MAX - 1 bytes) with the value b, unless
 * the key is there already; *fresh says whether it was added, *slot where
 * it is (NULL allowed).
 */
static int
intern(struct lf_custodyview *v, const char *key, size_t b, bool *fresh,
    struct slot **slot, struct lf_error *err)
{
	struct slot *nt;
	size_t ncap, i, j;
	char *copy;
	int rc;

	*fresh = false;
	if ((nt = lookup(v, key)) != NULL) {
		if (slot != NULL)
			*slot = nt;
		return LF_OK;
	}
	if ((v->tableused + 1) * 2 > v->tablecap) {
		ncap = v->tablecap == 0 ? 64 : v->tablecap * 2;
		if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "custody view");
		for (i = 0; i < v->tablecap; i++) {
			if (v->table[i].key == NULL)
				continue;
			for (j = hash_key(v->table[i].key) & (ncap - 1);
			     nt[j].key != NULL; j = (j + 1) & (ncap - 1))
				;
			nt[j] = v->table[i];
		}
		free(v->table);
		v->table = nt;
		v->tablecap = ncap;
	}
	if ((rc = limit_items(v, 1, err)) != LF_OK)
		return rc;
	if ((rc = keep(v, key, &copy, err)) != LF_OK) {
		v->items--;
		return rc;
	}
	for (i = hash_key(copy) & (v->tablecap - 1); v->table[i].key != NULL;
	     i = (i + 1) & (v->tablecap - 1))
		;
	v->table[i].key = copy;
	v->table[i].value = b;
	v->tableused++;
	*fresh = true;
	if (slot != NULL)
		*slot = &v->table[i];
	return LF_OK;
}

/* intern_in: the key "<kind>:<bundle b's number>:<s>"; as intern. */
static int
intern_in(struct lf_custodyview *v, char kind,
    const struct lf_custodyview_bundle *b, const char *s, bool *fresh,
    struct slot **slot, struct lf_error *err)
{
	char key[KEY_MAX];
	size_t i = (size_t)(b - v->bundles);

	(void)snprintf(key, sizeof(key), "%c:%zu:%s", kind, i, s);
	return intern(v, key, i, fresh, slot, err);
}

/* bundle_of: the bundle of that id, added when new. */
static int
bundle_of(struct lf_custodyview *v, const char *id,
    struct lf_custodyview_bundle **out, struct lf_error *err)
{
	const struct lf_custodyview_bundle *found = find_by(v, 'b', id);
	struct lf_custodyview_bundle *b;
	char key[KEY_MAX];
	bool fresh;
	int rc;

	if (found != NULL) {
		*out = &v->bundles[found - v->bundles];
		return LF_OK;
	}
	if (v->nbundles == LF_CUSTODYVIEW_BUNDLES_MAX)
		return lf_error_set(err, LF_E_LIMIT,
		    "custody view: more than %d bundles",
		    LF_CUSTODYVIEW_BUNDLES_MAX);
	if ((rc = grow(v, (void **)&v->bundles, v->nbundles,
	         sizeof(*v->bundles), LF_CUSTODYVIEW_BUNDLES_MAX, err)) !=
	    LF_OK)
		return rc;
	b = &v->bundles[v->nbundles];
	memset(b, 0, sizeof(*b));
	if ((rc = keep(v, id, &b->id, err)) != LF_OK)
		return rc;
	v->nbundles++;
	(void)snprintf(key, sizeof(key), "b:%s", id);
	if ((rc = intern(v, key, v->nbundles - 1, &fresh, NULL, err)) != LF_OK)
		return rc;
	*out = b;
	return LF_OK;
}

/* add_sample: sha among b's samples, once; *index (NULL allowed) says
 * where. */
static int
add_sample(struct lf_custodyview *v, struct lf_custodyview_bundle *b,
    const uint8_t sha[LF_CUSTODY_HASH_LEN], size_t *index, struct lf_error *err)
{
	struct lf_custodyview_sample *sm;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	struct slot *sl;
	bool fresh;
	int rc;

	lf_hex(hex, sha, LF_CUSTODY_HASH_LEN);
	if ((rc = intern_in(v, 's', b, hex, &fresh, &sl, err)) != LF_OK)
		return rc;
	if (!fresh) {
		if (index != NULL)
			*index = sl->value;
		return LF_OK;
	}
	if ((rc = grow(v, (void **)&b->samples, b->nsamples,
	         sizeof(*b->samples), LF_CUSTODYVIEW_PER_BUNDLE_MAX, err)) !=
	    LF_OK)
		return rc;
	sl->value = b->nsamples;
	sm = &b->samples[b->nsamples];
	memcpy(sm->sha256, sha, LF_CUSTODY_HASH_LEN);
	sm->last_result = LF_CUSTODYVIEW_NONE;
	if (index != NULL)
		*index = b->nsamples;
	b->nsamples++;
	return LF_OK;
}

static int
add_event(struct lf_custodyview *v, struct lf_custodyview_event **arr,
    size_t *n, const struct lf_custody_event *ev, struct lf_error *err)
{
	const size_t max = LF_CUSTODYVIEW_PER_BUNDLE_MAX;
	struct lf_custodyview_event *e;
	int rc;

	if ((rc = grow(v, (void **)arr, *n, sizeof(**arr), max, err)) != LF_OK)
		return rc;
	e = &(*arr)[*n];
	memset(e, 0, sizeof(*e));
	e->seq = ev->seq;
	e->time = ev->time;
	if ((rc = keep(v, ev->actor, &e->actor, err)) != LF_OK ||
	    (rc = keep(v, ev->reason, &e->reason, err)) != LF_OK) {
		free(e->actor);
		return rc;
	}
	(*n)++;
	return LF_OK;
}

static bool
tracking_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > LF_CUSTODYVIEW_TRACKING_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static const char *
opt_string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/*
 * read_reason: the reason in the vendor form, or false for free text.
 * The form asks for an object with "vendor_mail" an object and
 * "tracking" a number in digits; the rest is taken where it is a string.
 */
static bool
read_reason(const char *reason, enum lf_custody_action action,
    struct vendor_reason *out)
{
	json_t *root, *mail, *f;

	memset(out, 0, sizeof(*out));
	if (reason == NULL)
		return false;
	root = json_loads(reason, JSON_REJECT_DUPLICATES, NULL);
	if (root == NULL)
		return false;
	mail = json_object_get(root, "vendor_mail");
	out->tracking = opt_string(root, "tracking");
	if (!json_is_object(root) || !json_is_object(mail) ||
	    out->tracking == NULL || !tracking_ok(out->tracking)) {
		json_decref(root);
		return false;
	}
	out->root = root;
	out->mail_date = opt_string(mail, "date");
	if (action == LF_CUSTODY_RECEIPT) {
		f = json_object_get(root, "files");
		out->files = json_is_array(f) ? f : NULL;
	} else {
		f = json_object_get(root, "file");
		out->file = json_is_object(f) ? f : NULL;
		out->determination = opt_string(root, "determination");
		out->detection = opt_string(root, "detection");
		out->name_truncated =
		    json_is_true(json_object_get(root, "name_truncated"));
	}
	return true;
}

static int
keep_file(struct lf_custodyview *v, const json_t *f,
    struct lf_custodyview_file *out, struct lf_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return LF_OK;
	if ((rc = keep(v, opt_string(f, "name"), &out->name, err)) != LF_OK ||
	    (rc = keep(v, opt_string(f, "md5"), &out->md5, err)) != LF_OK ||
	    (rc = keep(v, opt_string(f, "sha256"), &out->sha256, err)) != LF_OK)
		return rc;
	return LF_OK;
}

static void
file_release(struct lf_custodyview_file *f)
{
	free(f->name);
	free(f->md5);
	free(f->sha256);
}

static void
result_release(struct lf_custodyview_result *r)
{
	free(r->actor);
	free(r->text);
	free(r->tracking);
	free(r->mail_date);
	file_release(&r->file);
	free(r->determination);
	free(r->detection);
}

static int
add_tracking(struct lf_custodyview *v, struct lf_custodyview_bundle *b,
    const char *tracking, struct lf_error *err)
{
	char key[KEY_MAX];
	bool fresh;
	int rc;

	if ((rc = intern_in(v, 'k', b, tracking, &fresh, NULL, err)) != LF_OK ||
	    !fresh)
		return rc;
	if ((rc = grow(v, (void **)&b->tracking, b->ntracking,
	         sizeof(*b->tracking), LF_CUSTODYVIEW_PER_BUNDLE_MAX, err)) !=
	        LF_OK ||
	    (rc = keep(v, tracking, &b->tracking[b->ntracking], err)) != LF_OK)
		return rc;
	b->ntracking++;
	/* A number given to two bundles leads to the first. */
	(void)snprintf(key, sizeof(key), "t:%s", tracking);
	return intern(v, key, (size_t)(b - v->bundles), &fresh, NULL, err);
}

static int
add_receipt(struct lf_custodyview *v, struct lf_custodyview_bundle *b,
    const struct lf_custody_event *ev, const struct vendor_reason *vr,
    bool structured, struct lf_error *err)
{
	size_t i;
	int rc;

	if ((rc = add_event(v, &b->receipts, &b->nreceipts, ev, err)) != LF_OK)
		return rc;
	for (i = 0; i < ev->nobjects; i++)
		if ((rc = add_sample(v, b, ev->objects[i], NULL, err)) != LF_OK)
			return rc;
	if (!structured) {
		b->free_text++;
		return LF_OK;
	}
	if ((rc = add_tracking(v, b, vr->tracking, err)) != LF_OK)
		return rc;
	for (i = 0; vr->files != NULL && i < json_array_size(vr->files); i++) {
		const json_t *f = json_array_get(vr->files, i);
		if (!json_is_object(f))
			continue;
		if ((rc = grow(v, (void **)&b->files, b->nfiles,
		         sizeof(*b->files), LF_CUSTODYVIEW_PER_BUNDLE_MAX,
		         err)) != LF_OK)
			return rc;
		rc = keep_file(v, f, &b->files[b->nfiles], err);
		if (rc != LF_OK) {
			file_release(&b->files[b->nfiles]);
			return rc;
		}
		b->nfiles++;
	}
	return LF_OK;
}

/* one_result: the result of ev for one sample (NULL: none) into *arr. */
static int
one_result(struct lf_custodyview *v, struct lf_custodyview_result **arr,
    size_t *n, size_t max, const struct lf_custody_event *ev,
    const uint8_t *sample, const struct vendor_reason *vr, bool structured,
    struct lf_error *err)
{
	struct lf_custodyview_result *r;
	int rc;

	if ((rc = grow(v, (void **)arr, *n, sizeof(**arr), max, err)) != LF_OK)
		return rc;
	r = &(*arr)[*n];
	memset(r, 0, sizeof(*r));
	r->seq = ev->seq;
	r->time = ev->time;
	r->structured = structured;
	if (sample != NULL) {
		r->has_sample = true;
		memcpy(r->sample, sample, LF_CUSTODY_HASH_LEN);
	}
	if ((rc = keep(v, ev->actor, &r->actor, err)) != LF_OK)
		goto fail;
	if (!structured) {
		if ((rc = keep(v, ev->reason, &r->text, err)) != LF_OK)
			goto fail;
		(*n)++;
		return LF_OK;
	}
	r->name_truncated = vr->name_truncated;
	if ((rc = keep(v, vr->tracking, &r->tracking, err)) != LF_OK ||
	    (rc = keep(v, vr->mail_date, &r->mail_date, err)) != LF_OK ||
	    (rc = keep_file(v, vr->file, &r->file, err)) != LF_OK ||
	    (rc = keep(v, vr->determination, &r->determination, err)) !=
	        LF_OK ||
	    (rc = keep(v, vr->detection, &r->detection, err)) != LF_OK)
		goto fail;
	(*n)++;
	return LF_OK;
fail:
	result_release(r);
	return rc;
}

static int
add_results(struct lf_custodyview *v, struct lf_custodyview_bundle *b,
    const struct lf_custody_event *ev, const struct vendor_reason *vr,
    bool structured, struct lf_error *err)
{
	struct lf_custodyview_result **arr;
	size_t i, si = 0, *n, max = LF_CUSTODYVIEW_PER_BUNDLE_MAX;
	int rc;

	if (b != NULL) {
		arr = &b->results;
		n = &b->nresults;
		if (!structured)
			b->free_text++;
		else if ((rc = add_tracking(v, b, vr->tracking, err)) != LF_OK)
			return rc;
	} else {
		arr = &v->unlinked;
		n = &v->nunlinked;
	}
	if (ev->nobjects == 0)
		return one_result(v, arr, n, max, ev, NULL, vr, structured,
		    err);
	for (i = 0; i < ev->nobjects; i++) {
		/* A sample with a result is one of the bundle's, packed in
		 * this log or not. */
		if (b != NULL &&
		    (rc = add_sample(v, b, ev->objects[i], &si, err)) != LF_OK)
			return rc;
		rc = one_result(v, arr, n, max, ev, ev->objects[i], vr,
		    structured, err);
		if (rc != LF_OK)
			return rc;
		if (b != NULL)
			b->samples[si].last_result = b->nresults - 1;
	}
	return LF_OK;
}

static int
vendor_event(struct lf_custodyview *v, struct lf_custodyview_bundle *b,
    const struct lf_custody_event *ev, struct lf_error *err)
{
	struct vendor_reason vr;
	const struct lf_custodyview_bundle *byt;
	size_t before;
	bool structured = read_reason(ev->reason, ev->action, &vr);
	int rc;

	if (!structured)
		v->counts.free_text++;
	if (b == NULL && structured &&
	    (byt = find_by(v, 't', vr.tracking)) != NULL)
		b = &v->bundles[byt - v->bundles];
	if (ev->action == LF_CUSTODY_RECEIPT) {
		rc = b != NULL ? add_receipt(v, b, ev, &vr, structured, err) :
		                 LF_OK;
	} else {
		before = v->nunlinked;
		rc = add_results(v, b, ev, &vr, structured, err);
		v->counts.unlinked += v->nunlinked - before;
	}
	json_decref(vr.root);
	return rc;
}

int
lf_custodyview_new(struct lf_custodyview **out, struct lf_error *err)
{
	struct lf_custodyview *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return lf_error_set(err, LF_E_NOMEM, "custody view");
	*out = v;
	return LF_OK;
}

int
lf_custodyview_add_event(struct lf_custodyview *v,
    const struct lf_custody_event *ev, struct lf_error *err)
{
	struct lf_custodyview_bundle *b = NULL;
	size_t i;
	int rc;

	if (v == NULL || ev == NULL ||
	    (unsigned)ev->action >= LF_CUSTODY_ACTIONS || ev->actor == NULL ||
	    ev->nobjects > LF_CUSTODY_OBJECTS_MAX ||
	    (ev->nobjects > 0 && ev->objects == NULL) ||
	    (ev->bundle != NULL && strlen(ev->bundle) > LF_CUSTODY_BUNDLE_MAX))
		return lf_error_set(err, LF_E_INVAL,
		    "custody view: not an event");
	v->counts.events++;
	v->counts.actions[ev->action]++;
	if (ev->bundle != NULL &&
	    (rc = bundle_of(v, ev->bundle, &b, err)) != LF_OK)
		return rc;
	switch (ev->action) {
	case LF_CUSTODY_PACKED:
		if (b == NULL)
			return LF_OK;
		if (!b->packed) {
			if ((rc = keep(v, ev->actor, &b->packed_actor, err)) !=
			    LF_OK)
				return rc;
			b->packed = true;
			b->packed_seq = ev->seq;
			b->packed_time = ev->time;
		}
		for (i = 0; i < ev->nobjects; i++)
			if ((rc = add_sample(v, b, ev->objects[i], NULL,
			         err)) != LF_OK)
				return rc;
		return LF_OK;
	case LF_CUSTODY_VERIFIED:
		return b == NULL ?
		    LF_OK :
		    add_event(v, &b->verified, &b->nverified, ev, err);
	case LF_CUSTODY_SUBMITTED:
		/* The uploader may name what it sent: samples of the bundle,
		 * packed in this log or not. */
		if (b == NULL ||
		    (rc = add_event(v, &b->submitted, &b->nsubmitted, ev,
		         err)) != LF_OK)
			return b == NULL ? LF_OK : rc;
		for (i = 0; i < ev->nobjects; i++)
			if ((rc = add_sample(v, b, ev->objects[i], NULL,
			         err)) != LF_OK)
				return rc;
		return LF_OK;
	case LF_CUSTODY_RECEIPT:
	case LF_CUSTODY_RESULT:
		return vendor_event(v, b, ev, err);
	default:
		return LF_OK;
	}
}

int
lf_custodyview_add_line(struct lf_custodyview *v, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct lf_custody_parsed pl;
	int rc;

	if ((rc = lf_custody_parse_line(p, n, &pl, err)) != LF_OK)
		return rc;
	rc = lf_custodyview_add_event(v, &pl.ev, err);
	lf_custody_parsed_release(&pl);
	return rc;
}

static int
view_event(void *arg, const struct lf_custody_event *ev, struct lf_error *err)
{
	return lf_custodyview_add_event(arg, ev, err);
}

int
lf_custodyview_read_file(struct lf_custodyview *v, const char *path,
    uint64_t nlines, struct lf_error *err)
{
	return lf_custody_each(path, nlines, view_event, v, err);
}

const struct lf_custodyview_bundle *
lf_custodyview_bundles(const struct lf_custodyview *v, size_t *n)
{
	*n = v->nbundles;
	return v->bundles;
}

const struct lf_custodyview_result *
lf_custodyview_unlinked(const struct lf_custodyview *v, size_t *n)
{
	*n = v->nunlinked;
	return v->unlinked;
}

const struct lf_custodyview_bundle *
lf_custodyview_find(const struct lf_custodyview *v, const char *id)
{
	return find_by(v, 'b', id);
}

void
lf_custodyview_counts(const struct lf_custodyview *v,
    struct lf_custodyview_counts *out)
{
	*out = v->counts;
	out->bundles = v->nbundles;
}

static void
events_free(struct lf_custodyview_event *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].actor);
		free(e[i].reason);
	}
	free(e);
}

void
lf_custodyview_free(struct lf_custodyview *v)
{
	struct lf_custodyview_bundle *b;
	size_t i, j;

	if (v == NULL)
		return;
	for (i = 0; i < v->nbundles; i++) {
		b = &v->bundles[i];
		free(b->id);
		free(b->packed_actor);
		free(b->samples);
		events_free(b->verified, b->nverified);
		events_free(b->submitted, b->nsubmitted);
		events_free(b->receipts, b->nreceipts);
		for (j = 0; j < b->ntracking; j++)
			free(b->tracking[j]);
		free(b->tracking);
		for (j = 0; j < b->nfiles; j++)
			file_release(&b->files[j]);
		free(b->files);
		for (j = 0; j < b->nresults; j++)
			result_release(&b->results[j]);
		free(b->results);
	}
	free(v->bundles);
	for (i = 0; i < v->nunlinked; i++)
		result_release(&v->unlinked[i]);
	free(v->unlinked);
	for (i = 0; i < v->tablecap; i++)
		free(v->table[i].key);
	free(v->table);
	free(v);
}
