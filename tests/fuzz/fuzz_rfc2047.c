/*
 * tests/fuzz/fuzz_rfc2047.c: header text with encoded words, and charset
 * conversion, from hostile bytes.
 *
 * Properties: decoding any bytes succeeds under a cap no input can reach
 * and gives valid UTF-8; every anomaly has a code and an offset inside the
 * input; converting any bytes from the charsets mail carries gives valid
 * UTF-8 too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/rfc2047.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const charsets[] = {
    "UTF-8",
    "ISO-2022-JP",
    "Shift_JIS",
    "EUC-JP",
    "GB18030",
    "gb2312",
    "BIG5",
    "ks_c_5601-1987",
    "UTF-7",
    "UTF-16",
    "UTF-32",
    "KOI8-R",
    "ISO-8859-8-i",
    "windows-1252",
    "us-ascii",
    "HZ-GB-2312",
    "ISO-2022-KR",
    "TSCII",
    "iso-8859-1",
    "x-unknown",
    "ISO-2022-CN-EXT",
    "UTF-7-IMAP",
    "CP932",
    "IBM1364",
};

#define NCHARSETS (sizeof(charsets) / sizeof(charsets[0]))

static void
check_anomaly(void *arg, const struct lf_anomaly *a)
{
	size_t size = *(const size_t *)arg;

	if (a->code == NULL || strchr(a->code, '.') == NULL || a->offset > size)
		abort();
}

/*
 * Each input byte becomes at most a few UTF-8 characters (TSCII makes up
 * to four of three bytes), so this cap is never reached.
 */
static size_t
cap_for(size_t size)
{
	return 16 * size + 64;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_buf out;
	const char *cs;
	size_t replaced;
	int rc;

	lf_buf_init(&out, cap_for(size));
	rc = lf_rfc2047_decode(data, size, NULL, &out, check_anomaly, &size,
	    NULL);
	if (rc != LF_OK || !lf_utf8_valid(out.data, out.len))
		abort();
	lf_buf_release(&out);
	if (size == 0)
		return 0;

	/* The first byte picks a charset: as fallback, then to convert. */
	cs = charsets[data[0] % NCHARSETS];
	lf_buf_init(&out, cap_for(size));
	rc = lf_rfc2047_decode(data + 1, size - 1, cs, &out, check_anomaly,
	    &size, NULL);
	if (rc != LF_OK || !lf_utf8_valid(out.data, out.len))
		abort();
	lf_buf_reset(&out);
	replaced = 0;
	rc = lf_charset_to_utf8(cs, data + 1, size - 1, &out, &replaced, NULL);
	/* A charset this iconv lacks leaves out unchanged. */
	if (rc == LF_E_NOTSUP && out.len == 0)
		rc = LF_OK;
	if (rc != LF_OK || !lf_utf8_valid(out.data, out.len) || replaced > size)
		abort();
	lf_buf_release(&out);
	return 0;
}
