/*
 * Known values of the Open Profile for DICE (open-dice), P-256 X.509
 * variant: $MOAT_VECTOR_DIR/open-dice/p256_known_values.json.
 *
 * For every case: the next CDI_Attest and CDI_Seal are exact; moat's
 * TBSCertificate equals, byte for byte, the TBSCertificate inside the
 * expected certificate; the expected certificate's signature verifies under
 * the issuer key derived from current_cdi_attest (the vectors' ECDSA
 * signature may come from a randomized signer, so only the TBS is compared);
 * and moat's own signed certificate parses, has the same TBS and verifies
 * under the same key. Without vectors (MOAT_VECTOR_DIR "") it prints a
 * NOTICE and skips.
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
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "moat/x509.h"

#define MAX_BLOB 4096u

static cJSON *load_vectors(void)
{
    char path[1024];
    FILE *f;
    long n;
    char *buf;
    cJSON *root;

    snprintf(path, sizeof(path), "%s/open-dice/p256_known_values.json", MOAT_VECTOR_DIR);
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

static const char *opt_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *s = opt_str(o, key);
    if (s == NULL) {
        fail_msg("missing string member %s", key);
    }
    return s;
}

/* Hex member into out; returns its length; exact size when want != 0. */
static size_t hex(const cJSON *o, const char *key, uint8_t *out, size_t cap, size_t want)
{
    const char *s = str(o, key);
    size_t len = 0;
    assert_int_equal(moat_hex_decode(s, strlen(s), out, cap, &len), MOAT_OK);
    if (want != 0u) {
        assert_int_equal(len, want);
    }
    return len;
}

static void run_case(const cJSON *c)
{
    moat_dice_cdis cur;
    moat_dice_cdis next;
    moat_dice_input in;
    uint8_t code_desc[MOAT_DICE_DESCRIPTOR_MAX];
    uint8_t config_desc[MOAT_DICE_DESCRIPTOR_MAX];
    uint8_t auth_desc[MOAT_DICE_DESCRIPTOR_MAX];
    uint8_t expect_attest[32];
    uint8_t expect_seal[32];
    static uint8_t expect_cert[MAX_BLOB];
    static uint8_t tbs[MAX_BLOB];
    static uint8_t mine[MAX_BLOB];
    size_t expect_len;
    size_t tbs_len = 0;
    size_t mine_len = 0;
    moat_x509_cert expected;
    moat_x509_cert own;
    moat_ec_private_key issuer;
    moat_ec_public_key issuer_pub;
    moat_ec_private_key subject;
    moat_ec_public_key subject_pub;
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(c, "mode");
    const char *name = str(c, "name");

    memset(&in, 0, sizeof(in));
    hex(c, "current_cdi_attest", cur.attest, sizeof(cur.attest), 32u);
    hex(c, "current_cdi_seal", cur.seal, sizeof(cur.seal), 32u);
    hex(c, "code_hash", in.code_hash, sizeof(in.code_hash), 64u);
    hex(c, "authority_hash", in.authority_hash, sizeof(in.authority_hash), 64u);
    hex(c, "hidden", in.hidden, sizeof(in.hidden), 64u);
    assert_true(cJSON_IsNumber(mode));
    in.mode = (moat_dice_mode)mode->valueint;
    if (strcmp(str(c, "config_type"), "inline") == 0) {
        in.config_type = MOAT_DICE_CONFIG_INLINE;
        hex(c, "config_value", in.config_value, sizeof(in.config_value), 64u);
    } else {
        assert_string_equal(str(c, "config_type"), "descriptor");
        in.config_type = MOAT_DICE_CONFIG_DESCRIPTOR;
        in.config_descriptor = config_desc;
        in.config_descriptor_len = hex(c, "config_descriptor", config_desc,
                                       sizeof(config_desc), 0u);
    }
    if (opt_str(c, "code_descriptor") != NULL) {
        in.code_descriptor = code_desc;
        in.code_descriptor_len = hex(c, "code_descriptor", code_desc, sizeof(code_desc), 0u);
    }
    if (opt_str(c, "authority_descriptor") != NULL) {
        in.authority_descriptor = auth_desc;
        in.authority_descriptor_len = hex(c, "authority_descriptor", auth_desc,
                                          sizeof(auth_desc), 0u);
    }
    /* open-dice's reference certificates carry this profile name. */
    in.profile_name = MOAT_DICE_PROFILE_OPENDICE_EXAMPLE;
    hex(c, "expected_cdi_attest", expect_attest, sizeof(expect_attest), 32u);
    hex(c, "expected_cdi_seal", expect_seal, sizeof(expect_seal), 32u);
    expect_len = hex(c, "expected_x509_p256_cert", expect_cert, sizeof(expect_cert), 0u);

    /* 1. CDIs exact. */
    assert_int_equal(moat_dice_derive(&cur, &in, &next), MOAT_OK);
    assert_memory_equal(next.attest, expect_attest, 32);
    assert_memory_equal(next.seal, expect_seal, 32);

    /* 2. TBS bytes exact. */
    assert_int_equal(moat_x509_parse(expect_cert, expect_len, &expected), MOAT_OK);
    assert_int_equal(moat_dice_cdi_tbs(&cur, &in, tbs, sizeof(tbs), &tbs_len), MOAT_OK);
    if (tbs_len != expected.tbs.len || memcmp(tbs, expected.tbs.ptr, tbs_len) != 0) {
        fail_msg("%s: TBSCertificate differs (moat %zu bytes, expected %zu)", name, tbs_len,
                 expected.tbs.len);
    }

    /* 3. The expected signature verifies under the issuer key derived from
     *    current_cdi_attest; the subject key is the one from the next CDI. */
    assert_int_equal(moat_dice_keypair_from_cdi(cur.attest, &issuer, &issuer_pub), MOAT_OK);
    assert_int_equal(moat_dice_keypair_from_cdi(next.attest, &subject, &subject_pub), MOAT_OK);
    assert_int_equal(expected.sig_alg, MOAT_X509_SIG_ECDSA_SHA256);
    assert_int_equal(moat_ecdsa_verify(&issuer_pub, MOAT_HASH_SHA256, expected.tbs.ptr,
                                       expected.tbs.len, MOAT_SIG_DER, expected.sig.ptr,
                                       expected.sig.len),
                     MOAT_OK);
    assert_int_equal(expected.ec_key.q_len, subject_pub.q_len);
    assert_memory_equal(expected.ec_key.q, subject_pub.q, subject_pub.q_len);

    /* 4. moat's own certificate: same TBS, signature verifies. */
    assert_int_equal(moat_dice_cdi_cert(&cur, &in, mine, sizeof(mine), &mine_len), MOAT_OK);
    assert_int_equal(moat_x509_parse(mine, mine_len, &own), MOAT_OK);
    assert_int_equal(own.tbs.len, expected.tbs.len);
    assert_memory_equal(own.tbs.ptr, expected.tbs.ptr, own.tbs.len);
    assert_int_equal(moat_ecdsa_verify(&issuer_pub, MOAT_HASH_SHA256, own.tbs.ptr,
                                       own.tbs.len, MOAT_SIG_DER, own.sig.ptr, own.sig.len),
                     MOAT_OK);
    /* A layer transition gives the same CDIs and a certificate with the
     * same TBS. */
    {
        moat_dice_cdis layer_next;
        size_t l2 = 0;
        assert_int_equal(moat_dice_layer(&cur, &in, &layer_next, mine, sizeof(mine), &l2),
                         MOAT_OK);
        assert_memory_equal(&layer_next, &next, sizeof(next));
        assert_int_equal(moat_x509_parse(mine, l2, &own), MOAT_OK);
        assert_memory_equal(own.tbs.ptr, expected.tbs.ptr, expected.tbs.len);
        moat_wipe(&layer_next, sizeof(layer_next));
    }
    printf("open-dice %s: CDIs exact, TBS exact (%zu bytes), signatures verify\n", name,
           tbs_len);
    moat_wipe(&issuer, sizeof(issuer));
    moat_wipe(&subject, sizeof(subject));
}

static void test_open_dice_known_values(void **state)
{
    cJSON *root = load_vectors();
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    const cJSON *c;
    int n = 0;

    (void)state;
    assert_true(cJSON_IsArray(cases));
    cJSON_ArrayForEach(c, cases) {
        run_case(c);
        n++;
    }
    /* zero_input, hash_only_input, descriptor_input. */
    assert_int_equal(n, 3);
    cJSON_Delete(root);
}

static void test_skipped(void **state)
{
    (void)state;
    printf("NOTICE: vectors not configured, open-dice vectors SKIPPED\n");
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_dice_known_values),
    };
    const struct CMUnitTest skipped[] = {
        cmocka_unit_test(test_skipped),
    };
    if (MOAT_VECTOR_DIR[0] == '\0') {
        return cmocka_run_group_tests_name("dice_kat", skipped, NULL, NULL);
    }
    return cmocka_run_group_tests_name("dice_kat", tests, NULL, NULL);
}
