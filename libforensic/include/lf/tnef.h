/*
 * lf/tnef.h: read TNEF (application/ms-tnef, winmail.dat; MS-OXTNEF)
 * into the container events of lf/container.h.
 *
 * What is reported, for the message and for each attached message inside
 * it (between that entry's begin and end, with it as parent):
 *
 *   properties   "subject", "from", "date" (RFC 3339 UTC), "message-id",
 *                "message-class", "transport-headers"; UTF-8.  A property
 *                given twice with the same value (an attribute and its
 *                MAPI twin) is reported once; different values are both
 *                reported.  Each row of the recipient table
 *                (attRecipTable) is a "to", "cc" or "bcc" property, by
 *                its PR_RECIPIENT_TYPE, "Name <address>" (the SMTP
 *                address when there is one), as lf/msg.h reports an
 *                Outlook message's recipients.
 *   bodies       LF_ENTRY_BODY "body/plain" (role "body.plain", UTF-8),
 *                "body/html" ("body.html", bytes as stored unless stored
 *                as UTF-16, then UTF-8), "body/rtf" ("body.rtf", the
 *                decompressed RTF).
 *   attachments  "attach/1", "attach/2" ...: LF_ENTRY_FILE with role
 *                "attachment", or "ole-object" (attach method 6), or
 *                LF_ENTRY_MESSAGE with role "message" for an attached
 *                message (its data is the nested TNEF stream).
 *
 * The anomaly codes are listed at the top of lf_tnef.c.
 */
#ifndef LF_TNEF_H
#define LF_TNEF_H

#include "lf/container.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

/* The first four bytes of every TNEF stream, little-endian. */
#define LF_TNEF_SIGNATURE 0x223e9f78u

/*
 * lf_tnef_read: walk the TNEF stream in src and report it through ev
 * (whose members may be NULL) with arg.  Nesting of attached messages is
 * bounded by l->container_depth, attributes per message by
 * l->container_entries; memory does not grow with the sizes the stream
 * declares, only with l (decompressed RTF is held up to
 * l->container_size).  Returns LF_OK (malformed streams included: what
 * is wrong is an anomaly), LF_E_FORMAT (no TNEF signature; nothing is
 * reported), LF_E_NOMEM, LF_E_IO (reading src), or the non-zero value an
 * event returned, which stops the walk.  err (may be NULL) is filled on
 * every failure but an event's.
 */
int lf_tnef_read(const struct lf_source *src, const struct lf_limits *l,
    const struct lf_container_events *ev, void *arg, struct lf_error *err);

#endif
