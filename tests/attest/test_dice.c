/*
 * DICE unit tests: derivation properties and bad inputs (exact codes,
 * outputs wiped), the DeviceID / CDI / alias chain validated by
 * moat_x509_verify(), DiceTcbInfo encode / strict parse, sealing, the port
 * entry points.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "moat/x509.h"
#include "dice_chain.h"

static const uint8_t zeros[4096];

static void fill_uds(uint8_t uds[MOAT_PORT_UDS_SIZE], uint8_t v)
{
    size_t i;
    for (i = 0; i < MOAT_PORT_UDS_SIZE; i++) {
        uds[i] = (uint8_t)(v + i);
    }
}

static void cdis_init(moat_dice_cdis *c, uint8_t v)
{
    memset(c->attest, v, sizeof(c->attest));
    memset(c->seal, (uint8_t)(v + 1u), sizeof(c->seal));
}

/* ------------------------------------------------------------ derivation */

static void test_derive_bad_inputs(void **state)
{
    moat_dice_cdis cur;
    moat_dice_cdis next;
    moat_dice_input in;
    uint8_t big[MOAT_DICE_DESCRIPTOR_MAX + 1u];
    char name[MOAT_DICE_PROFILE_NAME_MAX + 2u];
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    (void)state;

    memset(big, 0x42, sizeof(big));
    cdis_init(&cur, 1);
    fill_uds(uds, 9);

#define EXPECT_BAD(setup, code)                                                    \
    do {                                                                          \
        chain_input(&in, 1, 2);                                                   \
        setup;                                                                    \
        memset(&next, 0xAA, sizeof(next));                                        \
        assert_int_equal(moat_dice_derive(&cur, &in, &next), (code));             \
        assert_memory_equal(&next, zeros, sizeof(next));                          \
        memset(&next, 0xAA, sizeof(next));                                        \
        assert_int_equal(moat_dice_cdis_from_uds(uds, sizeof(uds), &in, &next), (code)); \
        assert_memory_equal(&next, zeros, sizeof(next));                          \
    } while (0)

    EXPECT_BAD(in.mode = (moat_dice_mode)4, MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD(in.mode = (moat_dice_mode)255, MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD(in.config_type = (moat_dice_config_type)2, MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD((in.code_descriptor = big, in.code_descriptor_len = sizeof(big)),
               MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD((in.authority_descriptor = big, in.authority_descriptor_len = sizeof(big)),
               MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD((in.config_type = MOAT_DICE_CONFIG_DESCRIPTOR, in.config_descriptor = big,
                in.config_descriptor_len = sizeof(big)),
               MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD((in.config_type = MOAT_DICE_CONFIG_DESCRIPTOR, in.config_descriptor = NULL,
                in.config_descriptor_len = 0),
               MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD((in.code_descriptor = NULL, in.code_descriptor_len = 3),
               MOAT_ERR_DICE_BAD_INPUT);
    memset(name, 'a', sizeof(name) - 1u);
    name[sizeof(name) - 1u] = '\0';
    EXPECT_BAD(in.profile_name = name, MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD(in.profile_name = "", MOAT_ERR_DICE_BAD_INPUT);
    EXPECT_BAD(in.profile_name = "bad\xC0\xAFutf8", MOAT_ERR_DICE_BAD_INPUT);
#undef EXPECT_BAD

    /* The largest accepted values pass, and the certificate fits
     * MOAT_DICE_CERT_MAX. */
    {
        static uint8_t cert[MOAT_DICE_CERT_MAX];
        size_t cert_len = 0;
        chain_input(&in, 1, 2);
        in.code_descriptor = big;
        in.code_descriptor_len = MOAT_DICE_DESCRIPTOR_MAX;
        in.authority_descriptor = big;
        in.authority_descriptor_len = MOAT_DICE_DESCRIPTOR_MAX;
        in.config_type = MOAT_DICE_CONFIG_DESCRIPTOR;
        in.config_descriptor = big;
        in.config_descriptor_len = MOAT_DICE_DESCRIPTOR_MAX;
        name[MOAT_DICE_PROFILE_NAME_MAX] = '\0';
        in.profile_name = name;
        in.mode = MOAT_DICE_MODE_RECOVERY;
        assert_int_equal(moat_dice_layer(&cur, &in, &next, cert, sizeof(cert), &cert_len),
                         MOAT_OK);
        assert_true(cert_len <= MOAT_DICE_CERT_MAX);
        /* Too small: exact size reported, output wiped, next wiped. */
        {
            size_t need = 0;
            memset(cert, 0xAA, sizeof(cert));
            assert_int_equal(moat_dice_cdi_tbs(&cur, &in, cert, 100, &need),
                             MOAT_ERR_BUFFER_TOO_SMALL);
            assert_true(need > 100u && need < cert_len);
            assert_memory_equal(cert, zeros, 100);
            memset(&next, 0xAA, sizeof(next));
            assert_int_equal(moat_dice_layer(&cur, &in, &next, cert, 100, &need),
                             MOAT_ERR_BUFFER_TOO_SMALL);
            assert_memory_equal(&next, zeros, sizeof(next));
        }
    }

    /* Argument errors. */
    chain_input(&in, 1, 2);
    memset(&next, 0xAA, sizeof(next));
    assert_int_equal(moat_dice_derive(NULL, &in, &next), MOAT_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&next, zeros, sizeof(next));
    assert_int_equal(moat_dice_derive(&cur, NULL, &next), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_dice_derive(&cur, &in, NULL), MOAT_ERR_INVALID_ARGUMENT);
    memset(&next, 0xAA, sizeof(next));
    assert_int_equal(moat_dice_cdis_from_uds(uds, MOAT_DICE_UDS_MIN - 1u, &in, &next),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&next, zeros, sizeof(next));
    assert_int_equal(moat_dice_cdis_from_uds(uds, MOAT_DICE_UDS_MAX + 1u, &in, &next),
                     MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_dice_device_id(uds, 31, NULL, NULL, NULL),
                     MOAT_ERR_INVALID_ARGUMENT);
}

static void test_derive_properties(void **state)
{
    moat_dice_cdis cur;
    moat_dice_cdis a;
    moat_dice_cdis b;
    moat_dice_input in;
    uint8_t uds[32];
    (void)state;

    cdis_init(&cur, 3);
    chain_input(&in, 1, 2);
    assert_int_equal(moat_dice_derive(&cur, &in, &a), MOAT_OK);

    /* In place: the previous CDIs are overwritten, the result is the same. */
    memcpy(&b, &cur, sizeof(b));
    assert_int_equal(moat_dice_derive(&b, &in, &b), MOAT_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_memory_not_equal(&b, &cur, sizeof(cur));

    /* The code input changes CDI_Attest only; the authority changes both. */
    chain_input(&in, 9, 2);
    assert_int_equal(moat_dice_derive(&cur, &in, &b), MOAT_OK);
    assert_memory_not_equal(a.attest, b.attest, 32);
    assert_memory_equal(a.seal, b.seal, 32);
    chain_input(&in, 1, 7);
    assert_int_equal(moat_dice_derive(&cur, &in, &b), MOAT_OK);
    assert_memory_not_equal(a.attest, b.attest, 32);
    assert_memory_not_equal(a.seal, b.seal, 32);
    /* The hidden input is not certified but changes both CDIs. */
    chain_input(&in, 1, 2);
    in.hidden[0] = 1;
    assert_int_equal(moat_dice_derive(&cur, &in, &b), MOAT_OK);
    assert_memory_not_equal(a.attest, b.attest, 32);
    assert_memory_not_equal(a.seal, b.seal, 32);

    /* A 32-byte UDS is the current CDI pair of open-dice's convention. */
    memset(uds, 0x77, sizeof(uds));
    memcpy(cur.attest, uds, 32);
    memcpy(cur.seal, uds, 32);
    chain_input(&in, 1, 2);
    assert_int_equal(moat_dice_derive(&cur, &in, &a), MOAT_OK);
    assert_int_equal(moat_dice_cdis_from_uds(uds, sizeof(uds), &in, &b), MOAT_OK);
    assert_memory_equal(&a, &b, sizeof(a));
}

static void test_keys_and_ids(void **state)
{
    uint8_t seed[MOAT_DICE_SEED_SIZE];
    moat_ec_private_key k1;
    moat_ec_private_key k2;
    moat_ec_public_key p1;
    moat_ec_public_key p2;
    moat_dice_cdis cdis;
    uint8_t id[MOAT_DICE_ID_SIZE];
    (void)state;

    memset(seed, 0x01, sizeof(seed));
    assert_int_equal(moat_dice_keypair_from_seed(seed, &k1, &p1), MOAT_OK);
    assert_int_equal(moat_dice_keypair_from_seed(seed, &k2, &p2), MOAT_OK);
    assert_memory_equal(&k1, &k2, sizeof(k1));
    assert_memory_equal(&p1, &p2, sizeof(p1));
    seed[0] ^= 1u;
    assert_int_equal(moat_dice_keypair_from_seed(seed, &k2, NULL), MOAT_OK);
    assert_memory_not_equal(k1.d, k2.d, 32);
    assert_int_equal(moat_dice_keypair_from_seed(NULL, &k2, &p2), MOAT_ERR_INVALID_ARGUMENT);
    assert_memory_equal(&k2, zeros, sizeof(k2));
    assert_memory_equal(&p2, zeros, sizeof(p2));

    /* The alias key is not the CDI key. */
    cdis_init(&cdis, 5);
    assert_int_equal(moat_dice_keypair_from_cdi(cdis.attest, &k1, &p1), MOAT_OK);
    assert_int_equal(moat_dice_alias_keypair(&cdis, &k2, &p2), MOAT_OK);
    assert_memory_not_equal(p1.q, p2.q, 65);

    /* IDs are 20 bytes with the top bit clear; P-384 is refused. */
    assert_int_equal(moat_dice_id(&p1, id), MOAT_OK);
    assert_int_equal(id[0] & 0x80u, 0);
    p2.curve = MOAT_CURVE_P384;
    memset(id, 0xAA, sizeof(id));
    assert_int_equal(moat_dice_id(&p2, id), MOAT_ERR_UNSUPPORTED);
    assert_memory_equal(id, zeros, sizeof(id));
    moat_wipe(&k1, sizeof(k1));
    moat_wipe(&k2, sizeof(k2));
}

/* ------------------------------------------------------------- the chain */

static void test_chain_validates(void **state)
{
    static dice_chain c;
    static moat_x509_verify_work work;
    moat_x509_store store;
    moat_x509_anchor anchor;
    moat_x509_verify_params params;
    moat_x509_verify_result result;
    moat_x509_cert alias;
    moat_x509_cert cdi1;
    moat_x509_cert dev;
    moat_dice_tcb_info tcb;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    uint8_t id[MOAT_DICE_ID_SIZE];
    moat_ec_public_key pub;
    const uint8_t *certs[4];
    size_t lens[4];
    (void)state;

    fill_uds(uds, 0x40);
    assert_int_equal(chain_build(&c, uds), MOAT_OK);
    anchor.der = c.ca;
    anchor.len = c.ca_len;
    assert_int_equal(moat_x509_store_init(&store, &anchor, 1), MOAT_OK);
    memset(&params, 0, sizeof(params));
    params.now = 1700000000;
    /* The leaf first, the rest unordered. */
    certs[0] = c.alias;
    lens[0] = c.alias_len;
    certs[1] = c.cdi1;
    lens[1] = c.cdi1_len;
    certs[2] = c.device_id;
    lens[2] = c.device_id_len;
    certs[3] = c.cdi2;
    lens[3] = c.cdi2_len;
    assert_int_equal(moat_x509_verify(&store, certs, lens, 4, &params, &work, &result),
                     MOAT_OK);
    assert_int_equal(result.path_len, 5);

    /* The alias certificate's DiceTcbInfo parses back equal. */
    assert_int_equal(moat_x509_parse(c.alias, c.alias_len, &alias), MOAT_OK);
    assert_int_equal(moat_dice_tcb_info_from_cert(&alias, &tcb), MOAT_OK);
    assert_true(moat_dice_tcb_info_equal(&tcb, &c.tcb));
    assert_false(alias.is_ca);
    assert_int_equal(alias.key_usage, MOAT_X509_KU_DIGITAL_SIGNATURE);
    /* Its key is the alias key of the layer-2 CDIs. */
    assert_int_equal(moat_dice_alias_keypair(&c.cdis, &(moat_ec_private_key){0}, &pub),
                     MOAT_OK);
    assert_memory_equal(alias.ec_key.q, pub.q, 65);
    /* A CDI certificate has no DiceTcbInfo. */
    assert_int_equal(moat_x509_parse(c.cdi1, c.cdi1_len, &cdi1), MOAT_OK);
    assert_int_equal(moat_dice_tcb_info_from_cert(&cdi1, &tcb), MOAT_ERR_NOT_FOUND);
    assert_non_null(cdi1.dice_open_attest.ptr);

    /* The DeviceID certificate certifies the UDS key, SKI = UDS_ID = the
     * AKI of the first CDI certificate. */
    assert_int_equal(moat_x509_parse(c.device_id, c.device_id_len, &dev), MOAT_OK);
    assert_int_equal(moat_dice_device_id(uds, sizeof(uds), NULL, &pub, id), MOAT_OK);
    assert_memory_equal(dev.ec_key.q, pub.q, 65);
    assert_int_equal(dev.ski.len, 20);
    assert_memory_equal(dev.ski.ptr, id, 20);
    assert_int_equal(cdi1.aki.len, 20);
    assert_memory_equal(cdi1.aki.ptr, id, 20);
    assert_int_equal(dev.subject.len, cdi1.issuer.len);
    assert_memory_equal(dev.subject.ptr, cdi1.issuer.ptr, dev.subject.len);

    /* Without the DeviceID certificate there is no path. */
    assert_int_equal(moat_x509_verify(&store, certs, lens, 2, &params, &work, &result),
                     MOAT_ERR_X509_NO_ISSUER);
    moat_wipe(&c.cdis, sizeof(c.cdis));
}

static void test_device_id_stable(void **state)
{
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    uint8_t id1[MOAT_DICE_ID_SIZE];
    uint8_t id2[MOAT_DICE_ID_SIZE];
    moat_dice_input in;
    moat_dice_cdis a;
    moat_dice_cdis b;
    static uint8_t cert[MOAT_DICE_CERT_MAX];
    size_t len = 0;
    moat_x509_cert ca;
    moat_x509_cert cb;
    static uint8_t cert2[MOAT_DICE_CERT_MAX];
    size_t len2 = 0;
    (void)state;

    /* A firmware update (new code hash) changes the CDIs and the CDI key,
     * not the DeviceID (issuer of the first CDI certificate). */
    fill_uds(uds, 1);
    assert_int_equal(moat_dice_device_id(uds, sizeof(uds), NULL, NULL, id1), MOAT_OK);
    chain_input(&in, 1, 2);
    assert_int_equal(moat_dice_layer_from_uds(uds, sizeof(uds), &in, &a, cert, sizeof(cert),
                                              &len),
                     MOAT_OK);
    chain_input(&in, 2, 2);
    assert_int_equal(moat_dice_layer_from_uds(uds, sizeof(uds), &in, &b, cert2,
                                              sizeof(cert2), &len2),
                     MOAT_OK);
    assert_memory_not_equal(a.attest, b.attest, 32);
    assert_memory_equal(a.seal, b.seal, 32);
    assert_int_equal(moat_x509_parse(cert, len, &ca), MOAT_OK);
    assert_int_equal(moat_x509_parse(cert2, len2, &cb), MOAT_OK);
    assert_memory_equal(ca.aki.ptr, id1, 20);
    assert_memory_equal(cb.aki.ptr, id1, 20);
    assert_memory_not_equal(ca.ec_key.q, cb.ec_key.q, 65);
    assert_int_equal(moat_dice_device_id(uds, sizeof(uds), NULL, NULL, id2), MOAT_OK);
    assert_memory_equal(id1, id2, sizeof(id1));
    /* Another device, another DeviceID. */
    fill_uds(uds, 2);
    assert_int_equal(moat_dice_device_id(uds, sizeof(uds), NULL, NULL, id2), MOAT_OK);
    assert_memory_not_equal(id1, id2, sizeof(id1));
}

static void test_certify_rejects(void **state)
{
    static dice_chain c;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_ec_private_key k;
    moat_signer s;
    moat_x509_name subj;
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0;
    static uint8_t out[MOAT_DICE_CERT_MAX];
    size_t out_len = 0;
    static const uint8_t serial[1] = {5};
    (void)state;

    fill_uds(uds, 0x50);
    assert_int_equal(chain_build(&c, uds), MOAT_OK);
    /* A CSR whose subject is not serialNumber=<ID of its key>. */
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, chain_urandom, NULL, &k), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&s, &k), MOAT_OK);
    memset(&subj, 0, sizeof(subj));
    subj.count = 1;
    subj.type[0] = MOAT_X509_ATTR_CN;
    subj.value[0] = "not a dice device";
    assert_int_equal(moat_x509_csr_create(&subj, NULL, &s, csr, sizeof(csr), &csr_len),
                     MOAT_OK);
    memset(out, 0xAA, sizeof(out));
    /* The CA signer must be the CA certificate's key: here it is not. */
    assert_int_equal(moat_dice_device_id_certify(csr, csr_len, c.ca, c.ca_len, &s, serial, 1,
                                                 0, 253402300799, out, sizeof(out), &out_len),
                     MOAT_ERR_X509_BAD_NAME);
    assert_memory_equal(out, zeros, sizeof(out));
    assert_int_equal(out_len, 0);
    assert_int_equal(moat_dice_device_id_csr(uds, sizeof(uds), csr, sizeof(csr), &csr_len),
                     MOAT_OK);
    assert_int_equal(moat_dice_device_id_certify(csr, csr_len, c.ca, c.ca_len, &s, serial, 1,
                                                 0, 253402300799, out, sizeof(out), &out_len),
                     MOAT_ERR_X509_KEY_MISMATCH);
    /* The "CA" is a leaf: the alias certificate. */
    assert_int_equal(moat_dice_device_id_certify(csr, csr_len, c.alias, c.alias_len, &s,
                                                 serial, 1, 0, 253402300799, out, sizeof(out),
                                                 &out_len),
                     MOAT_ERR_X509_NOT_CA);
    /* A tampered CSR fails its proof of possession. */
    csr[csr_len - 3] ^= 1u;
    assert_int_equal(moat_dice_device_id_certify(csr, csr_len, c.ca, c.ca_len, &s, serial, 1,
                                                 0, 253402300799, out, sizeof(out), &out_len),
                     MOAT_ERR_X509_CSR_SIGNATURE);
    moat_wipe(&k, sizeof(k));
}

/* ------------------------------------------------------------ DiceTcbInfo */

static void test_tcb_info_roundtrip(void **state)
{
    moat_dice_tcb_info a;
    moat_dice_tcb_info b;
    uint8_t der[MOAT_DICE_TCB_DER_MAX];
    size_t len = 0;
    size_t need = 0;
    (void)state;

    chain_tcb(&a, 0x33);
    a.present |= MOAT_DICE_TCB_INDEX | MOAT_DICE_TCB_VENDOR_INFO | MOAT_DICE_TCB_TYPE;
    a.svn = 0x80; /* needs a leading zero octet */
    a.index = UINT64_MAX;
    a.flags = MOAT_DICE_FLAG_DEBUG | MOAT_DICE_FLAG_NOT_SECURE;
    a.fwid_count = 2;
    a.fwids[1].alg = MOAT_HASH_SHA512;
    memset(a.fwids[1].digest, 0x66, 64);
    a.fwids[1].digest_len = 64;
    memcpy(a.vendor_info, "\x01\x02", 2);
    a.vendor_info_len = 2;
    a.type_len = 0;
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len), MOAT_OK);
    assert_int_equal(moat_dice_tcb_info_parse(der, len, &b), MOAT_OK);
    assert_true(moat_dice_tcb_info_equal(&a, &b));
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, 10, &need), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(need, len);

    /* Exact encodings: vendor [0] IMPLICIT, svn [3] IMPLICIT INTEGER 0x80 as
     * 00 80, flags {notSecure, debug} as 87 02 04 50. */
    {
        moat_dice_tcb_info t;
        static const uint8_t expect[] = {0x30, 0x0D, 0x80, 0x01, 'v', 0x83, 0x02, 0x00,
                                         0x80, 0x87, 0x02, 0x04, 0x50, 0x89, 0x00};
        memset(&t, 0, sizeof(t));
        t.present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_SVN | MOAT_DICE_TCB_FLAGS |
                    MOAT_DICE_TCB_TYPE;
        strcpy(t.vendor, "v");
        t.svn = 0x80;
        t.flags = MOAT_DICE_FLAG_DEBUG | MOAT_DICE_FLAG_NOT_SECURE;
        assert_int_equal(moat_dice_tcb_info_encode(&t, der, sizeof(der), &len), MOAT_OK);
        assert_int_equal(len, sizeof(expect));
        assert_memory_equal(der, expect, sizeof(expect));
    }

    /* Encoder refuses bad values. */
    chain_tcb(&a, 1);
    a.fwid_count = 0;
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len),
                     MOAT_ERR_DICE_TCB_INFO);
    chain_tcb(&a, 1);
    a.fwids[0].digest_len = 31;
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len),
                     MOAT_ERR_DICE_TCB_INFO);
    chain_tcb(&a, 1);
    a.present |= 1u << 12;
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len),
                     MOAT_ERR_DICE_TCB_INFO);
    chain_tcb(&a, 1);
    memcpy(a.model, "\xFF", 2);
    assert_int_equal(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len),
                     MOAT_ERR_DICE_TCB_INFO);
    /* The alias certificate refuses it too, output wiped. */
    {
        moat_dice_cdis cdis;
        static uint8_t cert[MOAT_DICE_CERT_MAX];
        size_t cl = 7;
        cdis_init(&cdis, 1);
        memset(cert, 0xAA, sizeof(cert));
        assert_int_equal(moat_dice_alias_cert(&cdis, &a, cert, sizeof(cert), &cl),
                         MOAT_ERR_DICE_TCB_INFO);
        assert_memory_equal(cert, zeros, sizeof(cert));
        assert_int_equal(cl, 0);
    }
}

static void expect_tcb_reject(const uint8_t *der, size_t len)
{
    moat_dice_tcb_info t;
    memset(&t, 0xAA, sizeof(t));
    assert_int_equal(moat_dice_tcb_info_parse(der, len, &t), MOAT_ERR_DICE_TCB_INFO);
    assert_memory_equal(&t, zeros, sizeof(t));
}

static void test_tcb_info_strict(void **state)
{
    (void)state;
    /* Each is rejected with MOAT_ERR_DICE_TCB_INFO and a wiped output. */
    static const uint8_t out_of_order[] = {0x30, 0x06, 0x81, 0x01, 'm', 0x80, 0x01, 'v'};
    static const uint8_t duplicate[] = {0x30, 0x06, 0x80, 0x01, 'a', 0x80, 0x01, 'b'};
    static const uint8_t unknown_10[] = {0x30, 0x03, 0x8A, 0x01, 0x00};
    static const uint8_t constructed_0[] = {0x30, 0x05, 0xA0, 0x03, 0x0C, 0x01, 'v'};
    static const uint8_t explicit_svn[] = {0x30, 0x05, 0xA3, 0x03, 0x02, 0x01, 0x01};
    static const uint8_t nonminimal_svn[] = {0x30, 0x04, 0x83, 0x02, 0x00, 0x01};
    static const uint8_t negative_svn[] = {0x30, 0x03, 0x83, 0x01, 0xFF};
    static const uint8_t empty_svn[] = {0x30, 0x02, 0x83, 0x00};
    static const uint8_t big_svn[] = {0x30, 0x0B, 0x83, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t empty_fwids[] = {0x30, 0x02, 0xA6, 0x00};
    static const uint8_t bad_hash_oid[] = {0x30, 0x11, 0xA6, 0x0F, 0x30, 0x0D, 0x06, 0x09,
                                           0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                           0x04, 0x04, 0x00};
    static const uint8_t short_digest[] = {0x30, 0x12, 0xA6, 0x10, 0x30, 0x0E, 0x06, 0x09,
                                           0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                           0x01, 0x04, 0x01, 0x00};
    static const uint8_t flags_unused_set[] = {0x30, 0x04, 0x87, 0x02, 0x04, 0x11};
    static const uint8_t flags_too_long[] = {0x30, 0x08, 0x87, 0x06, 0, 1, 2, 3, 4, 5};
    static const uint8_t flags_empty_unused[] = {0x30, 0x03, 0x87, 0x01, 0x03};
    static const uint8_t nul_in_string[] = {0x30, 0x04, 0x80, 0x02, 'a', 0x00};
    static const uint8_t bad_utf8[] = {0x30, 0x04, 0x80, 0x02, 0xC0, 0xAF};
    static const uint8_t trailing[] = {0x30, 0x03, 0x80, 0x01, 'v', 0x00};
    static const uint8_t nonminimal_len[] = {0x30, 0x81, 0x03, 0x80, 0x01, 'v'};
    static const uint8_t not_sequence[] = {0x31, 0x03, 0x80, 0x01, 'v'};
    static const uint8_t truncated[] = {0x30, 0x05, 0x80, 0x01, 'v'};
    moat_dice_tcb_info t;
    static const uint8_t ok_empty[] = {0x30, 0x00};

    expect_tcb_reject(out_of_order, sizeof(out_of_order));
    expect_tcb_reject(duplicate, sizeof(duplicate));
    expect_tcb_reject(unknown_10, sizeof(unknown_10));
    expect_tcb_reject(constructed_0, sizeof(constructed_0));
    expect_tcb_reject(explicit_svn, sizeof(explicit_svn));
    expect_tcb_reject(nonminimal_svn, sizeof(nonminimal_svn));
    expect_tcb_reject(negative_svn, sizeof(negative_svn));
    expect_tcb_reject(empty_svn, sizeof(empty_svn));
    expect_tcb_reject(big_svn, sizeof(big_svn));
    expect_tcb_reject(empty_fwids, sizeof(empty_fwids));
    expect_tcb_reject(bad_hash_oid, sizeof(bad_hash_oid));
    expect_tcb_reject(short_digest, sizeof(short_digest));
    expect_tcb_reject(flags_unused_set, sizeof(flags_unused_set));
    expect_tcb_reject(flags_too_long, sizeof(flags_too_long));
    expect_tcb_reject(flags_empty_unused, sizeof(flags_empty_unused));
    expect_tcb_reject(nul_in_string, sizeof(nul_in_string));
    expect_tcb_reject(bad_utf8, sizeof(bad_utf8));
    expect_tcb_reject(trailing, sizeof(trailing));
    expect_tcb_reject(nonminimal_len, sizeof(nonminimal_len));
    expect_tcb_reject(not_sequence, sizeof(not_sequence));
    expect_tcb_reject(truncated, sizeof(truncated));
    expect_tcb_reject(ok_empty, 0);

    assert_int_equal(moat_dice_tcb_info_parse(ok_empty, sizeof(ok_empty), &t), MOAT_OK);
    assert_int_equal(t.present, 0);
    assert_int_equal(moat_dice_tcb_info_parse(zeros, MOAT_DICE_TCB_DER_MAX + 1u, &t),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(moat_dice_tcb_info_parse(NULL, 2, &t), MOAT_ERR_INVALID_ARGUMENT);
}

/* --------------------------------------------------------------- sealing */

static unsigned rng_calls;
static moat_err rng_fail(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    rng_calls++;
    memset(out, 0, len);
    return MOAT_ERR_PORT_ENTROPY;
}

static void test_seal(void **state)
{
    moat_dice_cdis root;
    moat_dice_cdis fw1;
    moat_dice_cdis fw2;
    moat_dice_cdis other;
    moat_dice_input in;
    static const uint8_t secret[] = "wifi password: hunter2";
    static const uint8_t label[] = "wifi";
    uint8_t blob[sizeof(secret) + MOAT_DICE_SEAL_OVERHEAD];
    uint8_t blob2[sizeof(blob)];
    uint8_t out[sizeof(secret)];
    size_t blob_len = 0;
    size_t blob2_len = 0;
    size_t out_len = 0;
    (void)state;

    cdis_init(&root, 0x10);
    chain_input(&in, 0x01, 0xA1);
    assert_int_equal(moat_dice_derive(&root, &in, &fw1), MOAT_OK);
    /* Firmware update signed by the same authority: only code changes. */
    chain_input(&in, 0x02, 0xA1);
    assert_int_equal(moat_dice_derive(&root, &in, &fw2), MOAT_OK);
    /* Firmware of another authority. */
    chain_input(&in, 0x01, 0xB2);
    assert_int_equal(moat_dice_derive(&root, &in, &other), MOAT_OK);

    assert_int_equal(moat_dice_seal(&fw1, label, 4, secret, sizeof(secret), chain_urandom,
                                    NULL, blob, sizeof(blob), &blob_len),
                     MOAT_OK);
    assert_int_equal(blob_len, sizeof(secret) + MOAT_DICE_SEAL_OVERHEAD);
    assert_int_equal(blob[0], MOAT_DICE_SEAL_VERSION);
    /* Fresh nonce each time. */
    assert_int_equal(moat_dice_seal(&fw1, label, 4, secret, sizeof(secret), chain_urandom,
                                    NULL, blob2, sizeof(blob2), &blob2_len),
                     MOAT_OK);
    assert_memory_not_equal(blob, blob2, blob_len);

    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_OK);
    assert_int_equal(out_len, sizeof(secret));
    assert_memory_equal(out, secret, sizeof(secret));
    /* Same authority, new code: same CDI_Seal, unseals. */
    memset(out, 0, sizeof(out));
    assert_int_equal(moat_dice_unseal(&fw2, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_OK);
    assert_memory_equal(out, secret, sizeof(secret));
    /* Another authority: cannot unseal; output wiped. */
    memset(out, 0xAA, sizeof(out));
    out_len = 9;
    assert_int_equal(moat_dice_unseal(&other, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_ERR_DICE_SEAL_AUTH);
    assert_memory_equal(out, zeros, sizeof(out));
    assert_int_equal(out_len, 0);
    /* Another label. */
    assert_int_equal(moat_dice_unseal(&fw1, (const uint8_t *)"wifx", 4, blob, blob_len, out,
                                      sizeof(out), &out_len),
                     MOAT_ERR_DICE_SEAL_AUTH);
    /* Tampered ciphertext, nonce, tag. */
    blob[20] ^= 1u;
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_ERR_DICE_SEAL_AUTH);
    blob[20] ^= 1u;
    blob[1] ^= 1u;
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_ERR_DICE_SEAL_AUTH);
    blob[1] ^= 1u;
    blob[blob_len - 1u] ^= 1u;
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_ERR_DICE_SEAL_AUTH);
    blob[blob_len - 1u] ^= 1u;
    /* Format errors. */
    blob[0] = 2;
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_ERR_DICE_SEAL_FORMAT);
    blob[0] = MOAT_DICE_SEAL_VERSION;
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, MOAT_DICE_SEAL_OVERHEAD - 1u, out,
                                      sizeof(out), &out_len),
                     MOAT_ERR_DICE_SEAL_FORMAT);
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, 3, &out_len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(out_len, sizeof(secret));
    assert_int_equal(moat_dice_unseal(&fw1, label, 4, blob, blob_len, out, sizeof(out),
                                      &out_len),
                     MOAT_OK);
    /* Sealing errors. */
    rng_calls = 0;
    memset(blob2, 0xAA, sizeof(blob2));
    assert_int_equal(moat_dice_seal(&fw1, label, 4, secret, sizeof(secret), rng_fail, NULL,
                                    blob2, sizeof(blob2), &blob2_len),
                     MOAT_ERR_CRYPTO_RNG_FAILED);
    assert_int_equal(rng_calls, 1);
    assert_memory_equal(blob2, zeros, sizeof(blob2));
    assert_int_equal(blob2_len, 0);
    assert_int_equal(moat_dice_seal(&fw1, label, 4, secret, sizeof(secret), chain_urandom,
                                    NULL, blob2, sizeof(blob2) - 1u, &blob2_len),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(blob2_len, sizeof(blob2));
    assert_int_equal(moat_dice_seal(&fw1, zeros, MOAT_DICE_SEAL_LABEL_MAX + 1u, secret,
                                    sizeof(secret), chain_urandom, NULL, blob2, sizeof(blob2),
                                    &blob2_len),
                     MOAT_ERR_INPUT_TOO_LARGE);
    /* Empty plaintext round trip. */
    assert_int_equal(moat_dice_seal(&fw1, NULL, 0, NULL, 0, chain_urandom, NULL, blob2,
                                    sizeof(blob2), &blob2_len),
                     MOAT_OK);
    assert_int_equal(blob2_len, MOAT_DICE_SEAL_OVERHEAD);
    assert_int_equal(moat_dice_unseal(&fw2, NULL, 0, blob2, blob2_len, NULL, 0, &out_len),
                     MOAT_OK);
    assert_int_equal(out_len, 0);
}

/* ------------------------------------------------------------------ port */

typedef struct fake_port {
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    unsigned calls;
} fake_port;

static moat_err fake_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    return chain_urandom(NULL, out, len);
}

static moat_err fake_secret(void *ctx, uint8_t *uds, size_t len)
{
    fake_port *p = ctx;
    p->calls++;
    memcpy(uds, p->uds, len);
    return MOAT_OK;
}

static void test_port_entry_points(void **state)
{
    static const moat_port_ops ops = {.abi_version = MOAT_PORT_ABI_VERSION,
                                      .entropy = fake_entropy,
                                      .device_secret = fake_secret};
    static const moat_port_ops no_secret = {.abi_version = MOAT_PORT_ABI_VERSION,
                                            .entropy = fake_entropy};
    fake_port fp;
    moat_port port = {&ops, &fp};
    moat_port bare = {&no_secret, &fp};
    moat_dice_input in;
    moat_dice_cdis a;
    moat_dice_cdis b;
    static uint8_t c1[MOAT_DICE_CERT_MAX];
    static uint8_t c2[MOAT_DICE_CERT_MAX];
    size_t l1 = 0;
    size_t l2 = 0;
    moat_ec_public_key pub1;
    moat_ec_public_key pub2;
    uint8_t id1[MOAT_DICE_ID_SIZE];
    uint8_t id2[MOAT_DICE_ID_SIZE];
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0;
    moat_x509_csr req;
    (void)state;

    memset(&fp, 0, sizeof(fp));
    fill_uds(fp.uds, 0x70);
    chain_input(&in, 4, 5);
    assert_int_equal(moat_dice_layer_from_port(&port, &in, &a, c1, sizeof(c1), &l1), MOAT_OK);
    assert_int_equal(moat_dice_layer_from_uds(fp.uds, sizeof(fp.uds), &in, &b, c2, sizeof(c2),
                                              &l2),
                     MOAT_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(l1, l2);
    /* Same TBS (the signature is deterministic too, RFC 6979). */
    assert_memory_equal(c1, c2, l1);
    assert_int_equal(moat_dice_device_id_from_port(&port, &pub1, id1), MOAT_OK);
    assert_int_equal(moat_dice_device_id(fp.uds, sizeof(fp.uds), NULL, &pub2, id2), MOAT_OK);
    assert_memory_equal(&pub1, &pub2, sizeof(pub1));
    assert_memory_equal(id1, id2, sizeof(id1));
    assert_int_equal(moat_dice_device_id_csr_from_port(&port, csr, sizeof(csr), &csr_len),
                     MOAT_OK);
    assert_int_equal(moat_x509_csr_parse(csr, csr_len, &req), MOAT_OK);
    assert_memory_equal(req.key.q, pub1.q, 65);

    /* A port that never exposes its UDS. */
    memset(&a, 0xAA, sizeof(a));
    memset(c1, 0xAA, sizeof(c1));
    assert_int_equal(moat_dice_layer_from_port(&bare, &in, &a, c1, sizeof(c1), &l1),
                     MOAT_ERR_PORT_NO_SECRET);
    assert_memory_equal(&a, zeros, sizeof(a));
    assert_memory_equal(c1, zeros, sizeof(c1));
    assert_int_equal(l1, 0);
    memset(id1, 0xAA, sizeof(id1));
    assert_int_equal(moat_dice_device_id_from_port(&bare, &pub1, id1), MOAT_ERR_PORT_NO_SECRET);
    assert_memory_equal(id1, zeros, sizeof(id1));
    assert_int_equal(moat_dice_device_id_csr_from_port(&bare, csr, sizeof(csr), &csr_len),
                     MOAT_ERR_PORT_NO_SECRET);
    assert_int_equal(csr_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive_bad_inputs),
        cmocka_unit_test(test_derive_properties),
        cmocka_unit_test(test_keys_and_ids),
        cmocka_unit_test(test_chain_validates),
        cmocka_unit_test(test_device_id_stable),
        cmocka_unit_test(test_certify_rejects),
        cmocka_unit_test(test_tcb_info_roundtrip),
        cmocka_unit_test(test_tcb_info_strict),
        cmocka_unit_test(test_seal),
        cmocka_unit_test(test_port_entry_points),
    };
    return cmocka_run_group_tests_name("dice", tests, NULL, NULL);
}
