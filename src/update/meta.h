/**
 * @file meta.h
 * @brief Internal helpers shared by root.c and manifest.c (update metadata).
 *        Not installed; not part of the public API.
 */
#ifndef MOAT_UPDATE_META_H
#define MOAT_UPDATE_META_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/update.h"

/** @brief The caller workspace split into a payload buffer and a work area. */
typedef struct moat_update_meta_work {
    uint8_t *payload;   /**< decoded payload buffer */
    size_t payload_cap; /**< its capacity (the document length, rounded) */
    uint8_t *rest;      /**< JWS work area, then the payload's JSON arena */
    size_t rest_size;   /**< its size */
} moat_update_meta_work;

/**
 * @brief Split @p work for a document of @p doc_len bytes.
 * @param work the caller workspace
 * @param work_size its size
 * @param doc_len the document length
 * @param[out] w the split
 * @return ::MOAT_OK; ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or smaller than
 *         MOAT_UPDATE_WORK_SIZE(@p doc_len)).
 */
moat_err moat_update_meta_split_(void *work, size_t work_size, size_t doc_len,
                                 moat_update_meta_work *w);

/**
 * @brief moat_jws_json_verify() of @p doc under the keys and threshold of
 *        @p role, the payload going to w->payload.
 * @param doc the document
 * @param doc_len its length
 * @param role the role whose keys must reach the threshold
 * @param w the workspace split
 * @param[out] payload_len the payload length (0 on failure)
 * @return the codes of moat_jws_json_verify().
 */
moat_err moat_update_meta_sigs_(const char *doc, size_t doc_len,
                                const moat_update_role *role,
                                const moat_update_meta_work *w, size_t *payload_len);

/**
 * @brief Parse the decoded payload (w->payload, @p payload_len bytes) into
 *        the work area with the given bounds.
 * @param w the workspace split
 * @param payload_len the payload length
 * @param max_depth nesting bound
 * @param max_values value-count bound
 * @param[out] root the parsed value
 * @return the codes of moat_json_parse().
 */
moat_err moat_update_meta_parse_(const moat_update_meta_work *w, size_t payload_len,
                                 size_t max_depth, size_t max_values,
                                 const moat_json **root);

/**
 * @brief True when every member name of object @p obj is in @p names.
 * @param obj an object
 * @param names the allowed names
 * @param count their number
 * @return true when no unknown member is present.
 */
bool moat_update_meta_only_(const moat_json *obj, const char *const *names, size_t count);

/**
 * @brief True when @p r satisfies the root invariants (see update.h).
 * @param r a root, or NULL (false)
 * @return true when valid.
 */
bool moat_update_root_valid_(const moat_update_root *r);

/**
 * @brief True when two public keys are the same (curve and point bytes).
 * @param a first key
 * @param b second key
 * @return true when equal.
 */
bool moat_update_key_equal_(const moat_ec_public_key *a, const moat_ec_public_key *b);

#endif /* MOAT_UPDATE_META_H */
