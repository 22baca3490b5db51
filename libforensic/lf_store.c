/*
 * lf_store.c: the content-addressed quarantine store.
 *
 * Creating files, not writing bytes, is what a store costs: on this kind
 * of disk an inode and a directory entry take about 0.2 ms, more than
 * hashing the typical object.  So an object is kept in the writer's buffer
 * until it outgrows it, and most objects are complete before that: one
 * whose name is already in the store then costs no file at all.  A file
 * is an unnamed O_TMPFILE in objects/, linked under its name once
 * complete, which touches one directory once, and vanishes by itself if
 * the process dies first.  Where the filesystem has no O_TMPFILE (or /proc
 * is missing), it is a named file in tmp/, renamed into place.
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

/* Objects up to this size never touch the disk before they are complete
 * (below malloc's mmap threshold, so a writer stays cheap to make). */
#define WBUF 65536

struct lf_store {
	int dirfd;
	int objfd;    /* objects/ */
	int tmpfd;    /* tmp/ */
	int sub[256]; /* objects/00 ... objects/ff, opened when first used */
	bool unnamed; /* O_TMPFILE files linked through /proc/self/fd */
	pthread_mutex_t mu;
	atomic_uint_fast64_t serial; /* for temporary names */
	pid_t pid;
};

struct lf_store_writer {
	struct lf_store *s;
	int fd;           /* -1 until the object outgrows buf */
	char tmpname[64]; /* its name in tmp/, when it has one */
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

/* "/proc/self/fd/N": how linkat() names an O_TMPFILE file without
 * CAP_DAC_READ_SEARCH (open(2)). */
static void
proc_fd_path(int fd, char out[32])
{
	(void)snprintf(out, 32, "/proc/self/fd/%d", fd);
}

/* Whether this store's filesystem, and /proc, allow unnamed files. */
static bool
can_link_unnamed(struct lf_store *s)
{
	char proc[32], name[64];
	bool ok;
	int fd;

	fd = openat(s->objfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0400);
	if (fd < 0)
		return false;
	proc_fd_path(fd, proc);
	(void)snprintf(name, sizeof(name), "probe.%ld", (long)s->pid);
	ok = linkat(AT_FDCWD, proc, s->tmpfd, name, AT_SYMLINK_FOLLOW) == 0;
	if (ok)
		(void)unlinkat(s->tmpfd, name, 0);
	(void)close(fd);
	return ok;
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
	/* LF_STORE_NAMED=1 takes the other path, to test it here. */
	s->unnamed = getenv("LF_STORE_NAMED") == NULL && can_link_unnamed(s);
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

	if ((w = malloc(sizeof(*w))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "store writer");
	w->s = s;
	w->fd = -1;
	w->tmpname[0] = '\0';
	w->nbuf = 0;
	*wp = w;
	return LF_OK;
}

/*
 * Give the object a file of its own, not yet under its name: an unnamed
 * one in dirfd (its objects/xx/ when known: ext4 places an inode near its
 * directory, and 256 directories spread them over the disk's groups).
 */
static int
create_file(struct lf_store_writer *w, int dirfd, struct lf_error *err)
{
	struct lf_store *s = w->s;
	uint64_t n;

	if (s->unnamed) {
		w->fd =
		    openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0400);
		if (w->fd < 0)
			return lf_error_sys(err, errno,
			    "cannot create an object");
		return LF_OK;
	}
	for (;;) {
		n = atomic_fetch_add(&s->serial, 1);
		(void)snprintf(w->tmpname, sizeof(w->tmpname), "%ld.%llu",
		    (long)s->pid, (unsigned long long)n);
		w->fd = openat(s->tmpfd, w->tmpname,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
		if (w->fd >= 0)
			return LF_OK;
		if (errno != EEXIST) { /* a leftover of an earlier run */
			w->tmpname[0] = '\0';
			return lf_error_sys(err, errno,
			    "cannot create an object");
		}
	}
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
			return lf_error_sys(err, errno,
			    "cannot write an object");
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
		if (w->fd < 0 &&
		    (rc = create_file(w, w->s->objfd, err)) != LF_OK)
			return rc;
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

/* Put the complete file under its name: 0, or -1 with errno. */
static int
link_file(struct lf_store_writer *w, int subfd, const char *hex)
{
	char proc[32];

	if (w->s->unnamed) {
		proc_fd_path(w->fd, proc);
		return linkat(AT_FDCWD, proc, subfd, hex, AT_SYMLINK_FOLLOW);
	}
	if (renameat2(w->s->tmpfd, w->tmpname, subfd, hex, RENAME_NOREPLACE) !=
	    0)
		return -1;
	w->tmpname[0] = '\0';
	return 0;
}

int
lf_store_commit(struct lf_store_writer *w, const uint8_t sha256[32],
    bool *existed, struct lf_error *err)
{
	struct lf_store *s = w->s;
	struct stat st;
	char hex[65];
	int subfd, rc = LF_OK;

	if (existed != NULL)
		*existed = false;
	lf_hex(hex, sha256, 32);
	if ((subfd = subdir(s, sha256[0], err)) < 0) {
		rc = LF_E_IO;
		goto out;
	}
	/* Never replace: an object already there stays as it is, and one
	 * still in memory is not even written. */
	if (w->fd < 0 && fstatat(subfd, hex, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (existed != NULL)
			*existed = true;
		goto out;
	}
	if ((w->fd < 0 && (rc = create_file(w, subfd, err)) != LF_OK) ||
	    (rc = write_all(w->fd, w->buf, w->nbuf, err)) != LF_OK)
		goto out;
	if (link_file(w, subfd, hex) != 0) {
		if (errno == EEXIST) {
			if (existed != NULL)
				*existed = true;
		} else {
			rc = lf_error_sys(err, errno, "cannot store an object");
		}
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
