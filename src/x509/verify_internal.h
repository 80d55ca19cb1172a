/**
 * @file verify_internal.h
 * @brief Internal helpers shared by the trust store (store.c) and path
 *        validation (verify.c). Not a public header.
 */
#ifndef MOAT_X509_VERIFY_INTERNAL_H
#define MOAT_X509_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moat/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The anchor policy (docs/x509-policy.md "Trust anchors"): a v3
 *        certificate with basicConstraints cA=TRUE, or a v1/v2 certificate
 *        that is self-issued (a legacy root).
 */
bool moat_x509_anchor_is_ca(const moat_x509_cert *cert);

/** @brief Number of anchors of @p store (builtin first, then run-time). */
size_t moat_x509_store_anchor_total(const moat_x509_store *store);

/**
 * @brief The DER of anchor @p i (builtin anchors are 0..builtin_count-1,
 *        run-time anchors follow). False when @p i is out of range.
 */
bool moat_x509_store_anchor_der(const moat_x509_store *store, size_t i,
                                const uint8_t **der, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_X509_VERIFY_INTERNAL_H */
