/*
 * tools/common/cli.c: messages, escaping and progress for the tools.
 */
#include <stdarg.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lf/buf.h"
#include "lf/text.h"
#include "lf/version.h"

#define ESC_RING 4
#define ESC_MAX (64 * 1024)

static const char *prog_name = "lf";

void
cli_init(const char *prog)
{
	struct rlimit rl;

	prog_name = prog;
	/*
	 * Names inside archives reach us through libarchive, which converts
	 * them to the locale's charset: in the "C" locale a 7z member named
	 * in UTF-16 has no name at all.  Whatever the environment says, the
	 * tools read and write UTF-8 (and escape what is not).
	 */
	(void)setlocale(LC_CTYPE, "C.UTF-8");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

const char *
cli_prog(void)
{
	return prog_name;
}

const char *
cli_esc(const void *p, size_t n)
{
	static struct lf_buf ring[ESC_RING];
	static int next;
	struct lf_buf *b = &ring[next];

	next = (next + 1) % ESC_RING;
	if (b->max == 0)
		lf_buf_init(b, ESC_MAX);
	lf_buf_reset(b);
	if (lf_escape_visible(b, p, n, 0, NULL) != LF_OK || b->data == NULL)
		return b->data != NULL ? (const char *)b->data : "";
	return (const char *)b->data;
}

/*
 * Messages quote names escaped by cli_esc; anything that was not escaped
 * still has its control bytes made visible here, backslashes left alone.
 */
static void
vwarn(const char *fmt, va_list ap)
{
	struct lf_buf safe;
	char msg[4096];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	lf_buf_init(&safe, ESC_MAX);
	(void)lf_escape_visible(&safe, (const uint8_t *)msg, (size_t)n,
	    LF_ESC_KEEP_BACKSLASH, NULL);
	(void)fflush(stdout);
	(void)fprintf(stderr, "%s: %s\n", prog_name,
	    safe.data != NULL ? (char *)safe.data : "");
	lf_buf_release(&safe);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "Try '%s --help'.\n", prog_name);
	exit(CLI_EXIT_USAGE);
}

void
cli_version(void)
{
	struct lf_buf libs;

	lf_buf_init(&libs, 4096);
	(void)lf_version_libraries(&libs, NULL);
	(void)printf("%s (libforensic) %s\n%s\n", prog_name,
	    lf_version_string(), libs.data != NULL ? (char *)libs.data : "");
	lf_buf_release(&libs);
}

void
cli_common_init(struct cli_common *cc)
{
	memset(cc, 0, sizeof(*cc));
	lf_limits_default(&cc->limits);
}

static void
print_limits(void)
{
	const struct lf_limit_def *d;
	size_t n, i;

	d = lf_limits_table(&n);
	(void)printf("\nLimits (--limit NAME=VALUE, suffixes k M G T):\n");
	for (i = 0; i < n; i++)
		(void)printf("  %-14s %-10llu %s %s\n", d[i].name,
		    (unsigned long long)d[i].dflt, d[i].unit, d[i].what);
}

bool
cli_common_option(struct cli_common *cc, int c, const char *arg,
    void (*usage)(FILE *))
{
	struct lf_error err;
	uint64_t n;

	switch (c) {
	case 'j':
		if (lf_parse_size(arg, &n, &err) != LF_OK ||
		    n > CLI_MAX_THREADS)
			cli_usage_error("-j: '%s' is not a thread count "
			                "(0 to %d)",
			    cli_esc(arg, strlen(arg)), CLI_MAX_THREADS);
		cc->threads = (unsigned)n;
		return true;
	case CLI_OPT_LIMIT:
		if (lf_limits_set(&cc->limits, arg, &err) != LF_OK)
			cli_usage_error("--limit: %s", err.msg);
		return true;
	case 'q':
		cc->quiet = true;
		return true;
	case 'v':
		cc->verbose++;
		return true;
	case 'h':
		usage(stdout);
		if (!cc->plain)
			print_limits();
		exit(CLI_EXIT_OK);
	case 'V':
		cli_version();
		exit(CLI_EXIT_OK);
	case '?':
	case ':':
		/* getopt_long has said what was wrong. */
		(void)fprintf(stderr, "Try '%s --help'.\n", prog_name);
		exit(CLI_EXIT_USAGE);
	default:
		return false;
	}
}

unsigned
cli_threads(const struct cli_common *cc)
{
	long n;

	if (cc->threads > 0)
		return cc->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > CLI_MAX_THREADS ? CLI_MAX_THREADS : (unsigned)n;
}

void
cli_progress_init(struct cli_progress *p, bool wanted)
{
	memset(p, 0, sizeof(*p));
	p->on = wanted && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
human_bytes(char *out, size_t outsz, double v)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	(void)snprintf(out, outsz, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
}

void
cli_progress_draw(struct cli_progress *p, uint64_t done, uint64_t total)
{
	struct timespec now;
	char d[32], t[32], r[32], left[32] = "";
	double el, rate;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->drawn && seconds_between(&p->last, &now) < 0.25)
		return;
	p->last = now;
	el = seconds_between(&p->start, &now);
	rate = el > 0 ? (double)done / el : 0;
	human_bytes(d, sizeof(d), (double)done);
	human_bytes(r, sizeof(r), rate);
	if (total > 0 && total >= done) {
		human_bytes(t, sizeof(t), (double)total);
		if (rate > 0) {
			long s = (long)((double)(total - done) / rate);
			(void)snprintf(left, sizeof(left), "  %ld:%02ld left",
			    s / 60, s % 60);
		}
	} else {
		(void)snprintf(t, sizeof(t), "?");
	}
	(void)fprintf(stderr, "\r\033[K%s of %s  %s/s%s", d, t, r, left);
	p->drawn = true;
}

void
cli_progress_clear(struct cli_progress *p)
{
	if (p->on && p->drawn) {
		(void)fprintf(stderr, "\r\033[K");
		p->drawn = false;
	}
}

const char *
cli_data_path(const char *env, const char *rel, bool dir, char *buf,
    size_t size)
{
	static const char *const beside[] = {"../share/libforensic", "../.."};
	char exe[4096], *slash;
	struct stat st;
	ssize_t n;
	size_t i;

	if (getenv(env) != NULL)
		return getenv(env);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		if (snprintf(buf, size, "%s/%s/%s", exe, beside[i], rel) <
		        (int)size &&
		    stat(buf, &st) == 0 &&
		    (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
			return buf;
	}
	return NULL;
}
