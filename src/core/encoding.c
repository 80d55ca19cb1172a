/**
 * @file encoding.c
 * @brief Hex and strict base64url (RFC 4648 sections 5 and 8; RFC 7515
 *        section 2 / appendix C for the unpadded form).
 *
 * These encoders are used on secrets (keys in JWKs, CDIs in logs), so neither
 * direction indexes a table with data: characters are classified and produced
 * with branch-free range masks. Only the error *kind* (which depends on the
 * input's validity, not on secret bits of a valid input) affects control flow.
 *
 * Output convention (include/moat/core.h): on ::MOAT_ERR_BUFFER_TOO_SMALL the
 * size needed is stored in *out_len; on any failure the whole output capacity
 * is wiped.
 */
#include "moat/core.h"
#include "core/declassify.h"

#include <stdint.h>

/* 1 if lo <= c <= hi, else 0; c, lo, hi in 0..255, lo >= 1. Branch-free:
 * (lo-1-c) wraps (bit 31 set) iff c >= lo; (c-hi-1) wraps iff c <= hi. */
static uint32_t in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
    return (((lo - 1u - c) & (c - hi - 1u)) >> 31) & 1u;
}

/* All-ones mask from a 0/1 flag. */
static uint32_t mask_of(uint32_t bit)
{
    return (uint32_t)0u - bit;
}

/* ------------------------------------------------------------------ hex */

/* Value of a hex digit (either case), or sets *bad. */
static uint32_t hex_value(unsigned char ch, uint32_t *bad)
{
    uint32_t c = ch;
    uint32_t dg = in_range(c, '0', '9');
    uint32_t lc = in_range(c, 'a', 'f');
    uint32_t uc = in_range(c, 'A', 'F');
    uint32_t v = (mask_of(dg) & (c - '0')) | (mask_of(lc) & (c - 'a' + 10u)) |
                 (mask_of(uc) & (c - 'A' + 10u));
    *bad |= 1u ^ (dg | lc | uc);
    return v & 0x0fu;
}

/* Lowercase hex digit for a nibble 0..15. */
static char hex_digit(uint32_t n)
{
    uint32_t above9 = ((9u - n) >> 31) & 1u;
    return (char)(n + '0' + (mask_of(above9) & 39u));
}

static moat_err fail_out(void *out, size_t out_cap, size_t *out_len, size_t len_value,
                         moat_err err)
{
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    if (out_len != NULL) {
        *out_len = len_value;
    }
    return err;
}

moat_err moat_hex_encode(const uint8_t *in, size_t in_len, char *out,
                         size_t out_cap, size_t *out_len)
{
    size_t i;
    size_t needed;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    if (in_len > (SIZE_MAX - 1u) / 2u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INPUT_TOO_LARGE);
    }
    needed = MOAT_HEX_LEN(in_len) + 1u;
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    for (i = 0; i < in_len; i++) {
        out[2u * i] = hex_digit((uint32_t)in[i] >> 4);
        out[2u * i + 1u] = hex_digit((uint32_t)in[i] & 0x0fu);
    }
    out[2u * in_len] = '\0';
    *out_len = 2u * in_len;
    return MOAT_OK;
}

moat_err moat_hex_decode(const char *in, size_t in_len, uint8_t *out,
                         size_t out_cap, size_t *out_len)
{
    size_t i;
    size_t needed;
    uint32_t bad = 0u;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    if ((in_len & 1u) != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_HEX_LENGTH);
    }
    /* Validate every character first (no early exit). */
    for (i = 0; i < in_len; i++) {
        (void)hex_value((unsigned char)in[i], &bad);
    }
    if (bad != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_HEX_CHAR);
    }
    needed = in_len / 2u;
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    for (i = 0; i < needed; i++) {
        uint32_t hi = hex_value((unsigned char)in[2u * i], &bad);
        uint32_t lo = hex_value((unsigned char)in[2u * i + 1u], &bad);
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    *out_len = needed;
    return MOAT_OK;
}

/* ------------------------------------------------------------ base64url */

/* RFC 4648 alphabet value of a character, branch-free: A-Z a-z 0-9 then
 * @p c62 and @p c63 ('-' '_' for base64url, '+' '/' for base64); any other
 * character sets *bad. */
static uint32_t b64_value(unsigned char ch, uint32_t c62, uint32_t c63, uint32_t *bad)
{
    uint32_t c = ch;
    uint32_t up = in_range(c, 'A', 'Z');
    uint32_t lo = in_range(c, 'a', 'z');
    uint32_t dg = in_range(c, '0', '9');
    uint32_t x62 = in_range(c, c62, c62);
    uint32_t x63 = in_range(c, c63, c63);
    uint32_t v = (mask_of(up) & (c - 'A')) | (mask_of(lo) & (c - 'a' + 26u)) |
                 (mask_of(dg) & (c - '0' + 52u)) | (mask_of(x62) & 62u) | (mask_of(x63) & 63u);
    *bad |= 1u ^ (up | lo | dg | x62 | x63);
    return v & 0x3fu;
}

/* RFC 4648 section 5 (base64url) value of a character, or sets *bad. */
static uint32_t b64url_value(unsigned char ch, uint32_t *bad)
{
    return b64_value(ch, '-', '_', bad);
}

/* Character for a 6-bit value. */
static char b64url_char(uint32_t v)
{
    uint32_t c = v + 'A';
    c += mask_of(in_range(v + 1u, 27u, 52u)) & (uint32_t)('a' - 'A' - 26);
    c -= mask_of(in_range(v + 1u, 53u, 62u)) & (uint32_t)('A' + 52 - '0');
    c = (mask_of(in_range(v + 1u, 63u, 63u)) & (uint32_t)'-') |
        (~mask_of(in_range(v + 1u, 63u, 63u)) & c);
    c = (mask_of(in_range(v + 1u, 64u, 64u)) & (uint32_t)'_') |
        (~mask_of(in_range(v + 1u, 64u, 64u)) & c);
    return (char)c;
}

/* Encode @p in_len bytes (already bounds-checked against the output) in
 * 3-byte quanta with @p enc (either alphabet), padding the final quantum
 * with '=' when @p pad. No branch depends on the data. Returns the
 * characters written. */
static size_t b64_encode_quanta(const uint8_t *in, size_t in_len, char (*enc)(uint32_t),
                                bool pad, char *out)
{
    size_t i, o = 0;
    uint32_t w;

    for (i = 0; i + 3u <= in_len; i += 3u) {
        w = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1u] << 8) | in[i + 2u];
        out[o++] = enc((w >> 18) & 0x3fu);
        out[o++] = enc((w >> 12) & 0x3fu);
        out[o++] = enc((w >> 6) & 0x3fu);
        out[o++] = enc(w & 0x3fu);
    }
    if (in_len - i == 1u) {
        w = (uint32_t)in[i] << 16;
        out[o++] = enc((w >> 18) & 0x3fu);
        out[o++] = enc((w >> 12) & 0x3fu);
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (in_len - i == 2u) {
        w = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1u] << 8);
        out[o++] = enc((w >> 18) & 0x3fu);
        out[o++] = enc((w >> 12) & 0x3fu);
        out[o++] = enc((w >> 6) & 0x3fu);
        if (pad) {
            out[o++] = '=';
        }
    }
    return o;
}

moat_err moat_b64url_encode(const uint8_t *in, size_t in_len, char *out,
                            size_t out_cap, size_t *out_len)
{
    size_t needed;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    if (in_len > (SIZE_MAX / 4u) * 3u - 3u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INPUT_TOO_LARGE);
    }
    needed = MOAT_B64URL_ENC_LEN(in_len);
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    (void)b64_encode_quanta(in, in_len, b64url_char, false, out);
    if (out_cap > needed) {
        out[needed] = '\0';
    }
    *out_len = needed;
    return MOAT_OK;
}

/* Decode @p n validated characters (n % 4 != 1) of either alphabet into
 * @p out, in 4-character quanta; a final partial quantum of 2 or 3
 * characters must have zero unused bits (RFC 4648 section 3.5), else *bad is
 * set. No branch depends on the characters. Returns the bytes written. */
static size_t b64_decode_quanta(const char *in, size_t n,
                                uint32_t (*value)(unsigned char, uint32_t *),
                                uint8_t *out, uint32_t *bad)
{
    size_t i, o = 0;
    uint32_t w;

    for (i = 0; i + 4u <= n; i += 4u) {
        w = (value((unsigned char)in[i], bad) << 18) |
            (value((unsigned char)in[i + 1u], bad) << 12) |
            (value((unsigned char)in[i + 2u], bad) << 6) |
            value((unsigned char)in[i + 3u], bad);
        out[o++] = (uint8_t)(w >> 16);
        out[o++] = (uint8_t)(w >> 8);
        out[o++] = (uint8_t)w;
    }
    if (n - i == 2u) {
        /* 12 bits carry 8: the low 4 must be zero. */
        w = (value((unsigned char)in[i], bad) << 6) | value((unsigned char)in[i + 1u], bad);
        *bad |= (uint32_t)((w & 0x0fu) != 0u);
        out[o++] = (uint8_t)(w >> 4);
    } else if (n - i == 3u) {
        /* 18 bits carry 16: the low 2 must be zero. */
        w = (value((unsigned char)in[i], bad) << 12) |
            (value((unsigned char)in[i + 1u], bad) << 6) | value((unsigned char)in[i + 2u], bad);
        *bad |= (uint32_t)((w & 0x03u) != 0u);
        out[o++] = (uint8_t)(w >> 10);
        out[o++] = (uint8_t)(w >> 2);
    }
    return o;
}

moat_err moat_b64url_decode(const char *in, size_t in_len, uint8_t *out,
                            size_t out_cap, size_t *out_len)
{
    size_t needed;
    size_t i;
    size_t o = 0;
    size_t rem;
    uint32_t bad = 0u;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    /* Padding is never accepted (RFC 7515 section 2: base64url without '='). */
    if (in_len > 0u) {
        uint32_t padded = (uint32_t)(in[in_len - 1u] == '=');
        MOAT_DECLASSIFY(&padded, sizeof(padded)); /* the verdict is reported */
        if (padded != 0u) {
            return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_PADDING);
        }
    }
    for (i = 0; i < in_len; i++) {
        (void)b64url_value((unsigned char)in[i], &bad);
    }
    MOAT_DECLASSIFY(&bad, sizeof(bad)); /* the verdict is reported */
    if (bad != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_CHAR);
    }
    rem = in_len % 4u;
    if (rem == 1u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_LENGTH);
    }
    needed = MOAT_B64URL_DEC_MAX(in_len);
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    o = b64_decode_quanta(in, in_len, b64url_value, out, &bad);
    MOAT_DECLASSIFY(&bad, sizeof(bad)); /* the verdict is reported */
    if (bad != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_TRAILING_BITS);
    }
    *out_len = o;
    return MOAT_OK;
}

/* ------------------------------------------- base64 (standard alphabet) */

/* RFC 4648 section 4 (standard base64) value of a character, or sets *bad. */
static uint32_t b64std_value(unsigned char ch, uint32_t *bad)
{
    return b64_value(ch, '+', '/', bad);
}

/* Standard-alphabet character for a 6-bit value: the base64url character
 * with '-' and '_' mapped to '+' and '/'. */
static char b64std_char(uint32_t v)
{
    uint32_t c = (uint32_t)(unsigned char)b64url_char(v);
    uint32_t is62 = in_range(v + 1u, 63u, 63u);
    uint32_t is63 = in_range(v + 1u, 64u, 64u);

    c = (mask_of(is62) & (uint32_t)'+') | (~mask_of(is62) & c);
    c = (mask_of(is63) & (uint32_t)'/') | (~mask_of(is63) & c);
    return (char)c;
}

moat_err moat_b64_encode(const uint8_t *in, size_t in_len, char *out,
                         size_t out_cap, size_t *out_len)
{
    size_t needed;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    if (in_len > (SIZE_MAX / 4u) * 3u - 3u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INPUT_TOO_LARGE);
    }
    needed = MOAT_B64_ENC_LEN(in_len);
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    (void)b64_encode_quanta(in, in_len, b64std_char, true, out);
    if (out_cap > needed) {
        out[needed] = '\0';
    }
    *out_len = needed;
    return MOAT_OK;
}

moat_err moat_b64_decode(const char *in, size_t in_len, uint8_t *out,
                         size_t out_cap, size_t *out_len)
{
    size_t needed;
    size_t data_len;
    size_t pad = 0u;
    size_t i;
    size_t o = 0;
    uint32_t bad = 0u;

    if (out_len == NULL || (in == NULL && in_len != 0u) || (out == NULL && out_cap != 0u)) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    /* RFC 4648 section 4: padded to a multiple of 4 characters. */
    if ((in_len % 4u) != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_LENGTH);
    }
    /* Padding: one or two '=' at the very end, nowhere else (3.3). */
    if (in_len > 0u) {
        uint32_t p1 = (uint32_t)(in[in_len - 1u] == '=');
        uint32_t p2 = (uint32_t)(in[in_len - 2u] == '=');
        MOAT_DECLASSIFY(&p1, sizeof(p1)); /* padding positions are public */
        MOAT_DECLASSIFY(&p2, sizeof(p2));
        pad = (size_t)p1 + (size_t)(p1 & p2);
        if (p2 != 0u && p1 == 0u) {
            return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_PADDING);
        }
    }
    data_len = in_len - pad;
    for (i = 0; i < data_len; i++) {
        uint32_t eq = (uint32_t)(in[i] == '=');
        MOAT_DECLASSIFY(&eq, sizeof(eq)); /* the verdict is reported */
        if (eq != 0u) {
            return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_PADDING);
        }
    }
    for (i = 0; i < data_len; i++) {
        (void)b64std_value((unsigned char)in[i], &bad);
    }
    MOAT_DECLASSIFY(&bad, sizeof(bad)); /* the verdict is reported */
    if (bad != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_CHAR);
    }
    needed = (in_len / 4u) * 3u - pad;
    if (out_cap < needed) {
        return fail_out(out, out_cap, out_len, needed, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    o = b64_decode_quanta(in, data_len, b64std_value, out, &bad);
    MOAT_DECLASSIFY(&bad, sizeof(bad)); /* the verdict is reported */
    if (bad != 0u) {
        return fail_out(out, out_cap, out_len, 0u, MOAT_ERR_B64_TRAILING_BITS);
    }
    *out_len = o;
    return MOAT_OK;
}
