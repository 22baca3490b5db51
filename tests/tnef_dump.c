/*
 * tests/tnef_dump.c: lf_tnef_read from the shell, for the tests that
 * compare it with other tools.  Not installed.
 *
 * usage: tnef_dump [-x DIR] FILE
 *
 * With -x, each entry's bytes are also written to DIR/<its path, "/"
 * turned to "_">.
 *
 * One line per record, tab-separated, names and values with bytes
 * outside printable ASCII written as \xHH:
 *
 *   E  kind path role size sha256 mime name   (an entry, at its end)
 *   P  path property value                    (path "-": the message)
 *   A  path code offset                       (an anomaly)
 *
 * Exit status: 0, 1 when lf_tnef_read failed (the error on stderr), 2
 * for misuse.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lf/limits.h"
#include "lf/tnef.h"

#define STACK_MAX 128

struct dump {
	const char *dir;
	FILE *f[STACK_MAX];
	EVP_MD_CTX *md[STACK_MAX];
	uint64_t size[STACK_MAX];
	int top;
};

static void
put_escaped(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	}
}

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct dump *d = arg;
	char path[1024];
	size_t i, n;

	if (d->top >= STACK_MAX)
		return 1;
	d->f[d->top] = NULL;
	if (d->dir != NULL) {
		n = (size_t)snprintf(path, sizeof(path), "%s/", d->dir);
		for (i = 0; e->path[i] != '\0' && n + 1 < sizeof(path); i++)
			path[n++] = e->path[i] == '/' ? '_' : e->path[i];
		path[n] = '\0';
		if ((d->f[d->top] = fopen(path, "wb")) == NULL)
			return 1;
	}
	if ((d->md[d->top] = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d->md[d->top], EVP_sha256(), NULL) != 1)
		return 1;
	d->size[d->top] = 0;
	d->top++;
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct dump *d = arg;

	(void)e;
	if (d->top == 0 || n == 0 || n > 64 * 1024)
		return 1;
	d->size[d->top - 1] += n;
	if (d->f[d->top - 1] != NULL && fwrite(p, 1, n, d->f[d->top - 1]) != n)
		return 1;
	return EVP_DigestUpdate(d->md[d->top - 1], p, n) == 1 ? 0 : 1;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	static const char *const kinds[] = {"file", "body", "message"};
	struct dump *d = arg;
	unsigned char h[32];
	unsigned int hl;
	int i;

	if (d->top == 0)
		return 1;
	d->top--;
	if (EVP_DigestFinal_ex(d->md[d->top], h, &hl) != 1)
		return 1;
	EVP_MD_CTX_free(d->md[d->top]);
	if (d->f[d->top] != NULL && fclose(d->f[d->top]) != 0)
		return 1;
	printf("E\t%s\t%s\t%s\t%llu\t", kinds[e->kind], e->path, e->role,
	    (unsigned long long)d->size[d->top]);
	for (i = 0; i < 32; i++)
		printf("%02x", h[i]);
	printf("\t%s\t", e->mime_type != NULL ? e->mime_type : "-");
	if (e->name != NULL)
		put_escaped(e->name, e->name_len);
	else
		putchar('-');
	putchar('\n');
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	(void)arg;
	printf("P\t%s\t%s\t", e != NULL ? e->path : "-", name);
	put_escaped(value, n);
	putchar('\n');
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	(void)arg;
	printf("A\t%s\t%s\t%llu\n", e != NULL ? e->path : "-", a->code,
	    (unsigned long long)a->offset);
}

int
main(int argc, char **argv)
{
	static const struct lf_container_events ev = {on_begin, on_data, on_end,
	    on_property, on_anomaly};
	struct lf_source src;
	struct lf_limits l;
	struct lf_error err;
	struct dump d;
	struct stat st;
	int fd, rc;

	memset(&d, 0, sizeof(d));
	if (argc == 4 && strcmp(argv[1], "-x") == 0) {
		d.dir = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tnef_dump [-x DIR] FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) != 0) {
		perror(argv[1]);
		return 1;
	}
	lf_limits_default(&l);
	lf_source_file(&src, fd, (uint64_t)st.st_size);
	rc = lf_tnef_read(&src, &l, &ev, &d, &err);
	close(fd);
	if (rc != LF_OK) {
		fprintf(stderr, "tnef_dump: %s: %s\n", argv[1],
		    rc < 0 ? err.msg : "an event stopped the reader");
		return 1;
	}
	return 0;
}
