/*
 * tests/tar_tool.c: lf_tar from the command line, for the tests that
 * hold it against GNU tar, bsdtar and Python's tarfile.
 *
 *   tar_tool write OUT MTIME TOP FILE...   FILEs (sorted by the caller,
 *                                          relative names) under TOP/,
 *                                          to OUT or "-" (stdout)
 *   tar_tool list IN                       "d NAME" or "f SIZE NAME" per
 *                                          entry; exit 1 with the reason
 *                                          for an archive refused
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/reader.h"
#include "lf/tar.h"

static int
die(const char *what, const struct lf_error *err)
{
	fprintf(stderr, "tar_tool: %s: %s\n", what, err->msg);
	return 1;
}

static int
write_tar(int argc, char **argv)
{
	struct lf_tarw *w;
	struct lf_error err;
	char name[LF_TAR_NAME_MAX + 1], buf[65536];
	int fd, i;

	fd = strcmp(argv[2], "-") == 0 ?
	    STDOUT_FILENO :
	    open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	if (lf_tarw_new(fd, strtoll(argv[3], NULL, 10), &w, &err) != LF_OK ||
	    lf_tarw_dir(w, argv[4], &err) != LF_OK)
		return die("write", &err);
	for (i = 5; i < argc; i++) {
		struct stat st;
		int in = open(argv[i], O_RDONLY);
		ssize_t got;
		if (in < 0 || fstat(in, &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		(void)snprintf(name, sizeof(name), "%s/%s", argv[4], argv[i]);
		if (S_ISDIR(st.st_mode)) {
			if (lf_tarw_dir(w, name, &err) != LF_OK)
				return die(name, &err);
			close(in);
			continue;
		}
		if (lf_tarw_file(w, name, (uint64_t)st.st_size, &err) != LF_OK)
			return die(name, &err);
		while ((got = read(in, buf, sizeof(buf))) > 0)
			if (lf_tarw_data(w, buf, (size_t)got, &err) != LF_OK)
				return die(name, &err);
		close(in);
	}
	if (lf_tarw_finish(w, &err) != LF_OK)
		return die("finish", &err);
	lf_tarw_free(w);
	return close(fd) == 0 ? 0 : 1;
}

static int
list_tar(const char *path)
{
	struct lf_reader *in;
	struct lf_tarr *r;
	struct lf_tar_entry e;
	struct lf_error err;
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	if (lf_reader_from_fd(fd, true, &in, &err) != LF_OK ||
	    lf_tarr_new(in, &r, &err) != LF_OK)
		return die(path, &err);
	while ((rc = lf_tarr_next(r, &e, &err)) == 1) {
		if (e.type == LF_TAR_DIR)
			printf("d %s\n", e.path);
		else
			printf("f %llu %s\n", (unsigned long long)e.size,
			    e.path);
	}
	if (rc < 0)
		return die(path, &err);
	lf_tarr_free(r);
	lf_reader_free(in);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "write") == 0)
		return write_tar(argc, argv);
	if (argc == 3 && strcmp(argv[1], "list") == 0)
		return list_tar(argv[2]);
	fprintf(stderr, "usage: tar_tool write OUT MTIME TOP FILE...\n"
	                "       tar_tool list IN\n");
	return 2;
}
