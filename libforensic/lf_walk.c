/*
 * lf_walk.c: ordered, descriptor-relative walk of files and directories.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/buf.h"
#include "lf/walk.h"

/* A path longer than this cannot be built; deeper trees are not walkable. */
#define PATH_BYTES_MAX (1024 * 1024)

struct ancestor {
	dev_t dev;
	ino_t ino;
};

struct walker {
	const struct lf_walk_opts *o;
	lf_walk_fn fn;
	void *arg;
	struct lf_error *err;
	struct lf_buf path;
	struct ancestor *anc; /* directories being walked, outermost first */
	size_t nanc;
	size_t anc_cap;
};

struct dentry {
	size_t name_off; /* into the directory's name arena */
	size_t name_len;
	unsigned char type; /* DT_* after resolving, DT_UNKNOWN if unknown */
};

struct dlist {
	struct lf_buf names; /* NUL-separated */
	struct dentry *e;
	size_t n;
	size_t cap;
};

static int
emit(struct walker *w, enum lf_walk_event ev, enum lf_walk_reason reason,
    int errnum, bool named, int fd, const struct stat *st)
{
	struct lf_walk_entry e;

	memset(&e, 0, sizeof(e));
	e.event = ev;
	e.reason = reason;
	e.sys_errno = errnum;
	e.path = (const char *)w->path.data;
	e.path_len = w->path.len;
	e.named = named;
	e.fd = fd;
	if (st != NULL)
		e.st = *st;
	return w->fn(w->arg, &e);
}

static int
open_flags(const struct walker *w)
{
	return O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (w->o->follow ? 0 : O_NOFOLLOW);
}

static int
file_found(struct walker *w, int dirfd, const char *name, bool named)
{
	struct stat st;
	int fd;

	if (!w->o->open_files) {
		if (fstatat(dirfd, name, &st,
		        w->o->follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
			return emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno,
			    named, -1, NULL);
		return emit(w, LF_WALK_FILE, LF_WALK_NONE, 0, named, -1, &st);
	}
	/* O_NONBLOCK: if the name became a FIFO, do not wait for a writer. */
	fd = openat(dirfd, name, open_flags(w) | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP && !w->o->follow)
			return emit(w, LF_WALK_SKIPPED, LF_WALK_SYMLINK, 0,
			    named, -1, NULL);
		return emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno, named, -1,
		    NULL);
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;
		(void)close(fd);
		return emit(w, LF_WALK_ERROR, LF_WALK_NONE, e, named, -1, NULL);
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return emit(w, LF_WALK_SKIPPED, LF_WALK_SPECIAL, 0, named, -1,
		    NULL);
	}
	return emit(w, LF_WALK_FILE, LF_WALK_NONE, 0, named, fd, &st);
}

/*
 * Compare two names as paths: a directory's name as if followed by "/",
 * so that "a/x" sorts after "a.txt" as in `sort` of full paths.
 */
static int
cmp_dentry(const void *pa, const void *pb, void *arena)
{
	const struct dentry *a = pa, *b = pb;
	const uint8_t *na = (const uint8_t *)arena + a->name_off;
	const uint8_t *nb = (const uint8_t *)arena + b->name_off;
	size_t la = a->name_len + (a->type == DT_DIR);
	size_t lb = b->name_len + (b->type == DT_DIR);
	size_t i;

	for (i = 0; i < la && i < lb; i++) {
		uint8_t ca = i < a->name_len ? na[i] : '/';
		uint8_t cb = i < b->name_len ? nb[i] : '/';
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la < lb ? -1 : la > lb;
}

static void
dlist_release(struct dlist *l)
{
	lf_buf_release(&l->names);
	free(l->e);
}

/* The type of an entry as the walk will treat it (links resolved or not). */
static unsigned char
entry_type(const struct walker *w, int dfd, const char *name,
    unsigned char dtype)
{
	struct stat st;

	if (dtype != DT_UNKNOWN && !(dtype == DT_LNK && w->o->follow))
		return dtype;
	if (fstatat(dfd, name, &st, w->o->follow ? 0 : AT_SYMLINK_NOFOLLOW) !=
	    0)
		return DT_UNKNOWN;
	if (S_ISDIR(st.st_mode))
		return DT_DIR;
	if (S_ISREG(st.st_mode))
		return DT_REG;
	if (S_ISLNK(st.st_mode))
		return DT_LNK;
	return DT_UNKNOWN; /* special: found out again when visited */
}

/* Read the entries of an open directory.  Returns LF_OK or an error. */
static int
read_dir(struct walker *w, DIR *d, struct dlist *l, bool *truncated,
    int *read_errno)
{
	struct dirent *de;
	size_t nlen;
	int rc;

	*truncated = false;
	*read_errno = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			*read_errno = errno;
			return LF_OK;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (l->n >= w->o->limits->dir_entries) {
			*truncated = true;
			return LF_OK;
		}
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 64;
			struct dentry *ne =
			    reallocarray(l->e, ncap, sizeof(*ne));
			if (ne == NULL)
				return lf_error_set(w->err, LF_E_NOMEM,
				    "directory listing");
			l->e = ne;
			l->cap = ncap;
		}
		nlen = strlen(de->d_name);
		l->e[l->n].name_off = l->names.len;
		l->e[l->n].name_len = nlen;
		l->e[l->n].type =
		    entry_type(w, dirfd(d), de->d_name, de->d_type);
		if ((rc = lf_buf_append(&l->names, de->d_name, nlen + 1,
		         w->err)) != LF_OK)
			return rc;
		l->n++;
	}
}

static int visit(struct walker *w, int dirfd, const char *name, bool named,
    uint64_t depth, unsigned char type);

static int
push_ancestor(struct walker *w, const struct stat *st)
{
	if (w->nanc == w->anc_cap) {
		size_t ncap = w->anc_cap ? w->anc_cap * 2 : 16;
		struct ancestor *na = reallocarray(w->anc, ncap, sizeof(*na));
		if (na == NULL)
			return lf_error_set(w->err, LF_E_NOMEM, "walk");
		w->anc = na;
		w->anc_cap = ncap;
	}
	w->anc[w->nanc].dev = st->st_dev;
	w->anc[w->nanc].ino = st->st_ino;
	w->nanc++;
	return LF_OK;
}

static bool
is_ancestor(const struct walker *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->nanc; i++) {
		if (w->anc[i].dev == st->st_dev && w->anc[i].ino == st->st_ino)
			return true;
	}
	return false;
}

static int
descend(struct walker *w, int parentfd, const char *name, bool named,
    uint64_t depth)
{
	struct dlist l;
	struct stat st;
	size_t i, base;
	bool truncated;
	int fd, rc = LF_OK, rerr;
	DIR *d;

	fd = openat(parentfd, name, open_flags(w) | O_DIRECTORY);
	if (fd < 0) {
		if (errno == ELOOP && !w->o->follow)
			return emit(w, LF_WALK_SKIPPED, LF_WALK_SYMLINK, 0,
			    named, -1, NULL);
		return emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno, named, -1,
		    NULL);
	}
	if (fstat(fd, &st) != 0) {
		rc = emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno, named, -1,
		    NULL);
		(void)close(fd);
		return rc;
	}
	if (is_ancestor(w, &st)) {
		(void)close(fd);
		return emit(w, LF_WALK_SKIPPED, LF_WALK_LOOP, 0, named, -1,
		    NULL);
	}
	if ((d = fdopendir(fd)) == NULL) {
		rc = emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno, named, -1,
		    NULL);
		(void)close(fd);
		return rc;
	}
	memset(&l, 0, sizeof(l));
	lf_buf_init(&l.names, SIZE_MAX);
	if ((rc = push_ancestor(w, &st)) != LF_OK)
		goto out;
	if ((rc = read_dir(w, d, &l, &truncated, &rerr)) != LF_OK)
		goto pop;
	if (rerr != 0 &&
	    (rc = emit(w, LF_WALK_ERROR, LF_WALK_NONE, rerr, named, -1,
	         NULL)) != 0)
		goto pop;
	if (truncated &&
	    (rc = emit(w, LF_WALK_SKIPPED, LF_WALK_TOO_MANY, 0, named, -1,
	         NULL)) != 0)
		goto pop;
	if (l.n > 1)
		qsort_r(l.e, l.n, sizeof(l.e[0]), cmp_dentry, l.names.data);
	base = w->path.len;
	for (i = 0; i < l.n && rc == 0; i++) {
		const char *child =
		    (const char *)l.names.data + l.e[i].name_off;
		w->path.len = base;
		if (base == 0 || w->path.data[base - 1] != '/')
			rc = lf_buf_putc(&w->path, '/', w->err);
		if (rc == 0)
			rc = lf_buf_append(&w->path, child, l.e[i].name_len,
			    w->err);
		if (rc == 0)
			rc = visit(w, dirfd(d), child, false, depth + 1,
			    l.e[i].type);
	}
	w->path.len = base;
	w->path.data[base] = '\0';
pop:
	w->nanc--;
out:
	dlist_release(&l);
	(void)closedir(d);
	return rc;
}

static int
visit(struct walker *w, int dirfd, const char *name, bool named, uint64_t depth,
    unsigned char type)
{
	struct stat st;

	if (type == DT_UNKNOWN || (type == DT_LNK && w->o->follow)) {
		if (fstatat(dirfd, name, &st,
		        w->o->follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
			return emit(w, LF_WALK_ERROR, LF_WALK_NONE, errno,
			    named, -1, NULL);
		type = S_ISDIR(st.st_mode) ? DT_DIR :
		    S_ISREG(st.st_mode)    ? DT_REG :
		    S_ISLNK(st.st_mode)    ? DT_LNK :
		                             DT_FIFO;
	}
	switch (type) {
	case DT_REG:
		return file_found(w, dirfd, name, named);
	case DT_LNK:
		return emit(w, LF_WALK_SKIPPED, LF_WALK_SYMLINK, 0, named, -1,
		    NULL);
	case DT_DIR:
		if (named && !w->o->recurse)
			return emit(w, LF_WALK_SKIPPED, LF_WALK_DIRECTORY, 0,
			    named, -1, NULL);
		if (depth > w->o->limits->walk_depth)
			return emit(w, LF_WALK_SKIPPED, LF_WALK_TOO_DEEP, 0,
			    named, -1, NULL);
		return descend(w, dirfd, name, named, depth);
	default:
		return emit(w, LF_WALK_SKIPPED, LF_WALK_SPECIAL, 0, named, -1,
		    NULL);
	}
}

int
lf_walk(const char *path, const struct lf_walk_opts *opts, lf_walk_fn fn,
    void *arg, struct lf_error *err)
{
	struct walker w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.o = opts;
	w.fn = fn;
	w.arg = arg;
	w.err = err;
	lf_buf_init(&w.path, PATH_BYTES_MAX);
	if ((rc = lf_buf_append(&w.path, path, strlen(path), err)) == LF_OK)
		rc = visit(&w, AT_FDCWD, path, true, 0, DT_UNKNOWN);
	lf_buf_release(&w.path);
	free(w.anc);
	return rc;
}

const char *
lf_walk_reason_text(enum lf_walk_reason reason)
{
	switch (reason) {
	case LF_WALK_SYMLINK:
		return "symbolic link, not followed";
	case LF_WALK_SPECIAL:
		return "not a regular file";
	case LF_WALK_DIRECTORY:
		return "is a directory, not recursing";
	case LF_WALK_LOOP:
		return "symbolic link loop";
	case LF_WALK_TOO_DEEP:
		return "deeper than the walk-depth limit";
	case LF_WALK_TOO_MANY:
		return "more entries than the dir-entries limit; rest skipped";
	default:
		return "skipped";
	}
}
