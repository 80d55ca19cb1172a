/**
 * @file tls_fixture.h
 * @brief Test-only TLS material built at run time with moat_x509_issue():
 *        P-256 keys from fixed labels (d = SHA-256(label)), a CA, and the
 *        leaves the TLS tests need. Nothing is committed; header-only.
 */
#ifndef MOAT_TESTS_TLS_FIXTURE_H
#define MOAT_TESTS_TLS_FIXTURE_H

#include <string.h>

#include "moat/moat.h"
#include "moat/x509.h"
#include "moat/tls.h"

/** 2025-06-01T00:00:00Z: the validation time of the fixtures. */
#define FX_NOW 1748736000LL
/** 2024-01-01 .. 2034-01-01 */
#define FX_NOT_BEFORE 1704067200LL
#define FX_NOT_AFTER 2019686400LL
/** Expired leaves end 2025-01-01. */
#define FX_EXPIRED_AFTER 1735689600LL
#define FX_CERT_CAP 1024u
#define FX_HOST "tls.test"

/* id-kp-serverAuth / id-kp-clientAuth content octets (RFC 5280 4.2.1.12) */
static const uint8_t fx_oid_server_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t fx_oid_client_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};

/** Which EKU a leaf carries. */
enum { FX_EKU_SERVER = 1, FX_EKU_CLIENT = 2 };

typedef struct fx_cert {
    moat_ec_private_key key;
    moat_signer signer;
    uint8_t der[FX_CERT_CAP];
    size_t len;
} fx_cert;

static inline moat_err fx_key(const char *label, fx_cert *c)
{
    uint8_t d[32];
    moat_err e = moat_hash(MOAT_HASH_SHA256, label, strlen(label), d);

    if (e == MOAT_OK) {
        e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), &c->key);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&c->signer, &c->key);
    }
    moat_wipe(d, sizeof(d));
    return e;
}

/** A CA (self-signed when @p issuer is NULL). */
static inline moat_err fx_ca(const char *label, const char *cn, fx_cert *c)
{
    moat_x509_issue_params p;
    uint8_t serial[1] = {0x01};
    moat_err e = fx_key(label, c);

    if (e != MOAT_OK) {
        return e;
    }
    memset(&p, 0, sizeof(p));
    p.serial.ptr = serial;
    p.serial.len = sizeof(serial);
    p.not_before = FX_NOT_BEFORE;
    p.not_after = FX_NOT_AFTER;
    p.subject.count = 1;
    p.subject.type[0] = MOAT_X509_ATTR_CN;
    p.subject.value[0] = cn;
    p.issuer = p.subject;
    p.subject_key = &c->signer.pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = true;
    p.ext.path_len = -1;
    p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
    p.ext.ski = true;
    return moat_x509_issue(&p, &c->signer, c->der, sizeof(c->der), &c->len);
}

/** A leaf for @p dns (may be NULL) with EKU @p eku, issued by @p ca. */
static inline moat_err fx_leaf(const char *label, const char *cn, const char *dns, int eku,
                               int64_t not_after, const fx_cert *ca, const char *ca_cn,
                               fx_cert *c)
{
    moat_x509_issue_params p;
    uint8_t serial[2] = {0x10, 0x00};
    moat_err e = fx_key(label, c);

    if (e != MOAT_OK) {
        return e;
    }
    serial[1] = (uint8_t)(strlen(label) & 0xFFu);
    memset(&p, 0, sizeof(p));
    p.serial.ptr = serial;
    p.serial.len = sizeof(serial);
    p.not_before = FX_NOT_BEFORE;
    p.not_after = not_after;
    p.subject.count = 1;
    p.subject.type[0] = MOAT_X509_ATTR_CN;
    p.subject.value[0] = cn;
    p.issuer.count = 1;
    p.issuer.type[0] = MOAT_X509_ATTR_CN;
    p.issuer.value[0] = ca_cn;
    p.subject_key = &c->signer.pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = false;
    p.ext.path_len = -1;
    p.ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
    if (eku & FX_EKU_SERVER) {
        p.ext.eku[p.ext.eku_count].ptr = fx_oid_server_auth;
        p.ext.eku[p.ext.eku_count++].len = sizeof(fx_oid_server_auth);
    }
    if (eku & FX_EKU_CLIENT) {
        p.ext.eku[p.ext.eku_count].ptr = fx_oid_client_auth;
        p.ext.eku[p.ext.eku_count++].len = sizeof(fx_oid_client_auth);
    }
    if (dns != NULL) {
        p.ext.san_count = 1;
        p.ext.san[0].type = MOAT_X509_GN_DNS;
        p.ext.san[0].value.ptr = (const uint8_t *)dns;
        p.ext.san[0].value.len = strlen(dns);
    }
    p.ext.ski = true;
    return moat_x509_issue(&p, &ca->signer, c->der, sizeof(c->der), &c->len);
}

/** Deterministic "randomness" for tests (a counter through SHA-256). */
static inline moat_err fx_rng(void *ctx, uint8_t *out, size_t len)
{
    static uint32_t ctr;
    uint8_t h[32];
    size_t i, n;

    (void)ctx;
    for (i = 0; i < len; i += n) {
        uint32_t c = ++ctr;
        moat_err e = moat_hash(MOAT_HASH_SHA256, &c, sizeof(c), h);
        if (e != MOAT_OK) {
            return e;
        }
        n = len - i < sizeof(h) ? len - i : sizeof(h);
        memcpy(out + i, h, n);
    }
    return MOAT_OK;
}

#endif /* MOAT_TESTS_TLS_FIXTURE_H */
