/*
 * Test-only fixture for the EAT tests and eat_cli: builds complete devices
 * at run time with the DICE API (nothing is committed):
 *   manufacturer CA (random P-256 key, self-signed; the key is kept so that
 *   several devices can be enrolled)
 *   -> DeviceID certificate (CSR from the UDS, moat_dice_device_id_certify)
 *   -> CDI certificate of layer 1 (issued by the DeviceID key)
 *   -> CDI certificate of layer 2 (issued by the layer-1 CDI key)
 *   -> alias certificate (issued by the layer-2 CDI key, with DiceTcbInfo).
 * The alias TcbInfo lists the firmware as a SHA-256 fwid and as the SHA-512
 * fwid equal to the code hash layer 1 certified for layer 2 (0x33 x 64),
 * which the verifier requires; the token reports both ("fw" and
 * "fw-sha512").
 */
#ifndef MOAT_TESTS_EAT_FIXTURE_H
#define MOAT_TESTS_EAT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "moat/attest.h"

#define FX_CERT MOAT_DICE_CERT_MAX
/* Components of the fixture token: "fw" (SHA-256), "fw-sha512" (the code hash). */
#define FX_MEAS 2u
/* Code hash bytes of the two layers (fx_input). */
#define FX_CODE_L1 0x11u
#define FX_CODE_L2 0x33u

typedef struct fx_ca {
    moat_ec_private_key priv;
    moat_signer signer;
    uint8_t cert[FX_CERT];
    size_t cert_len;
} fx_ca;

typedef struct fx_device {
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    uint8_t device_id[FX_CERT];
    size_t device_id_len;
    uint8_t cdi1[FX_CERT];
    size_t cdi1_len;
    uint8_t cdi2[FX_CERT];
    size_t cdi2_len;
    uint8_t alias[FX_CERT];
    size_t alias_len;
    moat_dice_cdis cdis;               /* layer 2 */
    moat_dice_tcb_info tcb;            /* certified in the alias certificate */
    moat_ec_private_key alias_priv;
    moat_signer alias_signer;
    moat_ec_private_key cdi_priv;      /* the layer-2 CDI key (attack tests) */
    moat_signer cdi_signer;
    moat_ec_public_key device_id_pub;
    uint8_t ueid[MOAT_EAT_UEID_SIZE];
    const uint8_t *x5c[4];
    size_t x5c_lens[4];
} fx_device;

static inline moat_err fx_urandom(void *ctx, uint8_t *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got;
    (void)ctx;
    if (f == NULL) {
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    got = fread(out, 1, len, f);
    fclose(f);
    return got == len ? MOAT_OK : MOAT_ERR_CRYPTO_RNG_FAILED;
}

/* @p fixed_seed 0: a random CA key; else a fixed scalar (fuzzing, seeds). */
static inline moat_err fx_ca_make_seeded(fx_ca *ca, const char *cn, uint8_t fixed_seed)
{
    moat_x509_issue_params p;
    static const uint8_t serial[1] = {0x01};
    uint8_t d[32];
    moat_err e;

    memset(ca, 0, sizeof(*ca));
    if (fixed_seed != 0) {
        memset(d, fixed_seed, sizeof(d));
        d[0] = 0x01;
        e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), &ca->priv);
    } else {
        e = moat_ec_generate(MOAT_CURVE_P256, fx_urandom, NULL, &ca->priv);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&ca->signer, &ca->priv);
    }
    if (e != MOAT_OK) {
        return e;
    }
    memset(&p, 0, sizeof(p));
    p.serial.ptr = serial;
    p.serial.len = 1;
    p.not_before = 1500000000;
    p.not_after = 253402300799;
    p.subject.count = 2;
    p.subject.type[0] = MOAT_X509_ATTR_O;
    p.subject.value[0] = "moat EAT test manufacturer";
    p.subject.type[1] = MOAT_X509_ATTR_CN;
    p.subject.value[1] = cn;
    p.issuer = p.subject;
    p.subject_key = &ca->signer.pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = true;
    p.ext.path_len = -1;
    p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
    p.ext.ski = true;
    return moat_x509_issue(&p, &ca->signer, ca->cert, sizeof(ca->cert), &ca->cert_len);
}

static inline moat_err fx_ca_make(fx_ca *ca, const char *cn)
{
    return fx_ca_make_seeded(ca, cn, 0);
}

static inline void fx_input(moat_dice_input *in, uint8_t code)
{
    memset(in, 0, sizeof(*in));
    memset(in->code_hash, code, sizeof(in->code_hash));
    memset(in->config_value, 0x5C, sizeof(in->config_value));
    memset(in->authority_hash, 0x22, sizeof(in->authority_hash));
    in->mode = MOAT_DICE_MODE_NORMAL;
    in->profile_name = "moat.eat.test";
}

/* The firmware measurement of the fixture (fwid and token digest). */
static inline void fx_fw_digest(uint8_t d[32])
{
    memset(d, 0x33, 32);
}

/* The code hash the fixture's layer 1 certifies for layer 2 (SHA-512). */
static inline void fx_fw_code(uint8_t d[64])
{
    memset(d, FX_CODE_L2, 64);
}

static inline void fx_tcb(moat_dice_tcb_info *tcb, bool debug)
{
    memset(tcb, 0, sizeof(*tcb));
    tcb->present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_MODEL | MOAT_DICE_TCB_VERSION |
                   MOAT_DICE_TCB_SVN | MOAT_DICE_TCB_FWIDS | MOAT_DICE_TCB_FLAGS;
    strcpy(tcb->vendor, "moat");
    strcpy(tcb->model, "sensor-1");
    strcpy(tcb->version, "1.2.3");
    tcb->svn = 7;
    tcb->fwid_count = 2;
    tcb->fwids[0].alg = MOAT_HASH_SHA256;
    fx_fw_digest(tcb->fwids[0].digest);
    tcb->fwids[0].digest_len = 32;
    tcb->fwids[1].alg = MOAT_HASH_SHA512;
    fx_fw_code(tcb->fwids[1].digest);
    tcb->fwids[1].digest_len = 64;
    tcb->flags = debug ? MOAT_DICE_FLAG_DEBUG : 0u;
}

/* A device whose DeviceID certificate @p ca issues. */
static inline moat_err fx_device_make(fx_device *d, uint8_t uds_byte, const fx_ca *ca, bool debug)
{
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0;
    uint8_t serial[2] = {0x10, 0x00};
    moat_dice_input in;
    moat_dice_cdis l1;
    moat_err e;

    memset(d, 0, sizeof(*d));
    memset(d->uds, uds_byte, sizeof(d->uds));
    serial[1] = uds_byte;
    e = moat_dice_device_id_csr(d->uds, sizeof(d->uds), csr, sizeof(csr), &csr_len);
    if (e == MOAT_OK) {
        e = moat_dice_device_id_certify(csr, csr_len, ca->cert, ca->cert_len, &ca->signer,
                                        serial, sizeof(serial), 1500000000, 253402300799,
                                        d->device_id, sizeof(d->device_id), &d->device_id_len);
    }
    if (e == MOAT_OK) {
        e = moat_dice_device_id(d->uds, sizeof(d->uds), NULL, &d->device_id_pub, NULL);
    }
    if (e == MOAT_OK) {
        fx_input(&in, FX_CODE_L1);
        e = moat_dice_layer_from_uds(d->uds, sizeof(d->uds), &in, &l1, d->cdi1,
                                     sizeof(d->cdi1), &d->cdi1_len);
    }
    if (e == MOAT_OK) {
        fx_input(&in, FX_CODE_L2);
        e = moat_dice_layer(&l1, &in, &d->cdis, d->cdi2, sizeof(d->cdi2), &d->cdi2_len);
    }
    if (e == MOAT_OK) {
        fx_tcb(&d->tcb, debug);
        e = moat_dice_alias_cert(&d->cdis, &d->tcb, d->alias, sizeof(d->alias), &d->alias_len);
    }
    if (e == MOAT_OK) {
        e = moat_dice_alias_keypair(&d->cdis, &d->alias_priv, NULL);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&d->alias_signer, &d->alias_priv);
    }
    if (e == MOAT_OK) {
        e = moat_dice_keypair_from_cdi(d->cdis.attest, &d->cdi_priv, NULL);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&d->cdi_signer, &d->cdi_priv);
    }
    if (e == MOAT_OK) {
        e = moat_eat_ueid(&d->device_id_pub, d->ueid);
    }
    d->x5c[0] = d->alias;
    d->x5c_lens[0] = d->alias_len;
    d->x5c[1] = d->cdi2;
    d->x5c_lens[1] = d->cdi2_len;
    d->x5c[2] = d->cdi1;
    d->x5c_lens[2] = d->cdi1_len;
    d->x5c[3] = d->device_id;
    d->x5c_lens[3] = d->device_id_len;
    moat_wipe(&l1, sizeof(l1));
    return e;
}

/* Standard claims of the fixture firmware (strings static): m[0] "fw" with
 * @p digest (SHA-256), m[1] "fw-sha512" with the certified code hash. */
static inline void fx_claims(moat_eat_claims *c, moat_eat_measurement m[FX_MEAS],
                             const uint8_t digest[32], const fx_device *d,
                             const uint8_t *nonce, size_t nonce_len, int64_t iat)
{
    static const uint8_t hwmodel[] = "sensor-1";
    static uint8_t code[64];
    size_t i;
    fx_fw_code(code);
    memset(c, 0, sizeof(*c));
    memset(m, 0, FX_MEAS * sizeof(*m));
    for (i = 0; i < FX_MEAS; i++) {
        m[i].version = "1.2.3";
        m[i].has_svn = true;
        m[i].svn = 7;
    }
    m[0].name = "fw";
    m[0].alg = MOAT_HASH_SHA256;
    m[0].digest = digest;
    m[1].name = "fw-sha512";
    m[1].alg = MOAT_HASH_SHA512;
    m[1].digest = code;
    c->nonce = nonce;
    c->nonce_len = nonce_len;
    memcpy(c->ueid, d->ueid, sizeof(c->ueid));
    c->oemid_pen = 11129;
    c->hwmodel = hwmodel;
    c->hwmodel_len = sizeof(hwmodel) - 1u;
    c->hwversion = "rev-b";
    c->swname = "moat-fw";
    c->swversion = "1.2.3";
    c->dbgstat = d->tcb.flags != 0 ? MOAT_EAT_DBG_ENABLED : MOAT_EAT_DBG_DISABLED_SINCE_BOOT;
    c->measurement_count = FX_MEAS;
    c->measurements = m;
    c->iat = iat;
}

#endif /* MOAT_TESTS_EAT_FIXTURE_H */
