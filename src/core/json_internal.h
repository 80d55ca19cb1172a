/**
 * @file json_internal.h
 * @brief Helpers shared by src/core/json.c and src/core/json_writer.c
 *        (not part of the public API).
 */
#ifndef MOAT_CORE_JSON_INTERNAL_H
#define MOAT_CORE_JSON_INTERNAL_H

#include <stddef.h>

/**
 * @brief Length of the well-formed UTF-8 sequence (RFC 3629 section 4) that
 *        starts at @p p, given @p n >= 1 readable bytes; 0 if it is not
 *        well-formed (stray continuation byte, overlong form, encoded
 *        surrogate, above U+10FFFF, or truncated).
 */
size_t moat_json_utf8_seq_(const unsigned char *p, size_t n);

#endif /* MOAT_CORE_JSON_INTERNAL_H */
