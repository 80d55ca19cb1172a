/**
 * @file nonce.c
 * @brief The verifier's nonce issuer (RFC 9711 section 4.1 eat_nonce;
 *        RFC 9334 section 10.2 nonce-based freshness): single use, expiry,
 *        optional binding to a device UEID, in a caller-owned fixed store.
 */
#include "attest/eat_internal.h"

#include <string.h>

enum { SLOT_FREE = 0, SLOT_ISSUED = 1, SLOT_USED = 2 };

moat_err moat_nonce_store_init(moat_nonce_store *store)
{
    if (store == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(store, 0, sizeof(*store));
    return MOAT_OK;
}

static bool expired(const moat_nonce_entry *en, int64_t now)
{
    return now >= en->expires;
}

moat_err moat_nonce_issue(moat_nonce_store *store, moat_rng_fn rng, void *rng_ctx,
                          const uint8_t *ueid, int64_t now, uint32_t ttl,
                          uint8_t nonce[MOAT_NONCE_SIZE])
{
    moat_nonce_entry *slot = NULL;
    size_t i;
    moat_err e;

    if (nonce == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(nonce, MOAT_NONCE_SIZE);
    if (store == NULL || rng == NULL || ttl == 0 || ttl > MOAT_NONCE_TTL_MAX || now < 0 ||
        now > INT64_MAX - (int64_t)ttl) {
        return MOAT_ERR_INVALID_ARGUMENT; /* now + ttl must not overflow */
    }
    for (i = 0; i < MOAT_NONCE_STORE_MAX && slot == NULL; i++) {
        if (store->entries[i].state == SLOT_FREE) {
            slot = &store->entries[i];
        }
    }
    if (slot == NULL) {
        /* reclaim expired slots (issued or used) */
        for (i = 0; i < MOAT_NONCE_STORE_MAX; i++) {
            if (expired(&store->entries[i], now)) {
                memset(&store->entries[i], 0, sizeof(store->entries[i]));
                if (slot == NULL) {
                    slot = &store->entries[i];
                }
            }
        }
    }
    if (slot == NULL) {
        return MOAT_ERR_EAT_NONCE_STORE_FULL;
    }
    e = rng(rng_ctx, nonce, MOAT_NONCE_SIZE);
    if (e != MOAT_OK) {
        moat_wipe(nonce, MOAT_NONCE_SIZE);
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    memcpy(slot->nonce, nonce, MOAT_NONCE_SIZE);
    if (ueid != NULL) {
        memcpy(slot->ueid, ueid, MOAT_EAT_UEID_SIZE);
        slot->bound = true;
    } else {
        memset(slot->ueid, 0, MOAT_EAT_UEID_SIZE);
        slot->bound = false;
    }
    slot->expires = now + (int64_t)ttl;
    slot->state = SLOT_ISSUED;
    return MOAT_OK;
}

/* The slot holding @p nonce (not expired), or NULL. */
static const moat_nonce_entry *find(const moat_nonce_store *store, const uint8_t *nonce,
                                    size_t nonce_len, int64_t now)
{
    size_t i;
    if (nonce_len != MOAT_NONCE_SIZE) {
        return NULL;
    }
    for (i = 0; i < MOAT_NONCE_STORE_MAX; i++) {
        const moat_nonce_entry *en = &store->entries[i];
        if (en->state != SLOT_FREE && !expired(en, now) &&
            moat_ct_equal(en->nonce, nonce, MOAT_NONCE_SIZE)) {
            return en;
        }
    }
    return NULL;
}

static moat_err check(const moat_nonce_store *store, const uint8_t *nonce,
                      size_t nonce_len, const uint8_t *ueid, int64_t now,
                      const moat_nonce_entry **slot)
{
    const moat_nonce_entry *en;
    *slot = NULL;
    if (store == NULL || nonce == NULL || ueid == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    en = find(store, nonce, nonce_len, now);
    if (en == NULL) {
        return MOAT_ERR_EAT_NONCE_UNKNOWN;
    }
    if (en->state == SLOT_USED) {
        return MOAT_ERR_EAT_NONCE_USED;
    }
    if (en->bound && !moat_ct_equal(en->ueid, ueid, MOAT_EAT_UEID_SIZE)) {
        return MOAT_ERR_EAT_NONCE_DEVICE;
    }
    *slot = en;
    return MOAT_OK;
}

moat_err moat_nonce_check(const moat_nonce_store *store, const uint8_t *nonce,
                          size_t nonce_len, const uint8_t *ueid, int64_t now)
{
    const moat_nonce_entry *slot;
    return check(store, nonce, nonce_len, ueid, now, &slot);
}

moat_err moat_nonce_consume(moat_nonce_store *store, const uint8_t *nonce,
                            size_t nonce_len, const uint8_t *ueid, int64_t now)
{
    const moat_nonce_entry *slot = NULL;
    moat_err e = check(store, nonce, nonce_len, ueid, now, &slot);
    if (e == MOAT_OK) {
        /* the slot is one of store->entries: mark it used */
        store->entries[(size_t)(slot - store->entries)].state = SLOT_USED;
    }
    return e;
}
