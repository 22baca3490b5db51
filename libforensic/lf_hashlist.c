/*
 * lf_hashlist.c: known-hash lists (coreutils, HASHDEEP-1.0, JSON Lines)
 * and the audit against them.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/hashlist.h"
#include "lf/json.h"
#include "lf/text.h"

#define NAME_BLOCK (1024 * 1024) /* names live in blocks that never move */
#define NO_ENTRY UINT32_MAX
#define HASHDEEP_MAX_COLS 16

enum list_format { FMT_UNKNOWN, FMT_COREUTILS, FMT_HASHDEEP, FMT_JSON };

enum hd_col { COL_SIZE, COL_MD5, COL_SHA1, COL_SHA256, COL_OTHER, COL_NAME };

struct entry {
	struct lf_known k;
	bool seen;
};

struct name_block {
	struct name_block *next;
	size_t used;
	size_t size;
	uint8_t data[];
};

struct table {
	uint32_t *slot; /* entry indices, NO_ENTRY when empty */
	size_t mask;
};

struct lf_hashlist {
	const struct lf_limits *limits;
	struct entry *e;
	size_t n, cap;
	unsigned algs;
	struct name_block *names;
	char **sources; /* copies of the source names */
	size_t nsources;
	bool indexed; /* tables below match the entries */
	struct table by_name;
	struct table by_digest[LF_DIGEST_NALGS];
};

/* Parsing state of one input. */
struct loader {
	struct lf_hashlist *hl;
	const char *source;
	uint64_t line;
	lf_hashlist_warn_fn warn;
	void *arg;
	enum list_format fmt;
	enum hd_col cols[HASHDEEP_MAX_COLS];
	int ncols; /* 0 until a "%%%% size,..." line */
};

static const uint8_t *
known_raw(const struct lf_known *k, enum lf_digest_alg a)
{
	switch (a) {
	case LF_MD5:
		return k->md5;
	case LF_SHA1:
		return k->sha1;
	case LF_SHA256:
		return k->sha256;
	case LF_SHA512:
		return k->sha512;
	default:
		return NULL;
	}
}

int
lf_hashlist_new(const struct lf_limits *limits, struct lf_hashlist **out,
    struct lf_error *err)
{
	struct lf_hashlist *hl;

	if ((hl = calloc(1, sizeof(*hl))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "known list");
	hl->limits = limits;
	*out = hl;
	return LF_OK;
}

static void
tables_free(struct lf_hashlist *hl)
{
	int a;

	free(hl->by_name.slot);
	hl->by_name.slot = NULL;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		free(hl->by_digest[a].slot);
		hl->by_digest[a].slot = NULL;
	}
	hl->indexed = false;
}

void
lf_hashlist_free(struct lf_hashlist *hl)
{
	struct name_block *b, *next;
	size_t i;

	if (hl == NULL)
		return;
	tables_free(hl);
	for (b = hl->names; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	for (i = 0; i < hl->nsources; i++)
		free(hl->sources[i]);
	free(hl->sources);
	free(hl->e);
	free(hl);
}

size_t
lf_hashlist_count(const struct lf_hashlist *hl)
{
	return hl->n;
}

unsigned
lf_hashlist_algs(const struct lf_hashlist *hl)
{
	return hl->algs;
}

static void
warn(struct loader *ld, const char *why)
{
	if (ld->warn != NULL)
		ld->warn(ld->arg, ld->source, ld->line, why);
}

/* Copy a name into the block store; it never moves afterwards. */
static const uint8_t *
store_name(struct lf_hashlist *hl, const uint8_t *p, size_t n)
{
	struct name_block *b = hl->names;
	size_t size = n > NAME_BLOCK ? n : NAME_BLOCK;

	if (b == NULL || b->size - b->used < n) {
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = hl->names;
		b->used = 0;
		b->size = size;
		hl->names = b;
	}
	memcpy(b->data + b->used, p, n);
	b->used += n;
	return b->data + b->used - n;
}

static int
add_entry(struct loader *ld, const struct lf_known *k, struct lf_error *err)
{
	struct lf_hashlist *hl = ld->hl;
	struct entry *ne;
	const uint8_t *name;

	if (hl->n >= hl->limits->list_entries || hl->n >= NO_ENTRY - 1)
		return lf_error_set(err, LF_E_LIMIT,
		    "%s: more than %llu entries (limit list-entries)",
		    ld->source, (unsigned long long)hl->limits->list_entries);
	if (hl->n == hl->cap) {
		size_t ncap = hl->cap ? hl->cap * 2 : 1024;
		if ((ne = reallocarray(hl->e, ncap, sizeof(*ne))) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "known list");
		hl->e = ne;
		hl->cap = ncap;
	}
	if ((name = store_name(hl, k->name, k->name_len)) == NULL &&
	    k->name_len > 0)
		return lf_error_set(err, LF_E_NOMEM, "known list names");
	ne = &hl->e[hl->n++];
	ne->k = *k;
	ne->k.name = name;
	ne->k.source = hl->sources[hl->nsources - 1];
	ne->k.line = ld->line;
	ne->seen = false;
	hl->algs |= k->algs;
	hl->indexed = false;
	return LF_OK;
}

static int
alg_by_hexlen(size_t len)
{
	switch (len) {
	case 32:
		return LF_MD5;
	case 40:
		return LF_SHA1;
	case 64:
		return LF_SHA256;
	case 128:
		return LF_SHA512;
	default:
		return -1;
	}
}

static bool
set_digest_hex(struct lf_known *k, int alg, const char *hex, size_t len)
{
	uint8_t *raw;

	if (alg < 0 || (size_t)alg >= LF_DIGEST_NALGS ||
	    (raw = (uint8_t *)known_raw(k, alg)) == NULL ||
	    len != 2 * lf_digest_raw_len(alg))
		return false;
	if (lf_hex_decode(hex, len, raw, lf_digest_raw_len(alg)) < 0)
		return false;
	k->algs |= LF_DIGEST_BIT(alg);
	return true;
}

/* Undo the coreutils escapes \\, \n and \r into out (as long as in). */
static bool
unescape_name(const uint8_t *p, size_t n, uint8_t *out, size_t *outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (p[i] != '\\') {
			out[o++] = p[i];
			continue;
		}
		if (++i == n)
			return false;
		switch (p[i]) {
		case '\\':
			out[o++] = '\\';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		default:
			return false;
		}
	}
	*outlen = o;
	return true;
}

/* "<hex>  <name>", "<hex> *<name>" or "ALG (<name>) = <hex>". */
static int
parse_coreutils(struct loader *ld, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct lf_known k;
	bool escaped = false;
	const uint8_t *name, *hex;
	size_t hexlen, namelen, i;
	uint8_t *unesc = NULL;
	int rc, alg;

	memset(&k, 0, sizeof(k));
	k.size = LF_SIZE_UNKNOWN;
	if (n > 0 && p[0] == '\\') {
		escaped = true;
		p++;
		n--;
	}
	/* Lists written on Windows end lines in CRLF; an escaped name never
	 * holds a bare CR, and an unescaped one cannot end in it. */
	if (!escaped && n > 0 && p[n - 1] == '\r')
		n--;
	for (i = 0; i < n && p[i] != ' ' && p[i] != '('; i++)
		;
	if (i + 1 < n && p[i] == ' ' && p[i + 1] == '(') {
		/* BSD tag form: ALG (name) = hex */
		const uint8_t *close;
		alg = lf_digest_alg_from_name((const char *)p, i);
		name = p + i + 2;
		for (close = p + n; close > name; close--) {
			if ((size_t)(close - name) >= 4 &&
			    memcmp(close - 4, ") = ", 4) == 0)
				break;
		}
		if (close == name || alg < 0) {
			warn(ld, "not a checksum line");
			return LF_OK;
		}
		namelen = (size_t)(close - 4 - name);
		hex = close;
		hexlen = (size_t)(p + n - close);
	} else {
		hexlen = i;
		hex = p;
		alg = alg_by_hexlen(hexlen);
		if (alg < 0 || hexlen + 2 > n ||
		    (p[hexlen + 1] != ' ' && p[hexlen + 1] != '*')) {
			warn(ld, "not a checksum line");
			return LF_OK;
		}
		name = p + hexlen + 2;
		namelen = n - hexlen - 2;
	}
	if (!set_digest_hex(&k, alg, (const char *)hex, hexlen)) {
		warn(ld, "bad digest");
		return LF_OK;
	}
	if (escaped) {
		if ((unesc = malloc(namelen + 1)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "known list");
		if (!unescape_name(name, namelen, unesc, &namelen)) {
			free(unesc);
			warn(ld, "bad escape in name");
			return LF_OK;
		}
		name = unesc;
	}
	k.name = name;
	k.name_len = namelen;
	rc = add_entry(ld, &k, err);
	free(unesc);
	return rc;
}

/* "%%%% size,md5,sha256,filename": the columns of what follows. */
static void
parse_hashdeep_columns(struct loader *ld, const uint8_t *p, size_t n)
{
	size_t i = 0, start;
	int a;

	ld->ncols = 0;
	while (i <= n && ld->ncols < HASHDEEP_MAX_COLS) {
		for (start = i; i < n && p[i] != ','; i++)
			;
		const char *w = (const char *)p + start;
		size_t wl = i - start;
		enum hd_col c = COL_OTHER;
		if (wl == 4 && memcmp(w, "size", 4) == 0)
			c = COL_SIZE;
		else if (wl == 8 && memcmp(w, "filename", 8) == 0)
			c = COL_NAME;
		else if ((a = lf_digest_alg_from_name(w, wl)) == LF_MD5)
			c = COL_MD5;
		else if (a == LF_SHA1)
			c = COL_SHA1;
		else if (a == LF_SHA256)
			c = COL_SHA256;
		ld->cols[ld->ncols++] = c;
		i++;
		if (c == COL_NAME)
			break;
	}
	if (ld->ncols == 0 || ld->cols[ld->ncols - 1] != COL_NAME) {
		ld->ncols = 0;
		warn(ld, "HASHDEEP header without a filename column");
	}
}

static bool
parse_u64(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (v > (UINT64_MAX - (p[i] - '0')) / 10)
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

static int
parse_hashdeep(struct loader *ld, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	static const int col_alg[] = {[COL_MD5] = LF_MD5,
	    [COL_SHA1] = LF_SHA1,
	    [COL_SHA256] = LF_SHA256};
	struct lf_known k;
	size_t i = 0, start;
	int c;

	if (n >= 4 && memcmp(p, "%%%%", 4) == 0) {
		/* "%%%% HASHDEEP-1.0" starts a file, "%%%% size,..." names
		 * its columns; concatenated files repeat both. */
		if (n >= 14 && memcmp(p, "%%%% HASHDEEP-", 14) == 0)
			ld->ncols = 0;
		else if (n > 5 && p[4] == ' ')
			parse_hashdeep_columns(ld, p + 5, n - 5);
		return LF_OK;
	}
	if (n >= 2 && memcmp(p, "##", 2) == 0)
		return LF_OK;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (ld->ncols == 0) {
		warn(ld, "HASHDEEP line before its header");
		return LF_OK;
	}
	memset(&k, 0, sizeof(k));
	k.size = LF_SIZE_UNKNOWN;
	for (c = 0; c < ld->ncols - 1; c++) {
		for (start = i; i < n && p[i] != ','; i++)
			;
		if (i == n) {
			warn(ld, "too few fields");
			return LF_OK;
		}
		switch (ld->cols[c]) {
		case COL_SIZE:
			if (!parse_u64(p + start, i - start, &k.size)) {
				warn(ld, "bad size");
				return LF_OK;
			}
			break;
		case COL_MD5:
		case COL_SHA1:
		case COL_SHA256:
			if (!set_digest_hex(&k, col_alg[ld->cols[c]],
			        (const char *)p + start, i - start)) {
				warn(ld, "bad digest");
				return LF_OK;
			}
			break;
		default:
			break;
		}
		i++;
	}
	/* The name is the rest of the line, commas and all. */
	k.name = p + i;
	k.name_len = n - i;
	return add_entry(ld, &k, err);
}

static int
parse_json(struct loader *ld, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct lf_known k;
	struct lf_buf name;
	json_error_t jerr;
	json_t *doc, *v;
	int a, rc = LF_OK;

	if ((doc = json_loadb((const char *)p, n, JSON_ALLOW_NUL, &jerr)) ==
	        NULL ||
	    !json_is_object(doc)) {
		warn(ld, "not a JSON object");
		json_decref(doc);
		return LF_OK;
	}
	memset(&k, 0, sizeof(k));
	k.size = LF_SIZE_UNKNOWN;
	lf_buf_init(&name, ld->hl->limits->list_line);
	if (lf_json_get_name(doc, "name", &name, NULL) != LF_OK) {
		warn(ld, "no name");
		goto out;
	}
	if ((v = json_object_get(doc, "size")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			warn(ld, "bad size");
			goto out;
		}
		k.size = (uint64_t)json_integer_value(v);
	}
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!(LF_HASHLIST_ALGS & LF_DIGEST_BIT(a)))
			continue;
		v = json_object_get(doc, lf_digest_alg_name(a));
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_string(v) ||
		    !set_digest_hex(&k, a, json_string_value(v),
		        json_string_length(v))) {
			warn(ld, "bad digest");
			goto out;
		}
	}
	if (k.algs == 0) {
		warn(ld, "no digest");
		goto out;
	}
	k.name = name.data;
	k.name_len = name.len;
	rc = add_entry(ld, &k, err);
out:
	lf_buf_release(&name);
	json_decref(doc);
	return rc;
}

static int
parse_line(struct loader *ld, const uint8_t *p, size_t n, struct lf_error *err)
{
	if (ld->fmt == FMT_UNKNOWN) {
		if (n == 0)
			return LF_OK;
		if (n >= 17 && memcmp(p, "%%%% HASHDEEP-1.0", 17) == 0)
			ld->fmt = FMT_HASHDEEP;
		else if (p[0] == '{')
			ld->fmt = FMT_JSON;
		else
			ld->fmt = FMT_COREUTILS;
	}
	if (n == 0 || (n == 1 && p[0] == '\r'))
		return LF_OK;
	switch (ld->fmt) {
	case FMT_HASHDEEP:
		return parse_hashdeep(ld, p, n, err);
	case FMT_JSON:
		return parse_json(ld, p, n, err);
	default:
		return parse_coreutils(ld, p, n, err);
	}
}

static int
add_source(struct lf_hashlist *hl, const char *source, struct lf_error *err)
{
	size_t len = strlen(source);
	char **ns, *copy;

	ns = reallocarray(hl->sources, hl->nsources + 1, sizeof(*ns));
	if (ns == NULL)
		return lf_error_set(err, LF_E_NOMEM, "known list");
	hl->sources = ns;
	if ((copy = malloc(len + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "known list");
	memcpy(copy, source, len + 1);
	hl->sources[hl->nsources++] = copy;
	return LF_OK;
}

int
lf_hashlist_load(struct lf_hashlist *hl, struct lf_reader *r,
    const char *source, lf_hashlist_warn_fn warnfn, void *arg,
    struct lf_error *err)
{
	struct loader ld;
	struct lf_buf line;
	bool too_long;
	int rc;

	if ((rc = add_source(hl, source, err)) != LF_OK)
		return rc;
	memset(&ld, 0, sizeof(ld));
	ld.hl = hl;
	ld.source = hl->sources[hl->nsources - 1];
	ld.warn = warnfn;
	ld.arg = arg;
	lf_buf_init(&line, hl->limits->list_line);
	for (;;) {
		rc = lf_reader_getline(r, &line, hl->limits->list_line,
		    &too_long, err);
		if (rc <= 0)
			break;
		ld.line++;
		if (too_long) {
			warn(&ld, "line longer than the list-line limit");
			continue;
		}
		if ((rc = parse_line(&ld, line.data, line.len, err)) != LF_OK)
			break;
	}
	lf_buf_release(&line);
	if (rc < 0) {
		lf_error_prefix(err, "%s", source);
		return rc;
	}
	return LF_OK;
}

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
table_init(struct table *t, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	if ((t->slot = malloc(size * sizeof(*t->slot))) == NULL)
		return LF_E_NOMEM;
	memset(t->slot, 0xff, size * sizeof(*t->slot));
	t->mask = size - 1;
	return LF_OK;
}

static void
table_put(struct table *t, uint64_t h, uint32_t idx)
{
	size_t i = (size_t)h & t->mask;

	while (t->slot[i] != NO_ENTRY)
		i = (i + 1) & t->mask;
	t->slot[i] = idx;
}

static uint64_t
digest_key(const uint8_t *raw)
{
	uint64_t h;

	memcpy(&h, raw, sizeof(h)); /* digests are uniform already */
	return h;
}

/* Build the lookup tables once the entries are loaded. */
static int
build_index(struct lf_hashlist *hl)
{
	size_t i;
	int a;

	tables_free(hl);
	if (table_init(&hl->by_name, hl->n) != LF_OK)
		return LF_E_NOMEM;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if ((hl->algs & LF_DIGEST_BIT(a)) &&
		    table_init(&hl->by_digest[a], hl->n) != LF_OK)
			return LF_E_NOMEM;
	}
	for (i = 0; i < hl->n; i++) {
		const struct lf_known *k = &hl->e[i].k;
		table_put(&hl->by_name, hash_bytes(k->name, k->name_len),
		    (uint32_t)i);
		for (a = 0; a < LF_DIGEST_NALGS; a++) {
			if (k->algs & LF_DIGEST_BIT(a))
				table_put(&hl->by_digest[a],
				    digest_key(known_raw(k, a)), (uint32_t)i);
		}
	}
	hl->indexed = true;
	return LF_OK;
}

static void
compare(const struct lf_known *k, const struct lf_digest_result *d,
    unsigned *equal, unsigned *differ, bool *size_differs)
{
	unsigned common = k->algs & d->algs;
	int a;

	*equal = *differ = 0;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!(common & LF_DIGEST_BIT(a)))
			continue;
		if (memcmp(known_raw(k, a), lf_digest_raw(d, a),
		        lf_digest_raw_len(a)) == 0)
			*equal |= LF_DIGEST_BIT(a);
		else
			*differ |= LF_DIGEST_BIT(a);
	}
	*size_differs = k->size != LF_SIZE_UNKNOWN && k->size != d->size;
}

static bool
full_match(unsigned equal, unsigned differ, bool size_differs)
{
	return equal != 0 && differ == 0 && !size_differs;
}

void
lf_hashlist_audit(struct lf_hashlist *hl, const uint8_t *name, size_t n,
    const struct lf_digest_result *d, struct lf_audit_match *m)
{
	struct entry *moved = NULL, *partial = NULL, *named = NULL;
	unsigned eq, df, name_eq = 0, name_df = 0;
	bool sd, name_sd = false;
	size_t i;
	int a;

	memset(m, 0, sizeof(*m));
	m->status = LF_AUDIT_NEW;
	if (hl->n == 0 || (!hl->indexed && build_index(hl) != LF_OK))
		return; /* nothing known, or no memory to look: new */
	/* Every entry of the same name. */
	for (i = (size_t)hash_bytes(name, n) & hl->by_name.mask;
	     hl->by_name.slot[i] != NO_ENTRY; i = (i + 1) & hl->by_name.mask) {
		struct entry *e = &hl->e[hl->by_name.slot[i]];
		if (e->k.name_len != n || memcmp(e->k.name, name, n) != 0)
			continue;
		compare(&e->k, d, &eq, &df, &sd);
		name_eq |= eq;
		name_df |= df;
		name_sd |= sd;
		if (named == NULL)
			named = e;
	}
	if (named != NULL && full_match(name_eq, name_df, name_sd)) {
		m->status = LF_AUDIT_MATCHED;
		goto mark_named;
	}
	/* The same content under other names. */
	for (a = LF_DIGEST_NALGS - 1; a >= 0; a--) {
		const struct table *t = &hl->by_digest[a];
		if (t->slot == NULL || !(d->algs & LF_DIGEST_BIT(a)))
			continue;
		uint64_t key = digest_key(lf_digest_raw(d, a));
		for (i = (size_t)key & t->mask; t->slot[i] != NO_ENTRY;
		     i = (i + 1) & t->mask) {
			struct entry *e = &hl->e[t->slot[i]];
			compare(&e->k, d, &eq, &df, &sd);
			if (!(eq & LF_DIGEST_BIT(a)))
				continue;
			if (full_match(eq, df, sd)) {
				if (moved == NULL || (moved->seen && !e->seen))
					moved = e;
			} else if (partial == NULL) {
				partial = e;
				m->equal = eq;
				m->differ = df;
				m->size_differs = sd;
			}
		}
	}
	if (moved != NULL) {
		m->status = LF_AUDIT_MOVED;
		compare(&moved->k, d, &m->equal, &m->differ, &m->size_differs);
		m->known = &moved->k;
		moved->seen = true;
		return;
	}
	if (named != NULL) {
		m->status = name_eq != 0 ? LF_AUDIT_PARTIAL : LF_AUDIT_CHANGED;
		goto mark_named;
	}
	if (partial != NULL) {
		m->status = LF_AUDIT_PARTIAL;
		m->known = &partial->k;
		partial->seen = true;
	}
	return;
mark_named:
	m->known = &named->k;
	m->equal = name_eq;
	m->differ = name_df;
	m->size_differs = name_sd;
	for (i = (size_t)hash_bytes(name, n) & hl->by_name.mask;
	     hl->by_name.slot[i] != NO_ENTRY; i = (i + 1) & hl->by_name.mask) {
		struct entry *e = &hl->e[hl->by_name.slot[i]];
		if (e->k.name_len == n && memcmp(e->k.name, name, n) == 0)
			e->seen = true;
	}
}

int
lf_hashlist_foreach_missing(const struct lf_hashlist *hl,
    lf_hashlist_entry_fn fn, void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < hl->n; i++) {
		if (!hl->e[i].seen && (rc = fn(arg, &hl->e[i].k)) != 0)
			return rc;
	}
	return 0;
}

const char *
lf_audit_status_name(enum lf_audit_status s)
{
	static const char *names[LF_AUDIT_NSTATUS] = {"matched", "moved",
	    "changed", "partial", "new", "missing"};

	return (unsigned)s < LF_AUDIT_NSTATUS ? names[s] : "?";
}

int
lf_hashlist_coreutils_line(struct lf_buf *out, const char *digest_text,
    const uint8_t *name, size_t n, struct lf_error *err)
{
	bool escape = memchr(name, '\\', n) != NULL ||
	    memchr(name, '\n', n) != NULL || memchr(name, '\r', n) != NULL;
	size_t i;
	int rc;

	if (escape && (rc = lf_buf_putc(out, '\\', err)) != LF_OK)
		return rc;
	if ((rc = lf_buf_printf(out, err, "%s  ", digest_text)) != LF_OK)
		return rc;
	if (!escape)
		rc = lf_buf_append(out, name, n, err);
	for (i = 0; escape && i < n && rc == LF_OK; i++) {
		switch (name[i]) {
		case '\\':
			rc = lf_buf_append(out, "\\\\", 2, err);
			break;
		case '\n':
			rc = lf_buf_append(out, "\\n", 2, err);
			break;
		case '\r':
			rc = lf_buf_append(out, "\\r", 2, err);
			break;
		default:
			rc = lf_buf_putc(out, name[i], err);
			break;
		}
	}
	return rc != LF_OK ? rc : lf_buf_putc(out, '\n', err);
}

int
lf_hashlist_hashdeep_header(struct lf_buf *out, unsigned algs, const char *cwd,
    int argc, char *const argv[], struct lf_error *err)
{
	int a, i, rc;

	if (algs == 0 || (algs & ~LF_HASHDEEP_ALGS) != 0)
		return lf_error_set(err, LF_E_INVAL,
		    "HASHDEEP-1.0 holds only md5, sha1 and sha256");
	if ((rc = lf_buf_printf(out, err,
	         "%%%%%%%% HASHDEEP-1.0\n"
	         "%%%%%%%% size")) != LF_OK)
		return rc;
	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if ((algs & LF_DIGEST_BIT(a)) &&
		    (rc = lf_buf_printf(out, err, ",%s",
		         lf_digest_alg_name(a))) != LF_OK)
			return rc;
	}
	if ((rc = lf_buf_printf(out, err,
	         ",filename\n## Invoked from: %s\n## $", cwd)) != LF_OK)
		return rc;
	for (i = 0; i < argc; i++) {
		if ((rc = lf_buf_printf(out, err, " %s", argv[i])) != LF_OK)
			return rc;
	}
	return lf_buf_printf(out, err, "\n##\n");
}

int
lf_hashlist_hashdeep_line(struct lf_buf *out, unsigned algs,
    const struct lf_digest_result *d, const uint8_t *name, size_t n,
    struct lf_error *err)
{
	char text[LF_DIGEST_TEXT_MAX];
	size_t start = out->len;
	int a, rc;

	if (memchr(name, '\n', n) != NULL || memchr(name, '\r', n) != NULL)
		return lf_error_set(err, LF_E_FORMAT,
		    "a name with a newline or carriage return cannot be "
		    "written in HASHDEEP-1.0 (use --json)");
	rc = lf_buf_printf(out, err, "%llu", (unsigned long long)d->size);
	for (a = 0; a < LF_DIGEST_NALGS && rc == LF_OK; a++) {
		if (!(algs & LF_DIGEST_BIT(a)))
			continue;
		(void)lf_digest_text(d, a, text);
		rc = lf_buf_printf(out, err, ",%s", text);
	}
	if (rc == LF_OK)
		rc = lf_buf_putc(out, ',', err);
	if (rc == LF_OK)
		rc = lf_buf_append(out, name, n, err);
	if (rc == LF_OK)
		rc = lf_buf_putc(out, '\n', err);
	if (rc != LF_OK)
		out->len = start;
	return rc;
}
