/*
 * tests/bag_write.c: lf_bagit_write from the shell, for the tests that
 * check the bags it makes with other tools.  Not installed.
 *
 * usage: bag_write DIR [LABEL=VALUE ...]
 *
 * Hashes every file under DIR/data (SHA-256 and SHA-512), then writes
 * the tag files lf_bagit_write makes into DIR, with the bag-info.txt
 * elements given (in that order; "\n" in a value stands for a line
 * break).  Files at the top of DIR other than data/ are given as extra
 * tag files.
 *
 * Exit status: 0, 1 when lf_bagit_write refused (the error on stderr), 2
 * for misuse or I/O errors.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/bagit.h"
#include "lf/walk.h"

#define MAX_ENTRIES 100000

struct state {
	size_t prefix;
	struct lf_bagit_entry *e;
	size_t n;
	struct lf_bagit_entry *x;
	size_t nx;
	struct lf_bagit_hash *h;
};

static int
visit(void *arg, const struct lf_walk_entry *w)
{
	struct state *s = arg;
	struct lf_bagit_digests d;
	struct lf_bagit_entry *e;
	uint8_t buf[65536];
	ssize_t got;
	const char *rel;

	if (w->event != LF_WALK_FILE) {
		(void)fprintf(stderr, "bag_write: %s: not a regular file\n",
		    w->path);
		return 2;
	}
	rel = w->path + s->prefix;
	while ((got = read(w->fd, buf, sizeof(buf))) > 0)
		if (lf_bagit_hash_update(s->h, buf, (size_t)got, NULL) != LF_OK)
			return 2;
	(void)close(w->fd);
	if (got < 0 || lf_bagit_hash_final(s->h, &d, NULL) != LF_OK)
		return 2;
	if (lf_bagit_is_parsed_tag(rel, strlen(rel)))
		return 0; /* made again below */
	if (strncmp(rel, "data/", 5) == 0) {
		if (s->n == MAX_ENTRIES)
			return 2;
		e = &s->e[s->n++];
	} else {
		if (s->nx == MAX_ENTRIES)
			return 2;
		e = &s->x[s->nx++];
	}
	if ((e->path = strdup(rel)) == NULL)
		return 2;
	e->size = d.size;
	memcpy(e->sha256, d.d[LF_BAGIT_SHA256], 32);
	memcpy(e->sha512, d.d[LF_BAGIT_SHA512], 64);
	return 0;
}

/* "\n" in a command-line value stands for a line break. */
static char *
unescape(const char *v)
{
	char *out = malloc(strlen(v) + 1), *o = out;

	if (out == NULL)
		return NULL;
	while (*v != '\0') {
		if (v[0] == '\\' && v[1] == 'n') {
			*o++ = '\n';
			v += 2;
		} else {
			*o++ = *v++;
		}
	}
	*o = '\0';
	return out;
}

int
main(int argc, char **argv)
{
	struct state s;
	struct lf_walk_opts wo;
	struct lf_limits limits;
	struct lf_bagit_info *info;
	struct lf_bagit_out out;
	struct lf_error err;
	int i, ninfo = 0, dirfd;
	size_t k;

	if (argc < 2) {
		(void)fprintf(stderr, "usage: bag_write DIR [LABEL=VALUE ...]\n");
		return 2;
	}
	memset(&s, 0, sizeof(s));
	s.prefix = strlen(argv[1]) + 1;
	s.e = calloc(MAX_ENTRIES, sizeof(*s.e));
	s.x = calloc(MAX_ENTRIES, sizeof(*s.x));
	info = calloc((size_t)argc, sizeof(*info));
	if (s.e == NULL || s.x == NULL || info == NULL ||
	    lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	            LF_BAGIT_BIT(LF_BAGIT_SHA512),
	        &s.h, NULL) != LF_OK)
		return 2;
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL)
			return 2;
		*eq = '\0';
		info[ninfo].label = argv[i];
		info[ninfo++].value = unescape(eq + 1);
	}
	memset(&wo, 0, sizeof(wo));
	wo.recurse = true;
	wo.open_files = true;
	lf_limits_default(&limits);
	wo.limits = &limits;
	if (lf_walk(argv[1], &wo, visit, &s, &err) != LF_OK)
		return 2;
	if (lf_bagit_write(s.e, s.n, info, (size_t)ninfo, s.x, s.nx, &out,
	        &err) != LF_OK) {
		(void)fprintf(stderr, "bag_write: %s\n", err.msg);
		return 1;
	}
	if ((dirfd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
		return 2;
	for (k = 0; k < out.n; k++) {
		int fd = openat(dirfd, out.files[k].name,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
		if (fd < 0 || write(fd, out.files[k].data, out.files[k].len) !=
		                  (ssize_t)out.files[k].len ||
		    close(fd) != 0) {
			perror(out.files[k].name);
			return 2;
		}
	}
	lf_bagit_out_release(&out);
	(void)close(dirfd);
	for (k = 0; k < s.n; k++)
		free((void *)(uintptr_t)s.e[k].path);
	for (k = 0; k < s.nx; k++)
		free((void *)(uintptr_t)s.x[k].path);
	for (i = 0; i < ninfo; i++)
		free((void *)(uintptr_t)info[i].value);
	free(s.e);
	free(s.x);
	free(info);
	lf_bagit_hash_free(s.h);
	return 0;
}
