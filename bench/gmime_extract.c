/*
 * gmime_extract: the peer that lf-extract is timed against.  It does with
 * GMime 3 what a careful program built on that library would do: parse
 * every message of an mbox or of a set of .eml files, walk every part
 * (attached messages included), and decode every leaf.
 *
 *   gmime_extract [-v] --decode | --sha256 | --write DIR  INPUT...
 *
 * An INPUT that starts with "From " is read as an mbox, any other file as
 * one message, a directory as its files in name order.  --decode decodes
 * into a null stream, --sha256 also hashes each leaf with GLib's GChecksum
 * (GMimeFilterChecksum), --write DIR writes each leaf to DIR/<counter>.
 * With -v, --sha256 prints "sha256<TAB>filename" per leaf on stdout.
 * Counts go to stderr.  Exit status: 0 success, 1 an input failed, 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#define PROG "gmime_extract"
#define MAX_DEPTH 64 /* nesting of multiparts and attached messages */

enum mode { MODE_NONE, MODE_DECODE, MODE_SHA256, MODE_WRITE };

struct state {
	enum mode mode;
	const char *dir; /* --write */
	bool verbose;
	GMimeStream *null; /* shared sink of --decode and --sha256 */
	unsigned long messages;
	unsigned long leaves;
	unsigned long attachments;
	unsigned long long bytes; /* decoded */
	int status;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-v] --decode | --sha256 | --write DIR "
		   "INPUT...\n");
}

static ssize_t
decode_sha256(struct state *st, GMimeDataWrapper *content, GMimePart *part)
{
	GMimeStream *fs;
	GMimeFilter *sum;
	ssize_t n;
	gchar *hex;
	const char *name;

	fs = g_mime_stream_filter_new(st->null);
	sum = g_mime_filter_checksum_new(G_CHECKSUM_SHA256);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), sum);
	n = g_mime_data_wrapper_write_to_stream(content, fs);
	/* The filter holds back nothing, but flushing is what closes it. */
	if (n >= 0 && g_mime_stream_flush(fs) != 0)
		n = -1;
	if (n >= 0 && st->verbose) {
		hex = g_mime_filter_checksum_get_string(
		    GMIME_FILTER_CHECKSUM(sum));
		name = g_mime_part_get_filename(part);
		printf("%s\t%s\n", hex, name != NULL ? name : "-");
		g_free(hex);
	}
	g_object_unref(sum);
	g_object_unref(fs);
	return n;
}

static ssize_t
decode_write(struct state *st, GMimeDataWrapper *content)
{
	char path[4096];
	GMimeStream *out;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%08lu", st->dir, st->leaves);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, PROG ": cannot create '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	out = g_mime_stream_fs_new(fd); /* owns fd from here */
	n = g_mime_data_wrapper_write_to_stream(content, out);
	if (n >= 0 && g_mime_stream_close(out) != 0)
		n = -1;
	g_object_unref(out);
	return n;
}

static void
leaf(struct state *st, GMimePart *part)
{
	GMimeDataWrapper *content;
	ssize_t n;

	st->leaves++;
	if (g_mime_part_is_attachment(part))
		st->attachments++;
	content = g_mime_part_get_content(part);
	if (content == NULL)
		return; /* no body at all */
	switch (st->mode) {
	case MODE_SHA256:
		n = decode_sha256(st, content, part);
		break;
	case MODE_WRITE:
		n = decode_write(st, content);
		break;
	default:
		n = g_mime_data_wrapper_write_to_stream(content, st->null);
		break;
	}
	if (n < 0) {
		fprintf(stderr, PROG ": leaf %lu: cannot decode\n", st->leaves);
		st->status = 1;
		return;
	}
	st->bytes += (unsigned long long)n;
}

static void
walk(struct state *st, GMimeObject *obj, int depth)
{
	GMimeMessage *msg;
	int i, count;

	if (obj == NULL)
		return;
	if (depth > MAX_DEPTH) {
		fprintf(stderr, PROG ": nesting deeper than %d skipped\n",
		    MAX_DEPTH);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (msg != NULL)
			walk(st, g_mime_message_get_mime_part(msg), depth + 1);
	} else if (GMIME_IS_MULTIPART(obj)) {
		count = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < count; i++)
			walk(st,
			    g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		leaf(st, GMIME_PART(obj));
	}
}

static void
parse_file(struct state *st, const char *path)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	char head[5];
	ssize_t n;
	bool mbox;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", path,
		    strerror(errno));
		st->status = 1;
		return;
	}
	n = pread(fd, head, sizeof(head), 0);
	mbox = n == (ssize_t)sizeof(head) && memcmp(head, "From ", 5) == 0;
	stream = g_mime_stream_fs_new(fd); /* owns fd from here */
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser,
	    mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
	/* Default options: parts keep offsets into the file (persist). */
	while (!g_mime_parser_eos(parser)) {
		msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL) {
			if (!mbox || !g_mime_parser_eos(parser)) {
				fprintf(stderr, PROG ": '%s': no message at "
				    "offset %lld\n", path,
				    (long long)g_mime_parser_tell(parser));
				st->status = 1;
			}
			break;
		}
		st->messages++;
		walk(st, g_mime_message_get_mime_part(msg), 0);
		g_object_unref(msg);
		if (!mbox)
			break;
	}
	g_object_unref(parser);
	g_object_unref(stream);
}

static void
parse_path(struct state *st, const char *path, int depth)
{
	struct dirent **names;
	struct stat sb;
	char *sub;
	int i, n;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", path,
		    strerror(errno));
		st->status = 1;
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		parse_file(st, path);
		return;
	}
	if (depth > MAX_DEPTH)
		return;
	/* Name order, so that --write numbers leaves the same way twice. */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, PROG ": cannot read '%s': %s\n", path,
		    strerror(errno));
		st->status = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			sub = g_build_filename(path, names[i]->d_name, NULL);
			parse_path(st, sub, depth + 1);
			g_free(sub);
		}
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"decode", no_argument, NULL, 'd'},
		{"sha256", no_argument, NULL, 's'},
		{"write", required_argument, NULL, 'w'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct state st;
	int c, i;

	memset(&st, 0, sizeof(st));
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			st.mode = MODE_DECODE;
			break;
		case 's':
			st.mode = MODE_SHA256;
			break;
		case 'w':
			st.mode = MODE_WRITE;
			st.dir = optarg;
			break;
		case 'v':
			st.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (st.mode == MODE_NONE || optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (st.mode == MODE_WRITE && mkdir(st.dir, 0755) != 0 &&
	    errno != EEXIST) {
		fprintf(stderr, PROG ": cannot create '%s': %s\n", st.dir,
		    strerror(errno));
		return 1;
	}

	g_mime_init();
	st.null = g_mime_stream_null_new();
	for (i = optind; i < argc; i++)
		parse_path(&st, argv[i], 0);
	g_object_unref(st.null);
	g_mime_shutdown();

	fprintf(stderr, PROG ": %lu messages, %lu leaves, %lu attachments, "
	    "%llu bytes decoded\n", st.messages, st.leaves, st.attachments,
	    st.bytes);
	return st.status;
}
