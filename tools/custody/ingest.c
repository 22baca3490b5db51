/*
 * tools/custody/ingest.c: lf-custody ingest, the vendor's reply mails into
 * the custody log (docs/custody-log.md, "Vendor mails").
 *
 * The log is verified first, then read once for what links a mail to a
 * bundle: the mails already ingested (by SHA-256), the bundle of each
 * tracking number, and the bundle of each object packed or submitted.
 * Linking never guesses: two bundles for one mail refuse the mail.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/custody.h"
#include "lf/date.h"
#include "lf/json.h"
#include "lf/jsonw.h"
#include "lf/text.h"
#include "lf/vendormail.h"
#include "lf/version.h"
#include "verbs.h"

struct link {
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	char *tracking; /* or NULL */
	char *bundle;
};

struct links {
	struct link *v;
	size_t n;
	uint8_t (*mails)[LF_CUSTODY_HASH_LEN];
	size_t nmails;
	/* --manifest: MD5 -> SHA-256 of each sample, and the bundle id */
	uint8_t (*md5)[16];
	uint8_t (*md5sha)[LF_CUSTODY_HASH_LEN];
	size_t nmd5;
	char *mbundle;
};

static void
ingest_nomem(void)
{
	cli_warn("out of memory");
	exit(CLI_EXIT_FAILURE);
}

static void
links_add(struct links *l, const uint8_t *sha, const char *tracking,
    const char *bundle)
{
	struct link *more = reallocarray(l->v, l->n + 1, sizeof(*more));

	if (more == NULL)
		ingest_nomem();
	l->v = more;
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	if (sha != NULL)
		memcpy(l->v[l->n].sha, sha, LF_CUSTODY_HASH_LEN);
	l->v[l->n].tracking = tracking != NULL ? strdup(tracking) : NULL;
	l->v[l->n].bundle = strdup(bundle);
	if (l->v[l->n].bundle == NULL ||
	    (tracking != NULL && l->v[l->n].tracking == NULL))
		ingest_nomem();
	l->n++;
}

static void
links_mail(struct links *l, const uint8_t *sha)
{
	uint8_t(*more)[LF_CUSTODY_HASH_LEN];

	more = reallocarray(l->mails, l->nmails + 1, sizeof(*more));
	if (more == NULL)
		ingest_nomem();
	l->mails = more;
	memcpy(l->mails[l->nmails++], sha, LF_CUSTODY_HASH_LEN);
}

static bool
links_has_mail(const struct links *l, const uint8_t *sha)
{
	size_t i;

	for (i = 0; i < l->nmails; i++)
		if (memcmp(l->mails[i], sha, LF_CUSTODY_HASH_LEN) == 0)
			return true;
	return false;
}

static void
links_free(struct links *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].tracking);
		free(l->v[i].bundle);
	}
	free(l->v);
	free(l->mails);
	free(l->md5);
	free(l->md5sha);
	free(l->mbundle);
}

static bool
hex_field(json_t *o, const char *key, uint8_t *out, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && strlen(s) == 2 * len &&
	    lf_hex_decode(s, 2 * len, out, len) == (long)len;
}

/* One verified event: what it says about mails, trackings and bundles. */
static void
links_event(struct links *l, const struct lf_custody_event *ev)
{
	json_t *r, *vm;
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	const char *tr;
	size_t i;

	if ((ev->action == LF_CUSTODY_PACKED ||
	        ev->action == LF_CUSTODY_SUBMITTED) &&
	    ev->bundle != NULL) {
		for (i = 0; i < ev->nobjects; i++)
			links_add(l, ev->objects[i], NULL, ev->bundle);
		return;
	}
	if ((ev->action != LF_CUSTODY_RECEIPT &&
	        ev->action != LF_CUSTODY_RESULT) ||
	    ev->reason == NULL ||
	    (r = json_loads(ev->reason, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return;
	vm = json_object_get(r, "vendor_mail");
	if (json_is_object(vm) && hex_field(vm, "sha256", sha, sizeof(sha)) &&
	    !links_has_mail(l, sha))
		links_mail(l, sha);
	tr = json_string_value(json_object_get(r, "tracking"));
	if (tr != NULL && ev->bundle != NULL)
		links_add(l, NULL, tr, ev->bundle);
	json_decref(r);
}

static int
links_each(void *arg, const struct lf_custody_event *ev, struct lf_error *err)
{
	(void)err;
	links_event(arg, ev);
	return LF_OK;
}

/* Read again the n events of the log that verified. */
static int
links_read(const char *log, uint64_t n, struct links *l)
{
	struct lf_error err;

	if (lf_custody_each(log, n, links_each, l, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

/* A manifest.json: its bundle id and each sample's MD5 and SHA-256. */
static int
manifest_json(struct links *l, const char *name, json_t *doc)
{
	json_t *s;
	const char *id;
	size_t i;
	void *m1, *m2;

	if (doc == NULL ||
	    (id = json_string_value(
	         json_object_get(json_object_get(doc, "bundle"), "id"))) ==
	        NULL ||
	    !json_is_array(json_object_get(doc, "samples"))) {
		cli_warn("'%s': not a bundle manifest",
		    cli_esc(name, strlen(name)));
		json_decref(doc);
		return -1;
	}
	if ((l->mbundle = strdup(id)) == NULL)
		ingest_nomem();
	json_array_foreach(json_object_get(doc, "samples"), i, s)
	{
		m1 = reallocarray(l->md5, l->nmd5 + 1, sizeof(*l->md5));
		if (m1 == NULL)
			ingest_nomem();
		l->md5 = m1;
		m2 = reallocarray(l->md5sha, l->nmd5 + 1, sizeof(*l->md5sha));
		if (m2 == NULL)
			ingest_nomem();
		l->md5sha = m2;
		if (json_is_object(json_object_get(s, "object")))
			s = json_object_get(s, "object");
		if (hex_field(s, "md5", l->md5[l->nmd5], 16) &&
		    hex_field(s, "sha256", l->md5sha[l->nmd5],
		        LF_CUSTODY_HASH_LEN))
			l->nmd5++;
	}
	json_decref(doc);
	return 0;
}

/* --manifest: a bundle .tar (its data/manifest.json) or the JSON itself. */
static int
manifest_read(struct links *l, const char *path)
{
	size_t budget = SIZE_MAX;
	json_t *doc = custody_read_manifest(path, &budget);

	return doc != NULL ? manifest_json(l, path, doc) : -2;
}

/* The SHA-256 of a file the mail names: given, or through the manifest. */
static bool
file_sha(const struct links *l, const struct lf_vendormail_file *f,
    uint8_t *sha, bool *by_manifest)
{
	size_t i;

	*by_manifest = false;
	if (f->has_sha256) {
		memcpy(sha, f->sha256, LF_CUSTODY_HASH_LEN);
		return true;
	}
	if (!f->has_md5)
		return false;
	for (i = 0; i < l->nmd5; i++)
		if (memcmp(l->md5[i], f->md5, 16) == 0) {
			memcpy(sha, l->md5sha[i], LF_CUSTODY_HASH_LEN);
			*by_manifest = true;
			return true;
		}
	return false;
}

/* Keep b as the bundle, or fail when another one was found already. */
static int
one_bundle(const char **have, const char *b)
{
	if (*have != NULL && strcmp(*have, b) != 0)
		return -1;
	*have = b;
	return 0;
}

/*
 * The bundle of the mail: --bundle, else the tracking number's, else the
 * bundle of the files' SHA-256s.  NULL when none; -1 for two bundles.
 */
static int
link_bundle(const struct options *o, const struct links *l,
    const struct lf_vendormail *m, const char **bundle, const char **other)
{
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	bool bym;
	size_t i, j;

	*bundle = NULL;
	if (o->bundle != NULL) {
		*bundle = o->bundle;
		return 0;
	}
	for (i = 0; i < l->n; i++)
		if (l->v[i].tracking != NULL &&
		    strcmp(l->v[i].tracking, m->tracking) == 0 &&
		    one_bundle(bundle, l->v[i].bundle) != 0) {
			*other = l->v[i].bundle;
			return -1;
		}
	if (*bundle != NULL)
		return 0;
	for (j = 0; j < m->nfiles; j++) {
		if (!file_sha(l, &m->files[j], sha, &bym))
			continue;
		if (bym && one_bundle(bundle, l->mbundle) != 0) {
			*other = l->mbundle;
			return -1;
		}
		for (i = 0; i < l->n; i++)
			if (l->v[i].tracking == NULL &&
			    memcmp(l->v[i].sha, sha, LF_CUSTODY_HASH_LEN) ==
			        0 &&
			    one_bundle(bundle, l->v[i].bundle) != 0) {
				*other = l->v[i].bundle;
				return -1;
			}
	}
	return 0;
}

static void
reason_file(struct lf_jsonw *w, const struct links *l,
    const struct lf_vendormail_file *f, size_t namecap)
{
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n = strlen(f->name);
	bool bym, cut = false;

	lf_jsonw_object(w);
	lf_jsonw_key(w, "name");
	if (n == 0) {
		lf_jsonw_null(w);
	} else {
		if (n > namecap) {
			/* at a UTF-8 boundary */
			n = namecap;
			while (n > 0 && ((uint8_t)f->name[n] & 0xC0) == 0x80)
				n--;
			cut = true;
		}
		lf_jsonw_string(w, f->name, n);
	}
	lf_jsonw_key(w, "md5");
	if (f->has_md5) {
		lf_hex(hex, f->md5, 16);
		lf_jsonw_cstr(w, hex);
	} else {
		lf_jsonw_null(w);
	}
	lf_jsonw_key(w, "sha256");
	if (file_sha(l, f, sha, &bym)) {
		lf_hex(hex, sha, sizeof(sha));
		lf_jsonw_cstr(w, hex);
	} else {
		lf_jsonw_null(w);
	}
	if (cut) {
		lf_jsonw_key(w, "name_truncated");
		lf_jsonw_bool(w, true);
	}
	lf_jsonw_end(w);
}

/*
 * The reason of the receipt (file < 0) or of the result for file (its
 * index, or nfiles for a result that names none), names cut to namecap.
 */
static int
reason_build(struct lf_buf *out, const struct links *l,
    const struct lf_vendormail *m, const uint8_t *mailsha, long file,
    size_t namecap, struct lf_error *err)
{
	struct lf_jsonw w;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], t[32];
	const struct lf_vendormail_file *f;
	const char *det;
	size_t i;

	lf_buf_reset(out);
	lf_jsonw_init(&w, out);
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "vendor_mail");
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "sha256");
	lf_hex(hex, mailsha, LF_CUSTODY_HASH_LEN);
	lf_jsonw_cstr(&w, hex);
	lf_jsonw_key(&w, "form");
	lf_jsonw_cstr(&w, lf_vendormail_form_name(m->form));
	lf_jsonw_key(&w, "date");
	if (m->has_date) {
		lf_date_rfc3339(m->date, t);
		lf_jsonw_cstr(&w, t);
	} else {
		lf_jsonw_null(&w);
	}
	lf_jsonw_end(&w);
	lf_jsonw_key(&w, "tracking");
	lf_jsonw_cstr(&w, m->tracking);
	if (file < 0) {
		lf_jsonw_key(&w, "files");
		lf_jsonw_array(&w);
		for (i = 0; i < m->nfiles; i++)
			reason_file(&w, l, &m->files[i], namecap);
		lf_jsonw_end(&w);
	} else {
		f = (size_t)file < m->nfiles ? &m->files[file] : NULL;
		lf_jsonw_key(&w, "file");
		if (f != NULL)
			reason_file(&w, l, f, namecap);
		else
			lf_jsonw_null(&w);
		lf_jsonw_key(&w, "determination");
		det = f != NULL ? f->determination : m->determination;
		lf_jsonw_cstr(&w, det[0] != '\0' ? det : NULL);
		lf_jsonw_key(&w, "detection");
		lf_jsonw_cstr(&w,
		    f != NULL && f->detection[0] != '\0' ? f->detection : NULL);
	}
	lf_jsonw_end(&w);
	return lf_jsonw_finish(&w, err);
}

static int
reason_fit(struct lf_buf *out, const struct links *l,
    const struct lf_vendormail *m, const uint8_t *mailsha, long file,
    struct lf_error *err)
{
	size_t cap = LF_VENDORMAIL_TEXT_MAX;
	int rc;

	for (;;) {
		if ((rc = reason_build(out, l, m, mailsha, file, cap, err)) !=
		    LF_OK)
			return rc;
		if (out->len <= LF_CUSTODY_REASON_MAX)
			return LF_OK;
		if (cap == 0)
			return lf_error_set(err, LF_E_LIMIT,
			    "the event's reason is longer than %d bytes",
			    LF_CUSTODY_REASON_MAX);
		cap /= 2;
	}
}

static int
ingest_append(const struct options *o, const struct lf_sigkey *k,
    enum lf_custody_action action, const uint8_t (*objects)[32],
    size_t nobjects, const char *bundle, const char *reason)
{
	struct lf_custody_event ev;
	uint8_t head[LF_CUSTODY_HASH_LEN];
	char actor[64];
	struct lf_error err;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 1;
	ev.action = action;
	ev.actor = cli_custody_actor(actor, sizeof(actor));
	ev.objects = objects;
	ev.nobjects = nobjects;
	ev.bundle = bundle;
	ev.reason = reason;
	ev.tool_name = cli_prog();
	ev.tool_version = lf_version_string();
	if (cli_custody_time(&ev) != 0)
		return -1;
	if (lf_custody_append(o->log, &ev, k, head, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Read one mail whole, at most LF_VENDORMAIL_SIZE_MAX bytes. */
static int
ingest_read(const char *path, uint8_t **out, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t got;

	if (fp == NULL) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		return -2;
	}
	if ((buf = malloc(LF_VENDORMAIL_SIZE_MAX + 1)) == NULL)
		ingest_nomem();
	got = fread(buf, 1, LF_VENDORMAIL_SIZE_MAX + 1, fp);
	if (ferror(fp)) {
		cli_warn("cannot read '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		free(buf);
		(void)fclose(fp);
		return -2;
	}
	(void)fclose(fp);
	if (got > LF_VENDORMAIL_SIZE_MAX) {
		cli_warn("'%s': refused: larger than %u bytes",
		    cli_esc(path, strlen(path)), LF_VENDORMAIL_SIZE_MAX);
		free(buf);
		return -1;
	}
	*out = buf;
	*n = got;
	return 0;
}

/* One mail: 0 ingested or skipped, 1 refused, 3 I/O failure. */
static int
ingest_one(const struct options *o, struct links *l, const struct lf_sigkey *k,
    const char *path)
{
	struct lf_vendormail m;
	struct lf_error err;
	struct lf_buf reason;
	uint8_t *p = NULL, mailsha[LF_CUSTODY_HASH_LEN];
	uint8_t(*objs)[LF_CUSTODY_HASH_LEN] = NULL;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	const char *bundle = NULL, *other = NULL, *name;
	unsigned int shalen = 0;
	size_t n = 0, i, nobjs = 0, j;
	bool bym;
	int status = CLI_EXIT_NEGATIVE, r;

	name = cli_esc(path, strlen(path));
	if ((r = ingest_read(path, &p, &n)) != 0)
		return r == -2 ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
	if (EVP_Digest(p, n, mailsha, &shalen, EVP_sha256(), NULL) != 1) {
		free(p);
		cli_warn("SHA-256 failed");
		return CLI_EXIT_FAILURE;
	}
	lf_hex(hex, mailsha, sizeof(mailsha));
	if (links_has_mail(l, mailsha)) {
		if (!o->c.quiet)
			(void)printf("%s: already ingested (mail SHA-256 %s), "
			             "skipped\n",
			    name, hex);
		free(p);
		return CLI_EXIT_OK;
	}
	r = lf_vendormail_parse(p, n, &m, &err);
	free(p);
	if (r != LF_OK) {
		cli_warn("'%s': refused: %s", name, err.msg);
		return r == LF_E_NOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
	}
	lf_buf_init(&reason, LF_CUSTODY_LINE_MAX);
	if (link_bundle(o, l, &m, &bundle, &other) != 0) {
		cli_warn("'%s': refused: tracking %s: linked to two bundles, "
		         "'%s' and '%s'; give --bundle",
		    name, m.tracking, cli_esc(bundle, strlen(bundle)),
		    cli_esc(other, strlen(other)));
		goto done;
	}
	if (bundle == NULL)
		cli_warn("tracking %s: not linked to a bundle; give --bundle",
		    m.tracking);
	if ((objs = calloc(m.nfiles + 1, sizeof(*objs))) == NULL)
		ingest_nomem();
	if (m.kind == LF_VENDORMAIL_RECEIPT) {
		for (i = 0; i < m.nfiles; i++) {
			if (!file_sha(l, &m.files[i], objs[nobjs], &bym))
				continue;
			for (j = 0; j < nobjs; j++)
				if (memcmp(objs[j], objs[nobjs],
				        LF_CUSTODY_HASH_LEN) == 0)
					break;
			if (j == nobjs && nobjs < LF_CUSTODY_OBJECTS_MAX)
				nobjs++;
		}
		if (reason_fit(&reason, l, &m, mailsha, -1, &err) != LF_OK) {
			cli_warn("'%s': refused: %s", name, err.msg);
			goto done;
		}
		if (ingest_append(o, k, LF_CUSTODY_RECEIPT,
		        (const uint8_t(*)[32])objs, nobjs, bundle,
		        (const char *)reason.data) != 0) {
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		if (!o->c.quiet)
			(void)printf("%s: receipt, tracking %s, bundle %s, "
			             "%zu sample%s linked\n",
			    name, m.tracking,
			    bundle != NULL ? cli_esc(bundle, strlen(bundle)) :
			                     "none",
			    nobjs, nobjs == 1 ? "" : "s");
	} else {
		/* check every reason before appending any event */
		for (i = 0; i < (m.nfiles > 0 ? m.nfiles : 1); i++)
			if (reason_fit(&reason, l, &m, mailsha, (long)i,
			        &err) != LF_OK) {
				cli_warn("'%s': refused: %s", name, err.msg);
				goto done;
			}
		for (i = 0; i < (m.nfiles > 0 ? m.nfiles : 1); i++) {
			nobjs = i < m.nfiles &&
			        file_sha(l, &m.files[i], objs[0], &bym) ?
			    1 :
			    0;
			if (reason_fit(&reason, l, &m, mailsha, (long)i,
			        &err) != LF_OK ||
			    ingest_append(o, k, LF_CUSTODY_RESULT,
			        (const uint8_t(*)[32])objs, nobjs, bundle,
			        (const char *)reason.data) != 0) {
				status = CLI_EXIT_FAILURE;
				goto done;
			}
		}
		if (!o->c.quiet) {
			(void)printf("%s: result, tracking %s, %zu file%s:",
			    name, m.tracking, m.nfiles,
			    m.nfiles == 1 ? "" : "s");
			for (i = 0; i < m.nfiles; i++)
				(void)printf("%s %s %s", i > 0 ? ";" : "",
				    m.files[i].name[0] != '\0' ?
				        cli_esc(m.files[i].name,
				            strlen(m.files[i].name)) :
				        "(no name)",
				    cli_esc(m.files[i].determination,
				        strlen(m.files[i].determination)));
			if (m.nfiles == 0)
				(void)printf(" %s", m.determination);
			(void)printf("\n");
		}
	}
	links_mail(l, mailsha);
	if (bundle != NULL)
		links_add(l, NULL, m.tracking, bundle);
	status = CLI_EXIT_OK;
done:
	free(objs);
	lf_buf_release(&reason);
	lf_vendormail_release(&m);
	return status;
}

int
do_ingest(const struct options *o)
{
	struct lf_custody_verdict vd;
	struct lf_sigkey *k = NULL;
	struct links l;
	size_t i;
	int status = CLI_EXIT_FAILURE, r;

	memset(&l, 0, sizeof(l));
	if (custody_load_private(o->key, &k) != 0)
		return CLI_EXIT_FAILURE;
	if (access(o->log, F_OK) == 0) {
		if (custody_verify_log(o, k, &vd) != 0)
			goto done;
		if (vd.problem != LF_CUSTODY_GOOD &&
		    vd.problem != LF_CUSTODY_EMPTY) {
			cli_warn("'%s': line %llu: %s: %s; nothing ingested",
			    cli_esc(o->log, strlen(o->log)),
			    (unsigned long long)vd.line,
			    lf_custody_problem_name(vd.problem),
			    cli_esc(vd.reason, strlen(vd.reason)));
			status = CLI_EXIT_NEGATIVE;
			goto done;
		}
		if (links_read(o->log, vd.events, &l) != 0)
			goto done;
	}
	if (o->manifest != NULL && (r = manifest_read(&l, o->manifest)) != 0) {
		status = r == -2 ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
		goto done;
	}
	status = CLI_EXIT_OK;
	for (i = 0; i < o->nmails; i++) {
		r = ingest_one(o, &l, k, o->mails[i]);
		if (r == CLI_EXIT_FAILURE) {
			status = r;
			break;
		}
		if (r != CLI_EXIT_OK)
			status = r;
	}
done:
	links_free(&l);
	lf_sigkey_free(k);
	return status;
}
