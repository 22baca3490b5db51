/*
 * Unit tests: lf_vendormail (a vendor's reply to a sample submission).
 *
 * The mails are built here around the bodies quoted in
 * ../shared/corpora/headers/symantec-response-emails.txt, and the
 * reconstructed "Security Response Automation" table, with LF and CRLF
 * line ends, as quoted-printable and base64, and inside a
 * multipart/alternative whose HTML part says something else.  Mangled
 * mails must give the error the header promises: no tracking number, two
 * different ones, a table row with a bad MD5, a table cut short, a mail
 * too large, NUL bytes.  Truncation at every byte and allocation
 * failures must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "failalloc.h"
#include "lf/buf.h"
#include "lf/vendormail.h"

#define MAIL_MAX (256 * 1024)

enum enc { PLAIN, QP, B64 };

static const char fp_receipt_body[] =
    "Thank you for contacting Symantec.\n"
    "\n"
    "Your submission has been received and will be reviewed. We endeavor "
    "to respond to all submissions within 2 working days.\n"
    "\n"
    "The tracking number for your submission is: 3876574, please "
    "reference this tracking number in any further correspondence on "
    "this issue.\n"
    "\n"
    "Your submission:\n"
    "-----\n"
    "  When did the detection you are reporting occur? = SCANNING\n"
    "  Which product were you using when you saw this? = SEP12\n"
    "  Which of the following types of detection are you reporting? = "
    "SONAR\n"
    "  File being uploaded = red_0.6.0.exe\n";

static const char fp_closure_body[] =
    "In relation to submission 192153.\n"
    "\n"
    "Upon further analysis and investigation we have verified your "
    "submission and as such this detection will be removed from our "
    "products.\n"
    "\n"
    "The updated detection will be distributed in the next set of virus "
    "definitions, available via LiveUpdate or from our website at "
    "https://www.symantec.com/security_response/definitions.jsp\n"
    "\n"
    "Please note that whitelisting can take up to 24 hours to take "
    "effect.\n";

static const char fp_blocks_body[] =
    "In relation to submission 4000123.\n"
    "\n"
    "Upon further analysis and investigation we have verified your "
    "submission and, as such, the detection(s) for the following file(s) "
    "will be removed from our products:\n"
    "\n"
    "        Filename: setup.exe\n"
    "        MD5: 29B1C50E68AB435C89441AD45FD44F3D\n"
    "        SHA256: 7B377CC03024D78D56E316E400B5F33C61847D2EAC80A1C3AE4D58"
    "15455D0A38\n"
    "        Result:         Whitelisting for above file is under process. "
    "It may take up to 72 hours to take effect.\n";

static const char fp_list_body[] =
    "In relation to submission [3881126].\n"
    "\n"
    "Upon further analysis and investigation we have verified your "
    "submission and, as such, the detection(s) for the following file(s) "
    "will be removed from our products:\n"
    "\n"
    "    3CDFC521C81F430EC7125F4D87F4437F - ace_fcs.dll\n"
    "    7A8E5E73D06D5E5AC350ED559FC1B90D - ace_clipboard.dll\n"
    "\n"
    "Place to get latest definition and check associated sequence "
    "number:\n";

static const char sra_tracking_body[] =
    "Symantec Security Response Automation\n"
    "\n"
    "Your submission has been received.  Tracking #41234567.\n";

static const char sra_closed_tabs[] =
    "Symantec Security Response Automation\n"
    "\n"
    "Submission Date 2019-03-04 10:11:12 Tracking # 41234567\n"
    "Submitter\tXXX@XXX.XXX\n"
    "\n"
    "Files Submitted\n"
    "#\tFile name\tMD5\tDetermination\tDetection name\tRR Seq\n"
    "1\tsetup tool.exe\t29B1C50E68AB435C89441AD45FD44F3D\tNot "
    "Malicious\tN/A\t\n"
    "2\tevil.dll\t3cdfc521c81f430ec7125f4d87f4437f\tNew "
    "Threat\tTrojan.Gen.2\t201903040012\n"
    "3\treadme.txt\t7A8E5E73D06D5E5AC350ED559FC1B90D\tData File\tN/A\n"
    "\n"
    "Developer Notes\n"
    "Nothing to add.\n";

static const char sra_closed_spaces[] =
    "Symantec Security Response Automation\n"
    "\n"
    "Submission Date   2019-03-04 10:11:12   Tracking\n"
    "Submitter   XXX@XXX.XXX\n"
    "\n"
    "Files Submitted\n"
    "#   File name   MD5   Determination   Detection name   RR Seq\n"
    "1   setup tool.exe   29B1C50E68AB435C89441AD45FD44F3D   Not "
    "Malicious   N/A\n"
    "2   evil.dll    3cdfc521c81f430ec7125f4d87f4437f  New Threat  "
    "Trojan.Gen.2 201903040012\n"
    "3  readme.txt  7A8E5E73D06D5E5AC350ED559FC1B90D  Data File  N/A\n"
    "Developer Notes\n";

static const uint8_t md5_setup[16] = {0x29, 0xB1, 0xC5, 0x0E, 0x68, 0xAB, 0x43,
    0x5C, 0x89, 0x44, 0x1A, 0xD4, 0x5F, 0xD4, 0x4F, 0x3D};
static const uint8_t md5_fcs[16] = {0x3C, 0xDF, 0xC5, 0x21, 0xC8, 0x1F, 0x43,
    0x0E, 0xC7, 0x12, 0x5F, 0x4D, 0x87, 0xF4, 0x43, 0x7F};
static const uint8_t md5_clip[16] = {0x7A, 0x8E, 0x5E, 0x73, 0xD0, 0x6D, 0x5E,
    0x5A, 0xC3, 0x50, 0xED, 0x55, 0x9F, 0xC1, 0xB9, 0x0D};

struct mail {
	char *p;
	size_t n;
};

/* Append s, turning each LF into CRLF when crlf. */
static void
put(struct mail *m, const char *s, size_t n, bool crlf)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_true(m->n + 2 < MAIL_MAX);
		if (crlf && s[i] == '\n')
			m->p[m->n++] = '\r';
		m->p[m->n++] = s[i];
	}
}

static void
puts_(struct mail *m, const char *s, bool crlf)
{
	put(m, s, strlen(s), crlf);
}

/* Quoted-printable, lines cut at 70 with soft breaks. */
static void
put_qp(struct mail *m, const char *s, bool crlf)
{
	char tmp[4];
	size_t col = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			puts_(m, "\n", crlf);
			col = 0;
			continue;
		}
		if (col >= 70) {
			puts_(m, "=\n", crlf);
			col = 0;
		}
		if (*s == '=' || *s == '\t' || (unsigned char)*s > 126) {
			snprintf(tmp, sizeof(tmp), "=%02X", (unsigned char)*s);
			puts_(m, tmp, crlf);
			col += 3;
		} else {
			put(m, s, 1, crlf);
			col++;
		}
	}
}

static void
put_b64(struct mail *m, const char *s, bool crlf)
{
	size_t n = strlen(s), i, k;
	unsigned char out[80];

	for (i = 0; i < n; i += 57) {
		k = n - i < 57 ? n - i : 57;
		EVP_EncodeBlock(out, (const unsigned char *)s + i, (int)k);
		puts_(m, (const char *)out, crlf);
		puts_(m, "\n", crlf);
	}
}

static void
put_body(struct mail *m, const char *body, enum enc enc, bool crlf)
{
	if (enc == QP)
		put_qp(m, body, crlf);
	else if (enc == B64)
		put_b64(m, body, crlf);
	else
		puts_(m, body, crlf);
}

static const char *
cte(enum enc enc)
{
	return enc == QP ? "quoted-printable" : enc == B64 ? "base64" : "7bit";
}

static struct mail
build(const char *subject, const char *body, enum enc enc, bool crlf,
    bool multipart)
{
	struct mail m;
	char hdr[512];

	m.p = malloc(MAIL_MAX);
	assert_non_null(m.p);
	m.n = 0;
	puts_(&m,
	    "From: falsepositives@symantec.com\n"
	    "To: XXX@XXX.XXX\n"
	    "Date: Tue, 10 Nov 2015 15:08:00 -0500\n"
	    "MIME-Version: 1.0\n",
	    crlf);
	snprintf(hdr, sizeof(hdr), "Subject: %s\n", subject);
	puts_(&m, hdr, crlf);
	if (multipart) {
		puts_(&m,
		    "Content-Type: multipart/alternative; boundary=\"b1\"\n"
		    "\n"
		    "--b1\n"
		    "Content-Type: text/html\n"
		    "\n"
		    "<p>In relation to submission 999.</p>\n"
		    "--b1\n",
		    crlf);
	}
	snprintf(hdr, sizeof(hdr),
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: %s\n\n",
	    cte(enc));
	puts_(&m, hdr, crlf);
	put_body(&m, body, enc, crlf);
	if (multipart)
		puts_(&m, "--b1--\n", crlf);
	return m;
}

static int
parse(struct mail *m, struct lf_vendormail *v, struct lf_error *e)
{
	int rc = lf_vendormail_parse((const uint8_t *)m->p, m->n, v, e);

	free(m->p);
	m->p = NULL;
	return rc;
}

static void
expect_error(const char *subject, const char *body, int code, const char *msg)
{
	struct mail m = build(subject, body, PLAIN, false, false);
	struct lf_vendormail v;
	struct lf_error e;

	memset(&v, 0xA5, sizeof(v));
	assert_int_equal(parse(&m, &v, &e), code);
	assert_int_equal(e.code, code);
	if (strstr(e.msg, msg) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", e.msg, msg);
	/* untouched after an error */
	assert_int_equal(v.nfiles, (size_t)0xA5A5A5A5A5A5A5A5u);
}

static void
fp_receipt(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		m = build("[No Reply] False Positive submission (3876574)",
		    fp_receipt_body, (enum enc)(i % 3), i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		assert_int_equal(v.kind, LF_VENDORMAIL_RECEIPT);
		assert_int_equal(v.form, LF_VENDORMAIL_SYM_FP_RECEIPT);
		assert_string_equal(lf_vendormail_form_name(v.form),
		    "symantec-fp-receipt");
		assert_string_equal(lf_vendormail_kind_name(v.kind), "receipt");
		assert_string_equal(v.tracking, "3876574");
		assert_true(v.has_date);
		assert_int_equal(v.date, 1447186080); /* 20:08:00Z */
		assert_int_equal(v.nfiles, 1);
		assert_string_equal(v.files[0].name, "red_0.6.0.exe");
		assert_false(v.files[0].has_md5);
		assert_false(v.files[0].has_sha256);
		assert_string_equal(v.files[0].determination, "");
		lf_vendormail_release(&v);
	}
}

static void
fp_closure_whole(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		m = build("Re: submission", fp_closure_body, (enum enc)(i % 3),
		    i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		assert_int_equal(v.kind, LF_VENDORMAIL_RESULT);
		assert_int_equal(v.form, LF_VENDORMAIL_SYM_FP_CLOSURE);
		assert_string_equal(v.tracking, "192153");
		assert_int_equal(v.nfiles, 0);
		assert_null(v.files);
		assert_string_equal(v.determination, "Detection removed");
		lf_vendormail_release(&v);
	}
}

static void
fp_closure_blocks(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		m = build("Symantec submission", fp_blocks_body,
		    (enum enc)(i % 3), i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		assert_int_equal(v.form, LF_VENDORMAIL_SYM_FP_CLOSURE);
		assert_string_equal(v.tracking, "4000123");
		assert_int_equal(v.nfiles, 1);
		assert_string_equal(v.files[0].name, "setup.exe");
		assert_true(v.files[0].has_md5);
		assert_memory_equal(v.files[0].md5, md5_setup, 16);
		assert_true(v.files[0].has_sha256);
		assert_int_equal(v.files[0].sha256[0], 0x7B);
		assert_int_equal(v.files[0].sha256[31], 0x38);
		assert_string_equal(v.files[0].determination,
		    "Detection removed");
		assert_string_equal(v.determination, "");
		lf_vendormail_release(&v);
	}
}

static void
fp_closure_list(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		m = build("Symantec submission", fp_list_body,
		    (enum enc)(i % 3), i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		assert_string_equal(v.tracking, "3881126");
		assert_int_equal(v.nfiles, 2);
		assert_string_equal(v.files[0].name, "ace_fcs.dll");
		assert_memory_equal(v.files[0].md5, md5_fcs, 16);
		assert_string_equal(v.files[1].name, "ace_clipboard.dll");
		assert_memory_equal(v.files[1].md5, md5_clip, 16);
		assert_false(v.files[1].has_sha256);
		assert_string_equal(v.files[1].determination,
		    "Detection removed");
		lf_vendormail_release(&v);
	}
}

static void
sra_tracking(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		m = build("[TRACKING]: Symantec Security Response Automation "
		          "(Tracking #41234567)",
		    sra_tracking_body, (enum enc)(i % 3), i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		assert_int_equal(v.kind, LF_VENDORMAIL_RECEIPT);
		assert_int_equal(v.form, LF_VENDORMAIL_SYM_SRA_TRACKING);
		assert_string_equal(v.tracking, "41234567");
		assert_int_equal(v.nfiles, 0);
		lf_vendormail_release(&v);
	}
}

static void
check_closed(const struct lf_vendormail *v)
{
	assert_int_equal(v->kind, LF_VENDORMAIL_RESULT);
	assert_int_equal(v->form, LF_VENDORMAIL_SYM_SRA_CLOSED);
	assert_string_equal(v->tracking, "41234567");
	assert_int_equal(v->nfiles, 3);
	assert_string_equal(v->files[0].name, "setup tool.exe");
	assert_memory_equal(v->files[0].md5, md5_setup, 16);
	assert_string_equal(v->files[0].determination, "Not Malicious");
	assert_string_equal(v->files[0].detection, "");
	assert_string_equal(v->files[1].name, "evil.dll");
	assert_memory_equal(v->files[1].md5, md5_fcs, 16);
	assert_string_equal(v->files[1].determination, "New Threat");
	assert_string_equal(v->files[1].detection, "Trojan.Gen.2");
	assert_string_equal(v->files[2].name, "readme.txt");
	assert_string_equal(v->files[2].determination, "Data File");
	assert_string_equal(v->files[2].detection, "");
}

static void
sra_closed(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	struct mail m;
	int i;

	(void)state;
	for (i = 0; i < 24; i++) {
		m = build("[CLOSED]: Symantec Security Response Automation "
		          "(Tracking #41234567)",
		    i & 16 ? sra_closed_spaces : sra_closed_tabs,
		    (enum enc)(i % 3), i & 4, i & 8);
		assert_int_equal(parse(&m, &v, &e), LF_OK);
		check_closed(&v);
		lf_vendormail_release(&v);
	}
}

/*
 * An RR Seq of "N/A" after a tab is a column, not part of the detection;
 * after spaces alone it cannot be told from the name and is kept.
 */
static void
sra_closed_rr_na(void **state)
{
	static const char tabs[] =
	    "Submission Date 2026-11-26 13:47:02 Tracking #41872093\n"
	    "Submitter soc@example.com\n"
	    "Files Submitted\n"
	    "1\teicar.com\t44D88612FEA8A8F36DE82E1278ABB02F\tAlready "
	    "Detected\tEICAR Test String\tN/A\n"
	    "Developer Notes\n";
	static const char spaces[] =
	    "Submission Date 2026-11-26 13:47:02 Tracking #41872093\n"
	    "Submitter soc@example.com\n"
	    "Files Submitted\n"
	    "1  eicar.com  44D88612FEA8A8F36DE82E1278ABB02F  Already "
	    "Detected  EICAR Test String  N/A\n"
	    "Developer Notes\n";
	struct lf_vendormail v;
	struct lf_error e;
	char buf[1024];

	(void)state;
	snprintf(buf, sizeof(buf),
	    "Subject: [CLOSED]: Symantec Security Response Automation "
	    "(Tracking #41872093)\n\n%s",
	    tabs);
	assert_int_equal(lf_vendormail_parse((const uint8_t *)buf, strlen(buf),
	                     &v, &e),
	    LF_OK);
	assert_int_equal(v.nfiles, 1);
	assert_string_equal(v.files[0].determination, "Already Detected");
	assert_string_equal(v.files[0].detection, "EICAR Test String");
	lf_vendormail_release(&v);
	snprintf(buf, sizeof(buf),
	    "Subject: [CLOSED]: Symantec Security Response Automation "
	    "(Tracking #41872093)\n\n%s",
	    spaces);
	assert_int_equal(lf_vendormail_parse((const uint8_t *)buf, strlen(buf),
	                     &v, &e),
	    LF_OK);
	assert_string_equal(v.files[0].detection, "EICAR Test String  N/A");
	lf_vendormail_release(&v);
}

/* Without a Date header the body's Submission Date is the date. */
static void
sra_closed_body_date(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	char buf[4096];
	int rc;

	(void)state;
	snprintf(buf, sizeof(buf),
	    "Subject: [CLOSED]: Symantec Security Response Automation "
	    "(Tracking #41234567)\n\n%s",
	    sra_closed_tabs);
	rc = lf_vendormail_parse((const uint8_t *)buf, strlen(buf), &v, &e);
	assert_int_equal(rc, LF_OK);
	check_closed(&v);
	assert_true(v.has_date);
	assert_int_equal(v.date, 1551694272); /* 2019-03-04T10:11:12Z */
	lf_vendormail_release(&v);
}

static void
mangled(void **state)
{
	static const char closed[] = "[CLOSED]: Symantec Security Response "
	                             "Automation (Tracking #41234567)";
	char buf[4096];

	(void)state;
	expect_error("Hello", "Just a mail.\n", LF_E_FORMAT,
	    "not a known vendor reply");
	/* no tracking number */
	expect_error("Re: submission",
	    "The tracking number for your submission is: soon.\n", LF_E_FORMAT,
	    "no tracking number");
	expect_error("[CLOSED]: Symantec Security Response Automation",
	    sra_closed_tabs, LF_E_FORMAT, "(Tracking #N)");
	expect_error("Re: x",
	    "In relation to submission.\n"
	    "this detection will be removed from our products.\n",
	    LF_E_FORMAT, "no tracking number");
	/* two different tracking numbers */
	expect_error("[No Reply] False Positive submission (3876575)",
	    fp_receipt_body, LF_E_FORMAT, "differs");
	expect_error("[CLOSED]: Symantec Security Response Automation "
	             "(Tracking #41234568)",
	    sra_closed_tabs, LF_E_FORMAT, "differs");
	snprintf(buf, sizeof(buf), "%sIn relation to submission 192154.\n",
	    fp_closure_body);
	expect_error("Re: x", buf, LF_E_FORMAT, "differs");
	/* two forms at once */
	snprintf(buf, sizeof(buf), "%s%s", fp_receipt_body, fp_closure_body);
	expect_error("Re: x", buf, LF_E_FORMAT, "different forms");
	/* a closure that does not say the detection is removed */
	expect_error("Re: x", "In relation to submission 192153.\n\nNo.\n",
	    LF_E_FORMAT, "determination");
	/* a row with a bad MD5 (31 digits, a non-hex digit) */
	snprintf(buf, sizeof(buf),
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\n1\ta.exe\t29B1C50E68AB435C89441AD45FD44F3\t"
	    "Not Malicious\tN/A\nDeveloper Notes\n");
	expect_error(closed, buf, LF_E_FORMAT, "row 1: no MD5");
	snprintf(buf, sizeof(buf),
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\n1\ta.exe\t29B1C50E68AB435C89441AD45FD44F3G\t"
	    "Not Malicious\tN/A\nDeveloper Notes\n");
	expect_error(closed, buf, LF_E_FORMAT, "row 1: no MD5");
	/* an unknown determination */
	snprintf(buf, sizeof(buf),
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\n1\ta.exe\t29B1C50E68AB435C89441AD45FD44F3D\t"
	    "Probably Fine\tN/A\nDeveloper Notes\n");
	expect_error(closed, buf, LF_E_FORMAT, "row 1");
	/* a row without a detection */
	snprintf(buf, sizeof(buf),
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\n1\ta.exe\t29B1C50E68AB435C89441AD45FD44F3D\t"
	    "Not Malicious\nDeveloper Notes\n");
	expect_error(closed, buf, LF_E_FORMAT, "no detection");
	/* a table cut short */
	snprintf(buf, sizeof(buf), "%.*s",
	    (int)(strstr(sra_closed_tabs, "Developer") - sra_closed_tabs),
	    sra_closed_tabs);
	expect_error(closed, buf, LF_E_FORMAT, "cut short");
	/* an empty table */
	expect_error(closed,
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\nDeveloper Notes\n",
	    LF_E_FORMAT, "lists no file");
	/* a closed mail without the table */
	expect_error(closed,
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n",
	    LF_E_FORMAT, "Files Submitted");
	/* a line in the table that is no row */
	snprintf(buf, sizeof(buf),
	    "Submission Date 2019-03-04 10:11:12 Tracking\nSubmitter x\n"
	    "Files Submitted\n1\ta.exe\t29B1C50E68AB435C89441AD45FD44F3D\t"
	    "Not Malicious\tN/A\nsomething else\nDeveloper Notes\n");
	expect_error(closed, buf, LF_E_FORMAT, "row 2: not a table row");
	/* a bad hash in a per-file block */
	expect_error("Re: x",
	    "In relation to submission 5.\n"
	    "the detection will be removed from our products:\n"
	    "Filename: a\nMD5: 1234\n",
	    LF_E_FORMAT, "MD5 is not 32 hex digits");
	/* limits */
	expect_error("Re: x",
	    "The tracking number for your submission is: "
	    "123456789012345678901.\n",
	    LF_E_LIMIT, "tracking number of 21 digits");
}

static void
nul_bytes(void **state)
{
	struct mail m = build("[No Reply] False Positive submission (3876574)",
	    fp_receipt_body, PLAIN, false, false);
	struct lf_vendormail v;
	struct lf_error e;
	char *q;

	(void)state;
	q = strstr(m.p, "3876574, please");
	assert_non_null(q);
	q[7] = '\0';
	assert_int_equal(parse(&m, &v, &e), LF_E_FORMAT);
	assert_non_null(strstr(e.msg, "NUL byte"));
	/* a NUL that only base64 decoding reveals */
	m = build("x", "In relation to submission 12.\n\x01", B64, false,
	    false);
	q = strstr(m.p, "AQ==");
	assert_non_null(q);
	q[1] = 'A'; /* "AA==": one NUL byte */
	assert_int_equal(parse(&m, &v, &e), LF_E_FORMAT);
	assert_non_null(strstr(e.msg, "NUL byte"));
}

static void
huge(void **state)
{
	struct lf_vendormail v;
	struct lf_error e;
	size_t n = LF_VENDORMAIL_SIZE_MAX + 1, i;
	uint8_t *p = malloc(n);
	char *list;
	size_t len = 0;
	int rc;

	(void)state;
	assert_non_null(p);
	memset(p, 'a', n);
	assert_int_equal(lf_vendormail_parse(p, n, &v, &e), LF_E_LIMIT);
	assert_non_null(strstr(e.msg, "at most"));
	/* a mail of the largest size that is no reply */
	assert_int_equal(lf_vendormail_parse(p, n - 1, &v, &e), LF_E_FORMAT);
	free(p);
	/* too many files */
	list = malloc(2 * 1024 * 1024);
	assert_non_null(list);
	len += (size_t)snprintf(list, 64,
	    "Subject: x\n\nIn relation to submission 7.\n");
	for (i = 0; i <= LF_VENDORMAIL_FILES_MAX; i++)
		len += (size_t)snprintf(list + len, 64,
		    "3CDFC521C81F430EC7125F4D87F4437F - f%zu.dll\n", i);
	len += (size_t)snprintf(list + len, 64,
	    "will be removed from our products\n");
	rc = lf_vendormail_parse((const uint8_t *)list, len, &v, &e);
	assert_int_equal(rc, LF_E_LIMIT);
	assert_non_null(strstr(e.msg, "more than 1024 files"));
	/* a name too long */
	len = (size_t)snprintf(list, 128,
	    "Subject: x\n\nIn relation to submission 7.\n"
	    "will be removed from our products\nFilename: ");
	memset(list + len, 'n', LF_VENDORMAIL_TEXT_MAX + 1);
	len += LF_VENDORMAIL_TEXT_MAX + 1;
	list[len++] = '\n';
	rc = lf_vendormail_parse((const uint8_t *)list, len, &v, &e);
	assert_int_equal(rc, LF_E_LIMIT);
	assert_non_null(strstr(e.msg, "file name of 1025 bytes"));
	free(list);
}

/* Every prefix of a good mail parses or fails cleanly. */
static void
truncation(void **state)
{
	struct mail m = build("[CLOSED]: Symantec Security Response Automation "
	                      "(Tracking #41234567)",
	    sra_closed_tabs, QP, true, true);
	struct lf_vendormail v;
	struct lf_error e;
	size_t i, ok = 0;
	int rc;

	(void)state;
	for (i = 0; i <= m.n; i++) {
		rc = lf_vendormail_parse((const uint8_t *)m.p, i, &v, &e);
		if (rc == LF_OK) {
			ok++;
			assert_true(i > m.n - 80);
			check_closed(&v);
			lf_vendormail_release(&v);
		} else {
			assert_true(rc == LF_E_FORMAT);
			assert_true(e.msg[0] != '\0');
		}
	}
	assert_true(ok > 0 && rc == LF_OK);
	free(m.p);
}

static void
allocation_failures(void **state)
{
	struct mail m = build("[CLOSED]: Symantec Security Response Automation "
	                      "(Tracking #41234567)",
	    sra_closed_spaces, B64, true, true);
	struct lf_vendormail v;
	struct lf_error e;
	long i;
	int rc;

	(void)state;
	for (i = 0; i < 10000; i++) {
		failalloc_after(i);
		rc = lf_vendormail_parse((const uint8_t *)m.p, m.n, &v, &e);
		failalloc_off();
		if (rc == LF_OK) {
			check_closed(&v);
			lf_vendormail_release(&v);
			break;
		}
		assert_int_equal(rc, LF_E_NOMEM);
	}
	assert_true(i > 0 && i < 10000);
	free(m.p);
}

static void
names(void **state)
{
	(void)state;
	assert_string_equal(lf_vendormail_form_name(
	                        LF_VENDORMAIL_SYM_FP_CLOSURE),
	    "symantec-fp-closure");
	assert_string_equal(lf_vendormail_form_name(
	                        LF_VENDORMAIL_SYM_SRA_TRACKING),
	    "symantec-sra-tracking");
	assert_string_equal(lf_vendormail_form_name(
	                        LF_VENDORMAIL_SYM_SRA_CLOSED),
	    "symantec-sra-closed");
	assert_null(lf_vendormail_form_name((enum lf_vendormail_form)99));
	assert_string_equal(lf_vendormail_kind_name(LF_VENDORMAIL_RESULT),
	    "result");
	assert_null(lf_vendormail_kind_name((enum lf_vendormail_kind)99));
	lf_vendormail_release(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fp_receipt),
	    cmocka_unit_test(fp_closure_whole),
	    cmocka_unit_test(fp_closure_blocks),
	    cmocka_unit_test(fp_closure_list),
	    cmocka_unit_test(sra_tracking),
	    cmocka_unit_test(sra_closed),
	    cmocka_unit_test(sra_closed_rr_na),
	    cmocka_unit_test(sra_closed_body_date),
	    cmocka_unit_test(mangled),
	    cmocka_unit_test(nul_bytes),
	    cmocka_unit_test(huge),
	    cmocka_unit_test(truncation),
	    cmocka_unit_test(allocation_failures),
	    cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
