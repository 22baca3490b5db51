/*
 * lf/msg.h: Outlook .msg files (MS-OXMSG), read into the container
 * events of lf/container.h.
 *
 * What is reported, for the message (entry NULL) and for each embedded
 * message (its MESSAGE entry), in this order:
 *
 *   properties  "subject", "from" ("Name <addr>", or whichever of the two
 *               exists, the address alone when the name is the address), "to", "cc", "bcc" (one call per recipient, same
 *               form), "date" (client submit time, else delivery time,
 *               RFC 3339 UTC), "delivery-date", "message-id",
 *               "message-class", "transport-headers" (verbatim)
 *   bodies      LF_ENTRY_BODY "body/plain" (role "body.plain"),
 *               "body/html" ("body.html"), "body/rtf" ("body.rtf", the
 *               decompressed RTF), all as UTF-8 except HTML kept as
 *               binary when no code page says what it is
 *   attachments "attach/1", "attach/2", ... in directory order:
 *               by value: LF_ENTRY_FILE, role "attachment";
 *               embedded message: LF_ENTRY_MESSAGE, role "message", its
 *               own properties, bodies and attachments between its begin
 *               and end ("attach/2/attach/1", "attach/2/body/plain");
 *               OLE object: LF_ENTRY_FILE, role "ole-object", the file
 *               an OLE Package holds ("\001Ole10Native"), else the
 *               "CONTENTS" or "Package" stream.
 *
 * Strings are read as UTF-16LE (type 001F) or in the message's code page
 * (001E: PidTagMessageCodepage, else PidTagInternetCodepage, else
 * windows-1252); a trailing NUL is not part of them.  A name's raw bytes
 * are as stored (UTF-16LE for 001F), less the terminating NUL.
 *
 * Anomalies (besides the "cfb." ones of lf/cfb.h):
 *   msg.no-properties       medium  a message or attachment without
 *                                   __properties_version1.0
 *   msg.bad-properties      low     a properties stream whose length is
 *                                   not a header plus 16-byte entries
 *   msg.bad-string          medium  a string with invalid code units or
 *                                   bytes (replaced by U+FFFD)
 *   msg.unknown-codepage    low     a code page iconv does not know
 *                                   (windows-1252 is used)
 *   msg.value-too-large     medium  a property or name cut at its limit
 *                                   (header_bytes; 4,096 bytes for a
 *                                   name or an address), between two
 *                                   characters
 *   msg.bad-date            low     a time outside what RFC 3339 shows
 *   msg.recipient-type      low     a recipient type missing or unknown
 *                                   (reported as "to" when missing)
 *   msg.attach-method       medium  an attachment method that is not by
 *                                   value, embedded message or OLE
 *   msg.attach-no-data      medium  an attachment without its data
 *   msg.ole-bad-native      medium  an Ole10Native stream that cannot be
 *                                   parsed (the whole stream is given)
 *   msg.too-deep            medium  an embedded message past
 *                                   container_depth (or too deep for an
 *                                   entry path): reported without its
 *                                   contents
 *   msg.too-many-entries    medium  more attachments or recipients than
 *                                   container_entries
 *   msg.rtf-bad             medium  compressed RTF that cannot be read
 *                                   (the "rtf." anomalies of lf/rtfcp.h
 *                                   come too)
 */
#ifndef LF_MSG_H
#define LF_MSG_H

#include "lf/container.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

/*
 * lf_msg_read: report the .msg file in src through ev (begin, data, end,
 * property and anomaly must all be set), arg being passed to each.
 * Returns LF_OK (anomalies say what was wrong), LF_E_FORMAT when src is
 * not a compound file at all, LF_E_NOMEM, LF_E_IO, or the non-zero value
 * an event returned, which stops the reading at once.  Nothing is owned
 * by the caller afterwards.
 */
int lf_msg_read(const struct lf_source *src, const struct lf_limits *l,
    const struct lf_container_events *ev, void *arg, struct lf_error *err);

#endif
