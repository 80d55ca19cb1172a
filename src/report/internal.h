/*
 * Failure reporting: helpers shared by the device side (ring.c) and the
 * token side (token.c). Internal; moat types only.
 */
#ifndef MOAT_REPORT_INTERNAL_H
#define MOAT_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/report.h"
#include "moat/json.h"

/* true when s[0..len) is printable ASCII (0x20..0x7E) and len in [min, max]. */
bool moat_report_text_ok_(const char *s, size_t len, size_t min, size_t max);

/* Length of a NUL-terminated string, scanning at most max + 1 bytes;
 * returns max + 1 when it is longer than max. */
size_t moat_report_strnlen_(const char *s, size_t max);

/* Kind from its JSON name (len bytes); 0 if unknown. */
moat_report_kind moat_report_kind_from_name_(const char *s, size_t len);

/* Append one event object to w: {"id","kind","component","version","code",
 * "time"|"boot"}. The event must be valid (as stored). */
void moat_report_write_event_(moat_json_writer *w, const moat_report_event *ev);

#endif /* MOAT_REPORT_INTERNAL_H */
