/**
 * @file eat_internal.h
 * @brief Helpers shared by the evidence, verifier and appraisal sources
 *        (internal, not installed).
 */
#ifndef MOAT_ATTEST_EAT_INTERNAL_H
#define MOAT_ATTEST_EAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/attest.h"

/** CoAP content format of application/json (RFC 7252 section 12.3): the
 *  content-type of moat's measurements-format entries. */
#define MOAT_EAT_MEAS_CONTENT_TYPE 50

/** Largest exact JSON integer (2^53 - 1). */
#define MOAT_EAT_JSON_INT_MAX 9007199254740991LL

/** Named Information hash algorithm name (IANA registry) of @p alg, or NULL. */
const char *moat_eat_alg_name(moat_hash_alg alg);

/** Hash algorithm of a Named Information name, 0 when unknown. */
moat_hash_alg moat_eat_alg_from_name(const char *s, size_t len);

/** dbgstat from its RFC 9711 JSON text; false when unknown. */
bool moat_eat_dbgstat_parse(const char *s, size_t len, moat_eat_dbgstat *out);

/** Append base64url(@p data) as a JSON string (quoted) to @p w. */
void moat_eat_write_b64url(moat_json_writer *w, const uint8_t *data, size_t len);

/** Decode a JSON string holding canonical base64url of @p min..@p max bytes
 *  into @p out (capacity @p max); false otherwise (out wiped). */
bool moat_eat_get_b64url(const moat_json *v, uint8_t *out, size_t min, size_t max,
                         size_t *out_len);

/** Copy a JSON string of 1..MOAT_EAT_STRING_MAX bytes into @p out
 *  (MOAT_EAT_STRING_MAX + 1 bytes, NUL-terminated); false otherwise. */
bool moat_eat_get_text(const moat_json *v, char out[MOAT_EAT_STRING_MAX + 1u]);

#endif /* MOAT_ATTEST_EAT_INTERNAL_H */
