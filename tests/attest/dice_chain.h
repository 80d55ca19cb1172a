/*
 * Test helper shared by test_dice.c and dice_cli.c: builds a complete DICE
 * chain at run time (nothing is committed):
 *   manufacturer CA (fresh random P-256 key, self-signed)
 *   -> DeviceID certificate (from the device's CSR, moat_dice_device_id_certify)
 *   -> CDI certificate of layer 1 (issued by the DeviceID key, from the UDS)
 *   -> CDI certificate of layer 2 (issued by the layer-1 CDI key)
 *   -> alias certificate (issued by the layer-2 CDI key, DiceTcbInfo).
 * Test-only code.
 */
#ifndef MOAT_TESTS_DICE_CHAIN_H
#define MOAT_TESTS_DICE_CHAIN_H

#include <stdio.h>
#include <string.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "moat/x509.h"

#define CHAIN_CERT_MAX MOAT_DICE_CERT_MAX

typedef struct dice_chain {
    uint8_t ca[CHAIN_CERT_MAX];
    size_t ca_len;
    uint8_t device_id[CHAIN_CERT_MAX];
    size_t device_id_len;
    uint8_t cdi1[CHAIN_CERT_MAX];
    size_t cdi1_len;
    uint8_t cdi2[CHAIN_CERT_MAX];
    size_t cdi2_len;
    uint8_t alias[CHAIN_CERT_MAX];
    size_t alias_len;
    moat_dice_cdis cdis;      /* the CDIs of layer 2 (the alias issuer) */
    moat_dice_tcb_info tcb;   /* what the alias certificate carries */
} dice_chain;

static moat_err chain_urandom(void *ctx, uint8_t *out, size_t len)
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

/* Input values of a layer, parameterized by one byte. */
static void chain_input(moat_dice_input *in, uint8_t code, uint8_t authority)
{
    memset(in, 0, sizeof(*in));
    memset(in->code_hash, code, sizeof(in->code_hash));
    memset(in->config_value, 0x5C, sizeof(in->config_value));
    memset(in->authority_hash, authority, sizeof(in->authority_hash));
    in->mode = MOAT_DICE_MODE_NORMAL;
    in->profile_name = "moat.dice.test";
}

static void chain_tcb(moat_dice_tcb_info *tcb, uint8_t fw)
{
    memset(tcb, 0, sizeof(*tcb));
    tcb->present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_MODEL | MOAT_DICE_TCB_VERSION |
                   MOAT_DICE_TCB_SVN | MOAT_DICE_TCB_LAYER | MOAT_DICE_TCB_FWIDS |
                   MOAT_DICE_TCB_FLAGS;
    strcpy(tcb->vendor, "moat");
    strcpy(tcb->model, "sensor-1");
    strcpy(tcb->version, "1.2.3");
    tcb->svn = 7;
    tcb->layer = 2;
    tcb->fwid_count = 1;
    tcb->fwids[0].alg = MOAT_HASH_SHA256;
    memset(tcb->fwids[0].digest, fw, 32);
    tcb->fwids[0].digest_len = 32;
    tcb->flags = 0;
}

/* Build the whole chain from @p uds; the CA key is fresh and random. */
static moat_err chain_build(dice_chain *c, const uint8_t uds[MOAT_PORT_UDS_SIZE])
{
    moat_ec_private_key ca_priv;
    moat_signer ca_signer;
    moat_x509_issue_params p;
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0;
    moat_dice_input in;
    moat_dice_cdis l1;
    static const uint8_t serial[2] = {0x10, 0x01};
    moat_err err;

    memset(c, 0, sizeof(*c));
    err = moat_ec_generate(MOAT_CURVE_P256, chain_urandom, NULL, &ca_priv);
    if (err == MOAT_OK) {
        err = moat_signer_from_private(&ca_signer, &ca_priv);
    }
    if (err == MOAT_OK) {
        memset(&p, 0, sizeof(p));
        p.serial.ptr = serial;
        p.serial.len = 1;
        p.not_before = 1500000000;
        p.not_after = 253402300799;
        p.subject.count = 2;
        p.subject.type[0] = MOAT_X509_ATTR_O;
        p.subject.value[0] = "moat test manufacturer";
        p.subject.type[1] = MOAT_X509_ATTR_CN;
        p.subject.value[1] = "moat DICE test CA";
        p.issuer = p.subject;
        p.subject_key = &ca_signer.pub;
        p.ext.basic_constraints = true;
        p.ext.is_ca = true;
        p.ext.path_len = -1;
        p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
        p.ext.ski = true;
        err = moat_x509_issue(&p, &ca_signer, c->ca, sizeof(c->ca), &c->ca_len);
    }
    if (err == MOAT_OK) {
        err = moat_dice_device_id_csr(uds, MOAT_PORT_UDS_SIZE, csr, sizeof(csr), &csr_len);
    }
    if (err == MOAT_OK) {
        err = moat_dice_device_id_certify(csr, csr_len, c->ca, c->ca_len, &ca_signer, serial,
                                          sizeof(serial), 1500000000, 253402300799,
                                          c->device_id, sizeof(c->device_id),
                                          &c->device_id_len);
    }
    if (err == MOAT_OK) {
        chain_input(&in, 0x11, 0x22);
        err = moat_dice_layer_from_uds(uds, MOAT_PORT_UDS_SIZE, &in, &l1, c->cdi1,
                                       sizeof(c->cdi1), &c->cdi1_len);
    }
    if (err == MOAT_OK) {
        chain_input(&in, 0x33, 0x22);
        err = moat_dice_layer(&l1, &in, &c->cdis, c->cdi2, sizeof(c->cdi2), &c->cdi2_len);
    }
    if (err == MOAT_OK) {
        chain_tcb(&c->tcb, 0x33);
        err = moat_dice_alias_cert(&c->cdis, &c->tcb, c->alias, sizeof(c->alias),
                                   &c->alias_len);
    }
    moat_wipe(&ca_priv, sizeof(ca_priv));
    moat_wipe(&l1, sizeof(l1));
    return err;
}

#endif /* MOAT_TESTS_DICE_CHAIN_H */
