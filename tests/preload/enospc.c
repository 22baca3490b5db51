/*
 * tests/preload/enospc.c: a full disk, or a crash, for the tests, loaded
 * with LD_PRELOAD.  Writes to files under the directory LF_ENOSPC_DIR fail
 * with ENOSPC once LF_ENOSPC_AFTER bytes in all were written there (the
 * write that crosses the line writes what fits, as a file system does);
 * with LF_ENOSPC_KILL set, the process is killed with SIGKILL there
 * instead, as a crash or an operator would.  Other files, and the
 * standard streams, are left alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static unsigned long long written;

/* Is fd a file under LF_ENOSPC_DIR? */
static int
on_full_disk(int fd)
{
	static char dir[PATH_MAX];
	char link[64], path[PATH_MAX];
	const char *d = getenv("LF_ENOSPC_DIR");
	ssize_t n;
	size_t dl;

	if (d == NULL || realpath(d, dir) == NULL)
		return 0;
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) < 0)
		return 0;
	path[n] = '\0';
	dl = strlen(dir);
	return strncmp(path, dir, dl) == 0 && path[dl] == '/';
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	const char *after = getenv("LF_ENOSPC_AFTER");
	unsigned long long limit, used;

	if (real_write == NULL)
		real_write = (ssize_t(*)(int, const void *, size_t))dlsym(
		    RTLD_NEXT, "write");
	if (after == NULL || !on_full_disk(fd))
		return real_write(fd, buf, n);
	limit = strtoull(after, NULL, 10);
	used = __atomic_fetch_add(&written, n, __ATOMIC_SEQ_CST);
	if (used + n > limit && getenv("LF_ENOSPC_KILL") != NULL)
		(void)raise(SIGKILL);
	if (used >= limit) {
		errno = ENOSPC;
		return -1;
	}
	if (used + n > limit)
		n = (size_t)(limit - used);
	return real_write(fd, buf, n);
}
