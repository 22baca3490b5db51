/*
 * tests/unit/tmptree.h: remove a test's temporary tree, links and FIFOs
 * included, without following links out of it.
 */
#ifndef LF_TEST_TMPTREE_H
#define LF_TEST_TMPTREE_H

#include <ftw.h>
#include <stdio.h>

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline int
remove_tree(const char *root)
{
	return nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
