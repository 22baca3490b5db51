/*
 * lf-extract: take suspect messages apart into a quarantine store named by
 * hash, and report every part, object, anomaly and finding.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/custody.h"
#include "common/inputs.h"
#include "common/report.h"
#include "lf/digest.h"
#include "lf/expool.h"
#include "lf/extract.h"
#include "lf/json.h"
#include "lf/mbox.h"
#include "lf/mime.h"
#include "lf/partial.h"
#include "lf/text.h"
#include "lf/walk.h"

struct options {
	const char *store_dir;
	bool no_store;
	bool no_type;
	bool attachments_only;
	enum cli_output out;
	const char *dump_part; /* -p */
	unsigned algs;
	enum lf_mbox_format mbox_format;
	char **passwords; /* --password-list */
	size_t npasswords;
	const char *custody;     /* --custody, or NULL */
	const char *custody_key; /* --custody-key, or NULL */
	struct cli_common c;     /* -j, --limit, -q, -v */
};

struct state {
	struct options o;
	struct lf_expool *pool;
	struct lf_store *store;
	struct lf_store *aside; /* --no-store: message/partial fragments */
	char aside_dir[64];
	struct lf_partials *partials;
	char partial_source[128]; /* names a reassembled message */
	struct lf_magic_db *magic_db;
	json_t *reassembled; /* fragments of each message reassembled, in
				the order they are handed to the pool */
	size_t nreassembled;
	int status;
	uint64_t messages;
	struct cli_reports reports;
	struct inputs in;
	const char *source;  /* the message's input */
	const char *custody; /* the custody log, or NULL */
	struct lf_sigkey *custody_key;
	uint8_t (*taken)[32]; /* for it: each message's SHA-256 */
	size_t ntaken, captaken;
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-extract [options] INPUT...\n"
	    "\n"
	    "Take messages apart (.eml, mbox, Maildir, directories, '-' for "
	    "standard\ninput) into a quarantine store named by hash, and "
	    "report every part.\n"
	    "\n"
	    "  -o, --store DIR      the store (default ./quarantine)\n"
	    "      --no-store       store nothing\n"
	    "      --no-type        do not type objects with libmagic\n"
	    "      --attachments-only  report and store attachments only\n"
	    "      --json           reports as one JSON array\n"
	    "      --jsonl          reports as JSON Lines, one per message\n"
	    "  -p, --part PART      write the decoded bytes of one part or entry\n"
	    "                       (a path of the report: 2, 1.3, 2>1) to stdout\n"
	    "  -c, --hash LIST      digests of each object (default md5,sha1,sha256)\n"
	    "      --mbox-format F  auto, mboxo, mboxrd, mboxcl, mboxcl2\n"
	    "      --password-list FILE  passwords to try on encrypted "
	    "archives,\n"
	    "                       one a line (after those the message "
	    "gives\n"
	    "                       and infected, malware, virus)\n"
	    "      --max-depth N    containers opened inside containers "
	    "(default 8)\n"
	    "      --max-ratio N    bytes a container may give per byte of "
	    "it (200)\n"
	    "      --max-total BYTES  bytes all containers of a message may "
	    "give (4G)\n"
	    "      --custody LOG    record what was taken apart in this "
	    "custody log\n"
	    "                       (default: LF_CUSTODY)\n"
	    "      --custody-key FILE  the key its event is signed with "
	    "(default:\n"
	    "                       LF_CUSTODY_KEY)\n"
	    "  -j, --threads N      worker threads (default: one per CPU)\n"
	    "      --limit NAME=N   change a limit (see below)\n"
	    "  -q, --quiet          no notes on stderr\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "Exit status: 0 success, 2 usage, 3 an input could not be read "
	    "or stored.\n");
}

#define PASSWORD_LINES 100000 /* lines read from --password-list */
#define PASSWORD_BYTES 1024   /* longest password taken */

/* --password-list: one password a line; blank lines are skipped. */
static void
read_password_list(const char *path, struct options *o)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, **np;
	size_t cap = 0, n;
	ssize_t len;

	if (f == NULL)
		cli_usage_error("--password-list: cannot open '%s': %s",
		    cli_esc(path, strlen(path)), strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		n = (size_t)len;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0 || n > PASSWORD_BYTES)
			continue;
		if (o->npasswords == PASSWORD_LINES) {
			cli_warn("--password-list: only the first %d passwords "
			         "are used",
			    PASSWORD_LINES);
			break;
		}
		np = reallocarray(o->passwords, o->npasswords + 1, sizeof(*np));
		if (np == NULL ||
		    (np[o->npasswords] = strndup(line, n)) == NULL) {
			cli_warn("out of memory");
			exit(CLI_EXIT_FAILURE);
		}
		o->passwords = np;
		o->npasswords++;
	}
	free(line);
	(void)fclose(f);
}

/* --max-depth and the like: the limit of that name. */
static void
set_limit(struct options *o, const char *name, const char *value)
{
	char assignment[128];
	struct lf_error err;

	(void)snprintf(assignment, sizeof(assignment), "%s=%s", name, value);
	if (lf_limits_set(&o->c.limits, assignment, &err) != LF_OK)
		cli_usage_error("%s", err.msg);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_NO_STORE = 256,
		OPT_NO_TYPE,
		OPT_ATTACH,
		OPT_JSON,
		OPT_JSONL,
		OPT_MBOX,
		OPT_PASSWORDS,
		OPT_MAX_DEPTH,
		OPT_MAX_RATIO,
		OPT_MAX_TOTAL,
		OPT_CUSTODY,
		OPT_CUSTODY_KEY
	};
	static const struct option longopts[] = {
	    {"store", required_argument, NULL, 'o'},
	    {"no-store", no_argument, NULL, OPT_NO_STORE},
	    {"no-type", no_argument, NULL, OPT_NO_TYPE},
	    {"attachments-only", no_argument, NULL, OPT_ATTACH},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"jsonl", no_argument, NULL, OPT_JSONL},
	    {"part", required_argument, NULL, 'p'},
	    {"hash", required_argument, NULL, 'c'},
	    {"mbox-format", required_argument, NULL, OPT_MBOX},
	    {"password-list", required_argument, NULL, OPT_PASSWORDS},
	    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
	    {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
	    {"max-total", required_argument, NULL, OPT_MAX_TOTAL},
	    {"custody", required_argument, NULL, OPT_CUSTODY},
	    {"custody-key", required_argument, NULL, OPT_CUSTODY_KEY},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct lf_error err;
	int c;

	memset(o, 0, sizeof(*o));
	o->store_dir = "quarantine";
	o->algs = LF_DIGEST_DEFAULT;
	cli_common_init(&o->c);
	while ((c = getopt_long(argc, argv, "o:p:c:" CLI_COMMON_SHORTOPTS,
	            longopts, NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case 'o':
			o->store_dir = optarg;
			break;
		case OPT_CUSTODY:
			o->custody = optarg;
			break;
		case OPT_CUSTODY_KEY:
			o->custody_key = optarg;
			break;
		case OPT_NO_STORE:
			o->no_store = true;
			break;
		case OPT_NO_TYPE:
			o->no_type = true;
			break;
		case OPT_ATTACH:
			o->attachments_only = true;
			break;
		case OPT_JSON:
			o->out = CLI_OUT_JSON;
			break;
		case OPT_JSONL:
			o->out = CLI_OUT_JSONL;
			break;
		case 'p':
			o->dump_part = optarg;
			break;
		case 'c':
			if (lf_digest_parse_algs(optarg, &o->algs, &err) !=
			    LF_OK)
				cli_usage_error("-c: %s", err.msg);
			break;
		case OPT_MBOX:
			o->mbox_format = inputs_mbox_format(optarg);
			break;
		case OPT_PASSWORDS:
			read_password_list(optarg, o);
			break;
		case OPT_MAX_DEPTH:
			set_limit(o, "container-depth", optarg);
			break;
		case OPT_MAX_RATIO:
			set_limit(o, "container-ratio", optarg);
			break;
		case OPT_MAX_TOTAL:
			set_limit(o, "container-total", optarg);
			break;
		default:
			break; /* getopt_long returns only the options above */
		}
	}
}

/* The readable summary of one report. */
/* A string member of a report, "" when absent. */
static const char *
jstr(const json_t *obj, const char *key)
{
	return cli_json_str(obj, key, "");
}

/* The decoded form of a {"raw", "decoded"} member, or NULL. */
static const char *
decoded(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_object(v))
		return NULL;
	return jstr(v,
	    json_object_get(v, "decoded") != NULL ? "decoded" : "raw");
}

/*
 * What a container part holds, the password that opened an entry, and
 * the CRC-32 declared for one nothing opened.
 */
static void
print_container(const json_t *p)
{
	const json_t *c = json_object_get(p, "container");
	const json_t *props = json_object_get(p, "properties");
	const json_t *crc = json_object_get(p, "crc32");
	const char *s;

	if (json_is_object(c)) {
		s = jstr(c, "format");
		(void)printf("           holds: %lld entries (%s)\n",
		    (long long)json_integer_value(
		        json_object_get(c, "entries")),
		    cli_esc(s, strlen(s)));
	}
	if (json_is_string(json_object_get(props, "password"))) {
		s = jstr(props, "password");
		(void)printf("           opened with password: %s\n",
		    cli_esc(s, strlen(s)));
	}
	if (json_is_string(crc))
		(void)printf("           not opened: crc32 %s declared\n",
		    jstr(p, "crc32"));
	else if (json_is_null(crc))
		(void)printf("           not opened: no crc32 stored "
		             "(WinZip AES AE-2)\n");
}

static void
print_text(const json_t *r)
{
	const json_t *msg = json_object_get(r, "message");
	const json_t *parts = json_object_get(r, "parts");
	const json_t *anoms = json_object_get(r, "anomalies");
	const json_t *p, *date;
	const char *s;
	size_t i, k;

	s = jstr(r, "source");
	(void)printf("%s", cli_esc(s, strlen(s)));
	if (json_object_get(r, "mbox_offset") != NULL)
		(void)printf(" @%lld",
		    (long long)json_integer_value(
		        json_object_get(r, "mbox_offset")));
	(void)printf("  %lld bytes  sha256 %s\n",
	    (long long)json_integer_value(json_object_get(msg, "size")),
	    jstr(msg, "sha256"));
	if ((s = decoded(r, "from")) != NULL)
		(void)printf("  From:    %s\n", cli_esc(s, strlen(s)));
	if ((s = decoded(r, "subject")) != NULL)
		(void)printf("  Subject: %s\n", cli_esc(s, strlen(s)));
	date = json_object_get(r, "date");
	if (json_is_object(date) && json_object_get(date, "utc") != NULL)
		(void)printf("  Date:    %s (%s)\n", jstr(date, "utc"),
		    jstr(date, "offset"));
	json_array_foreach(parts, i, p)
	{
		const json_t *obj = json_object_get(p, "object");
		const json_t *fs = json_object_get(p, "findings");
		const json_t *f;
		const char *name = decoded(p, "name");
		const char *type = jstr(p, "type");
		const json_t *magic = json_object_get(obj, "magic");
		(void)printf("  %-8s %-9s %-28s", jstr(p, "path"),
		    jstr(p, "kind"), type);
		if (obj != NULL)
			(void)printf(" %10lld  %.16s",
			    (long long)json_integer_value(
			        json_object_get(obj, "size")),
			    jstr(obj, "sha256"));
		if (name != NULL)
			(void)printf("  %s", cli_esc(name, strlen(name)));
		(void)printf("\n");
		if (json_is_object(magic)) {
			s = jstr(magic, "description");
			(void)printf("           is: %s\n",
			    cli_esc(s, strlen(s)));
		}
		print_container(p);
		json_array_foreach(fs, k, f)
		{
			(void)printf("           %s %s: %s\n",
			    jstr(f, "severity"), jstr(f, "code"),
			    jstr(f, "detail"));
		}
	}
	if (json_array_size(anoms) > 0) {
		(void)printf("  anomalies:\n");
		json_array_foreach(anoms, i, p)
		{
			(void)printf("    %-6s %-34s part %-8s offset %lld\n",
			    jstr(p, "severity"), jstr(p, "code"),
			    jstr(p, "part"),
			    (long long)json_integer_value(
			        json_object_get(p, "offset")));
		}
	}
	(void)printf("\n");
}

/* A message taken apart, for the custody log's event. */
static void
note_taken(struct state *s, const json_t *report)
{
	const char *hex = json_string_value(
	    json_object_get(json_object_get(report, "message"), "sha256"));
	uint8_t(*n)[32];

	if (hex == NULL)
		return;
	if (s->ntaken == s->captaken) {
		size_t cap = s->captaken == 0 ? 64 : s->captaken * 2;
		if ((n = reallocarray(s->taken, cap, sizeof(*n))) == NULL) {
			cli_warn("out of memory");
			exit(CLI_EXIT_FAILURE);
		}
		s->taken = n;
		s->captaken = cap;
	}
	if (lf_hex_decode(hex, 64, s->taken[s->ntaken], 32) == 32)
		s->ntaken++;
}

static void
emit_report(struct state *s, json_t *report)
{
	struct lf_error err;

	s->messages++;
	if (s->custody != NULL)
		note_taken(s, report);
	if (lf_partials_note(s->partials, report, &err) != LF_OK &&
	    !s->o.c.quiet)
		cli_warn("%s", err.msg);
	if (!cli_report(&s->reports, report))
		s->status = CLI_EXIT_FAILURE;
}

static void
failed(struct state *s, const char *what, const struct lf_error *err)
{
	cli_warn("'%s': %s: %s", cli_esc(s->source, strlen(s->source)), what,
	    err->msg);
	s->status = CLI_EXIT_FAILURE;
}

/* A message's report, or why it has none: in input order. */
static void
pool_emit(void *arg, const char *source, json_t *report,
    const struct lf_error *err)
{
	struct state *s = arg;

	if (report == NULL) {
		cli_warn("'%s': %s", cli_esc(source, strlen(source)), err->msg);
		s->status = CLI_EXIT_FAILURE;
		return;
	}
	if (s->reassembled != NULL &&
	    s->nreassembled < json_array_size(s->reassembled))
		(void)json_object_set(report, "reassembled",
		    json_array_get(s->reassembled, s->nreassembled++));
	emit_report(s, report);
}

static int
message_begin(struct state *s, uint64_t mbox_offset)
{
	struct lf_error err;

	if (lf_expool_begin(s->pool, s->source, mbox_offset, &err) != LF_OK) {
		failed(s, "cannot start", &err);
		return -1;
	}
	return 0;
}

static int
message_end(struct state *s)
{
	lf_expool_end(s->pool);
	return 0;
}

static int
input_begin(void *arg, const char *source, uint64_t mbox_offset)
{
	struct state *s = arg;

	s->source = source;
	return message_begin(s, mbox_offset) == 0 ? 0 : 1;
}

static int
input_data(void *arg, const uint8_t *p, size_t n)
{
	struct state *s = arg;

	return lf_expool_feed(s->pool, p, n) == LF_OK ? 0 : 1;
}

static int
input_end(void *arg)
{
	return message_end(arg) == 0 ? 0 : 1;
}

/* A message whose fragments are all in: read it from them, in order. */
static int
reassemble(void *arg, const char *id, const uint8_t (*sha256)[32], size_t count)
{
	struct state *s = arg;
	struct lf_store *from = s->store != NULL ? s->store : s->aside;
	struct lf_error err;
	json_t *frags;
	ssize_t got = 0;
	char hex[65];
	size_t i;
	int fd;

	(void)snprintf(s->partial_source, sizeof(s->partial_source),
	    "message/partial:%s", id);
	s->source = s->partial_source;
	if (from == NULL || (frags = json_array()) == NULL ||
	    json_array_append_new(s->reassembled, frags) != 0 ||
	    message_begin(s, LF_NO_OFFSET) != 0)
		return 0;
	for (i = 0; i < count && got >= 0; i++) {
		lf_hex(hex, sha256[i], 32);
		(void)json_array_append_new(frags, json_string(hex));
		if (lf_store_read_object(from, sha256[i], &fd, &err) != LF_OK) {
			failed(s, "fragment", &err);
			break;
		}
		while (
		    (got = inputs_read_some(fd, s->in.buf, INPUTS_CHUNK)) > 0)
			(void)lf_expool_feed(s->pool, s->in.buf, (size_t)got);
		(void)close(fd);
	}
	lf_expool_end(s->pool);
	return 0;
}

/* --no-store: a private store for message/partial fragments. */
static void
open_aside(struct state *s)
{
	struct lf_error err;

	(void)snprintf(s->aside_dir, sizeof(s->aside_dir),
	    "%s/lf-extract.XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 40 ?
	        getenv("TMPDIR") :
	        "/tmp");
	if (mkdtemp(s->aside_dir) == NULL ||
	    lf_store_open(s->aside_dir, &s->aside, &err) != LF_OK) {
		s->aside_dir[0] = '\0';
		s->aside = NULL; /* fragments are then not reassembled */
	}
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void
close_aside(struct state *s)
{
	lf_store_close(s->aside);
	if (s->aside_dir[0] != '\0')
		(void)nftw(s->aside_dir, remove_entry, 16,
		    FTW_DEPTH | FTW_PHYS);
}

/* -p: one part's or entry's decoded bytes to stdout. */
struct dump {
	bool found;
};

static int
dump_data(void *arg, const uint8_t *p, size_t n)
{
	struct dump *d = arg;

	d->found = true;
	return n == 0 || fwrite(p, 1, n, stdout) == n ? 0 : 1;
}

/*
 * The whole extraction runs, so that a part inside an archive, a .msg or
 * a TNEF file is found as the report names it; only its bytes are kept.
 */
static int
dump_part(struct state *s, int argc, char **argv)
{
	struct lf_extract_opts xo;
	struct dump d = {false};
	struct lf_extract *x = NULL;
	struct lf_error err;
	json_t *report = NULL;
	ssize_t got;
	int fd, rc;

	if (argc != 1)
		cli_usage_error("-p takes exactly one message");
	fd = strcmp(argv[0], "-") == 0 ? STDIN_FILENO :
	                                 open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_warn("cannot open '%s': %s",
		    cli_esc(argv[0], strlen(argv[0])), strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	memset(&xo, 0, sizeof(xo));
	xo.limits = &s->o.c.limits;
	xo.algs = LF_DIGEST_BIT(LF_SHA256);
	xo.passwords = (const char *const *)s->o.passwords;
	xo.npasswords = s->o.npasswords;
	xo.tool = cli_prog();
	xo.tap_path = s->o.dump_part;
	xo.tap = dump_data;
	xo.tap_arg = &d;
	rc = lf_extract_new(&xo, &x, &err);
	if (rc == LF_OK)
		rc = lf_extract_begin(x, (const uint8_t *)argv[0],
		    strlen(argv[0]), LF_NO_OFFSET, &err);
	while (rc == LF_OK &&
	    (got = inputs_read_some(fd, s->in.buf, INPUTS_CHUNK)) > 0)
		rc = lf_extract_feed(x, s->in.buf, (size_t)got, &err);
	if (rc == LF_OK)
		rc = lf_extract_end(x, &report, &err);
	json_decref(report);
	lf_extract_free(x);
	if (fd != STDIN_FILENO)
		(void)close(fd);
	if (rc == LF_OK && fflush(stdout) != 0)
		rc = lf_error_set(&err, LF_E_IO, "part %s: cannot write",
		    s->o.dump_part);
	if (rc != LF_OK) {
		cli_warn("'%s': %s", cli_esc(argv[0], strlen(argv[0])),
		    err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (!d.found) {
		cli_warn("no part %s",
		    cli_esc(s->o.dump_part, strlen(s->o.dump_part)));
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

static const struct inputs_handler input_handler = {input_begin, input_data,
    input_end};

/*
 * The custody log's event: "extracted", the messages taken apart (by
 * SHA-256, in the order of the reports) and where their objects went.
 */
static void
record_taken(struct state *s)
{
	char reason[LF_CUSTODY_REASON_MAX];

	if (s->store != NULL)
		(void)snprintf(reason, sizeof(reason),
		    "%zu message%s taken apart into the store '%.1000s'%s",
		    s->ntaken, s->ntaken == 1 ? "" : "s", s->o.store_dir,
		    s->status == CLI_EXIT_OK ? "" : "; some inputs failed");
	else
		(void)snprintf(reason, sizeof(reason),
		    "%zu message%s taken apart, nothing stored%s", s->ntaken,
		    s->ntaken == 1 ? "" : "s",
		    s->status == CLI_EXIT_OK ? "" : "; some inputs failed");
	if (cli_custody_record(s->custody, s->custody_key, LF_CUSTODY_EXTRACTED,
	        (const uint8_t(*)[32])s->taken, s->ntaken, NULL, reason) != 0)
		s->status = CLI_EXIT_FAILURE;
	lf_sigkey_free(s->custody_key);
	free(s->taken);
}

int
main(int argc, char **argv)
{
	struct lf_expool_opts po;
	struct state s;
	struct lf_error err;
	int i;

	cli_init("lf-extract");
	memset(&s, 0, sizeof(s));
	parse_options(argc, argv, &s.o);
	if (optind >= argc)
		cli_usage_error("no input (use '-' for standard input)");
	if (!inputs_init(&s.in, &input_handler, &s, s.o.mbox_format, &s.o.c))
		return CLI_EXIT_FAILURE;
	if (s.o.dump_part != NULL) {
		i = dump_part(&s, argc - optind, argv + optind);
		inputs_release(&s.in);
		return i;
	}
	/* The key first: the work must not go unrecorded for want of it. */
	if ((s.custody = cli_custody_log(s.o.custody)) != NULL) {
		uint8_t head[32];

		s.custody_key = cli_custody_key(s.o.custody_key);
		(void)cli_custody_head(s.custody, head);
	}
	if (!s.o.no_store &&
	    lf_store_open(s.o.store_dir, &s.store, &err) != LF_OK) {
		cli_warn("'%s': %s",
		    cli_esc(s.o.store_dir, strlen(s.o.store_dir)), err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (!s.o.no_type && lf_magic_db_open(&s.magic_db, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (s.store == NULL)
		open_aside(&s);
	if (lf_partials_new(&s.o.c.limits, &s.partials, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	memset(&po, 0, sizeof(po));
	po.workers = cli_threads(&s.o.c);
	po.x.limits = &s.o.c.limits;
	po.x.algs = s.o.algs;
	po.x.store = s.store;
	po.x.partial_store = s.aside;
	po.x.attachments_only = s.o.attachments_only;
	po.x.passwords = (const char *const *)s.o.passwords;
	po.x.npasswords = s.o.npasswords;
	po.x.tool = cli_prog();
	/* The summary shows no header fields: the report need not list
	 * them. */
	po.x.no_header_list = s.o.out == CLI_OUT_TEXT;
	po.magic_db = s.magic_db;
	po.emit = pool_emit;
	po.arg = &s;
	if (lf_expool_new(&po, &s.pool, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	s.reports.out = s.o.out;
	s.reports.print_text = print_text;
	for (i = optind; i < argc; i++)
		inputs_read(&s.in, argv[i]);
	if (s.in.status != CLI_EXIT_OK)
		s.status = s.in.status;
	/* Every fragment is noted once every report is out. */
	lf_expool_drain(s.pool);
	if ((s.reassembled = json_array()) != NULL)
		(void)lf_partials_each_complete(s.partials, reassemble, &s);
	lf_expool_free(s.pool);
	json_decref(s.reassembled);
	cli_reports_end(&s.reports);
	if (s.store != NULL && lf_store_sync(s.store, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		s.status = CLI_EXIT_FAILURE;
	}
	if (s.custody != NULL)
		record_taken(&s);
	lf_magic_db_close(s.magic_db);
	lf_store_close(s.store);
	close_aside(&s);
	lf_partials_free(s.partials);
	inputs_release(&s.in);
	for (size_t k = 0; k < s.o.npasswords; k++)
		free(s.o.passwords[k]);
	free(s.o.passwords);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return s.status;
}
