/*
 * Constant-time check under valgrind (memcheck).
 *
 * Each secret input is marked undefined with VALGRIND_MAKE_MEM_UNDEFINED
 * before the operation. Memcheck then reports every conditional jump and
 * every memory address that depends on it; the ctest entry runs this program
 * with --error-exitcode, so one report fails the test. Outputs that are
 * public by design (a signature, a verdict) are declassified with
 * VALGRIND_MAKE_MEM_DEFINED before the test looks at them.
 *
 * Outside valgrind the client requests are no-ops and the program only checks
 * results, so it also runs (without proving anything about timing) natively.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <valgrind/memcheck.h>

#include "moat/moat.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + 31u * i);
    }
}

static void test_ct_equal_and_wipe(void **state)
{
    uint8_t a[32], b[32];
    (void)state;
    fill(a, sizeof a, 1);
    fill(b, sizeof b, 1);
    b[31] ^= 1u;
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    bool eq = moat_ct_equal(a, b, sizeof a);
    uint32_t z = moat_ct_is_zero(a, sizeof a);
    PUBLIC(&eq, sizeof eq);
    PUBLIC(&z, sizeof z);
    assert_false(eq);
    assert_int_equal(z, 0);
    moat_wipe(a, sizeof a);
    assert_int_equal(moat_ct_is_zero(a, sizeof a), 1);
}

static void test_b64url_and_hex_of_secret(void **state)
{
    uint8_t key[33], back[33];
    char txt[64], hex[67];
    size_t n = 0, m = 0;
    (void)state;
    fill(key, sizeof key, 7);
    SECRET(key, sizeof key);
    assert_int_equal(moat_b64url_encode(key, sizeof key, txt, sizeof txt, &n), MOAT_OK);
    assert_int_equal(moat_hex_encode(key, sizeof key, hex, sizeof hex, &m), MOAT_OK);
    /* decoding secret text (e.g. a JWK "d") must not branch on it either */
    assert_int_equal(moat_b64url_decode(txt, n, back, sizeof back, &m), MOAT_OK);
    PUBLIC(back, sizeof back);
    PUBLIC(key, sizeof key);
    assert_memory_equal(back, key, sizeof key);
}

static void test_hmac_hkdf(void **state)
{
    uint8_t key[32], okm[42], tag[32];
    (void)state;
    fill(key, sizeof key, 3);
    SECRET(key, sizeof key);
    assert_int_equal(moat_hmac(MOAT_HASH_SHA256, key, sizeof key, "msg", 3, tag), MOAT_OK);
    assert_int_equal(moat_hkdf(MOAT_HASH_SHA256, (const uint8_t *)"salt", 4, key, sizeof key,
                               (const uint8_t *)"info", 4, okm, sizeof okm), MOAT_OK);
}

static void test_aead(void **state)
{
    uint8_t key[32], iv[12], pt[64], ct[64], tag[16], out[64];
    (void)state;
    fill(key, sizeof key, 9);
    fill(iv, sizeof iv, 2);
    fill(pt, sizeof pt, 5);
    for (int alg = MOAT_AEAD_AES_GCM; alg <= MOAT_AEAD_CHACHA20_POLY1305; alg++) {
        SECRET(key, sizeof key);
        SECRET(pt, sizeof pt);
        assert_int_equal(moat_aead_seal((moat_aead_alg)alg, key, sizeof key, iv, sizeof iv,
                                        NULL, 0, pt, sizeof pt, ct, tag, sizeof tag), MOAT_OK);
        PUBLIC(ct, sizeof ct);
        PUBLIC(tag, sizeof tag);
        /* the tag comparison result is public, the key and plaintext are not */
        moat_err rc = moat_aead_open((moat_aead_alg)alg, key, sizeof key, iv, sizeof iv,
                                     NULL, 0, ct, sizeof ct, tag, sizeof tag, out);
        PUBLIC(&rc, sizeof rc);
        assert_int_equal(rc, MOAT_OK);
        PUBLIC(out, sizeof out);
        PUBLIC(pt, sizeof pt);
        assert_memory_equal(out, pt, sizeof pt);
    }
}

static void test_ecdsa_sign_and_ecdh(void **state)
{
    moat_ec_private_key priv, priv2;
    moat_ec_public_key pub, pub2;
    uint8_t d[32], d2[32], h[32], sig[MOAT_ECDSA_RAW_MAX], shared[32];
    size_t n = 0;
    (void)state;
    fill(d, sizeof d, 0x41);
    fill(d2, sizeof d2, 0x17);
    fill(h, sizeof h, 0x99);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof d, &priv), MOAT_OK);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d2, sizeof d2, &priv2), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&priv2, &pub2), MOAT_OK);
    SECRET(priv.d, sizeof priv.d);
    SECRET(priv2.d, sizeof priv2.d);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    PUBLIC(&pub, sizeof pub);
    moat_err rc = moat_ecdsa_sign_digest(&priv, MOAT_HASH_SHA256, h, sizeof h, MOAT_SIG_RAW,
                                         sig, sizeof sig, &n);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(sig, sizeof sig);
    PUBLIC(&n, sizeof n);
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(moat_ecdsa_verify_digest(&pub, h, sizeof h, MOAT_SIG_RAW, sig, n), MOAT_OK);
    rc = moat_ecdh(&priv, &pub2, shared, sizeof shared, &n);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&n, sizeof n);
    assert_int_equal(rc, MOAT_OK);
    moat_ec_private_wipe(&priv);
    moat_ec_private_wipe(&priv2);
}

static void test_x25519(void **state)
{
    uint8_t a[32], b[32], pa[32], pb[32], s1[32], s2[32];
    (void)state;
    fill(a, sizeof a, 0x21);
    fill(b, sizeof b, 0x63);
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    moat_err r1 = moat_x25519_public(a, pa);
    moat_err r2 = moat_x25519_public(b, pb);
    PUBLIC(&r1, sizeof r1);
    PUBLIC(&r2, sizeof r2);
    assert_int_equal(r1, MOAT_OK);
    assert_int_equal(r2, MOAT_OK);
    PUBLIC(pa, sizeof pa);
    PUBLIC(pb, sizeof pb);
    r1 = moat_x25519(a, pb, s1);
    r2 = moat_x25519(b, pa, s2);
    PUBLIC(&r1, sizeof r1);
    PUBLIC(&r2, sizeof r2);
    assert_int_equal(r1, MOAT_OK);
    assert_int_equal(r2, MOAT_OK);
    PUBLIC(s1, sizeof s1);
    PUBLIC(s2, sizeof s2);
    assert_memory_equal(s1, s2, sizeof s1);
}

/* DICE key derivation from a secret CDI: seed (HKDF-SHA-512), the
 * HMAC-SHA-512 candidate loop whose range check verdict is declassified,
 * the public key and ID (public outputs), the next CDIs, the alias key. */
static void test_dice_key_derivation(void **state)
{
    moat_dice_cdis cur, next;
    moat_dice_input in;
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    uint8_t id[MOAT_DICE_ID_SIZE];
    moat_err rc;
    (void)state;
    fill(cur.attest, sizeof cur.attest, 0x21);
    fill(cur.seal, sizeof cur.seal, 0x5b);
    memset(&in, 0, sizeof in);
    fill(in.code_hash, sizeof in.code_hash, 0x33);
    in.mode = MOAT_DICE_MODE_NORMAL;
    SECRET(&cur, sizeof cur);
    rc = moat_dice_keypair_from_cdi(cur.attest, &priv, &pub);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);
    PUBLIC(&pub, sizeof pub);
    assert_int_equal(moat_dice_id(&pub, id), MOAT_OK);
    rc = moat_dice_alias_keypair(&cur, &priv, &pub);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);
    rc = moat_dice_derive(&cur, &in, &next);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);
    rc = moat_dice_keypair_from_cdi(next.attest, &priv, NULL);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);
    moat_ec_private_wipe(&priv);
    moat_wipe(&cur, sizeof cur);
    moat_wipe(&next, sizeof next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ct_equal_and_wipe),
        cmocka_unit_test(test_b64url_and_hex_of_secret),
        cmocka_unit_test(test_hmac_hkdf),
        cmocka_unit_test(test_aead),
        cmocka_unit_test(test_ecdsa_sign_and_ecdh),
        cmocka_unit_test(test_x25519),
        cmocka_unit_test(test_dice_key_derivation),
    };
    return cmocka_run_group_tests_name("ct_valgrind", tests, NULL, NULL);
}
