/*
 * tools/custody/view.c: lf-custody status, summary and export: the log
 * read back, once it verified with the trusted keys, as an account per
 * bundle (lf/custodyview.h).
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lf/custodyview.h"
#include "lf/date.h"
#include "lf/json.h"
#include "lf/tar.h"
#include "lf/text.h"
#include "verbs.h"

#define STATUS_FORMAT "lf-custody-status"
/* Largest data/manifest.json read from a bundle. */
#define MANIFEST_MAX (16 * 1024 * 1024)
/* Largest sum of the manifests read by one summary. */
#define MANIFESTS_TOTAL_MAX (64 * 1024 * 1024)
#define HOUR 3600

/* A string from the log or a bundle, for a text people read: printable
 * ASCII as is, a backslash doubled, every other byte as \xNN. */
static const char *
ascii_esc(const char *s)
{
	static struct lf_buf ring[8];
	static int next;
	struct lf_buf *b = &ring[next];
	size_t i, n;

	next = (next + 1) % 8;
	if (b->max == 0)
		lf_buf_init(b, 4 * (LF_CUSTODY_REASON_MAX + 1));
	lf_buf_reset(b);
	n = s != NULL ? strlen(s) : 0;
	for (i = 0; i < n && b->len + 5 < b->max; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '\\')
			(void)lf_buf_append(b, "\\\\", 2, NULL);
		else if (c >= 0x20 && c < 0x7f)
			(void)lf_buf_putc(b, c, NULL);
		else
			(void)lf_buf_printf(b, NULL, "\\x%02x", c);
	}
	if (i < n)
		(void)lf_buf_append(b, "...", 3, NULL);
	if (lf_buf_putc(b, 0, NULL) != LF_OK || b->data == NULL)
		return "";
	return (const char *)b->data;
}

static const char *
utc(int64_t t)
{
	static char ring[4][32];
	static int next;
	char *out = ring[next];

	next = (next + 1) % 4;
	lf_date_rfc3339(t, out);
	return out;
}

/* parse_now: "YYYY-MM-DDTHH:MM:SSZ" into seconds since the epoch. */
static bool
parse_now(const char *s, int64_t *out)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	int v[6] = {0}, f = 0;
	size_t i;

	if (strlen(s) != sizeof(form) - 1)
		return false;
	for (i = 0; form[i] != '\0'; i++) {
		if (form[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v[f] = v[f] * 10 + (s[i] - '0');
		} else if (s[i] != form[i]) {
			return false;
		} else {
			f++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return false;
	*out = lf_date_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 +
	    v[4] * 60 + v[5];
	return true;
}

bool
view_option(struct options *o, int c, const char *arg)
{
	char *end;
	long long h;

	switch (c) {
	case OPT_OVERDUE:
		errno = 0;
		h = strtoll(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || h < 0 ||
		    h > 100000)
			cli_usage_error("--overdue-hours: '%s' is not a number "
			                "of hours (0 to 100000)",
			    cli_esc(arg, strlen(arg)));
		o->view.overdue_hours = (int64_t)h;
		o->view.overdue_given = true;
		return true;
	case OPT_NOW:
		if (!parse_now(arg, &o->view.now))
			cli_usage_error("--now: '%s' is not a time in the form "
			                "2026-11-28T12:00:00Z",
			    cli_esc(arg, strlen(arg)));
		o->view.now_given = true;
		return true;
	case OPT_MANIFEST:
		if (o->view.nmanifests == VIEW_MANIFESTS_MAX)
			cli_usage_error("more than %d --manifest",
			    VIEW_MANIFESTS_MAX);
		o->view.manifests[o->view.nmanifests++] = arg;
		return true;
	case OPT_CASE_UCO:
		o->view.case_uco = true;
		return true;
	default:
		return false;
	}
}

/* view_check: the options of status, summary and export, once parsed. */
void
view_check(struct options *o, bool append_opts)
{
	if (o->verb != V_STATUS && o->verb != V_SUMMARY &&
	    o->verb != V_EXPORT) {
		if (o->view.overdue_given || o->view.now_given ||
		    o->view.nmanifests > 0 || o->view.case_uco)
			cli_usage_error(
			    "--overdue-hours, --now and --case-uco are "
			    "for status, summary and export; --manifest "
			    "for ingest and summary");
		return;
	}
	if (append_opts)
		cli_usage_error("-k and the event's options are for append");
	if (o->npubkeys == 0 && o->npins == 0)
		cli_usage_error("%s: no trusted key: --pubkey FILE or "
		                "--fingerprint HEX",
		    o->verb_name);
	if ((o->view.overdue_given || o->view.now_given) && o->verb != V_STATUS)
		cli_usage_error("--overdue-hours and --now are for status");
	if (o->view.nmanifests > 0 && o->verb != V_SUMMARY)
		cli_usage_error("--manifest is for summary");
	if (o->json && o->verb != V_STATUS)
		cli_usage_error("--json is for verify and status");
	if (o->verb == V_EXPORT && !o->view.case_uco)
		cli_usage_error("export: the only form is --case-uco");
	if (o->view.case_uco && o->verb != V_EXPORT)
		cli_usage_error("--case-uco is for export");
	if (!o->view.overdue_given)
		o->view.overdue_hours = 24;
}

/*
 * load_view: verify the log with the trusted keys, then read the lines
 * that verified.  Returns CLI_EXIT_OK with *out (and *vd), or the exit
 * status after a message: 1 when the log does not verify, 3 when it
 * cannot be read.
 */
static int
load_view(const struct options *o, struct lf_custodyview **out,
    struct lf_custody_verdict *vd)
{
	struct lf_custodyview *view = NULL;
	struct lf_error err;

	if (custody_verify_log(o, NULL, vd) != 0)
		return CLI_EXIT_FAILURE;
	if (vd->problem != LF_CUSTODY_GOOD) {
		cli_warn("%s: line %llu: %s: %s (the log does not verify: "
		         "nothing is read from it)",
		    cli_esc(o->log, strlen(o->log)),
		    (unsigned long long)vd->line,
		    lf_custody_problem_name(vd->problem),
		    cli_esc(vd->reason, strlen(vd->reason)));
		return CLI_EXIT_NEGATIVE;
	}
	if (lf_custodyview_new(&view, &err) != LF_OK ||
	    lf_custodyview_read_file(view, o->log, vd->events, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		lf_custodyview_free(view);
		return CLI_EXIT_FAILURE;
	}
	*out = view;
	return CLI_EXIT_OK;
}

/* latest_result: the last result of b's sample i (NULL: none). */
static const struct lf_custodyview_result *
latest_result(const struct lf_custodyview_bundle *b, size_t i)
{
	size_t r = b->samples[i].last_result;

	return r < b->nresults ? &b->results[r] : NULL;
}

static int64_t
first_submission(const struct lf_custodyview_bundle *b)
{
	int64_t t = b->submitted[0].time;
	size_t i;

	for (i = 1; i < b->nsubmitted; i++)
		if (b->submitted[i].time < t)
			t = b->submitted[i].time;
	return t;
}

/* overdue_by: seconds past the deadline of b, or -1 when not overdue. */
static int64_t
overdue_by(const struct options *o, const struct lf_custodyview_bundle *b,
    int64_t now)
{
	int64_t late;

	if (b->nsubmitted == 0 || b->nresults > 0)
		return -1;
	late = now - first_submission(b) - o->view.overdue_hours * HOUR;
	return late >= 0 ? late : -1;
}

static const char *
duration(int64_t s)
{
	static char buf[64];

	if (s >= 86400)
		(void)snprintf(buf, sizeof(buf), "%lldd %lldh %lldm",
		    (long long)(s / 86400), (long long)(s % 86400 / 3600),
		    (long long)(s % 3600 / 60));
	else
		(void)snprintf(buf, sizeof(buf), "%lldh %lldm",
		    (long long)(s / 3600), (long long)(s % 3600 / 60));
	return buf;
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? ascii_esc(s) : "-";
}

static void
print_result_text(const struct lf_custodyview_result *r, const char *indent,
    const char *cont)
{
	if (!r->structured) {
		(void)printf("%sresult in free text (tracking unknown), %s: "
		             "%s\n",
		    indent, utc(r->time), ascii_esc(r->text));
		return;
	}
	(void)printf("%s%s, detection %s (tracking %s, %s)\n", indent,
	    r->determination != NULL ? ascii_esc(r->determination) :
	                               "no determination",
	    or_dash(r->detection), ascii_esc(r->tracking), utc(r->time));
	if (r->file.name != NULL || r->file.md5 != NULL)
		(void)printf("%sfile named %s%s, MD5 %s\n", cont,
		    or_dash(r->file.name),
		    r->name_truncated ? " (name cut short by the vendor)" : "",
		    or_dash(r->file.md5));
}

static void
status_text(const struct options *o, const struct lf_custodyview *view,
    int64_t now)
{
	const struct lf_custodyview_bundle *bs, *b;
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n, i, j, nsub = 0, nover = 0, nwait = 0;
	int64_t late;

	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		b = &bs[i];
		if (b->nsubmitted == 0)
			continue;
		nsub++;
		(void)printf("bundle %s\n", ascii_esc(b->id));
		for (j = 0; j < b->nsubmitted; j++)
			(void)printf("  submitted %s by %s%s%s\n",
			    utc(b->submitted[j].time),
			    ascii_esc(b->submitted[j].actor),
			    b->submitted[j].reason != NULL ? ": " : "",
			    b->submitted[j].reason != NULL ?
			        ascii_esc(b->submitted[j].reason) :
			        "");
		(void)printf("  tracking");
		for (j = 0; j < b->ntracking; j++)
			(void)printf(" %s", ascii_esc(b->tracking[j]));
		(void)printf("%s\n", b->ntracking == 0 ? " none yet" : "");
		for (j = 0; j < b->nsamples; j++) {
			lf_hex(hex, b->samples[j].sha256, LF_CUSTODY_HASH_LEN);
			r = latest_result(b, j);
			(void)printf("  sample %s: %s\n", hex,
			    r == NULL ? "awaiting" : "result");
			if (r != NULL)
				print_result_text(r, "    ", "      ");
		}
		for (j = 0; j < b->nresults; j++)
			if (!b->results[j].has_sample) {
				(void)printf("  result tied to no sample:\n");
				print_result_text(&b->results[j], "    ",
				    "      ");
			}
		late = overdue_by(o, b, now);
		if (late >= 0) {
			nover++;
			(void)printf("  OVERDUE by %s: no result %lld hours "
			             "after the first submission (%s); follow "
			             "up with the vendor\n",
			    duration(late), (long long)o->view.overdue_hours,
			    utc(first_submission(b)));
		} else if (b->nresults == 0) {
			nwait++;
			(void)printf("  awaiting a result, due by %s\n",
			    utc(first_submission(b) +
			        o->view.overdue_hours * HOUR));
		}
	}
	for (i = 0; i < n; i++) {
		b = &bs[i];
		if (b->nsubmitted == 0 && b->packed)
			(void)printf("bundle %s: packed %s by %s, not "
			             "submitted (%zu samples)\n",
			    ascii_esc(b->id), utc(b->packed_time),
			    ascii_esc(b->packed_actor), b->nsamples);
	}
	r = lf_custodyview_unlinked(view, &n);
	for (i = 0; i < n; i++) {
		(void)printf("result tied to no bundle:\n");
		print_result_text(&r[i], "  ", "    ");
	}
	(void)printf("%zu submitted, %zu overdue, %zu awaiting a result "
	             "(as of %s)\n",
	    nsub, nover, nwait, utc(now));
}

static int
jset(json_t *obj, const char *key, json_t *val)
{
	return val == NULL ? -1 : json_object_set_new(obj, key, val);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
result_json(const struct lf_custodyview_result *r)
{
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	lf_hex(hex, r->sample, LF_CUSTODY_HASH_LEN);
	if (jset(o, "seq", json_integer((json_int_t)r->seq)) != 0 ||
	    jset(o, "time", json_string(utc(r->time))) != 0 ||
	    jset(o, "sample", r->has_sample ? json_string(hex) : json_null()) !=
	        0 ||
	    jset(o, "structured", json_boolean(r->structured)) != 0 ||
	    jset(o, "tracking", jstr(r->tracking)) != 0 ||
	    jset(o, "determination", jstr(r->determination)) != 0 ||
	    jset(o, "detection", jstr(r->detection)) != 0 ||
	    jset(o, "name", jstr(r->file.name)) != 0 ||
	    jset(o, "md5", jstr(r->file.md5)) != 0 ||
	    jset(o, "text", jstr(r->text)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
bundle_json(const struct options *o, const struct lf_custodyview_bundle *b,
    int64_t now, bool *overdue)
{
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	json_t *j = json_object(), *a, *e;
	const char *state;
	int64_t late = overdue_by(o, b, now);
	size_t i;

	if (j == NULL)
		return NULL;
	state = b->nsubmitted == 0 ? "not-submitted" :
	    late >= 0              ? "overdue" :
	    b->nresults > 0        ? "result" :
	                             "awaiting";
	*overdue = late >= 0;
	if (jset(j, "id", json_string(b->id)) != 0 ||
	    jset(j, "state", json_string(state)) != 0)
		goto fail;
	if (b->packed) {
		if ((e = json_object()) == NULL || jset(j, "packed", e) != 0 ||
		    jset(e, "time", json_string(utc(b->packed_time))) != 0 ||
		    jset(e, "actor", json_string(b->packed_actor)) != 0)
			goto fail;
	} else if (jset(j, "packed", json_null()) != 0) {
		goto fail;
	}
	if ((a = json_array()) == NULL || jset(j, "submitted", a) != 0)
		goto fail;
	for (i = 0; i < b->nsubmitted; i++)
		if ((e = json_object()) == NULL ||
		    json_array_append_new(a, e) ||
		    jset(e, "time", json_string(utc(b->submitted[i].time))) ||
		    jset(e, "actor", json_string(b->submitted[i].actor)) ||
		    jset(e, "reason", jstr(b->submitted[i].reason)))
			goto fail;
	if (jset(j, "due",
	        b->nsubmitted > 0 ? json_string(utc(first_submission(b) +
	                                o->view.overdue_hours * HOUR)) :
	                            json_null()) != 0 ||
	    jset(j, "overdue_seconds",
	        late >= 0 ? json_integer(late) : json_null()) != 0)
		goto fail;
	if ((a = json_array()) == NULL || jset(j, "tracking", a) != 0)
		goto fail;
	for (i = 0; i < b->ntracking; i++)
		if (json_array_append_new(a, json_string(b->tracking[i])))
			goto fail;
	if ((a = json_array()) == NULL || jset(j, "samples", a) != 0)
		goto fail;
	for (i = 0; i < b->nsamples; i++) {
		lf_hex(hex, b->samples[i].sha256, LF_CUSTODY_HASH_LEN);
		r = latest_result(b, i);
		if ((e = json_object()) == NULL ||
		    json_array_append_new(a, e) ||
		    jset(e, "sha256", json_string(hex)) ||
		    jset(e, "state",
		        json_string(r != NULL ? "result" : "awaiting")) ||
		    jset(e, "result", r != NULL ? result_json(r) : json_null()))
			goto fail;
	}
	if ((a = json_array()) == NULL || jset(j, "results", a) != 0)
		goto fail;
	for (i = 0; i < b->nresults; i++)
		if (json_array_append_new(a, result_json(&b->results[i])))
			goto fail;
	return j;
fail:
	json_decref(j);
	return NULL;
}

static int
status_json(const struct options *o, const struct lf_custodyview *view,
    const struct lf_custody_verdict *vd, int64_t now, bool *overdue)
{
	json_t *doc =
	    lf_json_doc_new(STATUS_FORMAT, FORMAT_VERSION, cli_prog());
	const struct lf_custodyview_bundle *bs;
	const struct lf_custodyview_result *r;
	json_t *a, *e;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	struct lf_error err;
	size_t n, i;
	bool late;
	int rc = LF_E_NOMEM;

	*overdue = false;
	lf_hex(hex, vd->head, sizeof(vd->head));
	if (doc == NULL ||
	    lf_json_set_name(doc, "log", (const uint8_t *)o->log,
	        strlen(o->log), &err) != LF_OK ||
	    jset(doc, "events", json_integer((json_int_t)vd->events)) != 0 ||
	    jset(doc, "head", json_string(hex)) != 0 ||
	    jset(doc, "now", json_string(utc(now))) != 0 ||
	    jset(doc, "overdue_hours", json_integer(o->view.overdue_hours)) !=
	        0 ||
	    (a = json_array()) == NULL || jset(doc, "bundles", a) != 0)
		goto done;
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		if (bs[i].nsubmitted == 0 && !bs[i].packed)
			continue;
		if ((e = bundle_json(o, &bs[i], now, &late)) == NULL ||
		    json_array_append_new(a, e) != 0)
			goto done;
		*overdue |= late;
	}
	if ((a = json_array()) == NULL || jset(doc, "unlinked", a) != 0)
		goto done;
	r = lf_custodyview_unlinked(view, &n);
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, result_json(&r[i])) != 0)
			goto done;
	if (jset(doc, "overdue", json_boolean(*overdue)) != 0)
		goto done;
	rc = lf_json_write_line(doc, stdout, &err);
done:
	json_decref(doc);
	if (rc != LF_OK)
		cli_warn("cannot write the JSON document");
	return rc;
}

int
do_status(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	const struct lf_custodyview_bundle *bs;
	int64_t now = o->view.now_given ? o->view.now : (int64_t)time(NULL);
	size_t n, i;
	bool overdue = false;
	int status;

	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++)
		overdue |= overdue_by(o, &bs[i], now) >= 0;
	if (o->json) {
		if (status_json(o, view, &vd, now, &overdue) != LF_OK)
			status = CLI_EXIT_FAILURE;
	} else if (!o->c.quiet) {
		status_text(o, view, now);
	}
	if (status == CLI_EXIT_OK && overdue)
		status = CLI_EXIT_NEGATIVE;
	lf_custodyview_free(view);
	return status;
}

static json_t *read_manifest(const char *path, size_t *budget);

/*
 * A manifest given as the JSON itself (data/manifest.json taken out of a
 * bundle), at most MANIFEST_MAX bytes and *budget.
 */
static json_t *
read_manifest_json(const char *path, size_t *budget)
{
	struct lf_buf b;
	struct lf_error err;
	json_error_t jerr;
	json_t *doc = NULL;

	lf_buf_init(&b, *budget < MANIFEST_MAX ? *budget : MANIFEST_MAX);
	if (lf_read_file(path, &b, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	*budget -= b.len;
	doc = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (doc == NULL || !json_is_object(doc)) {
		cli_warn("'%s': not a JSON object: %s",
		    cli_esc(path, strlen(path)),
		    doc == NULL ? cli_esc(jerr.text, strlen(jerr.text)) :
		                  "another value");
		json_decref(doc);
		doc = NULL;
	}
done:
	lf_buf_release(&b);
	return doc;
}

/* Whether the file at path starts, after white space, with '{'. */
static bool
looks_like_json(const char *path)
{
	FILE *fp = fopen(path, "rb");
	int c;

	if (fp == NULL)
		return false; /* the tar reader says why */
	while ((c = getc(fp)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		;
	(void)fclose(fp);
	return c == '{';
}

json_t *
custody_read_manifest(const char *path, size_t *budget)
{
	return looks_like_json(path) ? read_manifest_json(path, budget) :
	                               read_manifest(path, budget);
}

/*
 * read_manifest: data/manifest.json of the bundle tar at path, read with
 * the strict tar reader, at most MANIFEST_MAX bytes and at most *budget
 * (less what it takes).  Returns the
 * document (new), or NULL after a message.
 */
static json_t *
read_manifest(const char *path, size_t *budget)
{
	struct lf_reader *in = NULL;
	struct lf_tarr *tr = NULL;
	struct lf_tar_entry e;
	struct lf_error err;
	json_error_t jerr;
	json_t *doc = NULL;
	uint8_t *buf = NULL;
	const char *slash;
	long got;
	size_t len = 0;
	int fd, rc;

	lf_error_clear(&err);
	(void)snprintf(err.msg, sizeof(err.msg),
	    "data/manifest.json is cut "
	    "short");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		return NULL;
	}
	if (lf_reader_from_fd(fd, true, &in, &err) != LF_OK) {
		(void)close(fd);
		cli_warn("%s", err.msg);
		return NULL;
	}
	if (lf_tarr_new(in, &tr, &err) != LF_OK)
		goto fail;
	while ((rc = lf_tarr_next(tr, &e, &err)) == 1) {
		slash = strchr(e.path, '/');
		if (e.type != LF_TAR_FILE || slash == NULL ||
		    strcmp(slash, "/data/manifest.json") != 0)
			continue;
		if (e.size > MANIFEST_MAX || e.size > *budget) {
			cli_warn("'%s': data/manifest.json is larger than %d "
			         "bytes, or the manifests than %d in all",
			    cli_esc(path, strlen(path)), MANIFEST_MAX,
			    MANIFESTS_TOTAL_MAX);
			goto done;
		}
		*budget -= (size_t)e.size;
		if ((buf = malloc(e.size + 1)) == NULL) {
			cli_warn("out of memory");
			goto done;
		}
		while (len < e.size &&
		    (got = lf_tarr_read(tr, buf + len, e.size - len, &err)) > 0)
			len += (size_t)got;
		if (len != e.size)
			goto fail;
		doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
		    &jerr);
		if (doc == NULL || !json_is_object(doc)) {
			cli_warn("'%s': data/manifest.json is not a JSON "
			         "object: %s",
			    cli_esc(path, strlen(path)),
			    doc == NULL ?
			        cli_esc(jerr.text, strlen(jerr.text)) :
			        "another value");
			json_decref(doc);
			doc = NULL;
		}
		goto done;
	}
	if (rc == 0) {
		cli_warn("'%s': no data/manifest.json in the bundle",
		    cli_esc(path, strlen(path)));
		goto done;
	}
fail:
	cli_warn("'%s': %s", cli_esc(path, strlen(path)), err.msg);
done:
	free(buf);
	lf_tarr_free(tr);
	lf_reader_free(in);
	return doc;
}

static const char *
manifest_bundle_id(const json_t *m)
{
	return json_string_value(
	    json_object_get(json_object_get(m, "bundle"), "id"));
}

/* summary_names: the names of sample hex in the manifest and from the
 * vendor's replies. */
static void
summary_names(const json_t *m, const struct lf_custodyview_bundle *b,
    const char *hex, const char **md5)
{
	const json_t *s, *f;
	size_t i, j;
	bool any = false;

	json_array_foreach(json_object_get(m, "samples"), i, s)
	{
		const json_t *obj = json_object_get(s, "object");
		if (!json_is_string(json_object_get(obj, "sha256")) ||
		    strcmp(json_string_value(json_object_get(obj, "sha256")),
		        hex) != 0)
			continue;
		if (json_string_value(json_object_get(obj, "md5")) != NULL)
			*md5 = json_string_value(json_object_get(obj, "md5"));
		json_array_foreach(json_object_get(s, "found"), j, f)
		{
			const char *name =
			    json_string_value(json_object_get(f, "name"));
			if (name == NULL)
				continue;
			(void)printf("      name in message %s part %s: %s\n",
			    or_dash(json_string_value(
			        json_object_get(f, "message_sha256"))),
			    or_dash(
			        json_string_value(json_object_get(f, "path"))),
			    ascii_esc(name));
			any = true;
		}
	}
	json_array_foreach(json_object_get(m, "messages"), i, s)
	{
		const char *sha =
		    json_string_value(json_object_get(s, "sha256"));
		if (sha != NULL && strcmp(sha, hex) == 0) {
			(void)printf("      an original message, sealed\n");
			any = true;
		}
	}
	for (i = 0; i < b->nfiles; i++) {
		if (b->files[i].sha256 == NULL ||
		    strcmp(b->files[i].sha256, hex) != 0)
			continue;
		if (b->files[i].md5 != NULL && *md5 == NULL)
			*md5 = b->files[i].md5;
		if (b->files[i].name != NULL) {
			(void)printf("      name in the vendor's receipt: %s\n",
			    ascii_esc(b->files[i].name));
			any = true;
		}
	}
	for (i = 0; i < b->nresults; i++) {
		const struct lf_custodyview_result *r = &b->results[i];
		uint8_t raw[LF_CUSTODY_HASH_LEN];
		bool mine = r->has_sample;

		if (r->file.name == NULL)
			continue;
		if (r->has_sample) {
			(void)lf_hex_decode(hex, strlen(hex), raw, sizeof(raw));
			mine = memcmp(r->sample, raw, sizeof(raw)) == 0;
		} else if (r->file.sha256 != NULL) {
			mine = strcmp(r->file.sha256, hex) == 0;
		}
		if (!mine)
			continue;
		(void)printf("      name in the vendor's result: %s%s\n",
		    ascii_esc(r->file.name),
		    r->name_truncated ? " (cut short by the vendor)" : "");
		any = true;
	}
	if (!any)
		(void)printf("      names: none recorded\n");
}

static void
summary_manifest(const json_t *m)
{
	static const char *const fields[] = {"id", "evidence_number",
	    "examiner", "organization", "contact"};
	static const char *const labels[] = {"case", "evidence number",
	    "examiner", "organization", "contact"};
	static const char *const verdicts[] = {"transited", "unknown",
	    "not-transited"};
	const json_t *c = json_object_get(m, "case"), *msg, *g;
	const char *v;
	size_t i, j, k;
	bool any;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((v = json_string_value(json_object_get(c, fields[i]))) !=
		    NULL)
			(void)printf("  %s: %s\n", labels[i], ascii_esc(v));
	json_array_foreach(json_object_get(m, "messages"), i, msg)
	{
		(void)printf("  message %s, gateway transit:\n",
		    or_dash(json_string_value(json_object_get(msg, "sha256"))));
		for (k = 0; k < sizeof(verdicts) / sizeof(verdicts[0]); k++) {
			any = false;
			json_array_foreach(json_object_get(msg, "gateways"), j,
			    g)
			{
				v = json_string_value(
				    json_object_get(g, "verdict"));
				if (v == NULL || strcmp(v, verdicts[k]) != 0)
					continue;
				(void)printf("%s%s", any ? ", " : "    ",
				    or_dash(json_string_value(
				        json_object_get(g, "gateway"))));
				if (k == 0)
					(void)printf(" (%s)",
					    or_dash(json_string_value(
					        json_object_get(g, "why"))));
				any = true;
			}
			if (any)
				(void)printf(": %s\n", verdicts[k]);
		}
	}
}

static void
summary_bundle(const struct lf_custodyview_bundle *b, const json_t *m)
{
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	const char *md5;
	size_t i;

	(void)printf("\nBundle %s\n", ascii_esc(b->id));
	if (b->packed)
		(void)printf("  packed: %s UTC by %s\n", utc(b->packed_time),
		    ascii_esc(b->packed_actor));
	for (i = 0; i < b->nsubmitted; i++)
		(void)printf("  submitted: %s UTC by %s\n",
		    utc(b->submitted[i].time),
		    ascii_esc(b->submitted[i].actor));
	if (b->nsubmitted == 0)
		(void)printf("  submitted: not yet\n");
	(void)printf("  tracking numbers:");
	for (i = 0; i < b->ntracking; i++)
		(void)printf(" %s", ascii_esc(b->tracking[i]));
	(void)printf("%s\n", b->ntracking == 0 ? " none yet" : "");
	if (m != NULL)
		summary_manifest(m);
	(void)printf("  samples (%zu):\n", b->nsamples);
	for (i = 0; i < b->nsamples; i++) {
		lf_hex(hex, b->samples[i].sha256, LF_CUSTODY_HASH_LEN);
		(void)printf("    SHA-256 %s\n", hex);
		md5 = NULL;
		summary_names(m, b, hex, &md5);
		r = latest_result(b, i);
		if (r == NULL)
			for (size_t j = 0; j < b->nresults; j++)
				if (b->results[j].structured &&
				    b->results[j].file.sha256 != NULL &&
				    strcmp(b->results[j].file.sha256, hex) == 0)
					r = &b->results[j];
		if (md5 == NULL && r != NULL && r->file.md5 != NULL)
			md5 = r->file.md5;
		if (md5 != NULL)
			(void)printf("      MD5 %s\n", ascii_esc(md5));
		if (r == NULL)
			(void)printf("      verdict: awaiting\n");
		else
			print_result_text(r, "      verdict: ", "        ");
	}
	for (i = 0; i < b->nresults; i++)
		if (!b->results[i].has_sample)
			print_result_text(&b->results[i],
			    "  result tied to no sample: ", "    ");
	(void)printf("  The samples are available, sealed, in bundle %s, on "
	             "request.\n",
	    ascii_esc(b->id));
}

int
do_summary(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	const struct lf_custodyview_bundle *bs;
	json_t *m[VIEW_MANIFESTS_MAX] = {NULL};
	size_t budget = MANIFESTS_TOTAL_MAX;
	const json_t *mb;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n, i, k;
	int status;

	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	for (k = 0; k < o->view.nmanifests; k++) {
		if ((m[k] = custody_read_manifest(o->view.manifests[k],
		         &budget)) == NULL) {
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		if (manifest_bundle_id(m[k]) == NULL ||
		    lf_custodyview_find(view, manifest_bundle_id(m[k])) == NULL)
			cli_warn("'%s': its bundle is not in the log",
			    cli_esc(o->view.manifests[k],
			        strlen(o->view.manifests[k])));
	}
	lf_hex(hex, vd.head, sizeof(vd.head));
	(void)printf("Custody summary: %llu event%s from %s to %s UTC, "
	             "signed and chained (head %s)\n",
	    (unsigned long long)vd.events, vd.events == 1 ? "" : "s",
	    utc(vd.first_time), utc(vd.last_time), hex);
	(void)printf("Hashes and verdicts only: no sample is attached to "
	             "this text.\n");
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		mb = NULL;
		for (k = 0; k < o->view.nmanifests; k++)
			if (manifest_bundle_id(m[k]) != NULL &&
			    strcmp(manifest_bundle_id(m[k]), bs[i].id) == 0)
				mb = m[k];
		summary_bundle(&bs[i], mb);
	}
done:
	for (k = 0; k < o->view.nmanifests; k++)
		json_decref(m[k]);
	lf_custodyview_free(view);
	return status;
}

/* The CASE/UCO export: JSON-LD, one node a line inside "@graph". */
static const char uco_context[] =
    "{\"@context\":{"
    "\"case-investigation\":\"https://ontology.caseontology.org/case/"
    "investigation/\","
    "\"uco-core\":\"https://ontology.unifiedcyberontology.org/uco/core/\","
    "\"uco-action\":\"https://ontology.unifiedcyberontology.org/uco/"
    "action/\","
    "\"uco-observable\":\"https://ontology.unifiedcyberontology.org/uco/"
    "observable/\","
    "\"uco-types\":\"https://ontology.unifiedcyberontology.org/uco/"
    "types/\","
    "\"uco-identity\":\"https://ontology.unifiedcyberontology.org/uco/"
    "identity/\","
    "\"uco-tool\":\"https://ontology.unifiedcyberontology.org/uco/tool/\","
    "\"uco-vocabulary\":\"https://ontology.unifiedcyberontology.org/uco/"
    "vocabulary/\","
    "\"xsd\":\"http://www.w3.org/2001/XMLSchema#\","
    "\"kb\":\"urn:lf-custody:kb:\"},\n\"@graph\":[\n";

/* short_id: the first 16 bytes of the SHA-256 of the parts, in hex: a
 * stable @id for a name the log gives. */
static void
short_id(char out[33], const char *a, const char *b)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, a, strlen(a) + 1) == 1 &&
	    (b == NULL || EVP_DigestUpdate(c, b, strlen(b) + 1) == 1))
		(void)EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	lf_hex(out, md, 16);
}

static json_t *
typed(const char *type, const char *value)
{
	return json_pack("{s:s, s:s}", "@type", type, "@value", value);
}

static json_t *
ref(const char *id)
{
	return json_pack("{s:s}", "@id", id);
}

/* emit: one node of the graph, after a comma unless it is the first. */
static int
emit(json_t *node, bool *first)
{
	char *s;
	int rc = -1;

	if (node == NULL)
		return -1;
	s = json_dumps(node, JSON_COMPACT);
	if (s != NULL) {
		(void)printf("%s%s", *first ? "" : ",\n", s);
		*first = false;
		rc = 0;
	}
	free(s);
	json_decref(node);
	return rc;
}

static json_t *
object_node(const char *hex)
{
	char id[96], facet[96], hash[96];

	(void)snprintf(id, sizeof(id), "kb:object-%s", hex);
	(void)snprintf(facet, sizeof(facet), "kb:content-data-facet-%s", hex);
	(void)snprintf(hash, sizeof(hash), "kb:hash-sha256-%s", hex);
	return json_pack("{s:s, s:s, s:[{s:s, s:s, s:[{s:s, s:s, s:o, s:o}]}]}",
	    "@id", id, "@type", "uco-observable:ObservableObject",
	    "uco-core:hasFacet", "@id", facet, "@type",
	    "uco-observable:ContentDataFacet", "uco-observable:hash", "@id",
	    hash, "@type", "uco-types:Hash", "uco-types:hashMethod",
	    typed("uco-vocabulary:HashNameVocab", "SHA256"),
	    "uco-types:hashValue", typed("xsd:hexBinary", hex));
}

/* export_event: the nodes of one event. */
static int
export_event(const struct lf_custody_event *ev, bool *first)
{
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], prev[65], key[65], sig[129];
	char action[64], record[64], who[64], tool[64], bundle[64], h[33];
	char chain[512];
	const char *role;
	json_t *node, *objs, *descr;
	size_t i;

	(void)snprintf(action, sizeof(action), "kb:action-%llu",
	    (unsigned long long)ev->seq);
	(void)snprintf(record, sizeof(record), "kb:provenance-record-%llu",
	    (unsigned long long)ev->seq);
	short_id(h, ev->actor, NULL);
	(void)snprintf(who, sizeof(who), "kb:identity-%s", h);
	short_id(h, ev->tool_name, ev->tool_version);
	(void)snprintf(tool, sizeof(tool), "kb:tool-%s", h);
	if (emit(json_pack("{s:s, s:s, s:s}", "@id", who, "@type",
	             "uco-identity:Identity", "uco-core:name", ev->actor),
	        first) != 0 ||
	    emit(json_pack("{s:s, s:s, s:s, s:s}", "@id", tool, "@type",
	             "uco-tool:Tool", "uco-core:name", ev->tool_name,
	             "uco-tool:version", ev->tool_version),
	        first) != 0)
		return -1;
	if ((objs = json_array()) == NULL)
		return -1;
	for (i = 0; i < ev->nobjects; i++) {
		lf_hex(hex, ev->objects[i], LF_CUSTODY_HASH_LEN);
		if (emit(object_node(hex), first) != 0)
			goto fail;
		(void)snprintf(chain, sizeof(chain), "kb:object-%s", hex);
		if (json_array_append_new(objs, ref(chain)) != 0)
			goto fail;
	}
	if (ev->bundle != NULL) {
		short_id(h, ev->bundle, NULL);
		(void)snprintf(bundle, sizeof(bundle), "kb:bundle-%s", h);
		if (emit(json_pack("{s:s, s:s, s:s, s:s}", "@id", bundle,
		             "@type", "uco-observable:ObservableObject",
		             "uco-core:name", ev->bundle,
		             "uco-core:description",
		             "evidence bundle (docs/bundle-format.md)"),
		        first) != 0 ||
		    json_array_append_new(objs, ref(bundle)) != 0)
			goto fail;
	}
	if (emit(json_pack("{s:s, s:s, s:s, s:O}", "@id", record, "@type",
	             "case-investigation:ProvenanceRecord",
	             "uco-core:description", lf_custody_action_name(ev->action),
	             "uco-core:object", objs),
	        first) != 0)
		goto fail;
	json_decref(objs);
	lf_hex(prev, ev->prev, sizeof(ev->prev));
	lf_hex(key, ev->key, sizeof(ev->key));
	lf_hex(sig, ev->sig, sizeof(ev->sig));
	(void)snprintf(chain, sizeof(chain),
	    "custody log line %llu: prev %s, key %s, sig %s",
	    (unsigned long long)ev->seq, prev, key, sig);
	if ((descr = json_pack("[s]", chain)) == NULL ||
	    (ev->reason != NULL &&
	        json_array_append_new(descr, json_string(ev->reason)) != 0)) {
		json_decref(descr);
		return -1;
	}
	/* What an action makes is its result; what it acts on, its object. */
	role = ev->action == LF_CUSTODY_ACQUIRED ||
	        ev->action == LF_CUSTODY_EXTRACTED ||
	        ev->action == LF_CUSTODY_PACKED ||
	        ev->action == LF_CUSTODY_RECEIPT ||
	        ev->action == LF_CUSTODY_RESULT ?
	    "uco-action:result" :
	    "uco-action:object";
	node = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:[o], s:o}", "@id",
	    action, "@type", "case-investigation:InvestigativeAction",
	    "uco-core:name", lf_custody_action_name(ev->action),
	    "uco-action:startTime", typed("xsd:dateTime", utc(ev->time)),
	    "uco-action:performer", ref(who), "uco-action:instrument",
	    ref(tool), role, ref(record), "uco-core:description", descr);
	return emit(node, first);
fail:
	json_decref(objs);
	return -1;
}

int
do_export(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	struct lf_custody_parsed pl;
	struct lf_reader *in = NULL;
	struct lf_error err;
	struct lf_buf line;
	uint64_t i;
	bool too_long, first = true;
	int fd, rc, status;

	/* The view is built to check the log reads whole before any output. */
	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	lf_custodyview_free(view);
	status = CLI_EXIT_FAILURE;
	lf_buf_init(&line, LF_CUSTODY_LINE_MAX + 1);
	fd = open(o->log, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || flock(fd, LOCK_SH) != 0 ||
	    lf_reader_from_fd(fd, true, &in, &err) != LF_OK) {
		cli_warn("cannot read '%s': %s",
		    cli_esc(o->log, strlen(o->log)), strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		goto done;
	}
	(void)fputs(uco_context, stdout);
	for (i = 0; i < vd.events; i++) {
		rc = lf_reader_getline(in, &line, LF_CUSTODY_LINE_MAX,
		    &too_long, &err);
		if (rc != 1 || too_long ||
		    lf_custody_parse_line(line.data, line.len, &pl, &err) !=
		        LF_OK) {
			cli_warn("'%s': line %llu changed while it was read",
			    cli_esc(o->log, strlen(o->log)),
			    (unsigned long long)i + 1);
			goto done;
		}
		rc = export_event(&pl.ev, &first);
		lf_custody_parsed_release(&pl);
		if (rc != 0) {
			cli_warn("out of memory");
			goto done;
		}
	}
	(void)printf("\n]}\n");
	status = CLI_EXIT_OK;
done:
	lf_reader_free(in);
	lf_buf_release(&line);
	return status;
}
