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

/* ------------------------------------------------------------------ rng */

/* Deterministic random source whose output is marked secret, as the output
 * of a real entropy source would be (ephemeral scalars, nonces). */
static unsigned g_rng_counter;

static moat_err secret_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t)(0xA5u ^ (g_rng_counter * 131u) ^ (i * 29u));
        g_rng_counter++;
    }
    SECRET(out, len);
    return MOAT_OK;
}

/* ------------------------------------------------------------------ JWE */

/* JWE ECDH-ES + A256GCM, both directions. Encrypt: the ephemeral scalar
 * (from the rng), Z, the CEK and the plaintext are secret; the ephemeral
 * public key, IV, ciphertext and tag are published. Decrypt: the
 * recipient's scalar, Z, the CEK and the plaintext are secret; the tag
 * verdict is public. */
static void test_jwe_encrypt_decrypt(void **state)
{
    static char jwe[MOAT_JWE_COMPACT_SIZE(64)];
    static const char tampered_tag_char = 'A';
    moat_ec_private_key rpriv;
    moat_ec_public_key rpub;
    moat_jwe_decrypter dec;
    moat_jwe_encrypt_opts eo;
    uint8_t d[32], pt[64], back[64];
    char hdr[MOAT_JWE_HEADER_MAX + 1u];
    size_t jwe_len = 0, back_len = 0, hdr_len = 0;
    moat_jwe_decrypt_opts dopt;
    moat_err rc;
    (void)state;
    fill(d, sizeof d, 0x4d);
    fill(pt, sizeof pt, 0x70);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof d, &rpriv), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&rpriv, &rpub), MOAT_OK);
    assert_int_equal(moat_jwe_decrypter_from_private(&dec, &rpriv), MOAT_OK);

    /* Encrypt: secret plaintext, secret randomness. */
    memset(&eo, 0, sizeof eo);
    eo.kid = "recipient-1";
    eo.apu = (const uint8_t *)"alice";
    eo.apu_len = 5;
    SECRET(pt, sizeof pt);
    rc = moat_jwe_encrypt(&rpub, &eo, pt, sizeof pt, secret_rng, NULL, jwe, sizeof jwe,
                          &jwe_len);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&jwe_len, sizeof jwe_len);
    assert_int_equal(rc, MOAT_OK);
    PUBLIC(jwe, sizeof jwe); /* the compact JWE is sent */

    /* Decrypt with a secret recipient scalar. */
    memset(&dopt, 0, sizeof dopt);
    dopt.header_out = hdr;
    dopt.header_cap = sizeof hdr;
    dopt.header_len = &hdr_len;
    SECRET(rpriv.d, sizeof rpriv.d);
    rc = moat_jwe_decrypt(jwe, jwe_len, &dec, &dopt, back, sizeof back, &back_len);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&back_len, sizeof back_len);
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(back_len, sizeof pt);
    PUBLIC(back, sizeof back);
    PUBLIC(pt, sizeof pt);
    assert_memory_equal(back, pt, sizeof pt);
    assert_non_null(strstr(hdr, "\"kid\":\"recipient-1\""));

    /* A wrong tag: the failure verdict is public, nothing is released. */
    /* (a character inside the 22-character tag segment: all 6 bits are data) */
    jwe[jwe_len - 5] = (char)(jwe[jwe_len - 5] == tampered_tag_char ? 'B' : tampered_tag_char);
    SECRET(rpriv.d, sizeof rpriv.d);
    rc = moat_jwe_decrypt(jwe, jwe_len, &dec, NULL, back, sizeof back, &back_len);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&back_len, sizeof back_len);
    PUBLIC(back, sizeof back);
    assert_int_equal(rc, MOAT_ERR_JWE_AUTH);
    assert_int_equal(back_len, 0);
    assert_int_equal(moat_ct_is_zero(back, sizeof back), 1);
    moat_ec_private_wipe(&rpriv);
}

/* ---------------------------------------------------------- DICE sealing */

/* Sealing under CDI_Seal: the CDI, the derived key and the plaintext are
 * secret; the nonce, ciphertext and tag are the blob; the tag verdict of
 * unsealing is public. */
static void test_dice_seal_unseal(void **state)
{
    moat_dice_cdis cdis;
    uint8_t pt[40], blob[40 + MOAT_DICE_SEAL_OVERHEAD], back[40];
    size_t n = 0, m = 0;
    moat_err rc;
    (void)state;
    fill(cdis.attest, sizeof cdis.attest, 0x12);
    fill(cdis.seal, sizeof cdis.seal, 0x34);
    fill(pt, sizeof pt, 0x56);
    SECRET(&cdis, sizeof cdis);
    SECRET(pt, sizeof pt);
    rc = moat_dice_seal(&cdis, (const uint8_t *)"cfg", 3, pt, sizeof pt, secret_rng, NULL,
                        blob, sizeof blob, &n);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&n, sizeof n);
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(n, sizeof blob);
    PUBLIC(blob, sizeof blob); /* the blob is stored in the clear */
    rc = moat_dice_unseal(&cdis, (const uint8_t *)"cfg", 3, blob, n, back, sizeof back, &m);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&m, sizeof m);
    assert_int_equal(rc, MOAT_OK);
    assert_int_equal(m, sizeof pt);
    PUBLIC(back, sizeof back);
    PUBLIC(pt, sizeof pt);
    assert_memory_equal(back, pt, sizeof pt);
    /* another label: a public failure verdict */
    rc = moat_dice_unseal(&cdis, (const uint8_t *)"cfh", 3, blob, n, back, sizeof back, &m);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(back, sizeof back);
    assert_int_equal(rc, MOAT_ERR_DICE_SEAL_AUTH);
    assert_int_equal(moat_ct_is_zero(back, sizeof back), 1);
    moat_wipe(&cdis, sizeof cdis);
}

/* --------------------------------------------------------------- report */

/* A minimal in-memory port: records and counters, no trusted time. Only
 * what the report ring uses (the ct library is linked alone, so the test
 * ports of tests/port, built over the normal library, are not used). */
#define RAM_REC_MAX 512u
typedef struct ram_port {
    uint8_t rec[MOAT_PORT_RECORD_COUNT][RAM_REC_MAX];
    size_t rec_len[MOAT_PORT_RECORD_COUNT];
    bool rec_present[MOAT_PORT_RECORD_COUNT];
    uint64_t counter[MOAT_PORT_COUNTER_COUNT];
} ram_port;

static moat_err ram_time(void *ctx, int64_t *t)
{
    (void)ctx;
    *t = 0;
    return MOAT_ERR_PORT_NO_TIME;
}

static moat_err ram_counter_read(void *ctx, uint32_t id, uint64_t *v)
{
    ram_port *p = ctx;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        *v = 0;
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *v = p->counter[id];
    return MOAT_OK;
}

static moat_err ram_counter_advance(void *ctx, uint32_t id, uint64_t v)
{
    ram_port *p = ctx;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (v < p->counter[id]) {
        return MOAT_ERR_PORT_COUNTER_DECREASE;
    }
    p->counter[id] = v;
    return MOAT_OK;
}

static moat_err ram_record_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    ram_port *p = ctx;
    *len = 0;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!p->rec_present[id]) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < p->rec_len[id]) {
        if (buf != NULL) {
            memset(buf, 0, cap);
        }
        *len = p->rec_len[id];
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (p->rec_len[id] != 0) {
        memcpy(buf, p->rec[id], p->rec_len[id]);
    }
    *len = p->rec_len[id];
    return MOAT_OK;
}

static moat_err ram_record_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    ram_port *p = ctx;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > RAM_REC_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (len != 0) {
        memcpy(p->rec[id], data, len);
    }
    p->rec_len[id] = len;
    p->rec_present[id] = true;
    return MOAT_OK;
}

static moat_err ram_record_erase(void *ctx, uint32_t id)
{
    ram_port *p = ctx;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    p->rec_present[id] = false;
    p->rec_len[id] = 0;
    return MOAT_OK;
}

static const moat_port_ops ram_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .time_now = ram_time,
    .counter_read = ram_counter_read,
    .counter_advance = ram_counter_advance,
    .record_read = ram_record_read,
    .record_write = ram_record_write,
    .record_erase = ram_record_erase,
};

/* Report signing: the batch export (device side, ring.c) and the
 * acknowledgement (service side, token.c) through an in-memory signer whose
 * scalar is secret; the tokens are published. */
static void test_report_sign(void **state)
{
    static ram_port ram;
    static char batch_tok[MOAT_REPORT_EXPORT_MAX];
    static uint8_t work[MOAT_REPORT_VERIFY_WORK_SIZE];
    char ack_tok[MOAT_REPORT_ACK_TOKEN_MAX];
    moat_port port = { &ram_ops, &ram };
    moat_report ctx;
    moat_report_batch batch;
    moat_ec_private_key dev, svc;
    moat_signer dev_signer, svc_signer;
    moat_jwk svc_jwk;
    uint8_t d1[32], d2[32];
    uint64_t first = 0, last = 0, through = 0;
    size_t n = 0;
    moat_err rc;
    (void)state;
    memset(&ram, 0, sizeof ram);
    fill(d1, sizeof d1, 0x2b);
    fill(d2, sizeof d2, 0x6e);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d1, sizeof d1, &dev), MOAT_OK);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d2, sizeof d2, &svc), MOAT_OK);
    SECRET(dev.d, sizeof dev.d);
    SECRET(svc.d, sizeof svc.d);
    rc = moat_signer_from_private(&dev_signer, &dev);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);
    rc = moat_signer_from_private(&svc_signer, &svc);
    PUBLIC(&rc, sizeof rc);
    assert_int_equal(rc, MOAT_OK);

    assert_int_equal(moat_report_open(&ctx, &port, "device-1", NULL), MOAT_OK);
    assert_int_equal(moat_report_boot(&ctx), MOAT_OK);
    assert_int_equal(moat_report_record(&ctx, MOAT_REPORT_CRASH, "app", "1.2.3", -7, NULL),
                     MOAT_OK);
    assert_int_equal(moat_report_record(&ctx, MOAT_REPORT_WATCHDOG_RESET, "wdt", "", 3, NULL),
                     MOAT_OK);
    rc = moat_report_export(&ctx, &dev_signer, NULL, 8, batch_tok, sizeof batch_tok, &n,
                            &first, &last);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&n, sizeof n);
    assert_int_equal(rc, MOAT_OK);
    PUBLIC(batch_tok, sizeof batch_tok); /* the batch is sent */
    assert_int_equal(first, 1);
    assert_int_equal(last, 2);
    assert_int_equal(moat_report_batch_verify(batch_tok, n, &dev_signer.pub, "device-1", work,
                                              sizeof work, &batch), MOAT_OK);

    rc = moat_report_ack_sign(&svc_signer, "device-1", last, MOAT_REPORT_NO_IAT, ack_tok,
                              sizeof ack_tok, &n);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(&n, sizeof n);
    assert_int_equal(rc, MOAT_OK);
    PUBLIC(ack_tok, sizeof ack_tok); /* the acknowledgement is sent */
    assert_int_equal(moat_jwk_from_public(&svc_signer.pub, &svc_jwk), MOAT_OK);
    assert_int_equal(moat_report_ack_verify(ack_tok, n, &svc_jwk, "device-1", &through), MOAT_OK);
    assert_int_equal(through, last);
    moat_ec_private_wipe(&dev);
    moat_ec_private_wipe(&svc);
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
        cmocka_unit_test(test_jwe_encrypt_decrypt),
        cmocka_unit_test(test_dice_seal_unseal),
        cmocka_unit_test(test_report_sign),
    };
    return cmocka_run_group_tests_name("ct_valgrind", tests, NULL, NULL);
}
