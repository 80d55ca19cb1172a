/**
 * @file sealed_internal.h
 * @brief Helpers shared by the sealed-message sources (internal).
 */
#ifndef MOAT_MSG_SEALED_INTERNAL_H
#define MOAT_MSG_SEALED_INTERNAL_H

#include <stddef.h>
#include <stdbool.h>

/**
 * True if @p s is a NUL-terminated id of 1..@p max bytes of printable
 * ASCII 0x21-0x7e other than '"' and '\\' (so it needs no JSON escaping);
 * its length goes to @p len (may be NULL).
 */
bool moat_msg_id_valid(const char *s, size_t max, size_t *len);

#endif /* MOAT_MSG_SEALED_INTERNAL_H */
