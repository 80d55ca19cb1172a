/*
 * DICE certificates: CDI certificates exactly as the Open Profile for DICE
 * "X.509 CDI Certificates" section describes them (reproducing open-dice's
 * P-256 X.509 known values byte for byte in the TBSCertificate), layer
 * transitions, the DeviceID (UDS) CSR and certificate ("X.509 UDS
 * Certificates", provisioning scheme 2), and the moat alias certificate
 * with the TCG DiceTcbInfo extension.
 *
 * Every certificate goes through the shared X.509 writer (moat_x509_issue /
 * moat_x509_tbs_build) with raw Names and raw extensions: no second DER
 * certificate writer here. Private keys, CDIs and seeds are wiped on every
 * path.
 */
#include <string.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "moat/x509.h"
#include "core/der.h"
#include "dice_internal.h"

/* Largest OpenDiceInput: [0] 68 + [1] 520 + [2] 68 + [3] 520 + [4] 68 +
 * [5] 520 + [6] 5 + [7] 68 bytes, plus the SEQUENCE header (4). */
#define OPEN_DICE_EXT_MAX 1848u
/* AKI value: SEQUENCE { [0] IMPLICIT OCTET STRING (20) }. */
#define AKI_VALUE_SIZE (4u + MOAT_DICE_ID_SIZE)
/* SKI value: OCTET STRING (20). */
#define SKI_VALUE_SIZE (2u + MOAT_DICE_ID_SIZE)
/* Extensions of a DICE certificate: AKI, SKI, keyUsage, basicConstraints,
 * and the DICE extension (OpenDiceInput or DiceTcbInfo). */
#define DICE_EXT_COUNT 5u
/* The Name SEQUENCE { SET { SEQUENCE { OID 2.5.4.5, PrintableString(40) } } }. */
#define ID_NAME_SIZE 53u

/* keyUsage keyCertSign only: BIT STRING, 2 unused bits, 0x04 (RFC 5280
 * 4.2.1.3, DER named bit list). */
static const uint8_t ku_cert_sign[4] = {0x03, 0x02, 0x02, 0x04};
/* keyUsage digitalSignature only. */
static const uint8_t ku_digital_signature[4] = {0x03, 0x02, 0x07, 0x80};
/* basicConstraints { cA TRUE } and { } (cA DEFAULT FALSE). */
static const uint8_t bc_ca[5] = {0x30, 0x03, 0x01, 0x01, 0xFF};
static const uint8_t bc_leaf[2] = {0x30, 0x00};
/* serialNumber attribute type 2.5.4.5. */
static const uint8_t oid_serial_number[3] = {0x55, 0x04, 0x05};
/* ENUMERATED tag. */
#define TAG_ENUMERATED 0x0Au

static bool out_args_ok(const uint8_t *out, size_t out_cap, const size_t *out_len)
{
    return out_len != NULL && !(out == NULL && out_cap != 0u);
}

static void fail_out(uint8_t *out, size_t out_cap, size_t *out_len, moat_err err)
{
    if (out != NULL && err != MOAT_ERR_BUFFER_TOO_SMALL) {
        moat_wipe(out, out_cap);
    }
    if (out_len != NULL && err != MOAT_ERR_BUFFER_TOO_SMALL) {
        *out_len = 0;
    }
}

/* Explicitly tagged OCTET STRING field [n] (OpenDiceInput). */
static void put_explicit_octets(moat_der_writer *w, unsigned n, const uint8_t *v, size_t len)
{
    size_t m = moat_der_mark(w);
    moat_der_put_tlv(w, MOAT_DER_TAG_OCTET_STRING, v, len);
    moat_der_put_constructed(w, MOAT_DER_TAG_CTX_CONS(n), m);
}

/*
 * OpenDiceInput ::= SEQUENCE { codeHash [0], codeDescriptor [1],
 * configurationHash [2], configurationDescriptor [3], authorityHash [4],
 * authorityDescriptor [5], mode [6] ENUMERATED, profileName [7] UTF8String }
 * all EXPLICIT and OPTIONAL ("Custom Extension Format"); written as the
 * profile's semantics require: codeHash, configurationDescriptor,
 * authorityHash and mode always; configurationHash only for a descriptor
 * configuration (then the descriptor is in [3]); an inline configuration
 * goes in [3] with no [2].
 */
static moat_err open_dice_ext(const moat_dice_input *in, uint8_t *buf, size_t cap, size_t *len)
{
    moat_der_writer w;
    size_t top;
    size_t m;
    uint8_t mode = (uint8_t)in->mode;
    uint8_t config_hash[MOAT_DICE_HASH_SIZE];
    moat_err err;

    moat_der_writer_init(&w, buf, cap);
    top = moat_der_mark(&w);
    if (in->profile_name != NULL) {
        m = moat_der_mark(&w);
        moat_der_put_tlv(&w, MOAT_DER_TAG_UTF8_STRING, (const uint8_t *)in->profile_name,
                         strlen(in->profile_name));
        moat_der_put_constructed(&w, MOAT_DER_TAG_CTX_CONS(7), m);
    }
    m = moat_der_mark(&w);
    moat_der_put_tlv(&w, TAG_ENUMERATED, &mode, 1u);
    moat_der_put_constructed(&w, MOAT_DER_TAG_CTX_CONS(6), m);
    if (in->authority_descriptor_len > 0u) {
        put_explicit_octets(&w, 5u, in->authority_descriptor, in->authority_descriptor_len);
    }
    put_explicit_octets(&w, 4u, in->authority_hash, MOAT_DICE_HASH_SIZE);
    if (in->config_type == MOAT_DICE_CONFIG_DESCRIPTOR) {
        err = moat_hash(MOAT_HASH_SHA512, in->config_descriptor, in->config_descriptor_len,
                        config_hash);
        if (err != MOAT_OK) {
            return MOAT_ERR_INTERNAL;
        }
        put_explicit_octets(&w, 3u, in->config_descriptor, in->config_descriptor_len);
        put_explicit_octets(&w, 2u, config_hash, sizeof(config_hash));
    } else {
        put_explicit_octets(&w, 3u, in->config_value, MOAT_DICE_INLINE_CONFIG_SIZE);
    }
    if (in->code_descriptor_len > 0u) {
        put_explicit_octets(&w, 1u, in->code_descriptor, in->code_descriptor_len);
    }
    put_explicit_octets(&w, 0u, in->code_hash, MOAT_DICE_HASH_SIZE);
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, top);
    err = moat_der_writer_finish(&w, len);
    return err == MOAT_OK ? MOAT_OK : MOAT_ERR_INTERNAL;
}

/*
 * The common shape of every DICE-derived certificate: serial = subject ID,
 * issuer / subject = serialNumber=<hex ID>, the fixed validity, extensions
 * AKI (issuer ID), SKI (subject ID), keyUsage, basicConstraints (both
 * critical) and the given DICE extension. Signs with @p issuer_priv when it
 * is not NULL, else writes the TBSCertificate only.
 */
static moat_err dice_cert(const moat_ec_private_key *issuer_priv,
                          const moat_ec_public_key *issuer_pub,
                          const moat_ec_public_key *subject_pub, bool ca,
                          const moat_x509_raw_ext *dice_ext, uint8_t *out, size_t out_cap,
                          size_t *out_len)
{
    uint8_t issuer_id[MOAT_DICE_ID_SIZE];
    uint8_t subject_id[MOAT_DICE_ID_SIZE];
    char issuer_hex[MOAT_DICEI_ID_HEX_SIZE];
    char subject_hex[MOAT_DICEI_ID_HEX_SIZE];
    uint8_t aki[AKI_VALUE_SIZE];
    uint8_t ski[SKI_VALUE_SIZE];
    moat_x509_raw_ext ext[DICE_EXT_COUNT];
    moat_x509_issue_params p;
    moat_signer signer;
    moat_err err;

    err = moat_dice_id(issuer_pub, issuer_id);
    if (err == MOAT_OK) {
        err = moat_dice_id(subject_pub, subject_id);
    }
    if (err != MOAT_OK) {
        return err;
    }
    moat_dicei_id_hex(issuer_id, issuer_hex);
    moat_dicei_id_hex(subject_id, subject_hex);

    aki[0] = 0x30u;
    aki[1] = (uint8_t)(2u + MOAT_DICE_ID_SIZE);
    aki[2] = MOAT_DER_TAG_CTX_PRIM(0);
    aki[3] = (uint8_t)MOAT_DICE_ID_SIZE;
    memcpy(&aki[4], issuer_id, MOAT_DICE_ID_SIZE);
    ski[0] = MOAT_DER_TAG_OCTET_STRING;
    ski[1] = (uint8_t)MOAT_DICE_ID_SIZE;
    memcpy(&ski[2], subject_id, MOAT_DICE_ID_SIZE);

    memset(ext, 0, sizeof(ext));
    ext[0].oid.ptr = moat_dicei_oid_aki;
    ext[0].oid.len = sizeof(moat_dicei_oid_aki);
    ext[0].value.ptr = aki;
    ext[0].value.len = sizeof(aki);
    ext[1].oid.ptr = moat_dicei_oid_ski;
    ext[1].oid.len = sizeof(moat_dicei_oid_ski);
    ext[1].value.ptr = ski;
    ext[1].value.len = sizeof(ski);
    ext[2].oid.ptr = moat_dicei_oid_ku;
    ext[2].oid.len = sizeof(moat_dicei_oid_ku);
    ext[2].critical = true;
    ext[2].value.ptr = ca ? ku_cert_sign : ku_digital_signature;
    ext[2].value.len = sizeof(ku_cert_sign);
    ext[3].oid.ptr = moat_dicei_oid_bc;
    ext[3].oid.len = sizeof(moat_dicei_oid_bc);
    ext[3].critical = true;
    ext[3].value.ptr = ca ? bc_ca : bc_leaf;
    ext[3].value.len = ca ? sizeof(bc_ca) : sizeof(bc_leaf);
    ext[4] = *dice_ext;

    memset(&p, 0, sizeof(p));
    p.serial.ptr = subject_id;
    p.serial.len = sizeof(subject_id);
    p.not_before = MOAT_DICEI_NOT_BEFORE;
    p.not_after = MOAT_DICEI_NOT_AFTER;
    p.subject.count = 1u;
    p.subject.type[0] = MOAT_X509_ATTR_SERIAL_NUMBER;
    p.subject.value[0] = subject_hex;
    p.issuer.count = 1u;
    p.issuer.type[0] = MOAT_X509_ATTR_SERIAL_NUMBER;
    p.issuer.value[0] = issuer_hex;
    p.subject_key = subject_pub;
    p.ext.path_len = -1;
    p.ext.raw_count = DICE_EXT_COUNT;
    p.ext.raw = ext;

    if (issuer_priv == NULL) {
        return moat_x509_tbs_build(&p, issuer_pub->curve, out, out_cap, out_len);
    }
    err = moat_signer_from_private(&signer, issuer_priv);
    if (err == MOAT_OK) {
        err = moat_x509_issue(&p, &signer, out, out_cap, out_len);
    }
    moat_wipe(&signer, sizeof(signer));
    return err;
}

/*
 * A CDI certificate (or its TBS when !sign) whose issuer key pair is
 * ASYM_KDF(issuer_secret) (a CDI_Attest or the UDS) and whose subject key
 * pair is ASYM_KDF(subject_cdi).
 */
static moat_err cdi_cert(const uint8_t *issuer_secret, size_t issuer_len,
                         const uint8_t subject_cdi[MOAT_DICE_CDI_SIZE],
                         const moat_dice_input *in, bool sign, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    moat_ec_private_key issuer_priv;
    moat_ec_public_key issuer_pub;
    moat_ec_private_key subject_priv;
    moat_ec_public_key subject_pub;
    uint8_t ext_der[OPEN_DICE_EXT_MAX];
    size_t ext_len = 0;
    moat_x509_raw_ext ext;
    moat_err err;

    err = moat_dicei_keypair(issuer_secret, issuer_len, "Key Pair", &issuer_priv, &issuer_pub);
    if (err == MOAT_OK) {
        err = moat_dicei_keypair(subject_cdi, MOAT_DICE_CDI_SIZE, "Key Pair", &subject_priv,
                                 &subject_pub);
        /* Only the subject's public key is needed. */
        moat_wipe(&subject_priv, sizeof(subject_priv));
    }
    if (err == MOAT_OK) {
        err = open_dice_ext(in, ext_der, sizeof(ext_der), &ext_len);
    }
    if (err == MOAT_OK) {
        memset(&ext, 0, sizeof(ext));
        ext.oid.ptr = moat_dicei_oid_open_dice;
        ext.oid.len = sizeof(moat_dicei_oid_open_dice);
        /* "CDI Custom Extension Fields": critical TRUE. */
        ext.critical = true;
        ext.value.ptr = ext_der;
        ext.value.len = ext_len;
        err = dice_cert(sign ? &issuer_priv : NULL, &issuer_pub, &subject_pub, true, &ext, out,
                        out_cap, out_len);
    }
    moat_wipe(&issuer_priv, sizeof(issuer_priv));
    moat_wipe(ext_der, sizeof(ext_der));
    return err;
}

/*
 * The layer transition shared by the public entry points: next CDIs from
 * (ikm_attest, ikm_seal) and the certificate issued by ASYM_KDF(ikm_attest).
 * @p next may alias the storage of the ikms: it is written only at the end.
 */
static moat_err layer(const uint8_t *ikm_attest, const uint8_t *ikm_seal, size_t ikm_len,
                      const moat_dice_input *in, moat_dice_cdis *next, bool sign,
                      uint8_t *out, size_t out_cap, size_t *out_len)
{
    moat_dice_cdis tmp;
    moat_err err;

    err = moat_dicei_check_input(in);
    if (err == MOAT_OK) {
        if (ikm_len == MOAT_DICE_CDI_SIZE) {
            moat_dice_cdis cur;
            memcpy(cur.attest, ikm_attest, MOAT_DICE_CDI_SIZE);
            memcpy(cur.seal, ikm_seal, MOAT_DICE_CDI_SIZE);
            err = moat_dice_derive(&cur, in, &tmp);
            moat_wipe(&cur, sizeof(cur));
        } else {
            err = moat_dice_cdis_from_uds(ikm_attest, ikm_len, in, &tmp);
        }
    }
    if (err == MOAT_OK) {
        err = cdi_cert(ikm_attest, ikm_len, tmp.attest, in, sign, out, out_cap, out_len);
    }
    if (err == MOAT_OK) {
        if (next != NULL) {
            memcpy(next, &tmp, sizeof(tmp));
        }
    } else {
        if (next != NULL) {
            moat_wipe(next, sizeof(*next));
        }
        fail_out(out, out_cap, out_len, err);
    }
    moat_wipe(&tmp, sizeof(tmp));
    return err;
}

moat_err moat_dice_cdi_tbs(const moat_dice_cdis *current, const moat_dice_input *in,
                           uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (!out_args_ok(out, out_cap, out_len) || current == NULL || in == NULL) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return layer(current->attest, current->seal, MOAT_DICE_CDI_SIZE, in, NULL, false, out,
                 out_cap, out_len);
}

moat_err moat_dice_cdi_cert(const moat_dice_cdis *current, const moat_dice_input *in,
                            uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (!out_args_ok(out, out_cap, out_len) || current == NULL || in == NULL) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return layer(current->attest, current->seal, MOAT_DICE_CDI_SIZE, in, NULL, true, out,
                 out_cap, out_len);
}

moat_err moat_dice_layer(const moat_dice_cdis *current, const moat_dice_input *in,
                         moat_dice_cdis *next, uint8_t *cert, size_t cert_cap,
                         size_t *cert_len)
{
    if (!out_args_ok(cert, cert_cap, cert_len) || current == NULL || in == NULL ||
        next == NULL) {
        if (next != NULL) {
            moat_wipe(next, sizeof(*next));
        }
        fail_out(cert, cert_cap, cert_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return layer(current->attest, current->seal, MOAT_DICE_CDI_SIZE, in, next, true, cert,
                 cert_cap, cert_len);
}

moat_err moat_dice_layer_from_uds(const uint8_t *uds, size_t uds_len,
                                  const moat_dice_input *in, moat_dice_cdis *next,
                                  uint8_t *cert, size_t cert_cap, size_t *cert_len)
{
    if (!out_args_ok(cert, cert_cap, cert_len) || uds == NULL || in == NULL || next == NULL ||
        uds_len < MOAT_DICE_UDS_MIN || uds_len > MOAT_DICE_UDS_MAX) {
        if (next != NULL) {
            moat_wipe(next, sizeof(*next));
        }
        fail_out(cert, cert_cap, cert_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return layer(uds, uds, uds_len, in, next, true, cert, cert_cap, cert_len);
}

moat_err moat_dice_layer_from_port(const moat_port *port, const moat_dice_input *in,
                                   moat_dice_cdis *next, uint8_t *cert, size_t cert_cap,
                                   size_t *cert_len)
{
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_err err;

    if (!out_args_ok(cert, cert_cap, cert_len) || port == NULL || in == NULL || next == NULL) {
        if (next != NULL) {
            moat_wipe(next, sizeof(*next));
        }
        fail_out(cert, cert_cap, cert_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_port_device_secret(port, uds, sizeof(uds));
    if (err == MOAT_OK) {
        err = moat_dice_layer_from_uds(uds, sizeof(uds), in, next, cert, cert_cap, cert_len);
    } else {
        moat_wipe(next, sizeof(*next));
        fail_out(cert, cert_cap, cert_len, err);
    }
    moat_wipe(uds, sizeof(uds));
    return err;
}

/* ------------------------------------------------------------ DeviceID */

moat_err moat_dice_device_id_csr(const uint8_t *uds, size_t uds_len, uint8_t *out,
                                 size_t out_cap, size_t *out_len)
{
    moat_ec_private_key priv;
    uint8_t id[MOAT_DICE_ID_SIZE];
    char hex[MOAT_DICEI_ID_HEX_SIZE];
    uint8_t ski[SKI_VALUE_SIZE];
    moat_x509_raw_ext raw;
    moat_x509_name subject;
    moat_x509_ext_params ext;
    moat_signer signer;
    moat_err err;

    if (!out_args_ok(out, out_cap, out_len) || uds == NULL || uds_len < MOAT_DICE_UDS_MIN ||
        uds_len > MOAT_DICE_UDS_MAX) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_dice_device_id(uds, uds_len, &priv, NULL, id);
    if (err == MOAT_OK) {
        err = moat_signer_from_private(&signer, &priv);
    }
    if (err == MOAT_OK) {
        moat_dicei_id_hex(id, hex);
        memset(&subject, 0, sizeof(subject));
        subject.count = 1u;
        subject.type[0] = MOAT_X509_ATTR_SERIAL_NUMBER;
        subject.value[0] = hex;
        ski[0] = MOAT_DER_TAG_OCTET_STRING;
        ski[1] = (uint8_t)MOAT_DICE_ID_SIZE;
        memcpy(&ski[2], id, MOAT_DICE_ID_SIZE);
        memset(&raw, 0, sizeof(raw));
        raw.oid.ptr = moat_dicei_oid_ski;
        raw.oid.len = sizeof(moat_dicei_oid_ski);
        raw.value.ptr = ski;
        raw.value.len = sizeof(ski);
        memset(&ext, 0, sizeof(ext));
        /* "UDS Standard Extensions": keyUsage keyCertSign and
         * basicConstraints cA (critical), subjectKeyIdentifier = UDS_ID. */
        ext.basic_constraints = true;
        ext.is_ca = true;
        ext.path_len = -1;
        ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
        ext.raw_count = 1u;
        ext.raw = &raw;
        err = moat_x509_csr_create(&subject, &ext, &signer, out, out_cap, out_len);
    } else {
        fail_out(out, out_cap, out_len, err);
    }
    moat_wipe(&signer, sizeof(signer));
    moat_wipe(&priv, sizeof(priv));
    return err;
}

moat_err moat_dice_device_id_csr_from_port(const moat_port *port, uint8_t *out,
                                           size_t out_cap, size_t *out_len)
{
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_err err;

    if (!out_args_ok(out, out_cap, out_len) || port == NULL) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_port_device_secret(port, uds, sizeof(uds));
    if (err == MOAT_OK) {
        err = moat_dice_device_id_csr(uds, sizeof(uds), out, out_cap, out_len);
    } else {
        fail_out(out, out_cap, out_len, err);
    }
    moat_wipe(uds, sizeof(uds));
    return err;
}

/* The DER of Name serialNumber=<hex> (one RDN, PrintableString). */
static void id_name(const char hex[MOAT_DICEI_ID_HEX_SIZE], uint8_t name[ID_NAME_SIZE])
{
    size_t i = 0;
    name[i++] = MOAT_DER_TAG_SEQUENCE;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 2u);
    name[i++] = MOAT_DER_TAG_SET;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 4u);
    name[i++] = MOAT_DER_TAG_SEQUENCE;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 6u);
    name[i++] = MOAT_DER_TAG_OID;
    name[i++] = (uint8_t)sizeof(oid_serial_number);
    memcpy(&name[i], oid_serial_number, sizeof(oid_serial_number));
    i += sizeof(oid_serial_number);
    name[i++] = MOAT_DER_TAG_PRINTABLE_STRING;
    name[i++] = (uint8_t)(2u * MOAT_DICE_ID_SIZE);
    memcpy(&name[i], hex, 2u * MOAT_DICE_ID_SIZE);
}

moat_err moat_dice_device_id_certify(const uint8_t *csr, size_t csr_len,
                                     const uint8_t *ca_cert, size_t ca_cert_len,
                                     const moat_signer *ca_signer,
                                     const uint8_t *serial, size_t serial_len,
                                     int64_t not_before, int64_t not_after,
                                     uint8_t *out, size_t out_cap, size_t *out_len)
{
    moat_x509_csr req;
    moat_x509_cert ca;
    uint8_t id[MOAT_DICE_ID_SIZE];
    char hex[MOAT_DICEI_ID_HEX_SIZE];
    uint8_t name[ID_NAME_SIZE];
    uint8_t ski[SKI_VALUE_SIZE];
    moat_x509_raw_ext raw;
    moat_x509_issue_params p;
    moat_err err;

    if (!out_args_ok(out, out_cap, out_len) || csr == NULL || ca_cert == NULL ||
        ca_signer == NULL || serial == NULL) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_x509_csr_parse(csr, csr_len, &req);
    if (err == MOAT_OK && req.key.curve != MOAT_CURVE_P256) {
        err = MOAT_ERR_UNSUPPORTED;
    }
    if (err == MOAT_OK) {
        err = moat_dice_id(&req.key, id);
    }
    if (err == MOAT_OK) {
        /* The subject must be the one the CDI certificates name as their
         * issuer ("X.509 UDS Certificates": SERIALNUMBER=<UDS_ID>). */
        moat_dicei_id_hex(id, hex);
        id_name(hex, name);
        if (req.subject.len != sizeof(name) || memcmp(req.subject.ptr, name, sizeof(name)) != 0) {
            err = MOAT_ERR_X509_BAD_NAME;
        }
    }
    if (err == MOAT_OK) {
        err = moat_x509_parse(ca_cert, ca_cert_len, &ca);
    }
    if (err == MOAT_OK && !(ca.has_basic_constraints && ca.is_ca)) {
        err = MOAT_ERR_X509_NOT_CA;
    }
    if (err == MOAT_OK &&
        (ca.key_type != MOAT_X509_KEY_EC || ca.ec_key.curve != ca_signer->pub.curve ||
         ca.ec_key.q_len != ca_signer->pub.q_len ||
         memcmp(ca.ec_key.q, ca_signer->pub.q, ca.ec_key.q_len) != 0)) {
        err = MOAT_ERR_X509_KEY_MISMATCH;
    }
    if (err == MOAT_OK) {
        ski[0] = MOAT_DER_TAG_OCTET_STRING;
        ski[1] = (uint8_t)MOAT_DICE_ID_SIZE;
        memcpy(&ski[2], id, MOAT_DICE_ID_SIZE);
        memset(&raw, 0, sizeof(raw));
        raw.oid.ptr = moat_dicei_oid_ski;
        raw.oid.len = sizeof(moat_dicei_oid_ski);
        raw.value.ptr = ski;
        raw.value.len = sizeof(ski);
        memset(&p, 0, sizeof(p));
        p.serial.ptr = serial;
        p.serial.len = serial_len;
        p.not_before = not_before;
        p.not_after = not_after;
        p.subject.raw.ptr = req.subject.ptr;
        p.subject.raw.len = req.subject.len;
        p.issuer.raw.ptr = ca.subject.ptr;
        p.issuer.raw.len = ca.subject.len;
        p.subject_key = &req.key;
        p.ext.basic_constraints = true;
        p.ext.is_ca = true;
        p.ext.path_len = -1;
        p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
        p.ext.aki = ca.ski;
        p.ext.raw_count = 1u;
        p.ext.raw = &raw;
        err = moat_x509_issue(&p, ca_signer, out, out_cap, out_len);
    } else {
        fail_out(out, out_cap, out_len, err);
    }
    return err;
}

/* ---------------------------------------------------------------- alias */

moat_err moat_dice_alias_cert(const moat_dice_cdis *cdis, const moat_dice_tcb_info *tcb,
                              uint8_t *out, size_t out_cap, size_t *out_len)
{
    moat_ec_private_key issuer_priv;
    moat_ec_public_key issuer_pub;
    moat_ec_private_key alias_priv;
    moat_ec_public_key alias_pub;
    uint8_t tcb_der[MOAT_DICE_TCB_DER_MAX];
    size_t tcb_len = 0;
    moat_x509_raw_ext ext;
    moat_err err;

    if (!out_args_ok(out, out_cap, out_len) || cdis == NULL || tcb == NULL) {
        fail_out(out, out_cap, out_len, MOAT_ERR_INVALID_ARGUMENT);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_dice_tcb_info_encode(tcb, tcb_der, sizeof(tcb_der), &tcb_len);
    if (err == MOAT_ERR_BUFFER_TOO_SMALL) {
        err = MOAT_ERR_DICE_TCB_INFO;
    }
    if (err == MOAT_OK) {
        err = moat_dice_keypair_from_cdi(cdis->attest, &issuer_priv, &issuer_pub);
    }
    if (err == MOAT_OK) {
        err = moat_dice_alias_keypair(cdis, &alias_priv, &alias_pub);
        moat_wipe(&alias_priv, sizeof(alias_priv));
    }
    if (err == MOAT_OK) {
        memset(&ext, 0, sizeof(ext));
        ext.oid.ptr = moat_dicei_oid_tcb_info;
        ext.oid.len = sizeof(moat_dicei_oid_tcb_info);
        /* TCG DICE Attestation Architecture: DiceTcbInfo is marked critical
         * (a verifier that cannot evaluate the TCB must not accept the key). */
        ext.critical = true;
        ext.value.ptr = tcb_der;
        ext.value.len = tcb_len;
        err = dice_cert(&issuer_priv, &issuer_pub, &alias_pub, false, &ext, out, out_cap,
                        out_len);
    }
    if (err != MOAT_OK) {
        fail_out(out, out_cap, out_len, err);
    }
    moat_wipe(&issuer_priv, sizeof(issuer_priv));
    return err;
}
