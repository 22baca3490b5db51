/*
 * tests/preload/nodirect.c: a filesystem that lets O_DIRECT be set but
 * refuses direct writes, as some FUSE and network filesystems do, for the
 * tests, loaded with LD_PRELOAD.  A write to a descriptor with O_DIRECT
 * set fails with EINVAL, and a line is added to the file LF_NODIRECT_LOG
 * (when set), so a test can tell that direct writes were tried.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);

ssize_t
write(int fd, const void *buf, size_t n)
{
	const char *log = getenv("LF_NODIRECT_LOG");
	int flags = fcntl(fd, F_GETFL);
	FILE *f;

	if (real_write == NULL)
		real_write = (ssize_t(*)(int, const void *, size_t))dlsym(
		    RTLD_NEXT, "write");
	if (flags < 0 || !(flags & O_DIRECT))
		return real_write(fd, buf, n);
	if (log != NULL && (f = fopen(log, "a")) != NULL) {
		(void)fprintf(f, "refused a direct write of %zu bytes\n", n);
		(void)fclose(f);
	}
	errno = EINVAL;
	return -1;
}
