/*
 * lf_bagitdir.c: a BagIt bag validated from a directory.
 *
 * The tag files the validator parses are read first, so that every other
 * file is hashed once, with only the algorithms its manifests use.  Files
 * are opened relative to the bag's descriptor with O_NOFOLLOW (lf_walk),
 * so a symbolic link in a bag is reported, never followed out of it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/bagit.h"
#include "lf/reader.h"
#include "lf/walk.h"
#include "lf_bagit_impl.h"

struct dirsrc {
	struct lf_bagit *v;
	const struct lf_limits *limits;
	size_t prefix; /* bytes of "DIR/" before each walked path */
	const struct lf_bagit_tap *tap;
	struct lf_bagit_hash *h;
	uint8_t *buf;
	struct lf_error *err;
	int rc;
};

/* Read the parsed tag file name of dirfd whole, at most max bytes. */
static int
read_tag(int dirfd, const char *name, uint64_t max, uint8_t **out, size_t *len,
    struct lf_error *err)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t got;
	int fd, rc = LF_OK;

	fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return lf_error_sys(err, errno, "%s", name);
	if (fstat(fd, &st) != 0) {
		rc = lf_error_sys(err, errno, "%s", name);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		rc = lf_error_set(err, LF_E_LIMIT,
		    "%s: %llu bytes, more than %llu (limit bag-tag-bytes)",
		    name, (unsigned long long)st.st_size,
		    (unsigned long long)max);
		goto out;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap == 0 ? 64 * 1024 : cap * 2;
			uint8_t *nb;
			if (ncap > max + 1)
				ncap = (size_t)max + 1;
			if (ncap <= n) {
				rc = lf_error_set(err, LF_E_LIMIT,
				    "%s: more than %llu bytes (limit "
				    "bag-tag-bytes)",
				    name, (unsigned long long)max);
				goto out;
			}
			if ((nb = realloc(buf, ncap)) == NULL) {
				rc = lf_error_set(err, LF_E_NOMEM,
				    "out of memory");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - n);
		if (got == 0)
			break;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = lf_error_sys(err, errno, "%s", name);
			goto out;
		}
		n += (size_t)got;
	}
	if (n > max) {
		rc = lf_error_set(err, LF_E_LIMIT,
		    "%s: more than %llu bytes (limit bag-tag-bytes)", name,
		    (unsigned long long)max);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	(void)close(fd);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The parsed tag files at the top of the bag, bagit.txt first. */
static int
feed_tags(struct lf_bagit *v, int dirfd, uint64_t max, struct lf_error *err)
{
	char *names[32];
	size_t n = 0, i;
	DIR *d;
	struct dirent *e;
	struct stat st;
	int fd, rc = LF_OK;

	if ((fd = dup(dirfd)) < 0)
		return lf_error_sys(err, errno, "dup");
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return lf_error_sys(err, errno, "fdopendir");
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (!lf_bagit_is_parsed_tag(e->d_name, len))
			continue;
		/* A link or special file is left for the walk to report. */
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == sizeof(names) / sizeof(names[0]) ||
		    (names[n] = strdup(e->d_name)) == NULL) {
			rc = lf_error_set(err, LF_E_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	(void)closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	/* bagit.txt first: it says how the others are encoded. */
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "bagit.txt") == 0 && i > 0) {
			char *t = names[i];
			memmove(names + 1, names, i * sizeof(names[0]));
			names[0] = t;
		}
	}
	for (i = 0; i < n && rc == LF_OK; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		if ((rc = read_tag(dirfd, names[i], max, &data, &len, err)) !=
		    LF_OK)
			break;
		rc =
		    lf_bagit_tag(v, names[i], strlen(names[i]), data, len, err);
		free(data);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static int
visit(void *arg, const struct lf_walk_entry *e)
{
	struct dirsrc *s = arg;
	struct lf_reader *in;
	const char *rel;
	size_t n;
	int rc;

	if (e->path_len <= s->prefix) {
		if (e->fd >= 0)
			(void)close(e->fd);
		return 0;
	}
	rel = e->path + s->prefix;
	n = e->path_len - s->prefix;
	switch (e->event) {
	case LF_WALK_FILE:
		if (lf_bagit_is_parsed_tag(rel, n)) {
			(void)close(e->fd); /* read already */
			return 0;
		}
		if ((rc = lf_reader_from_fd(e->fd, true, &in, s->err)) !=
		    LF_OK) {
			(void)close(e->fd);
			return s->rc = rc;
		}
		rc = lf_bagit_stream(s->v, rel, n, in, s->h, NULL, s->buf,
		    s->tap, s->err);
		lf_reader_free(in);
		if (rc != LF_OK)
			lf_error_prefix(s->err, "%s", e->path);
		return s->rc = rc;
	case LF_WALK_SKIPPED:
		if (e->reason == LF_WALK_TOO_DEEP ||
		    e->reason == LF_WALK_TOO_MANY)
			return s->rc =
			           lf_error_set(s->err, LF_E_LIMIT, "%s: %s",
			               e->path, lf_walk_reason_text(e->reason));
		return s->rc = lf_bagit_note(s->v, LF_BAGIT_INVALID,
		           "bag.not-regular", rel, n,
		           e->reason == LF_WALK_SYMLINK ?
		               "a symbolic link: a bag holds files, and "
		               "this one is not followed" :
		               "a special file (FIFO, socket or device): "
		               "a bag holds regular files only",
		           s->err);
	default:
		return s->rc =
		           lf_error_sys(s->err, e->sys_errno, "%s", e->path);
	}
}

int
lf_bagit_check_dir(const char *dir, const struct lf_limits *limits,
    const struct lf_bagit_tap *tap, struct lf_bagit **out, struct lf_error *err)
{
	struct lf_limits dl;
	struct lf_walk_opts wo;
	struct dirsrc s;
	struct stat st;
	size_t dlen = strlen(dir);
	int dirfd, rc;

	if (limits == NULL) {
		lf_limits_default(&dl);
		limits = &dl;
	}
	memset(&s, 0, sizeof(s));
	s.err = err;
	s.tap = tap;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return lf_error_sys(err, errno, "%s", dir);
	if ((rc = lf_bagit_new(limits, &s.v, err)) != LF_OK)
		goto out;
	if ((rc = feed_tags(s.v, dirfd, limits->bag_tag_bytes, err)) != LF_OK)
		goto out;
	if (fstatat(dirfd, "data", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode))
		lf_bagit_dir(s.v, "data", 4);
	if ((rc = lf_bagit_hash_new(lf_bagit_algs(s.v), &s.h, err)) != LF_OK)
		goto out;
	if ((s.buf = malloc(READ_SIZE)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "out of memory");
		goto out;
	}
	s.prefix = dlen > 0 && dir[dlen - 1] == '/' ? dlen : dlen + 1;
	memset(&wo, 0, sizeof(wo));
	wo.recurse = true;
	wo.open_files = true;
	wo.limits = limits;
	rc = lf_walk(dir, &wo, visit, &s, err);
	if (rc == LF_OK)
		rc = s.rc;
	if (rc == LF_OK)
		rc = lf_bagit_finish(s.v, err);
out:
	(void)close(dirfd);
	free(s.buf);
	lf_bagit_hash_free(s.h);
	if (rc != LF_OK) {
		lf_bagit_free(s.v);
		return rc;
	}
	*out = s.v;
	return LF_OK;
}
