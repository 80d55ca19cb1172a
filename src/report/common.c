/*
 * Failure reporting: field rules and the JSON form of one event, shared by
 * the ring (export) and the service side (verification). The claims and
 * their names are documented in include/moat/report.h and docs/reports.md;
 * JSON per RFC 8259, written with moat's bounded writer.
 */
#include <string.h>

#include "report/internal.h"

/* JSON names, indexed by moat_report_kind (0 unused). */
static const char *const kind_names[] = {
    NULL, "crash", "watchdog_reset", "update_failure", "attestation_failure",
    "security_violation",
};
#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

const char *moat_report_kind_name(moat_report_kind kind)
{
    if ((unsigned)kind == 0u || (unsigned)kind >= KIND_COUNT) {
        return NULL;
    }
    return kind_names[(unsigned)kind];
}

moat_report_kind moat_report_kind_from_name_(const char *s, size_t len)
{
    size_t i;
    if (s == NULL) {
        return (moat_report_kind)0;
    }
    for (i = 1; i < KIND_COUNT; ++i) {
        if (strlen(kind_names[i]) == len && memcmp(kind_names[i], s, len) == 0) {
            return (moat_report_kind)i;
        }
    }
    return (moat_report_kind)0;
}

bool moat_report_text_ok_(const char *s, size_t len, size_t min, size_t max)
{
    size_t i;
    if (len < min || len > max || (s == NULL && len != 0)) {
        return false;
    }
    for (i = 0; i < len; ++i) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20u || c > 0x7Eu) {
            return false;
        }
    }
    return true;
}

size_t moat_report_strnlen_(const char *s, size_t max)
{
    size_t n = 0;
    if (s == NULL) {
        return max + 1u;
    }
    while (n <= max && s[n] != '\0') {
        ++n;
    }
    return n;
}

void moat_report_write_event_(moat_json_writer *w, const moat_report_event *ev)
{
    const char *kind = moat_report_kind_name(ev->kind);
    moat_json_write_cstr(w, "{\"id\":");
    moat_json_write_int(w, (int64_t)ev->id);
    moat_json_write_cstr(w, ",\"kind\":");
    moat_json_write_string(w, kind, kind != NULL ? strlen(kind) : 0u);
    moat_json_write_cstr(w, ",\"component\":");
    moat_json_write_string(w, ev->component,
                           moat_report_strnlen_(ev->component, MOAT_REPORT_COMPONENT_MAX));
    moat_json_write_cstr(w, ",\"version\":");
    moat_json_write_string(w, ev->version,
                           moat_report_strnlen_(ev->version, MOAT_REPORT_VERSION_MAX));
    moat_json_write_cstr(w, ",\"code\":");
    moat_json_write_int(w, (int64_t)ev->code);
    if (ev->has_time) {
        moat_json_write_cstr(w, ",\"time\":");
        moat_json_write_int(w, ev->time);
    } else {
        moat_json_write_cstr(w, ",\"boot\":");
        moat_json_write_int(w, (int64_t)ev->boot);
    }
    moat_json_write_cstr(w, "}");
}
