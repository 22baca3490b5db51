/*
 * lf_custody.c: a custody event and its one line (lf/custody.h).
 *
 * The line is written by lf_jsonw, and read back by jansson only to be
 * written again: a line is accepted when the second writing gives the
 * same bytes.  So a line has exactly one form, what a verifier hashes and
 * signs is what a reader sees (no duplicate member, no second spelling of
 * a string), and the signed bytes can be cut out of the line with sed.
 */
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/custody.h"
#include "lf/date.h"
#include "lf/jsonw.h"
#include "lf/sign.h"
#include "lf/text.h"

#define MEMBERS 14
#define OFFSET_MAX (23 * 60 + 59)
/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define TIME_MIN (-62167219200LL)
#define TIME_MAX 253402300799LL

static const char *const action_names[LF_CUSTODY_ACTIONS] = {"acquired",
    "extracted", "analysed", "packed", "verified", "transferred", "submitted",
    "receipt", "result", "followed-up", "closed", "note"};

/* The DER SubjectPublicKeyInfo of an Ed25519 key, before the key. */
static const uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
    0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

const char *
lf_custody_action_name(enum lf_custody_action a)
{
	if ((unsigned)a >= LF_CUSTODY_ACTIONS)
		return NULL;
	return action_names[a];
}

int
lf_custody_action_parse(const char *s, enum lf_custody_action *out)
{
	int i;

	for (i = 0; i < LF_CUSTODY_ACTIONS; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum lf_custody_action)i;
			return LF_OK;
		}
	return LF_E_INVAL;
}

int
lf_custody_key_fingerprint(const uint8_t key[LF_ED25519_PUB_LEN],
    uint8_t out[LF_SIGKEY_FPR_LEN], struct lf_error *err)
{
	uint8_t der[sizeof(spki_prefix) + LF_ED25519_PUB_LEN];
	uint8_t md[EVP_MAX_MD_SIZE];

	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), key, LF_ED25519_PUB_LEN);
	if (EVP_Digest(der, sizeof(der), md, NULL, EVP_sha256(), NULL) != 1) {
		ERR_clear_error();
		return lf_error_set(err, LF_E_CRYPTO, "sha256: cannot hash");
	}
	memcpy(out, md, LF_SIGKEY_FPR_LEN);
	return LF_OK;
}

int
lf_custody_line_hash(const uint8_t *p, size_t n,
    uint8_t out[LF_CUSTODY_HASH_LEN], struct lf_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t md[EVP_MAX_MD_SIZE];
	int rc = LF_OK;

	if (ctx == NULL)
		return lf_error_set(err, LF_E_NOMEM, "sha256");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, p, n) != 1 ||
	    EVP_DigestUpdate(ctx, "\n", 1) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, NULL) != 1) {
		ERR_clear_error();
		rc = lf_error_set(err, LF_E_CRYPTO, "sha256: cannot hash");
	} else {
		memcpy(out, md, LF_CUSTODY_HASH_LEN);
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* A string member: UTF-8, 1 to max bytes; identifiers without controls. */
static int
text_check(const char *name, const char *s, size_t max, bool nullable,
    bool controls, struct lf_error *err)
{
	size_t n, i;

	if (s == NULL) {
		if (nullable)
			return LF_OK;
		return lf_error_set(err, LF_E_INVAL, "%s: missing", name);
	}
	n = strnlen(s, max + 1);
	if (n == 0)
		return lf_error_set(err, LF_E_INVAL, "%s: empty", name);
	if (n > max)
		return lf_error_set(err, LF_E_INVAL,
		    "%s: longer than %zu bytes", name, max);
	if (!lf_utf8_valid((const uint8_t *)s, n))
		return lf_error_set(err, LF_E_INVAL, "%s: not valid UTF-8",
		    name);
	for (i = 0; !controls && i < n; i++)
		if ((uint8_t)s[i] < 0x20 || s[i] == 0x7f)
			return lf_error_set(err, LF_E_INVAL,
			    "%s: holds a control character", name);
	return LF_OK;
}

int
lf_custody_event_check(const struct lf_custody_event *ev, struct lf_error *err)
{
	int rc;

	if (ev->seq < 1 || ev->seq > LF_CUSTODY_SEQ_MAX)
		return lf_error_set(err, LF_E_INVAL, "seq: out of range");
	if (ev->time < TIME_MIN || ev->time > TIME_MAX)
		return lf_error_set(err, LF_E_INVAL,
		    "time: outside the years 0000 to 9999");
	if (ev->local_offset < -OFFSET_MAX || ev->local_offset > OFFSET_MAX)
		return lf_error_set(err, LF_E_INVAL,
		    "local_offset: beyond 23:59");
	if (lf_custody_action_name(ev->action) == NULL)
		return lf_error_set(err, LF_E_INVAL, "action: unknown");
	if (ev->nobjects > LF_CUSTODY_OBJECTS_MAX ||
	    (ev->nobjects > 0 && ev->objects == NULL))
		return lf_error_set(err, LF_E_INVAL, "objects: more than %d",
		    LF_CUSTODY_OBJECTS_MAX);
	if ((rc = text_check("actor", ev->actor, LF_CUSTODY_ACTOR_MAX, false,
	         false, err)) != LF_OK ||
	    (rc = text_check("bundle", ev->bundle, LF_CUSTODY_BUNDLE_MAX, true,
	         false, err)) != LF_OK ||
	    (rc = text_check("tool name", ev->tool_name, LF_CUSTODY_TOOL_MAX,
	         false, false, err)) != LF_OK ||
	    (rc = text_check("tool version", ev->tool_version,
	         LF_CUSTODY_TOOL_MAX, false, false, err)) != LF_OK ||
	    (rc = text_check("reason", ev->reason, LF_CUSTODY_REASON_MAX, true,
	         true, err)) != LF_OK)
		return rc;
	return LF_OK;
}

static void
put_hex(struct lf_jsonw *w, const uint8_t *p, size_t n)
{
	char hex[2 * LF_ED25519_SIG_LEN + 1];

	lf_hex(hex, p, n);
	lf_jsonw_string(w, hex, 2 * n);
}

/* The event's members up to "key", its object left open. */
static void
put_body(struct lf_jsonw *w, const struct lf_custody_event *ev)
{
	char t[32], off[7];
	/* Within +-23:59: lf_custody_event_check came first. */
	unsigned o = (unsigned)(ev->local_offset < 0 ? -ev->local_offset :
	                                               ev->local_offset);
	size_t i;

	lf_date_rfc3339(ev->time, t);
	off[0] = ev->local_offset < 0 ? '-' : '+';
	off[1] = (char)('0' + o / 600 % 10);
	off[2] = (char)('0' + o / 60 % 10);
	off[3] = ':';
	off[4] = (char)('0' + o % 60 / 10);
	off[5] = (char)('0' + o % 10);
	off[6] = '\0';
	lf_jsonw_object(w);
	lf_jsonw_key(w, "format");
	lf_jsonw_cstr(w, LF_CUSTODY_FORMAT);
	lf_jsonw_key(w, "format_version");
	lf_jsonw_int(w, LF_CUSTODY_FORMAT_VERSION);
	lf_jsonw_key(w, "seq");
	lf_jsonw_int(w, (int64_t)ev->seq);
	lf_jsonw_key(w, "time");
	lf_jsonw_cstr(w, t);
	lf_jsonw_key(w, "local_offset");
	lf_jsonw_cstr(w, off);
	lf_jsonw_key(w, "actor");
	lf_jsonw_cstr(w, ev->actor);
	lf_jsonw_key(w, "action");
	lf_jsonw_cstr(w, lf_custody_action_name(ev->action));
	lf_jsonw_key(w, "objects");
	lf_jsonw_array(w);
	for (i = 0; i < ev->nobjects; i++)
		put_hex(w, ev->objects[i], LF_CUSTODY_HASH_LEN);
	lf_jsonw_end(w);
	lf_jsonw_key(w, "bundle");
	lf_jsonw_cstr(w, ev->bundle);
	lf_jsonw_key(w, "tool");
	lf_jsonw_object(w);
	lf_jsonw_key(w, "name");
	lf_jsonw_cstr(w, ev->tool_name);
	lf_jsonw_key(w, "version");
	lf_jsonw_cstr(w, ev->tool_version);
	lf_jsonw_end(w);
	lf_jsonw_key(w, "reason");
	lf_jsonw_cstr(w, ev->reason);
	lf_jsonw_key(w, "prev");
	put_hex(w, ev->prev, LF_CUSTODY_HASH_LEN);
	lf_jsonw_key(w, "key");
	put_hex(w, ev->key, LF_ED25519_PUB_LEN);
}

int
lf_custody_event_body(const struct lf_custody_event *ev, struct lf_buf *out,
    struct lf_error *err)
{
	struct lf_jsonw w;
	int rc;

	if ((rc = lf_custody_event_check(ev, err)) != LF_OK)
		return rc;
	lf_jsonw_init(&w, out);
	put_body(&w, ev);
	lf_jsonw_end(&w);
	return lf_jsonw_finish(&w, err);
}

int
lf_custody_event_line(const struct lf_custody_event *ev, struct lf_buf *out,
    struct lf_error *err)
{
	struct lf_jsonw w;
	int rc;

	if ((rc = lf_custody_event_check(ev, err)) != LF_OK)
		return rc;
	lf_jsonw_init(&w, out);
	put_body(&w, ev);
	lf_jsonw_key(&w, "sig");
	put_hex(&w, ev->sig, LF_ED25519_SIG_LEN);
	lf_jsonw_end(&w);
	if ((rc = lf_jsonw_finish(&w, err)) != LF_OK)
		return rc;
	return lf_buf_putc(out, '\n', err);
}

int
lf_custody_event_sign(struct lf_custody_event *ev, const struct lf_sigkey *k,
    struct lf_error *err)
{
	struct lf_custody_event e = *ev;
	struct lf_buf body;
	int rc;

	if (!lf_sigkey_has_private(k))
		return lf_error_set(err, LF_E_INVAL,
		    "custody event: the key cannot sign");
	lf_sigkey_public_raw(k, e.key);
	lf_buf_init(&body, LF_CUSTODY_LINE_MAX);
	if ((rc = lf_custody_event_body(&e, &body, err)) == LF_OK &&
	    (rc = lf_sign_raw(k, body.data, body.len, e.sig, err)) == LF_OK)
		*ev = e;
	lf_buf_release(&body);
	return rc;
}

/* Exactly 2*n lowercase hex digits. */
static bool
hex_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t i;

	if (slen != 2 * n)
		return false;
	for (i = 0; i < slen; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return lf_hex_decode(s, slen, out, n) == (long)n;
}

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DDTHH:MM:SSZ", a real date and time (no leap second). */
static bool
parse_time(const char *s, size_t n, int64_t *out)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};
	int y, mo, d, h, mi, se;
	bool leap;

	if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &se))
		return false;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59)
		return false;
	*out =
	    lf_date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* "+HH:MM" or "-HH:MM". */
static bool
parse_offset(const char *s, size_t n, int *out)
{
	int h, m;

	if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
	    !digits(s + 1, 2, &h) || !digits(s + 4, 2, &m) || h > 23 || m > 59)
		return false;
	*out = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return true;
}

/* obj[key] as a string (NULL when nullable and null); false otherwise. */
static bool
get_str(json_t *obj, const char *key, bool nullable, const char **s, size_t *n)
{
	json_t *v = json_object_get(obj, key);

	if (nullable && json_is_null(v)) {
		*s = NULL;
		*n = 0;
		return true;
	}
	if (!json_is_string(v))
		return false;
	*s = json_string_value(v);
	*n = json_string_length(v);
	return strlen(*s) == *n;
}

static int
bad(struct lf_error *err, const char *member, const char *what)
{
	return lf_error_set(err, LF_E_FORMAT, "\"%s\": %s", member, what);
}

/* The members of root into pl->ev, pl->objects allocated. */
static int
members(json_t *root, struct lf_custody_parsed *pl, struct lf_error *err)
{
	static const char *const names[MEMBERS] = {"format", "format_version",
	    "seq", "time", "local_offset", "actor", "action", "objects",
	    "bundle", "tool", "reason", "prev", "key", "sig"};
	struct lf_custody_event *ev = &pl->ev;
	json_t *v, *tool;
	const char *s, *key;
	size_t n, i;
	int j;

	json_object_foreach(root, key, v)
	{
		for (j = 0; j < MEMBERS; j++)
			if (strcmp(key, names[j]) == 0)
				break;
		if (j == MEMBERS)
			return lf_error_set(err, LF_E_FORMAT,
			    "an unknown member \"%s\"", key);
	}
	for (j = 0; j < MEMBERS; j++)
		if (json_object_get(root, names[j]) == NULL)
			return bad(err, names[j], "missing");
	if (!get_str(root, "format", false, &s, &n) ||
	    strcmp(s, LF_CUSTODY_FORMAT) != 0)
		return bad(err, "format", "not " LF_CUSTODY_FORMAT);
	v = json_object_get(root, "format_version");
	if (!json_is_integer(v) ||
	    json_integer_value(v) != LF_CUSTODY_FORMAT_VERSION)
		return bad(err, "format_version", "not 1");
	v = json_object_get(root, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    (unsigned long long)json_integer_value(v) > LF_CUSTODY_SEQ_MAX)
		return bad(err, "seq", "not a number from 1 to 2^53-1");
	ev->seq = (uint64_t)json_integer_value(v);
	if (!get_str(root, "time", false, &s, &n) ||
	    !parse_time(s, n, &ev->time))
		return bad(err, "time",
		    "not an RFC 3339 UTC time "
		    "(YYYY-MM-DDTHH:MM:SSZ)");
	if (!get_str(root, "local_offset", false, &s, &n) ||
	    !parse_offset(s, n, &ev->local_offset))
		return bad(err, "local_offset", "not +HH:MM or -HH:MM");
	if (!get_str(root, "actor", false, &ev->actor, &n))
		return bad(err, "actor", "not a string");
	if (!get_str(root, "action", false, &s, &n) ||
	    lf_custody_action_parse(s, &ev->action) != LF_OK)
		return bad(err, "action", "not one of the actions");
	v = json_object_get(root, "objects");
	if (!json_is_array(v) || json_array_size(v) > LF_CUSTODY_OBJECTS_MAX)
		return bad(err, "objects", "not an array of at most 256");
	ev->nobjects = json_array_size(v);
	if (ev->nobjects > 0) {
		pl->objects = calloc(ev->nobjects, LF_CUSTODY_HASH_LEN);
		if (pl->objects == NULL)
			return lf_error_set(err, LF_E_NOMEM, "objects");
	}
	for (i = 0; i < ev->nobjects; i++) {
		json_t *o = json_array_get(v, i);
		if (!json_is_string(o) ||
		    !hex_exact(json_string_value(o), json_string_length(o),
		        pl->objects[i], LF_CUSTODY_HASH_LEN))
			return bad(err, "objects",
			    "not SHA-256s in lowercase hex");
	}
	ev->objects = (const uint8_t(*)[LF_CUSTODY_HASH_LEN])pl->objects;
	if (!get_str(root, "bundle", true, &ev->bundle, &n))
		return bad(err, "bundle", "not a string or null");
	tool = json_object_get(root, "tool");
	if (!json_is_object(tool) || json_object_size(tool) != 2 ||
	    !get_str(tool, "name", false, &ev->tool_name, &n) ||
	    !get_str(tool, "version", false, &ev->tool_version, &n))
		return bad(err, "tool", "not {\"name\", \"version\"}");
	if (!get_str(root, "reason", true, &ev->reason, &n))
		return bad(err, "reason", "not a string or null");
	if (!get_str(root, "prev", false, &s, &n) ||
	    !hex_exact(s, n, ev->prev, LF_CUSTODY_HASH_LEN))
		return bad(err, "prev", "not a SHA-256 in lowercase hex");
	if (!get_str(root, "key", false, &s, &n) ||
	    !hex_exact(s, n, ev->key, LF_ED25519_PUB_LEN))
		return bad(err, "key", "not 32 bytes in lowercase hex");
	if (!get_str(root, "sig", false, &s, &n) ||
	    !hex_exact(s, n, ev->sig, LF_ED25519_SIG_LEN))
		return bad(err, "sig", "not 64 bytes in lowercase hex");
	return LF_OK;
}

int
lf_custody_parse_line(const uint8_t *p, size_t n, struct lf_custody_parsed *out,
    struct lf_error *err)
{
	struct lf_custody_parsed pl;
	struct lf_buf again;
	json_error_t je;
	size_t i;
	int rc;

	memset(&pl, 0, sizeof(pl));
	lf_buf_init(&again, LF_CUSTODY_LINE_MAX + 1);
	if (n == 0)
		return lf_error_set(err, LF_E_FORMAT, "an empty line");
	if (n > LF_CUSTODY_LINE_MAX)
		return lf_error_set(err, LF_E_FORMAT, "longer than %d bytes",
		    LF_CUSTODY_LINE_MAX);
	pl.root = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &je);
	if (pl.root == NULL) {
		if (json_error_code(&je) == json_error_out_of_memory)
			return lf_error_set(err, LF_E_NOMEM, "json");
		return lf_error_set(err, LF_E_FORMAT, "not JSON: %s at byte %d",
		    je.text, je.position);
	}
	if (!json_is_object((json_t *)pl.root)) {
		rc = lf_error_set(err, LF_E_FORMAT, "not a JSON object");
		goto done;
	}
	if ((rc = members(pl.root, &pl, err)) != LF_OK)
		goto done;
	if ((rc = lf_custody_event_check(&pl.ev, err)) != LF_OK) {
		rc = LF_E_FORMAT;
		lf_error_prefix(err, "a member out of bounds");
		goto done;
	}
	/* The fixed form: the same bytes when written again (which can
	 * only fail for memory, or by growing past the cap, which is then
	 * a difference too). */
	rc = lf_custody_event_line(&pl.ev, &again, err);
	if (rc == LF_E_NOMEM)
		goto done;
	for (i = 0; i < n && i < again.len && p[i] == again.data[i]; i++)
		continue;
	if (rc != LF_OK || again.len != n + 1 || i != n) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "not in the fixed form (from byte %zu)", i + 1);
		goto done;
	}
	*out = pl;
	memset(&pl, 0, sizeof(pl));
done:
	lf_buf_release(&again);
	lf_custody_parsed_release(&pl);
	return rc;
}

void
lf_custody_parsed_release(struct lf_custody_parsed *pl)
{
	json_decref(pl->root);
	free(pl->objects);
	memset(pl, 0, sizeof(*pl));
}
