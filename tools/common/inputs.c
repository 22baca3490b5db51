/*
 * tools/common/inputs.c: command-line inputs read into messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"
#include "lf/extract.h"
#include "lf/walk.h"

bool
inputs_init(struct inputs *in, const struct inputs_handler *h, void *arg,
    enum lf_mbox_format mbox_format, const struct cli_common *c)
{
	memset(in, 0, sizeof(*in));
	in->h = h;
	in->arg = arg;
	in->mbox_format = mbox_format;
	in->c = c;
	if ((in->buf = malloc(INPUTS_CHUNK)) == NULL) {
		cli_warn("out of memory");
		return false;
	}
	return true;
}

void
inputs_release(struct inputs *in)
{
	free(in->buf);
	in->buf = NULL;
}

ssize_t
inputs_read_some(int fd, uint8_t *buf, size_t n)
{
	ssize_t got;

	do {
		got = read(fd, buf, n);
	} while (got < 0 && errno == EINTR);
	return got;
}

static int
mbox_begin(void *arg, uint64_t offset, const uint8_t *from_line, size_t n)
{
	struct inputs *in = arg;

	(void)from_line;
	(void)n;
	return in->h->begin(in->arg, in->source, offset + in->mbox_skipped);
}

static int
mbox_data(void *arg, const uint8_t *p, size_t n)
{
	struct inputs *in = arg;

	return in->h->data(in->arg, p, n);
}

static int
mbox_end(void *arg, uint64_t end)
{
	struct inputs *in = arg;

	(void)end;
	return in->h->end(in->arg);
}

static void
mbox_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct inputs *in = arg;

	if (!in->c->quiet && in->c->verbose > 0)
		cli_warn("'%s': %s at offset %llu",
		    cli_esc(in->source, strlen(in->source)), a->code,
		    (unsigned long long)a->offset);
}

/*
 * A file that starts with "From " is an mbox: only a From_ line starts one,
 * and no message header is "From " (the header is "From:").  Some
 * programs put a UTF-8 byte order mark first: it is skipped (*skip).
 */
static bool
looks_like_mbox(const uint8_t *p, size_t n, size_t *skip)
{
	*skip = n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	return n >= *skip + 5 && memcmp(p + *skip, "From ", 5) == 0;
}

/* One file: a message, or an mbox. */
static void
read_fd(struct inputs *in, int fd)
{
	struct lf_mbox_handler mh = {mbox_begin, mbox_data, mbox_end};
	struct lf_mbox *mb = NULL;
	struct lf_error err;
	bool first = true, is_mbox = false;
	size_t skip = 0;
	ssize_t got;
	int rc = 0;

	while ((got = inputs_read_some(fd, in->buf, INPUTS_CHUNK)) > 0) {
		if (first) {
			first = false;
			is_mbox = looks_like_mbox(in->buf, (size_t)got, &skip);
			if (!is_mbox)
				skip = 0;
			is_mbox |= in->mbox_format != LF_MBOX_AUTO;
			in->mbox_skipped = skip;
			if (is_mbox) {
				if (lf_mbox_new(in->mbox_format, &mh, in,
				        mbox_anomaly, in, &mb, &err) != LF_OK) {
					cli_warn("'%s': mbox: %s",
					    cli_esc(in->source,
					        strlen(in->source)),
					    err.msg);
					in->status = CLI_EXIT_FAILURE;
					return;
				}
			} else if (in->h->begin(in->arg, in->source,
			               LF_NO_OFFSET) != 0) {
				return;
			}
		}
		if (is_mbox)
			rc = lf_mbox_feed(mb, in->buf + skip,
			    (size_t)got - skip);
		else
			rc = in->h->data(in->arg, in->buf, (size_t)got);
		skip = 0;
		if (rc != 0)
			break;
	}
	if (got < 0) {
		cli_warn("'%s': %s", cli_esc(in->source, strlen(in->source)),
		    strerror(errno));
		in->status = CLI_EXIT_FAILURE;
	}
	if (first && got == 0 &&
	    in->h->begin(in->arg, in->source, LF_NO_OFFSET) == 0)
		(void)in->h->end(in->arg); /* an empty file: an empty message */
	else if (rc == 0 && is_mbox)
		(void)lf_mbox_finish(mb);
	else if (rc == 0 && !first)
		(void)in->h->end(in->arg);
	lf_mbox_free(mb);
}

static int
walk_entry(void *arg, const struct lf_walk_entry *e)
{
	struct inputs *in = arg;

	switch (e->event) {
	case LF_WALK_FILE:
		in->source = e->path;
		read_fd(in, e->fd);
		(void)close(e->fd);
		return 0;
	case LF_WALK_SKIPPED:
		if (!in->c->quiet && e->reason != LF_WALK_SYMLINK)
			cli_warn("'%s': %s, skipped",
			    cli_esc(e->path, e->path_len),
			    lf_walk_reason_text(e->reason));
		return 0;
	case LF_WALK_ERROR:
		cli_warn("'%s': %s", cli_esc(e->path, e->path_len),
		    strerror(e->sys_errno));
		in->status = CLI_EXIT_FAILURE;
		return 0;
	}
	return 0;
}

/* A Maildir: its cur/ and new/ hold the messages; tmp/ is unfinished. */
static bool
is_maildir(const char *path)
{
	char sub[4096];
	struct stat st;
	static const char *const need[] = {"cur", "new", "tmp"};
	size_t i;

	for (i = 0; i < 3; i++) {
		if (snprintf(sub, sizeof(sub), "%s/%s", path, need[i]) >=
		        (int)sizeof(sub) ||
		    lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
			return false;
	}
	return true;
}

void
inputs_read(struct inputs *in, const char *path)
{
	struct lf_walk_opts wo = {true, false, true, &in->c->limits};
	struct lf_error err;
	char sub[4096];

	if (strcmp(path, "-") == 0) {
		in->source = "-";
		read_fd(in, STDIN_FILENO);
		return;
	}
	if (is_maildir(path)) {
		(void)snprintf(sub, sizeof(sub), "%s/cur", path);
		(void)lf_walk(sub, &wo, walk_entry, in, &err);
		(void)snprintf(sub, sizeof(sub), "%s/new", path);
		(void)lf_walk(sub, &wo, walk_entry, in, &err);
		return;
	}
	if (lf_walk(path, &wo, walk_entry, in, &err) < 0) {
		cli_warn("'%s': %s", cli_esc(path, strlen(path)), err.msg);
		in->status = CLI_EXIT_FAILURE;
	}
}

enum lf_mbox_format
inputs_mbox_format(const char *s)
{
	static const struct {
		const char *name;
		enum lf_mbox_format f;
	} names[] = {{"auto", LF_MBOX_AUTO}, {"mboxo", LF_MBOX_O},
	    {"mboxrd", LF_MBOX_RD}, {"mboxcl", LF_MBOX_CL},
	    {"mboxcl2", LF_MBOX_CL2}};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0)
			return names[i].f;
	}
	cli_usage_error("--mbox-format: '%s' is not auto, mboxo, mboxrd, "
	                "mboxcl or mboxcl2",
	    cli_esc(s, strlen(s)));
}
