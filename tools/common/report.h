/*
 * tools/common/report.h: a tool's reports, one JSON document a message,
 * written as readable text (the tool's printer), one JSON array (--json)
 * or JSON Lines (--jsonl).
 */
#ifndef LF_CLI_REPORT_H
#define LF_CLI_REPORT_H

#include <stdbool.h>

#include <jansson.h>

enum cli_output { CLI_OUT_TEXT, CLI_OUT_JSON, CLI_OUT_JSONL };

struct cli_reports {
	enum cli_output out;
	void (*print_text)(const json_t *report); /* CLI_OUT_TEXT */
	bool blank_between; /* a blank line between text reports */
	bool any;           /* one is written */
};

/*
 * cli_report: write report; returns false when stdout fails (the caller
 * sets its exit status).
 */
bool cli_report(struct cli_reports *r, const json_t *report);

/*
 * cli_report_json: the same for a report already written as one compact
 * JSON document (n bytes, no line end): copied out as it is, or read
 * back for the text printer.
 */
bool cli_report_json(struct cli_reports *r, const char *json, size_t n);

/* cli_reports_end: close the JSON array ("[]" when there was none). */
void cli_reports_end(const struct cli_reports *r);

/* cli_json_str: obj[key] when it is a string, else dflt. */
const char *cli_json_str(const json_t *obj, const char *key, const char *dflt);

#endif
