/*
 * lf_extract.c: a message taken apart into objects, and its report.
 *
 * The MIME parser's events drive everything: each content part opens an
 * object (digests, a store writer, the first bytes for libmagic) that its
 * data flows into and its end closes; an attached message's content is
 * its raw bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "lf/date.h"
#include "lf/digest.h"
#include "lf/extract.h"
#include "lf/findings.h"
#include "lf/json.h"
#include "lf/mime.h"
#include "lf/object.h"
#include "lf/rfc2047.h"
#include "lf/text.h"
#include "lf_extract_impl.h"

static const char *const field_names[NFIELDS] = {"From", "To", "Cc", "Subject",
    "Date", "Message-ID"};
static const char *const field_keys[NFIELDS] = {"from", "to", "cc", "subject",
    "date", "message_id"};

static const char *
kind_name(enum lf_mime_kind k)
{
	static const char *const names[] = {"message", "multipart", "leaf",
	    "preamble", "epilogue", "embedded"};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static int
fail(struct lf_extract *x, int rc)
{
	if (x->rc == LF_OK)
		x->rc = rc;
	return rc;
}

static int
get_digest(struct lf_extract *x, struct lf_digest **d)
{
	int rc;

	if (x->npool > 0) {
		*d = x->pool[--x->npool];
		return lf_digest_reset(*d, LF_SIZE_UNKNOWN, &x->err);
	}
	if ((rc = lf_digest_new(x->dalgs, d, &x->err)) != LF_OK)
		return rc;
	return LF_OK;
}

static void
put_digest(struct lf_extract *x, struct lf_digest *d)
{
	struct lf_digest **np;

	if (d == NULL)
		return;
	if (x->npool == x->pool_cap) {
		size_t ncap = x->pool_cap ? x->pool_cap * 2 : 8;
		if ((np = reallocarray(x->pool, ncap, sizeof(*np))) == NULL) {
			lf_digest_free(d);
			return;
		}
		x->pool = np;
		x->pool_cap = ncap;
	}
	x->pool[x->npool++] = d;
}

static struct object *
find_object(struct lf_extract *x, const struct lf_mime_part *part)
{
	size_t i;

	for (i = x->nobjs; i-- > 0;) {
		if (x->objs[i].part == part)
			return &x->objs[i];
	}
	return NULL;
}

/*
 * What readers show as an attachment: every leaf but a message's text
 * (plain or HTML, cleanly typed, unnamed, not disposed as an attachment),
 * every block found in a text, every attached message.
 */
static bool
is_attachment(const struct lf_mime_part *part)
{
	if (part->kind == LF_MIME_EMBEDDED)
		return true;
	if (part->kind == LF_MIME_MESSAGE)
		return part->depth > 0;
	if (part->kind != LF_MIME_LEAF)
		return false;
	if (strcmp(part->disposition.type, "attachment") == 0 ||
	    part->name_len > 0 || part->type_malformed)
		return true;
	return strcmp(part->type.type, "text") != 0 ||
	    (strcmp(part->type.subtype, "plain") != 0 &&
	        strcmp(part->type.subtype, "html") != 0);
}

/*
 * Files, not bytes, are what a store costs (lf_store.c), and an inline
 * text body is already in the stored message, byte for byte, for
 * lf-extract -p to give back.  Such a body gets a file of its own only when
 * libmagic says its content is not text.
 */
static bool
deserves_file(const struct object *o, const char *real_mime)
{
	return o->attachment ||
	    (real_mime != NULL && strncmp(real_mime, "text/", 5) != 0 &&
	        strcmp(real_mime, "application/x-empty") != 0);
}

static int
set_text(json_t *obj, const char *key, const uint8_t *raw, size_t n,
    struct lf_extract *x)
{
	struct lf_buf dec;
	json_t *v = json_object();
	int rc;

	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if ((rc = lf_json_set_name(v, "raw", raw, n, &x->err)) != LF_OK)
		return rc;
	lf_buf_init(&dec, 4 * n + 64);
	rc = lf_rfc2047_decode(raw, n, NULL, &dec, NULL, NULL, &x->err);
	if (rc == LF_OK)
		rc = lf_json_set_name(v, "decoded",
		    dec.data != NULL ? dec.data : (const uint8_t *)"", dec.len,
		    &x->err);
	lf_buf_release(&dec);
	return rc;
}

/* Strip the blanks and line ends that surround a field value. */
static void
trim(const uint8_t **p, size_t *n)
{
	while (*n > 0 &&
	    (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 &&
	    ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' ||
	        (*p)[*n - 1] == '\r' || (*p)[*n - 1] == '\n'))
		(*n)--;
}

/* One field of the message's header in the report's list. */
static int
list_header(struct lf_extract *x, const uint8_t *name, size_t nlen,
    const uint8_t *value, size_t vlen, uint64_t offset)
{
	json_t *h;
	int rc;

	if ((h = json_object()) == NULL ||
	    json_array_append_new(x->headers, h) != 0 ||
	    json_object_set_new(h, "offset",
	        json_integer((json_int_t)offset)) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if ((rc = lf_json_set_name(h, "name", name, nlen, &x->err)) != LF_OK)
		return rc;
	return lf_json_set_name(h, "value", value, vlen, &x->err);
}

static int
on_header(void *arg, const struct lf_mime_part *part, const uint8_t *name,
    size_t nlen, const uint8_t *value, size_t vlen, uint64_t offset)
{
	struct lf_extract *x = arg;
	int i, rc;

	if (part->depth != 0)
		return 0;
	if (!x->o.no_header_list &&
	    (rc = list_header(x, name, nlen, value, vlen, offset)) != LF_OK)
		return fail(x, rc);
	for (i = 0; i < NFIELDS; i++) {
		struct field *f = &x->fields[i];
		if (f->seen || strlen(field_names[i]) != nlen ||
		    strncasecmp(field_names[i], (const char *)name, nlen) != 0)
			continue;
		f->seen = true;
		trim(&value, &vlen);
		lf_buf_reset(&f->raw);
		(void)lf_buf_append(&f->raw, value, vlen, NULL);
	}
	return 0;
}

static bool
is_partial(const struct lf_mime_part *part)
{
	return part->kind == LF_MIME_LEAF &&
	    strcmp(part->type.type, "message") == 0 &&
	    strcmp(part->type.subtype, "partial") == 0;
}

/* A number parameter (RFC 2046 5.2.2: 1*DIGIT), or 0. */
static json_int_t
param_number(const struct lf_mime_part *part, const char *name)
{
	const struct lf_mime_param *p = lf_mime_field_param(&part->type, name);
	json_int_t v = 0;
	size_t i;

	if (p == NULL || p->raw_len == 0 || p->raw_len > 9)
		return 0;
	for (i = 0; i < p->raw_len; i++) {
		if (p->raw[i] < '0' || p->raw[i] > '9')
			return 0;
		v = v * 10 + (p->raw[i] - '0');
	}
	return v;
}

/* "partial": {"id", "number", "total"}: which fragment this is. */
static int
add_partial(struct lf_extract *x, json_t *r, const struct lf_mime_part *part)
{
	const struct lf_mime_param *id = lf_mime_field_param(&part->type, "id");
	json_int_t number = param_number(part, "number");
	json_int_t total = param_number(part, "total");
	json_t *pr = json_object();

	if (pr == NULL || json_object_set_new(r, "partial", pr) != 0 ||
	    json_object_set_new(pr, "number",
	        number > 0 ? json_integer(number) : json_null()) != 0 ||
	    json_object_set_new(pr, "total",
	        total > 0 ? json_integer(total) : json_null()) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if (id == NULL)
		return json_object_set_new(pr, "id", json_null()) == 0 ?
		    LF_OK :
		    lf_error_set(&x->err, LF_E_NOMEM, "report");
	return lf_json_set_name(pr, "id", id->raw, id->raw_len, &x->err);
}

static int
part_record(struct lf_extract *x, const struct lf_mime_part *part, json_t **out)
{
	char type[260];
	json_t *r;
	int rc = LF_OK;

	(void)snprintf(type, sizeof(type), "%s/%s", part->type.type,
	    part->type.subtype);
	r = json_pack("{s:s, s:s, s:I}", "path", part->path, "kind",
	    kind_name(part->kind), "offset", (json_int_t)part->offset);
	if (r == NULL)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if (part->kind == LF_MIME_MESSAGE || part->kind == LF_MIME_MULTIPART ||
	    part->kind == LF_MIME_LEAF) {
		if (json_object_set_new(r, "type", json_string(type)) != 0 ||
		    json_object_set_new(r, "type_declared",
		        json_boolean(part->type_declared)) != 0 ||
		    json_object_set_new(r, "encoding",
		        json_string(
		            part->cte[0] != '\0' ? part->cte : "7bit")) != 0 ||
		    json_object_set_new(r, "disposition",
		        part->disposition.type[0] != '\0' ?
		            json_string(part->disposition.type) :
		            json_null()) != 0)
			rc = lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	if (rc == LF_OK && is_partial(part))
		rc = add_partial(x, r, part);
	if (rc == LF_OK && part->after_close &&
	    json_object_set_new(r, "after_close", json_true()) != 0)
		rc = lf_error_set(&x->err, LF_E_NOMEM, "report");
	if (rc == LF_OK && part->name_raw != NULL) {
		json_t *nm = json_object();
		if (nm == NULL || json_object_set_new(r, "name", nm) != 0)
			rc = lf_error_set(&x->err, LF_E_NOMEM, "report");
		else if ((rc = lf_json_set_name(nm, "raw", part->name_raw,
		              part->name_raw_len, &x->err)) == LF_OK)
			rc = lf_json_set_name(nm, "decoded", part->name,
			    part->name_len, &x->err);
	}
	if (rc != LF_OK) {
		json_decref(r);
		return rc;
	}
	*out = r;
	return LF_OK;
}

/* -p: the tapped object's bytes to the caller. */
static int
tap(struct lf_extract *x, const uint8_t *p, size_t n)
{
	if (x->o.tap(x->o.tap_arg, p, n) != 0)
		return lf_error_set(&x->err, LF_E_IO, "part %s: cannot write",
		    x->o.tap_path);
	return LF_OK;
}

int
lf_xobj_open(struct lf_extract *x, json_t *record, struct object **out)
{
	struct object *o;
	struct lf_buf kept;
	size_t window;
	int rc;

	if (x->nobjs == MAX_OPEN)
		return lf_error_set(&x->err, LF_E_LIMIT, "too many open parts");
	o = &x->objs[x->nobjs];
	/* The slot's window keeps its storage from the object before. */
	kept = o->window;
	memset(o, 0, sizeof(*o));
	o->window = kept;
	lf_buf_reset(&o->window);
	o->record = record;
	/* libmagic's share, and at least what sniffing a container needs. */
	window = x->o.magic != NULL ? (size_t)x->o.limits->magic_bytes : 0;
	if (window < SNIFF_BYTES)
		window = SNIFF_BYTES;
	if (o->window.max != window) {
		lf_buf_release(&o->window);
		lf_buf_init(&o->window, window);
	}
	lf_dataurl_init(&o->dataurl);
	if ((rc = get_digest(x, &o->d)) != LF_OK)
		return rc;
	if (x->dalgs != x->algs &&
	    (rc = lf_md5_batch_open(x->o.md5_batch, &o->md5, &x->err)) !=
	        LF_OK) {
		put_digest(x, o->d);
		return rc;
	}
	x->nobjs++;
	if (x->o.tap_path != NULL) {
		const char *path =
		    json_string_value(json_object_get(record, "path"));
		o->tapped = path != NULL && strcmp(path, x->o.tap_path) == 0;
		if (o->tapped && (rc = tap(x, NULL, 0)) != LF_OK)
			return rc;
	}
	*out = o;
	return LF_OK;
}

int
lf_xobj_begin(struct lf_extract *x, struct object *o)
{
	struct lf_store *store = x->o.store;

	if (store != NULL && x->o.attachments_only && !o->attachment)
		store = NULL;
	if (x->o.store == NULL && o->part != NULL && is_partial(o->part)) {
		store = x->o.partial_store;
		o->unreported = true;
	}
	if (store != NULL)
		return lf_store_begin(store, &o->w, &x->err);
	return LF_OK;
}

/* What a MIME part is, for its object. */
static void
describe_part(struct object *o, const struct lf_mime_part *part)
{
	o->part = part;
	o->name = part->name;
	o->name_len = part->name_len;
	(void)snprintf(o->type, sizeof(o->type), "%s", part->type.type);
	(void)snprintf(o->subtype, sizeof(o->subtype), "%s",
	    part->type.subtype);
	o->attachment = is_attachment(part);
	o->text = strcmp(o->type, "text") == 0;
	o->html = o->text && strcmp(o->subtype, "html") == 0;
	o->inline_plain =
	    !o->attachment && o->text && strcmp(o->subtype, "plain") == 0;
}

int
lf_xobj_data(struct lf_extract *x, struct object *o, const uint8_t *p, size_t n)
{
	size_t room, took;
	int rc;

	if ((rc = lf_digest_update(o->d, p, n, &x->err)) != LF_OK)
		return rc;
	if (o->tapped && (rc = tap(x, p, n)) != LF_OK)
		return rc;
	if (o->md5 != NULL)
		lf_md5_batch_add(x->o.md5_batch, o->md5, p, n);
	if (o->w != NULL && (rc = lf_store_write(o->w, p, n, &x->err)) != LF_OK)
		return rc;
	if (o->spool.active)
		lf_unpack_spool(x, o, p, n);
	took = 0;
	/* The window serves libmagic, a text's passwords, and sniffing. */
	if (o->window.max > o->window.len &&
	    (x->o.magic != NULL || o->text || !o->sniffed)) {
		room = o->window.max - o->window.len;
		took = n < room ? n : room;
		if (lf_buf_append(&o->window, p, took, NULL) != LF_OK) {
			/* The window no longer holds the first bytes:
			 * nothing can be sniffed from it. */
			o->sniffed = true;
			took = 0;
		}
	}
	/*
	 * Once the window tells, a container's bytes are kept: the window's,
	 * then the rest of this piece, then all that follows.
	 */
	/* Without libmagic the window would exist for sniffing alone: it
	 * stops early unless the first bytes may be an ISO 9660 image's
	 * (a hybrid one, with boot code there, is then missed). */
	if (!o->sniffed &&
	    (o->window.len >= SNIFF_BYTES ||
	        (x->o.magic == NULL && o->window.len >= SNIFF_EARLY &&
	            !lf_unpack_maybe_late(o->window.data)))) {
		o->sniffed = true;
		o->container =
		    lf_unpack_sniff(o->window.data, o->window.len, false);
		if (o->container != C_NONE) {
			lf_unpack_spool_start(x, o);
			lf_unpack_spool(x, o, p + took, n - took);
		}
	}
	if (o->html)
		lf_dataurl_update(&o->dataurl, p, n);
	return LF_OK;
}

static int
on_begin(void *arg, const struct lf_mime_part *part)
{
	struct lf_extract *x = arg;
	json_t *record = NULL;
	struct object *o;
	bool attachment = is_attachment(part);
	bool content = part->kind != LF_MIME_MULTIPART;
	int rc;

	if (part->depth == 0)
		return 0; /* the message itself: described at the top */
	x->nparts++;
	if (attachment)
		x->nattachments++;
	if (x->o.attachments_only && !attachment)
		return 0;
	if ((rc = part_record(x, part, &record)) != LF_OK)
		return fail(x, rc);
	if (json_object_set_new(record, "attachment",
	        json_boolean(attachment)) != 0 ||
	    json_array_append_new(x->parts, record) != 0)
		return fail(x, lf_error_set(&x->err, LF_E_NOMEM, "report"));
	if (!content)
		return 0;
	if ((rc = lf_xobj_open(x, record, &o)) != LF_OK)
		return fail(x, rc);
	describe_part(o, part);
	if ((rc = lf_xobj_begin(x, o)) != LF_OK)
		return fail(x, rc);
	return 0;
}

static int
on_data(void *arg, const struct lf_mime_part *part, const uint8_t *p, size_t n)
{
	struct lf_extract *x = arg;
	struct object *o = find_object(x, part);
	int rc;

	if (o == NULL)
		return 0;
	if ((rc = lf_xobj_data(x, o, p, n)) != LF_OK)
		return fail(x, rc);
	return 0;
}

/*
 * Typing is most of what an extraction costs, and most of typing is
 * libmagic's database searching plain text for formats it could be (1 ms
 * a part).  The plain text of a message is only displayed as text, so for
 * it the built-in tests are enough unless they find it is not text; any
 * other object, and a content seen before as one, gets the full answer.
 */
static void
type_object(struct lf_extract *x, struct object *o,
    const struct lf_digest_result *res, struct lf_magic_result *mg)
{
	const uint8_t *p =
	    o->window.data != NULL ? o->window.data : (const uint8_t *)"";

	if (lf_magic_cached(x->o.magic, res, mg))
		return;
	if (o->inline_plain && lf_magic_text(x->o.magic, p, o->window.len, mg))
		return;
	(void)lf_magic_buffer(x->o.magic, p, o->window.len, mg, NULL);
	lf_magic_remember(x->o.magic, res, mg);
}

/* A batch's flush has the MD5 of the object recorded in obj. */
static void
md5_done(void *arg, const uint8_t md5[16])
{
	json_t *obj = arg;
	struct lf_digest_result r = {.algs = LF_DIGEST_BIT(LF_MD5)};
	char hex[LF_DIGEST_TEXT_MAX];

	memcpy(r.md5, md5, sizeof(r.md5));
	(void)lf_digest_text(&r, LF_MD5, hex);
	/* Out of memory: no MD5 rather than the placeholder. */
	if (json_object_set_new(obj, "md5", json_string(hex)) != 0)
		(void)json_object_del(obj, "md5");
	json_decref(obj);
}

static int
finish_object(struct lf_extract *x, struct object *o)
{
	struct lf_digest_result res;
	struct lf_magic_result mg;
	char path[LF_STORE_PATH_MAX];
	json_t *obj, *findings;
	bool typed = false, existed;
	int rc;

	rc = lf_digest_final(o->d, &res, &x->err);
	put_digest(x, o->d);
	o->d = NULL;
	if (rc != LF_OK)
		return rc;
	if (x->o.magic != NULL) {
		type_object(x, o, &res, &mg);
		typed = true;
	}
	if ((obj = json_object()) == NULL ||
	    json_object_set_new(o->record, "object", obj) != 0 ||
	    (findings = json_array()) == NULL ||
	    json_object_set_new(o->record, "findings", findings) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	/* A waiting MD5 takes its place in the record, to be filled in. */
	res.algs = x->algs;
	if ((rc = lf_object_to_json(obj, &res, typed ? &mg : NULL, &x->err)) !=
	    LF_OK)
		return rc;
	if (o->md5 != NULL) {
		lf_md5_batch_close(x->o.md5_batch, o->md5, md5_done,
		    json_incref(obj));
		o->md5 = NULL;
	}
	if (o->name != NULL &&
	    (rc = lf_findings_name(findings, o->name, o->name_len, &x->err)) !=
	        LF_OK)
		return rc;
	if ((rc = lf_findings_type(findings, o->type, o->subtype, o->name,
	         o->name_len, typed ? mg.mime : NULL,
	         typed ? mg.description : NULL, &x->err)) != LF_OK)
		return rc;
	if (o->dataurl.count > 0) {
		char detail[64];
		(void)snprintf(detail, sizeof(detail), "%llu data: URLs",
		    (unsigned long long)o->dataurl.count);
		json_t *f = json_pack("{s:s, s:s, s:s}", "code",
		    "content.html-data-url", "severity", "medium", "detail",
		    detail);
		if (f == NULL || json_array_append_new(findings, f) != 0)
			return lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	if (!o->sniffed) {
		o->sniffed = true;
		o->container =
		    lf_unpack_sniff(o->window.data, o->window.len, true);
	}
	if (o->w != NULL && !o->unreported && o->container == C_NONE &&
	    !deserves_file(o, typed ? mg.mime : NULL)) {
		lf_store_abort(o->w);
		o->w = NULL;
	}
	if (o->w != NULL) {
		rc = lf_store_commit(o->w, res.sha256, &existed, &x->err);
		o->w = NULL;
		if (rc != LF_OK)
			return rc;
		lf_store_relpath(res.sha256, path);
		if (!o->unreported &&
		    json_object_set_new(o->record, "stored",
		        json_string(path)) != 0)
			return lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	if (o->text)
		lf_unpack_passwords(x, o);
	if (o->container != C_NONE)
		return lf_unpack_open(x, o, res.sha256);
	return LF_OK;
}

int
lf_xobj_close(struct lf_extract *x, struct object *o)
{
	int rc = finish_object(x, o);

	/*
	 * Most windows are small and every object needs one: the slot keeps
	 * the storage for the next object, unless it grew large.
	 */
	if (o->window.cap > WINDOW_KEPT)
		lf_buf_release(&o->window);
	lf_store_abort(o->w);
	o->w = NULL;
	lf_md5_batch_drop(x->o.md5_batch, o->md5);
	o->md5 = NULL;
	put_digest(x, o->d);
	o->d = NULL;
	lf_unpack_spool_release(o);
	free(o->owned_name);
	o->owned_name = NULL;
	/* Objects close innermost first: this is the last one open. */
	x->nobjs = (size_t)(o - x->objs);
	return rc;
}

static int
on_end(void *arg, const struct lf_mime_part *part)
{
	struct lf_extract *x = arg;
	struct object *o = find_object(x, part);
	int rc;

	if (o == NULL)
		return 0;
	/* An embedded block's name is known only once it is decoded. */
	if (part->kind == LF_MIME_EMBEDDED && part->name != NULL &&
	    json_object_get(o->record, "name") == NULL) {
		json_t *nm = json_object();
		if (nm == NULL ||
		    json_object_set_new(o->record, "name", nm) != 0 ||
		    lf_json_set_name(nm, "raw", part->name_raw,
		        part->name_raw_len, &x->err) != LF_OK ||
		    lf_json_set_name(nm, "decoded", part->name, part->name_len,
		        &x->err) != LF_OK)
			return fail(x, LF_E_NOMEM);
		o->name = part->name;
		o->name_len = part->name_len;
	}
	rc = lf_xobj_close(x, o);
	return rc != LF_OK ? fail(x, rc) : 0;
}

void
lf_xobj_anomaly(struct lf_extract *x, const char *path,
    const struct lf_anomaly *a)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:I, s:s}", "code", a->code, "severity",
	    lf_severity_name(a->severity), "offset", (json_int_t)a->offset,
	    "part", path);
	if (j != NULL && a->detail != NULL)
		(void)lf_json_set_name(j, "detail", (const uint8_t *)a->detail,
		    strlen(a->detail), NULL);
	if (j == NULL || json_array_append_new(x->anomalies, j) != 0)
		(void)fail(x, lf_error_set(&x->err, LF_E_NOMEM, "report"));
}

static void
on_anomaly(void *arg, const struct lf_mime_part *part,
    const struct lf_anomaly *a)
{
	lf_xobj_anomaly(arg, part != NULL ? part->path : "", a);
}

static const struct lf_mime_handler handler = {on_header, on_begin, on_data,
    on_end, on_anomaly};

int
lf_extract_new(const struct lf_extract_opts *opts, struct lf_extract **out,
    struct lf_error *err)
{
	struct lf_extract *x;
	int i, rc;

	if (opts->limits == NULL || opts->algs == 0)
		return lf_error_set(err, LF_E_INVAL, "extract: bad options");
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->objs = calloc(MAX_OPEN, sizeof(*x->objs))) == NULL) {
		free(x);
		return lf_error_set(err, LF_E_NOMEM, "extract");
	}
	x->o = *opts;
	/* SHA-256 names objects in the store and in the report: always. */
	x->algs = opts->algs | LF_DIGEST_BIT(LF_SHA256);
	x->dalgs = x->algs;
	if (opts->md5_batch != NULL)
		x->dalgs &= ~LF_DIGEST_BIT(LF_MD5);
	for (i = 0; i < NFIELDS; i++)
		lf_buf_init(&x->fields[i].raw,
		    (size_t)opts->limits->header_bytes);
	if ((rc = lf_digest_new(LF_DIGEST_BIT(LF_SHA256), &x->msg, err)) !=
	    LF_OK) {
		lf_extract_free(x);
		return rc;
	}
	*out = x;
	return LF_OK;
}

static void
reset_message(struct lf_extract *x)
{
	size_t i;
	int k;

	for (i = 0; i < x->nobjs; i++) {
		put_digest(x, x->objs[i].d);
		lf_md5_batch_drop(x->o.md5_batch, x->objs[i].md5);
		lf_unpack_spool_release(&x->objs[i]);
		free(x->objs[i].owned_name);
		x->objs[i].owned_name = NULL;
		lf_store_abort(x->objs[i].w);
		lf_buf_release(&x->objs[i].window);
	}
	x->nobjs = 0;
	lf_store_abort(x->msgw);
	x->msgw = NULL;
	json_decref(x->report);
	json_decref(x->parts);
	json_decref(x->headers);
	json_decref(x->anomalies);
	x->report = x->parts = x->headers = x->anomalies = NULL;
	for (k = 0; k < NFIELDS; k++) {
		x->fields[k].seen = false;
		lf_buf_reset(&x->fields[k].raw);
	}
	x->nparts = x->nattachments = 0;
	x->direct = NULL;
	x->fed = 0;
	lf_unpack_reset(x);
	x->rc = LF_OK;
}

int
lf_extract_begin(struct lf_extract *x, const uint8_t *source, size_t n,
    uint64_t mbox_offset, struct lf_error *err)
{
	int rc;

	reset_message(x);
	x->report = lf_json_doc_new(LF_EXTRACT_FORMAT,
	    LF_EXTRACT_FORMAT_VERSION, x->o.tool != NULL ? x->o.tool : "lf");
	x->parts = json_array();
	x->headers = json_array();
	x->anomalies = json_array();
	if (x->report == NULL || x->parts == NULL || x->headers == NULL ||
	    x->anomalies == NULL) {
		json_decref(x->parts);
		json_decref(x->headers);
		json_decref(x->anomalies);
		x->parts = x->headers = x->anomalies = NULL;
		return lf_error_set(err, LF_E_NOMEM, "report");
	}
	if ((rc = lf_json_set_name(x->report, "source", source, n, err)) !=
	    LF_OK)
		return rc;
	if (mbox_offset != LF_NO_OFFSET &&
	    json_object_set_new(x->report, "mbox_offset",
	        json_integer((json_int_t)mbox_offset)) != 0)
		return lf_error_set(err, LF_E_NOMEM, "report");
	if ((rc = lf_digest_reset(x->msg, LF_SIZE_UNKNOWN, err)) != LF_OK)
		return rc;
	if (x->o.store != NULL &&
	    (rc = lf_store_begin(x->o.store, &x->msgw, err)) != LF_OK)
		return rc;
	if (x->mp != NULL)
		return lf_mime_parser_reset(x->mp, err);
	return lf_mime_parser_new(x->o.limits, &handler, x, &x->mp, err);
}

/*
 * An Outlook .msg or a TNEF file given as the message itself (users save
 * suspect mail from Outlook as .msg): no MIME to parse, the whole input
 * is part 1, a container whose entries follow.
 */
static int
container_input(struct lf_extract *x, const uint8_t *p, size_t n)
{
	enum container_kind k = lf_unpack_sniff(p, n, false);
	const char *type = k == C_MSG ? "application/x-ole-storage" :
	                                "application/vnd.ms-tnef";
	json_t *r;
	int rc;

	if (k != C_MSG && k != C_TNEF)
		return LF_OK;
	r = json_pack("{s:s, s:s, s:I, s:s, s:b, s:b}", "path", "1", "kind",
	    "leaf", "offset", (json_int_t)0, "type", type, "type_declared", 0,
	    "attachment", 1);
	if (r == NULL || json_array_append_new(x->parts, r) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if ((rc = lf_xobj_open(x, r, &x->direct)) != LF_OK)
		return rc;
	(void)snprintf(x->direct->type, sizeof(x->direct->type), "application");
	(void)snprintf(x->direct->subtype, sizeof(x->direct->subtype), "%s",
	    strchr(type, '/') + 1);
	x->direct->attachment = true;
	x->nparts++;
	x->nattachments++;
	return lf_xobj_begin(x, x->direct);
}

/* The message's fields, from what the container said of itself. */
static void
fields_from_container(struct lf_extract *x, const json_t *record)
{
	static const struct {
		const char *prop;
		int field;
	} map[] = {{"from", F_FROM}, {"to", F_TO}, {"cc", F_CC},
	    {"subject", F_SUBJECT}, {"date", F_DATE},
	    {"message-id", F_MESSAGE_ID}};
	const json_t *props =
	    json_object_get(json_object_get(record, "container"), "properties");
	const json_t *v, *item;
	size_t i, k;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct field *f = &x->fields[map[i].field];
		if ((v = json_object_get(props, map[i].prop)) == NULL)
			continue;
		f->seen = true;
		lf_buf_reset(&f->raw);
		if (json_is_string(v)) {
			(void)lf_buf_append(&f->raw, json_string_value(v),
			    json_string_length(v), NULL);
			continue;
		}
		json_array_foreach(v, k, item)
		{
			if (!json_is_string(item))
				continue;
			if (f->raw.len > 0)
				(void)lf_buf_append(&f->raw, ", ", 2, NULL);
			(void)lf_buf_append(&f->raw, json_string_value(item),
			    json_string_length(item), NULL);
		}
	}
}

int
lf_extract_feed(struct lf_extract *x, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	int rc;

	if (x->rc != LF_OK)
		goto failed;
	if ((rc = lf_digest_update(x->msg, p, n, err)) != LF_OK)
		return fail(x, rc);
	if (x->msgw != NULL &&
	    (rc = lf_store_write(x->msgw, p, n, err)) != LF_OK)
		return fail(x, rc);
	if (x->fed == 0 && (rc = container_input(x, p, n)) != LF_OK)
		return fail(x, rc);
	x->fed += n;
	if (x->direct != NULL) {
		if (lf_xobj_data(x, x->direct, p, n) != LF_OK)
			goto failed;
		return LF_OK;
	}
	rc = lf_mime_feed(x->mp, p, n);
	if (x->rc != LF_OK)
		goto failed;
	if (rc != LF_OK)
		return fail(x, lf_error_set(err, rc, "mime: out of memory"));
	return LF_OK;
failed:
	if (err != NULL)
		*err = x->err;
	return x->rc;
}

static int
add_fields(struct lf_extract *x, json_t *report)
{
	struct lf_date d;
	char utc[32], offset[16];
	json_t *date;
	int i, rc;

	for (i = 0; i < NFIELDS; i++) {
		struct field *f = &x->fields[i];
		if (!f->seen) {
			if (json_object_set_new(report, field_keys[i],
			        json_null()) != 0)
				return lf_error_set(&x->err, LF_E_NOMEM,
				    "report");
			continue;
		}
		if (i != F_DATE) {
			if ((rc = set_text(report, field_keys[i], f->raw.data,
			         f->raw.len, x)) != LF_OK)
				return rc;
			continue;
		}
		date = json_object();
		if (date == NULL ||
		    json_object_set_new(report, "date", date) != 0 ||
		    lf_json_set_name(date, "raw", f->raw.data, f->raw.len,
		        &x->err) != LF_OK)
			return lf_error_set(&x->err, LF_E_NOMEM, "report");
		if (lf_date_parse(f->raw.data, f->raw.len, &d, NULL) != LF_OK)
			continue;
		lf_date_rfc3339(d.utc, utc);
		(void)snprintf(offset, sizeof(offset), "%c%02d%02d",
		    d.offset < 0 || d.zone_unknown ? '-' : '+',
		    abs(d.offset) / 60, abs(d.offset) % 60);
		if (json_object_set_new(date, "utc", json_string(utc)) != 0 ||
		    json_object_set_new(date, "offset", json_string(offset)) !=
		        0)
			return lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	return LF_OK;
}

int
lf_extract_end(struct lf_extract *x, json_t **out, struct lf_error *err)
{
	struct lf_digest_result res;
	char hex[65], path[LF_STORE_PATH_MAX];
	json_t *msg, *counts;
	int rc;

	if (x->rc != LF_OK)
		goto failed;
	if (x->direct != NULL) {
		json_t *record = json_incref(x->direct->record);
		rc = lf_xobj_close(x, x->direct);
		x->direct = NULL;
		if (rc == LF_OK)
			fields_from_container(x, record);
		json_decref(record);
		if (rc != LF_OK)
			return fail(x, rc);
	} else {
		rc = lf_mime_finish(x->mp);
	}
	if (x->rc != LF_OK)
		goto failed;
	if (rc != LF_OK)
		return fail(x, lf_error_set(err, rc, "mime: out of memory"));
	if ((rc = lf_digest_final(x->msg, &res, err)) != LF_OK)
		return fail(x, rc);
	lf_hex(hex, res.sha256, 32);
	msg = json_pack("{s:I, s:s}", "size", (json_int_t)res.size, "sha256",
	    hex);
	if (msg == NULL || json_object_set_new(x->report, "message", msg) != 0)
		return fail(x, lf_error_set(err, LF_E_NOMEM, "report"));
	if (x->msgw != NULL) {
		rc = lf_store_commit(x->msgw, res.sha256, NULL, err);
		x->msgw = NULL;
		if (rc != LF_OK)
			return fail(x, rc);
		lf_store_relpath(res.sha256, path);
		if (json_object_set_new(msg, "stored", json_string(path)) != 0)
			return fail(x, lf_error_set(err, LF_E_NOMEM, "report"));
	}
	if ((rc = add_fields(x, x->report)) != LF_OK)
		goto failed_rc;
	counts = json_pack("{s:I, s:I, s:I}", "parts", (json_int_t)x->nparts,
	    "attachments", (json_int_t)x->nattachments, "anomalies",
	    (json_int_t)json_array_size(x->anomalies));
	if (counts == NULL ||
	    json_object_set_new(x->report, "counts", counts) != 0 ||
	    json_object_set(x->report, "headers", x->headers) != 0 ||
	    json_object_set(x->report, "parts", x->parts) != 0 ||
	    json_object_set(x->report, "anomalies", x->anomalies) != 0)
		return fail(x, lf_error_set(err, LF_E_NOMEM, "report"));
	json_decref(x->headers);
	json_decref(x->parts);
	json_decref(x->anomalies);
	x->headers = x->parts = x->anomalies = NULL;
	*out = x->report;
	x->report = NULL;
	return LF_OK;
failed_rc:
	(void)fail(x, rc);
failed:
	if (err != NULL)
		*err = x->err;
	return x->rc;
}

void
lf_extract_free(struct lf_extract *x)
{
	size_t i;
	int k;

	if (x == NULL)
		return;
	reset_message(x);
	for (i = 0; x->objs != NULL && i < MAX_OPEN; i++)
		lf_buf_release(&x->objs[i].window);
	lf_unpack_free(x);
	lf_mime_parser_free(x->mp);
	for (i = 0; i < x->npool; i++)
		lf_digest_free(x->pool[i]);
	free(x->pool);
	for (k = 0; k < NFIELDS; k++)
		lf_buf_release(&x->fields[k].raw);
	lf_digest_free(x->msg);
	free(x->objs);
	free(x);
}
