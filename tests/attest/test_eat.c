/*
 * EAT evidence, verifier, nonces and appraisal (issue 4): a full device is
 * built at run time (UDS -> DeviceID certificate from a test manufacturer
 * CA -> two DICE layers -> alias certificate), evidence is issued, verified
 * and appraised; every attack of the issue is a named test asserting the
 * exact error, that the evidence output is wiped and that no nonce was
 * consumed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "moat/attest.h"
#include "eat_fixture.h"

#define NOW 1700000000LL

static fx_ca g_ca, g_rogue_ca;
static fx_device g_dev, g_dev2, g_rogue, g_debug;
static moat_x509_store g_store;
static moat_nonce_store g_nonces;
static void *g_work;
static size_t g_work_size;
static char g_tok[MOAT_EAT_TOKEN_OUT_MAX];
static size_t g_tok_len;

/* base64url of the fixture's digests: fw (0x33 x 32), its SHA-512 code hash
 * (0x33 x 64, certified by layer 1), the layer-1 code hash (0x11 x 64). */
#define B64_FW "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM"
#define B64_CODE                                                                \
    "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM" \
    "zMzMzMzMw"
#define B64_L1                                                                  \
    "EREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREREQ"
#define RV_HEAD "{\"moat_refvals\":1,\"models\":[{\"hwmodel\":\"c2Vuc29yLTE\","
#define RV_CODE_COMPONENT \
    "{\"name\":\"fw-sha512\",\"digests\":[[\"sha-512\",\"" B64_CODE "\"]]}"

static const char refvals_ok[] =
    RV_HEAD "\"dbgstat\":[\"disabled-since-boot\",\"disabled-permanently\"],"
    "\"boot_layers\":[[\"" B64_L1 "\"]],"
    "\"components\":[{\"name\":\"fw\",\"versions\":[\"1.2.3\"],\"min_svn\":5,"
    "\"digests\":[[\"sha-256\",\"" B64_FW "\"]]}," RV_CODE_COMPONENT "]}]}";

static int group_setup(void **state)
{
    (void)state;
    if (fx_ca_make(&g_ca, "moat EAT test CA") != MOAT_OK ||
        fx_ca_make(&g_rogue_ca, "rogue CA") != MOAT_OK ||
        fx_device_make(&g_dev, 0xA1, &g_ca, false) != MOAT_OK ||
        fx_device_make(&g_dev2, 0xB2, &g_ca, false) != MOAT_OK ||
        fx_device_make(&g_rogue, 0xC3, &g_rogue_ca, false) != MOAT_OK ||
        fx_device_make(&g_debug, 0xD4, &g_ca, true) != MOAT_OK) {
        return -1;
    }
    if (moat_x509_store_init(&g_store, NULL, 0) != MOAT_OK ||
        moat_x509_store_add(&g_store, g_ca.cert, g_ca.cert_len) != MOAT_OK) {
        return -1;
    }
    g_work_size = moat_eat_verify_work_size();
    if (moat_attest_appraise_work_size() > g_work_size) {
        g_work_size = moat_attest_appraise_work_size();
    }
    g_work = malloc(g_work_size);
    return g_work == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(g_work);
    return 0;
}

static int test_setup(void **state)
{
    (void)state;
    return moat_nonce_store_init(&g_nonces) == MOAT_OK ? 0 : -1;
}

static void policy_init(moat_eat_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->store = &g_store;
    p->nonces = &g_nonces;
    p->now = NOW;
    p->iat_max_age = 300;
    p->iat_skew = 30;
    p->dbgstat_allowed = MOAT_EAT_DBG_PRODUCTION;
}

static void issue_nonce(const fx_device *bound_to, uint8_t nonce[MOAT_NONCE_SIZE])
{
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL,
                                      bound_to != NULL ? bound_to->ueid : NULL, NOW - 10,
                                      120, nonce),
                     MOAT_OK);
}

/* Evidence from @p d over @p nonce, with the fixture claims. */
static void issue(const fx_device *d, const uint8_t *nonce, size_t nonce_len, int64_t iat)
{
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    uint8_t dig[32], work[MOAT_EAT_ISSUE_WORK_SIZE];
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, d, nonce, nonce_len, iat);
    assert_int_equal(moat_eat_issue(&c, &d->alias_signer, d->x5c, d->x5c_lens, 4, work,
                                    sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
}

/* Sign an arbitrary claims text with @p signer and the chain @p x5c. */
static void sign_raw(const moat_signer *signer, const uint8_t *const *x5c, const size_t *lens,
                     size_t n, const char *payload)
{
    moat_jws_sign_opts o;
    memset(&o, 0, sizeof(o));
    o.kid = "";
    o.typ = MOAT_EAT_TYP;
    o.x5c = x5c;
    o.x5c_lens = lens;
    o.x5c_count = n;
    assert_int_equal(moat_jws_sign_compact_ex(signer, &o, (const uint8_t *)payload,
                                              strlen(payload), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
}

static void b64u(const uint8_t *d, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    assert_int_equal(moat_b64url_encode(d, n, out, cap, &len), MOAT_OK);
}

/* A claims text of the fixture device, with a replaceable nonce member and
 * optional extra members. */
static void claims_text(char *out, size_t cap, const char *profile, int64_t iat,
                        const char *nonce_member, const uint8_t *ueid, const char *extra)
{
    char u[64], dg[64];
    uint8_t d[32];
    fx_fw_digest(d);
    b64u(ueid, MOAT_EAT_UEID_SIZE, u, sizeof(u));
    b64u(d, 32, dg, sizeof(dg));
    snprintf(out, cap,
             "{\"eat_profile\":\"%s\",\"iat\":%lld,%s\"ueid\":\"%s\",\"hwmodel\":\"c2Vuc29yLTE\","
             "\"swname\":\"moat-fw\",\"swversion\":[\"1.2.3\"],\"dbgstat\":\"disabled-since-boot\","
             "\"measurements\":[[50,{\"name\":\"fw\",\"version\":\"1.2.3\",\"svn\":7,"
             "\"digest\":[\"sha-256\",\"%s\"]}],[50,{\"name\":\"fw-sha512\",\"version\":"
             "\"1.2.3\",\"svn\":7,\"digest\":[\"sha-512\",\"" B64_CODE "\"]}]]%s}",
             profile, (long long)iat, nonce_member, u, dg, extra);
}

static void nonce_member(char *out, size_t cap, const uint8_t *nonce, size_t len)
{
    char n[128];
    b64u(nonce, len, n, sizeof(n));
    snprintf(out, cap, "\"eat_nonce\":\"%s\",", n);
}

/* Verify g_tok; assert the exact code, a wiped evidence on failure and,
 * when @p nonce is given, that it was not consumed. */
static void expect_verify(const moat_eat_policy *p, moat_err want, const uint8_t *nonce,
                          const fx_device *owner)
{
    moat_eat_evidence ev;
    static const moat_eat_evidence zero;
    memset(&ev, 0xEE, sizeof(ev));
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, p, g_work, g_work_size, &ev), want);
    if (want != MOAT_OK) {
        assert_memory_equal(&ev, &zero, sizeof(ev));
        if (nonce != NULL) {
            assert_int_equal(moat_nonce_check(&g_nonces, nonce, MOAT_NONCE_SIZE, owner->ueid, NOW),
                             MOAT_OK);
        }
    }
}

/* ------------------------------------------------------------ success */

static void test_eat_roundtrip_and_appraise(void **state)
{
    moat_eat_policy p;
    moat_eat_evidence ev;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char ar[MOAT_AR_MAX + 1], jwt[MOAT_JWS_COMPACT_SIZE(MOAT_AR_MAX)];
    uint8_t payload[MOAT_AR_MAX];
    size_t ar_len = 0, jwt_len = 0, plen = 0;
    moat_ar_status st = MOAT_AR_NONE;
    (void)state;

    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW - 5);
    policy_init(&p);
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, &p, g_work, g_work_size, &ev), MOAT_OK);
    assert_int_equal(ev.nonce_len, MOAT_NONCE_SIZE);
    assert_memory_equal(ev.nonce, nonce, MOAT_NONCE_SIZE);
    assert_memory_equal(ev.ueid, g_dev.ueid, MOAT_EAT_UEID_SIZE);
    assert_int_equal(ev.oemid_pen, 11129);
    assert_string_equal(ev.swname, "moat-fw");
    assert_string_equal(ev.swversion, "1.2.3");
    assert_string_equal(ev.hwversion, "rev-b");
    assert_int_equal(ev.dbgstat, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    assert_int_equal(ev.iat, NOW - 5);
    assert_int_equal(ev.component_count, 2);
    assert_string_equal(ev.components[0].name, "fw");
    assert_int_equal(ev.components[0].svn, 7);
    assert_string_equal(ev.components[1].name, "fw-sha512");
    assert_int_equal(ev.components[1].alg, MOAT_HASH_SHA512);
    assert_int_equal(ev.tcb.svn, 7);
    assert_int_equal(ev.chain_len, 4);
    /* the certified DICE inputs, first layer first */
    assert_int_equal(ev.layer_count, 2);
    {
        uint8_t l1[64], l2[64];
        memset(l1, FX_CODE_L1, sizeof(l1));
        memset(l2, FX_CODE_L2, sizeof(l2));
        assert_memory_equal(ev.layers[0].code_hash, l1, 64);
        assert_memory_equal(ev.layers[1].code_hash, l2, 64);
        memset(l1, 0x22, sizeof(l1));
        assert_memory_equal(ev.layers[1].authority_hash, l1, 64);
        assert_int_equal(ev.layers[0].mode, MOAT_DICE_MODE_NORMAL);
        assert_int_equal(ev.layers[1].mode, MOAT_DICE_MODE_NORMAL);
        assert_string_equal(ev.layers[1].profile_name, "moat.eat.test");
        assert_false(ev.layers[1].config_is_hash);
    }
    assert_int_equal(ev.alias_key.q_len, 65);
    /* consumed */
    assert_int_equal(moat_nonce_check(&g_nonces, nonce, sizeof(nonce), g_dev.ueid, NOW),
                     MOAT_ERR_EAT_NONCE_USED);

    assert_int_equal(moat_attest_appraise(&ev, refvals_ok, strlen(refvals_ok), NOW, g_work,
                                          g_work_size, ar, sizeof(ar), &ar_len, &st),
                     MOAT_OK);
    assert_int_equal(st, MOAT_AR_AFFIRMING);
    assert_non_null(strstr(ar, "\"ear.status\":\"affirming\""));
    assert_non_null(strstr(ar, "\"executables\":2"));

    assert_int_equal(moat_attest_result_sign(ar, ar_len, &g_ca.signer, jwt, sizeof(jwt),
                                             &jwt_len),
                     MOAT_OK);
    assert_int_equal(moat_jws_verify_compact(jwt, jwt_len, &g_ca.signer.pub, payload,
                                             sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(plen, ar_len);
    assert_memory_equal(payload, ar, ar_len);
}

static void test_eat_registered_device_id(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    p.store = NULL;
    p.device_ids = &g_dev2.device_id_pub;
    p.device_id_count = 1;
    expect_verify(&p, MOAT_ERR_X509_NO_ISSUER, nonce, &g_dev);
    p.device_ids = &g_dev.device_id_pub;
    expect_verify(&p, MOAT_OK, NULL, NULL);
}

/* ------------------------------------------------------------- attacks */

static void test_eat_attack_replayed_token(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    expect_verify(&p, MOAT_OK, NULL, NULL);
    expect_verify(&p, MOAT_ERR_EAT_NONCE_USED, NULL, NULL);
}

static void test_eat_attack_nonce_of_another_device(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev2, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_NONCE_DEVICE, nonce, &g_dev2);
}

static void test_eat_attack_unknown_nonce(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    memset(nonce, 0x42, sizeof(nonce));
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_NONCE_UNKNOWN, NULL, NULL);
}

static void test_eat_attack_missing_nonce(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048];
    (void)state;
    issue_nonce(&g_dev, nonce);
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, "", g_dev.ueid, "");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_NONCE_MISSING, nonce, &g_dev);
}

static void test_eat_attack_short_nonce(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    uint8_t dig[32], work[MOAT_EAT_ISSUE_WORK_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    /* the issuer refuses it ... */
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, &g_dev, nonce, 7, NOW);
    assert_int_equal(moat_eat_issue(&c, &g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4,
                                    work, sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_ERR_EAT_NONCE_MISSING);
    assert_int_equal(g_tok_len, 0);
    /* ... and the verifier too */
    nonce_member(nm, sizeof(nm), nonce, 7);
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_NONCE_MISSING, nonce, &g_dev);
}

/* header64 '.' payload64 '.' signature64 with a forged header */
static void forge(const char *header_json, const uint8_t *sig, size_t sig_len)
{
    char h[8192], s[256];
    const char *dot = strchr(g_tok, '.');
    const char *dot2 = strchr(dot + 1, '.');
    char payload[8192];
    size_t plen = (size_t)(dot2 - dot - 1);
    memcpy(payload, dot + 1, plen);
    payload[plen] = 0;
    b64u((const uint8_t *)header_json, strlen(header_json), h, sizeof(h));
    b64u(sig, sig_len, s, sizeof(s));
    g_tok_len = (size_t)snprintf(g_tok, sizeof(g_tok), "%s.%s.%s", h, payload, s);
}

static void x5c_json(const fx_device *d, char *out, size_t cap)
{
    size_t pos = 0, i, n = 0;
    pos += (size_t)snprintf(out, cap, "[");
    for (i = 0; i < 4; i++) {
        out[pos++] = i == 0 ? '"' : ',';
        if (i != 0) {
            out[pos++] = '"';
        }
        assert_int_equal(moat_b64_encode(d->x5c[i], d->x5c_lens[i], out + pos, cap - pos, &n),
                         MOAT_OK);
        pos += n;
        out[pos++] = '"';
    }
    out[pos++] = ']';
    out[pos] = 0;
}

static void test_eat_attack_alg_none(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], sig[1] = {0};
    char x5c[6000], hdr[6200];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    x5c_json(&g_dev, x5c, sizeof(x5c));
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"none\",\"typ\":\"eat+jwt\",\"x5c\":%s}", x5c);
    forge(hdr, sig, sizeof(sig));
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_JOSE_ALG_NOT_ALLOWED, nonce, &g_dev);
}

static void test_eat_attack_hs256_with_public_key(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], mac[32];
    char x5c[6000], hdr[6200], h[8192];
    const char *dot;
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    x5c_json(&g_dev, x5c, sizeof(x5c));
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"eat+jwt\",\"x5c\":%s}", x5c);
    /* HMAC over the new signing input, keyed with the alias public key */
    {
        size_t n = 0;
        char input[16384];
        dot = strchr(g_tok, '.');
        b64u((const uint8_t *)hdr, strlen(hdr), h, sizeof(h));
        n = (size_t)snprintf(input, sizeof(input), "%s.%.*s", h,
                             (int)(strchr(dot + 1, '.') - dot - 1), dot + 1);
        assert_int_equal(moat_hmac(MOAT_HASH_SHA256, g_dev.alias_signer.pub.q,
                                   g_dev.alias_signer.pub.q_len, input, n, mac),
                         MOAT_OK);
    }
    forge(hdr, mac, sizeof(mac));
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_JOSE_ALG_NOT_ALLOWED, nonce, &g_dev);
}

static void test_eat_attack_es384_header_on_p256_key(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], sig[96];
    char x5c[6000], hdr[6200];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    x5c_json(&g_dev, x5c, sizeof(x5c));
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES384\",\"typ\":\"eat+jwt\",\"x5c\":%s}", x5c);
    memset(sig, 0x5A, sizeof(sig));
    forge(hdr, sig, sizeof(sig));
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_JOSE_ALG_KEY_MISMATCH, nonce, &g_dev);
}

static void test_eat_attack_untrusted_root(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_rogue, nonce);
    issue(&g_rogue, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_X509_NO_ISSUER, nonce, &g_rogue);
}

static void test_eat_attack_other_device_chain(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    /* device 1 signs, but presents device 2's (valid) chain */
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    sign_raw(&g_dev.alias_signer, g_dev2.x5c, g_dev2.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_CRYPTO_SIG_INVALID, nonce, &g_dev);
    /* device 2's chain and signer, device 1's ueid */
    sign_raw(&g_dev2.alias_signer, g_dev2.x5c, g_dev2.x5c_lens, 4, claims);
    expect_verify(&p, MOAT_ERR_EAT_UEID, nonce, &g_dev);
}

static void test_eat_attack_alias_not_issued_by_chain(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], tcb_der[512], cert[FX_CERT];
    size_t tcb_len = 0, cert_len = 0;
    moat_ec_private_key k;
    moat_signer s;
    moat_x509_issue_params ip;
    moat_x509_raw_ext raw;
    moat_x509_cert cdi2;
    static const uint8_t tcb_oid[] = {0x67, 0x81, 0x05, 0x05, 0x04, 0x01};
    static const uint8_t serial[] = {0x42};
    const uint8_t *x5c[4];
    char claims[2048], nm[160];
    (void)state;

    /* an attacker key certified as "alias" under device 1's CDI name, but
     * signed by the attacker's own key */
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, fx_urandom, NULL, &k), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&s, &k), MOAT_OK);
    assert_int_equal(moat_dice_tcb_info_encode(&g_dev.tcb, tcb_der, sizeof(tcb_der), &tcb_len),
                     MOAT_OK);
    assert_int_equal(moat_x509_parse(g_dev.cdi2, g_dev.cdi2_len, &cdi2), MOAT_OK);
    memset(&ip, 0, sizeof(ip));
    ip.serial.ptr = serial;
    ip.serial.len = 1;
    ip.not_before = 1500000000;
    ip.not_after = 253402300799;
    ip.subject.count = 1;
    ip.subject.type[0] = MOAT_X509_ATTR_CN;
    ip.subject.value[0] = "forged alias";
    ip.issuer.raw = cdi2.subject;
    ip.subject_key = &s.pub;
    ip.ext.basic_constraints = true;
    ip.ext.path_len = -1;
    ip.ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
    raw.oid.ptr = tcb_oid;
    raw.oid.len = sizeof(tcb_oid);
    raw.critical = true;
    raw.value.ptr = tcb_der;
    raw.value.len = tcb_len;
    ip.ext.raw = &raw;
    ip.ext.raw_count = 1;
    assert_int_equal(moat_x509_issue(&ip, &s, cert, sizeof(cert), &cert_len), MOAT_OK);

    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    memcpy(x5c, g_dev.x5c, sizeof(x5c));
    x5c[0] = cert;
    {
        size_t lens[4];
        memcpy(lens, g_dev.x5c_lens, sizeof(lens));
        lens[0] = cert_len;
        sign_raw(&s, x5c, lens, 4, claims);
    }
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_X509_BAD_SIGNATURE, nonce, &g_dev);
    moat_ec_private_wipe(&k);
}

static void test_eat_attack_measurements_differ_from_tcb(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], dig[32], work[MOAT_EAT_ISSUE_WORK_SIZE];
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    (void)state;
    issue_nonce(&g_dev, nonce);
    memset(dig, 0x44, sizeof(dig)); /* not the certified fwid */
    fx_claims(&c, m, dig, &g_dev, nonce, sizeof(nonce), NOW);
    assert_int_equal(moat_eat_issue(&c, &g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4,
                                    work, sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &g_dev);
    /* a different svn with the right digest */
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, &g_dev, nonce, sizeof(nonce), NOW);
    m[0].svn = 9;
    assert_int_equal(moat_eat_issue(&c, &g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4,
                                    work, sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &g_dev);
}

static void test_eat_attack_svn_below_minimum(void **state)
{
    moat_eat_policy p;
    moat_eat_evidence ev;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char ar[MOAT_AR_MAX + 1];
    size_t ar_len = 0;
    moat_ar_status st = MOAT_AR_NONE;
    static const char refvals_min8[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_L1 "\"]],"
        "\"components\":[{\"name\":\"fw\",\"min_svn\":8,"
        "\"digests\":[[\"sha-256\",\"" B64_FW "\"]]}," RV_CODE_COMPONENT "]}]}";
    (void)state;
    /* verify-time policy */
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    p.require_min_svn = true;
    p.min_svn = 8;
    expect_verify(&p, MOAT_ERR_EAT_SVN, nonce, &g_dev);
    /* appraisal: contraindicated with the reason */
    p.require_min_svn = false;
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, &p, g_work, g_work_size, &ev), MOAT_OK);
    assert_int_equal(moat_attest_appraise(&ev, refvals_min8, strlen(refvals_min8), NOW, g_work,
                                          g_work_size, ar, sizeof(ar), &ar_len, &st),
                     MOAT_OK);
    assert_int_equal(st, MOAT_AR_CONTRAINDICATED);
    assert_non_null(strstr(ar, "\"ear.status\":\"contraindicated\""));
    assert_non_null(strstr(ar, "\"executables\":96"));
    assert_non_null(strstr(ar, "svn 7 below the minimum 8"));
}

static void test_eat_attack_debug_device_production_policy(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_debug, nonce);
    issue(&g_debug, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_DEBUG, nonce, &g_debug);
    p.dbgstat_allowed = MOAT_EAT_DBG_ANY; /* a development policy accepts it */
    expect_verify(&p, MOAT_OK, NULL, NULL);
}

static void test_eat_attack_debug_device_claims_disabled(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE], dig[32], work[MOAT_EAT_ISSUE_WORK_SIZE];
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    (void)state;
    issue_nonce(&g_debug, nonce);
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, &g_debug, nonce, sizeof(nonce), NOW);
    c.dbgstat = MOAT_EAT_DBG_DISABLED_PERMANENTLY; /* the TcbInfo says debug */
    assert_int_equal(moat_eat_issue(&c, &g_debug.alias_signer, g_debug.x5c, g_debug.x5c_lens,
                                    4, work, sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &g_debug);
}

static void test_eat_attack_iat_too_old(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW - 301);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_IAT, nonce, &g_dev);
}

static void test_eat_attack_iat_in_future(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW + 31);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_IAT, nonce, &g_dev);
}

static void test_eat_attack_unknown_profile(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), "https://example.com/other-profile", NOW, nm,
                g_dev.ueid, "");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_PROFILE, nonce, &g_dev);
}

static void test_eat_attack_duplicate_claims(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid,
                ",\"dbgstat\":\"enabled\"");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_JSON_DUPLICATE_KEY, nonce, &g_dev);
}

static void test_eat_attack_unknown_claim(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid,
                ",\"secboot\":true");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 4, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_CLAIM, nonce, &g_dev);
}

static void test_eat_attack_oversized_token(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    static char big[MOAT_EAT_TOKEN_MAX + 2];
    moat_eat_evidence ev;
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    memset(big, 'A', sizeof(big));
    memcpy(big, g_tok, g_tok_len);
    policy_init(&p);
    assert_int_equal(moat_eat_verify(big, MOAT_EAT_TOKEN_MAX + 1u, &p, g_work, g_work_size, &ev),
                     MOAT_ERR_EAT_TOO_LARGE);
    assert_int_equal(moat_nonce_check(&g_nonces, nonce, sizeof(nonce), g_dev.ueid, NOW), MOAT_OK);
}

static void test_eat_attack_bad_base64url(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    g_tok[5] = '+'; /* standard base64, not base64url, in the header */
    expect_verify(&p, MOAT_ERR_B64_CHAR, nonce, &g_dev);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    g_tok[g_tok_len] = '=';
    g_tok_len++; /* padding after the signature */
    expect_verify(&p, MOAT_ERR_B64_PADDING, nonce, &g_dev);
}

static void test_eat_attack_signed_by_cdi_key(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    /* x5c = CDI2, CDI1, DeviceID: a valid chain whose leaf is a CDI key */
    sign_raw(&g_dev.cdi_signer, g_dev.x5c + 1, g_dev.x5c_lens + 1, 3, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_NOT_ALIAS, nonce, &g_dev);
}

static void test_eat_attack_no_x5c(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    moat_jws_sign_opts o;
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    memset(&o, 0, sizeof(o));
    o.kid = ""; /* header {"alg","typ"} only */
    o.typ = MOAT_EAT_TYP;
    assert_int_equal(moat_jws_sign_compact_ex(&g_dev.alias_signer, &o, (const uint8_t *)claims,
                                              strlen(claims), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_X5C, nonce, &g_dev);
}

/* ------------------------------------- DICE-certified inputs (review) */

/* A device with chosen DICE inputs and alias TcbInfo. */
typedef struct dev_opts {
    unsigned layers;         /* 1 or 2 CDI certificates */
    uint8_t l1_code;         /* layer-1 code hash byte (two layers) */
    moat_dice_mode l1_mode;  /* its mode, as the ROM certifies it */
    uint8_t last_code;       /* code hash byte of the last layer */
    moat_dice_mode last_mode;
    uint8_t fwid512;         /* SHA-512 fwid bytes the firmware writes (0: none) */
    uint32_t flags;          /* TcbInfo flags */
} dev_opts;

static void opts_default(dev_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->layers = 2;
    o->l1_code = FX_CODE_L1;
    o->l1_mode = MOAT_DICE_MODE_NORMAL;
    o->last_code = FX_CODE_L2;
    o->last_mode = MOAT_DICE_MODE_NORMAL;
    o->fwid512 = FX_CODE_L2;
}

/* Returns the x5c count (alias, CDI certificate(s), DeviceID). */
static size_t make_dev(fx_device *d, uint8_t uds_byte, const fx_ca *ca, const dev_opts *o)
{
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0, n = 0;
    uint8_t serial[2] = {0x20, 0x00};
    moat_dice_input in;
    moat_dice_cdis l1;

    memset(d, 0, sizeof(*d));
    memset(d->uds, uds_byte, sizeof(d->uds));
    serial[1] = uds_byte;
    assert_int_equal(moat_dice_device_id_csr(d->uds, sizeof(d->uds), csr, sizeof(csr), &csr_len),
                     MOAT_OK);
    assert_int_equal(moat_dice_device_id_certify(csr, csr_len, ca->cert, ca->cert_len,
                                                 &ca->signer, serial, sizeof(serial), 1500000000,
                                                 253402300799, d->device_id,
                                                 sizeof(d->device_id), &d->device_id_len),
                     MOAT_OK);
    assert_int_equal(moat_dice_device_id(d->uds, sizeof(d->uds), NULL, &d->device_id_pub, NULL),
                     MOAT_OK);
    if (o->layers == 2) {
        fx_input(&in, o->l1_code);
        in.mode = o->l1_mode;
        assert_int_equal(moat_dice_layer_from_uds(d->uds, sizeof(d->uds), &in, &l1, d->cdi1,
                                                  sizeof(d->cdi1), &d->cdi1_len),
                         MOAT_OK);
        fx_input(&in, o->last_code);
        in.mode = o->last_mode;
        assert_int_equal(moat_dice_layer(&l1, &in, &d->cdis, d->cdi2, sizeof(d->cdi2),
                                         &d->cdi2_len),
                         MOAT_OK);
    } else {
        fx_input(&in, o->last_code);
        in.mode = o->last_mode;
        assert_int_equal(moat_dice_layer_from_uds(d->uds, sizeof(d->uds), &in, &d->cdis, d->cdi2,
                                                  sizeof(d->cdi2), &d->cdi2_len),
                         MOAT_OK);
    }
    fx_tcb(&d->tcb, false);
    d->tcb.flags = o->flags;
    if (o->fwid512 == 0) {
        d->tcb.fwid_count = 1;
    } else {
        memset(d->tcb.fwids[1].digest, o->fwid512, 64);
    }
    assert_int_equal(moat_dice_alias_cert(&d->cdis, &d->tcb, d->alias, sizeof(d->alias),
                                          &d->alias_len),
                     MOAT_OK);
    assert_int_equal(moat_dice_alias_keypair(&d->cdis, &d->alias_priv, NULL), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&d->alias_signer, &d->alias_priv), MOAT_OK);
    assert_int_equal(moat_eat_ueid(&d->device_id_pub, d->ueid), MOAT_OK);
    d->x5c[n] = d->alias;
    d->x5c_lens[n++] = d->alias_len;
    d->x5c[n] = d->cdi2;
    d->x5c_lens[n++] = d->cdi2_len;
    if (o->layers == 2) {
        d->x5c[n] = d->cdi1;
        d->x5c_lens[n++] = d->cdi1_len;
    }
    d->x5c[n] = d->device_id;
    d->x5c_lens[n++] = d->device_id_len;
    moat_wipe(&l1, sizeof(l1));
    return n;
}

/* Evidence of @p d with the fixture claims, its own measurements (both
 * fwids, or "fw" only when it has no SHA-512 fwid, the SHA-512 digest being
 * what the firmware claims), and @p dbg. */
static void issue_dev(const fx_device *d, size_t n, const uint8_t nonce[MOAT_NONCE_SIZE],
                      moat_eat_dbgstat dbg)
{
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    uint8_t dig[32], work[MOAT_EAT_ISSUE_WORK_SIZE];
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, d, nonce, MOAT_NONCE_SIZE, NOW);
    c.dbgstat = dbg;
    c.measurement_count = d->tcb.fwid_count;
    m[1].digest = d->tcb.fwids[1].digest;
    assert_int_equal(moat_eat_issue(&c, &d->alias_signer, d->x5c, d->x5c_lens, n, work,
                                    sizeof(work), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
}

/* Review finding 1 (poc_dice_mode): the ROM certifies layer 1 in DEBUG mode
 * running unknown code; layer 1 then certifies a "good" layer 2 and alias
 * TcbInfo. The CDI certificates' OpenDiceInput decides. */
static void test_eat_attack_rom_certified_debug_mode(void **state)
{
    static fx_device d;
    moat_eat_policy p;
    moat_eat_evidence ev;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char ar[MOAT_AR_MAX + 1];
    size_t n, ar_len = 0;
    moat_ar_status st = MOAT_AR_NONE;
    dev_opts o;
    (void)state;
    opts_default(&o);
    o.l1_code = 0xEE;
    o.l1_mode = MOAT_DICE_MODE_DEBUG;
    n = make_dev(&d, 0x61, &g_ca, &o);
    issue_nonce(&d, nonce);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    policy_init(&p);
    p.require_min_svn = true;
    p.min_svn = 7;
    expect_verify(&p, MOAT_ERR_EAT_DEBUG, nonce, &d);
    /* a development policy: the token must then admit debug */
    p.dbgstat_allowed = MOAT_EAT_DBG_ANY;
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &d);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_ENABLED);
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, &p, g_work, g_work_size, &ev), MOAT_OK);
    assert_int_equal(ev.layers[0].mode, MOAT_DICE_MODE_DEBUG);
    assert_int_equal(ev.layers[0].code_hash[0], 0xEE);
    /* and appraisal names the unknown boot layer and the debug state */
    assert_int_equal(moat_attest_appraise(&ev, refvals_ok, strlen(refvals_ok), NOW, g_work,
                                          g_work_size, ar, sizeof(ar), &ar_len, &st),
                     MOAT_OK);
    assert_int_equal(st, MOAT_AR_CONTRAINDICATED);
    assert_non_null(strstr(ar, "boot layer 1: certified code hash not among the reference values"));
    assert_non_null(strstr(ar, "dice layer 1: mode not normal"));
    assert_non_null(strstr(ar, "dbgstat enabled not allowed"));
}

static void test_eat_attack_layer_mode_not_configured_or_recovery(void **state)
{
    static fx_device d;
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    size_t n;
    dev_opts o;
    (void)state;
    opts_default(&o);
    o.last_mode = MOAT_DICE_MODE_NOT_CONFIGURED;
    n = make_dev(&d, 0x62, &g_ca, &o);
    issue_nonce(&d, nonce);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_DEBUG, nonce, &d);
    opts_default(&o);
    o.l1_mode = MOAT_DICE_MODE_RECOVERY;
    n = make_dev(&d, 0x63, &g_ca, &o);
    issue_nonce(&d, nonce);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    expect_verify(&p, MOAT_ERR_EAT_DEBUG, nonce, &d);
}

/* The core of finding 1: the firmware writes its own TcbInfo. Evil code
 * (0xEE, truthfully certified by layer 1) claims the good digests. */
static void test_eat_attack_tcb_info_not_bound_to_certified_code(void **state)
{
    static fx_device d;
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    size_t n;
    dev_opts o;
    (void)state;
    opts_default(&o);
    o.last_code = 0xEE; /* what was measured */
    o.fwid512 = FX_CODE_L2; /* what the firmware claims */
    n = make_dev(&d, 0x64, &g_ca, &o);
    issue_nonce(&d, nonce);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &d);
    /* a TcbInfo without the SHA-512 code hash at all */
    opts_default(&o);
    o.fwid512 = 0;
    n = make_dev(&d, 0x65, &g_ca, &o);
    issue_nonce(&d, nonce);
    issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    expect_verify(&p, MOAT_ERR_EAT_TCB_MISMATCH, nonce, &d);
}

static void test_eat_attack_tcb_flags_insecure_state(void **state)
{
    static const uint32_t bad[3] = {MOAT_DICE_FLAG_NOT_CONFIGURED, MOAT_DICE_FLAG_NOT_SECURE,
                                    MOAT_DICE_FLAG_RECOVERY};
    static fx_device d;
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    size_t n, i;
    dev_opts o;
    (void)state;
    for (i = 0; i < 3; i++) {
        opts_default(&o);
        o.flags = bad[i];
        n = make_dev(&d, (uint8_t)(0x66 + i), &g_ca, &o);
        issue_nonce(&d, nonce);
        issue_dev(&d, n, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
        policy_init(&p);
        expect_verify(&p, MOAT_ERR_EAT_TCB_FLAGS, nonce, &d);
        p.dbgstat_allowed = MOAT_EAT_DBG_ANY; /* development fleets accept it */
        expect_verify(&p, MOAT_OK, NULL, NULL);
    }
}

/* A manufacturer intermediate under a root the verifier trusts. */
static void make_intermediate(fx_ca *root, fx_ca *inter)
{
    moat_x509_issue_params ip;
    static const uint8_t sn[1] = {0x02};
    assert_int_equal(fx_ca_make(root, "Root"), MOAT_OK);
    assert_int_equal(fx_ca_make(inter, "Intermediate"), MOAT_OK);
    memset(&ip, 0, sizeof(ip));
    ip.serial.ptr = sn;
    ip.serial.len = 1;
    ip.not_before = 1500000000;
    ip.not_after = 253402300799;
    ip.subject.count = 2;
    ip.subject.type[0] = MOAT_X509_ATTR_O;
    ip.subject.value[0] = "moat EAT test manufacturer";
    ip.subject.type[1] = MOAT_X509_ATTR_CN;
    ip.subject.value[1] = "Intermediate";
    ip.issuer.count = 2;
    ip.issuer.type[0] = MOAT_X509_ATTR_O;
    ip.issuer.value[0] = "moat EAT test manufacturer";
    ip.issuer.type[1] = MOAT_X509_ATTR_CN;
    ip.issuer.value[1] = "Root";
    ip.subject_key = &inter->signer.pub;
    ip.ext.basic_constraints = true;
    ip.ext.is_ca = true;
    ip.ext.path_len = -1;
    ip.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
    ip.ext.ski = true;
    assert_int_equal(moat_x509_issue(&ip, &root->signer, inter->cert, sizeof(inter->cert),
                                     &inter->cert_len),
                     MOAT_OK);
}

/* Review finding 2 (poc_ueid2): x5c = alias, CDI, DeviceID, manufacturer
 * intermediate; the ueid must never be bound to the intermediate's key. */
static void test_eat_attack_ca_certificate_appended_to_x5c(void **state)
{
    static fx_ca root, inter;
    static fx_device d;
    static moat_x509_store st;
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    size_t n;
    dev_opts o;
    (void)state;
    make_intermediate(&root, &inter);
    opts_default(&o);
    o.layers = 1;
    n = make_dev(&d, 0x71, &inter, &o);
    assert_int_equal(n, 3);
    d.x5c[3] = inter.cert;
    d.x5c_lens[3] = inter.cert_len;
    /* the ueid the attacker would need: the intermediate's */
    assert_int_equal(moat_eat_ueid(&inter.signer.pub, d.ueid), MOAT_OK);
    issue_nonce(NULL, nonce);
    issue_dev(&d, 4, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    assert_int_equal(moat_x509_store_init(&st, NULL, 0), MOAT_OK);
    assert_int_equal(moat_x509_store_add(&st, root.cert, root.cert_len), MOAT_OK);
    policy_init(&p);
    p.store = &st;
    expect_verify(&p, MOAT_ERR_EAT_X5C, NULL, NULL);
    assert_int_equal(moat_nonce_check(&g_nonces, nonce, sizeof(nonce), d.ueid, NOW), MOAT_OK);
    /* with its own ueid, x5c ending at the DeviceID: the intermediate must
     * come from the verifier's store */
    assert_int_equal(moat_eat_ueid(&d.device_id_pub, d.ueid), MOAT_OK);
    issue_dev(&d, 3, nonce, MOAT_EAT_DBG_DISABLED_SINCE_BOOT);
    expect_verify(&p, MOAT_ERR_X509_NO_ISSUER, NULL, NULL);
    assert_int_equal(moat_nonce_check(&g_nonces, nonce, sizeof(nonce), d.ueid, NOW), MOAT_OK);
    assert_int_equal(moat_x509_store_add(&st, inter.cert, inter.cert_len), MOAT_OK);
    expect_verify(&p, MOAT_OK, NULL, NULL);
    moat_ec_private_wipe(&root.priv);
    moat_ec_private_wipe(&inter.priv);
}

/* x5c without a DeviceID certificate (it ends at a CDI certificate), or
 * with only the alias and the DeviceID (no CDI certificate). */
static void test_eat_attack_x5c_without_device_id_or_cdi(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    const uint8_t *x5c[2];
    size_t lens[2];
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    sign_raw(&g_dev.alias_signer, g_dev.x5c, g_dev.x5c_lens, 3, claims);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_EAT_X5C, nonce, &g_dev);
    x5c[0] = g_dev.x5c[0];
    lens[0] = g_dev.x5c_lens[0];
    x5c[1] = g_dev.x5c[3];
    lens[1] = g_dev.x5c_lens[3];
    sign_raw(&g_dev.alias_signer, x5c, lens, 2, claims);
    expect_verify(&p, MOAT_ERR_EAT_X5C, nonce, &g_dev);
}

/* Review finding 4: the header is exactly alg, typ, x5c. */
static void test_eat_attack_unknown_header_member(void **state)
{
    moat_eat_policy p;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char claims[2048], nm[160];
    moat_jws_sign_opts o;
    (void)state;
    issue_nonce(&g_dev, nonce);
    nonce_member(nm, sizeof(nm), nonce, sizeof(nonce));
    claims_text(claims, sizeof(claims), MOAT_EAT_PROFILE, NOW, nm, g_dev.ueid, "");
    memset(&o, 0, sizeof(o));
    o.kid = "attacker-chosen";
    o.typ = MOAT_EAT_TYP;
    o.x5c = g_dev.x5c;
    o.x5c_lens = g_dev.x5c_lens;
    o.x5c_count = 4;
    assert_int_equal(moat_jws_sign_compact_ex(&g_dev.alias_signer, &o, (const uint8_t *)claims,
                                              strlen(claims), g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_OK);
    policy_init(&p);
    expect_verify(&p, MOAT_ERR_JOSE_HEADER_INVALID, nonce, &g_dev);
}

/* Review finding 4: now + ttl and now + iat_skew must not overflow. */
static void test_eat_time_overflow_arguments(void **state)
{
    moat_eat_policy p;
    moat_nonce_store snap;
    uint8_t nonce[MOAT_NONCE_SIZE], n2[MOAT_NONCE_SIZE];
    size_t i;
    (void)state;
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    p.now = INT64_MAX - 29; /* + iat_skew (30) overflows */
    expect_verify(&p, MOAT_ERR_INVALID_ARGUMENT, nonce, &g_dev);
    p.now = INT64_MAX - 30; /* the largest accepted: the certificates have expired by then */
    expect_verify(&p, MOAT_ERR_X509_EXPIRED, nonce, &g_dev);
    memcpy(&snap, &g_nonces, sizeof(snap));
    memset(n2, 0x77, sizeof(n2));
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, INT64_MAX - 59, 60, n2),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&snap, &g_nonces, sizeof(snap));
    for (i = 0; i < sizeof(n2); i++) {
        assert_int_equal(n2[i], 0);
    }
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, INT64_MAX - 60, 60, n2),
                     MOAT_OK);
}

/* ------------------------------------------------ appraisal (review 3) */

static void appraise_expect(const char *refvals, moat_ar_status want, const char *reason)
{
    moat_eat_policy p;
    moat_eat_evidence ev;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char ar[MOAT_AR_MAX + 1];
    size_t ar_len = 0;
    moat_ar_status st = MOAT_AR_NONE;
    assert_int_equal(moat_nonce_store_init(&g_nonces), MOAT_OK);
    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, &p, g_work, g_work_size, &ev), MOAT_OK);
    assert_int_equal(moat_attest_refvals_validate(refvals, strlen(refvals), g_work, g_work_size),
                     MOAT_OK);
    assert_int_equal(moat_attest_appraise(&ev, refvals, strlen(refvals), NOW, g_work,
                                          g_work_size, ar, sizeof(ar), &ar_len, &st),
                     MOAT_OK);
    assert_int_equal(st, want);
    if (reason != NULL) {
        assert_non_null(strstr(ar, reason));
    } else {
        assert_non_null(strstr(ar, "\"moat.reasons\":[]"));
    }
}

static void test_appraise_reference_component_missing(void **state)
{
    static const char rv[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_L1 "\"]],"
        "\"components\":[{\"name\":\"bl\",\"min_svn\":9,\"digests\":[[\"sha-256\",\"" B64_FW
        "\"]]},{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\"]]},"
        RV_CODE_COMPONENT "]}]}";
    (void)state;
    appraise_expect(rv, MOAT_AR_CONTRAINDICATED, "component bl: missing");
    appraise_expect(refvals_ok, MOAT_AR_AFFIRMING, NULL);
}

static void test_appraise_unknown_component(void **state)
{
    /* the certified code hash component is not in the reference values */
    static const char rv[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_L1 "\"]],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\"]]}]}]}";
    (void)state;
    appraise_expect(rv, MOAT_AR_CONTRAINDICATED, "component fw-sha512: unknown component");
}

static void test_appraise_boot_layers(void **state)
{
    static const char none[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\"]]},"
        RV_CODE_COMPONENT "]}]}";
    static const char other[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_CODE "\"]],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\"]]},"
        RV_CODE_COMPONENT "]}]}";
    static const char bad[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_FW "\"]],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\"]]}]}]}";
    (void)state;
    appraise_expect(none, MOAT_AR_CONTRAINDICATED, "boot layers: 1 certified below the firmware");
    appraise_expect(other, MOAT_AR_CONTRAINDICATED,
                    "boot layer 1: certified code hash not among the reference values");
    /* a boot layer hash must be 64 bytes */
    assert_int_equal(moat_attest_refvals_validate(bad, strlen(bad), g_work, g_work_size),
                     MOAT_ERR_REFVAL_INVALID);
}

/* min_svn applies to the svn the reference values declare for the accepted
 * digest; a token svn that differs from it is contraindicated. */
static void test_appraise_declared_svn(void **state)
{
    static const char low[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_L1 "\"]],"
        "\"components\":[{\"name\":\"fw\",\"min_svn\":5,\"digests\":[[\"sha-256\",\"" B64_FW
        "\",4]]}," RV_CODE_COMPONENT "]}]}";
    static const char same[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],\"boot_layers\":[[\"" B64_L1 "\"]],"
        "\"components\":[{\"name\":\"fw\",\"min_svn\":5,\"digests\":[[\"sha-256\",\"" B64_FW
        "\",7]]}," RV_CODE_COMPONENT "]}]}";
    static const char bad[] =
        RV_HEAD "\"dbgstat\":[\"disabled-since-boot\"],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"" B64_FW "\",-1]]}]}]}";
    (void)state;
    appraise_expect(low, MOAT_AR_CONTRAINDICATED, "component fw: svn 7 differs from the reference value's 4");
    appraise_expect(low, MOAT_AR_CONTRAINDICATED, "component fw: svn 4 below the minimum 5");
    appraise_expect(same, MOAT_AR_AFFIRMING, NULL);
    assert_int_equal(moat_attest_refvals_validate(bad, strlen(bad), g_work, g_work_size),
                     MOAT_ERR_REFVAL_INVALID);
}

/* ------------------------------------------------- OpenDiceInput parser */

static void test_dice_open_input_parse_strict(void **state)
{
    moat_x509_cert cert;
    moat_dice_open_input in;
    static const moat_dice_open_input zero;
    uint8_t der[MOAT_DICE_OPEN_INPUT_DER_MAX + 1];
    size_t len;
    (void)state;
    assert_int_equal(moat_x509_parse(g_dev.cdi2, g_dev.cdi2_len, &cert), MOAT_OK);
    assert_int_equal(moat_dice_input_from_cert(&cert, &in), MOAT_OK);
    assert_int_equal(in.code_hash[63], FX_CODE_L2);
    assert_int_equal(in.mode, MOAT_DICE_MODE_NORMAL);
    assert_int_equal(in.config[0], 0x5C);
    len = cert.dice_open_attest.len;
    assert_true(len < sizeof(der));
    memcpy(der, cert.dice_open_attest.ptr, len);
    assert_int_equal(moat_dice_open_input_parse(der, len, &in), MOAT_OK);
    /* truncated */
    memset(&in, 0xEE, sizeof(in));
    assert_int_equal(moat_dice_open_input_parse(der, len - 1u, &in), MOAT_ERR_DICE_OPEN_INPUT);
    assert_memory_equal(&in, &zero, sizeof(in));
    /* trailing data */
    der[len] = 0;
    assert_int_equal(moat_dice_open_input_parse(der, len + 1u, &in), MOAT_ERR_DICE_OPEN_INPUT);
    /* the first field [0] (0xA0) turned into [8] */
    assert_int_equal(der[0], 0x30);
    {
        size_t hdr = (der[1] & 0x80u) ? 2u + (der[1] & 0x7Fu) : 2u;
        assert_int_equal(der[hdr], 0xA0);
        der[hdr] = 0xA8;
        assert_int_equal(moat_dice_open_input_parse(der, len, &in), MOAT_ERR_DICE_OPEN_INPUT);
        der[hdr] = 0xA0;
        /* codeHash's OCTET STRING one byte short of its EXPLICIT wrapper */
        assert_int_equal(der[hdr + 2], 0x04);
        assert_int_equal(der[hdr + 3], 64);
        der[hdr + 3] = 63;
        assert_int_equal(moat_dice_open_input_parse(der, len, &in), MOAT_ERR_DICE_OPEN_INPUT);
        der[hdr + 3] = 64;
    }
    /* mode 4: the ENUMERATED is the last-but-profile field: find 0xA6 03 0A 01 */
    {
        size_t i;
        for (i = 0; i + 4u < len; i++) {
            if (der[i] == 0xA6 && der[i + 1] == 0x03 && der[i + 2] == 0x0A && der[i + 3] == 0x01) {
                break;
            }
        }
        assert_true(i + 4u < len);
        der[i + 4] = 0x04;
        assert_int_equal(moat_dice_open_input_parse(der, len, &in), MOAT_ERR_DICE_OPEN_INPUT);
        der[i + 4] = 0x01;
    }
    assert_int_equal(moat_dice_open_input_parse(der, len, &in), MOAT_OK);
    assert_int_equal(moat_dice_open_input_parse(der, MOAT_DICE_OPEN_INPUT_DER_MAX + 1u, &in),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(moat_dice_open_input_parse(NULL, len, &in), MOAT_ERR_INVALID_ARGUMENT);
    /* the alias certificate has none; the DeviceID's subject is its key ID */
    assert_int_equal(moat_x509_parse(g_dev.alias, g_dev.alias_len, &cert), MOAT_OK);
    assert_int_equal(moat_dice_input_from_cert(&cert, &in), MOAT_ERR_NOT_FOUND);
    assert_false(moat_dice_subject_is_key_id(&cert) && cert.is_ca);
    assert_int_equal(moat_x509_parse(g_dev.device_id, g_dev.device_id_len, &cert), MOAT_OK);
    assert_true(moat_dice_subject_is_key_id(&cert));
    assert_int_equal(moat_x509_parse(g_ca.cert, g_ca.cert_len, &cert), MOAT_OK);
    assert_false(moat_dice_subject_is_key_id(&cert));
}

/* ---------------------------------------------------------------- nonces */

static moat_err failing_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x77, len);
    return MOAT_ERR_PORT_ENTROPY;
}

static void test_nonce_store_expiry_full_and_rng(void **state)
{
    uint8_t n[MOAT_NONCE_SIZE], first[MOAT_NONCE_SIZE];
    moat_nonce_store snap;
    size_t i;
    (void)state;
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, g_dev.ueid, NOW, 60, first),
                     MOAT_OK);
    assert_int_equal(moat_nonce_check(&g_nonces, first, sizeof(first), g_dev.ueid, NOW + 59),
                     MOAT_OK);
    assert_int_equal(moat_nonce_check(&g_nonces, first, sizeof(first), g_dev.ueid, NOW + 60),
                     MOAT_ERR_EAT_NONCE_UNKNOWN);
    assert_int_equal(moat_nonce_consume(&g_nonces, first, 31, g_dev.ueid, NOW),
                     MOAT_ERR_EAT_NONCE_UNKNOWN);
    for (i = 1; i < MOAT_NONCE_STORE_MAX; i++) {
        assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, NOW, 600, n),
                         MOAT_OK);
    }
    memcpy(&snap, &g_nonces, sizeof(snap));
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, NOW, 600, n),
                     MOAT_ERR_EAT_NONCE_STORE_FULL);
    assert_memory_equal(&snap, &g_nonces, sizeof(snap));
    /* once the first has expired its slot is reclaimed */
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, NOW + 60, 600, n),
                     MOAT_OK);
    assert_int_equal(moat_nonce_store_init(&g_nonces), MOAT_OK);
    memcpy(&snap, &g_nonces, sizeof(snap));
    assert_int_equal(moat_nonce_issue(&g_nonces, failing_rng, NULL, NULL, NOW, 60, n),
                     MOAT_ERR_CRYPTO_RNG_FAILED);
    assert_memory_equal(&snap, &g_nonces, sizeof(snap));
    for (i = 0; i < sizeof(n); i++) {
        assert_int_equal(n[i], 0);
    }
    assert_int_equal(moat_nonce_issue(&g_nonces, fx_urandom, NULL, NULL, NOW, 0, n),
                     MOAT_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------- refvals */

static void test_refvals_invalid_and_unknown_model(void **state)
{
    moat_eat_policy p;
    moat_eat_evidence ev;
    uint8_t nonce[MOAT_NONCE_SIZE];
    char ar[MOAT_AR_MAX + 1];
    size_t ar_len = 7;
    moat_ar_status st = MOAT_AR_AFFIRMING;
    static const char bad_version[] = "{\"moat_refvals\":2,\"models\":[]}";
    static const char bad_member[] =
        "{\"moat_refvals\":1,\"models\":[{\"hwmodel\":\"c2Vuc29yLTE\",\"dbgstat\":[\"disabled\"],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\",\"MzMz\"]]}]}]}";
    static const char dup[] = "{\"moat_refvals\":1,\"moat_refvals\":1}";
    static const char other_model[] =
        "{\"moat_refvals\":1,\"models\":[{\"hwmodel\":\"b3RoZXI\",\"dbgstat\":[\"disabled\"],"
        "\"components\":[{\"name\":\"fw\",\"digests\":[[\"sha-256\","
        "\"MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM\"]]}]}]}";
    (void)state;
    assert_int_equal(moat_attest_refvals_validate(refvals_ok, strlen(refvals_ok), g_work,
                                                  g_work_size),
                     MOAT_OK);
    assert_int_equal(moat_attest_refvals_validate(bad_version, strlen(bad_version), g_work,
                                                  g_work_size),
                     MOAT_ERR_REFVAL_INVALID);
    /* a digest of the wrong size for its algorithm */
    assert_int_equal(moat_attest_refvals_validate(bad_member, strlen(bad_member), g_work,
                                                  g_work_size),
                     MOAT_ERR_REFVAL_INVALID);
    assert_int_equal(moat_attest_refvals_validate(dup, strlen(dup), g_work, g_work_size),
                     MOAT_ERR_JSON_DUPLICATE_KEY);

    issue_nonce(&g_dev, nonce);
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    policy_init(&p);
    assert_int_equal(moat_eat_verify(g_tok, g_tok_len, &p, g_work, g_work_size, &ev), MOAT_OK);
    assert_int_equal(moat_attest_appraise(&ev, other_model, strlen(other_model), NOW, g_work,
                                          g_work_size, ar, sizeof(ar), &ar_len, &st),
                     MOAT_ERR_REFVAL_UNKNOWN_MODEL);
    assert_int_equal(ar_len, 0);
    assert_int_equal(st, MOAT_AR_NONE);
}

/* --------------------------------------------------------- JOSE x5c */

static void test_jose_x5c_sign_peek_and_bounds(void **state)
{
    uint8_t nonce[MOAT_NONCE_SIZE], der[4 * FX_CERT];
    uint8_t *work = g_work, payload[MOAT_EAT_CLAIMS_MAX];
    const moat_json *hdr = NULL;
    const char *hjson = NULL;
    size_t hlen = 0, count = 0, lens[4], plen = 0, need = 0;
    const uint8_t *certs[4];
    moat_jws_sign_opts o;
    (void)state;
    memset(nonce, 1, sizeof(nonce));
    issue(&g_dev, nonce, sizeof(nonce), NOW);
    assert_int_equal(moat_jws_compact_peek_header(g_tok, g_tok_len, NULL, work,
                                                  MOAT_JWS_X5C_WORK_SIZE, &hdr, &hjson, &hlen),
                     MOAT_OK);
    assert_non_null(strstr(hjson, "\"typ\":\"eat+jwt\""));
    assert_int_equal(moat_jws_header_x5c(hdr, der, sizeof(der), certs, lens, 4, &count), MOAT_OK);
    assert_int_equal(count, 4);
    assert_int_equal(lens[0], g_dev.alias_len);
    assert_memory_equal(certs[0], g_dev.alias, lens[0]);
    assert_memory_equal(certs[3], g_dev.device_id, lens[3]);
    assert_int_equal(moat_jws_header_x5c(hdr, der, sizeof(der), certs, lens, 3, &count),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(count, 0);
    /* the classic path keeps its 1 KiB header bound */
    assert_int_equal(moat_jws_verify_compact(g_tok, g_tok_len, &g_dev.alias_signer.pub, payload,
                                             sizeof(payload), &plen),
                     MOAT_ERR_JOSE_HEADER_TOO_LARGE);
    assert_int_equal(moat_jws_verify_compact_work(g_tok, g_tok_len, &g_dev.alias_signer.pub,
                                                  NULL, work, MOAT_JWS_X5C_WORK_SIZE, payload,
                                                  sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(moat_jws_verify_compact_work(g_tok, g_tok_len, &g_dev.alias_signer.pub,
                                                  NULL, work, MOAT_JWS_X5C_WORK_SIZE - 1u,
                                                  payload, sizeof(payload), &plen),
                     MOAT_ERR_OUT_OF_MEMORY);
    /* size query and bad x5c options */
    memset(&o, 0, sizeof(o));
    o.x5c = g_dev.x5c;
    o.x5c_lens = g_dev.x5c_lens;
    o.x5c_count = 4;
    assert_int_equal(moat_jws_sign_compact_ex(&g_dev.alias_signer, &o, nonce, sizeof(nonce),
                                              NULL, 0, &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_true(need > 0 && need <= MOAT_JWS_COMPACT_X5C_SIZE(sizeof(nonce)));
    assert_int_equal(moat_jws_sign_compact_ex(&g_dev.alias_signer, &o, nonce, sizeof(nonce),
                                              g_tok, need, &g_tok_len),
                     MOAT_OK);
    o.x5c_count = MOAT_JWS_X5C_MAX + 1u;
    assert_int_equal(moat_jws_sign_compact_ex(&g_dev.alias_signer, &o, nonce, sizeof(nonce),
                                              g_tok, sizeof(g_tok), &g_tok_len),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(g_tok_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_eat_roundtrip_and_appraise, test_setup),
        cmocka_unit_test_setup(test_eat_registered_device_id, test_setup),
        cmocka_unit_test_setup(test_eat_attack_replayed_token, test_setup),
        cmocka_unit_test_setup(test_eat_attack_nonce_of_another_device, test_setup),
        cmocka_unit_test_setup(test_eat_attack_unknown_nonce, test_setup),
        cmocka_unit_test_setup(test_eat_attack_missing_nonce, test_setup),
        cmocka_unit_test_setup(test_eat_attack_short_nonce, test_setup),
        cmocka_unit_test_setup(test_eat_attack_alg_none, test_setup),
        cmocka_unit_test_setup(test_eat_attack_hs256_with_public_key, test_setup),
        cmocka_unit_test_setup(test_eat_attack_es384_header_on_p256_key, test_setup),
        cmocka_unit_test_setup(test_eat_attack_untrusted_root, test_setup),
        cmocka_unit_test_setup(test_eat_attack_other_device_chain, test_setup),
        cmocka_unit_test_setup(test_eat_attack_alias_not_issued_by_chain, test_setup),
        cmocka_unit_test_setup(test_eat_attack_measurements_differ_from_tcb, test_setup),
        cmocka_unit_test_setup(test_eat_attack_svn_below_minimum, test_setup),
        cmocka_unit_test_setup(test_eat_attack_debug_device_production_policy, test_setup),
        cmocka_unit_test_setup(test_eat_attack_debug_device_claims_disabled, test_setup),
        cmocka_unit_test_setup(test_eat_attack_iat_too_old, test_setup),
        cmocka_unit_test_setup(test_eat_attack_iat_in_future, test_setup),
        cmocka_unit_test_setup(test_eat_attack_unknown_profile, test_setup),
        cmocka_unit_test_setup(test_eat_attack_duplicate_claims, test_setup),
        cmocka_unit_test_setup(test_eat_attack_unknown_claim, test_setup),
        cmocka_unit_test_setup(test_eat_attack_oversized_token, test_setup),
        cmocka_unit_test_setup(test_eat_attack_bad_base64url, test_setup),
        cmocka_unit_test_setup(test_eat_attack_signed_by_cdi_key, test_setup),
        cmocka_unit_test_setup(test_eat_attack_no_x5c, test_setup),
        cmocka_unit_test_setup(test_eat_attack_rom_certified_debug_mode, test_setup),
        cmocka_unit_test_setup(test_eat_attack_layer_mode_not_configured_or_recovery, test_setup),
        cmocka_unit_test_setup(test_eat_attack_tcb_info_not_bound_to_certified_code, test_setup),
        cmocka_unit_test_setup(test_eat_attack_tcb_flags_insecure_state, test_setup),
        cmocka_unit_test_setup(test_eat_attack_ca_certificate_appended_to_x5c, test_setup),
        cmocka_unit_test_setup(test_eat_attack_x5c_without_device_id_or_cdi, test_setup),
        cmocka_unit_test_setup(test_eat_attack_unknown_header_member, test_setup),
        cmocka_unit_test_setup(test_eat_time_overflow_arguments, test_setup),
        cmocka_unit_test_setup(test_appraise_reference_component_missing, test_setup),
        cmocka_unit_test_setup(test_appraise_unknown_component, test_setup),
        cmocka_unit_test_setup(test_appraise_boot_layers, test_setup),
        cmocka_unit_test_setup(test_appraise_declared_svn, test_setup),
        cmocka_unit_test_setup(test_dice_open_input_parse_strict, test_setup),
        cmocka_unit_test_setup(test_nonce_store_expiry_full_and_rng, test_setup),
        cmocka_unit_test_setup(test_refvals_invalid_and_unknown_model, test_setup),
        cmocka_unit_test_setup(test_jose_x5c_sign_peek_and_bounds, test_setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
