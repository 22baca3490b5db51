/*
 * lf_keyfile.c: a key's three files, all or none, never replacing.
 *
 * linkat() is the only call used to give a file its name: unlike
 * rename(), it never replaces what is there, and unlike open(O_CREAT |
 * O_EXCL) it gives the name to a file that is already complete and on
 * the disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/keyfile.h"
#include "lf/text.h"

#define NFILES 3
#define SUFFIX_MAX sizeof(".minisign.pub")

struct part {
	const char *suffix;
	mode_t mode;
	const uint8_t *data;
	size_t len;
	int fd;
	char final[NAME_MAX + 1];
	char tmp[NAME_MAX + 1]; /* "" for an unnamed file */
	bool linked;
};

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A file for the part, not yet under its name. */
static int
create_tmp(int dirfd, const char *name, struct part *pt, bool named,
    struct lf_error *err)
{
	uint8_t rnd[8];
	char hex[2 * sizeof(rnd) + 1];
	int tries;

	pt->tmp[0] = '\0';
	if (!named) {
		pt->fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC,
		    pt->mode);
		if (pt->fd >= 0)
			return LF_OK;
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != ENOENT)
			return lf_error_sys(err, errno,
			    "cannot create a file for '%s%s'", name,
			    pt->suffix);
	}
	for (tries = 0; tries < 100; tries++) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return lf_error_set(err, LF_E_CRYPTO,
			    "no random name for '%s%s'", name, pt->suffix);
		lf_hex(hex, rnd, sizeof(rnd));
		(void)snprintf(pt->tmp, sizeof(pt->tmp), ".%s%s.%s", name,
		    pt->suffix, hex);
		pt->fd = openat(dirfd, pt->tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    pt->mode);
		if (pt->fd >= 0)
			return LF_OK;
		if (errno != EEXIST)
			break;
	}
	pt->tmp[0] = '\0';
	return lf_error_sys(err, errno, "cannot create a file for '%s%s'", name,
	    pt->suffix);
}

static int
fill(struct part *pt, const char *name, struct lf_error *err)
{
	/* Exactly the mode asked for the private key, whatever the umask. */
	if (write_all(pt->fd, pt->data, pt->len) != 0 ||
	    (pt->mode == 0600 && fchmod(pt->fd, 0600) != 0) ||
	    fsync(pt->fd) != 0)
		return lf_error_sys(err, errno, "cannot write '%s%s'", name,
		    pt->suffix);
	return LF_OK;
}

static int
exists(const char *name, struct lf_error *err)
{
	lf_error_set(err, LF_E_IO, "'%s' exists: nothing was written", name);
	if (err != NULL)
		err->sys_errno = EEXIST;
	return LF_E_IO;
}

static int
link_final(int dirfd, struct part *pt, struct lf_error *err)
{
	char proc[32];
	int r;

	if (pt->tmp[0] != '\0') {
		r = linkat(dirfd, pt->tmp, dirfd, pt->final, 0);
	} else {
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pt->fd);
		r = linkat(AT_FDCWD, proc, dirfd, pt->final, AT_SYMLINK_FOLLOW);
	}
	if (r != 0)
		return errno == EEXIST ?
		    exists(pt->final, err) :
		    lf_error_sys(err, errno, "cannot create '%s'", pt->final);
	pt->linked = true;
	return LF_OK;
}

/* Remove a name we linked, if it is still our file. */
static void
unlink_ours(int dirfd, struct part *pt)
{
	struct stat a, b;

	if (fstat(pt->fd, &a) == 0 &&
	    fstatat(dirfd, pt->final, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		(void)unlinkat(dirfd, pt->final, 0);
	pt->linked = false;
}

/* Split base into its directory (opened) and last component. */
static int
open_dir(const char *base, const char **name, int *dirfd, struct lf_error *err)
{
	const char *slash = strrchr(base, '/');
	char *dir;

	*name = slash != NULL ? slash + 1 : base;
	if (**name == '\0' || strcmp(*name, ".") == 0 ||
	    strcmp(*name, "..") == 0)
		return lf_error_set(err, LF_E_INVAL,
		    "'%s' does not end in a file name", base);
	if (strlen(*name) + SUFFIX_MAX + 24 > NAME_MAX)
		return lf_error_set(err, LF_E_INVAL, "'%s' is too long", base);
	if (slash == NULL) {
		*dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		if ((dir = strndup(base, (size_t)(slash - base) + 1)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "key files");
		*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	if (*dirfd < 0)
		return lf_error_sys(err, errno,
		    "cannot open the directory of "
		    "'%s'",
		    base);
	return LF_OK;
}

int
lf_keyfile_create(const char *base, const struct lf_sigkey *k, const char *pass,
    size_t passlen, struct lf_error *err)
{
	struct lf_buf pub, mpub;
	struct part parts[NFILES];
	uint8_t *priv = NULL;
	size_t privlen = 0;
	const char *name;
	bool named = getenv("LF_KEYFILE_NAMED") != NULL;
	int dirfd = -1, rc, i;

	memset(parts, 0, sizeof(parts));
	for (i = 0; i < NFILES; i++)
		parts[i].fd = -1;
	lf_buf_init(&pub, 4096);
	lf_buf_init(&mpub, 4096);
	if ((rc = open_dir(base, &name, &dirfd, err)) != LF_OK)
		goto done;
	if ((rc = lf_sigkey_private_pem(k, pass, passlen, &priv, &privlen,
	         err)) != LF_OK ||
	    (rc = lf_sigkey_public_pem(k, &pub, err)) != LF_OK ||
	    (rc = lf_sigkey_minisign_pub(k, &mpub, err)) != LF_OK)
		goto done;
	/* In the order they are linked: the private key last. */
	parts[0] =
	    (struct part){".pub", 0644, pub.data, pub.len, -1, "", "", false};
	parts[1] = (struct part){".minisign.pub", 0644, mpub.data, mpub.len, -1,
	    "", "", false};
	parts[2] =
	    (struct part){".key", 0600, priv, privlen, -1, "", "", false};
	/* No look before the leap: the links are the check, so the rollback
	 * below is what runs whenever a name is taken. */
	for (i = 0; i < NFILES; i++)
		(void)snprintf(parts[i].final, sizeof(parts[i].final), "%s%s",
		    name, parts[i].suffix);
	for (i = 0; i < NFILES; i++)
		if ((rc = create_tmp(dirfd, name, &parts[i], named, err)) !=
		        LF_OK ||
		    (rc = fill(&parts[i], name, err)) != LF_OK)
			goto done;
	for (i = 0; i < NFILES; i++)
		if ((rc = link_final(dirfd, &parts[i], err)) != LF_OK)
			goto done;
	if (fsync(dirfd) != 0) {
		rc = lf_error_sys(err, errno, "cannot sync the directory");
		goto done;
	}
	rc = LF_OK;
done:
	for (i = 0; i < NFILES; i++) {
		if (rc != LF_OK && parts[i].linked)
			unlink_ours(dirfd, &parts[i]);
		if (parts[i].tmp[0] != '\0')
			(void)unlinkat(dirfd, parts[i].tmp, 0);
		if (parts[i].fd >= 0)
			(void)close(parts[i].fd);
	}
	if (priv != NULL)
		OPENSSL_secure_clear_free(priv, privlen);
	lf_buf_release(&pub);
	lf_buf_release(&mpub);
	if (dirfd >= 0)
		(void)close(dirfd);
	return rc;
}

int
lf_keyfile_read(const char *path, unsigned char **p, size_t *n,
    struct lf_error *err)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t k;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return lf_error_sys(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) != 0) {
		rc = lf_error_sys(err, errno, "cannot open '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lf_error_set(err, LF_E_FORMAT, "'%s' is not a file", path);
		goto done;
	}
	if ((buf = OPENSSL_secure_malloc(LF_SIGKEY_FILE_MAX + 1)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "'%s'", path);
		goto done;
	}
	/* Read one byte more than the limit, to know it was passed. */
	while (len <= LF_SIGKEY_FILE_MAX) {
		k = read(fd, buf + len, LF_SIGKEY_FILE_MAX + 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = lf_error_sys(err, errno, "cannot read '%s'", path);
			goto done;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	if (len > LF_SIGKEY_FILE_MAX) {
		rc = lf_error_set(err, LF_E_LIMIT,
		    "'%s' is larger than %d bytes: not a key file", path,
		    LF_SIGKEY_FILE_MAX);
		goto done;
	}
	*p = buf;
	*n = len;
	buf = NULL;
	rc = LF_OK;
done:
	if (buf != NULL)
		OPENSSL_secure_clear_free(buf, LF_SIGKEY_FILE_MAX + 1);
	(void)close(fd);
	return rc;
}
