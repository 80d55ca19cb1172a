/*
 * Unit tests for include/moat/core.h: moat_wipe, constant-time helpers, hex
 * and strict base64url (RFC 4648 section 10 test vectors, mapped to the URL
 * alphabet of section 5, unpadded as in RFC 7515 section 2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "moat/core.h"

#define FILL 0xA5u

static void assert_wiped(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        assert_int_equal(b[i], 0);
    }
}

/* ------------------------------------------------------------ wipe / ct */

static void test_wipe_zeroes(void **state)
{
    unsigned char buf[37];
    (void)state;
    memset(buf, 0x5a, sizeof buf);
    moat_wipe(buf, sizeof buf);
    assert_wiped(buf, sizeof buf);
    moat_wipe(NULL, 0); /* allowed */
    memset(buf, 0x5a, sizeof buf);
    moat_wipe(buf + 1, 3);
    assert_int_equal(buf[0], 0x5a);
    assert_wiped(buf + 1, 3);
    assert_int_equal(buf[4], 0x5a);
}

static void test_ct_equal(void **state)
{
    uint8_t a[32], b[32];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof a; i++) {
        a[i] = (uint8_t)(i * 7u);
        b[i] = a[i];
    }
    assert_true(moat_ct_equal(a, b, sizeof a));
    assert_true(moat_ct_equal(a, b, 0));
    b[31] ^= 0x80u;
    assert_false(moat_ct_equal(a, b, sizeof a));
    assert_true(moat_ct_equal(a, b, 31));
    b[31] ^= 0x80u;
    b[0] ^= 0x01u;
    assert_false(moat_ct_equal(a, b, sizeof a));
    /* every single-bit difference anywhere is seen */
    b[0] ^= 0x01u;
    for (i = 0; i < sizeof a * 8u; i++) {
        b[i / 8u] ^= (uint8_t)(1u << (i % 8u));
        assert_false(moat_ct_equal(a, b, sizeof a));
        b[i / 8u] ^= (uint8_t)(1u << (i % 8u));
    }
}

static void test_ct_is_zero(void **state)
{
    uint8_t z[16] = {0};
    (void)state;
    assert_int_equal(moat_ct_is_zero(z, sizeof z), 1);
    assert_int_equal(moat_ct_is_zero(z, 0), 1);
    z[15] = 1;
    assert_int_equal(moat_ct_is_zero(z, sizeof z), 0);
    z[15] = 0x80;
    assert_int_equal(moat_ct_is_zero(z, sizeof z), 0);
    z[15] = 0;
    z[0] = 0xff;
    assert_int_equal(moat_ct_is_zero(z, sizeof z), 0);
}

/* ------------------------------------------------------------------ hex */

static void test_hex_known_answers(void **state)
{
    static const uint8_t bin[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff, 0x09, 0x90};
    char txt[64];
    uint8_t back[16];
    size_t n = 99;
    (void)state;
    assert_int_equal(moat_hex_encode(bin, sizeof bin, txt, sizeof txt, &n), MOAT_OK);
    assert_int_equal(n, 20);
    assert_string_equal(txt, "00017f80abcdefff0990");
    assert_int_equal(moat_hex_decode("00017F80ABcdEFff0990", 20, back, sizeof back, &n), MOAT_OK);
    assert_int_equal(n, sizeof bin);
    assert_memory_equal(back, bin, sizeof bin);
    /* empty */
    assert_int_equal(moat_hex_encode(NULL, 0, txt, 1, &n), MOAT_OK);
    assert_int_equal(n, 0);
    assert_string_equal(txt, "");
    assert_int_equal(moat_hex_decode("", 0, NULL, 0, &n), MOAT_OK);
    assert_int_equal(n, 0);
}

static void test_hex_odd_length(void **state)
{
    uint8_t out[8];
    size_t n = 99;
    (void)state;
    memset(out, FILL, sizeof out);
    assert_int_equal(moat_hex_decode("abc", 3, out, sizeof out, &n), MOAT_ERR_HEX_LENGTH);
    assert_int_equal(n, 0);
    assert_wiped(out, sizeof out);
}

static void test_hex_bad_char(void **state)
{
    static const char *const bad[] = {"0g", "g0", "0 ", " 0", "0x", "/0", ":0", "@0", "`0", "G0"};
    uint8_t out[8];
    size_t n, i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(out, FILL, sizeof out);
        n = 99;
        assert_int_equal(moat_hex_decode(bad[i], 2, out, sizeof out, &n), MOAT_ERR_HEX_CHAR);
        assert_int_equal(n, 0);
        assert_wiped(out, sizeof out);
    }
    memset(out, FILL, sizeof out);
    assert_int_equal(moat_hex_decode("0\0", 2, out, sizeof out, &n), MOAT_ERR_HEX_CHAR);
    assert_wiped(out, sizeof out);
}

static void test_hex_buffer_too_small(void **state)
{
    static const uint8_t bin[4] = {1, 2, 3, 4};
    char txt[8];
    uint8_t out[3];
    size_t n = 0;
    (void)state;
    memset(txt, FILL, sizeof txt);
    assert_int_equal(moat_hex_encode(bin, 4, txt, 8, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 9); /* 8 digits + NUL */
    assert_wiped(txt, sizeof txt);
    memset(out, FILL, sizeof out);
    assert_int_equal(moat_hex_decode("01020304", 8, out, sizeof out, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 4);
    assert_wiped(out, sizeof out);
    /* size query with no buffer */
    assert_int_equal(moat_hex_encode(bin, 4, NULL, 0, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 9);
}

static void test_hex_invalid_args(void **state)
{
    uint8_t out[4];
    size_t n;
    (void)state;
    assert_int_equal(moat_hex_decode(NULL, 2, out, sizeof out, &n), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_hex_decode("00", 2, out, sizeof out, NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_hex_encode(out, 1, NULL, 5, &n), MOAT_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------ base64url */

struct b64_vec {
    const char *bin;
    size_t bin_len;
    const char *txt;
};

/* RFC 4648 section 10, unpadded, plus vectors exercising '-' and '_'
 * (which replace '+' and '/' of the standard alphabet). */
static const struct b64_vec b64_vecs[] = {
    {"", 0, ""},
    {"f", 1, "Zg"},
    {"fo", 2, "Zm8"},
    {"foo", 3, "Zm9v"},
    {"foob", 4, "Zm9vYg"},
    {"fooba", 5, "Zm9vYmE"},
    {"foobar", 6, "Zm9vYmFy"},
    {"\xfb\xff", 2, "-_8"},
    {"\xfb\xef\xbe", 3, "----"},
    {"\xff\xff\xff", 3, "____"},
    {"\x00\x00\x00", 3, "AAAA"},
    /* RFC 7515 appendix C example */
    {"\x03\xec\xff\xf0", 4, "A-z_8A"},
};

static void test_b64url_known_answers(void **state)
{
    char txt[32];
    uint8_t bin[32];
    size_t n, i;
    (void)state;
    for (i = 0; i < sizeof b64_vecs / sizeof b64_vecs[0]; i++) {
        const struct b64_vec *v = &b64_vecs[i];
        n = 99;
        assert_int_equal(moat_b64url_encode((const uint8_t *)v->bin, v->bin_len, txt, sizeof txt, &n),
                         MOAT_OK);
        assert_int_equal(n, strlen(v->txt));
        assert_int_equal(n, MOAT_B64URL_ENC_LEN(v->bin_len));
        assert_string_equal(txt, v->txt); /* NUL added: room remained */
        n = 99;
        assert_int_equal(moat_b64url_decode(v->txt, strlen(v->txt), bin, sizeof bin, &n), MOAT_OK);
        assert_int_equal(n, v->bin_len);
        assert_memory_equal(bin, v->bin, v->bin_len);
    }
}

static void test_b64url_round_trip_all_lengths(void **state)
{
    uint8_t src[64], back[64];
    char txt[MOAT_B64URL_ENC_LEN(64) + 1];
    size_t len, i, n, m;
    (void)state;
    for (i = 0; i < sizeof src; i++) {
        src[i] = (uint8_t)(i * 37u + 251u);
    }
    for (len = 0; len <= 64; len++) {
        assert_int_equal(moat_b64url_encode(src, len, txt, sizeof txt, &n), MOAT_OK);
        assert_int_equal(n, MOAT_B64URL_ENC_LEN(len));
        assert_int_equal(MOAT_B64URL_DEC_MAX(n), len);
        memset(back, FILL, sizeof back);
        assert_int_equal(moat_b64url_decode(txt, n, back, len, &m), MOAT_OK);
        assert_int_equal(m, len);
        assert_memory_equal(back, src, len);
    }
}

static void test_b64url_encode_exact_capacity_no_nul(void **state)
{
    char txt[4];
    size_t n;
    (void)state;
    memset(txt, FILL, sizeof txt);
    assert_int_equal(moat_b64url_encode((const uint8_t *)"foo", 3, txt, 4, &n), MOAT_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(txt, "Zm9v", 4);
}

static void check_b64_reject(const char *in, size_t len, moat_err want)
{
    uint8_t out[16];
    size_t n = 99;
    memset(out, FILL, sizeof out);
    assert_int_equal(moat_b64url_decode(in, len, out, sizeof out, &n), want);
    assert_int_equal(n, 0);
    assert_wiped(out, sizeof out);
}

static void test_b64url_rejects_padding(void **state)
{
    (void)state;
    check_b64_reject("Zg==", 4, MOAT_ERR_B64_PADDING);
    check_b64_reject("Zm8=", 4, MOAT_ERR_B64_PADDING);
    check_b64_reject("Zg=", 3, MOAT_ERR_B64_PADDING);
    check_b64_reject("Zm9vYg==", 8, MOAT_ERR_B64_PADDING);
    check_b64_reject("=", 1, MOAT_ERR_B64_PADDING);
}

static void test_b64url_rejects_illegal_chars(void **state)
{
    (void)state;
    check_b64_reject("Zm9v+g", 6, MOAT_ERR_B64_CHAR);  /* standard alphabet '+' */
    check_b64_reject("Zm9v/g", 6, MOAT_ERR_B64_CHAR);  /* standard alphabet '/' */
    check_b64_reject("Zm 9v", 5, MOAT_ERR_B64_CHAR);   /* space */
    check_b64_reject("Zm9v\n", 5, MOAT_ERR_B64_CHAR);  /* newline */
    check_b64_reject("\tZm9v", 5, MOAT_ERR_B64_CHAR);  /* tab */
    check_b64_reject("Zm9v\r\n", 6, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm\0v", 4, MOAT_ERR_B64_CHAR);   /* embedded NUL */
    check_b64_reject("Zm\x80v", 4, MOAT_ERR_B64_CHAR); /* high byte */
    check_b64_reject("Zm\xffv", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Z=9v", 4, MOAT_ERR_B64_CHAR);    /* '=' not at the end */
    check_b64_reject("Zm9.", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9@", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9[", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9`", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9{", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9:", 4, MOAT_ERR_B64_CHAR);
    check_b64_reject("Zm9,", 4, MOAT_ERR_B64_CHAR);
}

static void test_b64url_rejects_length_1_mod_4(void **state)
{
    (void)state;
    check_b64_reject("Z", 1, MOAT_ERR_B64_LENGTH);
    check_b64_reject("Zm9vY", 5, MOAT_ERR_B64_LENGTH);
    check_b64_reject("Zm9vYmFyZ", 9, MOAT_ERR_B64_LENGTH);
}

static void test_b64url_rejects_noncanonical_trailing_bits(void **state)
{
    (void)state;
    check_b64_reject("Zh", 2, MOAT_ERR_B64_TRAILING_BITS);   /* "f" is Zg */
    check_b64_reject("Zv", 2, MOAT_ERR_B64_TRAILING_BITS);
    check_b64_reject("Zm9", 3, MOAT_ERR_B64_TRAILING_BITS);  /* "fo" is Zm8 */
    check_b64_reject("Zm-", 3, MOAT_ERR_B64_TRAILING_BITS);
    check_b64_reject("Zm9vYh", 6, MOAT_ERR_B64_TRAILING_BITS);
    check_b64_reject("Zm9vYmF", 7, MOAT_ERR_B64_TRAILING_BITS);
    check_b64_reject("__", 2, MOAT_ERR_B64_TRAILING_BITS);
}

static void test_b64url_buffer_too_small(void **state)
{
    uint8_t out[5];
    char txt[7];
    size_t n = 0;
    (void)state;
    memset(out, FILL, sizeof out);
    assert_int_equal(moat_b64url_decode("Zm9vYmFy", 8, out, sizeof out, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 6);
    assert_wiped(out, sizeof out);
    memset(txt, FILL, sizeof txt);
    assert_int_equal(moat_b64url_encode((const uint8_t *)"foobar", 6, txt, sizeof txt, &n),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 8);
    assert_wiped(txt, sizeof txt);
    assert_int_equal(moat_b64url_decode("Zm9vYg", 6, NULL, 0, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 4);
}

static void test_b64url_invalid_args(void **state)
{
    uint8_t out[4];
    size_t n;
    (void)state;
    assert_int_equal(moat_b64url_decode(NULL, 4, out, sizeof out, &n), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_b64url_decode("Zm9v", 4, out, sizeof out, NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_b64url_encode(NULL, 1, (char *)out, sizeof out, &n), MOAT_ERR_INVALID_ARGUMENT);
}

/* Every 2- and 3-character tail: exactly the canonical ones decode, and
 * re-encoding reproduces the input (one accepted encoding per byte string). */
static void test_b64url_exhaustive_tails(void **state)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char in[3], again[8];
    uint8_t out[4];
    size_t i, j, n, m, accepted = 0;
    (void)state;
    for (i = 0; i < 64; i++) {
        for (j = 0; j < 64; j++) {
            moat_err e;
            in[0] = alpha[i];
            in[1] = alpha[j];
            e = moat_b64url_decode(in, 2, out, sizeof out, &n);
            if (e == MOAT_OK) {
                accepted++;
                assert_int_equal(n, 1);
                assert_int_equal(moat_b64url_encode(out, 1, again, sizeof again, &m), MOAT_OK);
                assert_memory_equal(again, in, 2);
            } else {
                assert_int_equal(e, MOAT_ERR_B64_TRAILING_BITS);
            }
        }
    }
    assert_int_equal(accepted, 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wipe_zeroes),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_ct_is_zero),
        cmocka_unit_test(test_hex_known_answers),
        cmocka_unit_test(test_hex_odd_length),
        cmocka_unit_test(test_hex_bad_char),
        cmocka_unit_test(test_hex_buffer_too_small),
        cmocka_unit_test(test_hex_invalid_args),
        cmocka_unit_test(test_b64url_known_answers),
        cmocka_unit_test(test_b64url_round_trip_all_lengths),
        cmocka_unit_test(test_b64url_encode_exact_capacity_no_nul),
        cmocka_unit_test(test_b64url_rejects_padding),
        cmocka_unit_test(test_b64url_rejects_illegal_chars),
        cmocka_unit_test(test_b64url_rejects_length_1_mod_4),
        cmocka_unit_test(test_b64url_rejects_noncanonical_trailing_bits),
        cmocka_unit_test(test_b64url_buffer_too_small),
        cmocka_unit_test(test_b64url_invalid_args),
        cmocka_unit_test(test_b64url_exhaustive_tails),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
