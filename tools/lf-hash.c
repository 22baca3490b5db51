/*
 * lf-hash: hash files (MD5, SHA-1, SHA-256, SHA-512, ssdeep, TLSH) on all
 * cores, type them with libmagic, and audit them against known lists.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "lf/buf.h"
#include "lf/filehash.h"
#include "lf/hashlist.h"
#include "lf/json.h"
#include "lf/object.h"
#include "lf/text.h"
#include "lf/walk.h"

#define OBJECT_FORMAT "lf-object"
#define AUDIT_FORMAT "lf-audit"
#define FORMAT_VERSION 1
#define MAX_LIST_WARNINGS 20

enum output { OUT_COREUTILS, OUT_TABLE, OUT_JSON, OUT_HASHDEEP };

struct options {
	unsigned algs;
	bool algs_given;
	bool recurse;
	bool follow;
	bool type;
	bool json;
	bool hashdeep;
	const char **known; /* --audit lists */
	int nknown;
	struct cli_common c; /* -j, --limit, -q, -v */
};

struct item {
	char *name; /* as walked or given; "-" for standard input */
	size_t len;
};

struct state {
	struct options o;
	enum output out;
	int status; /* exit status so far */
	bool stdout_tty;
	struct lf_buf line;
	struct lf_filehash *fh;
	struct lf_hashlist *hl;
	uint64_t counts[LF_AUDIT_NSTATUS];
	uint64_t list_warnings;
	struct cli_progress progress;
	atomic_uint_fast64_t total; /* bytes to hash, once counted */
	atomic_bool total_known;
	bool header_done;
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-hash [options] FILE|DIR|- ...\n"
	    "\n"
	    "Hash files in one pass; with no FILE, or '-', standard input.\n"
	    "\n"
	    "  -c, --hash LIST      md5,sha1,sha256,sha512,ssdeep,tlsh "
	    "(default md5,sha1,sha256)\n"
	    "  -r, --recursive      descend into directories\n"
	    "  -L, --follow         follow symbolic links\n"
	    "      --type           add the libmagic description and MIME "
	    "type\n"
	    "      --json           JSON Lines (schemas/object.schema.json)\n"
	    "      --hashdeep       HASHDEEP-1.0 (md5, sha1, sha256 only)\n"
	    "  -a, --audit KNOWN    audit against a known list (repeatable)\n"
	    "  -j, --threads N      worker threads (default: one per CPU)\n"
	    "      --limit NAME=N   change a limit (see below)\n"
	    "  -q, --quiet          no progress line, no notes on skipped "
	    "files\n"
	    "  -v, --verbose        list matched files in an audit too\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "One algorithm prints '<digest>  <name>' as sha256sum does; "
	    "more print a table.\n"
	    "Exit status: 0 success, 1 audit mismatch, 2 usage, 3 a file "
	    "could not be read.\n");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_TYPE = 256, OPT_JSON, OPT_HASHDEEP };
	static const struct option longopts[] = {
	    {"hash", required_argument, NULL, 'c'},
	    {"recursive", no_argument, NULL, 'r'},
	    {"follow", no_argument, NULL, 'L'},
	    {"type", no_argument, NULL, OPT_TYPE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"hashdeep", no_argument, NULL, OPT_HASHDEEP},
	    {"audit", required_argument, NULL, 'a'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct lf_error err;
	int c;

	memset(o, 0, sizeof(*o));
	o->algs = LF_DIGEST_DEFAULT;
	cli_common_init(&o->c);
	if ((o->known = calloc((size_t)argc, sizeof(*o->known))) == NULL) {
		cli_warn("out of memory");
		exit(CLI_EXIT_FAILURE);
	}
	while ((c = getopt_long(argc, argv, "c:rLa:" CLI_COMMON_SHORTOPTS,
	            longopts, NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case 'c':
			if (lf_digest_parse_algs(optarg, &o->algs, &err) !=
			    LF_OK)
				cli_usage_error("-c: %s", err.msg);
			o->algs_given = true;
			break;
		case 'r':
			o->recurse = true;
			break;
		case 'L':
			o->follow = true;
			break;
		case OPT_TYPE:
			o->type = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_HASHDEEP:
			o->hashdeep = true;
			break;
		case 'a':
			o->known[o->nknown++] = optarg;
			break;
		default:
			break; /* getopt_long returns only the options above */
		}
	}
	if (o->json && o->hashdeep)
		cli_usage_error("--json and --hashdeep exclude each other");
	if (o->hashdeep && o->nknown > 0)
		cli_usage_error("--hashdeep does not apply to an audit");
	if (o->hashdeep && o->type)
		cli_usage_error("HASHDEEP-1.0 has no place for --type");
	if (o->hashdeep && (o->algs & ~LF_HASHDEEP_ALGS) != 0)
		cli_usage_error("HASHDEEP-1.0 holds only md5, sha1 and sha256");
}

/* Flush the line buffer to stdout. */
static void
emit_line(struct state *s)
{
	if (s->line.len > 0 &&
	    fwrite(s->line.data, 1, s->line.len, stdout) != s->line.len)
		s->status = CLI_EXIT_FAILURE;
	lf_buf_reset(&s->line);
}

/* Table columns: fixed widths first, ssdeep (of varying length) last. */
static const enum lf_digest_alg table_order[LF_DIGEST_NALGS] = {LF_MD5, LF_SHA1,
    LF_SHA256, LF_SHA512, LF_TLSH, LF_SSDEEP};

static size_t
column_width(enum lf_digest_alg a)
{
	if (a == LF_TLSH)
		return LF_TLSH_HEXLEN;
	return lf_digest_raw_len(a) * 2; /* 0 for ssdeep: not padded */
}

static void
print_table_header(struct state *s)
{
	int k;

	if (s->header_done)
		return;
	s->header_done = true;
	(void)printf("%12s", "SIZE");
	for (k = 0; k < LF_DIGEST_NALGS; k++) {
		enum lf_digest_alg a = table_order[k];
		char head[16];
		size_t i;
		if (!(s->o.algs & LF_DIGEST_BIT(a)))
			continue;
		for (i = 0; lf_digest_alg_name(a)[i] != '\0'; i++)
			head[i] = (char)toupper(
			    (unsigned char)lf_digest_alg_name(a)[i]);
		head[i] = '\0';
		(void)printf("  %-*s", (int)column_width(a), head);
	}
	if (s->o.type)
		(void)printf("  %-24s", "TYPE");
	(void)printf("  NAME\n");
}

static void
format_table(struct state *s, const struct item *it,
    const struct lf_filehash_result *r)
{
	char text[LF_DIGEST_TEXT_MAX];
	int k;

	(void)lf_buf_printf(&s->line, NULL, "%12llu",
	    (unsigned long long)r->digest.size);
	for (k = 0; k < LF_DIGEST_NALGS; k++) {
		enum lf_digest_alg a = table_order[k];
		if (!(s->o.algs & LF_DIGEST_BIT(a)))
			continue;
		if (!lf_digest_text(&r->digest, a, text))
			(void)snprintf(text, sizeof(text), "-");
		(void)lf_buf_printf(&s->line, NULL, "  %-*s",
		    (int)column_width(a), text);
	}
	if (s->o.type)
		(void)lf_buf_printf(&s->line, NULL, "  %-24s",
		    cli_esc(r->magic.mime, strlen(r->magic.mime)));
	(void)lf_buf_printf(&s->line, NULL, "  %s", cli_esc(it->name, it->len));
	if (s->o.type)
		(void)lf_buf_printf(&s->line, NULL, "  (%s)",
		    cli_esc(r->magic.description,
		        strlen(r->magic.description)));
	(void)lf_buf_putc(&s->line, '\n', NULL);
}

/* The coreutils line; on a terminal, names are made visible instead. */
static void
format_coreutils(struct state *s, const struct item *it,
    const struct lf_filehash_result *r)
{
	char text[LF_DIGEST_TEXT_MAX];
	int a;

	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (s->o.algs & LF_DIGEST_BIT(a))
			break;
	}
	if (!lf_digest_text(&r->digest, a, text))
		(void)snprintf(text, sizeof(text), "-");
	if (s->stdout_tty &&
	    lf_escape_needed((const uint8_t *)it->name, it->len))
		(void)lf_buf_printf(&s->line, NULL, "\\%s  %s\n", text,
		    cli_esc(it->name, it->len));
	else
		(void)lf_hashlist_coreutils_line(&s->line, text,
		    (const uint8_t *)it->name, it->len, NULL);
}

static void
format_json(struct state *s, const struct item *it,
    const struct lf_filehash_result *r)
{
	json_t *doc =
	    lf_json_doc_new(OBJECT_FORMAT, FORMAT_VERSION, cli_prog());
	struct lf_error err;

	if (doc == NULL ||
	    lf_json_set_name(doc, "name", (const uint8_t *)it->name, it->len,
	        &err) != LF_OK ||
	    lf_object_to_json(doc, &r->digest, r->typed ? &r->magic : NULL,
	        &err) != LF_OK ||
	    lf_json_write_line(doc, stdout, &err) != LF_OK) {
		cli_warn("cannot write JSON for '%s'",
		    cli_esc(it->name, it->len));
		s->status = CLI_EXIT_FAILURE;
	}
	json_decref(doc);
}

static void
format_hashdeep(struct state *s, const struct item *it,
    const struct lf_filehash_result *r)
{
	struct lf_error err;

	if (lf_hashlist_hashdeep_line(&s->line, s->o.algs, &r->digest,
	        (const uint8_t *)it->name, it->len, &err) != LF_OK) {
		cli_warn("'%s': %s", cli_esc(it->name, it->len), err.msg);
		s->status = CLI_EXIT_FAILURE;
	}
}

static void
known_json(json_t *doc, const struct lf_known *k)
{
	json_t *kn = json_object();

	if (kn == NULL)
		return;
	(void)lf_json_set_name(kn, "name", k->name, k->name_len, NULL);
	(void)json_object_set_new(kn, "source", json_string(k->source));
	(void)json_object_set_new(kn, "line",
	    json_integer((json_int_t)k->line));
	(void)json_object_set_new(doc, "known", kn);
}

static json_t *
alg_list(unsigned algs)
{
	json_t *arr = json_array();
	int a;

	for (a = 0; arr != NULL && a < LF_DIGEST_NALGS; a++) {
		if (algs & LF_DIGEST_BIT(a))
			(void)json_array_append_new(arr,
			    json_string(lf_digest_alg_name(a)));
	}
	return arr;
}

static void
audit_json(struct state *s, enum lf_audit_status st, const uint8_t *name,
    size_t len, const struct lf_filehash_result *r,
    const struct lf_audit_match *m)
{
	json_t *doc = lf_json_doc_new(AUDIT_FORMAT, FORMAT_VERSION, cli_prog());

	if (doc == NULL)
		return;
	(void)json_object_set_new(doc, "status",
	    json_string(lf_audit_status_name(st)));
	(void)lf_json_set_name(doc, "name", name, len, NULL);
	if (r != NULL)
		(void)lf_object_to_json(doc, &r->digest, NULL, NULL);
	if (m != NULL && m->known != NULL) {
		known_json(doc, m->known);
		(void)json_object_set_new(doc, "equal", alg_list(m->equal));
		(void)json_object_set_new(doc, "differ", alg_list(m->differ));
		(void)json_object_set_new(doc, "size_differs",
		    json_boolean(m->size_differs));
	}
	if (lf_json_write_line(doc, stdout, NULL) != LF_OK)
		s->status = CLI_EXIT_FAILURE;
	json_decref(doc);
}

static void
describe_algs(struct lf_buf *b, unsigned algs)
{
	int a;
	bool first = true;

	for (a = 0; a < LF_DIGEST_NALGS; a++) {
		if (!(algs & LF_DIGEST_BIT(a)))
			continue;
		(void)lf_buf_printf(b, NULL, "%s%s", first ? "" : ",",
		    lf_digest_alg_name(a));
		first = false;
	}
}

static void
audit_text(struct state *s, const struct item *it,
    const struct lf_audit_match *m)
{
	const struct lf_known *k = m->known;
	bool renamed = k != NULL &&
	    (k->name_len != it->len || memcmp(k->name, it->name, it->len) != 0);

	if (m->status == LF_AUDIT_MATCHED && s->o.c.verbose == 0)
		return;
	(void)lf_buf_printf(&s->line, NULL, "%s: %s",
	    lf_audit_status_name(m->status), cli_esc(it->name, it->len));
	if (m->status == LF_AUDIT_PARTIAL) {
		(void)lf_buf_printf(&s->line, NULL, " (");
		describe_algs(&s->line, m->equal);
		(void)lf_buf_printf(&s->line, NULL, " agree, ");
		if (m->differ)
			describe_algs(&s->line, m->differ);
		else
			(void)lf_buf_printf(&s->line, NULL, "size");
		(void)lf_buf_printf(&s->line, NULL, " differ%s",
		    renamed ? "; " : ")");
	}
	if (renamed)
		(void)lf_buf_printf(&s->line, NULL, "%sknown as %s)",
		    m->status == LF_AUDIT_PARTIAL ? "" : " (",
		    cli_esc(k->name, k->name_len));
	(void)lf_buf_putc(&s->line, '\n', NULL);
}

static void
audit_one(struct state *s, const struct item *it,
    const struct lf_filehash_result *r)
{
	struct lf_audit_match m;

	lf_hashlist_audit(s->hl, (const uint8_t *)it->name, it->len, &r->digest,
	    &m);
	s->counts[m.status]++;
	if (s->o.json)
		audit_json(s, m.status, (const uint8_t *)it->name, it->len, r,
		    &m);
	else
		audit_text(s, it, &m);
}

static void
file_done(void *arg, void *token, const struct lf_filehash_result *r)
{
	struct state *s = arg;
	struct item *it = token;

	cli_progress_clear(&s->progress);
	if (r->status == LF_E_CHANGED) {
		cli_warn("'%s': changed while being read (%s)",
		    cli_esc(it->name, it->len), r->err.msg);
		s->status = CLI_EXIT_FAILURE;
	} else if (r->status != LF_OK) {
		cli_warn("'%s': %s", cli_esc(it->name, it->len), r->err.msg);
		s->status = CLI_EXIT_FAILURE;
	} else if (s->hl != NULL) {
		audit_one(s, it, r);
	} else {
		switch (s->out) {
		case OUT_COREUTILS:
			format_coreutils(s, it, r);
			break;
		case OUT_TABLE:
			print_table_header(s);
			format_table(s, it, r);
			break;
		case OUT_JSON:
			format_json(s, it, r);
			break;
		case OUT_HASHDEEP:
			format_hashdeep(s, it, r);
			break;
		}
	}
	emit_line(s);
	free(it->name);
	free(it);
}

static void
tick(void *arg)
{
	struct state *s = arg;

	cli_progress_draw(&s->progress, lf_filehash_bytes(s->fh),
	    atomic_load(&s->total_known) ? atomic_load(&s->total) : 0);
}

static struct item *
new_item(const char *name, size_t len)
{
	struct item *it = malloc(sizeof(*it));

	if (it == NULL || (it->name = malloc(len + 1)) == NULL) {
		free(it);
		return NULL;
	}
	memcpy(it->name, name, len);
	it->name[len] = '\0';
	it->len = len;
	return it;
}

static int
queue_file(struct state *s, int fd, uint64_t size, const char *name, size_t len)
{
	struct item *it = new_item(name, len);
	struct lf_error err;

	if (it == NULL) {
		(void)close(fd);
		cli_warn("out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (lf_filehash_add(s->fh, fd, size, it, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		free(it->name);
		free(it);
		return CLI_EXIT_FAILURE;
	}
	tick(s);
	return 0;
}

static int
walk_entry(void *arg, const struct lf_walk_entry *e)
{
	struct state *s = arg;
	const char *hint = "";

	switch (e->event) {
	case LF_WALK_FILE:
		return queue_file(s, e->fd, (uint64_t)e->st.st_size, e->path,
		    e->path_len);
	case LF_WALK_SKIPPED:
		if (s->o.c.quiet)
			return 0;
		if (e->reason == LF_WALK_SYMLINK)
			hint = " (-L follows)";
		else if (e->reason == LF_WALK_DIRECTORY)
			hint = " (-r recurses)";
		cli_progress_clear(&s->progress);
		cli_warn("'%s': %s%s, skipped", cli_esc(e->path, e->path_len),
		    lf_walk_reason_text(e->reason), hint);
		return 0;
	case LF_WALK_ERROR:
		cli_progress_clear(&s->progress);
		cli_warn("'%s': %s", cli_esc(e->path, e->path_len),
		    strerror(e->sys_errno));
		s->status = CLI_EXIT_FAILURE;
		return 0;
	}
	return 0;
}

static void
hash_stdin(struct state *s)
{
	struct stat st;
	uint64_t size = LF_SIZE_UNKNOWN;
	int fd = dup(STDIN_FILENO);

	if (fd < 0) {
		cli_warn("standard input: %s", strerror(errno));
		s->status = CLI_EXIT_FAILURE;
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size - (uint64_t)lseek(fd, 0, SEEK_CUR);
	if (queue_file(s, fd, size, "-", 1) != 0)
		s->status = CLI_EXIT_FAILURE;
}

/* Counting walk for the progress line, on its own thread. */
struct counter {
	struct state *s;
	char **paths;
	int npaths;
};

static int
count_entry(void *arg, const struct lf_walk_entry *e)
{
	struct state *s = arg;

	if (e->event == LF_WALK_FILE)
		atomic_fetch_add(&s->total, (uint64_t)e->st.st_size);
	return 0;
}

static void *
count_main(void *arg)
{
	struct counter *c = arg;
	struct lf_walk_opts wo = {c->s->o.recurse, c->s->o.follow, false,
	    &c->s->o.c.limits};
	int i;

	for (i = 0; i < c->npaths; i++) {
		if (strcmp(c->paths[i], "-") != 0)
			(void)lf_walk(c->paths[i], &wo, count_entry, c->s,
			    NULL);
	}
	atomic_store(&c->s->total_known, true);
	return NULL;
}

static void
list_warning(void *arg, const char *source, uint64_t line, const char *why)
{
	struct state *s = arg;

	if (++s->list_warnings <= MAX_LIST_WARNINGS)
		cli_warn("%s:%llu: %s, line skipped",
		    cli_esc(source, strlen(source)), (unsigned long long)line,
		    why);
}

static void
load_lists(struct state *s)
{
	struct lf_reader *r;
	struct lf_error err;
	int i, fd, rc;

	if (lf_hashlist_new(&s->o.c.limits, &s->hl, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	for (i = 0; i < s->o.nknown; i++) {
		const char *path = s->o.known[i];
		fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
		                              open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_warn("cannot open '%s': %s",
			    cli_esc(path, strlen(path)), strerror(errno));
			exit(CLI_EXIT_FAILURE);
		}
		if (lf_reader_from_fd(fd, true, &r, &err) != LF_OK) {
			(void)close(fd);
			cli_warn("%s", err.msg);
			exit(CLI_EXIT_FAILURE);
		}
		rc = lf_hashlist_load(s->hl, r, path, list_warning, s, &err);
		lf_reader_free(r);
		if (rc != LF_OK) {
			cli_warn("%s", err.msg);
			exit(CLI_EXIT_FAILURE);
		}
	}
	if (s->list_warnings > MAX_LIST_WARNINGS)
		cli_warn("%llu more lines skipped in the known lists",
		    (unsigned long long)(s->list_warnings - MAX_LIST_WARNINGS));
	if (lf_hashlist_count(s->hl) == 0) {
		cli_warn("no known hashes read from the audit lists");
		exit(CLI_EXIT_FAILURE);
	}
	/* Hash with what the lists hold, and what was asked besides. */
	s->o.algs = lf_hashlist_algs(s->hl) | (s->o.algs_given ? s->o.algs : 0);
}

static int
missing_entry(void *arg, const struct lf_known *k)
{
	struct state *s = arg;

	s->counts[LF_AUDIT_MISSING]++;
	if (s->o.json) {
		struct lf_audit_match m = {LF_AUDIT_MISSING, k, 0, 0, false};
		audit_json(s, LF_AUDIT_MISSING, k->name, k->name_len, NULL, &m);
	} else {
		(void)printf("missing: %s\n", cli_esc(k->name, k->name_len));
	}
	return 0;
}

static bool
audit_passed(const struct state *s)
{
	int i;

	for (i = 0; i < LF_AUDIT_NSTATUS; i++) {
		if (i != LF_AUDIT_MATCHED && s->counts[i] > 0)
			return false;
	}
	return s->counts[LF_AUDIT_MATCHED] > 0;
}

static void
audit_summary(struct state *s)
{
	static const char *labels[LF_AUDIT_NSTATUS] = {
	    [LF_AUDIT_MATCHED] = "Files matched",
	    [LF_AUDIT_MOVED] = "Files moved",
	    [LF_AUDIT_CHANGED] = "Files changed",
	    [LF_AUDIT_PARTIAL] = "Files partially matched",
	    [LF_AUDIT_NEW] = "New files found",
	    [LF_AUDIT_MISSING] = "Known files not found",
	};
	bool passed;
	json_t *doc;
	int i;

	(void)lf_hashlist_foreach_missing(s->hl, missing_entry, s);
	passed = audit_passed(s);
	if (s->o.json) {
		doc = lf_json_doc_new("lf-audit-summary", FORMAT_VERSION,
		    cli_prog());
		if (doc == NULL)
			return;
		(void)json_object_set_new(doc, "passed", json_boolean(passed));
		for (i = 0; i < LF_AUDIT_NSTATUS; i++)
			(void)json_object_set_new(doc, lf_audit_status_name(i),
			    json_integer((json_int_t)s->counts[i]));
		if (lf_json_write_line(doc, stdout, NULL) != LF_OK)
			s->status = CLI_EXIT_FAILURE;
		json_decref(doc);
	} else {
		(void)printf("%s: audit %s\n", cli_prog(),
		    passed ? "passed" : "failed");
		for (i = 0; i < LF_AUDIT_NSTATUS; i++)
			(void)printf("%24s: %llu\n", labels[i],
			    (unsigned long long)s->counts[i]);
	}
	if (!passed && s->status == CLI_EXIT_OK)
		s->status = CLI_EXIT_NEGATIVE;
}

static void
hashdeep_header(struct state *s, int argc, char **argv)
{
	char cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		(void)snprintf(cwd, sizeof(cwd), ".");
	(void)lf_hashlist_hashdeep_header(&s->line, s->o.algs, cwd, argc, argv,
	    NULL);
	emit_line(s);
}

static enum output
choose_output(const struct options *o)
{
	if (o->json)
		return OUT_JSON;
	if (o->hashdeep)
		return OUT_HASHDEEP;
	if (__builtin_popcount(o->algs) == 1 && !o->type)
		return OUT_COREUTILS;
	return OUT_TABLE;
}

int
main(int argc, char **argv)
{
	static char dash[] = "-";
	static char *stdin_only[] = {dash};
	struct state s;
	struct counter counter;
	struct lf_filehash_opts fo;
	struct lf_walk_opts wo;
	struct lf_error err;
	pthread_t counter_thread;
	bool counting = false;
	char **paths;
	int npaths, i;

	cli_init("lf-hash");
	memset(&s, 0, sizeof(s));
	parse_options(argc, argv, &s.o);
	paths = argv + optind;
	npaths = argc - optind;
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	lf_buf_init(&s.line, 1024 * 1024);
	s.stdout_tty = isatty(STDOUT_FILENO);
	if (s.o.nknown > 0)
		load_lists(&s);
	s.out = choose_output(&s.o);

	memset(&fo, 0, sizeof(fo));
	fo.algs = s.o.algs;
	fo.threads = cli_threads(&s.o.c);
	fo.magic = s.o.type && s.hl == NULL;
	fo.limits = &s.o.c.limits;
	if (lf_filehash_new(&fo, file_done, &s, &s.fh, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	cli_progress_init(&s.progress, !s.o.c.quiet);
	if (s.progress.on) {
		lf_filehash_set_tick(s.fh, tick, 250);
		counter.s = &s;
		counter.paths = paths;
		counter.npaths = npaths;
		counting = pthread_create(&counter_thread, NULL, count_main,
		               &counter) == 0;
	}
	if (s.out == OUT_HASHDEEP)
		hashdeep_header(&s, argc, argv);

	wo.recurse = s.o.recurse;
	wo.follow = s.o.follow;
	wo.open_files = true;
	wo.limits = &s.o.c.limits;
	for (i = 0; i < npaths; i++) {
		if (strcmp(paths[i], "-") == 0) {
			hash_stdin(&s);
			continue;
		}
		if (lf_walk(paths[i], &wo, walk_entry, &s, &err) < 0) {
			cli_warn("'%s': %s",
			    cli_esc(paths[i], strlen(paths[i])), err.msg);
			s.status = CLI_EXIT_FAILURE;
		}
	}
	(void)lf_filehash_finish(s.fh, &err);
	cli_progress_clear(&s.progress);
	if (s.hl != NULL)
		audit_summary(&s);
	if (counting)
		(void)pthread_join(counter_thread, NULL);
	lf_filehash_free(s.fh);
	lf_hashlist_free(s.hl);
	lf_buf_release(&s.line);
	free(s.o.known);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return s.status;
}
