/*
 * lf_unpack.c: the containers among a message's objects, opened.
 *
 * An object whose first bytes show an archive, an Outlook .msg or TNEF
 * has its bytes kept (spooled) as they stream; once it is complete and
 * recorded, its reader reports its entries, and each entry becomes an
 * object of its own: digests, type, findings, a file in the store, and,
 * being an object, possibly a container in turn.  Entries are records of
 * the report's parts, with the container's part path, ">" and the
 * entry's path in the container: "2>1", "2>attach/1>3".
 *
 * Limits count what the readers produce, never what containers declare:
 * bytes per container against its own size (container-ratio, past the
 * first MiB), bytes of all containers of the message (container-total),
 * entries (container-entries, in the readers), nesting (container-depth).
 * A container inside itself (the same SHA-256 already open) is not
 * opened again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/archive.h"
#include "lf/cfb.h"
#include "lf/json.h"
#include "lf/msg.h"
#include "lf/source.h"
#include "lf/text.h"
#include "lf/tnef.h"
#include "lf_extract_impl.h"

#define SPOOL_MEMORY (1024 * 1024)
#define RATIO_FREE (1024 * 1024) /* bytes any container may produce */

/* The passwords always tried, after those the message gives. */
static const char *const usual_passwords[] = {"infected", "malware", "virus"};

/* ---- sniffing ---- */

static bool
at(const uint8_t *p, size_t n, size_t off, const char *sig, size_t len)
{
	return n >= off + len && memcmp(p + off, sig, len) == 0;
}

enum container_kind
lf_unpack_sniff(const uint8_t *p, size_t n, bool complete)
{
	(void)complete;
	if (p == NULL)
		return C_NONE;
	if (at(p, n, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return C_MSG;
	if (at(p, n, 0, "\x78\x9f\x3e\x22", 4))
		return C_TNEF;
	if (at(p, n, 0, "PK\x03\x04", 4) || at(p, n, 0, "PK\x05\x06", 4) ||
	    at(p, n, 0, "PK\x07\x08", 4) ||
	    at(p, n, 0, "7z\xbc\xaf\x27\x1c", 6) ||
	    at(p, n, 0, "Rar!\x1a\x07", 6) || at(p, n, 0, "\x1f\x8b", 2) ||
	    at(p, n, 0, "BZh", 3) ||
	    at(p, n, 0,
	        "\xfd"
	        "7zXZ\x00",
	        6) ||
	    at(p, n, 0, "\x28\xb5\x2f\xfd", 4) ||
	    at(p, n, 0, "\x04\x22\x4d\x18", 4) || at(p, n, 0, "MSCF", 4) ||
	    at(p, n, 0, "!<arch>\n", 8) || at(p, n, 0, "070707", 6) ||
	    at(p, n, 0, "070701", 6) || at(p, n, 0, "070702", 6) ||
	    at(p, n, 0, "\xc7\x71", 2) || at(p, n, 0, "\x71\xc7", 2) ||
	    at(p, n, 257, "ustar", 5) || at(p, n, 32769, "CD001", 5) ||
	    (n >= 7 && p[2] == '-' && p[3] == 'l' && p[4] == 'h' &&
	        p[6] == '-'))
		return C_ARCHIVE;
	return C_NONE;
}

bool
lf_unpack_maybe_late(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < SNIFF_EARLY; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ---- spooling ---- */

void
lf_unpack_spool_start(struct lf_extract *x, struct object *o)
{
	struct spool *s = &o->spool;

	if (x->cdepth >= x->o.limits->container_depth)
		return; /* it will not be opened: lf_unpack_open says so */
	s->active = true;
	lf_spool_init(&s->sp, SPOOL_MEMORY, x->o.limits->container_size);
	lf_unpack_spool(x, o, o->window.data, o->window.len);
}

void
lf_unpack_spool(struct lf_extract *x, struct object *o, const uint8_t *p,
    size_t n)
{
	(void)x;
	if (o->spool.active)
		lf_spool_write(&o->spool.sp, p, n);
}

void
lf_unpack_spool_release(struct object *o)
{
	if (o->spool.active)
		lf_spool_release(&o->spool.sp);
	o->spool.active = false;
}

/* ---- passwords ---- */

/* The texts are searched for passwords only once an archive needs one. */
#define TEXTS_KEPT (256 * 1024)

static void
found_password(void *arg, const char *candidate)
{
	struct lf_extract *x = arg;
	size_t i;

	for (i = 0; i < x->nfound; i++)
		if (strcmp(x->found[i], candidate) == 0)
			return;
	if (x->nfound < MAX_FOUND_PASSWORDS &&
	    (x->found[x->nfound] = strdup(candidate)) != NULL)
		x->nfound++;
}

void
lf_unpack_passwords(struct lf_extract *x, const struct object *o)
{
	size_t room, n;

	if (o->window.data == NULL || x->texts.max == 0)
		return;
	room = x->texts.max - x->texts.len;
	n = o->window.len + 1 < room ? o->window.len : room > 0 ? room - 1 : 0;
	if (n > 0 && lf_buf_append(&x->texts, o->window.data, n, NULL) == LF_OK)
		(void)lf_buf_append(&x->texts, "\n", 1, NULL);
}

void
lf_unpack_reset(struct lf_extract *x)
{
	size_t i;

	for (i = 0; i < x->nfound; i++)
		free(x->found[i]);
	x->nfound = 0;
	x->scanned = false;
	free(x->candidates);
	x->candidates = NULL;
	/* The storage is kept for the next message. */
	if (x->texts.max == 0)
		lf_buf_init(&x->texts, TEXTS_KEPT);
	lf_buf_reset(&x->texts);
	x->cdepth = 0;
	x->cbytes = 0;
}

void
lf_unpack_free(struct lf_extract *x)
{
	lf_buf_release(&x->texts);
}

/* ---- reading a container ---- */

/* One container being read: the state its reader's events share. */
struct level {
	struct lf_extract *x;
	struct object *host;
	char path[LF_MIME_PATH_MAX + 8]; /* the host's part path */
	json_t *container;               /* the host record's "container" */
	size_t base;                     /* objects open below its entries */
	uint64_t size, out;              /* its bytes, the bytes it gave */
	uint64_t entries;
	int stop; /* the limit that stopped it: LF_E_LIMIT */
};

static const char *
kind_name(enum lf_entry_kind k)
{
	switch (k) {
	case LF_ENTRY_BODY:
		return "body";
	case LF_ENTRY_MESSAGE:
		return "message";
	case LF_ENTRY_FILE:
		break;
	}
	return "entry";
}

static void
level_anomaly(struct level *lv, const struct lf_entry *e, const char *code,
    enum lf_severity sev, uint64_t offset, const char *detail)
{
	struct lf_anomaly a = {code, sev, offset, detail};
	char path[LF_MIME_PATH_MAX + LF_ENTRY_PATH_MAX + 8];

	if (e != NULL)
		(void)snprintf(path, sizeof(path), "%s>%s", lv->path, e->path);
	else
		(void)snprintf(path, sizeof(path), "%s", lv->path);
	lf_xobj_anomaly(lv->x, path, &a);
}

/* The open object of entry e, above the level's base. */
static struct object *
entry_object(struct level *lv, const struct lf_entry *e)
{
	size_t i;

	for (i = lv->x->nobjs; i-- > lv->base;)
		if (lv->x->objs[i].part == NULL &&
		    strcmp(lv->x->objs[i].entry, e->path) == 0)
			return &lv->x->objs[i];
	return NULL;
}

/*
 * What the container declares of an entry it cannot open: "crc32" (8
 * hex digits, or null when it stores none) and "compressed_size".
 */
static int
entry_declared(json_t *r, const struct lf_entry *e)
{
	char hex[9];

	if (e->has_compressed_size && e->compressed_size <= INT64_MAX &&
	    json_object_set_new(r, "compressed_size",
	        json_integer((json_int_t)e->compressed_size)) != 0)
		return LF_E_NOMEM;
	if (e->crc == LF_ENTRY_CRC_DECLARED) {
		(void)snprintf(hex, sizeof(hex), "%08" PRIx32, e->crc32);
		if (json_object_set_new(r, "crc32", json_string(hex)) != 0)
			return LF_E_NOMEM;
	} else if (e->crc == LF_ENTRY_CRC_NOT_STORED &&
	    json_object_set_new(r, "crc32", json_null()) != 0) {
		return LF_E_NOMEM;
	}
	return LF_OK;
}

static int
entry_record(struct level *lv, const struct lf_entry *e, json_t **out)
{
	struct lf_extract *x = lv->x;
	char path[LF_MIME_PATH_MAX + LF_ENTRY_PATH_MAX + 8];
	json_t *r, *c, *nm;
	int rc = LF_OK;

	(void)snprintf(path, sizeof(path), "%s>%s", lv->path, e->path);
	r = json_pack("{s:s, s:s}", "path", path, "kind", kind_name(e->kind));
	c = json_pack("{s:s, s:s}", "path", e->path, "role",
	    e->role != NULL ? e->role : "");
	if (r == NULL || c == NULL || json_object_set_new(r, "entry", c) != 0) {
		json_decref(r);
		json_decref(c);
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	if (e->mime_type != NULL &&
	    json_object_set_new(r, "type", json_string(e->mime_type)) != 0)
		rc = LF_E_NOMEM;
	if (rc == LF_OK && e->declared_size != UINT64_MAX &&
	    json_object_set_new(r, "declared_size",
	        json_integer((json_int_t)e->declared_size)) != 0)
		rc = LF_E_NOMEM;
	if (rc == LF_OK)
		rc = entry_declared(r, e);
	if (rc == LF_OK && e->name_raw != NULL) {
		nm = json_object();
		if (nm == NULL || json_object_set_new(r, "name", nm) != 0)
			rc = LF_E_NOMEM;
		else if ((rc = lf_json_set_name(nm, "raw", e->name_raw,
		              e->name_raw_len, &x->err)) == LF_OK &&
		    e->name != NULL)
			rc = lf_json_set_name(nm, "decoded",
			    (const uint8_t *)e->name, e->name_len, &x->err);
	}
	if (rc == LF_OK &&
	    (json_object_set_new(r, "attachment",
	         json_boolean(e->kind != LF_ENTRY_BODY)) != 0 ||
	        json_array_append_new(x->parts, json_incref(r)) != 0))
		rc = LF_E_NOMEM;
	if (rc != LF_OK) {
		json_decref(r);
		return rc == LF_E_NOMEM ?
		    lf_error_set(&x->err, LF_E_NOMEM, "report") :
		    rc;
	}
	*out = r;
	return LF_OK;
}

static void
split_type(struct object *o, const char *mime)
{
	const char *slash = mime != NULL ? strchr(mime, '/') : NULL;

	if (slash == NULL)
		return;
	(void)snprintf(o->type, sizeof(o->type), "%.*s", (int)(slash - mime),
	    mime);
	(void)snprintf(o->subtype, sizeof(o->subtype), "%s", slash + 1);
	for (char *c = o->type; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	for (char *c = o->subtype; *c != '\0'; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
}

static int
ev_begin(void *arg, const struct lf_entry *e)
{
	struct level *lv = arg;
	struct lf_extract *x = lv->x;
	const uint8_t *name;
	struct object *o;
	json_t *r;
	int rc;

	x->nparts++;
	if (e->kind != LF_ENTRY_BODY)
		x->nattachments++;
	if (++lv->entries > x->o.limits->container_entries) {
		level_anomaly(lv, NULL, "container.too-many-entries",
		    LF_SEV_MEDIUM, 0, "past limit container-entries");
		return lv->stop = LF_E_LIMIT;
	}
	if (x->o.attachments_only && e->kind == LF_ENTRY_BODY)
		return 0;
	if ((rc = entry_record(lv, e, &r)) != LF_OK)
		return rc;
	if (e->no_data) {
		json_decref(r);
		return 0;
	}
	rc = lf_xobj_open(x, r, &o);
	json_decref(r);
	if (rc != LF_OK)
		return rc;
	(void)snprintf(o->entry, sizeof(o->entry), "%s", e->path);
	name = e->name != NULL ? (const uint8_t *)e->name : e->name_raw;
	o->name_len = e->name != NULL ? e->name_len : e->name_raw_len;
	if (name != NULL) {
		if ((o->owned_name = malloc(o->name_len + 1)) == NULL)
			return lf_error_set(&x->err, LF_E_NOMEM, "report");
		memcpy(o->owned_name, name, o->name_len);
		o->owned_name[o->name_len] = '\0';
		o->name = o->owned_name;
	}
	split_type(o, e->mime_type);
	o->attachment = e->kind != LF_ENTRY_BODY;
	o->text = e->kind == LF_ENTRY_BODY;
	o->html = e->role != NULL && strcmp(e->role, "body.html") == 0;
	o->inline_plain = e->role != NULL && strcmp(e->role, "body.plain") == 0;
	return lf_xobj_begin(x, o);
}

static int
ev_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct level *lv = arg;
	struct lf_extract *x = lv->x;
	const struct lf_limits *l = x->o.limits;
	struct object *o;
	uint64_t allowed;

	lv->out += n;
	x->cbytes += n;
	allowed = UINT64_MAX;
	if (lv->size <= UINT64_MAX / l->container_ratio)
		allowed = lv->size * l->container_ratio;
	if (allowed < RATIO_FREE)
		allowed = RATIO_FREE;
	if (lv->out > allowed) {
		level_anomaly(lv, e, "container.ratio", LF_SEV_HIGH, 0,
		    "past limit container-ratio: a decompression bomb?");
		return lv->stop = LF_E_LIMIT;
	}
	if (x->cbytes > l->container_total) {
		level_anomaly(lv, e, "container.total", LF_SEV_HIGH, 0,
		    "past limit container-total");
		return lv->stop = LF_E_LIMIT;
	}
	if ((o = entry_object(lv, e)) == NULL)
		return 0;
	return lf_xobj_data(x, o, p, n);
}

static int
ev_end(void *arg, const struct lf_entry *e)
{
	struct level *lv = arg;
	struct object *o = entry_object(lv, e);
	int rc = LF_OK;

	/* Entries inside it that never ended close with it. */
	while (o != NULL && rc == LF_OK && &lv->x->objs[lv->x->nobjs - 1] != o)
		rc = lf_xobj_close(lv->x, &lv->x->objs[lv->x->nobjs - 1]);
	if (o != NULL && rc == LF_OK)
		rc = lf_xobj_close(lv->x, o);
	return rc;
}

/* A property's value: a string, or {"hex"} when it is not UTF-8. */
static json_t *
property_value(const char *value, size_t n)
{
	char *hex;
	json_t *v;

	if (lf_utf8_valid((const uint8_t *)value, n))
		return json_stringn(value, n);
	if ((hex = malloc(2 * n + 1)) == NULL)
		return NULL;
	lf_hex(hex, (const uint8_t *)value, n);
	v = json_pack("{s:s}", "hex", hex);
	free(hex);
	return v;
}

/* name: value in obj's "properties"; a second value makes an array. */
static int
add_property(struct lf_extract *x, json_t *obj, const char *name,
    const char *value, size_t n)
{
	json_t *props = json_object_get(obj, "properties"), *old, *arr, *v;

	if (props == NULL &&
	    ((props = json_object()) == NULL ||
	        json_object_set_new(obj, "properties", props) != 0))
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if ((v = property_value(value, n)) == NULL)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if ((old = json_object_get(props, name)) == NULL)
		return json_object_set_new(props, name, v) == 0 ?
		    LF_OK :
		    lf_error_set(&x->err, LF_E_NOMEM, "report");
	arr = old;
	if (!json_is_array(old) &&
	    ((arr = json_array()) == NULL || json_array_append(arr, old) != 0 ||
	        json_object_set_new(props, name, arr) != 0)) {
		json_decref(v);
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	}
	if (json_array_append_new(arr, v) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	return LF_OK;
}

static int
ev_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct level *lv = arg;
	struct object *o;

	if (e == NULL) {
		if (strcmp(name, "format") == 0)
			return json_object_set_new(lv->container, "format",
			           json_stringn(value, n)) == 0 ?
			    LF_OK :
			    lf_error_set(&lv->x->err, LF_E_NOMEM, "report");
		return add_property(lv->x, lv->container, name, value, n);
	}
	if ((o = entry_object(lv, e)) == NULL)
		return 0;
	return add_property(lv->x, o->record, name, value, n);
}

static void
ev_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	struct level *lv = arg;

	level_anomaly(lv, e, a->code, a->severity, a->offset, a->detail);
}

static const struct lf_container_events events = {ev_begin, ev_data, ev_end,
    ev_property, ev_anomaly};

static const char *
format_of(enum container_kind k)
{
	switch (k) {
	case C_MSG:
		return "outlook-msg";
	case C_TNEF:
		return "tnef";
	case C_ARCHIVE:
	case C_NONE:
		break;
	}
	return "archive";
}

/*
 * The passwords to try, asked for by an archive with an encrypted member:
 * those the message's texts give first, then the usual ones and the
 * caller's list.
 */
static const char *const *
candidates(void *arg, size_t *n)
{
	struct lf_extract *x = arg;
	size_t nu = sizeof(usual_passwords) / sizeof(usual_passwords[0]);
	size_t k = 0, i;

	if (!x->scanned) {
		x->scanned = true;
		if (x->texts.data != NULL)
			lf_password_scan(x->texts.data, x->texts.len,
			    found_password, x);
	}
	free(x->candidates);
	x->candidates = calloc(x->nfound + nu + x->o.npasswords + 1,
	    sizeof(*x->candidates));
	if (x->candidates == NULL) {
		*n = 0;
		return NULL;
	}
	for (i = 0; i < x->nfound; i++)
		x->candidates[k++] = x->found[i];
	for (i = 0; i < nu; i++)
		x->candidates[k++] = usual_passwords[i];
	for (i = 0; i < x->o.npasswords; i++)
		x->candidates[k++] = x->o.passwords[i];
	*n = k;
	return x->candidates;
}

static int
read_container(struct level *lv, const struct lf_source *src)
{
	struct lf_extract *x = lv->x;
	struct lf_error err;
	int rc;

	switch (lv->host->container) {
	case C_ARCHIVE:
		rc = lf_archive_read(src, x->o.limits, candidates, x, &events,
		    lv, &err);
		break;
	case C_MSG:
		rc = lf_msg_read(src, x->o.limits, &events, lv, &err);
		break;
	case C_TNEF:
		rc = lf_tnef_read(src, x->o.limits, &events, lv, &err);
		break;
	case C_NONE:
	default:
		return LF_OK;
	}
	if (rc == LF_E_FORMAT || rc == LF_E_IO) {
		level_anomaly(lv, NULL, "container.unreadable", LF_SEV_MEDIUM,
		    0, err.msg);
		return LF_OK;
	}
	if (rc == LF_E_LIMIT && lv->stop == LF_E_LIMIT)
		return LF_OK;
	if (rc == LF_E_NOMEM && x->err.code == LF_OK)
		x->err = err;
	return rc;
}

/*
 * Word, Excel and PowerPoint files are compound files too; an Outlook
 * message is one with a property stream at its root.
 */
static bool
is_outlook_message(struct lf_extract *x, const struct lf_source *src)
{
	struct lf_cfb *c;
	bool yes;

	if (lf_cfb_open(src, x->o.limits, NULL, NULL, &c, NULL) != LF_OK)
		return false;
	yes = lf_cfb_find(c, 0, "__properties_version1.0") != LF_CFB_NOENTRY;
	lf_cfb_free(c);
	return yes;
}

int
lf_unpack_open(struct lf_extract *x, struct object *o, const uint8_t sha256[32])
{
	struct level lv;
	struct lf_source src;
	unsigned i;
	int rc;

	if (!o->spool.active || !lf_spool_source(&o->spool.sp, &src))
		lf_source_memory(&src, o->window.data, o->window.len);
	if (o->container == C_MSG && o->spool.sp.write_errno == 0 &&
	    !o->spool.sp.over && x->cdepth < x->o.limits->container_depth &&
	    !is_outlook_message(x, &src))
		return LF_OK;
	memset(&lv, 0, sizeof(lv));
	lv.x = x;
	lv.host = o;
	(void)snprintf(lv.path, sizeof(lv.path), "%s",
	    json_string_value(json_object_get(o->record, "path")));
	if ((lv.container = json_pack("{s:s}", "format",
	         format_of(o->container))) == NULL ||
	    json_object_set_new(o->record, "container", lv.container) != 0)
		return lf_error_set(&x->err, LF_E_NOMEM, "report");
	if (x->cdepth >= x->o.limits->container_depth) {
		level_anomaly(&lv, NULL, "container.too-deep", LF_SEV_MEDIUM, 0,
		    "past limit container-depth: not opened");
		return LF_OK;
	}
	for (i = 0; i < x->cdepth && i < 16; i++) {
		if (memcmp(x->open_sha256[i], sha256, 32) == 0) {
			level_anomaly(&lv, NULL, "container.recursive",
			    LF_SEV_HIGH, 0, "holds itself: not opened again");
			return LF_OK;
		}
	}
	if (o->spool.active && o->spool.sp.over) {
		level_anomaly(&lv, NULL, "container.too-large", LF_SEV_MEDIUM,
		    0, "past limit container-size: not opened");
		return LF_OK;
	}
	if (o->spool.active && o->spool.sp.write_errno != 0)
		return lf_error_sys(&x->err, o->spool.sp.write_errno,
		    "cannot keep a container's bytes aside");
	lv.size = src.size;
	lv.base = x->nobjs;
	if (x->cdepth < 16)
		memcpy(x->open_sha256[x->cdepth], sha256, 32);
	x->cdepth++;
	rc = read_container(&lv, &src);
	x->cdepth--;
	/* A reader stopped by a limit leaves entries open: they end here. */
	while (x->nobjs > lv.base && (rc == LF_OK || rc == LF_E_LIMIT)) {
		struct object *top = &x->objs[x->nobjs - 1];
		if (json_object_set_new(top->record, "truncated",
		        json_true()) != 0)
			rc = lf_error_set(&x->err, LF_E_NOMEM, "report");
		else
			rc = lf_xobj_close(x, top);
	}
	while (x->nobjs > lv.base)
		(void)lf_xobj_close(x, &x->objs[x->nobjs - 1]);
	if (rc == LF_OK &&
	    json_object_set_new(lv.container, "entries",
	        json_integer((json_int_t)lv.entries)) != 0)
		rc = lf_error_set(&x->err, LF_E_NOMEM, "report");
	return rc == LF_E_LIMIT ? LF_OK : rc;
}
