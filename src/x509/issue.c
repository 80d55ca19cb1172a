/**
 * @file issue.c
 * @brief X.509 v3 certificate issuance (RFC 5280 section 4.1):
 *        TBSCertificate building and signing through a ::moat_signer.
 */
#include <string.h>

#include "moat/core.h"
#include "x509/internal.h"

/* Check the serial: a positive INTEGER whose DER content is at most 20
 * octets (RFC 5280 4.1.2.2). Gives the magnitude without leading zeros. */
static moat_err check_serial(const moat_x509_bytes *serial, const uint8_t **mag,
                             size_t *mag_len)
{
    const uint8_t *p = serial->ptr;
    size_t n = serial->len;

    if (p == NULL || n == 0u || n > MOAT_X509I_SERIAL_MAX) {
        return MOAT_ERR_X509_BAD_SERIAL;
    }
    while (n > 0u && p[0] == 0u) {
        p++;
        n--;
    }
    if (n == 0u) {
        return MOAT_ERR_X509_BAD_SERIAL; /* zero is not positive */
    }
    /* A set top bit needs a 0x00 octet to stay positive. */
    if (n + (((p[0] & 0x80u) != 0u) ? 1u : 0u) > MOAT_X509I_SERIAL_MAX) {
        return MOAT_ERR_X509_BAD_SERIAL;
    }
    *mag = p;
    *mag_len = n;
    return MOAT_OK;
}

/* Prepend the whole TBSCertificate. */
static moat_err put_tbs(moat_der_writer *w, const moat_x509_issue_params *p,
                        moat_curve issuer_curve)
{
    static const uint8_t v3 = 2u;
    const uint8_t *serial = NULL;
    size_t serial_len = 0;
    size_t mark = moat_der_mark(w);
    size_t m;
    size_t n_ext = 0;
    bool subject_empty = true;
    bool issuer_empty = true;
    moat_err err;

    /* Cheap up-front checks, in the order of the structure. */
    err = check_serial(&p->serial, &serial, &serial_len);
    if (err != MOAT_OK) {
        return err;
    }
    if (moat_curve_size(issuer_curve) == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (p->not_before > p->not_after) {
        return MOAT_ERR_X509_BAD_TIME;
    }
    err = moat_x509i_check_key(p->subject_key);
    if (err != MOAT_OK) {
        return err;
    }
    /* The subject Name is measured first: an empty subject makes the
     * subjectAltName critical (RFC 5280 4.2.1.6). */
    {
        moat_der_writer probe;
        moat_der_writer_init(&probe, NULL, 0u);
        err = moat_x509i_put_name(&probe, &p->subject, &subject_empty);
        if (err != MOAT_OK) {
            return err;
        }
    }

    m = moat_der_mark(w);
    err = moat_x509i_put_extensions(w, &p->ext, p->subject_key, subject_empty, &n_ext);
    if (err != MOAT_OK) {
        return err;
    }
    if (n_ext > 0u) {
        moat_der_put_constructed(w, MOAT_DER_TAG_CTX_CONS(3), m);
    }
    err = moat_x509i_put_spki(w, p->subject_key);
    if (err == MOAT_OK) {
        err = moat_x509i_put_name(w, &p->subject, &subject_empty);
    }
    if (err == MOAT_OK) {
        err = moat_x509i_put_validity(w, p->not_before, p->not_after);
    }
    if (err == MOAT_OK) {
        err = moat_x509i_put_name(w, &p->issuer, &issuer_empty);
        /* RFC 5280 4.1.2.4: the issuer MUST be a non-empty Name. */
        if (err == MOAT_OK && issuer_empty) {
            err = MOAT_ERR_X509_BAD_NAME;
        }
    }
    if (err == MOAT_OK) {
        err = moat_x509i_put_sig_alg(w, issuer_curve);
    }
    if (err != MOAT_OK) {
        return err;
    }
    moat_der_put_uint(w, serial, serial_len);
    m = moat_der_mark(w);
    moat_der_put_uint(w, &v3, 1u);
    moat_der_put_constructed(w, MOAT_DER_TAG_CTX_CONS(0), m);
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
    return MOAT_OK;
}

moat_err moat_x509_tbs_build(const moat_x509_issue_params *params, moat_curve issuer_curve,
                             uint8_t *out, size_t out_cap, size_t *out_len)
{
    moat_der_writer w;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (params == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_der_writer_init(&w, out, out_cap);
    err = put_tbs(&w, params, issuer_curve);
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    return moat_der_writer_finish(&w, out_len);
}

moat_err moat_x509_issue(const moat_x509_issue_params *params,
                         const moat_signer *issuer_signer, uint8_t *out,
                         size_t out_cap, size_t *out_len)
{
    size_t tbs_len = 0;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (params == NULL || issuer_signer == NULL || issuer_signer->sign == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_x509_tbs_build(params, issuer_signer->curve, out, out_cap, &tbs_len);
    if (err == MOAT_ERR_BUFFER_TOO_SMALL) {
        /* The TBS does not fit, so it cannot be signed: report the size
         * with the largest signature (always sufficient). */
        *out_len = moat_x509i_signed_size_max(tbs_len, issuer_signer->curve);
        return err;
    }
    if (err != MOAT_OK) {
        return err;
    }
    return moat_x509i_sign_wrap(issuer_signer, out, out_cap, tbs_len, out_len);
}
