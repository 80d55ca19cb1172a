/*
 * Unit tests of the X.509 writers (names, times, extensions, TBS,
 * certificates), PKCS#10 CSRs, the renewal window and the installation of
 * the operational certificate through port records (with power cuts at
 * every persistent write, via the fault port over the POSIX port).
 */
#define _GNU_SOURCE 1

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ftw.h>
#include <unistd.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/x509.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"
#include "x509/internal.h"

#define BUF 4096u
#define FILL 0xA5u

/* ---------------------------------------------------------------- keys */

typedef struct kp {
    moat_ec_private_key priv;
    moat_signer signer;
} kp;

static kp k_root;   /* P-384 root CA */
static kp k_p256;   /* P-256 issuer */
static kp k_inter;  /* P-256 intermediate */
static kp k_leaf;   /* P-256 subject */
static kp k_other;  /* P-256 unrelated */

static void make_key(kp *k, moat_curve c, uint8_t seed)
{
    uint8_t d[MOAT_EC_PRIV_MAX];
    size_t n = moat_curve_size(c);
    size_t i;
    for (i = 0; i < n; i++) {
        d[i] = (uint8_t)(seed + i * 7u);
    }
    d[0] = 0x11; /* below the order of both curves */
    assert_int_equal(moat_ec_private_from_scalar(c, d, n, &k->priv), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&k->signer, &k->priv), MOAT_OK);
}

static int setup_keys(void **state)
{
    (void)state;
    make_key(&k_root, MOAT_CURVE_P384, 0x21);
    make_key(&k_p256, MOAT_CURVE_P256, 0x42);
    make_key(&k_inter, MOAT_CURVE_P256, 0x63);
    make_key(&k_leaf, MOAT_CURVE_P256, 0x84);
    make_key(&k_other, MOAT_CURVE_P256, 0x95);
    return 0;
}

static void key_id(const moat_ec_public_key *k, uint8_t id[20])
{
    uint8_t h[MOAT_HASH_MAX_SIZE];
    assert_int_equal(moat_hash(MOAT_HASH_SHA1, k->q, k->q_len, h), MOAT_OK);
    memcpy(id, h, 20);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/* --------------------------------------------------------- parameters */

static const uint8_t SERIAL[] = {0x01, 0x02, 0x03};
static const uint8_t OID_TEST_EXT[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8D, 0x1F, 0x01}; /* 1.3.6.1.4.1.99999.1 */
static const uint8_t RAW_EXT_VALUE[] = {0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xAB};
static const uint8_t EKU_CLIENT[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
static const uint8_t EKU_SERVER[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t IP4[] = {192, 0, 2, 1};
static const uint8_t IP6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
static const char DNS[] = "dev.example.com";
static const char URI[] = "urn:moat:dev";

static moat_x509_raw_ext g_raw;

static void base_params(moat_x509_issue_params *p, const moat_ec_public_key *key)
{
    memset(p, 0, sizeof(*p));
    p->serial.ptr = SERIAL;
    p->serial.len = sizeof(SERIAL);
    p->not_before = 1700000000;
    p->not_after = 1900000000;
    p->subject.count = 2;
    p->subject.type[0] = MOAT_X509_ATTR_CN;
    p->subject.value[0] = "leaf";
    p->subject.type[1] = MOAT_X509_ATTR_O;
    p->subject.value[1] = "moat";
    p->issuer.count = 1;
    p->issuer.type[0] = MOAT_X509_ATTR_CN;
    p->issuer.value[0] = "issuer";
    p->subject_key = key;
    p->ext.path_len = -1;
}

static void full_ext(moat_x509_ext_params *e, const uint8_t *aki)
{
    e->basic_constraints = true;
    e->is_ca = true;
    e->path_len = 2;
    e->key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE | MOAT_X509_KU_KEY_CERT_SIGN;
    e->eku_count = 2;
    e->eku[0].ptr = EKU_CLIENT;
    e->eku[0].len = sizeof(EKU_CLIENT);
    e->eku[1].ptr = EKU_SERVER;
    e->eku[1].len = sizeof(EKU_SERVER);
    e->san_count = 4;
    e->san[0].type = MOAT_X509_GN_DNS;
    e->san[0].value.ptr = (const uint8_t *)DNS;
    e->san[0].value.len = strlen(DNS);
    e->san[1].type = MOAT_X509_GN_URI;
    e->san[1].value.ptr = (const uint8_t *)URI;
    e->san[1].value.len = strlen(URI);
    e->san[2].type = MOAT_X509_GN_IP;
    e->san[2].value.ptr = IP4;
    e->san[2].value.len = sizeof(IP4);
    e->san[3].type = MOAT_X509_GN_IP;
    e->san[3].value.ptr = IP6;
    e->san[3].value.len = sizeof(IP6);
    e->ski = true;
    e->aki.ptr = aki;
    e->aki.len = 20;
    g_raw.oid.ptr = OID_TEST_EXT;
    g_raw.oid.len = sizeof(OID_TEST_EXT);
    g_raw.critical = false;
    g_raw.value.ptr = RAW_EXT_VALUE;
    g_raw.value.len = sizeof(RAW_EXT_VALUE);
    e->raw_count = 1;
    e->raw = &g_raw;
}

static bool contains(const uint8_t *hay, size_t hl, const uint8_t *needle, size_t nl)
{
    size_t i;
    for (i = 0; i + nl <= hl; i++) {
        if (memcmp(hay + i, needle, nl) == 0) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------ round trips */

static moat_x509_cert g_cert;

static void roundtrip(kp *issuer, moat_hash_alg hash, moat_x509_sig_alg alg)
{
    static uint8_t out[BUF];
    static uint8_t tbs[BUF];
    moat_x509_issue_params p;
    uint8_t aki[20];
    uint8_t ski[20];
    size_t len = 0;
    size_t tbs_len = 0;
    char s[MOAT_X509_NAME_STRING_MAX];
    size_t sl;
    size_t i;
    bool found = false;

    key_id(&issuer->signer.pub, aki);
    key_id(&k_leaf.signer.pub, ski);
    base_params(&p, &k_leaf.signer.pub);
    full_ext(&p.ext, aki);
    assert_int_equal(moat_x509_issue(&p, &issuer->signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);

    assert_int_equal(g_cert.version, 3);
    assert_int_equal(g_cert.serial.len, sizeof(SERIAL));
    assert_memory_equal(g_cert.serial.ptr, SERIAL, sizeof(SERIAL));
    assert_int_equal(g_cert.not_before, 1700000000);
    assert_int_equal(g_cert.not_after, 1900000000);
    assert_int_equal(moat_x509_name_string(&g_cert.subject, s, sizeof(s), &sl), MOAT_OK);
    assert_string_equal(s, "O=moat,CN=leaf");
    assert_int_equal(moat_x509_name_string(&g_cert.issuer, s, sizeof(s), &sl), MOAT_OK);
    assert_string_equal(s, "CN=issuer");
    assert_int_equal(g_cert.sig_alg, alg);
    assert_int_equal(g_cert.key_type, MOAT_X509_KEY_EC);
    assert_int_equal(g_cert.ec_key.curve, MOAT_CURVE_P256);
    assert_int_equal(g_cert.ec_key.q_len, k_leaf.signer.pub.q_len);
    assert_memory_equal(g_cert.ec_key.q, k_leaf.signer.pub.q, g_cert.ec_key.q_len);
    assert_true(g_cert.has_basic_constraints);
    assert_true(g_cert.is_ca);
    assert_int_equal(g_cert.path_len, 2);
    assert_true(g_cert.has_key_usage);
    assert_int_equal(g_cert.key_usage, MOAT_X509_KU_DIGITAL_SIGNATURE | MOAT_X509_KU_KEY_CERT_SIGN);
    assert_true(g_cert.has_eku);
    assert_int_equal(g_cert.eku_count, 2);
    assert_memory_equal(g_cert.eku[0].ptr, EKU_CLIENT, sizeof(EKU_CLIENT));
    assert_memory_equal(g_cert.eku[1].ptr, EKU_SERVER, sizeof(EKU_SERVER));
    assert_int_equal(g_cert.san_count, 4);
    assert_int_equal(g_cert.san[0].type, MOAT_X509_GN_DNS);
    assert_int_equal(g_cert.san[0].value.len, strlen(DNS));
    assert_memory_equal(g_cert.san[0].value.ptr, DNS, strlen(DNS));
    assert_int_equal(g_cert.san[1].type, MOAT_X509_GN_URI);
    assert_memory_equal(g_cert.san[1].value.ptr, URI, strlen(URI));
    assert_int_equal(g_cert.san[2].type, MOAT_X509_GN_IP);
    assert_int_equal(g_cert.san[2].value.len, 4);
    assert_memory_equal(g_cert.san[2].value.ptr, IP4, 4);
    assert_int_equal(g_cert.san[3].value.len, 16);
    assert_memory_equal(g_cert.san[3].value.ptr, IP6, 16);
    assert_int_equal(g_cert.ski.len, 20);
    assert_memory_equal(g_cert.ski.ptr, ski, 20);
    assert_int_equal(g_cert.aki.len, 20);
    assert_memory_equal(g_cert.aki.ptr, aki, 20);
    assert_int_equal(g_cert.ext_count, 7);
    for (i = 0; i < g_cert.ext_count; i++) {
        if (g_cert.ext[i].oid.len == sizeof(OID_TEST_EXT) &&
            memcmp(g_cert.ext[i].oid.ptr, OID_TEST_EXT, sizeof(OID_TEST_EXT)) == 0) {
            found = true;
            assert_false(g_cert.ext[i].critical);
            assert_int_equal(g_cert.ext[i].value.len, sizeof(RAW_EXT_VALUE));
            assert_memory_equal(g_cert.ext[i].value.ptr, RAW_EXT_VALUE, sizeof(RAW_EXT_VALUE));
        }
    }
    assert_true(found);
    /* The signature verifies under the issuer's key over the TBS bytes. */
    assert_int_equal(moat_ecdsa_verify(&issuer->signer.pub, hash, g_cert.tbs.ptr, g_cert.tbs.len,
                                       MOAT_SIG_DER, g_cert.sig.ptr, g_cert.sig.len),
                     MOAT_OK);
    /* moat_x509_tbs_build() gives exactly the signed bytes. */
    assert_int_equal(moat_x509_tbs_build(&p, issuer->signer.curve, tbs, sizeof(tbs), &tbs_len),
                     MOAT_OK);
    assert_int_equal(tbs_len, g_cert.tbs.len);
    assert_memory_equal(tbs, g_cert.tbs.ptr, tbs_len);
}

static void test_roundtrip_p256_issuer(void **state)
{
    (void)state;
    roundtrip(&k_p256, MOAT_HASH_SHA256, MOAT_X509_SIG_ECDSA_SHA256);
}

static void test_roundtrip_p384_issuer(void **state)
{
    (void)state;
    roundtrip(&k_root, MOAT_HASH_SHA384, MOAT_X509_SIG_ECDSA_SHA384);
}

/* A P-384 subject key, minimal extensions: no [3] at all. */
static void test_no_extensions_p384_subject(void **state)
{
    static uint8_t out[BUF];
    moat_x509_issue_params p;
    size_t len = 0;
    (void)state;
    base_params(&p, &k_root.signer.pub);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
    assert_int_equal(g_cert.ext_count, 0);
    assert_false(g_cert.has_basic_constraints);
    assert_int_equal(g_cert.ec_key.curve, MOAT_CURVE_P384);
    assert_memory_equal(g_cert.ec_key.q, k_root.signer.pub.q, k_root.signer.pub.q_len);
}

/* ------------------------------------------------------------- times */

static void time_case(int64_t t, uint8_t tag, const char *text)
{
    uint8_t buf[32];
    size_t len = 0;
    moat_der_writer w;
    size_t n = strlen(text);

    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_time(&w, t), MOAT_OK);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_OK);
    assert_int_equal(len, 2 + n);
    assert_int_equal(buf[0], tag);
    assert_int_equal(buf[1], n);
    assert_memory_equal(buf + 2, text, n);
}

static void test_time_boundaries(void **state)
{
    uint8_t buf[32];
    moat_der_writer w;
    (void)state;
    time_case(-631152001LL, MOAT_DER_TAG_GENERALIZED_TIME, "19491231235959Z");
    time_case(-631152000LL, MOAT_DER_TAG_UTC_TIME, "500101000000Z");
    time_case(0, MOAT_DER_TAG_UTC_TIME, "700101000000Z");
    time_case(951782400LL, MOAT_DER_TAG_UTC_TIME, "000229000000Z");
    time_case(2524607999LL, MOAT_DER_TAG_UTC_TIME, "491231235959Z");
    time_case(2524608000LL, MOAT_DER_TAG_GENERALIZED_TIME, "20500101000000Z");
    time_case(4107542400LL, MOAT_DER_TAG_GENERALIZED_TIME, "21000301000000Z");
    time_case(253402300799LL, MOAT_DER_TAG_GENERALIZED_TIME, "99991231235959Z");
    time_case(-62167219200LL, MOAT_DER_TAG_GENERALIZED_TIME, "00000101000000Z");
    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_time(&w, 253402300800LL), MOAT_ERR_X509_BAD_TIME);
    assert_int_equal(moat_x509i_put_time(&w, -62167219201LL), MOAT_ERR_X509_BAD_TIME);
    assert_int_equal(moat_der_mark(&w), 0);
}

/* The civil conversion agrees with the C library over 1900..2100. */
static void test_civil_matches_gmtime(void **state)
{
    int64_t t;
    (void)state;
    for (t = -2208988800LL; t < 4102444800LL; t += 7777777 + 13) {
        moat_x509i_civil c;
        struct tm tm;
        time_t tt = (time_t)t;
        assert_non_null(gmtime_r(&tt, &tm));
        assert_int_equal(moat_x509i_civil_from_epoch(t, &c), MOAT_OK);
        assert_int_equal(c.year, tm.tm_year + 1900);
        assert_int_equal(c.month, tm.tm_mon + 1);
        assert_int_equal(c.day, tm.tm_mday);
        assert_int_equal(c.hour, tm.tm_hour);
        assert_int_equal(c.minute, tm.tm_min);
        assert_int_equal(c.second, tm.tm_sec);
    }
}

/* Validity boundaries survive issue -> parse. */
static void test_validity_roundtrip(void **state)
{
    static const int64_t pairs[][2] = {
        {-631152000LL, 2524607999LL},    /* UTCTime both ends */
        {-631152001LL, 2524608000LL},    /* GeneralizedTime both ends */
        {1700000000LL, 253402300799LL},  /* 99991231235959Z */
        {1700000000LL, 1700000000LL},    /* notBefore == notAfter */
    };
    static uint8_t out[BUF];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        moat_x509_issue_params p;
        size_t len = 0;
        base_params(&p, &k_leaf.signer.pub);
        p.not_before = pairs[i][0];
        p.not_after = pairs[i][1];
        assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
        assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
        assert_int_equal(g_cert.not_before, pairs[i][0]);
        assert_int_equal(g_cert.not_after, pairs[i][1]);
    }
}

/* ----------------------------------------------------------- key usage */

static void ku_case(uint16_t mask, const uint8_t *bits, size_t bits_len)
{
    uint8_t buf[64];
    uint8_t want[64];
    size_t len = 0;
    size_t n = 0;
    size_t w = 0;
    moat_der_writer wr;
    moat_x509_ext_params e;

    memset(&e, 0, sizeof(e));
    e.path_len = -1;
    e.key_usage = mask;
    moat_der_writer_init(&wr, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_extensions(&wr, &e, NULL, false, &n), MOAT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(moat_der_writer_finish(&wr, &len), MOAT_OK);
    /* Extensions { Extension { keyUsage, critical TRUE, OCTET STRING { BIT STRING } } } */
    want[w++] = 0x30;
    want[w++] = (uint8_t)(2 + 5 + 3 + 2 + 2 + bits_len);
    want[w++] = 0x30;
    want[w++] = (uint8_t)(5 + 3 + 2 + 2 + bits_len);
    memcpy(want + w, "\x06\x03\x55\x1D\x0F\x01\x01\xFF", 8);
    w += 8;
    want[w++] = 0x04;
    want[w++] = (uint8_t)(2 + bits_len);
    want[w++] = 0x03;
    want[w++] = (uint8_t)bits_len;
    memcpy(want + w, bits, bits_len);
    w += bits_len;
    assert_int_equal(len, w);
    assert_memory_equal(buf, want, w);
}

static void test_key_usage_minimal(void **state)
{
    moat_x509_ext_params e;
    moat_der_writer wr;
    size_t n = 9;
    uint8_t buf[64];
    static uint8_t out[BUF];
    static const uint16_t masks[] = {0x001, 0x060, 0x080, 0x100, 0x1FF, 0x011};
    size_t i;
    (void)state;
    ku_case(0x001, (const uint8_t *)"\x07\x80", 2);      /* digitalSignature */
    ku_case(0x002, (const uint8_t *)"\x06\x40", 2);      /* nonRepudiation */
    ku_case(0x006, (const uint8_t *)"\x05\x60", 2);
    ku_case(0x021, (const uint8_t *)"\x02\x84", 2);      /* digitalSignature + keyCertSign */
    ku_case(0x060, (const uint8_t *)"\x01\x06", 2);      /* keyCertSign + cRLSign */
    ku_case(0x080, (const uint8_t *)"\x00\x01", 2);      /* encipherOnly: bit 7 */
    ku_case(0x100, (const uint8_t *)"\x07\x00\x80", 3);  /* decipherOnly: bit 8 */
    ku_case(0x1FF, (const uint8_t *)"\x07\xFF\x80", 3);
    /* Bits beyond decipherOnly do not exist. */
    memset(&e, 0, sizeof(e));
    e.path_len = -1;
    e.key_usage = 0x200;
    moat_der_writer_init(&wr, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_extensions(&wr, &e, NULL, false, &n),
                     MOAT_ERR_X509_BAD_EXTENSION);
    assert_int_equal(n, 0);
    assert_int_equal(moat_der_mark(&wr), 0);
    /* And moat's parser reads back the same masks. */
    for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
        moat_x509_issue_params p;
        size_t len = 0;
        base_params(&p, &k_leaf.signer.pub);
        p.ext.key_usage = masks[i];
        assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
        assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
        assert_true(g_cert.has_key_usage);
        assert_int_equal(g_cert.key_usage, masks[i]);
    }
}

/* ------------------------------------------------------------- names */

static void test_name_encoding(void **state)
{
    static const uint8_t want[] = {
        0x30, 0x1A,
        0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x02, 'a', 'b',
        0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'F', 'R'};
    uint8_t buf[64];
    size_t len = 0;
    bool empty = true;
    moat_der_writer w;
    moat_x509_name n;
    (void)state;
    memset(&n, 0, sizeof(n));
    n.count = 2;
    n.type[0] = MOAT_X509_ATTR_CN;
    n.value[0] = "ab";
    n.type[1] = MOAT_X509_ATTR_C;
    n.value[1] = "FR";
    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_name(&w, &n, &empty), MOAT_OK);
    assert_false(empty);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_OK);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    /* Empty Name: 30 00. */
    n.count = 0;
    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_name(&w, &n, &empty), MOAT_OK);
    assert_true(empty);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_OK);
    assert_int_equal(len, 2);
    assert_int_equal(buf[0], 0x30);
    assert_int_equal(buf[1], 0x00);
}

static void name_rejected(moat_x509_attr type, const char *value, moat_err want)
{
    uint8_t buf[256];
    moat_der_writer w;
    moat_x509_name n;
    memset(&n, 0, sizeof(n));
    n.count = 1;
    n.type[0] = type;
    n.value[0] = value;
    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_name(&w, &n, NULL), want);
    if (want != MOAT_OK) {
        assert_int_equal(moat_der_mark(&w), 0); /* nothing written */
    } else {
        assert_true(moat_der_mark(&w) > strlen(value));
    }
}

static void test_name_rejects(void **state)
{
    static char long_cn[66];
    uint8_t buf[64];
    moat_der_writer w;
    moat_x509_name n;
    (void)state;
    memset(long_cn, 'x', 65);
    name_rejected(MOAT_X509_ATTR_C, "fr", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_C, "FRA", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_SERIAL_NUMBER, "AB@1", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_SERIAL_NUMBER, "A_1", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_CN, "\xC0\xAF", MOAT_ERR_X509_BAD_NAME);  /* overlong */
    name_rejected(MOAT_X509_ATTR_CN, "\xED\xA0\x80", MOAT_ERR_X509_BAD_NAME); /* surrogate */
    name_rejected(MOAT_X509_ATTR_O, "ab\xE2\x82", MOAT_ERR_X509_BAD_NAME);  /* truncated */
    name_rejected(MOAT_X509_ATTR_CN, "", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_CN, long_cn, MOAT_ERR_X509_BAD_NAME);
    name_rejected((moat_x509_attr)9, "x", MOAT_ERR_X509_BAD_NAME);
    name_rejected(MOAT_X509_ATTR_CN, NULL, MOAT_ERR_INVALID_ARGUMENT);
    name_rejected(MOAT_X509_ATTR_SERIAL_NUMBER, "Az09 '()+,-./:=?", MOAT_OK);
    name_rejected(MOAT_X509_ATTR_CN, "caf\xC3\xA9 \xF0\x9F\x94\x92", MOAT_OK);
    long_cn[64] = '\0';
    name_rejected(MOAT_X509_ATTR_CN, long_cn, MOAT_OK);
    memset(&n, 0, sizeof(n));
    n.count = MOAT_X509_MAX_NAME_ATTRS + 1u;
    moat_der_writer_init(&w, buf, sizeof(buf));
    assert_int_equal(moat_x509i_put_name(&w, &n, NULL), MOAT_ERR_X509_TOO_MANY);
}

/* A raw Name (multi-valued RDN, PrintableString CN) is written verbatim. */
static void test_raw_name_verbatim(void **state)
{
    static const uint8_t raw[] = {
        0x30, 0x22, 0x31, 0x20,
        0x30, 0x0B, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x04, 'r', 'a', 'w', '1',
        0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x0A, 0x0C, 0x0A, 'u', 't', 'f', '8', ' ', 'v', 'a', 'l',
        'u', 'e'};
    static const uint8_t bad[] = {0x30, 0x04, 0x31, 0x02, 0x05, 0x00};
    static uint8_t out[BUF];
    moat_x509_issue_params p;
    size_t len = 0;
    (void)state;
    base_params(&p, &k_leaf.signer.pub);
    p.subject.raw.ptr = raw;
    p.subject.raw.len = sizeof(raw);
    p.issuer.raw.ptr = raw;
    p.issuer.raw.len = sizeof(raw);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
    assert_int_equal(g_cert.subject.len, sizeof(raw));
    assert_memory_equal(g_cert.subject.ptr, raw, sizeof(raw));
    assert_int_equal(g_cert.issuer.len, sizeof(raw));
    assert_memory_equal(g_cert.issuer.ptr, raw, sizeof(raw));
    /* A malformed raw Name, or one with trailing bytes, is refused. */
    memset(out, FILL, sizeof(out));
    p.subject.raw.ptr = bad;
    p.subject.raw.len = sizeof(bad);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_BAD_NAME);
    assert_int_equal(len, 0);
    assert_true(all_zero(out, sizeof(out)));
    p.subject.raw.ptr = raw;
    p.subject.raw.len = sizeof(raw) - 1u;
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_BAD_NAME);
}

/* ------------------------------------------------------- raw extension */

static void test_raw_extension_verbatim(void **state)
{
    static uint8_t out[BUF];
    moat_x509_issue_params p;
    moat_x509_raw_ext raw[2];
    size_t len = 0;
    uint8_t want[64];
    size_t w = 0;
    (void)state;
    base_params(&p, &k_leaf.signer.pub);
    raw[0].oid.ptr = OID_TEST_EXT;
    raw[0].oid.len = sizeof(OID_TEST_EXT);
    raw[0].critical = true;
    raw[0].value.ptr = RAW_EXT_VALUE;
    raw[0].value.len = sizeof(RAW_EXT_VALUE);
    p.ext.raw = raw;
    p.ext.raw_count = 1;
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
    /* Extension ::= SEQUENCE { OID, TRUE, OCTET STRING { value } } byte for byte. */
    want[w++] = 0x30;
    want[w++] = (uint8_t)(2 + sizeof(OID_TEST_EXT) + 3 + 2 + sizeof(RAW_EXT_VALUE));
    want[w++] = 0x06;
    want[w++] = sizeof(OID_TEST_EXT);
    memcpy(want + w, OID_TEST_EXT, sizeof(OID_TEST_EXT));
    w += sizeof(OID_TEST_EXT);
    memcpy(want + w, "\x01\x01\xFF\x04", 4);
    w += 4;
    want[w++] = sizeof(RAW_EXT_VALUE);
    memcpy(want + w, RAW_EXT_VALUE, sizeof(RAW_EXT_VALUE));
    w += sizeof(RAW_EXT_VALUE);
    assert_true(contains(out, len, want, w));
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
    assert_int_equal(g_cert.ext_count, 1);
    assert_true(g_cert.ext[0].critical);
    assert_false(g_cert.ext[0].understood);
    assert_memory_equal(g_cert.ext[0].value.ptr, RAW_EXT_VALUE, sizeof(RAW_EXT_VALUE));

    /* The same OID twice, or a raw SAN next to a written SAN: duplicate. */
    raw[1] = raw[0];
    p.ext.raw_count = 2;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_DUPLICATE_EXTENSION);
    assert_int_equal(len, 0);
    assert_true(all_zero(out, sizeof(out)));
    raw[1].oid.ptr = moat_x509i_oid_san;
    raw[1].oid.len = 3;
    full_ext(&p.ext, SERIAL);
    p.ext.aki.len = 0;
    p.ext.raw = raw;
    p.ext.raw_count = 2;
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_DUPLICATE_EXTENSION);
    /* A value that is not one DER TLV is refused. */
    base_params(&p, &k_leaf.signer.pub);
    raw[0].value.len = sizeof(RAW_EXT_VALUE) - 1u;
    p.ext.raw = raw;
    p.ext.raw_count = 1;
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_BAD_EXTENSION);
}

/* --------------------------------------------------- buffer too small */

static void test_buffer_too_small(void **state)
{
    static uint8_t out[BUF];
    static uint8_t ref[BUF];
    moat_x509_issue_params p;
    uint8_t aki[20];
    size_t need = 0;
    size_t len = 0;
    size_t ref_len = 0;
    (void)state;
    key_id(&k_root.signer.pub, aki);
    base_params(&p, &k_leaf.signer.pub);
    full_ext(&p.ext, aki);

    /* TBS: exact size, buffer wiped. */
    assert_int_equal(moat_x509_tbs_build(&p, MOAT_CURVE_P384, NULL, 0, &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_true(need > 100);
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_tbs_build(&p, MOAT_CURVE_P384, out, need - 1u, &len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, need);
    assert_true(all_zero(out, need - 1u));
    assert_int_equal(out[need - 1u], FILL); /* nothing beyond the capacity touched */
    assert_int_equal(moat_x509_tbs_build(&p, MOAT_CURVE_P384, out, need, &len), MOAT_OK);
    assert_int_equal(len, need);

    /* Certificate: exact once the TBS fits (the signature is deterministic). */
    assert_int_equal(moat_x509_issue(&p, &k_root.signer, ref, sizeof(ref), &ref_len), MOAT_OK);
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_issue(&p, &k_root.signer, out, ref_len - 1u, &len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, ref_len);
    assert_true(all_zero(out, ref_len - 1u));
    assert_int_equal(moat_x509_issue(&p, &k_root.signer, out, ref_len, &len), MOAT_OK);
    assert_int_equal(len, ref_len);
    assert_memory_equal(out, ref, ref_len);
    /* When even the TBS does not fit: a size that is always sufficient. */
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_issue(&p, &k_root.signer, out, 10, &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_true(all_zero(out, 10));
    assert_true(need >= ref_len && need <= ref_len + 8u);
    assert_int_equal(moat_x509_issue(&p, &k_root.signer, out, need, &len), MOAT_OK);
    assert_int_equal(len, ref_len);
}

/* ------------------------------------------------------- bad parameters */

static void issue_rejected(const moat_x509_issue_params *p, moat_err want)
{
    static uint8_t out[BUF];
    size_t len = 77;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_issue(p, &k_p256.signer, out, sizeof(out), &len), want);
    assert_int_equal(len, 0);
    assert_true(all_zero(out, sizeof(out)));
    len = 77;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_tbs_build(p, MOAT_CURVE_P256, out, sizeof(out), &len), want);
    assert_int_equal(len, 0);
    assert_true(all_zero(out, sizeof(out)));
}

static void test_bad_params(void **state)
{
    static const uint8_t zero[] = {0x00};
    static const uint8_t zeros[] = {0x00, 0x00, 0x00};
    static uint8_t s21[21];
    static uint8_t s20hi[20];
    static uint8_t s20[20];
    static uint8_t s21lz[21];
    static uint8_t out[BUF];
    moat_x509_issue_params p;
    moat_ec_public_key bad_key;
    size_t len = 0;
    (void)state;

    memset(s21, 0x11, sizeof(s21));
    memset(s20hi, 0x91, sizeof(s20hi));
    memset(s20, 0x11, sizeof(s20));
    memset(s21lz, 0x11, sizeof(s21lz));
    s21lz[0] = 0;

    base_params(&p, &k_leaf.signer.pub);
    p.serial.ptr = zero;
    p.serial.len = sizeof(zero);
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.ptr = zeros;
    p.serial.len = sizeof(zeros);
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.len = 0;
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.ptr = s21;
    p.serial.len = sizeof(s21);
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.ptr = s21lz; /* 21 bytes even with a leading zero: over the bound */
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.ptr = s20hi; /* needs a 0x00: 21 content octets */
    p.serial.len = sizeof(s20hi);
    issue_rejected(&p, MOAT_ERR_X509_BAD_SERIAL);
    p.serial.ptr = s20; /* 20 octets: the largest allowed */
    p.serial.len = sizeof(s20);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
    assert_int_equal(g_cert.serial.len, 20);

    /* dNSName SANs must be host names: no trailing dot, no empty label
     * (they would defeat name-constraint suffix matching) */
    {
        static const char *bad_dns[] = {"www.bad.com.", "a..b.example", ".lead.example", "sp ace.example"};
        for (size_t b = 0; b < sizeof(bad_dns) / sizeof(bad_dns[0]); b++) {
            base_params(&p, &k_leaf.signer.pub);
            p.ext.san_count = 1;
            p.ext.san[0].type = MOAT_X509_GN_DNS;
            p.ext.san[0].value.ptr = (const uint8_t *)bad_dns[b];
            p.ext.san[0].value.len = strlen(bad_dns[b]);
            issue_rejected(&p, MOAT_ERR_X509_BAD_EXTENSION);
        }
    }

    base_params(&p, &k_leaf.signer.pub);
    p.not_before = p.not_after + 1;
    issue_rejected(&p, MOAT_ERR_X509_BAD_TIME);
    base_params(&p, &k_leaf.signer.pub);
    p.not_after = 253402300800LL;
    issue_rejected(&p, MOAT_ERR_X509_BAD_TIME);

    base_params(&p, &bad_key);
    bad_key = k_leaf.signer.pub;
    bad_key.q[bad_key.q_len - 1u] ^= 1u;
    issue_rejected(&p, MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE);
    p.subject_key = NULL;
    issue_rejected(&p, MOAT_ERR_INVALID_ARGUMENT);

    base_params(&p, &k_leaf.signer.pub);
    p.ext.basic_constraints = true;
    p.ext.path_len = 1; /* pathLen without cA */
    issue_rejected(&p, MOAT_ERR_X509_BAD_EXTENSION);
    base_params(&p, &k_leaf.signer.pub);
    p.ext.san_count = 1;
    p.ext.san[0].type = MOAT_X509_GN_IP;
    p.ext.san[0].value.ptr = IP4;
    p.ext.san[0].value.len = 5;
    issue_rejected(&p, MOAT_ERR_X509_BAD_EXTENSION);
    p.ext.san[0].type = MOAT_X509_GN_DNS;
    p.ext.san[0].value.ptr = (const uint8_t *)"a b";
    p.ext.san[0].value.len = 3;
    issue_rejected(&p, MOAT_ERR_X509_BAD_EXTENSION);
    p.ext.san_count = MOAT_X509_MAX_SAN + 1u;
    issue_rejected(&p, MOAT_ERR_X509_TOO_MANY);
    base_params(&p, &k_leaf.signer.pub);
    p.ext.eku_count = 1;
    p.ext.eku[0].ptr = (const uint8_t *)"\x2B\x80\x01";
    p.ext.eku[0].len = 3; /* non-minimal arc */
    issue_rejected(&p, MOAT_ERR_X509_BAD_EXTENSION);

    base_params(&p, &k_leaf.signer.pub);
    p.issuer.count = 0; /* RFC 5280 4.1.2.4: non-empty issuer */
    issue_rejected(&p, MOAT_ERR_X509_BAD_NAME);
    base_params(&p, &k_leaf.signer.pub);
    p.subject.value[1] = "\xFF";
    issue_rejected(&p, MOAT_ERR_X509_BAD_NAME);

    base_params(&p, &k_leaf.signer.pub);
    assert_int_equal(moat_x509_issue(NULL, &k_p256.signer, out, sizeof(out), &len),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_x509_issue(&p, NULL, out, sizeof(out), &len),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), NULL),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_x509_tbs_build(&p, (moat_curve)7, out, sizeof(out), &len),
                     MOAT_ERR_UNSUPPORTED);
}

/* An empty subject makes the subjectAltName critical (RFC 5280 4.2.1.6). */
static void test_empty_subject_san_critical(void **state)
{
    static uint8_t out[BUF];
    moat_x509_issue_params p;
    size_t len = 0;
    size_t i;
    (void)state;
    base_params(&p, &k_leaf.signer.pub);
    p.subject.count = 0;
    p.ext.san_count = 1;
    p.ext.san[0].type = MOAT_X509_GN_DNS;
    p.ext.san[0].value.ptr = (const uint8_t *)DNS;
    p.ext.san[0].value.len = strlen(DNS);
    assert_int_equal(moat_x509_issue(&p, &k_p256.signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_parse(out, len, &g_cert), MOAT_OK);
    assert_int_equal(g_cert.subject.len, 2);
    assert_int_equal(g_cert.ext_count, 1);
    for (i = 0; i < g_cert.ext_count; i++) {
        assert_true(g_cert.ext[i].critical);
    }
}

/* ---------------------------------------------------------------- CSRs */

static void test_csr_roundtrip(void **state)
{
    static uint8_t out[BUF];
    moat_x509_csr csr;
    moat_x509_name n;
    moat_x509_ext_params e;
    uint8_t aki[20];
    size_t len = 0;
    char s[MOAT_X509_NAME_STRING_MAX];
    size_t sl;
    (void)state;
    memset(&n, 0, sizeof(n));
    n.count = 3;
    n.type[0] = MOAT_X509_ATTR_C;
    n.value[0] = "DE";
    n.type[1] = MOAT_X509_ATTR_O;
    n.value[1] = "moat";
    n.type[2] = MOAT_X509_ATTR_SERIAL_NUMBER;
    n.value[2] = "SN-42";
    memset(&e, 0, sizeof(e));
    key_id(&k_p256.signer.pub, aki); /* an AKI unrelated to the CSR key */
    full_ext(&e, aki);
    assert_int_equal(moat_x509_csr_create(&n, &e, &k_root.signer, out, sizeof(out), &len),
                     MOAT_OK);
    assert_int_equal(moat_x509_csr_parse(out, len, &csr), MOAT_OK);
    assert_int_equal(moat_x509_name_string(&csr.subject, s, sizeof(s), &sl), MOAT_OK);
    assert_string_equal(s, "serialNumber=SN-42,O=moat,C=DE");
    assert_int_equal(csr.key.curve, MOAT_CURVE_P384);
    assert_int_equal(csr.key.q_len, k_root.signer.pub.q_len);
    assert_memory_equal(csr.key.q, k_root.signer.pub.q, csr.key.q_len);
    assert_true(csr.extensions.len > 0);
    assert_true(contains(csr.extensions.ptr, csr.extensions.len, (const uint8_t *)DNS,
                         strlen(DNS)));
    assert_true(contains(out, len, moat_x509i_oid_ext_request, 9));
    /* The CSR's SKI is that of the signer's key. */
    key_id(&k_root.signer.pub, aki);
    assert_true(contains(csr.extensions.ptr, csr.extensions.len, aki, 20));

    /* No extensions: attributes [0] is an empty SET, extensions empty. */
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, out, sizeof(out), &len),
                     MOAT_OK);
    assert_int_equal(moat_x509_csr_parse(out, len, &csr), MOAT_OK);
    assert_int_equal(csr.extensions.len, 0);
    assert_null(csr.extensions.ptr);
    assert_true(contains(out, len, (const uint8_t *)"\xA0\x00", 2));
}

static void test_csr_rejects(void **state)
{
    static uint8_t out[BUF];
    static uint8_t bad[BUF];
    moat_x509_csr csr;
    moat_x509_name n;
    size_t len = 0;
    size_t cut;
    size_t i;
    (void)state;
    memset(&n, 0, sizeof(n));
    n.count = 1;
    n.type[0] = MOAT_X509_ATTR_CN;
    n.value[0] = "csr";
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, out, sizeof(out), &len),
                     MOAT_OK);
    /* Change the CN value 'csr' inside the signed info. */
    memcpy(bad, out, len);
    for (i = 0; i + 3 <= len; i++) {
        if (memcmp(bad + i, "csr", 3) == 0) {
            bad[i] = 'C';
            break;
        }
    }
    memset(&csr, FILL, sizeof(csr));
    assert_int_equal(moat_x509_csr_parse(bad, len, &csr), MOAT_ERR_X509_CSR_SIGNATURE);
    assert_true(all_zero((const uint8_t *)&csr, sizeof(csr)));
    /* Signature bits: flip a byte of s (the last octet of the DER). */
    memcpy(bad, out, len);
    bad[len - 1u] ^= 0x01u;
    assert_int_equal(moat_x509_csr_parse(bad, len, &csr), MOAT_ERR_X509_CSR_SIGNATURE);
    /* Version 1 (0x01 instead of 0x00) is refused before the signature. */
    memcpy(bad, out, len);
    for (i = 0; i + 3 <= len; i++) {
        if (bad[i] == 0x02 && bad[i + 1] == 0x01 && bad[i + 2] == 0x00) {
            bad[i + 2] = 0x01;
            break;
        }
    }
    assert_int_equal(moat_x509_csr_parse(bad, len, &csr), MOAT_ERR_X509_BAD_VERSION);
    /* ecdsa-with-SHA512 is not supported. */
    memcpy(bad, out, len);
    for (i = 0; i + 8 <= len; i++) {
        if (memcmp(bad + i, moat_x509i_oid_ecdsa_sha256, 8) == 0) {
            bad[i + 7] = 0x04;
            break;
        }
    }
    assert_int_equal(moat_x509_csr_parse(bad, len, &csr), MOAT_ERR_X509_UNSUPPORTED_ALG);
    /* Trailing byte. */
    memcpy(bad, out, len);
    bad[len] = 0;
    assert_int_equal(moat_x509_csr_parse(bad, len + 1u, &csr), MOAT_ERR_DER_TRAILING);
    /* Truncated at every length: never accepted, always wiped. */
    for (cut = 0; cut < len; cut++) {
        memset(&csr, FILL, sizeof(csr));
        assert_int_not_equal(moat_x509_csr_parse(out, cut, &csr), MOAT_OK);
        assert_true(all_zero((const uint8_t *)&csr, sizeof(csr)));
    }
    assert_int_equal(moat_x509_csr_parse(out, MOAT_X509_MAX_CERT_SIZE + 1u, &csr),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(moat_x509_csr_parse(NULL, 10, &csr), MOAT_ERR_INVALID_ARGUMENT);
}

static void test_csr_buffer_and_params(void **state)
{
    static uint8_t out[BUF];
    static uint8_t ref[BUF];
    moat_x509_name n;
    moat_x509_ext_params e;
    moat_signer bad;
    size_t len = 0;
    size_t ref_len = 0;
    (void)state;
    memset(&n, 0, sizeof(n));
    n.count = 1;
    n.type[0] = MOAT_X509_ATTR_CN;
    n.value[0] = "csr";
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, ref, sizeof(ref), &ref_len),
                     MOAT_OK);
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, out, ref_len - 1u, &len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, ref_len);
    assert_true(all_zero(out, ref_len - 1u));
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, out, ref_len, &len), MOAT_OK);
    assert_memory_equal(out, ref, ref_len);
    assert_int_equal(moat_x509_csr_create(&n, NULL, &k_leaf.signer, NULL, 0, &len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_true(len >= ref_len && len <= ref_len + 8u);

    memset(&e, 0, sizeof(e));
    e.path_len = -1;
    e.key_usage = 0x400;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_csr_create(&n, &e, &k_leaf.signer, out, sizeof(out), &len),
                     MOAT_ERR_X509_BAD_EXTENSION);
    assert_int_equal(len, 0);
    assert_true(all_zero(out, sizeof(out)));
    /* A signer whose key does not match its public key: the signature
     * check of moat_signer_sign() refuses it. */
    bad = k_leaf.signer;
    bad.pub = k_other.signer.pub;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_x509_csr_create(&n, NULL, &bad, out, sizeof(out), &len),
                     MOAT_ERR_INTERNAL);
    assert_true(all_zero(out, sizeof(out)));
}

/* ------------------------------------------------------------- renewal */

static void test_renewal_window(void **state)
{
    moat_x509_cert c;
    (void)state;
    memset(&c, 0, sizeof(c));
    c.not_before = 1000;
    c.not_after = 101000; /* period 100000 */
    /* window only */
    assert_false(moat_x509_renewal_due(&c, 99999, 1000, 0));
    assert_true(moat_x509_renewal_due(&c, 100000, 1000, 0));
    /* percent only: due from 80 % of the period */
    assert_false(moat_x509_renewal_due(&c, 80999, 0, 80));
    assert_true(moat_x509_renewal_due(&c, 81000, 0, 80));
    /* whichever first */
    assert_true(moat_x509_renewal_due(&c, 81000, 1000, 80));
    assert_true(moat_x509_renewal_due(&c, 60000, 50000, 80));
    assert_false(moat_x509_renewal_due(&c, 50000, 50000, 80));
    /* neither: only expiry */
    assert_false(moat_x509_renewal_due(&c, 100999, 0, 0));
    assert_true(moat_x509_renewal_due(&c, 101000, 0, 0));
    assert_false(moat_x509_renewal_due(&c, 0, 0, 50)); /* before notBefore */
    assert_false(moat_x509_renewal_due(&c, 100999, 0, 100));
    assert_true(moat_x509_renewal_due(&c, 200000, 0, 0));
    /* fail closed */
    assert_true(moat_x509_renewal_due(NULL, 0, 0, 0));
    c.not_after = 999;
    assert_true(moat_x509_renewal_due(&c, 0, 0, 0));
    /* extreme values do not overflow */
    c.not_before = INT64_MIN;
    c.not_after = INT64_MAX;
    assert_false(moat_x509_renewal_due(&c, 0, 1000, 99));
    assert_true(moat_x509_renewal_due(&c, INT64_MAX - 10, 1000, 0));
}

/* --------------------------------------------------------- installation */

#define KEY_ID 3u
#define REC_ID 7u
#define NOW 1800000000LL

typedef struct pki {
    uint8_t root[1024];
    size_t root_len;
    uint8_t inter[1024];
    size_t inter_len;
    uint8_t leaf_new[1024];
    size_t leaf_new_len;
    uint8_t leaf_pad[1025]; /* leaf_new plus one byte */
    uint8_t leaf_old[1024];
    size_t leaf_old_len;
    uint8_t leaf_wrong_key[1024];
    size_t leaf_wrong_key_len;
    uint8_t leaf_foreign[1024]; /* issued by a CA outside the store */
    size_t leaf_foreign_len;
    moat_x509_store store;
} pki;

static pki g_pki;
static moat_x509_verify_work g_work;

static void issue_into(const moat_x509_name *subject, const moat_x509_name *issuer,
                       const moat_ec_public_key *key, const moat_ec_public_key *issuer_key,
                       const kp *signer, bool ca, uint8_t serial, uint8_t *out, size_t *len)
{
    moat_x509_issue_params p;
    uint8_t aki[20];
    uint8_t s[1] = {serial};
    key_id(issuer_key, aki);
    memset(&p, 0, sizeof(p));
    p.serial.ptr = s;
    p.serial.len = 1;
    p.not_before = 1700000000;
    p.not_after = 1900000000;
    p.subject = *subject;
    p.issuer = *issuer;
    p.subject_key = key;
    p.ext.basic_constraints = true;
    p.ext.is_ca = ca;
    p.ext.path_len = -1;
    p.ext.key_usage = ca ? (MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN)
                         : MOAT_X509_KU_DIGITAL_SIGNATURE;
    p.ext.ski = true;
    p.ext.aki.ptr = aki;
    p.ext.aki.len = 20;
    assert_int_equal(moat_x509_issue(&p, &signer->signer, out, 1024, len), MOAT_OK);
}

static void one_name(moat_x509_name *n, const char *cn)
{
    memset(n, 0, sizeof(*n));
    n->count = 1;
    n->type[0] = MOAT_X509_ATTR_CN;
    n->value[0] = cn;
}

static void build_pki(const moat_ec_public_key *device)
{
    moat_x509_name root, inter, leaf, other;
    one_name(&root, "root");
    one_name(&inter, "inter");
    one_name(&leaf, "device");
    one_name(&other, "other-ca");
    issue_into(&root, &root, &k_root.signer.pub, &k_root.signer.pub, &k_root, true, 1,
               g_pki.root, &g_pki.root_len);
    issue_into(&inter, &root, &k_inter.signer.pub, &k_root.signer.pub, &k_root, true, 2,
               g_pki.inter, &g_pki.inter_len);
    issue_into(&leaf, &inter, device, &k_inter.signer.pub, &k_inter, false, 3,
               g_pki.leaf_new, &g_pki.leaf_new_len);
    issue_into(&leaf, &inter, device, &k_inter.signer.pub, &k_inter, false, 4,
               g_pki.leaf_old, &g_pki.leaf_old_len);
    issue_into(&leaf, &inter, &k_other.signer.pub, &k_inter.signer.pub, &k_inter, false, 5,
               g_pki.leaf_wrong_key, &g_pki.leaf_wrong_key_len);
    issue_into(&leaf, &other, device, &k_other.signer.pub, &k_other, false, 6,
               g_pki.leaf_foreign, &g_pki.leaf_foreign_len);
    memcpy(g_pki.leaf_pad, g_pki.leaf_new, g_pki.leaf_new_len);
    g_pki.leaf_pad[g_pki.leaf_new_len] = 0x00;
    assert_int_equal(moat_x509_store_init(&g_pki.store, NULL, 0), MOAT_OK);
    assert_int_equal(moat_x509_store_add(&g_pki.store, g_pki.root, g_pki.root_len), MOAT_OK);
}

typedef struct device {
    char dir[64];
    moat_port_posix posix;
    moat_port inner;
    moat_port_fault fault;
    moat_port port; /* the fault port over the POSIX port */
} device;

static device g_dev;

static void dev_open(device *d)
{
    assert_int_equal(moat_port_posix_open(&d->posix, d->dir, NULL, &d->inner), MOAT_OK);
    assert_int_equal(moat_port_fault_wrap(&d->fault, &d->inner, &d->port), MOAT_OK);
}

static void dev_reboot(device *d)
{
    moat_port_posix_close(&d->posix);
    dev_open(d);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup_device(void **state)
{
    moat_ec_public_key pub;
    (void)state;
    setup_keys(NULL);
    strcpy(g_dev.dir, "/tmp/moat-x509w-XXXXXX");
    if (mkdtemp(g_dev.dir) == NULL) {
        return -1;
    }
    dev_open(&g_dev);
    if (moat_port_key_generate(&g_dev.port, KEY_ID, MOAT_CURVE_P256) != MOAT_OK ||
        moat_port_key_public(&g_dev.port, KEY_ID, &pub) != MOAT_OK) {
        return -1;
    }
    build_pki(&pub);
    return 0;
}

static int teardown_device(void **state)
{
    (void)state;
    moat_port_posix_close(&g_dev.posix);
    return nftw(g_dev.dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void verify_params(moat_x509_verify_params *vp)
{
    memset(vp, 0, sizeof(*vp));
    vp->now = NOW;
}

static moat_err install(const uint8_t *leaf, size_t leaf_len, int64_t now)
{
    const uint8_t *chain[2] = {leaf, g_pki.inter};
    size_t lens[2] = {leaf_len, g_pki.inter_len};
    moat_x509_verify_params vp;
    verify_params(&vp);
    vp.now = now;
    return moat_x509_install(&g_dev.port, KEY_ID, REC_ID, &g_pki.store, chain, lens, 2, &vp,
                             &g_work);
}

/* The record holds exactly {leaf, inter}. */
static void assert_record(const uint8_t *leaf, size_t leaf_len)
{
    static uint8_t buf[MOAT_PORT_RECORD_MAX];
    const uint8_t *certs[4];
    size_t lens[4];
    size_t count = 0;
    assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens, 4,
                                         &count),
                     MOAT_OK);
    assert_int_equal(count, 2);
    assert_int_equal(lens[0], leaf_len);
    assert_memory_equal(certs[0], leaf, leaf_len);
    assert_int_equal(lens[1], g_pki.inter_len);
    assert_memory_equal(certs[1], g_pki.inter, g_pki.inter_len);
}

static bool record_is(const uint8_t *leaf, size_t leaf_len)
{
    static uint8_t buf[MOAT_PORT_RECORD_MAX];
    const uint8_t *certs[4];
    size_t lens[4];
    size_t count = 0;
    if (moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens, 4, &count) !=
        MOAT_OK) {
        return false;
    }
    return count == 2 && lens[0] == leaf_len && memcmp(certs[0], leaf, leaf_len) == 0 &&
           lens[1] == g_pki.inter_len && memcmp(certs[1], g_pki.inter, g_pki.inter_len) == 0;
}

static void test_install_success_and_read_back(void **state)
{
    uint32_t before;
    (void)state;
    assert_int_equal(moat_port_record_erase(&g_dev.port, REC_ID), MOAT_OK);
    before = moat_port_fault_writes(&g_dev.fault);
    assert_int_equal(install(g_pki.leaf_old, g_pki.leaf_old_len, NOW), MOAT_OK);
    assert_int_equal(moat_port_fault_writes(&g_dev.fault), before + 1u); /* ONE write */
    assert_record(g_pki.leaf_old, g_pki.leaf_old_len);
    assert_int_equal(install(g_pki.leaf_new, g_pki.leaf_new_len, NOW), MOAT_OK);
    assert_record(g_pki.leaf_new, g_pki.leaf_new_len);
    /* It survives a reboot. */
    dev_reboot(&g_dev);
    assert_record(g_pki.leaf_new, g_pki.leaf_new_len);
}

static void test_install_rejects_keep_record(void **state)
{
    static uint8_t junk[64];
    const uint8_t *chain[2];
    size_t lens[2];
    moat_x509_verify_params vp;
    uint32_t before;
    (void)state;
    assert_int_equal(install(g_pki.leaf_old, g_pki.leaf_old_len, NOW), MOAT_OK);
    before = moat_port_fault_writes(&g_dev.fault);

    /* The leaf certifies another key. */
    assert_int_equal(install(g_pki.leaf_wrong_key, g_pki.leaf_wrong_key_len, NOW),
                     MOAT_ERR_X509_KEY_MISMATCH);
    /* The chain does not validate: foreign issuer, expired, not yet valid. */
    assert_int_equal(install(g_pki.leaf_foreign, g_pki.leaf_foreign_len, NOW),
                     MOAT_ERR_X509_NO_ISSUER);
    assert_int_equal(install(g_pki.leaf_new, g_pki.leaf_new_len, 1900000001LL),
                     MOAT_ERR_X509_EXPIRED);
    assert_int_equal(install(g_pki.leaf_new, g_pki.leaf_new_len, 1600000000LL),
                     MOAT_ERR_X509_NOT_YET_VALID);
    /* A chain element that is not exactly one SEQUENCE: truncated, or
     * followed by a stray byte. */
    memcpy(junk, g_pki.leaf_new, 8);
    assert_int_equal(install(junk, 8, NOW), MOAT_ERR_DER_TRUNCATED);
    assert_int_equal(install(g_pki.leaf_pad, g_pki.leaf_new_len + 1u, NOW), MOAT_ERR_DER_TRAILING);
    /* Too large for a record. */
    verify_params(&vp);
    chain[0] = g_pki.leaf_new;
    chain[1] = g_pki.inter;
    lens[0] = g_pki.leaf_new_len;
    lens[1] = MOAT_PORT_RECORD_MAX;
    assert_int_equal(moat_x509_install(&g_dev.port, KEY_ID, REC_ID, &g_pki.store, chain, lens,
                                       2, &vp, &g_work),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(moat_x509_install(&g_dev.port, KEY_ID, REC_ID, &g_pki.store, chain, lens,
                                       0, &vp, &g_work),
                     MOAT_ERR_INVALID_ARGUMENT);
    /* No device key. */
    lens[1] = g_pki.inter_len;
    assert_int_equal(moat_x509_install(&g_dev.port, KEY_ID + 1u, REC_ID, &g_pki.store, chain,
                                       lens, 2, &vp, &g_work),
                     MOAT_ERR_PORT_NOT_FOUND);

    /* Nothing was written by any of them, and the old chain is intact. */
    assert_int_equal(moat_port_fault_writes(&g_dev.fault), before);
    assert_record(g_pki.leaf_old, g_pki.leaf_old_len);
}

static void test_installed_rejects(void **state)
{
    static uint8_t buf[MOAT_PORT_RECORD_MAX];
    static const uint8_t garbage[] = {0x30, 0x03, 0x02, 0x01, 0x01, 0x04, 0x00};
    const uint8_t *certs[4];
    size_t lens[4];
    size_t count = 9;
    (void)state;
    assert_int_equal(install(g_pki.leaf_old, g_pki.leaf_old_len, NOW), MOAT_OK);
    /* Room for one certificate only. */
    assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens, 1,
                                         &count),
                     MOAT_ERR_X509_TOO_MANY);
    assert_int_equal(count, 0);
    assert_null(certs[0]);
    assert_true(all_zero(buf, sizeof(buf)));
    /* Buffer too small for the record. */
    assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, 100, certs, lens, 4, &count),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(count, 0);
    /* A record that is not a list of SEQUENCEs. */
    assert_int_equal(moat_port_record_write(&g_dev.port, REC_ID, garbage, sizeof(garbage)),
                     MOAT_OK);
    assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens, 4,
                                         &count),
                     MOAT_ERR_DER_TAG);
    assert_int_equal(count, 0);
    assert_true(all_zero(buf, sizeof(buf)));
    assert_int_equal(moat_port_record_erase(&g_dev.port, REC_ID), MOAT_OK);
    assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens, 4,
                                         &count),
                     MOAT_ERR_PORT_NOT_FOUND);
}

/* A power cut at every persistent write of moat_x509_install(), in every
 * cut mode: after reboot the record holds the old chain or the new one,
 * never neither, never torn. */
static void test_install_power_cut(void **state)
{
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    size_t m;
    uint32_t n;
    unsigned cuts = 0;
    (void)state;
    for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        for (n = 1;; n++) {
            moat_err rc;
            bool fired;
            dev_reboot(&g_dev);
            assert_int_equal(install(g_pki.leaf_old, g_pki.leaf_old_len, NOW), MOAT_OK);
            moat_port_fault_reboot(&g_dev.fault);
            moat_port_fault_cut_at(&g_dev.fault, n, modes[m]);
            rc = install(g_pki.leaf_new, g_pki.leaf_new_len, NOW);
            fired = moat_port_fault_is_cut(&g_dev.fault);
            dev_reboot(&g_dev);
            if (fired) {
                cuts++;
                assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
                if (modes[m] == MOAT_PORT_FAULT_CUT_AFTER) {
                    assert_true(record_is(g_pki.leaf_new, g_pki.leaf_new_len));
                } else {
                    assert_true(record_is(g_pki.leaf_old, g_pki.leaf_old_len));
                }
            } else {
                assert_int_equal(rc, MOAT_OK);
                assert_true(record_is(g_pki.leaf_new, g_pki.leaf_new_len));
                break;
            }
        }
    }
    assert_int_equal(cuts, 3); /* one write per install, cut in each mode */

    /* First installation (no record before): absent or new, never torn. */
    dev_reboot(&g_dev);
    assert_int_equal(moat_port_record_erase(&g_dev.port, REC_ID), MOAT_OK);
    moat_port_fault_reboot(&g_dev.fault);
    moat_port_fault_cut_at(&g_dev.fault, 1, MOAT_PORT_FAULT_CUT_TORN);
    assert_int_equal(install(g_pki.leaf_new, g_pki.leaf_new_len, NOW), MOAT_ERR_PORT_POWER_CUT);
    dev_reboot(&g_dev);
    {
        static uint8_t buf[MOAT_PORT_RECORD_MAX];
        const uint8_t *certs[4];
        size_t lens[4];
        size_t count = 0;
        assert_int_equal(moat_x509_installed(&g_dev.port, REC_ID, buf, sizeof(buf), certs, lens,
                                             4, &count),
                         MOAT_ERR_PORT_NOT_FOUND);
    }
}

/* A CSR signed by the port-held device key (proof of possession). */
static void test_csr_with_port_key(void **state)
{
    static uint8_t out[BUF];
    moat_port_key pk;
    moat_signer signer;
    moat_x509_csr csr;
    moat_x509_name n;
    moat_ec_public_key pub;
    size_t len = 0;
    (void)state;
    one_name(&n, "device");
    assert_int_equal(moat_port_signer(&pk, &g_dev.port, KEY_ID, &signer), MOAT_OK);
    assert_int_equal(moat_x509_csr_create(&n, NULL, &signer, out, sizeof(out), &len), MOAT_OK);
    assert_int_equal(moat_x509_csr_parse(out, len, &csr), MOAT_OK);
    assert_int_equal(moat_port_key_public(&g_dev.port, KEY_ID, &pub), MOAT_OK);
    assert_int_equal(csr.key.q_len, pub.q_len);
    assert_memory_equal(csr.key.q, pub.q, pub.q_len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_p256_issuer),
        cmocka_unit_test(test_roundtrip_p384_issuer),
        cmocka_unit_test(test_no_extensions_p384_subject),
        cmocka_unit_test(test_time_boundaries),
        cmocka_unit_test(test_civil_matches_gmtime),
        cmocka_unit_test(test_validity_roundtrip),
        cmocka_unit_test(test_key_usage_minimal),
        cmocka_unit_test(test_name_encoding),
        cmocka_unit_test(test_name_rejects),
        cmocka_unit_test(test_raw_name_verbatim),
        cmocka_unit_test(test_raw_extension_verbatim),
        cmocka_unit_test(test_buffer_too_small),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_empty_subject_san_critical),
        cmocka_unit_test(test_csr_roundtrip),
        cmocka_unit_test(test_csr_rejects),
        cmocka_unit_test(test_csr_buffer_and_params),
        cmocka_unit_test(test_renewal_window),
    };
    const struct CMUnitTest install_tests[] = {
        cmocka_unit_test(test_install_success_and_read_back),
        cmocka_unit_test(test_install_rejects_keep_record),
        cmocka_unit_test(test_installed_rejects),
        cmocka_unit_test(test_install_power_cut),
        cmocka_unit_test(test_csr_with_port_key),
    };
    int rc = cmocka_run_group_tests_name("x509_write", tests, setup_keys, NULL);
    rc |= cmocka_run_group_tests_name("x509_install", install_tests, setup_device,
                                      teardown_device);
    return rc;
}
