/**
 * @file csr.c
 * @brief PKCS#10 certification requests (RFC 2986): creation signed by a
 *        ::moat_signer (proof of possession) and strict parsing with
 *        verification of the self-signature. Requested extensions travel in
 *        the extensionRequest attribute (RFC 2985 section 5.4.2).
 */
#include <string.h>

#include "moat/core.h"
#include "x509/internal.h"

moat_err moat_x509_csr_create(const moat_x509_name *subject,
                              const moat_x509_ext_params *ext,
                              const moat_signer *signer, uint8_t *out,
                              size_t out_cap, size_t *out_len)
{
    moat_der_writer w;
    size_t mark;
    size_t m_attrs;
    size_t cri_len = 0;
    size_t n_ext = 0;
    bool subject_empty = true;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (subject == NULL || signer == NULL || signer->sign == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_x509i_check_key(&signer->pub);
    if (err == MOAT_OK && signer->pub.curve != signer->curve) {
        err = MOAT_ERR_UNSUPPORTED;
    }
    if (err == MOAT_OK) {
        /* Measure the subject first (an empty one makes the SAN critical). */
        moat_der_writer probe;
        moat_der_writer_init(&probe, NULL, 0u);
        err = moat_x509i_put_name(&probe, subject, &subject_empty);
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }

    /* CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) },
     *   subject Name, subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute } */
    moat_der_writer_init(&w, out, out_cap);
    mark = moat_der_mark(&w);
    m_attrs = moat_der_mark(&w);
    {
        size_t m_attr = moat_der_mark(&w);
        err = moat_x509i_put_extensions(&w, ext, &signer->pub, subject_empty, &n_ext);
        if (err == MOAT_OK && n_ext > 0u) {
            /* Attribute { type extensionRequest, values SET { Extensions } } */
            moat_der_put_constructed(&w, MOAT_DER_TAG_SET, m_attr);
            moat_der_put_oid(&w, moat_x509i_oid_ext_request, sizeof(moat_x509i_oid_ext_request));
            moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, m_attr);
        }
    }
    if (err == MOAT_OK) {
        moat_der_put_constructed(&w, MOAT_DER_TAG_CTX_CONS(0), m_attrs);
        err = moat_x509i_put_spki(&w, &signer->pub);
    }
    if (err == MOAT_OK) {
        err = moat_x509i_put_name(&w, subject, &subject_empty);
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    moat_der_put_uint(&w, NULL, 0u); /* version 0 */
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, mark);
    err = moat_der_writer_finish(&w, &cri_len);
    if (err == MOAT_ERR_BUFFER_TOO_SMALL) {
        *out_len = moat_x509i_signed_size_max(cri_len, signer->curve);
        return err;
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    return moat_x509i_sign_wrap(signer, out, out_cap, cri_len, out_len);
}

/* ---------------------------------------------------------------- parse */

/* Read one TLV of tag @p tag and give the whole TLV (header included). */
static moat_err read_whole(moat_der_reader *r, uint8_t tag, const uint8_t **tlv,
                           size_t *tlv_len)
{
    size_t start = r->pos;
    const uint8_t *v;
    size_t vl;
    moat_err err = moat_der_expect(r, tag, &v, &vl);

    if (err == MOAT_OK) {
        *tlv = r->buf + start;
        *tlv_len = r->pos - start;
    }
    return err;
}

/* Check Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280 4.1):
 * each { extnID, critical BOOLEAN DEFAULT FALSE (DER: absent or TRUE),
 * extnValue OCTET STRING }, no OID twice, at most the bound. */
static moat_err check_extensions_der(const uint8_t *der, size_t len)
{
    const uint8_t *oids[MOAT_X509_MAX_EXTENSIONS];
    size_t lens[MOAT_X509_MAX_EXTENSIONS];
    size_t n = 0;
    size_t i;
    moat_der_reader r;
    moat_der_reader seq;
    moat_err err;

    moat_der_reader_init(&r, der, len);
    err = moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    while (!moat_der_at_end(&seq)) {
        moat_der_reader e;
        const uint8_t *oid;
        size_t oid_len;
        const uint8_t *v;
        size_t vl;
        uint8_t tag;

        err = moat_der_enter(&seq, MOAT_DER_TAG_SEQUENCE, &e);
        if (err == MOAT_OK) {
            err = moat_der_read_oid(&e, &oid, &oid_len);
        }
        if (err == MOAT_OK && !moat_x509i_oid_valid(oid, oid_len)) {
            err = MOAT_ERR_X509_BAD_EXTENSION;
        }
        if (err == MOAT_OK) {
            err = moat_der_peek_tag(&e, &tag);
        }
        if (err == MOAT_OK && tag == MOAT_DER_TAG_BOOLEAN) {
            err = moat_der_expect(&e, MOAT_DER_TAG_BOOLEAN, &v, &vl);
            if (err == MOAT_OK && (vl != 1u || v[0] != 0xFFu)) {
                err = MOAT_ERR_X509_BAD_EXTENSION;
            }
        }
        if (err == MOAT_OK) {
            err = moat_der_expect(&e, MOAT_DER_TAG_OCTET_STRING, &v, &vl);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&e);
        }
        if (err != MOAT_OK) {
            return err;
        }
        if (n == MOAT_X509_MAX_EXTENSIONS) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        for (i = 0; i < n; i++) {
            if (lens[i] == oid_len && memcmp(oids[i], oid, oid_len) == 0) {
                return MOAT_ERR_X509_DUPLICATE_EXTENSION;
            }
        }
        oids[n] = oid;
        lens[n] = oid_len;
        n++;
    }
    return moat_der_finish(&r);
}

/* attributes [0] IMPLICIT SET OF Attribute; Attribute ::= SEQUENCE {
 * type OID, values SET SIZE(1..MAX) OF ANY }. Finds extensionRequest. */
static moat_err parse_attributes(moat_der_reader *cri, moat_x509_bytes *extensions)
{
    moat_der_reader attrs;
    bool seen = false;
    moat_err err = moat_der_enter(cri, MOAT_DER_TAG_CTX_CONS(0), &attrs);

    while (err == MOAT_OK && !moat_der_at_end(&attrs)) {
        moat_der_reader a;
        moat_der_reader values;
        const uint8_t *oid;
        size_t oid_len;

        err = moat_der_enter(&attrs, MOAT_DER_TAG_SEQUENCE, &a);
        if (err == MOAT_OK) {
            err = moat_der_read_oid(&a, &oid, &oid_len);
        }
        if (err == MOAT_OK) {
            err = moat_der_enter(&a, MOAT_DER_TAG_SET, &values);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&a);
        }
        if (err == MOAT_OK && moat_der_at_end(&values)) {
            err = MOAT_ERR_DER_LENGTH; /* SIZE(1..MAX) */
        }
        if (err != MOAT_OK) {
            break;
        }
        if (oid_len == sizeof(moat_x509i_oid_ext_request) &&
            memcmp(oid, moat_x509i_oid_ext_request, oid_len) == 0) {
            const uint8_t *tlv = NULL;
            size_t tlv_len = 0;
            if (seen) {
                return MOAT_ERR_X509_DUPLICATE_EXTENSION;
            }
            seen = true;
            /* Exactly one Extensions value. */
            err = read_whole(&values, MOAT_DER_TAG_SEQUENCE, &tlv, &tlv_len);
            if (err == MOAT_OK) {
                err = moat_der_finish(&values);
            }
            if (err == MOAT_OK) {
                err = check_extensions_der(tlv, tlv_len);
            }
            extensions->ptr = tlv;
            extensions->len = tlv_len;
        } else {
            /* Any other attribute: well-formed values, not interpreted. */
            while (err == MOAT_OK && !moat_der_at_end(&values)) {
                uint8_t tag;
                const uint8_t *v;
                size_t vl;
                err = moat_der_read_tlv(&values, &tag, &v, &vl);
            }
        }
    }
    return err;
}

static moat_err parse_csr(const uint8_t *der, size_t len, moat_x509_csr *csr)
{
    moat_der_reader r;
    moat_der_reader outer;
    moat_der_reader cri;
    moat_der_reader alg;
    const uint8_t *cri_tlv = NULL;
    size_t cri_len = 0;
    const uint8_t *oid;
    size_t oid_len;
    const uint8_t *mag;
    size_t mag_len;
    const uint8_t *sig;
    size_t sig_len;
    moat_hash_alg hash;
    moat_err err;

    /* CertificationRequest ::= SEQUENCE { certificationRequestInfo,
     *   signatureAlgorithm AlgorithmIdentifier, signature BIT STRING } */
    moat_der_reader_init(&r, der, len);
    err = moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &outer);
    if (err == MOAT_OK) {
        err = moat_der_finish(&r);
    }
    if (err == MOAT_OK) {
        err = read_whole(&outer, MOAT_DER_TAG_SEQUENCE, &cri_tlv, &cri_len);
    }
    if (err == MOAT_OK) {
        err = moat_der_enter(&outer, MOAT_DER_TAG_SEQUENCE, &alg);
    }
    if (err == MOAT_OK) {
        err = moat_der_read_oid(&alg, &oid, &oid_len);
    }
    if (err != MOAT_OK) {
        return err;
    }
    /* RFC 5758 3.2: ecdsa-with-SHA256/384, parameters absent. */
    if (oid_len == 8u && memcmp(oid, moat_x509i_oid_ecdsa_sha256, 8u) == 0) {
        hash = MOAT_HASH_SHA256;
    } else if (oid_len == 8u && memcmp(oid, moat_x509i_oid_ecdsa_sha384, 8u) == 0) {
        hash = MOAT_HASH_SHA384;
    } else {
        return MOAT_ERR_X509_UNSUPPORTED_ALG;
    }
    if (!moat_der_at_end(&alg)) {
        return MOAT_ERR_X509_UNSUPPORTED_ALG;
    }
    err = moat_der_read_bit_string_octets(&outer, &sig, &sig_len);
    if (err == MOAT_OK) {
        err = moat_der_finish(&outer);
    }

    /* CertificationRequestInfo */
    if (err == MOAT_OK) {
        moat_der_reader_init(&r, cri_tlv, cri_len);
        err = moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &cri);
    }
    if (err == MOAT_OK) {
        err = moat_der_read_uint(&cri, &mag, &mag_len);
        if (err == MOAT_OK && mag_len != 0u) {
            err = MOAT_ERR_X509_BAD_VERSION; /* only v1(0) exists */
        }
    }
    if (err == MOAT_OK) {
        err = read_whole(&cri, MOAT_DER_TAG_SEQUENCE, &csr->subject.ptr, &csr->subject.len);
    }
    if (err == MOAT_OK) {
        err = moat_x509i_check_name_der(csr->subject.ptr, csr->subject.len, NULL);
    }
    if (err == MOAT_OK) {
        err = read_whole(&cri, MOAT_DER_TAG_SEQUENCE, &csr->spki.ptr, &csr->spki.len);
    }
    if (err == MOAT_OK) {
        err = moat_ec_public_from_spki(csr->spki.ptr, csr->spki.len, &csr->key);
        if (err == MOAT_ERR_UNSUPPORTED) {
            err = MOAT_ERR_X509_UNSUPPORTED_ALG;
        }
    }
    if (err == MOAT_OK) {
        err = parse_attributes(&cri, &csr->extensions);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&cri);
    }
    if (err != MOAT_OK) {
        return err;
    }
    /* Proof of possession: the request is signed by the key it carries. */
    if (moat_ecdsa_verify(&csr->key, hash, cri_tlv, cri_len, MOAT_SIG_DER, sig, sig_len) !=
        MOAT_OK) {
        return MOAT_ERR_X509_CSR_SIGNATURE;
    }
    return MOAT_OK;
}

moat_err moat_x509_csr_parse(const uint8_t *der, size_t len, moat_x509_csr *csr)
{
    moat_err err;

    if (csr == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(csr, 0, sizeof(*csr));
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_X509_MAX_CERT_SIZE) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    err = parse_csr(der, len, csr);
    if (err != MOAT_OK) {
        moat_wipe(csr, sizeof(*csr));
    }
    return err;
}
