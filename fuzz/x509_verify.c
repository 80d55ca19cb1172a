/*
 * libFuzzer harness: certification path building + validation
 * (moat_x509_verify) over a bag of certificates taken from the fuzz input.
 *
 * Input: one mode byte, then entries of a 2-byte big-endian length and that
 * many bytes, each one certificate candidate (at most
 * MOAT_X509_MAX_CANDIDATES + 2 are used, so the TOO_MANY bound is reached).
 * Mode bits: 0x01 put a valid leaf first, 0x02 add its valid intermediate
 * to the bag, 0x0C purpose (any/server/client/custom), 0x10 no_time,
 * 0x20 require the host name "dev.example.com", 0xC0 max_depth (0,2,3,4).
 *
 * The trust anchor, the intermediate and the leaf are built once, at the
 * first call, with moat's own issuer (fixed private scalars, so every run
 * is identical and nothing generated is committed).
 *
 * Properties checked: result.err equals the return value; on success the
 * path starts with the leaf (0), ends with an anchor (or is the leaf
 * alone), uses valid distinct indices and respects max_depth; failed_index
 * is -1 or a valid index; the same call twice gives the same verdict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IN (MOAT_X509_MAX_CANDIDATES + 2u)

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static uint8_t g_root[1024], g_int[1024], g_leaf[1024];
static size_t g_root_len, g_int_len, g_leaf_len;
static moat_x509_store g_store;
static moat_x509_verify_work g_work;
static int g_ready;

static void key_from(uint8_t seed, moat_ec_private_key *priv, moat_signer *signer,
                     moat_ec_public_key *pub)
{
    uint8_t d[32];
    memset(d, 0, sizeof d);
    d[31] = seed; /* a small fixed scalar: fuzzing only */
    d[0] = 0x01;
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof d, priv) == MOAT_OK);
    check(moat_signer_from_private(signer, priv) == MOAT_OK);
    *pub = signer->pub;
}

static void name_of(moat_x509_name *n, const char *cn)
{
    memset(n, 0, sizeof *n);
    n->count = 1;
    n->type[0] = MOAT_X509_ATTR_CN;
    n->value[0] = cn;
}

static void issue(const char *subject, const char *issuer, const moat_ec_public_key *key,
                  const moat_signer *by, bool ca, uint8_t serial, uint8_t *out, size_t *len)
{
    moat_x509_issue_params p;
    static const uint8_t dns[] = "dev.example.com";
    memset(&p, 0, sizeof p);
    p.serial.ptr = &serial;
    p.serial.len = 1;
    p.not_before = 1577836800; /* 2020-01-01 */
    p.not_after = 2208988800;  /* 2040-01-01 */
    name_of(&p.subject, subject);
    name_of(&p.issuer, issuer);
    p.subject_key = key;
    p.ext.basic_constraints = true;
    p.ext.is_ca = ca;
    p.ext.path_len = -1;
    p.ext.key_usage = ca ? MOAT_X509_KU_KEY_CERT_SIGN : MOAT_X509_KU_DIGITAL_SIGNATURE;
    if (!ca) {
        p.ext.san_count = 1;
        p.ext.san[0].type = MOAT_X509_GN_DNS;
        p.ext.san[0].value.ptr = dns;
        p.ext.san[0].value.len = sizeof dns - 1u;
    }
    check(moat_x509_issue(&p, by, out, 1024, len) == MOAT_OK);
}

static void setup(void)
{
    moat_ec_private_key kr, ki, kl;
    moat_signer sr, si, sl;
    moat_ec_public_key pr, pi, pl;
    key_from(1, &kr, &sr, &pr);
    key_from(2, &ki, &si, &pi);
    key_from(3, &kl, &sl, &pl);
    issue("Fuzz Root", "Fuzz Root", &pr, &sr, true, 1, g_root, &g_root_len);
    issue("Fuzz Int", "Fuzz Root", &pi, &sr, true, 2, g_int, &g_int_len);
    issue("Fuzz Leaf", "Fuzz Int", &pl, &si, false, 3, g_leaf, &g_leaf_len);
    check(moat_x509_store_init(&g_store, NULL, 0) == MOAT_OK);
    check(moat_x509_store_add(&g_store, g_root, g_root_len) == MOAT_OK);
    {
        /* the built chain must validate, or the harness proves nothing */
        const uint8_t *c[2] = {g_leaf, g_int};
        size_t l[2] = {g_leaf_len, g_int_len};
        moat_x509_verify_params p;
        memset(&p, 0, sizeof p);
        p.now = 1893456000;
        p.dns_name = "dev.example.com";
        check(moat_x509_verify(&g_store, c, l, 2, &p, &g_work, NULL) == MOAT_OK);
    }
    g_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t custom[] = {0x2A, 0x03, 0x04};
    static const unsigned depths[4] = {0, 2, 3, 4};
    const uint8_t *certs[MAX_IN];
    size_t lens[MAX_IN];
    size_t n = 0, pos = 1, i, j;
    moat_x509_verify_params p;
    moat_x509_verify_result r, r2;
    moat_err err, err2;
    uint8_t mode;

    if (!g_ready) {
        setup();
    }
    if (size == 0) {
        return 0;
    }
    mode = data[0];
    if (mode & 0x01u) {
        certs[n] = g_leaf;
        lens[n++] = g_leaf_len;
    }
    if (mode & 0x02u) {
        certs[n] = g_int;
        lens[n++] = g_int_len;
    }
    while (pos + 2u <= size && n < MAX_IN) {
        size_t len = ((size_t)data[pos] << 8) | data[pos + 1u];
        pos += 2u;
        if (len > size - pos) {
            len = size - pos;
        }
        certs[n] = data + pos;
        lens[n++] = len;
        pos += len;
    }
    if (n == 0) {
        return 0;
    }
    memset(&p, 0, sizeof p);
    p.now = 1893456000; /* 2030-01-01 */
    p.purpose = (moat_x509_purpose)((mode >> 2) & 3u);
    if (p.purpose == MOAT_X509_PURPOSE_CUSTOM) {
        p.purpose_oid.ptr = custom;
        p.purpose_oid.len = sizeof custom;
    }
    p.no_time = (mode & 0x10u) != 0;
    p.dns_name = (mode & 0x20u) ? "dev.example.com" : NULL;
    p.max_depth = depths[mode >> 6];

    err = moat_x509_verify(&g_store, certs, lens, n, &p, &g_work, &r);
    check(r.err == err);
    check(r.failed_index >= -1 && r.failed_index < (int)n);
    check(r.path_len <= MOAT_X509_MAX_DEPTH);
    if (err == MOAT_OK) {
        size_t max = p.max_depth ? p.max_depth : MOAT_X509_MAX_DEPTH;
        check(r.failed_index == -1);
        check(r.path_len >= 1 && r.path_len <= max);
        check(r.path[0] == 0);
        if (r.path_len > 1) {
            check(r.path[r.path_len - 1] < 0);
        }
        for (i = 1; i + 1 < r.path_len; i++) {
            check(r.path[i] > 0 && r.path[i] < (int)n);
            for (j = 0; j < i; j++) {
                check(r.path[i] != r.path[j]);
            }
        }
    }
    if (n > MOAT_X509_MAX_CANDIDATES) {
        check(err == MOAT_ERR_X509_TOO_MANY);
    }
    err2 = moat_x509_verify(&g_store, certs, lens, n, &p, &g_work, &r2);
    check(err2 == err && r2.failed_index == r.failed_index && r2.path_len == r.path_len);
    return 0;
}
