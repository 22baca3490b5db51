/*
 * lf_store.c: the content-addressed quarantine store.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/store.h"
#include "lf/text.h"

#define WBUF 65536 /* writes go out in pieces this big */

struct lf_store {
	int dirfd;
	int objfd; /* objects/ */
	int tmpfd; /* tmp/ */
	int sub[256]; /* objects/00 ... objects/ff, opened when first used */
	pthread_mutex_t mu;
	atomic_uint_fast64_t serial; /* for temporary names */
	pid_t pid;
};

struct lf_store_writer {
	struct lf_store *s;
	int fd;
	char tmpname[64];
	uint8_t buf[WBUF];
	size_t nbuf;
};

/* Open dir's child `name', creating it when missing; never a link. */
static int
open_subdir(int dirfd, const char *name, struct lf_error *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) != 0 && errno != EEXIST) {
		lf_error_sys(err, errno, "cannot create '%s'", name);
		return -1;
	}
	fd = openat(dirfd, name,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		lf_error_sys(err, errno, "cannot open '%s'", name);
	return fd;
}

int
lf_store_open(const char *dir, struct lf_store **out, struct lf_error *err)
{
	struct lf_store *s;
	int rc = LF_E_IO;

	int i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "store");
	s->dirfd = s->objfd = s->tmpfd = -1;
	for (i = 0; i < 256; i++)
		s->sub[i] = -1;
	pthread_mutex_init(&s->mu, NULL);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		lf_error_sys(err, errno, "cannot create the store");
		goto fail;
	}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0) {
		lf_error_sys(err, errno, "cannot open the store");
		goto fail;
	}
	if ((s->objfd = open_subdir(s->dirfd, "objects", err)) < 0 ||
	    (s->tmpfd = open_subdir(s->dirfd, "tmp", err)) < 0)
		goto fail;
	atomic_init(&s->serial, 0);
	s->pid = getpid();
	*out = s;
	return LF_OK;
fail:
	lf_store_close(s);
	return rc;
}

int
lf_store_begin(struct lf_store *s, struct lf_store_writer **wp,
    struct lf_error *err)
{
	struct lf_store_writer *w;
	uint64_t n;

	if ((w = malloc(sizeof(*w))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "store writer");
	w->s = s;
	w->nbuf = 0;
	for (;;) {
		n = atomic_fetch_add(&s->serial, 1);
		(void)snprintf(w->tmpname, sizeof(w->tmpname), "%ld.%llu",
		    (long)s->pid, (unsigned long long)n);
		w->fd = openat(s->tmpfd, w->tmpname,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (w->fd >= 0)
			break;
		if (errno != EEXIST) { /* a leftover of an earlier run */
			int e = errno;
			free(w);
			return lf_error_sys(err, e, "cannot create an object");
		}
	}
	*wp = w;
	return LF_OK;
}

static int
write_all(int fd, const uint8_t *p, size_t n, struct lf_error *err)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return lf_error_sys(err, errno, "cannot write an object");
		}
		p += k;
		n -= (size_t)k;
	}
	return LF_OK;
}

int
lf_store_write(struct lf_store_writer *w, const void *data, size_t n,
    struct lf_error *err)
{
	const uint8_t *p = data;
	int rc;

	if (w->nbuf + n > WBUF) {
		if ((rc = write_all(w->fd, w->buf, w->nbuf, err)) != LF_OK)
			return rc;
		w->nbuf = 0;
		if (n > WBUF)
			return write_all(w->fd, p, n, err);
	}
	memcpy(w->buf + w->nbuf, p, n);
	w->nbuf += n;
	return LF_OK;
}

void
lf_store_relpath(const uint8_t sha256[32], char out[LF_STORE_PATH_MAX])
{
	char hex[65];

	lf_hex(hex, sha256, 32);
	(void)snprintf(out, LF_STORE_PATH_MAX, "objects/%.2s/%s", hex, hex);
}

int
lf_store_read_object(struct lf_store *s, const uint8_t sha256[32], int *fd,
    struct lf_error *err)
{
	char path[LF_STORE_PATH_MAX];

	lf_store_relpath(sha256, path);
	if ((*fd = openat(s->dirfd, path,
		 O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) < 0)
		return lf_error_sys(err, errno, "cannot open %s", path);
	return LF_OK;
}

/* The descriptor of objects/<xx>, opened once. */
static int
subdir(struct lf_store *s, uint8_t first, struct lf_error *err)
{
	char name[3];
	int fd;

	pthread_mutex_lock(&s->mu);
	if ((fd = s->sub[first]) < 0) {
		(void)snprintf(name, sizeof(name), "%02x", first);
		fd = s->sub[first] = open_subdir(s->objfd, name, err);
	}
	pthread_mutex_unlock(&s->mu);
	return fd;
}

int
lf_store_commit(struct lf_store_writer *w, const uint8_t sha256[32],
    bool *existed, struct lf_error *err)
{
	struct lf_store *s = w->s;
	char hex[65];
	int subfd, rc;

	if (existed != NULL)
		*existed = false;
	if ((rc = write_all(w->fd, w->buf, w->nbuf, err)) != LF_OK)
		goto out;
	if (fchmod(w->fd, 0400) != 0) {
		rc = lf_error_sys(err, errno, "cannot protect an object");
		goto out;
	}
	lf_hex(hex, sha256, 32);
	if ((subfd = subdir(s, sha256[0], err)) < 0) {
		rc = LF_E_IO;
		goto out;
	}
	/* Never replace: an object already there stays as it is. */
	if (renameat2(s->tmpfd, w->tmpname, subfd, hex, RENAME_NOREPLACE) ==
	    0) {
		w->tmpname[0] = '\0';
	} else if (errno == EEXIST) {
		if (existed != NULL)
			*existed = true;
	} else {
		rc = lf_error_sys(err, errno, "cannot store an object");
	}
out:
	lf_store_abort(w);
	return rc;
}

void
lf_store_abort(struct lf_store_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		(void)close(w->fd);
	if (w->tmpname[0] != '\0')
		(void)unlinkat(w->s->tmpfd, w->tmpname, 0);
	free(w);
}

int
lf_store_sync(struct lf_store *s, struct lf_error *err)
{
	if (syncfs(s->dirfd) != 0)
		return lf_error_sys(err, errno, "cannot sync the store");
	return LF_OK;
}

void
lf_store_close(struct lf_store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < 256; i++) {
		if (s->sub[i] >= 0)
			(void)close(s->sub[i]);
	}
	pthread_mutex_destroy(&s->mu);
	if (s->tmpfd >= 0)
		(void)close(s->tmpfd);
	if (s->objfd >= 0)
		(void)close(s->objfd);
	if (s->dirfd >= 0)
		(void)close(s->dirfd);
	free(s);
}
