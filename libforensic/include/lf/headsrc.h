/*
 * lf/headsrc.h: the header block of a message kept in a file, as
 * lf/headers.h wants it: the bytes up to and with the empty line that ends
 * an RFC 5322 header, or, for an Outlook .msg, its transport headers
 * (PidTagTransportMessageHeaders) as the server that delivered it wrote
 * them (empty when the message was saved without them).
 */
#ifndef LF_HEADSRC_H
#define LF_HEADSRC_H

#include <stdbool.h>

#include "lf/buf.h"
#include "lf/error.h"
#include "lf/limits.h"

/*
 * lf_headsrc_file: the header block of the message in the file open on
 * fd (read from its start; the offset is left anywhere) into out, reset
 * first: at most limits->header_bytes of it (more is cut, as lf-headers
 * cuts it).  *outlook says whether the file was an Outlook .msg.
 * Returns LF_OK, LF_E_IO, LF_E_NOMEM, or for a .msg the errors of
 * lf_msg_read (LF_E_FORMAT for a broken compound file).
 */
int lf_headsrc_file(int fd, const struct lf_limits *limits, struct lf_buf *out,
    bool *outlook, struct lf_error *err);

#endif
