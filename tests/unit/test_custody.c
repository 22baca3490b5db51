/*
 * Unit tests: lf_custody (the event line, its parser, append, head and
 * the verifier).
 */
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

#include "failalloc.h"
#include "lf/custody.h"
#include "lf/sign.h"
#include "lf/text.h"

/* RFC 8032 section 7.1, test 1. */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
#define RFC_PUB \
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC_FPR \
	"06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"

/*
 * The event below, written by hand from docs/custody-log.md, and its
 * signature as `openssl pkeyutl -sign -rawin -inkey rfc.key -in body`
 * made it.
 */
#define BODY                                                                  \
	"{\"format\":\"lf-custody-event\",\"format_version\":1,\"seq\":7,"    \
	"\"time\":\"2026-11-03T08:14:22Z\",\"local_offset\":\"-05:30\","      \
	"\"actor\":\"Ann \\\"A\\\" Example\",\"action\":\"followed-up\","     \
	"\"objects\":[\"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02"   \
	"258717921a4881\",\"000000000000000000000000000000000000000000000000" \
	"0000000000000001\"],\"bundle\":\"case42-1\",\"tool\":{\"name\":"     \
	"\"lf-pack\",\"version\":\"0.1.0\"},\"reason\":\"no result\\nafter "  \
	"24 h\",\"prev\":\"111111111111111111111111111111111111111111111111"  \
	"1111111111111111\",\"key\":\"" RFC_PUB "\""
#define SIG                                                                \
	"2f6b0bfe2237e04a61d07627c94e3229e2a73871c77130b8d1f2ee013eb7e6c5" \
	"65fcac8a97747d46e8313a6bdd5fdd6e676653f8395a4292e966e9b963ca9304"
#define LINE BODY ",\"sig\":\"" SIG "\"}\n"

static uint8_t objs[2][LF_CUSTODY_HASH_LEN];

static struct lf_sigkey *
rfc(void)
{
	struct lf_sigkey *k;

	assert_int_equal(lf_sigkey_load_private((const uint8_t *)rfc_key,
	                     strlen(rfc_key), NULL, NULL, &k, NULL),
	    LF_OK);
	return k;
}

static struct lf_custody_event
sample(void)
{
	struct lf_custody_event ev;

	memset(&ev, 0, sizeof(ev));
	assert_int_equal(lf_hex_decode("2d711642b726b04401627ca9fbac32f5c853"
	                               "0fb1903cc4db02258717921a4881",
	                     64, objs[0], 32),
	    32);
	memset(objs[1], 0, 32);
	objs[1][31] = 1;
	ev.seq = 7;
	ev.time = 1793693662; /* 2026-11-03T08:14:22Z */
	ev.local_offset = -330;
	ev.actor = "Ann \"A\" Example";
	ev.action = LF_CUSTODY_FOLLOWED_UP;
	ev.objects = (const uint8_t(*)[LF_CUSTODY_HASH_LEN])objs;
	ev.nobjects = 2;
	ev.bundle = "case42-1";
	ev.tool_name = "lf-pack";
	ev.tool_version = "0.1.0";
	ev.reason = "no result\nafter 24 h";
	memset(ev.prev, 0x11, sizeof(ev.prev));
	return ev;
}

static void
line_bytes(void **state)
{
	struct lf_custody_event ev = sample();
	struct lf_sigkey *k = rfc();
	struct lf_buf b;
	struct lf_custody_parsed pl;
	char hex[129];

	(void)state;
	lf_buf_init(&b, LF_CUSTODY_LINE_MAX + 1);
	assert_int_equal(lf_custody_event_sign(&ev, k, NULL), LF_OK);
	lf_hex(hex, ev.key, 32);
	assert_string_equal(hex, RFC_PUB);
	lf_hex(hex, ev.sig, 64);
	assert_string_equal(hex, SIG);
	assert_int_equal(lf_custody_event_body(&ev, &b, NULL), LF_OK);
	assert_int_equal(b.len, strlen(BODY "}"));
	assert_memory_equal(b.data, BODY "}", b.len);
	lf_buf_reset(&b);
	assert_int_equal(lf_custody_event_line(&ev, &b, NULL), LF_OK);
	assert_int_equal(b.len, strlen(LINE));
	assert_memory_equal(b.data, LINE, b.len);
	/* Read back: the same event. */
	assert_int_equal(lf_custody_parse_line(b.data, b.len - 1, &pl, NULL),
	    LF_OK);
	assert_int_equal(pl.ev.seq, 7);
	assert_int_equal(pl.ev.time, 1793693662);
	assert_int_equal(pl.ev.local_offset, -330);
	assert_string_equal(pl.ev.actor, ev.actor);
	assert_int_equal(pl.ev.action, LF_CUSTODY_FOLLOWED_UP);
	assert_int_equal(pl.ev.nobjects, 2);
	assert_memory_equal(pl.ev.objects, objs, sizeof(objs));
	assert_string_equal(pl.ev.bundle, "case42-1");
	assert_string_equal(pl.ev.tool_name, "lf-pack");
	assert_string_equal(pl.ev.tool_version, "0.1.0");
	assert_string_equal(pl.ev.reason, ev.reason);
	assert_memory_equal(pl.ev.prev, ev.prev, 32);
	assert_memory_equal(pl.ev.key, ev.key, 32);
	assert_memory_equal(pl.ev.sig, ev.sig, 64);
	lf_custody_parsed_release(&pl);
	lf_custody_parsed_release(&pl); /* twice is harmless */
	/* A public key cannot sign. */
	{
		struct lf_sigkey *pub;
		struct lf_buf pem;
		lf_buf_init(&pem, 4096);
		assert_int_equal(lf_sigkey_public_pem(k, &pem, NULL), LF_OK);
		assert_int_equal(lf_sigkey_load_public(pem.data, pem.len, &pub,
		                     NULL),
		    LF_OK);
		assert_int_equal(lf_custody_event_sign(&ev, pub, NULL),
		    LF_E_INVAL);
		lf_sigkey_free(pub);
		lf_buf_release(&pem);
	}
	lf_buf_release(&b);
	lf_sigkey_free(k);
}

static void
fingerprint(void **state)
{
	uint8_t key[32], fpr[32];
	char hex[65];

	(void)state;
	assert_int_equal(lf_hex_decode(RFC_PUB, 64, key, 32), 32);
	assert_int_equal(lf_custody_key_fingerprint(key, fpr, NULL), LF_OK);
	lf_hex(hex, fpr, 32);
	assert_string_equal(hex, RFC_FPR);
	/* sha256sum of "abc\n". */
	assert_int_equal(lf_custody_line_hash((const uint8_t *)"abc", 3, fpr,
	                     NULL),
	    LF_OK);
	lf_hex(hex, fpr, 32);
	assert_string_equal(hex,
	    "edeaaff3f1774ad2888673770c6d64097e391bc362d"
	    "7d6fb34982ddf0efd18cb");
}

static void
actions(void **state)
{
	static const char *const names[] = {"acquired", "extracted", "analysed",
	    "packed", "verified", "transferred", "submitted", "receipt",
	    "result", "followed-up", "closed", "note"};
	enum lf_custody_action a;
	int i;

	(void)state;
	for (i = 0; i < LF_CUSTODY_ACTIONS; i++) {
		assert_string_equal(lf_custody_action_name(i), names[i]);
		assert_int_equal(lf_custody_action_parse(names[i], &a), LF_OK);
		assert_int_equal(a, i);
	}
	assert_null(lf_custody_action_name(LF_CUSTODY_ACTIONS));
	assert_null(lf_custody_action_name((enum lf_custody_action) - 1));
	assert_int_equal(lf_custody_action_parse("analyzed", &a), LF_E_INVAL);
	assert_int_equal(lf_custody_action_parse("Note", &a), LF_E_INVAL);
	assert_int_equal(lf_custody_action_parse("", &a), LF_E_INVAL);
}

static int
check(struct lf_custody_event ev, const char *want)
{
	struct lf_error err;
	int rc = lf_custody_event_check(&ev, &err);

	if (want != NULL) {
		assert_int_equal(rc, LF_E_INVAL);
		assert_string_equal(err.msg, want);
	}
	return rc;
}

static void
event_rules(void **state)
{
	struct lf_custody_event ev = sample(), e;
	char big[LF_CUSTODY_REASON_MAX + 2];

	(void)state;
	assert_int_equal(check(ev, NULL), LF_OK);
	e = ev, e.seq = 0;
	check(e, "seq: out of range");
	e = ev, e.seq = LF_CUSTODY_SEQ_MAX + 1;
	check(e, "seq: out of range");
	e = ev, e.seq = LF_CUSTODY_SEQ_MAX;
	assert_int_equal(check(e, NULL), LF_OK);
	e = ev, e.time = -62167219201LL;
	check(e, "time: outside the years 0000 to 9999");
	e = ev, e.time = 253402300800LL;
	check(e, "time: outside the years 0000 to 9999");
	e = ev, e.local_offset = 24 * 60;
	check(e, "local_offset: beyond 23:59");
	e = ev, e.local_offset = -24 * 60;
	check(e, "local_offset: beyond 23:59");
	e = ev, e.action = LF_CUSTODY_ACTIONS;
	check(e, "action: unknown");
	e = ev, e.nobjects = LF_CUSTODY_OBJECTS_MAX + 1;
	check(e, "objects: more than 256");
	e = ev, e.actor = NULL;
	check(e, "actor: missing");
	e = ev, e.actor = "";
	check(e, "actor: empty");
	e = ev, e.actor = "tab\there";
	check(e, "actor: holds a control character");
	e = ev, e.bundle = "caf\xe9";
	check(e, "bundle: not valid UTF-8");
	e = ev, e.bundle = "b\x7f";
	check(e, "bundle: holds a control character");
	e = ev, e.tool_name = NULL;
	check(e, "tool name: missing");
	e = ev, e.tool_version = "";
	check(e, "tool version: empty");
	e = ev, e.bundle = NULL, e.reason = NULL;
	assert_int_equal(check(e, NULL), LF_OK);
	memset(big, 'r', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = ev, e.reason = big;
	check(e, "reason: longer than 4096 bytes");
	big[LF_CUSTODY_REASON_MAX] = '\0';
	e = ev, e.reason = big;
	assert_int_equal(check(e, NULL), LF_OK);
	e = ev, e.reason = "ctrl \x01\x1b[31m ok";
	assert_int_equal(check(e, NULL), LF_OK);
}

/* Line for ev signed with k (without "\n"), in a new buffer. */
static char *
signed_line(struct lf_custody_event ev, const struct lf_sigkey *k)
{
	struct lf_buf b;
	char *s;

	lf_buf_init(&b, LF_CUSTODY_LINE_MAX + 1);
	assert_int_equal(lf_custody_event_sign(&ev, k, NULL), LF_OK);
	assert_int_equal(lf_custody_event_line(&ev, &b, NULL), LF_OK);
	b.data[--b.len] = '\0';
	s = (char *)lf_buf_steal(&b, NULL);
	return s;
}

static void
times_and_offsets(void **state)
{
	static const struct {
		int64_t t;
		int off;
		const char *time, *offset;
	} cases[] = {
	    {-62167219200LL, 0, "0000-01-01T00:00:00Z", "+00:00"},
	    {253402300799LL, 23 * 60 + 59, "9999-12-31T23:59:59Z", "+23:59"},
	    {1709208000, -(23 * 60 + 59), "2024-02-29T12:00:00Z", "-23:59"},
	    {0, 330, "1970-01-01T00:00:00Z", "+05:30"},
	    {-1, -60, "1969-12-31T23:59:59Z", "-01:00"},
	};
	struct lf_custody_event ev = sample();
	struct lf_custody_parsed pl;
	struct lf_sigkey *k = rfc();
	char *line, want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev.time = cases[i].t;
		ev.local_offset = cases[i].off;
		line = signed_line(ev, k);
		(void)snprintf(want, sizeof(want),
		    "\"time\":\"%s\",\"local_offset\":\"%s\"", cases[i].time,
		    cases[i].offset);
		assert_non_null(strstr(line, want));
		assert_int_equal(lf_custody_parse_line((uint8_t *)line,
		                     strlen(line), &pl, NULL),
		    LF_OK);
		assert_int_equal(pl.ev.time, cases[i].t);
		assert_int_equal(pl.ev.local_offset, cases[i].off);
		lf_custody_parsed_release(&pl);
		free(line);
	}
	lf_sigkey_free(k);
}

/* Replace the first "from" in line by "to" and parse: the reason. */
static const char *
parse_edited(const char *line, const char *from, const char *to)
{
	static struct lf_error err;
	struct lf_custody_parsed pl;
	const char *at = strstr(line, from);
	char *s;
	size_t n;
	int rc;

	assert_non_null(at);
	n = strlen(line) - strlen(from) + strlen(to);
	s = malloc(n + 1);
	assert_non_null(s);
	(void)snprintf(s, n + 1, "%.*s%s%s", (int)(at - line), line, to,
	    at + strlen(from));
	memset(&pl, 0x5a, sizeof(pl));
	rc = lf_custody_parse_line((uint8_t *)s, n, &pl, &err);
	free(s);
	assert_int_equal(rc, LF_E_FORMAT);
	/* Untouched after an error. */
	assert_int_equal(((uint8_t *)&pl)[0], 0x5a);
	return err.msg;
}

/* "not in the fixed form (from byte N)", N where needle starts in line
 * plus skip, counted from 1. */
static const char *
fixed_form_at(const char *line, const char *needle, size_t skip)
{
	static char msg[64];
	const char *at = strstr(line, needle);

	assert_non_null(at);
	(void)snprintf(msg, sizeof(msg),
	    "not in the fixed form (from byte %zu)",
	    (size_t)(at - line) + skip + 1);
	return msg;
}

static void
parse_rejections(void **state)
{
	const char *l = LINE;
	char *line = strndup(l, strlen(l) - 1);
	struct lf_custody_parsed pl;
	struct lf_error err;

	(void)state;
	assert_int_equal(lf_custody_parse_line((uint8_t *)line, strlen(line),
	                     &pl, NULL),
	    LF_OK);
	lf_custody_parsed_release(&pl);
	assert_int_equal(lf_custody_parse_line((uint8_t *)"", 0, &pl, &err),
	    LF_E_FORMAT);
	assert_string_equal(err.msg, "an empty line");
	assert_int_equal(lf_custody_parse_line((uint8_t *)"[1]", 3, &pl, &err),
	    LF_E_FORMAT);
	assert_string_equal(err.msg, "not a JSON object");
	assert_int_equal(lf_custody_parse_line((uint8_t *)"{\"a\":", 5, &pl,
	                     &err),
	    LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "not JSON: "));
	assert_int_equal(lf_custody_parse_line((uint8_t *)line,
	                     LF_CUSTODY_LINE_MAX + 1, &pl, &err),
	    LF_E_FORMAT);
	assert_string_equal(err.msg, "longer than 65536 bytes");

	assert_string_equal(parse_edited(line, "\"seq\":7,", ""),
	    "\"seq\": missing");
	assert_string_equal(parse_edited(line, "\"seq\":7,",
	                        "\"seq\":7,\"x\":1,"),
	    "an unknown member \"x\"");
	assert_non_null(
	    strstr(parse_edited(line, "\"seq\":7,", "\"seq\":7,\"seq\":7,"),
	        "duplicate object key"));
	assert_string_equal(parse_edited(line, "\"seq\":7", "\"seq\":0"),
	    "\"seq\": not a number from 1 to 2^53-1");
	assert_string_equal(parse_edited(line, "\"seq\":7", "\"seq\":7.0"),
	    "\"seq\": not a number from 1 to 2^53-1");
	assert_string_equal(parse_edited(line, "\"seq\":7",
	                        "\"seq\":9007199254740992"),
	    "\"seq\": not a number from 1 to 2^53-1");
	assert_string_equal(parse_edited(line, "\"seq\":7", "\"seq\":\"7\""),
	    "\"seq\": not a number from 1 to 2^53-1");
	assert_string_equal(parse_edited(line, "\"format_version\":1",
	                        "\"format_version\":2"),
	    "\"format_version\": not 1");
	assert_string_equal(parse_edited(line, "lf-custody-event", "lf-event"),
	    "\"format\": not lf-custody-event");
	assert_string_equal(parse_edited(line, "2026-11-03T08",
	                        "2025-02-29T08"),
	    "\"time\": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(parse_edited(line, "08:14:22Z", "24:00:00Z"),
	    "\"time\": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(parse_edited(line, "08:14:22Z", "23:59:60Z"),
	    "\"time\": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(parse_edited(line, "08:14:22Z", "08:14:22+00:00"),
	    "\"time\": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(parse_edited(line, "2026-11-03T", "2026-13-03T"),
	    "\"time\": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	assert_string_equal(parse_edited(line, "-05:30", "-05:60"),
	    "\"local_offset\": not +HH:MM or -HH:MM");
	assert_string_equal(parse_edited(line, "-05:30", "-0530"),
	    "\"local_offset\": not +HH:MM or -HH:MM");
	/* -00:00 reads, but is not the fixed form of +00:00. */
	assert_string_equal(parse_edited(line, "-05:30", "-00:00"),
	    fixed_form_at(line, "-05:30", 0));
	assert_string_equal(parse_edited(line, "followed-up", "followed_up"),
	    "\"action\": not one of the actions");
	assert_string_equal(parse_edited(line, "\"actor\":\"Ann",
	                        "\"actor\":5,\"x\":\"Ann"),
	    "an unknown member \"x\"");
	assert_non_null(
	    strstr(parse_edited(line, "\"actor\":\"Ann \\\"A\\\" Example\"",
	               "\"actor\":\"a\\u0000b\""),
	        "not JSON: \\u0000 is not allowed"));
	assert_string_equal(parse_edited(line,
	                        "\"actor\":\"Ann \\\"A\\\" "
	                        "Example\"",
	                        "\"actor\":\"\""),
	    "a member out of bounds: actor: empty");
	assert_string_equal(parse_edited(line, "\"2d71", "\"2D71"),
	    "\"objects\": not SHA-256s in lowercase hex");
	assert_string_equal(parse_edited(line, "\"2d71", "\"2d7"),
	    "\"objects\": not SHA-256s in lowercase hex");
	assert_string_equal(parse_edited(line, "\"case42-1\"", "7"),
	    "\"bundle\": not a string or null");
	assert_string_equal(parse_edited(line, "\"lf-pack\",",
	                        "\"lf-pack\","
	                        "\"x\":1,"),
	    "\"tool\": not {\"name\", \"version\"}");
	assert_string_equal(parse_edited(line, "\"reason\":\"no",
	                        "\"reason\":[\"no\"],\"x\":\"no"),
	    "an unknown member \"x\"");
	assert_string_equal(parse_edited(line, "\"prev\":\"1", "\"prev\":\"g"),
	    "\"prev\": not a SHA-256 in lowercase hex");
	assert_string_equal(parse_edited(line, "\"key\":\"d7", "\"key\":\"D7"),
	    "\"key\": not 32 bytes in lowercase hex");
	assert_string_equal(parse_edited(line, "\"sig\":\"2f", "\"sig\":\"2"),
	    "\"sig\": not 64 bytes in lowercase hex");
	/* The same event in other forms. */
	assert_string_equal(parse_edited(line, "\"seq\":7", " \"seq\" : 7"),
	    fixed_form_at(line, "\"seq\"", 0));
	assert_string_equal(parse_edited(line, "Ann", "\\u0041nn"),
	    fixed_form_at(line, "Ann", 0));
	assert_string_equal(parse_edited(line, "\\n", "\\u000a"),
	    fixed_form_at(line, "\\n", 1));
	assert_string_equal(parse_edited(line, "\"}", "\"}\r"),
	    fixed_form_at(line, "\"}", 2));
	assert_string_equal(parse_edited(line, "\"bundle\":\"case42-1\",", ""),
	    "\"bundle\": missing");
	free(line);
}

static char dir[64];

static const char *
path(const char *name)
{
	static char p[128];

	(void)snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void
write_file(const char *name, const void *p, size_t n)
{
	FILE *f = fopen(path(name), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *
read_all(const char *name, size_t *n)
{
	FILE *f = fopen(path(name), "rb");
	char *p = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(p);
	*n = fread(p, 1, 1 << 20, f);
	p[*n] = '\0';
	(void)fclose(f);
	return p;
}

static struct lf_custody_verdict
verify_bytes(const char *p, size_t n, const struct lf_sigkey *k, size_t piece)
{
	struct lf_custody_verifier *v;
	struct lf_custody_verdict vd;
	size_t i, m;

	assert_int_equal(lf_custody_verifier_new(&v, NULL), LF_OK);
	assert_int_equal(lf_custody_verifier_trust_key(v, k, NULL), LF_OK);
	for (i = 0; i < n; i += m) {
		m = n - i < piece ? n - i : piece;
		assert_int_equal(lf_custody_verifier_update(v,
		                     (const uint8_t *)p + i, m, NULL),
		    LF_OK);
	}
	assert_int_equal(lf_custody_verifier_finish(v, &vd, NULL), LF_OK);
	lf_custody_verifier_free(v);
	return vd;
}

static void
append_head_verify(void **state)
{
	struct lf_custody_event ev = sample(), e;
	struct lf_sigkey *k = rfc(), *other;
	struct lf_custody_verdict vd, vd1;
	struct lf_custody_verifier *v;
	uint8_t head[32], h[32], zero[32] = {0};
	uint64_t seq;
	struct lf_error err;
	char *log, *nl;
	size_t n, i;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&other, NULL), LF_OK);
	(void)snprintf(dir, sizeof(dir), "/tmp/lf-custody.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* No log yet: head fails, append creates it. */
	assert_int_equal(lf_custody_head(path("case.log"), &seq, h, &err),
	    LF_E_IO);
	for (i = 1; i <= 5; i++) {
		e = ev;
		e.seq = 99; /* set by append */
		assert_int_equal(lf_custody_append(path("case.log"), &e, k,
		                     head, NULL),
		    LF_OK);
		assert_int_equal(e.seq, i);
		assert_int_equal(lf_custody_head(path("case.log"), &seq, h,
		                     NULL),
		    LF_OK);
		assert_int_equal(seq, i);
		assert_memory_equal(h, head, 32);
	}
	log = read_all("case.log", &n);
	/* The chain, recomputed here. */
	nl = log;
	for (i = 1; i <= 5; i++) {
		struct lf_custody_parsed pl;
		char *end = strchr(nl, '\n');
		assert_non_null(end);
		assert_int_equal(lf_custody_parse_line((uint8_t *)nl,
		                     (size_t)(end - nl), &pl, NULL),
		    LF_OK);
		assert_int_equal(pl.ev.seq, i);
		assert_memory_equal(pl.ev.prev, i == 1 ? zero : h, 32);
		assert_int_equal(lf_custody_line_hash((uint8_t *)nl,
		                     (size_t)(end - nl), h, NULL),
		    LF_OK);
		lf_custody_parsed_release(&pl);
		nl = end + 1;
	}
	assert_memory_equal(h, head, 32);
	/* Verified whole, a byte at a time, and in odd pieces. */
	vd = verify_bytes(log, n, k, n);
	assert_int_equal(vd.problem, LF_CUSTODY_GOOD);
	assert_int_equal(vd.line, 0);
	assert_string_equal(vd.reason, "");
	assert_int_equal(vd.events, 5);
	assert_memory_equal(vd.head, head, 32);
	assert_int_equal(vd.first_time, ev.time);
	assert_int_equal(vd.last_time, ev.time);
	vd1 = verify_bytes(log, n, k, 1);
	assert_memory_equal(&vd1, &vd, sizeof(vd));
	vd1 = verify_bytes(log, n, k, 97);
	assert_memory_equal(&vd1, &vd, sizeof(vd));
	/* From the file, trusting the key by its fingerprint. */
	assert_int_equal(lf_custody_verifier_new(&v, NULL), LF_OK);
	lf_sigkey_fingerprint(k, h);
	assert_int_equal(lf_custody_verifier_trust_fingerprint(v, h, NULL),
	    LF_OK);
	assert_int_equal(lf_custody_verify_file(path("case.log"), v, &vd1,
	                     NULL),
	    LF_OK);
	assert_memory_equal(&vd1, &vd, sizeof(vd));
	lf_custody_verifier_free(v);
	/* Another key is not trusted. */
	vd = verify_bytes(log, n, other, n);
	assert_int_equal(vd.problem, LF_CUSTODY_UNTRUSTED_KEY);
	assert_int_equal(vd.line, 1);
	assert_int_equal(vd.events, 0);
	/* A line cut off; the log not ending in a line end. */
	vd = verify_bytes(log, n - 1, k, 10);
	assert_int_equal(vd.problem, LF_CUSTODY_NO_LINE_END);
	assert_int_equal(vd.line, 5);
	assert_int_equal(vd.events, 4);
	write_file("cut.log", log, n - 1);
	e = ev;
	assert_int_equal(lf_custody_append(path("cut.log"), &e, k, NULL, &err),
	    LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "the last line has no line end"));
	assert_int_equal(lf_custody_head(path("cut.log"), &seq, h, &err),
	    LF_E_FORMAT);
	free(read_all("cut.log", &i));
	assert_int_equal(i, n - 1);
	/* A flipped bit in line 3's reason, in its signature. */
	nl = strstr(strstr(strstr(log, "\n") + 1, "\n") + 1, "after");
	nl[0] ^= 0x20;
	vd = verify_bytes(log, n, k, n);
	assert_int_equal(vd.problem, LF_CUSTODY_BAD_SIGNATURE);
	assert_int_equal(vd.line, 3);
	assert_int_equal(vd.events, 2);
	nl[0] ^= 0x20;
	/* The empty log; a log of one empty line. */
	vd = verify_bytes("", 0, k, 1);
	assert_int_equal(vd.problem, LF_CUSTODY_EMPTY);
	assert_int_equal(vd.line, 1);
	vd = verify_bytes("\n", 1, k, 1);
	assert_int_equal(vd.problem, LF_CUSTODY_MALFORMED);
	assert_string_equal(vd.reason, "an empty line");
	write_file("empty.log", "", 0);
	assert_int_equal(lf_custody_head(path("empty.log"), &seq, h, NULL),
	    LF_OK);
	assert_int_equal(seq, 0);
	assert_memory_equal(h, zero, 32);
	free(log);
	lf_sigkey_free(other);
	lf_sigkey_free(k);
}

static void
too_long(void **state)
{
	struct lf_sigkey *k = rfc();
	struct lf_custody_verdict vd;
	struct lf_custody_event ev = sample();
	char *big = malloc(3 * LF_CUSTODY_LINE_MAX), *line;
	size_t n;

	(void)state;
	assert_non_null(big);
	line = signed_line(ev, k);
	/* A valid line 1 (wrong seq aside), then 64 KiB + 1 of junk. */
	n = strlen(line);
	memcpy(big, line, n);
	big[n++] = '\n';
	memset(big + n, 'x', LF_CUSTODY_LINE_MAX + 1);
	vd = verify_bytes(big, n + LF_CUSTODY_LINE_MAX + 1, k, 4096);
	assert_int_equal(vd.problem, LF_CUSTODY_SEQUENCE);
	assert_int_equal(vd.line, 1);
	ev.seq = 1;
	memset(ev.prev, 0, 32);
	free(line);
	line = signed_line(ev, k);
	n = strlen(line);
	memcpy(big, line, n);
	big[n++] = '\n';
	vd = verify_bytes(big, n + LF_CUSTODY_LINE_MAX + 1, k, 4096);
	assert_int_equal(vd.problem, LF_CUSTODY_TOO_LONG);
	assert_int_equal(vd.line, 2);
	assert_int_equal(vd.events, 1);
	/* Exactly the cap is a (malformed) line, not too long. */
	big[n + LF_CUSTODY_LINE_MAX] = '\n';
	vd = verify_bytes(big, n + LF_CUSTODY_LINE_MAX + 1, k, 4096);
	assert_int_equal(vd.problem, LF_CUSTODY_MALFORMED);
	assert_int_equal(vd.line, 2);
	free(line);
	free(big);
	lf_sigkey_free(k);
}

static void
trust_limit(void **state)
{
	struct lf_custody_verifier *v;
	uint8_t fpr[32] = {0};
	int i;

	(void)state;
	assert_int_equal(lf_custody_verifier_new(&v, NULL), LF_OK);
	for (i = 0; i < LF_CUSTODY_TRUST_MAX; i++) {
		fpr[0] = (uint8_t)i;
		assert_int_equal(lf_custody_verifier_trust_fingerprint(v, fpr,
		                     NULL),
		    LF_OK);
	}
	/* The same again is no new key; a new one is one too many. */
	assert_int_equal(lf_custody_verifier_trust_fingerprint(v, fpr, NULL),
	    LF_OK);
	fpr[0] = 0xff;
	assert_int_equal(lf_custody_verifier_trust_fingerprint(v, fpr, NULL),
	    LF_E_LIMIT);
	lf_custody_verifier_free(v);
	lf_custody_verifier_free(NULL);
}

static void
failing_allocations(void **state)
{
	struct lf_custody_event ev = sample();
	struct lf_sigkey *k = rfc();
	struct lf_custody_verifier *v = NULL;
	struct lf_custody_verdict vd;
	struct lf_custody_parsed pl;
	const char *l = LINE;
	long i;
	int rc;

	(void)state;
	for (i = 0; i < 20; i++) {
		failalloc_after(i);
		rc = lf_custody_parse_line((const uint8_t *)l, strlen(l) - 1,
		    &pl, NULL);
		failalloc_off();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		if (rc == LF_OK)
			lf_custody_parsed_release(&pl);
	}
	for (i = 0; i < 40; i++) {
		struct lf_custody_event e = ev;
		failalloc_after(i);
		rc = lf_custody_append(path("fail.log"), &e, k, NULL, NULL);
		failalloc_off();
		assert_true(
		    rc == LF_OK || rc == LF_E_NOMEM || rc == LF_E_CRYPTO);
	}
	for (i = 0; i < 20; i++) {
		failalloc_after(i);
		rc = lf_custody_verifier_new(&v, NULL);
		if (rc == LF_OK) {
			rc = lf_custody_verifier_trust_key(v, k, NULL);
			if (rc == LF_OK)
				rc = lf_custody_verify_file(path("fail.log"), v,
				    &vd, NULL);
			lf_custody_verifier_free(v);
		}
		failalloc_off();
		assert_true(
		    rc == LF_OK || rc == LF_E_NOMEM || rc == LF_E_CRYPTO);
		if (rc == LF_OK)
			assert_int_equal(vd.problem, LF_CUSTODY_GOOD);
	}
	lf_sigkey_free(k);
	(void)unlink(path("fail.log"));
	(void)unlink(path("case.log"));
	(void)unlink(path("cut.log"));
	(void)unlink(path("empty.log"));
	(void)rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(line_bytes),
	    cmocka_unit_test(fingerprint),
	    cmocka_unit_test(actions),
	    cmocka_unit_test(event_rules),
	    cmocka_unit_test(times_and_offsets),
	    cmocka_unit_test(parse_rejections),
	    cmocka_unit_test(append_head_verify),
	    cmocka_unit_test(too_long),
	    cmocka_unit_test(trust_limit),
	    cmocka_unit_test(failing_allocations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
