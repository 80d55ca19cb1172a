/*
 * Wycheproof vector runner (C2SP/wycheproof testvectors_v1) for the crypto
 * adapters. Every JSON file of $MOAT_VECTOR_DIR/wycheproof/ is run; an
 * unknown file fails the test (so new vectors cannot be silently ignored).
 *
 * Requirement: every "valid" case accepted with the right output, every
 * "invalid" case rejected, every "acceptable" case handled as written in
 * docs/crypto-policy.md (asserted per case, by its flags). Any mismatch is
 * printed with its tcId and fails the test.
 *
 * Test-only code: uses the heap and cJSON directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "moat/core.h"
#include "moat/crypto.h"

typedef struct tally {
    const char *file;
    unsigned valid_ok;
    unsigned invalid_rejected;
    unsigned acceptable;
    unsigned failures;
} tally;

/* ------------------------------------------------------------- helpers */

static cJSON *load_json(const char *name)
{
    char path[1024];
    FILE *f;
    long n;
    char *buf;
    cJSON *root;

    snprintf(path, sizeof(path), "%s/wycheproof/%s", MOAT_VECTOR_DIR, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1u);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    root = cJSON_Parse(buf);
    free(buf);
    assert_non_null(root);
    return root;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v)) {
        fail_msg("missing string member %s", key);
    }
    return v->valuestring;
}

static int num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v)) {
        fail_msg("missing number member %s", key);
    }
    return v->valueint;
}

/* Decode a hex member into a fresh heap buffer (at least 1 byte allocated). */
static uint8_t *hexm(const cJSON *o, const char *key, size_t *len)
{
    const char *h = str(o, key);
    size_t hl = strlen(h);
    uint8_t *out = malloc(hl / 2u + 1u);
    assert_non_null(out);
    assert_int_equal(moat_hex_decode(h, hl, out, hl / 2u + 1u, len), MOAT_OK);
    return out;
}

static int has_flag(const cJSON *t, const char *flag)
{
    const cJSON *flags = cJSON_GetObjectItemCaseSensitive(t, "flags");
    const cJSON *f;
    cJSON_ArrayForEach(f, flags) {
        if (cJSON_IsString(f) && strcmp(f->valuestring, flag) == 0) {
            return 1;
        }
    }
    return 0;
}

typedef enum expect { EXP_VALID, EXP_INVALID, EXP_ACCEPTABLE } expect;

static expect result_of(const cJSON *t)
{
    const char *r = str(t, "result");
    if (strcmp(r, "valid") == 0) return EXP_VALID;
    if (strcmp(r, "invalid") == 0) return EXP_INVALID;
    if (strcmp(r, "acceptable") == 0) return EXP_ACCEPTABLE;
    fail_msg("unknown result %s", r);
    return EXP_INVALID;
}

static void mismatch(tally *t, const cJSON *tc, const char *what, moat_err err)
{
    t->failures++;
    fprintf(stderr, "%s: tcId %d (%s, %s): %s (got %s)\n", t->file, num(tc, "tcId"),
            str(tc, "result"), str(tc, "comment"), what, moat_strerror_name(err));
}

/* Score a case that has no "acceptable" policy: accepted (with the right
 * output, ok_output) for valid, rejected for invalid. */
static void score(tally *t, const cJSON *tc, moat_err err, int ok_output)
{
    expect e = result_of(tc);
    if (e == EXP_VALID) {
        if (err != MOAT_OK) {
            mismatch(t, tc, "valid case rejected", err);
        } else if (!ok_output) {
            mismatch(t, tc, "valid case: wrong output", err);
        } else {
            t->valid_ok++;
        }
    } else if (e == EXP_INVALID) {
        /* Strict: an invalid case must be refused with an error; producing
         * some (wrong) output is not a rejection. */
        (void)ok_output;
        if (err == MOAT_OK) {
            mismatch(t, tc, "invalid case accepted", err);
        } else {
            t->invalid_rejected++;
        }
    } else {
        mismatch(t, tc, "acceptable case without a written policy", err);
    }
}

static void summary(const tally *t, const char *policy)
{
    printf("%s: %u valid ok, %u invalid rejected, %u acceptable (policy: %s), %u failures\n",
           t->file, t->valid_ok, t->invalid_rejected, t->acceptable, policy, t->failures);
    fflush(stdout);
    assert_int_equal(t->failures, 0);
    assert_true(t->valid_ok + t->invalid_rejected + t->acceptable > 0);
}

#define FOR_EACH_TEST(root, g, tc)                                             \
    for (g = cJSON_GetObjectItemCaseSensitive(root, "testGroups")->child;      \
         g != NULL; g = g->next)                                               \
        for (tc = cJSON_GetObjectItemCaseSensitive(g, "tests")->child;         \
             tc != NULL; tc = tc->next)

/* ----------------------------------------------------------------- ECDSA */

static moat_hash_alg hash_by_name(const char *n)
{
    if (strcmp(n, "SHA-256") == 0) return MOAT_HASH_SHA256;
    if (strcmp(n, "SHA-384") == 0) return MOAT_HASH_SHA384;
    if (strcmp(n, "SHA-512") == 0) return MOAT_HASH_SHA512;
    fail_msg("unknown hash %s", n);
    return MOAT_HASH_SHA256;
}

static void run_ecdsa(const char *file, moat_sig_format fmt)
{
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };

    for (g = cJSON_GetObjectItemCaseSensitive(root, "testGroups")->child; g != NULL;
         g = g->next) {
        moat_ec_public_key pub;
        moat_ec_public_key pub2;
        size_t der_len, pt_len;
        uint8_t *der = hexm(g, "publicKeyDer", &der_len);
        uint8_t *pt = hexm(cJSON_GetObjectItemCaseSensitive(g, "publicKey"), "uncompressed",
                           &pt_len);
        moat_hash_alg h = hash_by_name(str(g, "sha"));
        moat_err err = moat_ec_public_from_spki(der, der_len, &pub);

        assert_int_equal(err, MOAT_OK);
        /* the SPKI and the raw point must agree */
        assert_int_equal(moat_ec_public_from_point(pub.curve, pt, pt_len, &pub2), MOAT_OK);
        assert_memory_equal(pub.q, pub2.q, pub.q_len);
        for (tc = cJSON_GetObjectItemCaseSensitive(g, "tests")->child; tc != NULL;
             tc = tc->next) {
            size_t ml, sl;
            uint8_t *msg = hexm(tc, "msg", &ml);
            uint8_t *sig = hexm(tc, "sig", &sl);
            err = moat_ecdsa_verify(&pub, h, msg, ml, fmt, sig, sl);
            score(&t, tc, err, 1);
            free(msg);
            free(sig);
        }
        free(der);
        free(pt);
    }
    cJSON_Delete(root);
    summary(&t, "none in file");
}

static void test_ecdsa_p256_der(void **state)
{
    (void)state;
    run_ecdsa("ecdsa_secp256r1_sha256_test.json", MOAT_SIG_DER);
}

static void test_ecdsa_p384_der(void **state)
{
    (void)state;
    run_ecdsa("ecdsa_secp384r1_sha384_test.json", MOAT_SIG_DER);
}

static void test_ecdsa_p256_p1363(void **state)
{
    (void)state;
    run_ecdsa("ecdsa_secp256r1_sha256_p1363_test.json", MOAT_SIG_RAW);
}

static void test_ecdsa_p384_p1363(void **state)
{
    (void)state;
    run_ecdsa("ecdsa_secp384r1_sha384_p1363_test.json", MOAT_SIG_RAW);
}

/* ------------------------------------------------------------------ ECDH */

/* Policy (docs/crypto-policy.md): every "acceptable" ECDH case is refused,
 * with the code its flags call for. Returns 1 when @p err meets it. */
static int ecdh_policy_met(const cJSON *tc, moat_err err)
{
    if (has_flag(tc, "CompressedPoint") || has_flag(tc, "CompressedPublic")) {
        return err == MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    if (has_flag(tc, "UnnamedCurve")) {
        return err == MOAT_ERR_UNSUPPORTED;
    }
    if (has_flag(tc, "InvalidAsn")) {
        /* Not DER, or DER whose content is then wrong: which check fires
         * depends on where the encoding was altered (the SPKI structure, the
         * OIDs, or the BIT STRING holding the point). */
        return err == MOAT_ERR_CRYPTO_KEY_ENCODING || err == MOAT_ERR_UNSUPPORTED ||
               err == MOAT_ERR_CRYPTO_POINT_ENCODING ||
               err == MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE;
    }
    return 0; /* no written policy: counted as a failure */
}

static void test_ecdh_p256(void **state)
{
    static const char file[] = "ecdh_secp256r1_test.json";
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };
    (void)state;

    FOR_EACH_TEST(root, g, tc) {
        size_t publ, privl, shl, outl = 0;
        uint8_t *pubder = hexm(tc, "public", &publ);
        uint8_t *priv = hexm(tc, "private", &privl);
        uint8_t *shared = hexm(tc, "shared", &shl);
        uint8_t d[32];
        uint8_t out[48];
        const uint8_t *p = priv;
        moat_ec_public_key pub;
        moat_ec_private_key key;
        moat_err err;

        assert_string_equal(str(g, "curve"), "secp256r1");
        /* private values are big-endian integers of varying width */
        while (privl > 0 && *p == 0) { p++; privl--; }
        assert_true(privl <= 32);
        memset(d, 0, sizeof(d));
        memcpy(d + 32 - privl, p, privl);
        assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, 32, &key), MOAT_OK);
        err = moat_ec_public_from_spki(pubder, publ, &pub);
        if (err == MOAT_OK) {
            err = moat_ecdh(&key, &pub, out, sizeof(out), &outl);
        }
        if (result_of(tc) == EXP_ACCEPTABLE) {
            if (!ecdh_policy_met(tc, err)) {
                mismatch(&t, tc, "acceptable case: policy (reject by flag) not met", err);
            } else {
                t.acceptable++;
            }
        } else {
            score(&t, tc, err, err == MOAT_OK && outl == shl && memcmp(out, shared, shl) == 0);
        }
        free(pubder);
        free(priv);
        free(shared);
    }
    cJSON_Delete(root);
    summary(&t, "reject: compressed point -> POINT_ENCODING, explicit curve -> "
                "UNSUPPORTED, altered ASN.1 -> KEY_ENCODING/UNSUPPORTED/POINT_*");
}

/* ---------------------------------------------------------------- X25519 */

static void test_x25519(void **state)
{
    static const char file[] = "x25519_test.json";
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };
    (void)state;

    FOR_EACH_TEST(root, g, tc) {
        size_t publ, privl, shl;
        uint8_t *pub = hexm(tc, "public", &publ);
        uint8_t *priv = hexm(tc, "private", &privl);
        uint8_t *shared = hexm(tc, "shared", &shl);
        uint8_t out[32];
        moat_err err;
        int ok;

        assert_string_equal(str(g, "curve"), "curve25519");
        if (publ != 32 || privl != 32) {
            err = MOAT_ERR_INVALID_ARGUMENT; /* not representable in the API */
            ok = 0;
        } else {
            err = moat_x25519(priv, pub, out);
            ok = (err == MOAT_OK && shl == 32 && memcmp(out, shared, 32) == 0);
        }
        if (result_of(tc) == EXP_ACCEPTABLE) {
            /* Policy: an all-zero shared secret is refused (and the output
             * wiped); every other acceptable case computes RFC 7748 exactly. */
            if (has_flag(tc, "ZeroSharedSecret")) {
                static const uint8_t zero[32];
                if (err != MOAT_ERR_CRYPTO_LOW_ORDER_POINT || memcmp(out, zero, 32) != 0) {
                    mismatch(&t, tc, "acceptable zero secret not refused", err);
                } else {
                    t.acceptable++;
                }
            } else if (!ok) {
                mismatch(&t, tc, "acceptable case not computed per RFC 7748", err);
            } else {
                t.acceptable++;
            }
        } else {
            score(&t, tc, err, ok);
        }
        free(pub);
        free(priv);
        free(shared);
    }
    cJSON_Delete(root);
    summary(&t, "all-zero secret -> LOW_ORDER_POINT; twist/non-canonical/special "
                "points computed per RFC 7748");
}

/* ------------------------------------------------------------------ AEAD */

static void run_aead(const char *file, moat_aead_alg alg)
{
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };

    FOR_EACH_TEST(root, g, tc) {
        size_t kl, ivl, al, ml, cl, tl;
        uint8_t *key = hexm(tc, "key", &kl);
        uint8_t *iv = hexm(tc, "iv", &ivl);
        uint8_t *aad = hexm(tc, "aad", &al);
        uint8_t *msg = hexm(tc, "msg", &ml);
        uint8_t *ct = hexm(tc, "ct", &cl);
        uint8_t *tag = hexm(tc, "tag", &tl);
        uint8_t *buf = malloc(ml + cl + 1u);
        uint8_t ctag[16];
        moat_err err;
        int ok = 1;

        assert_non_null(buf);
        (void)g; /* tagSize is implied by the tag's length */
        if (result_of(tc) == EXP_VALID) {
            /* seal must reproduce ct and tag */
            assert_int_equal(ml, cl);
            err = moat_aead_seal(alg, key, kl, iv, ivl, aad, al, msg, ml, buf, ctag, tl);
            if (err != MOAT_OK || memcmp(buf, ct, cl) != 0 || memcmp(ctag, tag, tl) != 0) {
                ok = 0;
            }
        }
        memset(buf, 0xA5, cl + 1u);
        err = moat_aead_open(alg, key, kl, iv, ivl, aad, al, ct, cl, tag, tl, buf);
        if (err == MOAT_OK) {
            ok = ok && (cl == ml) && memcmp(buf, msg, ml) == 0;
        } else if (err == MOAT_ERR_CRYPTO_TAG_MISMATCH) {
            size_t i;
            for (i = 0; i < cl; i++) {
                if (buf[i] != 0) {
                    mismatch(&t, tc, "plaintext not wiped after tag mismatch", err);
                    break;
                }
            }
        }
        score(&t, tc, err, ok);
        free(key); free(iv); free(aad); free(msg); free(ct); free(tag); free(buf);
    }
    cJSON_Delete(root);
    summary(&t, "none in file");
}

static void test_aes_gcm(void **state)
{
    (void)state;
    run_aead("aes_gcm_test.json", MOAT_AEAD_AES_GCM);
}

static void test_chacha20_poly1305(void **state)
{
    (void)state;
    run_aead("chacha20_poly1305_test.json", MOAT_AEAD_CHACHA20_POLY1305);
}

/* ------------------------------------------------------------ HKDF, HMAC */

static void test_hkdf_sha256(void **state)
{
    static const char file[] = "hkdf_sha256_test.json";
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };
    (void)state;

    FOR_EACH_TEST(root, g, tc) {
        size_t il, sl, nl, ol;
        uint8_t *ikm = hexm(tc, "ikm", &il);
        uint8_t *salt = hexm(tc, "salt", &sl);
        uint8_t *info = hexm(tc, "info", &nl);
        uint8_t *okm = hexm(tc, "okm", &ol);
        size_t size = (size_t)num(tc, "size");
        uint8_t *out = malloc(size + 1u);
        moat_err err;

        assert_non_null(out);
        err = moat_hkdf(MOAT_HASH_SHA256, salt, sl, ikm, il, info, nl, out, size);
        score(&t, tc, err, err == MOAT_OK && ol == size && memcmp(out, okm, size) == 0);
        free(ikm); free(salt); free(info); free(okm); free(out);
    }
    cJSON_Delete(root);
    summary(&t, "none in file");
}

static void test_hmac_sha256(void **state)
{
    static const char file[] = "hmac_sha256_test.json";
    cJSON *root = load_json(file);
    const cJSON *g;
    const cJSON *tc;
    tally t = { file, 0, 0, 0, 0 };
    (void)state;

    FOR_EACH_TEST(root, g, tc) {
        size_t kl, ml, tl;
        uint8_t *key = hexm(tc, "key", &kl);
        uint8_t *msg = hexm(tc, "msg", &ml);
        uint8_t *tag = hexm(tc, "tag", &tl);
        size_t tag_size = (size_t)num(g, "tagSize") / 8u;
        uint8_t full[32];
        moat_err err;
        int ok;

        /* one-shot MAC: its leftmost tagSize bytes must be the tag for valid
         * cases; the verifier decides (in constant time) for all cases. */
        assert_int_equal(moat_hmac(MOAT_HASH_SHA256, key, kl, msg, ml, full), MOAT_OK);
        ok = (tl == tag_size) && memcmp(full, tag, tl) == 0;
        err = moat_hmac_verify(MOAT_HASH_SHA256, key, kl, msg, ml, tag, tl);
        if (result_of(tc) == EXP_VALID && !ok) {
            mismatch(&t, tc, "moat_hmac output differs from the valid tag", err);
        }
        score(&t, tc, err, 1);
        free(key); free(msg); free(tag);
    }
    cJSON_Delete(root);
    summary(&t, "none in file");
}

/* --------------------------------------------------------- completeness */

static const char *const KNOWN_FILES[] = {
    "ecdsa_secp256r1_sha256_test.json", "ecdsa_secp384r1_sha384_test.json",
    "ecdsa_secp256r1_sha256_p1363_test.json", "ecdsa_secp384r1_sha384_p1363_test.json",
    "ecdh_secp256r1_test.json", "x25519_test.json", "aes_gcm_test.json",
    "chacha20_poly1305_test.json", "hkdf_sha256_test.json", "hmac_sha256_test.json",
};

static void test_every_file_is_run(void **state)
{
    char path[1024];
    DIR *dir;
    struct dirent *e;
    unsigned unknown = 0;
    unsigned seen = 0;
    (void)state;

    snprintf(path, sizeof(path), "%s/wycheproof", MOAT_VECTOR_DIR);
    dir = opendir(path);
    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        size_t i;
        int known = 0;
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0) {
            continue;
        }
        for (i = 0; i < sizeof(KNOWN_FILES) / sizeof(KNOWN_FILES[0]); i++) {
            if (strcmp(e->d_name, KNOWN_FILES[i]) == 0) {
                known = 1;
            }
        }
        if (known) {
            seen++;
        } else {
            fprintf(stderr, "vector file without a runner: %s\n", e->d_name);
            unknown++;
        }
    }
    closedir(dir);
    assert_int_equal(unknown, 0);
    assert_int_equal(seen, sizeof(KNOWN_FILES) / sizeof(KNOWN_FILES[0]));
}

static void test_skipped(void **state)
{
    (void)state;
    printf("NOTICE: vectors not configured, Wycheproof SKIPPED\n");
    fflush(stdout);
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file_is_run),
        cmocka_unit_test(test_ecdsa_p256_der),
        cmocka_unit_test(test_ecdsa_p384_der),
        cmocka_unit_test(test_ecdsa_p256_p1363),
        cmocka_unit_test(test_ecdsa_p384_p1363),
        cmocka_unit_test(test_ecdh_p256),
        cmocka_unit_test(test_x25519),
        cmocka_unit_test(test_aes_gcm),
        cmocka_unit_test(test_chacha20_poly1305),
        cmocka_unit_test(test_hkdf_sha256),
        cmocka_unit_test(test_hmac_sha256),
    };
    const struct CMUnitTest skipped[] = {
        cmocka_unit_test(test_skipped),
    };

    if (MOAT_VECTOR_DIR[0] == '\0') {
        return cmocka_run_group_tests_name("wycheproof", skipped, NULL, NULL);
    }
    return cmocka_run_group_tests_name("wycheproof", tests, NULL, NULL);
}
