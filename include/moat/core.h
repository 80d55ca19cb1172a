/**
 * @file core.h
 * @brief Core helpers: wiping secrets, constant-time comparison, hex and
 *        strict base64url (RFC 4648 section 5, no padding, canonical only).
 *
 * Conventions used by every moat function that writes variable-length output:
 * the caller passes `out`, its capacity `out_cap` and a `size_t *out_len`.
 * If the capacity is insufficient the function returns
 * ::MOAT_ERR_BUFFER_TOO_SMALL, stores the size needed in `*out_len` and leaves
 * `out` wiped (zeroed) over its whole capacity. On any other failure `out` is
 * wiped and `*out_len` is 0.
 *
 * Memory: no heap; every function uses a few dozen bytes of stack and no
 * other state. Thread safety: all functions are reentrant and keep no state
 * between calls; concurrent calls are safe as long as they do not write the
 * same output buffer.
 */
#ifndef MOAT_CORE_H
#define MOAT_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Overwrite @p len bytes at @p p with zeros in a way the compiler may
 *        not elide (memset() followed by a compiler barrier with GCC/clang,
 *        volatile byte stores elsewhere).
 *
 * A port may replace it at link time by defining MOAT_WIPE_OVERRIDE at build
 * time and providing its own moat_wipe() (e.g. one using a hardware scrubber).
 * Cannot fail.
 * @param p may be NULL (then nothing is written).
 * @param len number of bytes to zero (0: nothing is written).
 *
 * Memory: no heap, no stack buffer. Thread safety: reentrant.
 */
void moat_wipe(void *p, size_t len);

/**
 * @brief Constant-time equality of two byte strings of the same length.
 *
 * The running time depends on @p len only, never on the contents (OR of the
 * XORs of all bytes, no early exit, no data-dependent branch). Cannot fail;
 * the pointers are not checked (they may be NULL only when @p len is 0).
 * @param a first string, @p len readable bytes
 * @param b second string, @p len readable bytes
 * @param len their common length
 * @return true when equal (and true for len 0), else false.
 *
 * Memory: no heap, no stack buffer. Thread safety: reentrant.
 */
bool moat_ct_equal(const void *a, const void *b, size_t len);

/**
 * @brief Constant-time test that @p len bytes at @p x are all zero,
 *        without branching on their contents (timing depends on @p len
 *        only). Cannot fail; @p x is not checked (NULL only when @p len is 0).
 * @param x the bytes to test, @p len readable bytes
 * @param len their number
 * @return 1 if all bytes are zero (and for len 0), else 0.
 *
 * Memory: no heap, no stack buffer. Thread safety: reentrant.
 */
uint32_t moat_ct_is_zero(const void *x, size_t len);

/** @brief Length of the lowercase hex text for @p len bytes (2*len). */
#define MOAT_HEX_LEN(len) ((len) * 2u)

/**
 * @brief Lowercase hex encode. Writes MOAT_HEX_LEN(in_len) characters plus a
 *        terminating NUL, so @p out_cap must be at least 2*in_len+1.
 *        Branch-free per byte (usable on secrets).
 * @param in bytes to encode (may be NULL when @p in_len is 0)
 * @param in_len their number
 * @param[out] out text buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity
 * @param[out] out_len characters written (without the NUL), or size needed
 *             (with the NUL) on ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other
 *             failures.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len NULL, @p in NULL with
 *   @p in_len != 0, or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (2*in_len+1 would overflow size_t);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap < 2*in_len+1; *out_len = the
 *   size needed). On every failure @p out is wiped over @p out_cap bytes.
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_hex_encode(const uint8_t *in, size_t in_len, char *out,
                         size_t out_cap, size_t *out_len);

/**
 * @brief Hex decode (either case). Characters are classified without
 *        table lookups or data-dependent branches; checks run in the order
 *        arguments, length, characters, capacity.
 * @param in text (may be NULL when @p in_len is 0)
 * @param in_len its length
 * @param[out] out byte buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity; in_len/2 is enough
 * @param[out] out_len bytes written, or the size needed on
 *             ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len NULL, @p in NULL with
 *   @p in_len != 0, or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_HEX_LENGTH (@p in_len odd);
 *   ::MOAT_ERR_HEX_CHAR (a character outside [0-9a-fA-F]);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap < in_len/2; *out_len = in_len/2).
 *   On every failure @p out is wiped over @p out_cap bytes.
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_hex_decode(const char *in, size_t in_len, uint8_t *out,
                         size_t out_cap, size_t *out_len);

/** @brief Exact base64url length (unpadded) for @p n bytes. */
#define MOAT_B64URL_ENC_LEN(n) (((n) / 3u) * 4u + (((n) % 3u) ? ((n) % 3u) + 1u : 0u))
/** @brief Upper bound of decoded bytes for @p n base64url characters. */
#define MOAT_B64URL_DEC_MAX(n) (((n) / 4u) * 3u + (((n) % 4u) ? ((n) % 4u) - 1u : 0u))

/**
 * @brief base64url encode without padding. Writes no NUL terminator
 *        unless room remains (out_cap > needed), in which case one is added.
 *        Branch-free per character (usable on secrets).
 * @param in bytes to encode (may be NULL when @p in_len is 0)
 * @param in_len their number
 * @param[out] out text buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity; MOAT_B64URL_ENC_LEN(in_len) is enough
 * @param[out] out_len characters written, or size needed (without NUL) on
 *             ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len NULL, @p in NULL with
 *   @p in_len != 0, or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (the encoded length would overflow size_t);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap < MOAT_B64URL_ENC_LEN(in_len);
 *   *out_len = that size). On every failure @p out is wiped over @p out_cap
 *   bytes.
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_b64url_encode(const uint8_t *in, size_t in_len, char *out,
                            size_t out_cap, size_t *out_len);

/**
 * @brief Strict base64url decode (RFC 4648 section 5 and RFC 7515 section 2):
 *        rejects '=' padding (::MOAT_ERR_B64_PADDING), any character outside
 *        [A-Za-z0-9_-] including whitespace and '+' '/' (::MOAT_ERR_B64_CHAR),
 *        a length of 1 mod 4 (::MOAT_ERR_B64_LENGTH) and non-zero unused
 *        trailing bits (::MOAT_ERR_B64_TRAILING_BITS), so every byte string
 *        has exactly one accepted encoding. Characters are decoded without
 *        table lookups or data-dependent branches (inputs may be secrets).
 *        Checks run in the order padding, characters, length, capacity,
 *        trailing bits.
 * @param in text (may be NULL when @p in_len is 0)
 * @param in_len its length
 * @param[out] out byte buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity; MOAT_B64URL_DEC_MAX(in_len) is enough
 * @param[out] out_len bytes written, or the size needed on
 *             ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len NULL, @p in NULL with
 *   @p in_len != 0, or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_B64_PADDING (the last character is '=');
 *   ::MOAT_ERR_B64_CHAR (a character outside the base64url alphabet);
 *   ::MOAT_ERR_B64_LENGTH (@p in_len is 1 mod 4);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap < MOAT_B64URL_DEC_MAX(in_len),
 *   which is the exact decoded size; *out_len = that size);
 *   ::MOAT_ERR_B64_TRAILING_BITS (non-zero unused bits in the last
 *   character). On every failure @p out is wiped over @p out_cap bytes.
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_b64url_decode(const char *in, size_t in_len, uint8_t *out,
                            size_t out_cap, size_t *out_len);

/** @brief Exact padded base64 length for @p n bytes (RFC 4648 section 4). */
#define MOAT_B64_ENC_LEN(n) ((((n) + 2u) / 3u) * 4u)

/**
 * @brief Standard base64 encode (RFC 4648 section 4: alphabet with '+' and
 *        '/', '=' padding to a multiple of 4), as used by PEM (RFC 7468).
 *        Same conventions as moat_b64url_encode(): a NUL is added when
 *        out_cap > needed; branch-free per character.
 * @param in bytes to encode (may be NULL when @p in_len is 0)
 * @param in_len their number
 * @param[out] out text buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity; MOAT_B64_ENC_LEN(in_len) is enough
 * @param[out] out_len characters written, or size needed (without NUL)
 * @return ::MOAT_OK, ::MOAT_ERR_BUFFER_TOO_SMALL, ::MOAT_ERR_INPUT_TOO_LARGE
 *         or ::MOAT_ERR_INVALID_ARGUMENT.
 */
moat_err moat_b64_encode(const uint8_t *in, size_t in_len, char *out,
                         size_t out_cap, size_t *out_len);

/**
 * @brief Strict standard base64 decode (RFC 4648 section 4), canonical
 *        only: the length must be a multiple of 4 (::MOAT_ERR_B64_LENGTH);
 *        '=' only as the last one or two characters
 *        (::MOAT_ERR_B64_PADDING); no character outside [A-Za-z0-9+/],
 *        whitespace included (::MOAT_ERR_B64_CHAR); unused trailing bits
 *        zero (::MOAT_ERR_B64_TRAILING_BITS). Characters are decoded without
 *        table lookups or data-dependent branches.
 * @param in text (may be NULL when @p in_len is 0)
 * @param in_len its length
 * @param[out] out byte buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity; (in_len / 4) * 3 is enough
 * @param[out] out_len bytes written, or the size needed on
 *             ::MOAT_ERR_BUFFER_TOO_SMALL
 * @return ::MOAT_OK, one of the errors above, or ::MOAT_ERR_INVALID_ARGUMENT.
 */
moat_err moat_b64_decode(const char *in, size_t in_len, uint8_t *out,
                         size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_CORE_H */
