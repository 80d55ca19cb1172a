/**
 * @file wipe.c
 * @brief moat_wipe(): zeroing that the compiler may not remove.
 *
 * Each byte is written through a volatile lvalue (C11 6.7.3p7: accesses to
 * volatile objects are side effects that must be performed), then a compiler
 * barrier tells GCC/clang that memory may have been observed, so neither the
 * stores nor an earlier "dead" write can be elided. A port may provide its own
 * implementation by building with MOAT_WIPE_OVERRIDE defined.
 */
#include "moat/core.h"

#ifndef MOAT_WIPE_OVERRIDE
void moat_wipe(void *p, size_t len)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    size_t i;

    if (p == NULL) {
        return;
    }
    for (i = 0; i < len; i++) {
        v[i] = 0u;
    }
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(p) : "memory");
#endif
}
#endif /* MOAT_WIPE_OVERRIDE */
