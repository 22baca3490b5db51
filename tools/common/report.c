/*
 * tools/common/report.c: reports to stdout in the chosen form.
 */
#include <stdio.h>

#include "lf/json.h"
#include "report.h"

bool
cli_report(struct cli_reports *r, const json_t *report)
{
	bool ok = true;

	switch (r->out) {
	case CLI_OUT_TEXT:
		if (r->any && r->blank_between)
			(void)putchar('\n');
		r->print_text(report);
		break;
	case CLI_OUT_JSON:
		(void)fputs(r->any ? ",\n" : "[\n", stdout);
		ok = json_dumpf(report, stdout, JSON_INDENT(2)) == 0;
		break;
	case CLI_OUT_JSONL:
		ok = lf_json_write_line(report, stdout, NULL) == LF_OK;
		break;
	}
	r->any = true;
	return ok;
}

bool
cli_report_json(struct cli_reports *r, const char *json, size_t n)
{
	json_t *doc;
	bool ok;

	switch (r->out) {
	case CLI_OUT_TEXT:
		if ((doc = json_loadb(json, n, 0, NULL)) == NULL)
			return false;
		ok = cli_report(r, doc);
		json_decref(doc);
		return ok;
	case CLI_OUT_JSON:
		(void)fputs(r->any ? ",\n" : "[\n", stdout);
		break;
	case CLI_OUT_JSONL:
		break;
	}
	r->any = true;
	return fwrite(json, 1, n, stdout) == n &&
	    (r->out != CLI_OUT_JSONL || putchar('\n') != EOF);
}

void
cli_reports_end(const struct cli_reports *r)
{
	if (r->out == CLI_OUT_JSON)
		(void)fputs(r->any ? "\n]\n" : "[]\n", stdout);
}

const char *
cli_json_str(const json_t *obj, const char *key, const char *dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}
