/**
 * @file ct.c
 * @brief Constant-time comparison helpers.
 *
 * Both functions touch every byte and accumulate with OR (no early exit), and
 * turn the accumulator into a 0/1 result arithmetically, without branching on
 * data, so their timing depends on the length only.
 */
#include "moat/core.h"

/* 1 if acc == 0 else 0, computed without a data-dependent branch:
 * (acc - 1) has bit 31 set only when acc was 0 (acc fits in 8 bits). */
static uint32_t ct_byte_is_zero(uint32_t acc)
{
    return ((acc - 1u) >> 31) & 1u;
}

bool moat_ct_equal(const void *a, const void *b, size_t len)
{
    const volatile unsigned char *pa = (const volatile unsigned char *)a;
    const volatile unsigned char *pb = (const volatile unsigned char *)b;
    uint32_t acc = 0u;
    size_t i;

    for (i = 0; i < len; i++) {
        acc |= (uint32_t)(pa[i] ^ pb[i]);
    }
    return ct_byte_is_zero(acc) != 0u;
}

uint32_t moat_ct_is_zero(const void *x, size_t len)
{
    const volatile unsigned char *p = (const volatile unsigned char *)x;
    uint32_t acc = 0u;
    size_t i;

    for (i = 0; i < len; i++) {
        acc |= (uint32_t)p[i];
    }
    return ct_byte_is_zero(acc);
}
