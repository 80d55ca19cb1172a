/**
 * @file store.c
 * @brief Trust store: const (build-time) anchors, run-time anchors and
 *        SPKI-SHA-256 pins. Policy: docs/x509-policy.md "Trust anchors".
 *
 * Anchors are kept as DER (zero-copy); they are parsed when added (run-time)
 * or at moat_x509_store_init() (builtin) so that a malformed or non-CA
 * anchor is refused early, and parsed again by moat_x509_verify() when used.
 * Memory: one moat_x509_cert on the stack during init/add. No heap.
 */
#include <string.h>

#include "moat/core.h"
#include "moat/x509.h"
#include "x509/verify_internal.h"

bool moat_x509_anchor_is_ca(const moat_x509_cert *cert)
{
    if (cert->version == 3u) {
        /* RFC 5280 section 4.2.1.9: a CA certificate asserts cA=TRUE. */
        return cert->has_basic_constraints && cert->is_ca;
    }
    /* v1/v2 carry no extensions: accepted only as a self-issued root,
     * as most verifiers do for legacy roots. */
    return cert->issuer.len == cert->subject.len && cert->issuer.len != 0u &&
           memcmp(cert->issuer.ptr, cert->subject.ptr, cert->issuer.len) == 0;
}

size_t moat_x509_store_anchor_total(const moat_x509_store *store)
{
    return store->builtin_count + store->runtime_count;
}

bool moat_x509_store_anchor_der(const moat_x509_store *store, size_t i,
                                const uint8_t **der, size_t *len)
{
    if (i < store->builtin_count) {
        *der = store->builtin[i].der;
        *len = store->builtin[i].len;
        return true;
    }
    i -= store->builtin_count;
    if (i < store->runtime_count) {
        *der = store->runtime[i].der;
        *len = store->runtime[i].len;
        return true;
    }
    return false;
}

/* Parse @p der and apply the anchor policy. */
static moat_err check_anchor(const uint8_t *der, size_t len)
{
    moat_x509_cert cert;
    moat_err err;

    if (der == NULL || len == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_x509_parse(der, len, &cert);
    if (err == MOAT_OK && !moat_x509_anchor_is_ca(&cert)) {
        err = MOAT_ERR_X509_NOT_CA;
    }
    moat_wipe(&cert, sizeof cert);
    return err;
}

moat_err moat_x509_store_init(moat_x509_store *store, const moat_x509_anchor *builtin,
                              size_t count)
{
    size_t i;
    moat_err err;

    if (store == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(store, 0, sizeof *store);
    if (builtin == NULL && count != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < count; i++) {
        err = check_anchor(builtin[i].der, builtin[i].len);
        if (err != MOAT_OK) {
            return err; /* the store stays empty: fail closed */
        }
    }
    store->builtin = builtin;
    store->builtin_count = count;
    return MOAT_OK;
}

moat_err moat_x509_store_add(moat_x509_store *store, const uint8_t *der, size_t len)
{
    size_t i, total;
    const uint8_t *d;
    size_t l;
    moat_err err;

    if (store == NULL || der == NULL || len == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = check_anchor(der, len);
    if (err != MOAT_OK) {
        return err;
    }
    total = moat_x509_store_anchor_total(store);
    for (i = 0; i < total; i++) {
        if (moat_x509_store_anchor_der(store, i, &d, &l) && l == len &&
            memcmp(d, der, len) == 0) {
            return MOAT_OK; /* already trusted: nothing changes */
        }
    }
    if (store->runtime_count >= MOAT_X509_MAX_RUNTIME_ANCHORS) {
        return MOAT_ERR_X509_TOO_MANY;
    }
    store->runtime[store->runtime_count].der = der;
    store->runtime[store->runtime_count].len = len;
    store->runtime_count++;
    return MOAT_OK;
}

moat_err moat_x509_store_pin(moat_x509_store *store, const uint8_t spki_sha256[32])
{
    size_t i;

    if (store == NULL || spki_sha256 == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < store->pin_count; i++) {
        if (memcmp(store->pins[i], spki_sha256, 32u) == 0) {
            return MOAT_OK; /* already pinned */
        }
    }
    if (store->pin_count >= MOAT_X509_MAX_RUNTIME_ANCHORS) {
        return MOAT_ERR_X509_TOO_MANY;
    }
    memcpy(store->pins[store->pin_count], spki_sha256, 32u);
    store->pin_count++;
    return MOAT_OK;
}

moat_err moat_x509_params_time_from_port(moat_x509_verify_params *params,
                                         const moat_port *port)
{
    int64_t t = 0;
    moat_err err;

    if (params == NULL || port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_port_time(port, &t);
    if (err == MOAT_OK) {
        params->now = t;
        params->no_time = false;
    } else if (err == MOAT_ERR_PORT_NO_TIME) {
        params->no_time = true; /* documented no-time policy applies */
        err = MOAT_OK;
    }
    return err;
}
