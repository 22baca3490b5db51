/*
 * lf_findings.c: names that lie, dangerous content, types that disagree.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lf/findings.h"
#include "lf/text.h"

/* Extensions Windows runs, or hands to a script host. */
static const char *const executable_ext[] = {"exe", "com", "scr", "pif", "bat",
    "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "ps1", "psm1", "psd1",
    "hta", "msi", "msp", "mst", "jar", "lnk", "cpl", "dll", "reg", "scf", "inf",
    "gadget", "application", "appref-ms", "chm", "sct", "xll", "url", "iqy",
    "slk", "msc", "ocx", "sys", "drv", "appx", "msix", "appxbundle", "vb", "ws",
    NULL};

/* Extensions a lure wants the reader to see. */
static const char *const document_ext[] = {"pdf", "doc", "docx", "xls", "xlsx",
    "ppt", "pptx", "txt", "rtf", "jpg", "jpeg", "png", "gif", "bmp", "tif",
    "tiff", "htm", "html", "csv", "odt", "ods", "zip", "rar", "7z", "mp3",
    "mp4", "wav", "avi", "eml", "msg", "xml", "json", NULL};

static const char *const macro_ext[] = {"docm", "dotm", "xlsm", "xltm", "xlam",
    "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm", NULL};

static bool
in_list(const char *const *list, const char *ext)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++) {
		if (strcasecmp(list[i], ext) == 0)
			return true;
	}
	return false;
}

static int
add(json_t *arr, const char *code, const char *severity, const char *detail,
    struct lf_error *err)
{
	json_t *f = json_pack("{s:s, s:s, s:s}", "code", code, "severity",
	    severity, "detail", detail);

	if (f == NULL || json_array_append_new(arr, f) != 0)
		return lf_error_set(err, LF_E_NOMEM, "findings");
	return LF_OK;
}

/*
 * The extension before the last dot, and the one before it, as Windows
 * sees the name: trailing dots and blanks are ignored there.
 */
static void
extensions(const uint8_t *p, size_t n, char last[16], char prev[16],
    size_t *blanks_before_last)
{
	size_t end = n, dot, pdot, len, i;

	last[0] = prev[0] = '\0';
	*blanks_before_last = 0;
	while (end > 0 && (p[end - 1] == '.' || p[end - 1] == ' '))
		end--;
	for (dot = end; dot > 0 && p[dot - 1] != '.'; dot--)
		;
	if (dot == 0)
		return;
	len = end - dot;
	if (len == 0 || len >= 16)
		return;
	memcpy(last, p + dot, len);
	last[len] = '\0';
	for (i = dot - 1; i > 0 && p[i - 1] == ' '; i--)
		(*blanks_before_last)++;
	for (pdot = i; pdot > 0 && p[pdot - 1] != '.'; pdot--)
		;
	if (pdot == 0)
		return;
	len = i - pdot;
	if (len == 0 || len >= 16)
		return;
	memcpy(prev, p + pdot, len);
	prev[len] = '\0';
}

static bool
is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c;
}

static bool
device_name(const uint8_t *p, size_t n)
{
	static const char *const names[] = {"con", "prn", "aux", "nul", NULL};
	size_t base = 0;
	char b[8];

	while (base < n && p[base] != '.' && base < sizeof(b) - 1) {
		b[base] = (char)tolower(p[base]);
		base++;
	}
	if (base < n && p[base] != '.')
		return false;
	b[base] = '\0';
	if (in_list(names, b))
		return true;
	return base == 4 &&
	    (strncmp(b, "com", 3) == 0 || strncmp(b, "lpt", 3) == 0) &&
	    b[3] >= '1' && b[3] <= '9';
}

int
lf_findings_name(json_t *arr, const uint8_t *p, size_t n, struct lf_error *err)
{
	bool bidi = false, invisible = false, control = false, path = false;
	char last[16], prev[16];
	size_t i = 0, k, blanks;
	uint32_t cp;
	int rc = LF_OK;

	while (i < n) {
		if ((k = lf_utf8_decode(p + i, n - i, &cp)) == 0) {
			i++;
			continue;
		}
		if (is_bidi(cp))
			bidi = true;
		else if (lf_char_is_deceptive(cp))
			invisible = true;
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			control = true;
		if (cp == '/' || cp == '\\')
			path = true;
		i += k;
	}
	if ((n >= 2 && p[1] == ':' && isalpha(p[0])) ||
	    (n == 2 && memcmp(p, "..", 2) == 0) ||
	    (n >= 3 && memcmp(p, "../", 3) == 0))
		path = true;
	if (bidi)
		rc = add(arr, "name.bidi", "high",
		    "a bidi control reorders how the name shows", err);
	if (rc == LF_OK && invisible)
		rc = add(arr, "name.invisible", "high",
		    "an invisible character in the name", err);
	if (rc == LF_OK && control)
		rc = add(arr, "name.control", "medium",
		    "control characters in the name", err);
	if (rc == LF_OK && path)
		rc = add(arr, "name.path", "medium", "the name holds a path",
		    err);
	if (rc == LF_OK && device_name(p, n))
		rc = add(arr, "name.device", "medium", "a Windows device name",
		    err);
	if (rc == LF_OK && n > 255)
		rc = add(arr, "name.long", "low", "over 255 bytes", err);
	extensions(p, n, last, prev, &blanks);
	if (rc == LF_OK && last[0] != '\0' && in_list(executable_ext, last)) {
		if (prev[0] != '\0' && in_list(document_ext, prev))
			rc = add(arr, "name.double-extension", "high",
			    "a document extension before an executable one",
			    err);
		else if (blanks >= 3)
			rc = add(arr, "name.double-extension", "high",
			    "blanks push the real extension out of sight", err);
		if (rc == LF_OK)
			rc = add(arr, "name.executable", "medium",
			    "an extension Windows runs", err);
	}
	return rc;
}

enum family {
	FAM_UNKNOWN,
	FAM_PDF,
	FAM_IMAGE,
	FAM_TEXT,
	FAM_HTML,
	FAM_ZIP, /* zip and what is built on it: OOXML, ODF, JAR */
	FAM_OLE, /* compound files: legacy Office, MSI, MSG */
	FAM_RTF,
	FAM_ARCHIVE,
	FAM_EXECUTABLE,
	FAM_SCRIPT,
	FAM_MEDIA,
	FAM_MESSAGE,
};

static const char *const family_name[] = {"unknown", "pdf", "image", "text",
    "html", "zip", "ole", "rtf", "archive", "executable", "script", "media",
    "message"};

static enum family
mime_family(const char *mime)
{
	static const struct {
		const char *prefix;
		enum family f;
	} map[] = {
	    {"application/pdf", FAM_PDF},
	    {"image/", FAM_IMAGE},
	    {"text/html", FAM_HTML},
	    {"application/xhtml", FAM_HTML},
	    {"text/x-shellscript", FAM_SCRIPT},
	    {"text/x-msdos-batch", FAM_SCRIPT},
	    {"application/javascript", FAM_SCRIPT},
	    {"text/javascript", FAM_SCRIPT},
	    {"application/x-ms-shortcut", FAM_SCRIPT},
	    {"text/rtf", FAM_RTF},
	    {"application/rtf", FAM_RTF},
	    {"text/", FAM_TEXT},
	    {"application/zip", FAM_ZIP},
	    {"application/java-archive", FAM_ZIP},
	    {"application/vnd.openxmlformats", FAM_ZIP},
	    {"application/vnd.oasis", FAM_ZIP},
	    {"application/vnd.ms-word.", FAM_ZIP},
	    {"application/vnd.ms-excel.", FAM_ZIP},
	    {"application/vnd.ms-powerpoint.", FAM_ZIP},
	    {"application/msword", FAM_OLE},
	    {"application/vnd.ms-excel", FAM_OLE},
	    {"application/vnd.ms-powerpoint", FAM_OLE},
	    {"application/vnd.ms-outlook", FAM_OLE},
	    {"application/x-ole-storage", FAM_OLE},
	    {"application/cdfv2", FAM_OLE},
	    {"application/x-msi", FAM_EXECUTABLE},
	    {"application/x-dosexec", FAM_EXECUTABLE},
	    {"application/x-msdownload", FAM_EXECUTABLE},
	    {"application/vnd.microsoft.portable-executable", FAM_EXECUTABLE},
	    {"application/x-executable", FAM_EXECUTABLE},
	    {"application/x-sharedlib", FAM_EXECUTABLE},
	    {"application/x-pie-executable", FAM_EXECUTABLE},
	    {"application/x-mach-binary", FAM_EXECUTABLE},
	    {"application/x-rar", FAM_ARCHIVE},
	    {"application/vnd.rar", FAM_ARCHIVE},
	    {"application/x-7z", FAM_ARCHIVE},
	    {"application/gzip", FAM_ARCHIVE},
	    {"application/x-gzip", FAM_ARCHIVE},
	    {"application/x-bzip2", FAM_ARCHIVE},
	    {"application/x-xz", FAM_ARCHIVE},
	    {"application/x-tar", FAM_ARCHIVE},
	    {"application/x-iso9660", FAM_ARCHIVE},
	    {"application/vnd.ms-cab", FAM_ARCHIVE},
	    {"audio/", FAM_MEDIA},
	    {"video/", FAM_MEDIA},
	    {"message/", FAM_MESSAGE},
	};
	size_t i;

	if (mime == NULL)
		return FAM_UNKNOWN;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strncasecmp(mime, map[i].prefix, strlen(map[i].prefix)) ==
		    0)
			return map[i].f;
	}
	return FAM_UNKNOWN;
}

static enum family
ext_family(const char *ext)
{
	static const struct {
		const char *ext;
		enum family f;
	} map[] = {
	    {"pdf", FAM_PDF},
	    {"jpg", FAM_IMAGE},
	    {"jpeg", FAM_IMAGE},
	    {"png", FAM_IMAGE},
	    {"gif", FAM_IMAGE},
	    {"bmp", FAM_IMAGE},
	    {"tif", FAM_IMAGE},
	    {"tiff", FAM_IMAGE},
	    {"txt", FAM_TEXT},
	    {"csv", FAM_TEXT},
	    {"htm", FAM_HTML},
	    {"html", FAM_HTML},
	    {"docx", FAM_ZIP},
	    {"xlsx", FAM_ZIP},
	    {"pptx", FAM_ZIP},
	    {"docm", FAM_ZIP},
	    {"xlsm", FAM_ZIP},
	    {"pptm", FAM_ZIP},
	    {"odt", FAM_ZIP},
	    {"zip", FAM_ZIP},
	    {"jar", FAM_ZIP},
	    {"doc", FAM_OLE},
	    {"xls", FAM_OLE},
	    {"ppt", FAM_OLE},
	    {"msg", FAM_OLE},
	    {"rtf", FAM_RTF},
	    {"rar", FAM_ARCHIVE},
	    {"7z", FAM_ARCHIVE},
	    {"gz", FAM_ARCHIVE},
	    {"iso", FAM_ARCHIVE},
	    {"exe", FAM_EXECUTABLE},
	    {"dll", FAM_EXECUTABLE},
	    {"scr", FAM_EXECUTABLE},
	    {"msi", FAM_EXECUTABLE},
	    {"eml", FAM_MESSAGE},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcasecmp(ext, map[i].ext) == 0)
			return map[i].f;
	}
	return FAM_UNKNOWN;
}

/* Families a reader would not call a mismatch. */
static bool
compatible(enum family a, enum family b)
{
	if (a == FAM_UNKNOWN || b == FAM_UNKNOWN || a == b)
		return true;
	/* libmagic calls HTML, RTF, CSV and scripts text, often enough. */
	if (b == FAM_TEXT && (a == FAM_HTML || a == FAM_RTF || a == FAM_TEXT))
		return true;
	return false;
}

static int
mismatch(json_t *arr, const char *what, const char *declared, enum family real,
    struct lf_error *err)
{
	/* Room for the longest declared value lf_findings_type passes. */
	char detail[512];

	(void)snprintf(detail, sizeof(detail), "%s %s, content %s", what,
	    declared, family_name[real]);
	return add(arr, "type.mismatch",
	    real == FAM_EXECUTABLE || real == FAM_SCRIPT ? "high" : "medium",
	    detail, err);
}

int
lf_findings_type(json_t *arr, const char *type, const char *subtype,
    const uint8_t *name, size_t n, const char *mime, const char *description,
    struct lf_error *err)
{
	char declared[260], last[16], prev[16], dext[20];
	enum family real = mime_family(mime), decl, byext;
	size_t blanks;
	int rc = LF_OK;

	(void)snprintf(declared, sizeof(declared), "%s/%s", type, subtype);
	decl = type[0] != '\0' && strcmp(declared, "application/octet-stream") ?
	    mime_family(declared) :
	    FAM_UNKNOWN;
	last[0] = '\0';
	if (name != NULL)
		extensions(name, n, last, prev, &blanks);
	byext = last[0] != '\0' ? ext_family(last) : FAM_UNKNOWN;
	if (real == FAM_EXECUTABLE)
		rc = add(arr, "content.executable", "high",
		    description != NULL ? description : mime, err);
	else if (real == FAM_SCRIPT)
		rc = add(arr, "content.script", "high",
		    description != NULL ? description : mime, err);
	if (rc == LF_OK &&
	    ((last[0] != '\0' && in_list(macro_ext, last)) ||
	        strcasestr(subtype, "macroenabled") != NULL))
		rc = add(arr, "content.macro-office", "high",
		    "a macro-enabled Office document", err);
	if (rc == LF_OK && real != FAM_UNKNOWN && !compatible(decl, real))
		rc = mismatch(arr, "declared", declared, real, err);
	if (rc == LF_OK && real != FAM_UNKNOWN && !compatible(byext, real)) {
		(void)snprintf(dext, sizeof(dext), ".%s", last);
		rc = mismatch(arr, "extension", dext, real, err);
	}
	return rc;
}

void
lf_dataurl_init(struct lf_dataurl_scan *s)
{
	memset(s, 0, sizeof(*s));
}

static bool
mime_char(uint8_t c)
{
	return isalnum(c) || c == '.' || c == '+' || c == '-';
}

/* "data:" at p[i], then type/subtype: a data: URL. */
static bool
dataurl_at(const uint8_t *p, size_t n, size_t i)
{
	size_t k = i + 5, t = 0, s = 0;

	if (n - i < 5 || strncasecmp((const char *)p + i, "data:", 5) != 0)
		return false;
	while (k < n && mime_char(p[k])) {
		k++;
		t++;
	}
	if (t == 0 || k >= n || p[k] != '/')
		return false;
	for (k++; k < n && mime_char(p[k]); k++)
		s++;
	return s > 0;
}

void
lf_dataurl_update(struct lf_dataurl_scan *s, const uint8_t *p, size_t n)
{
	uint8_t joined[2 * sizeof(s->tail)];
	size_t head = n < sizeof(s->tail) ? n : sizeof(s->tail);
	size_t i, jn;

	/* Matches that straddle the last piece and this one. */
	memcpy(joined, s->tail, s->ntail);
	memcpy(joined + s->ntail, p, head);
	jn = s->ntail + head;
	for (i = 0; i < s->ntail; i++) {
		if ((joined[i] == 'd' || joined[i] == 'D') &&
		    dataurl_at(joined, jn, i) &&
		    (i + 5 > s->ntail || !dataurl_at(s->tail, s->ntail, i)))
			s->count++;
	}
	for (i = 0; i + 5 <= n; i++) {
		if ((p[i] == 'd' || p[i] == 'D') && dataurl_at(p, n, i))
			s->count++;
	}
	/* Keep the end: a match may start there and finish next time. */
	if (n >= sizeof(s->tail)) {
		memcpy(s->tail, p + n - sizeof(s->tail), sizeof(s->tail));
		s->ntail = sizeof(s->tail);
	} else {
		size_t keep = s->ntail + n > sizeof(s->tail) ?
		    sizeof(s->tail) - n :
		    s->ntail;
		memmove(s->tail, s->tail + s->ntail - keep, keep);
		memcpy(s->tail + keep, p, n);
		s->ntail = keep + n;
	}
}
