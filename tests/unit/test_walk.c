/*
 * Unit tests: lf_walk, on a tree made for each test.
 */
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

#include "lf/walk.h"
#include "tmptree.h"

struct seen {
	char lines[64][512];
	int n;
	size_t root_len;
};

static char root[] = "/tmp/lf-walk-XXXXXX";

static void
put(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void
dir(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void
link_to(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int
setup(void **state)
{
	char p[512];

	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	put("a.txt", "A");
	dir("a");
	put("a/x", "X");
	put("b", "BB");
	dir("deep");
	dir("deep/1");
	dir("deep/1/2");
	put("deep/1/2/f", "F");
	link_to("a.txt", "link");
	link_to("a", "dlink");
	link_to(".", "loop");
	snprintf(p, sizeof(p), "%s/fifo", root);
	return mkfifo(p, 0644);
}

static int
teardown(void **state)
{
	(void)state;
	return remove_tree(root);
}

static int
record(void *arg, const struct lf_walk_entry *e)
{
	struct seen *s = arg;
	char content[16] = "";
	ssize_t n;

	assert_true(s->n < 64);
	if (e->event == LF_WALK_FILE && e->fd >= 0) {
		n = read(e->fd, content, sizeof(content) - 1);
		assert_true(n >= 0);
		content[n] = '\0';
		close(e->fd);
	}
	snprintf(s->lines[s->n++], 512, "%d %d %s %s", (int)e->event,
	    (int)e->reason, e->path + s->root_len, content);
	return 0;
}

static void
walk(bool recurse, bool follow, const struct lf_limits *l, struct seen *s)
{
	struct lf_walk_opts o = {recurse, follow, true, l};

	memset(s, 0, sizeof(*s));
	s->root_len = strlen(root);
	assert_int_equal(lf_walk(root, &o, record, s, NULL), LF_OK);
}

#define F "0 0 "  /* file */
#define SKIP "1 " /* skipped, then the reason */

static void
sorted_as_full_paths_links_skipped(void **state)
{
	static const char *want[] = {
	    F "/a.txt A",
	    F "/a/x X",
	    F "/b BB",
	    F "/deep/1/2/f F",
	    SKIP "1 /dlink ",
	    SKIP "2 /fifo ",
	    SKIP "1 /link ",
	    SKIP "1 /loop ",
	};
	struct lf_limits l;
	struct seen s;
	int i;

	(void)state;
	lf_limits_default(&l);
	walk(true, false, &l, &s);
	assert_int_equal(s.n, 8);
	for (i = 0; i < s.n; i++)
		assert_string_equal(s.lines[i], want[i]);
}

static void
following_links_stops_at_loops(void **state)
{
	static const char *want[] = {
	    F "/a.txt A",
	    F "/a/x X",
	    F "/b BB",
	    F "/deep/1/2/f F",
	    F "/dlink/x X",
	    SKIP "2 /fifo ",
	    F "/link A",
	    SKIP "4 /loop ",
	};
	struct lf_limits l;
	struct seen s;
	int i;

	(void)state;
	lf_limits_default(&l);
	walk(true, true, &l, &s);
	assert_int_equal(s.n, 8);
	for (i = 0; i < s.n; i++)
		assert_string_equal(s.lines[i], want[i]);
}

static void
limits_are_reported(void **state)
{
	struct lf_limits l;
	struct seen s;
	int i, too_many = 0, files = 0;

	(void)state;
	lf_limits_default(&l);
	l.walk_depth = 2;
	walk(true, false, &l, &s);
	assert_string_equal(s.lines[3], SKIP "5 /deep/1/2 ");
	l.walk_depth = 100;
	l.dir_entries = 2;
	walk(true, false, &l, &s);
	for (i = 0; i < s.n; i++) {
		too_many += strncmp(s.lines[i], SKIP "6 ", 4) == 0;
		files += strncmp(s.lines[i], F, 4) == 0;
	}
	assert_int_equal(too_many, 1); /* only the root has more than 2 */
	assert_true(files <= 4);
}

static void
named_things(void **state)
{
	struct lf_walk_opts o = {false, false, true, NULL};
	struct lf_limits l;
	struct seen s;
	char p[512];

	(void)state;
	lf_limits_default(&l);
	o.limits = &l;
	walk(false, false, &l, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.lines[0], SKIP "3  ");
	memset(&s, 0, sizeof(s));
	s.root_len = strlen(root);
	snprintf(p, sizeof(p), "%s/none", root);
	assert_int_equal(lf_walk(p, &o, record, &s, NULL), LF_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.lines[0], "2 0 /none ");
	snprintf(p, sizeof(p), "%s/b", root);
	memset(&s, 0, sizeof(s));
	s.root_len = strlen(root);
	assert_int_equal(lf_walk(p, &o, record, &s, NULL), LF_OK);
	assert_string_equal(s.lines[0], F "/b BB");
	/* A named FIFO is never opened: opening would block. */
	snprintf(p, sizeof(p), "%s/fifo", root);
	memset(&s, 0, sizeof(s));
	s.root_len = strlen(root);
	assert_int_equal(lf_walk(p, &o, record, &s, NULL), LF_OK);
	assert_string_equal(s.lines[0], SKIP "2 /fifo ");
}

static int
stop_at_second(void *arg, const struct lf_walk_entry *e)
{
	int *count = arg;

	if (e->fd >= 0)
		close(e->fd);
	return ++*count == 2 ? 42 : 0;
}

static void
callback_can_stop_the_walk(void **state)
{
	struct lf_walk_opts o = {true, false, false, NULL};
	struct lf_limits l;
	int count = 0;

	(void)state;
	lf_limits_default(&l);
	o.limits = &l;
	assert_int_equal(lf_walk(root, &o, stop_at_second, &count, NULL), 42);
	assert_int_equal(count, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sorted_as_full_paths_links_skipped),
	    cmocka_unit_test(following_links_stops_at_loops),
	    cmocka_unit_test(limits_are_reported),
	    cmocka_unit_test(named_things),
	    cmocka_unit_test(callback_can_stop_the_walk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
