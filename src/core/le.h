/*
 * Little-endian encoding of fixed-width integers for moat's persistent
 * record formats (update root and install records, failure-report slots):
 * one definition, byte-exact on every target whatever its endianness.
 */
#ifndef MOAT_CORE_LE_H
#define MOAT_CORE_LE_H

#include <stdint.h>

static inline void moat_le_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void moat_le_put64(uint8_t *p, uint64_t v)
{
    moat_le_put32(p, (uint32_t)v);
    moat_le_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t moat_le_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline uint64_t moat_le_get64(const uint8_t *p)
{
    return (uint64_t)moat_le_get32(p) | ((uint64_t)moat_le_get32(p + 4) << 32);
}

#endif /* MOAT_CORE_LE_H */
