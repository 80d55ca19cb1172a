/**
 * @file wipe.c
 * @brief moat_wipe(): zeroing that the compiler may not remove.
 *
 * With GCC/clang: memset() followed by an empty asm statement that takes the
 * pointer as input and clobbers memory. The compiler must assume the asm
 * reads the zeroed bytes, so the memset cannot be treated as a dead store
 * and removed, and it still runs at memset speed (large JSON arenas are wiped
 * on every failed parse). Elsewhere: byte stores through a volatile lvalue
 * (C11 6.7.3p7: volatile accesses are side effects that must be performed).
 * A port may provide its own implementation (e.g. a hardware scrubber) by
 * building with MOAT_WIPE_OVERRIDE defined.
 */
#include <string.h>

#include "moat/core.h"

#ifndef MOAT_WIPE_OVERRIDE
void moat_wipe(void *p, size_t len)
{
    if (p == NULL || len == 0u) {
        return;
    }
#if defined(__GNUC__) || defined(__clang__)
    memset(p, 0, len);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    {
        volatile unsigned char *v = (volatile unsigned char *)p;
        size_t i;
        for (i = 0; i < len; i++) {
            v[i] = 0u;
        }
    }
#endif
}
#endif /* MOAT_WIPE_OVERRIDE */
