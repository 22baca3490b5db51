/*
 * tests/fuzz/fuzz_vendormail.c: vendor reply mails from hostile bytes.
 *
 * Properties: only LF_OK, LF_E_FORMAT or LF_E_LIMIT, with a message on
 * error; on success a tracking number of 1 to LF_VENDORMAIL_TRACKING_MAX
 * decimal digits, a known kind and form that agree, at most
 * LF_VENDORMAIL_FILES_MAX files, every string NUL-terminated within its
 * field, a result's determination one of the known ones, and the same
 * answer on a second parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/vendormail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = {
    "",
    "Not Malicious",
    "Data File",
    "Threat artifact",
    "New Threat",
    "Already Detected",
    "Detection removed",
};

static void
check_text(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

static void
check_determination(const char *s)
{
	size_t i;

	check_text(s, LF_VENDORMAIL_TEXT_MAX + 1);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(s, known[i]) == 0)
			return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_vendormail m, again;
	struct lf_error err;
	size_t i, n;
	int rc;

	rc = lf_vendormail_parse(data, size, &m, &err);
	if (rc != LF_OK) {
		if ((rc != LF_E_FORMAT && rc != LF_E_LIMIT) || err.code != rc ||
		    err.msg[0] == '\0')
			abort();
		return 0;
	}
	n = strnlen(m.tracking, sizeof(m.tracking));
	if (n == 0 || n > LF_VENDORMAIL_TRACKING_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (m.tracking[i] < '0' || m.tracking[i] > '9')
			abort();
	if (lf_vendormail_kind_name(m.kind) == NULL ||
	    lf_vendormail_form_name(m.form) == NULL)
		abort();
	if ((m.kind == LF_VENDORMAIL_RESULT) !=
	    (m.form == LF_VENDORMAIL_SYM_FP_CLOSURE ||
	        m.form == LF_VENDORMAIL_SYM_SRA_CLOSED))
		abort();
	if (m.nfiles > LF_VENDORMAIL_FILES_MAX ||
	    (m.nfiles == 0) != (m.files == NULL))
		abort();
	check_determination(m.determination);
	for (i = 0; i < m.nfiles; i++) {
		check_text(m.files[i].name, sizeof(m.files[i].name));
		check_text(m.files[i].detection, sizeof(m.files[i].detection));
		check_determination(m.files[i].determination);
		if (m.kind == LF_VENDORMAIL_RESULT &&
		    m.files[i].determination[0] == '\0')
			abort();
	}
	if (lf_vendormail_parse(data, size, &again, &err) != LF_OK ||
	    strcmp(again.tracking, m.tracking) != 0 || again.nfiles != m.nfiles)
		abort();
	lf_vendormail_release(&again);
	lf_vendormail_release(&m);
	return 0;
}
