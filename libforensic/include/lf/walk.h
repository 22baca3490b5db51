/*
 * lf/walk.h: walk named files and directory trees, safely and in order.
 *
 * Each name given is reported once; with recursion, each directory's
 * entries follow in byte order of their paths (a directory's name compares
 * as if it ended in "/"), so the order is the same as
 * `find DIR | LC_ALL=C sort` on any file system and whatever the threads.
 *
 * Regular files are opened by the walker itself, relative to their
 * directory's descriptor and, unless symlinks are followed, with
 * O_NOFOLLOW: a name is never re-resolved between the check and the read.
 * Symlinks (unless followed) and special files are reported as skipped and
 * never opened, so a FIFO cannot block the walk and a device is not
 * touched.
 */
#ifndef LF_WALK_H
#define LF_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lf/error.h"
#include "lf/limits.h"

enum lf_walk_event {
	LF_WALK_FILE,    /* a regular file, opened (or stat'ed) */
	LF_WALK_SKIPPED, /* not hashed on purpose; reason says why */
	LF_WALK_ERROR    /* could not be read; sys_errno says why */
};

enum lf_walk_reason {
	LF_WALK_NONE,
	LF_WALK_SYMLINK,   /* a symbolic link, and links are not followed */
	LF_WALK_SPECIAL,   /* FIFO, socket, device */
	LF_WALK_DIRECTORY, /* a directory, and recursion was not asked */
	LF_WALK_LOOP,      /* a followed link leads back to an ancestor */
	LF_WALK_TOO_DEEP,  /* below limits.walk_depth */
	LF_WALK_TOO_MANY,  /* entries past limits.dir_entries */
};

struct lf_walk_entry {
	enum lf_walk_event event;
	enum lf_walk_reason reason; /* for LF_WALK_SKIPPED */
	int sys_errno;              /* for LF_WALK_ERROR */
	const char *path;           /* as walked, NUL-terminated, any bytes */
	size_t path_len;
	bool named;     /* given by the caller, not found below */
	int fd;         /* LF_WALK_FILE with open_files: an open
				       read-only descriptor the callback now
				       owns and must close; else -1 */
	struct stat st; /* LF_WALK_FILE: the file's status */
};

struct lf_walk_opts {
	bool recurse;    /* descend into named directories */
	bool follow;     /* follow symbolic links */
	bool open_files; /* open regular files (else only stat them) */
	const struct lf_limits *limits;
};

/*
 * Called for each entry, in order.  Return 0 to go on, anything else to
 * stop the walk; lf_walk then returns that value.  The entry (path
 * included) is borrowed for the duration of the call.
 */
typedef int (*lf_walk_fn)(void *arg, const struct lf_walk_entry *e);

/*
 * lf_walk: walk path.  Entries that cannot be read are reported to fn as
 * LF_WALK_ERROR and the walk goes on.  Returns LF_OK when the walk
 * completed, the callback's value when it stopped the walk, or LF_E_NOMEM
 * or LF_E_LIMIT (a path longer than the walker can build) with err filled.
 */
int lf_walk(const char *path, const struct lf_walk_opts *opts, lf_walk_fn fn,
    void *arg, struct lf_error *err);

/*
 * lf_walk_reason_text: "symbolic link", "special file", ... (static).
 */
const char *lf_walk_reason_text(enum lf_walk_reason reason);

#endif
