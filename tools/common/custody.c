/*
 * tools/common/custody.c: a tool's own events in the custody log.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "custody.h"
#include "lf/keyfile.h"
#include "lf/version.h"

const char *
cli_custody_log(const char *given)
{
	const char *env = getenv("LF_CUSTODY");

	if (given != NULL)
		return given;
	return env != NULL && env[0] != '\0' ? env : NULL;
}

struct lf_sigkey *
cli_custody_key(const char *given)
{
	const char *path = given != NULL ? given : getenv("LF_CUSTODY_KEY");
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	unsigned char *p = NULL;
	size_t n = 0;
	int rc;

	if (path == NULL || path[0] == '\0')
		cli_usage_error("a custody log's events are signed: give "
		                "--custody-key KEY or set LF_CUSTODY_KEY");
	if (lf_keyfile_read(path, &p, &n, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	rc = lf_sigkey_load_private(p, n, NULL, NULL, &k, &err);
	OPENSSL_secure_clear_free(p, n);
	if (rc != LF_OK) {
		cli_warn("custody key '%s': %s%s", cli_esc(path, strlen(path)),
		    err.msg,
		    rc == LF_E_INVAL ? " (a custody key is not encrypted)" :
		                       "");
		exit(CLI_EXIT_FAILURE);
	}
	return k;
}

bool
cli_custody_head(const char *log, uint8_t head[32])
{
	struct lf_error err;
	uint64_t seq = 0;
	int rc;

	/* A log not made yet is begun by the first event. */
	rc = lf_custody_head(log, &seq, head, &err);
	if (rc != LF_OK && !(rc == LF_E_IO && err.sys_errno == ENOENT)) {
		cli_warn("custody log '%s': %s", cli_esc(log, strlen(log)),
		    err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	return rc == LF_OK && seq > 0;
}

const char *
cli_custody_actor(char *buf, size_t size)
{
	const struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
		return pw->pw_name;
	(void)snprintf(buf, size, "uid %lu", (unsigned long)geteuid());
	return buf;
}

int
cli_custody_time(struct lf_custody_event *ev)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	time_t t;
	char *end;
	long long v;

	if (sde != NULL && sde[0] != '\0') {
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0) {
			cli_warn("SOURCE_DATE_EPOCH: '%s' is not a time",
			    cli_esc(sde, strlen(sde)));
			return -1;
		}
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	if (localtime_r(&t, &tm) == NULL) {
		cli_warn("cannot find the local time");
		return -1;
	}
	ev->time = (int64_t)t;
	ev->local_offset = (int)(tm.tm_gmtoff / 60);
	return 0;
}

int
cli_custody_record(const char *log, const struct lf_sigkey *k,
    enum lf_custody_action action, const uint8_t (*objects)[32], size_t n,
    const char *bundle, const char *reason)
{
	size_t parts = n == 0 ?
	    1 :
	    (n + LF_CUSTODY_OBJECTS_MAX - 1) / LF_CUSTODY_OBJECTS_MAX;
	struct lf_custody_event ev;
	struct lf_error err;
	char actor[64], why[LF_CUSTODY_REASON_MAX];
	size_t i;

	for (i = 0; i < parts; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.seq = 1;
		ev.action = action;
		ev.actor = cli_custody_actor(actor, sizeof(actor));
		ev.objects = objects + i * LF_CUSTODY_OBJECTS_MAX;
		ev.nobjects = n - i * LF_CUSTODY_OBJECTS_MAX;
		if (ev.nobjects > LF_CUSTODY_OBJECTS_MAX)
			ev.nobjects = LF_CUSTODY_OBJECTS_MAX;
		ev.bundle = bundle;
		ev.reason = reason;
		if (parts > 1) {
			(void)snprintf(why, sizeof(why),
			    "%s%sobjects %zu to "
			    "%zu of %zu",
			    reason != NULL ? reason : "",
			    reason != NULL ? "; " : "",
			    i * LF_CUSTODY_OBJECTS_MAX + 1,
			    i * LF_CUSTODY_OBJECTS_MAX + ev.nobjects, n);
			ev.reason = why;
		}
		ev.tool_name = cli_prog();
		ev.tool_version = lf_version_string();
		if (cli_custody_time(&ev) != 0)
			return -1;
		if (lf_custody_append(log, &ev, k, NULL, &err) != LF_OK) {
			cli_warn("custody log '%s': %s",
			    cli_esc(log, strlen(log)), err.msg);
			return -1;
		}
	}
	return 0;
}
