/*
 * Unit tests: lf_keyfile (a key's three files, all or none).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "lf/keyfile.h"
#include "tmptree.h"

static char dir[64];
static const char minisign_pub[] =
    "untrusted comment: x\n"
    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n";

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lf-keyfile.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	umask(022);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static char *
path(const char *name)
{
	static char p[4][256];
	static int next;
	char *out = p[next++ % 4];

	snprintf(out, 256, "%s/%s", dir, name);
	return out;
}

/* Names in the directory, sorted, joined by spaces. */
static void
listing(char *out, size_t outsz)
{
	struct dirent **ents;
	int n, i;

	out[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		/* Hidden names too: a temporary file left over shows. */
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0) {
			strncat(out, ents[i]->d_name, outsz - strlen(out) - 2);
			strncat(out, " ", outsz - strlen(out) - 1);
		}
		free(ents[i]);
	}
	free(ents);
}

static mode_t
mode_of(const char *name)
{
	struct stat st;

	assert_int_equal(lstat(path(name), &st), 0);
	return st.st_mode & 07777;
}

static struct lf_sigkey *
read_key(const char *name, bool private, const char *pass)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	unsigned char *p;
	size_t n;

	assert_int_equal(lf_keyfile_read(path(name), &p, &n, &err), LF_OK);
	if (private)
		assert_int_equal(lf_sigkey_load_private(p, n, NULL, NULL, &k,
		                     &err),
		    pass == NULL ? LF_OK : LF_E_INVAL);
	else
		assert_int_equal(lf_sigkey_load_public(p, n, &k, &err), LF_OK);
	OPENSSL_secure_clear_free(p, n);
	return k;
}

static void
same_key(const struct lf_sigkey *a, const struct lf_sigkey *b)
{
	uint8_t fa[LF_SIGKEY_FPR_LEN], fb[LF_SIGKEY_FPR_LEN];

	lf_sigkey_fingerprint(a, fa);
	lf_sigkey_fingerprint(b, fb);
	assert_memory_equal(fa, fb, sizeof(fa));
}

static void
create_three(const char *named)
{
	struct lf_sigkey *k, *r;
	char list[1024];

	if (named != NULL)
		setenv("LF_KEYFILE_NAMED", "1", 1);
	else
		unsetenv("LF_KEYFILE_NAMED");
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	assert_int_equal(lf_keyfile_create(path("case42"), k, NULL, 0, NULL),
	    LF_OK);
	listing(list, sizeof(list));
	/* Nothing else, no temporary name left over. */
	assert_string_equal(list, "case42.key case42.minisign.pub case42.pub ");
	assert_int_equal(mode_of("case42.key"), 0600);
	assert_int_equal(mode_of("case42.pub"), 0644);
	assert_int_equal(mode_of("case42.minisign.pub"), 0644);
	r = read_key("case42.key", true, NULL);
	same_key(k, r);
	lf_sigkey_free(r);
	r = read_key("case42.pub", false, NULL);
	same_key(k, r);
	lf_sigkey_free(r);
	r = read_key("case42.minisign.pub", false, NULL);
	same_key(k, r);
	lf_sigkey_free(r);
	lf_sigkey_free(k);
	unsetenv("LF_KEYFILE_NAMED");
}

static void
creates_unnamed(void **state)
{
	(void)state;
	create_three(NULL);
}

static void
creates_named(void **state)
{
	(void)state;
	create_three("1");
}

static void
encrypted(void **state)
{
	struct lf_sigkey *k, *r;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	assert_int_equal(lf_keyfile_create(path("enc"), k, "pw", 2, NULL),
	    LF_OK);
	r = read_key("enc.key", true, "pw");
	assert_null(r);
	lf_sigkey_free(k);
}

/* Read a whole small file. */
static size_t
slurp(const char *name, char *buf, size_t size)
{
	FILE *f = fopen(path(name), "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static void
never_replaces(void **state)
{
	struct lf_sigkey *k;
	struct lf_error err;
	char before[3][512], after[512], list[1024];
	size_t n[3];
	const char *names[3] = {"k.key", "k.pub", "k.minisign.pub"};
	int i;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	assert_int_equal(lf_keyfile_create(path("k"), k, NULL, 0, NULL), LF_OK);
	for (i = 0; i < 3; i++)
		n[i] = slurp(names[i], before[i], sizeof(before[i]));
	lf_sigkey_free(k);
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	assert_int_equal(lf_keyfile_create(path("k"), k, NULL, 0, &err),
	    LF_E_IO);
	assert_int_equal(err.sys_errno, EEXIST);
	assert_non_null(strstr(err.msg, "'k.pub' exists"));
	for (i = 0; i < 3; i++) {
		assert_int_equal(slurp(names[i], after, sizeof(after)), n[i]);
		assert_memory_equal(before[i], after, n[i]);
	}
	listing(list, sizeof(list));
	assert_string_equal(list, "k.key k.minisign.pub k.pub ");
	lf_sigkey_free(k);
}

/* One name taken: the others that were made are taken back. */
static void
all_or_none(void **state)
{
	struct lf_sigkey *k;
	struct lf_error err;
	char list[1024], target[64];
	ssize_t n;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&k, NULL), LF_OK);
	/* The private key's name is a dangling link: not followed, not
	 * replaced, and both public files linked first are removed. */
	assert_int_equal(symlink("/nonexistent/stolen", path("a.key")), 0);
	assert_int_equal(lf_keyfile_create(path("a"), k, NULL, 0, &err),
	    LF_E_IO);
	assert_non_null(strstr(err.msg, "'a.key' exists"));
	listing(list, sizeof(list));
	assert_string_equal(list, "a.key ");
	n = readlink(path("a.key"), target, sizeof(target));
	assert_int_equal(n, 19);
	assert_memory_equal(target, "/nonexistent/stolen", 19);
	/* The minisign name is a directory. */
	assert_int_equal(mkdir(path("b.minisign.pub"), 0700), 0);
	assert_int_equal(lf_keyfile_create(path("b"), k, NULL, 0, &err),
	    LF_E_IO);
	listing(list, sizeof(list));
	assert_string_equal(list, "a.key b.minisign.pub ");
	/* A directory that does not exist, a name that is no name. */
	assert_int_equal(lf_keyfile_create(path("no/c"), k, NULL, 0, &err),
	    LF_E_IO);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_int_equal(lf_keyfile_create(path(""), k, NULL, 0, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_keyfile_create(path(".."), k, NULL, 0, &err),
	    LF_E_INVAL);
	lf_sigkey_free(k);
	/* A public key has no private key file to make. */
	assert_int_equal(lf_sigkey_load_public((const uint8_t *)minisign_pub,
	                     strlen(minisign_pub), &k, NULL),
	    LF_OK);
	assert_int_equal(lf_keyfile_create(path("d"), k, NULL, 0, &err),
	    LF_E_INVAL);
	lf_sigkey_free(k);
	listing(list, sizeof(list));
	assert_string_equal(list, "a.key b.minisign.pub ");
}

static void
read_refuses(void **state)
{
	unsigned char *p;
	struct lf_error err;
	size_t n;
	int fd;

	(void)state;
	assert_int_equal(mkfifo(path("fifo"), 0600), 0);
	assert_int_equal(lf_keyfile_read(path("fifo"), &p, &n, &err),
	    LF_E_FORMAT);
	assert_int_equal(lf_keyfile_read(path("missing"), &p, &n, &err),
	    LF_E_IO);
	fd = open(path("big"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, LF_SIGKEY_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(lf_keyfile_read(path("big"), &p, &n, &err),
	    LF_E_LIMIT);
	fd = open(path("big"), O_WRONLY);
	assert_int_equal(ftruncate(fd, LF_SIGKEY_FILE_MAX), 0);
	close(fd);
	assert_int_equal(lf_keyfile_read(path("big"), &p, &n, &err), LF_OK);
	assert_int_equal(n, LF_SIGKEY_FILE_MAX);
	OPENSSL_secure_clear_free(p, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(creates_unnamed, setup, teardown),
	    cmocka_unit_test_setup_teardown(creates_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(encrypted, setup, teardown),
	    cmocka_unit_test_setup_teardown(never_replaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(all_or_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(read_refuses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
