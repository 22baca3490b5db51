/*
 * Unit tests: lf_received.
 *
 * The cases are Received fields as real servers write them (most from the
 * header samples in ../shared/corpora/headers, whose SOURCE notes say
 * which hop is which), plus hostile ones.  Every Received field of those
 * samples is also read from the files themselves: each must give a date,
 * and its client address where the sample's notes name one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpora.h"
#include "lf/hblock.h"
#include "lf/received.h"

struct seen {
	char codes[512];
};

static void
collect(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	snprintf(s->codes + len, sizeof(s->codes) - len, "%s ", a->code);
}

struct vec {
	const char *value;
	const char *from, *by, *with, *id, *for_rcpt;
	const char *ip, *rdns, *helo;
	long long utc; /* -1: no date */
	const char *codes;
};

static void
span_is(const char *what, const char *value, struct lf_span s, const char *want)
{
	if (want == NULL) {
		if (s.p != NULL)
			fail_msg("%s: %s \"%.*s\", want none", value, what,
			    (int)s.n, (const char *)s.p);
		return;
	}
	if (s.p == NULL || s.n != strlen(want) || memcmp(s.p, want, s.n) != 0)
		fail_msg("%s: %s \"%.*s\", want \"%s\"", value, what,
		    s.p != NULL ? (int)s.n : 6,
		    s.p != NULL ? (const char *)s.p : "(none)", want);
}

static void
check(const struct vec *v)
{
	struct lf_received r;
	struct seen s = {""};

	assert_int_equal(lf_received_parse((const uint8_t *)v->value,
	                     strlen(v->value), &r, collect, &s),
	    LF_OK);
	span_is("from", v->value, r.from, v->from);
	span_is("by", v->value, r.by, v->by);
	span_is("with", v->value, r.with, v->with);
	span_is("id", v->value, r.id, v->id);
	span_is("for", v->value, r.for_rcpt, v->for_rcpt);
	span_is("rdns", v->value, r.rdns, v->rdns);
	span_is("helo", v->value, r.helo, v->helo);
	if (strcmp(r.ip, v->ip != NULL ? v->ip : "") != 0)
		fail_msg("%s: ip \"%s\", want \"%s\"", v->value, r.ip,
		    v->ip != NULL ? v->ip : "");
	if (v->utc < 0)
		assert_false(r.has_date);
	else if (!r.has_date || r.date.utc != v->utc)
		fail_msg("%s: date %lld, want %lld", v->value,
		    r.has_date ? (long long)r.date.utc : -1LL, v->utc);
	if (strcmp(s.codes, v->codes != NULL ? v->codes : "") != 0)
		fail_msg("%s: anomalies \"%s\", want \"%s\"", v->value, s.codes,
		    v->codes != NULL ? v->codes : "");
}

/* Expected instants: `date -u -d '...' +%s`. */
static const struct vec real[] = {
    /* Postfix, with the reverse name and the address it looked up. */
    {" from lists.xenproject.org (lists.xenproject.org [192.237.175.120])\r\n"
     "\tby mail.lfdr.de (Postfix) with ESMTPS id 6DDD124CD6\r\n"
     "\tfor <lists+xen-devel@lfdr.de>; Tue, 21 May 2019 12:36:25 +0200 "
     "(CEST)",
        "lists.xenproject.org", "mail.lfdr.de", "ESMTPS", "6DDD124CD6",
        "<lists+xen-devel@lfdr.de>", "192.237.175.120", "lists.xenproject.org",
        NULL, 1558434985, NULL},
    /* Exim: the address as a literal, then helo=. */
    {" from localhost ([127.0.0.1] helo=lists.xenproject.org)\n"
     "\tby lists.xenproject.org with esmtp (Exim 4.89)\n"
     "\t(envelope-from <xen-devel-bounces@lists.xenproject.org>)\n"
     "\tid 1hT23y-00066M-Vv; Tue, 21 May 2019 10:32:06 +0000",
        "localhost", "lists.xenproject.org", "esmtp", "1hT23y-00066M-Vv", NULL,
        "127.0.0.1", NULL, "lists.xenproject.org", 1558434726, NULL},
    /* Symantec's back end: the from word is the address. */
    {" from [46.226.53.52] (using TLSv1.2 with cipher\n"
     " DHE-RSA-AES256-GCM-SHA384 (256 bits))\n"
     " by server-1.bemta.az-c.eu-west-1.aws.symcld.net id "
     "43/8E-25548-F73D3EC5;\n Tue, 21 May 2019 10:31:27 +0000",
        "[46.226.53.52]", "server-1.bemta.az-c.eu-west-1.aws.symcld.net", NULL,
        "43/8E-25548-F73D3EC5", NULL, "46.226.53.52", NULL, NULL, 1558434687,
        NULL},
    /* qmail on a MessageLabs tower: HELO, then the bare address. */
    {" from mail-lf1-f44.google.com (HELO mail-lf1-f44.google.com)\n"
     " (209.85.167.44)\n"
     " by server-15.tower-304.messagelabs.com with AES128-GCM-SHA256 "
     "encrypted SMTP;\n 21 May 2019 10:31:27 -0000",
        "mail-lf1-f44.google.com", "server-15.tower-304.messagelabs.com",
        "AES128-GCM-SHA256 encrypted SMTP", NULL, NULL, "209.85.167.44", NULL,
        "mail-lf1-f44.google.com", 1558434687, NULL},
    /* qmail's own line: a comment, then the date. */
    {" (qmail 17913 invoked from network); 21 May 2019 10:31:27 -0000", NULL,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1558434687,
        "received.no-by "},
    /* Exchange: bare addresses in comments, IPv6, "with" of several
     * words, "via". */
    {" from CY5PR20MB4867.namprd20.prod.outlook.com (2603:10b6:930:21::18)\r\n"
     " by SJ2PR20MB6330.namprd20.prod.outlook.com (2603:10b6:a03:502::11)"
     "\r\n with Microsoft SMTP Server (version=TLS1_2,\r\n"
     " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8857.29 via"
     " Frontend\r\n Transport; Tue, 24 Jun 2025 16:57:14 +0000",
        "CY5PR20MB4867.namprd20.prod.outlook.com",
        "SJ2PR20MB6330.namprd20.prod.outlook.com", "Microsoft SMTP Server",
        "15.20.8857.29", NULL, "2603:10b6:930:21::18", NULL, NULL, 1750784234,
        NULL},
    /* Postfix with an IPv6 literal. */
    {" from picard.linux.it (picard.linux.it [IPv6:2001:1418:10:5::2])\n"
     "\tby mail.lfdr.de (Postfix) with ESMTPS id A399F47BA67\n"
     "\tfor <lists+linux-ltp@lfdr.de>; Tue, 21 Dec 2021 08:03:04 +0100 "
     "(CET)",
        "picard.linux.it", "mail.lfdr.de", "ESMTPS", "A399F47BA67",
        "<lists+linux-ltp@lfdr.de>", "2001:1418:10:5::2", "picard.linux.it",
        NULL, 1640070184, NULL},
    /* Old Exim: a literal with a port and a quoted HELO; sendmail-style
     * extras after the id; an obsolete zone-less weekday form. */
    {" from mail45.messagelabs.com ([140.174.2.179]:10689 \"HELO "
     "mail45.messagelabs.com\")\n\tby vger.kernel.org with SMTP id "
     "S268255AbUIHPYG convert rfc822-to-8bit (ORCPT "
     "<rfc822;linux-kernel@vger.kernel.org>);\n\tWed, 8 Sep 2004 11:24:06 "
     "-0400",
        "mail45.messagelabs.com", "vger.kernel.org", "SMTP", "S268255AbUIHPYG",
        NULL, "140.174.2.179", NULL, "mail45.messagelabs.com", 1094657046,
        NULL},
    /* Mimecast: "with" twice grows. */
    {" from mail-qk1-f197.google.com (mail-qk1-f197.google.com "
     "[209.85.222.197]) by relay.mimecast.com with ESMTP with STARTTLS "
     "(version=TLSv1.3, cipher=TLS_AES_128_GCM_SHA256) id "
     "us-mta-335-gV9YCc7kOS-v14PIxFtcrg-1; Wed, 21 Sep 2022 07:58:44 -0400",
        "mail-qk1-f197.google.com", "relay.mimecast.com", "ESMTP with STARTTLS",
        "us-mta-335-gV9YCc7kOS-v14PIxFtcrg-1", NULL, "209.85.222.197",
        "mail-qk1-f197.google.com", NULL, 1663761524, NULL},
    /* A client without a from clause (Gmail's submission hop). */
    {" by mail-lf1-f44.google.com with SMTP id v18so12685700lfi.1\n"
     " for <xen-devel@lists.xensource.com>; Tue, 21 May 2019 03:31:26 "
     "-0700 (PDT)",
        NULL, "mail-lf1-f44.google.com", "SMTP", "v18so12685700lfi.1",
        "<xen-devel@lists.xensource.com>", NULL, NULL, NULL, 1558434686, NULL},
};

static void
test_real(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++)
		check(&real[i]);
}

static const struct vec hostile[] = {
    {"", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1,
        "received.no-by received.no-date "},
    {" from a (b [1.2.3.4] by c; Mon, 1 Jan 2024 00:00:00 +0000", "a", NULL,
        NULL, NULL, NULL, "1.2.3.4", "b", NULL, -1,
        "received.unclosed-comment received.no-by received.no-date "},
    {" from a by b by c; yesterday", "a", "b", NULL, NULL, NULL, NULL, NULL,
        NULL, -1, "received.repeated-clause received.bad-date "},
    {" junk words from a (\"x;y\" [999.1.1.1] 10.0.0.1) by b; "
     "1 Jan 2024 00:00:00 +0000",
        "a", "b", NULL, NULL, NULL, "10.0.0.1", NULL, NULL, 1704067200,
        "received.stray-text "},
    {" from a (x) by b ; (; c) ; 1 Jan 2024 00:00:00 +0000", "a", "b", NULL,
        NULL, NULL, NULL, NULL, NULL, 1704067200, NULL},
    {" from \"unclosed by b; 1 Jan 2024 00:00:00 +0000", NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, -1,
        "received.unclosed-quote received.no-by received.no-date "},
};

static void
test_hostile(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct vec *v = &hostile[i];
		if (v->from == NULL && strstr(v->value, "unclosed") != NULL) {
			/* An unclosed quote takes the rest: only the
			 * anomalies and the missing date matter. */
			struct lf_received r;
			struct seen s = {""};
			assert_int_equal(lf_received_parse((const uint8_t *)
			                                       v->value,
			                     strlen(v->value), &r, collect, &s),
			    LF_OK);
			assert_false(r.has_date);
			assert_string_equal(s.codes, v->codes);
			continue;
		}
		check(v);
	}
	assert_int_equal(lf_received_parse(NULL, 1, NULL, NULL, NULL),
	    LF_E_INVAL);
}

/* Every prefix of a real field reads without going past it (ASan). */
static void
test_prefixes(void **state)
{
	const char *v = real[7].value;
	size_t n = strlen(v), i;
	struct lf_received r;

	(void)state;
	for (i = 0; i <= n; i++) {
		uint8_t *copy = malloc(i + 1);
		assert_non_null(copy);
		memcpy(copy, v, i);
		assert_int_equal(lf_received_parse(i > 0 ? copy : NULL, i, &r,
		                     NULL, NULL),
		    LF_OK);
		free(copy);
	}
}

/* Where a sample's notes name the client of a hop. */
static const struct {
	const char *file, *by, *ip;
} hops[] = {
    {"symantec-ess-inbound-xen-2019.hdr", "lists.xenproject.org",
        "195.245.230.169"},
    {"symantec-ess-inbound-xen-2019.hdr", "server-15.tower-304.messagelabs.com",
        "209.85.167.44"},
    {"symantec-ess-outbound-fujitsu-2021.hdr",
        "server-3.tower-585.messagelabs.com", "62.60.8.148"},
    {"m365-eop-inbound-2017.hdr", "DU6PEPF0000A7E3.mail.protection.outlook.com",
        "94.140.18.226"},
    {"google-mx-2019.hdr", "mx.google.com", "209.85.220.65"},
};

#define NHOPS (sizeof(hops) / sizeof(hops[0]))

/* Read every Received field of one block; returns how many. */
static size_t
check_block(const char *file, const struct lf_hblock *b, bool found[])
{
	size_t i, h, fields = 0;
	struct lf_received r;

	for (i = 0; i < b->count; i++) {
		if (!lf_hfield_is(&b->fields[i], "Received"))
			continue;
		fields++;
		assert_int_equal(lf_received_parse(b->fields[i].value,
		                     b->fields[i].value_len, &r, NULL, NULL),
		    LF_OK);
		if (!r.has_date)
			fail_msg("%s: field %zu: no date", file, i);
		for (h = 0; h < NHOPS; h++) {
			if (strcmp(hops[h].file, file) == 0 &&
			    r.by.n == strlen(hops[h].by) &&
			    memcmp(r.by.p, hops[h].by, r.by.n) == 0 &&
			    strcmp(r.ip, hops[h].ip) == 0)
				found[h] = true;
		}
	}
	return fields;
}

/* The header samples: each Received field gives a date; where the
 * sample's notes name the client of a hop, a hop by that server has that
 * address (a sample may hold several messages, block after block). */
static void
test_corpus(void **state)
{
	static const char *const files[] = {"barracuda-2020.hdr",
	    "google-mx-2019.hdr", "ironport-cisco-2020.hdr",
	    "m365-eop-inbound-2017.hdr", "mimecast-redhat-2022.hdr",
	    "proofpoint-outbound-ibm-2023.hdr", "sophos-2024-2025.hdr",
	    "symantec-ess-inbound-xen-2019.hdr",
	    "symantec-ess-inbound-xen-2019.full.hdr",
	    "symantec-ess-old-2004.hdr",
	    "symantec-ess-outbound-fujitsu-2021.hdr",
	    "symantec-ess-outbound-semtech-2025.hdr",
	    "trendmicro-2022-2023.hdr"};
	static char buf[65536];
	bool found[NHOPS] = {false};
	size_t f, h, n, at, next, fields = 0;
	struct lf_hblock b;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		n = corpora_read_headers(files[f], buf, sizeof(buf));
		for (at = 0; at < n; at += next) {
			assert_int_equal(lf_hblock_parse((const uint8_t *)buf +
			                         at,
			                     n - at, 1000, &b, NULL, NULL,
			                     NULL),
			    LF_OK);
			fields += check_block(files[f], &b, found);
			next = b.body_offset;
			lf_hblock_release(&b);
		}
	}
	for (h = 0; h < NHOPS; h++) {
		if (!found[h])
			fail_msg("%s: no hop by %s from %s", hops[h].file,
			    hops[h].by, hops[h].ip);
	}
	if (fields != 38) /* grep -c "^Received:" *.hdr */
		fail_msg("%zu Received fields read", fields);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
