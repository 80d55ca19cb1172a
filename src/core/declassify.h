/*
 * MOAT_DECLASSIFY(p, n): marks @p n bytes at @p p, derived from secrets, as
 * public from here on (a verdict such as "the tag matched" or "the scalar is
 * in range", or an output such as a signature).
 *
 * Each use is an audited statement that branching on the value leaks nothing
 * the caller does not learn anyway from the result. In normal builds it
 * compiles to nothing. The constant-time test (tests/ct) builds the library
 * with MOAT_CT_VALGRIND, where secrets are tracked by valgrind's memcheck as
 * "undefined": then any branch or memory index that depends on a secret and
 * is not behind a MOAT_DECLASSIFY is reported and fails the test.
 */
#ifndef MOAT_CORE_DECLASSIFY_H
#define MOAT_CORE_DECLASSIFY_H

#if defined(MOAT_CT_VALGRIND)
#include <valgrind/memcheck.h>
#define MOAT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define MOAT_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif /* MOAT_CORE_DECLASSIFY_H */
