/*
 * lf_custodylog.c: the custody log as a file: append, head, verify
 * (lf/custody.h).
 *
 * Appenders hold an exclusive flock(2) from reading the last line to the
 * end of fsync, and write each line with a single write(2), so that
 * concurrent appenders neither lose nor interleave lines; readers (head,
 * verify) hold a shared one, so they never see half a line being written.
 * Only the last line is ever read to append: at most LF_CUSTODY_LINE_MAX
 * bytes and its line end from the end of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/buf.h"
#include "lf/custody.h"
#include "lf/reader.h"
#include "lf/sign.h"
#include "lf/text.h"

#define READ_CHUNK (64 * 1024)

struct lf_custody_verifier {
	size_t ntrust;
	uint8_t trust[LF_CUSTODY_TRUST_MAX][LF_SIGKEY_FPR_LEN];
	struct lf_sigkey *keys[LF_CUSTODY_TRUST_MAX]; /* loaded when used */
	struct lf_buf line;                           /* the line being read */
	struct lf_buf body;                           /* its signed bytes */
	struct lf_sigcheck check;
	uint64_t lineno; /* lines read whole */
	uint8_t prev[LF_CUSTODY_HASH_LEN];
	struct lf_custody_verdict v;
	bool stopped; /* a line was bad */
	int rc;       /* what stopped the check itself */
	struct lf_error err;
};

static int
lock(int fd, int how, const char *path, struct lf_error *err)
{
	while (flock(fd, how) != 0)
		if (errno != EINTR)
			return lf_error_sys(err, errno, "'%s': cannot lock",
			    path);
	return LF_OK;
}

static int
pread_all(int fd, uint8_t *p, size_t n, off_t off, const char *path,
    struct lf_error *err)
{
	ssize_t k;

	while (n > 0) {
		k = pread(fd, p, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return lf_error_sys(err, errno, "'%s': cannot read",
			    path);
		if (k == 0)
			return lf_error_set(err, LF_E_CHANGED,
			    "'%s': shorter than it was", path);
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return LF_OK;
}

/*
 * The last line of the log (size bytes, locked) parsed into *pl, and its
 * hash.  An empty log gives seq 0 and 64 zeros, pl untouched.
 */
static int
last_line(int fd, off_t size, const char *path, struct lf_custody_parsed *pl,
    uint64_t *seq, uint8_t hash[LF_CUSTODY_HASH_LEN], struct lf_error *err)
{
	size_t win, start, n;
	uint8_t *buf;
	int rc;

	if (size == 0) {
		*seq = 0;
		memset(hash, 0, LF_CUSTODY_HASH_LEN);
		return LF_OK;
	}
	win = (uintmax_t)size < LF_CUSTODY_LINE_MAX + 2 ?
	    (size_t)size :
	    LF_CUSTODY_LINE_MAX + 2;
	if ((buf = malloc(win)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "'%s'", path);
	if ((rc = pread_all(fd, buf, win, size - (off_t)win, path, err)) !=
	    LF_OK)
		goto done;
	if (buf[win - 1] != '\n') {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "'%s': the last line has no line end (the log was cut "
		    "off): verify it",
		    path);
		goto done;
	}
	n = win - 1;
	for (start = n; start > 0 && buf[start - 1] != '\n'; start--)
		continue;
	if (start == 0 && win < (uintmax_t)size) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "'%s': the last line is longer than %d bytes: verify it",
		    path, LF_CUSTODY_LINE_MAX);
		goto done;
	}
	if ((rc = lf_custody_parse_line(buf + start, n - start, pl, err)) !=
	    LF_OK) {
		lf_error_prefix(err, "'%s': the last line", path);
		if (rc == LF_E_FORMAT)
			lf_error_prefix(err, "verify it");
		goto done;
	}
	if ((rc = lf_custody_line_hash(buf + start, n - start, hash, err)) !=
	    LF_OK) {
		lf_custody_parsed_release(pl);
		goto done;
	}
	*seq = pl->ev.seq;
done:
	free(buf);
	return rc;
}

/* Sync the directory that holds path, so that a new name lasts. */
static int
sync_dir(const char *path, struct lf_error *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc = LF_OK;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return lf_error_set(err, LF_E_NOMEM, "'%s'", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = lf_error_sys(err, errno, "'%s': cannot sync", dir);
	if (fd >= 0)
		(void)close(fd);
	free(dir);
	return rc;
}

static int
open_log(const char *path, bool *created, struct lf_error *err)
{
	int fd;

	*created = false;
	fd = open(path,
	    O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd >= 0) {
		*created = true;
		return fd;
	}
	if (errno == EEXIST)
		fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		(void)lf_error_sys(err, errno, "cannot open '%s'", path);
	return fd;
}

int
lf_custody_append(const char *path, struct lf_custody_event *ev,
    const struct lf_sigkey *k, uint8_t head[LF_CUSTODY_HASH_LEN],
    struct lf_error *err)
{
	struct lf_custody_event e = *ev;
	struct lf_custody_parsed pl;
	struct lf_buf line;
	struct stat st;
	uint64_t seq = 0;
	ssize_t w = -1;
	bool created;
	int fd, rc;

	memset(&pl, 0, sizeof(pl));
	lf_buf_init(&line, LF_CUSTODY_LINE_MAX + 1);
	if (!lf_sigkey_has_private(k))
		return lf_error_set(err, LF_E_INVAL,
		    "custody event: the key cannot sign");
	e.seq = 1;
	if ((rc = lf_custody_event_check(&e, err)) != LF_OK)
		return rc;
	if ((fd = open_log(path, &created, err)) < 0)
		return LF_E_IO;
	if ((rc = lock(fd, LOCK_EX, path, err)) != LF_OK)
		goto done;
	if (fstat(fd, &st) != 0) {
		rc = lf_error_sys(err, errno, "'%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lf_error_set(err, LF_E_FORMAT, "'%s': not a regular file",
		    path);
		goto done;
	}
	if ((rc = last_line(fd, st.st_size, path, &pl, &seq, e.prev, err)) !=
	    LF_OK)
		goto done;
	if (seq >= LF_CUSTODY_SEQ_MAX) {
		rc = lf_error_set(err, LF_E_LIMIT,
		    "'%s': the sequence numbers are used up", path);
		goto done;
	}
	e.seq = seq + 1;
	if ((rc = lf_custody_event_sign(&e, k, err)) != LF_OK ||
	    (rc = lf_custody_event_line(&e, &line, err)) != LF_OK)
		goto done;
	do
		w = write(fd, line.data, line.len);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)line.len) {
		rc = w < 0 ?
		    lf_error_sys(err, errno, "'%s': cannot write", path) :
		    lf_error_set(err, LF_E_IO,
		        "'%s': a short write (%zd of %zu bytes)", path, w,
		        line.len);
		/* Take back what was written: the next line must follow a
		 * whole one. */
		if (w > 0 && ftruncate(fd, st.st_size) != 0)
			lf_error_prefix(err, "cannot cut off again");
		goto done;
	}
	if (fsync(fd) != 0) {
		rc = lf_error_sys(err, errno, "'%s': cannot sync", path);
		goto done;
	}
	if (created && (rc = sync_dir(path, err)) != LF_OK)
		goto done;
	if (head != NULL &&
	    (rc = lf_custody_line_hash(line.data, line.len - 1, head, err)) !=
	        LF_OK)
		goto done;
	*ev = e;
done:
	lf_custody_parsed_release(&pl);
	lf_buf_release(&line);
	(void)close(fd); /* releases the lock */
	return rc;
}

int
lf_custody_head(const char *path, uint64_t *seq,
    uint8_t head[LF_CUSTODY_HASH_LEN], struct lf_error *err)
{
	struct lf_custody_parsed pl;
	uint8_t h[LF_CUSTODY_HASH_LEN];
	struct stat st;
	uint64_t s = 0;
	int fd, rc;

	memset(&pl, 0, sizeof(pl));
	/* O_NONBLOCK: a FIFO put in its place must not hang the open. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return lf_error_sys(err, errno, "cannot open '%s'", path);
	if ((rc = lock(fd, LOCK_SH, path, err)) != LF_OK)
		goto done;
	if (fstat(fd, &st) != 0) {
		rc = lf_error_sys(err, errno, "'%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lf_error_set(err, LF_E_FORMAT, "'%s': not a regular file",
		    path);
		goto done;
	}
	if ((rc = last_line(fd, st.st_size, path, &pl, &s, h, err)) != LF_OK)
		goto done;
	*seq = s;
	memcpy(head, h, sizeof(h));
done:
	lf_custody_parsed_release(&pl);
	(void)close(fd);
	return rc;
}

const char *
lf_custody_problem_name(enum lf_custody_problem p)
{
	static const char *const names[] = {"good", "empty", "too-long",
	    "no-line-end", "malformed", "untrusted-key", "bad-signature",
	    "sequence", "chain"};

	if ((unsigned)p >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[p];
}

int
lf_custody_verifier_new(struct lf_custody_verifier **out, struct lf_error *err)
{
	struct lf_custody_verifier *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return lf_error_set(err, LF_E_NOMEM, "custody verifier");
	lf_buf_init(&v->line, LF_CUSTODY_LINE_MAX);
	lf_buf_init(&v->body, LF_CUSTODY_LINE_MAX);
	*out = v;
	return LF_OK;
}

void
lf_custody_verifier_free(struct lf_custody_verifier *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->ntrust; i++)
		lf_sigkey_free(v->keys[i]);
	lf_buf_release(&v->line);
	lf_buf_release(&v->body);
	free(v);
}

int
lf_custody_verifier_trust_fingerprint(struct lf_custody_verifier *v,
    const uint8_t fpr[LF_SIGKEY_FPR_LEN], struct lf_error *err)
{
	size_t i;

	for (i = 0; i < v->ntrust; i++)
		if (memcmp(v->trust[i], fpr, LF_SIGKEY_FPR_LEN) == 0)
			return LF_OK;
	if (v->ntrust == LF_CUSTODY_TRUST_MAX)
		return lf_error_set(err, LF_E_LIMIT,
		    "more than %d trusted keys", LF_CUSTODY_TRUST_MAX);
	memcpy(v->trust[v->ntrust++], fpr, LF_SIGKEY_FPR_LEN);
	return LF_OK;
}

int
lf_custody_verifier_trust_key(struct lf_custody_verifier *v,
    const struct lf_sigkey *k, struct lf_error *err)
{
	uint8_t fpr[LF_SIGKEY_FPR_LEN];

	lf_sigkey_fingerprint(k, fpr);
	return lf_custody_verifier_trust_fingerprint(v, fpr, err);
}

/* The key of a line, loaded from its raw bytes as a PEM public key. */
static int
load_raw(const uint8_t raw[LF_ED25519_PUB_LEN], struct lf_sigkey **out,
    struct lf_error *err)
{
	static const uint8_t prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
	    0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
	uint8_t der[sizeof(prefix) + LF_ED25519_PUB_LEN];
	char pem[160];
	unsigned char b64[64];
	int n;

	memcpy(der, prefix, sizeof(prefix));
	memcpy(der + sizeof(prefix), raw, LF_ED25519_PUB_LEN);
	(void)EVP_EncodeBlock(b64, der, (int)sizeof(der));
	n = snprintf(pem, sizeof(pem),
	    "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n",
	    (const char *)b64);
	return lf_sigkey_load_public((const uint8_t *)pem, (size_t)n, out, err);
}

static void stop(struct lf_custody_verifier *v, enum lf_custody_problem p,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
stop(struct lf_custody_verifier *v, enum lf_custody_problem p, const char *fmt,
    ...)
{
	va_list ap;

	v->stopped = true;
	v->v.problem = p;
	v->v.line = v->lineno;
	va_start(ap, fmt);
	(void)vsnprintf(v->v.reason, sizeof(v->v.reason), fmt, ap);
	va_end(ap);
}

/* The signature of the line, by a trusted key: LF_OK or an error. */
static int
check_signature(struct lf_custody_verifier *v,
    const struct lf_custody_event *ev, struct lf_error *err)
{
	uint8_t fpr[LF_SIGKEY_FPR_LEN];
	char hex[LF_SIGKEY_FPR_HEX];
	size_t i;
	int rc;

	if ((rc = lf_custody_key_fingerprint(ev->key, fpr, err)) != LF_OK)
		return rc;
	for (i = 0; i < v->ntrust; i++)
		if (memcmp(v->trust[i], fpr, sizeof(fpr)) == 0)
			break;
	if (i == v->ntrust) {
		lf_hex(hex, fpr, sizeof(fpr));
		stop(v, LF_CUSTODY_UNTRUSTED_KEY,
		    "signed by a key that is not trusted (fingerprint %s)",
		    hex);
		return LF_OK;
	}
	if (v->keys[i] == NULL &&
	    (rc = load_raw(ev->key, &v->keys[i], err)) != LF_OK) {
		if (rc != LF_E_NOMEM && rc != LF_E_CRYPTO) {
			stop(v, LF_CUSTODY_MALFORMED, "\"key\": %s",
			    err != NULL ? err->msg : "not a public key");
			rc = LF_OK;
		}
		return rc;
	}
	lf_buf_reset(&v->body);
	if ((rc = lf_custody_event_body(ev, &v->body, err)) != LF_OK ||
	    (rc = lf_verify_raw(v->keys[i], NULL, v->body.data, v->body.len,
	         ev->sig, sizeof(ev->sig), &v->check, err)) != LF_OK)
		return rc;
	if (v->check.verdict != LF_SIG_GOOD)
		stop(v, LF_CUSTODY_BAD_SIGNATURE,
		    "the signature does not verify (the line was changed)");
	return LF_OK;
}

/* The line in v->line is whole: check it. */
static int
check_line(struct lf_custody_verifier *v)
{
	struct lf_custody_parsed pl;
	struct lf_error *err = &v->err;
	int rc;

	v->lineno++;
	memset(&pl, 0, sizeof(pl));
	rc = lf_custody_parse_line(v->line.data, v->line.len, &pl, err);
	if (rc == LF_E_FORMAT) {
		stop(v, LF_CUSTODY_MALFORMED, "%s", err->msg);
		return LF_OK;
	}
	if (rc != LF_OK)
		return rc;
	if ((rc = check_signature(v, &pl.ev, err)) != LF_OK || v->stopped)
		goto done;
	if (pl.ev.seq != v->v.events + 1) {
		stop(v, LF_CUSTODY_SEQUENCE,
		    "sequence number %llu where %llu was expected (a line "
		    "is missing, repeated or out of order)",
		    (unsigned long long)pl.ev.seq,
		    (unsigned long long)v->v.events + 1);
		goto done;
	}
	if (memcmp(pl.ev.prev, v->prev, sizeof(v->prev)) != 0) {
		if (v->lineno == 1)
			stop(v, LF_CUSTODY_CHAIN,
			    "\"prev\" of the first event is not 64 zeros");
		else
			stop(v, LF_CUSTODY_CHAIN,
			    "\"prev\" is not the SHA-256 of line %llu (a line "
			    "before it was changed or replaced)",
			    (unsigned long long)v->lineno - 1);
		goto done;
	}
	if ((rc = lf_custody_line_hash(v->line.data, v->line.len, v->prev,
	         err)) != LF_OK)
		goto done;
	if (v->v.events == 0)
		v->v.first_time = pl.ev.time;
	v->v.last_time = pl.ev.time;
	v->v.events++;
	memcpy(v->v.head, v->prev, sizeof(v->prev));
done:
	lf_custody_parsed_release(&pl);
	return rc;
}

int
lf_custody_verifier_update(struct lf_custody_verifier *v, const uint8_t *p,
    size_t n, struct lf_error *err)
{
	const uint8_t *nl;
	size_t k;

	while (n > 0 && !v->stopped && v->rc == LF_OK) {
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) : n;
		if (k > LF_CUSTODY_LINE_MAX - v->line.len) {
			v->lineno++;
			stop(v, LF_CUSTODY_TOO_LONG, "longer than %d bytes",
			    LF_CUSTODY_LINE_MAX);
			break;
		}
		v->rc = lf_buf_append(&v->line, p, k, &v->err);
		if (v->rc == LF_OK && nl != NULL) {
			v->rc = check_line(v);
			lf_buf_reset(&v->line);
			k++;
		}
		p += k;
		n -= k;
	}
	if (v->rc != LF_OK && err != NULL)
		*err = v->err;
	return v->rc;
}

int
lf_custody_verifier_finish(struct lf_custody_verifier *v,
    struct lf_custody_verdict *out, struct lf_error *err)
{
	if (v->rc != LF_OK) {
		if (err != NULL)
			*err = v->err;
		return v->rc;
	}
	if (!v->stopped && v->line.len > 0) {
		v->lineno++;
		stop(v, LF_CUSTODY_NO_LINE_END,
		    "the line has no line end (the log was cut off)");
	} else if (!v->stopped && v->v.events == 0) {
		v->lineno = 1;
		stop(v, LF_CUSTODY_EMPTY, "the log holds no event");
	}
	*out = v->v;
	return LF_OK;
}

int
lf_custody_verify_file(const char *path, struct lf_custody_verifier *v,
    struct lf_custody_verdict *out, struct lf_error *err)
{
	uint8_t *buf = malloc(READ_CHUNK);
	struct stat st;
	ssize_t k;
	int fd = -1, rc = LF_OK;

	if (buf == NULL)
		return lf_error_set(err, LF_E_NOMEM, "'%s'", path);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		rc = lf_error_sys(err, errno, "cannot open '%s'", path);
		goto done;
	}
	if (fstat(fd, &st) != 0) {
		rc = lf_error_sys(err, errno, "'%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lf_error_set(err, LF_E_FORMAT, "'%s': not a regular file",
		    path);
		goto done;
	}
	if ((rc = lock(fd, LOCK_SH, path, err)) != LF_OK)
		goto done;
	for (;;) {
		k = read(fd, buf, READ_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc =
			    lf_error_sys(err, errno, "'%s': cannot read", path);
			goto done;
		}
		if (k == 0 || v->stopped)
			break;
		if ((rc = lf_custody_verifier_update(v, buf, (size_t)k, err)) !=
		    LF_OK)
			goto done;
	}
	rc = lf_custody_verifier_finish(v, out, err);
done:
	if (fd >= 0)
		(void)close(fd);
	free(buf);
	return rc;
}

int
lf_custody_each(const char *path, uint64_t nlines, lf_custody_event_fn fn,
    void *arg, struct lf_error *err)
{
	struct lf_reader *r = NULL;
	struct lf_custody_parsed pl;
	struct lf_buf line;
	uint64_t i;
	bool too_long;
	int fd, rc;

	lf_buf_init(&line, LF_CUSTODY_LINE_MAX + 1);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return lf_error_sys(err, errno, "cannot open '%s'", path);
	if (flock(fd, LOCK_SH) != 0) {
		rc = lf_error_sys(err, errno, "cannot lock '%s'", path);
		(void)close(fd);
		return rc;
	}
	if ((rc = lf_reader_from_fd(fd, true, &r, err)) != LF_OK) {
		(void)close(fd);
		return rc;
	}
	for (i = 0; i < nlines; i++) {
		rc = lf_reader_getline(r, &line, LF_CUSTODY_LINE_MAX, &too_long,
		    err);
		if (rc < 0)
			goto done;
		if (rc == 0) {
			rc = lf_error_set(err, LF_E_CHANGED,
			    "'%s': %llu lines, not %llu as verified", path,
			    (unsigned long long)i, (unsigned long long)nlines);
			goto done;
		}
		if (too_long) {
			rc = lf_error_set(err, LF_E_FORMAT,
			    "'%s': line %llu: longer than %d bytes", path,
			    (unsigned long long)i + 1, LF_CUSTODY_LINE_MAX);
			goto done;
		}
		rc = lf_custody_parse_line(line.data, line.len, &pl, err);
		if (rc == LF_OK) {
			rc = fn(arg, &pl.ev, err);
			lf_custody_parsed_release(&pl);
		}
		if (rc != LF_OK) {
			lf_error_prefix(err, "'%s': line %llu", path,
			    (unsigned long long)i + 1);
			goto done;
		}
	}
	rc = LF_OK;
done:
	lf_reader_free(r);
	lf_buf_release(&line);
	return rc;
}
