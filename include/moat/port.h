/**
 * @file port.h
 * @brief The port contract: everything moat needs from a platform.
 *
 * A port is a constant table of functions (::moat_port_ops), each taking the
 * port's own context pointer first, plus that context (::moat_port). moat
 * services reach the platform only through this table, so a test can hand
 * them a fake that injects faults (see ports/fault/moat_port_fault.h).
 *
 * A new chip is ported by filling this table in one folder under ports/ and
 * proving it with the port conformance suite (tests/port/); see
 * docs/porting.md for the full guide and the fault model.
 *
 * Common rules, which every function of every port must follow:
 * - Returns ::MOAT_OK or a precise ::moat_err; never anything else.
 * - Fail closed: on any failure every output is wiped (zeroed) over its
 *   documented size, and lengths are set to 0 (except
 *   ::MOAT_ERR_BUFFER_TOO_SMALL, which reports the size needed).
 * - Change nothing on failure: a persistent operation that fails (other than
 *   by a power cut) leaves the stored state exactly as it was.
 * - Durable before return: when a persistent operation returns ::MOAT_OK its
 *   effect survives a power loss that happens afterwards.
 * - Identifiers are small integers, each kind in its own namespace
 *   (record 3 and counter 3 are unrelated). An identifier outside the
 *   documented range gives ::MOAT_ERR_INVALID_ARGUMENT.
 * - NULL pointers where a pointer is required give ::MOAT_ERR_INVALID_ARGUMENT
 *   (a zero length with a NULL buffer is allowed).
 * - Any function pointer may be NULL when the platform lacks the facility;
 *   the moat_port_*() wrappers below then return the documented fallback
 *   code. `entropy` must never be NULL in a usable port.
 *
 * Memory: no heap; the port's context is owned by the caller of the port's
 * open function. Thread safety: a port instance is not thread-safe; callers
 * serialize all calls on one instance (moat services do).
 */
#ifndef MOAT_PORT_H
#define MOAT_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/core.h"
#include "moat/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Version of ::moat_port_ops; a port sets `abi_version` to it. */
#define MOAT_PORT_ABI_VERSION 1u

/** @brief Size of the Unique Device Secret handed to DICE (Open Profile for DICE). */
#define MOAT_PORT_UDS_SIZE 64u
/** @brief Largest record payload in bytes. */
#define MOAT_PORT_RECORD_MAX 4096u
/** @brief Record identifiers are 0 .. MOAT_PORT_RECORD_COUNT-1. */
#define MOAT_PORT_RECORD_COUNT 64u
/** @brief Counter identifiers are 0 .. MOAT_PORT_COUNTER_COUNT-1. */
#define MOAT_PORT_COUNTER_COUNT 16u
/** @brief Slot identifiers are 0 .. MOAT_PORT_SLOT_COUNT-1. */
#define MOAT_PORT_SLOT_COUNT 4u
/** @brief Device key identifiers are 0 .. MOAT_PORT_KEY_COUNT-1. */
#define MOAT_PORT_KEY_COUNT 16u

/** @brief Geometry of an update slot. */
typedef struct moat_port_slot_info {
    size_t size;          /**< usable bytes; reads/writes must stay inside */
    size_t erase_size;    /**< erase block size in bytes (divides size) */
    size_t write_align;   /**< program granularity in bytes (1 if any) */
    uint8_t erased_value; /**< value of every byte after slot_erase (0xFF on NOR flash) */
} moat_port_slot_info;

/**
 * @brief The table of platform functions. Each takes the port's context
 *        (::moat_port::ctx) first. A port defines one `static const` table.
 */
typedef struct moat_port_ops {
    /** Must equal ::MOAT_PORT_ABI_VERSION. */
    uint32_t abi_version;

    /**
     * Fill @p out with @p len bytes from a cryptographically secure source
     * (compatible with ::moat_rng_fn). Any @p len, 0 included.
     * On failure: @p out wiped over @p len, returns ::MOAT_ERR_PORT_ENTROPY.
     * Never returns partially random output.
     */
    moat_err (*entropy)(void *ctx, uint8_t *out, size_t len);

    /**
     * Current trusted time in seconds since 1970-01-01 UTC.
     * Returns ::MOAT_ERR_PORT_NO_TIME with `*unix_seconds = 0` when no time
     * the device can trust is available (RTC never set, not synchronized).
     * Callers then apply their documented no-time policy (e.g. certificate
     * validity periods are not checked, but nothing is accepted *because*
     * of the time).
     */
    moat_err (*time_now)(void *ctx, int64_t *unix_seconds);

    /**
     * Copy the Unique Device Secret (exactly ::MOAT_PORT_UDS_SIZE bytes,
     * @p len must equal it, else ::MOAT_ERR_INVALID_ARGUMENT). The UDS is
     * stable for the life of the device. Returns ::MOAT_ERR_PORT_NO_SECRET
     * when the chip runs DICE in hardware and never exposes its UDS.
     * The caller wipes @p uds after use. On failure @p uds is wiped.
     */
    moat_err (*device_secret)(void *ctx, uint8_t *uds, size_t len);

    /**
     * Digest of the running firmware image with @p alg.
     * @p cap smaller than moat_hash_size(alg) gives ::MOAT_ERR_BUFFER_TOO_SMALL
     * with `*len` = size needed; an unknown @p alg ::MOAT_ERR_UNSUPPORTED;
     * an unreadable image ::MOAT_ERR_PORT_IO. On failure @p digest is wiped
     * over @p cap. Two calls on an unchanged image give the same digest.
     */
    moat_err (*measure_firmware)(void *ctx, moat_hash_alg alg, uint8_t *digest,
                                 size_t cap, size_t *len);

    /**
     * Read monotonic counter @p id. A counter never advanced reads 0.
     * On failure `*value` = 0 (::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO).
     */
    moat_err (*counter_read)(void *ctx, uint32_t id, uint64_t *value);

    /**
     * Set counter @p id to @p new_value. @p new_value equal to the current
     * value succeeds and changes nothing; smaller returns
     * ::MOAT_ERR_PORT_COUNTER_DECREASE with the counter unchanged; above the
     * port's maximum returns ::MOAT_ERR_PORT_COUNTER_OVERFLOW (hardware
     * counters may be narrower than 64 bits). Durable before return and
     * atomic: after a power loss the counter holds the old or the new value.
     */
    moat_err (*counter_advance)(void *ctx, uint32_t id, uint64_t new_value);

    /**
     * Read record @p id into @p buf. `*len` receives its length.
     * ::MOAT_ERR_PORT_NOT_FOUND (`*len` = 0) if it was never written or was
     * erased; ::MOAT_ERR_BUFFER_TOO_SMALL (`*len` = needed, @p buf wiped over
     * @p cap); ::MOAT_ERR_PORT_CORRUPT if the stored copy fails the port's
     * integrity check (never returns a torn record as valid).
     */
    moat_err (*record_read)(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                            size_t *len);

    /**
     * Replace record @p id with @p len bytes (0 .. ::MOAT_PORT_RECORD_MAX;
     * more gives ::MOAT_ERR_INPUT_TOO_LARGE and changes nothing). Atomic:
     * after a power loss at any instant the record reads as the old content
     * (or absent, if it was absent) or the new content, never torn.
     * Durable before return.
     */
    moat_err (*record_write)(void *ctx, uint32_t id, const uint8_t *data,
                             size_t len);

    /**
     * Delete record @p id (it then reads ::MOAT_ERR_PORT_NOT_FOUND). Erasing
     * an absent record succeeds. Atomic and durable before return.
     */
    moat_err (*record_erase)(void *ctx, uint32_t id);

    /**
     * Geometry of slot @p slot. ::MOAT_ERR_PORT_NOT_FOUND if this device has
     * no such slot (@p info wiped).
     */
    moat_err (*slot_info)(void *ctx, uint32_t slot, moat_port_slot_info *info);

    /**
     * Read @p len bytes at @p off. Outside the slot (off + len > size, with
     * overflow checked) gives ::MOAT_ERR_PORT_RANGE. On failure @p buf is
     * wiped over @p len.
     */
    moat_err (*slot_read)(void *ctx, uint32_t slot, size_t off, uint8_t *buf,
                          size_t len);

    /**
     * Program @p len bytes at @p off (bounds as slot_read; @p off and @p len
     * multiples of write_align, else ::MOAT_ERR_INVALID_ARGUMENT). The target
     * range must have been erased since it was last written: the content of
     * bytes programmed twice without an erase is port-defined. NOT atomic:
     * a power loss may leave any prefix of the data written. Durable before
     * return.
     */
    moat_err (*slot_write)(void *ctx, uint32_t slot, size_t off,
                           const uint8_t *data, size_t len);

    /**
     * Erase the whole slot (every byte reads erased_value). NOT atomic: a
     * power loss may leave some erase blocks erased and others not.
     * Durable before return.
     */
    moat_err (*slot_erase)(void *ctx, uint32_t slot);

    /**
     * Generate a fresh key pair @p key_id on @p curve, from the port's own
     * entropy, replacing any previous key atomically (after a power loss the
     * old key or the new key exists, never neither or a mix). The private
     * key never leaves the port. ::MOAT_ERR_UNSUPPORTED for a curve the
     * port cannot hold; entropy failure ::MOAT_ERR_PORT_ENTROPY (nothing
     * changed). Durable before return.
     */
    moat_err (*key_generate)(void *ctx, uint32_t key_id, moat_curve curve);

    /**
     * Public key of @p key_id. ::MOAT_ERR_PORT_NOT_FOUND if none was
     * generated (@p pub wiped).
     */
    moat_err (*key_public)(void *ctx, uint32_t key_id, moat_ec_public_key *pub);

    /**
     * ECDSA-sign the digest @p hash (@p hash_len must equal
     * moat_hash_size(@p hash_alg), else ::MOAT_ERR_INVALID_ARGUMENT) with
     * @p key_id, writing raw r||s (2 * moat_curve_size(key curve) bytes, at
     * most ::MOAT_ECDSA_RAW_MAX) to @p sig_raw. ::MOAT_ERR_PORT_NOT_FOUND if
     * the key does not exist (nothing written). On other failures @p sig_raw
     * is wiped over the signature size.
     */
    moat_err (*key_sign)(void *ctx, uint32_t key_id, moat_hash_alg hash_alg,
                         const uint8_t *hash, size_t hash_len, uint8_t *sig_raw);
} moat_port_ops;

/** @brief A port instance: its function table and its context. */
typedef struct moat_port {
    const moat_port_ops *ops; /**< the port's constant table */
    void *ctx;                /**< passed first to every function */
} moat_port;

/* ------------------------------------------------------------ wrappers */
/*
 * The wrappers check the port (non-NULL, ABI version), return the fallback
 * code when a function is absent, and re-wipe outputs on failure so that a
 * faulty port cannot leak partial output. moat services call these.
 */

/** @brief True if @p port is non-NULL with a table of ABI ::MOAT_PORT_ABI_VERSION (helper of the wrappers). */
static inline bool moat_port_ok_(const moat_port *port)
{
    return port != NULL && port->ops != NULL &&
           port->ops->abi_version == MOAT_PORT_ABI_VERSION;
}

/**
 * @brief Check that @p port is usable: non-NULL, ABI version
 *        ::MOAT_PORT_ABI_VERSION, with an entropy function.
 * @return ::MOAT_OK, ::MOAT_ERR_INVALID_ARGUMENT (NULL) or
 *         ::MOAT_ERR_UNSUPPORTED (other ABI version, no entropy).
 */
static inline moat_err moat_port_check(const moat_port *port)
{
    if (port == NULL || port->ops == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (port->ops->abi_version != MOAT_PORT_ABI_VERSION || port->ops->entropy == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return MOAT_OK;
}

/**
 * @brief Entropy through @p port; a missing source or bad port gives
 *        ::MOAT_ERR_PORT_ENTROPY. On failure @p out is wiped over @p len.
 */
static inline moat_err moat_port_entropy(const moat_port *port, uint8_t *out, size_t len)
{
    moat_err rc = MOAT_ERR_PORT_ENTROPY;
    if (out == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->entropy != NULL) {
        rc = port->ops->entropy(port->ctx, out, len);
    }
    if (rc != MOAT_OK && out != NULL) {
        moat_wipe(out, len);
    }
    return rc;
}

/**
 * @brief ::moat_rng_fn adapter: @p ctx is a `const moat_port *` (passed as
 *        `void *`). Same contract as moat_port_entropy().
 */
static inline moat_err moat_port_rng(void *ctx, uint8_t *out, size_t len)
{
    return moat_port_entropy((const moat_port *)ctx, out, len);
}

/**
 * @brief Trusted time; absent function or bad port gives
 *        ::MOAT_ERR_PORT_NO_TIME. `*unix_seconds` is 0 on failure.
 */
static inline moat_err moat_port_time(const moat_port *port, int64_t *unix_seconds)
{
    moat_err rc = MOAT_ERR_PORT_NO_TIME;
    if (unix_seconds == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->time_now != NULL) {
        rc = port->ops->time_now(port->ctx, unix_seconds);
    }
    if (rc != MOAT_OK) {
        *unix_seconds = 0;
    }
    return rc;
}

/**
 * @brief The UDS (@p len must be ::MOAT_PORT_UDS_SIZE); absent function or
 *        bad port gives ::MOAT_ERR_PORT_NO_SECRET. @p uds wiped on failure.
 */
static inline moat_err moat_port_device_secret(const moat_port *port, uint8_t *uds, size_t len)
{
    moat_err rc = MOAT_ERR_PORT_NO_SECRET;
    if (uds == NULL || len != MOAT_PORT_UDS_SIZE) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->device_secret != NULL) {
        rc = port->ops->device_secret(port->ctx, uds, len);
    }
    if (rc != MOAT_OK) {
        moat_wipe(uds, len);
    }
    return rc;
}

/**
 * @brief Firmware measurement; absent function or bad port gives
 *        ::MOAT_ERR_UNSUPPORTED. Output convention of core.h.
 */
static inline moat_err moat_port_measure_firmware(const moat_port *port, moat_hash_alg alg,
                                                  uint8_t *digest, size_t cap, size_t *len)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (digest == NULL || len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (moat_port_ok_(port) && port->ops->measure_firmware != NULL) {
        rc = port->ops->measure_firmware(port->ctx, alg, digest, cap, len);
    }
    if (rc != MOAT_OK) {
        moat_wipe(digest, cap);
        if (rc != MOAT_ERR_BUFFER_TOO_SMALL) {
            *len = 0;
        }
    }
    return rc;
}

/** @brief Counter read; absent function gives ::MOAT_ERR_UNSUPPORTED; `*value` 0 on failure. */
static inline moat_err moat_port_counter_read(const moat_port *port, uint32_t id, uint64_t *value)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (value == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->counter_read != NULL) {
        rc = port->ops->counter_read(port->ctx, id, value);
    }
    if (rc != MOAT_OK) {
        *value = 0;
    }
    return rc;
}

/** @brief Counter advance (see ::moat_port_ops::counter_advance); absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_counter_advance(const moat_port *port, uint32_t id, uint64_t new_value)
{
    if (!moat_port_ok_(port) || port->ops->counter_advance == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->counter_advance(port->ctx, id, new_value);
}

/** @brief Record read (see ::moat_port_ops::record_read); absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_record_read(const moat_port *port, uint32_t id, uint8_t *buf,
                                             size_t cap, size_t *len)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (len == NULL || (buf == NULL && cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (moat_port_ok_(port) && port->ops->record_read != NULL) {
        rc = port->ops->record_read(port->ctx, id, buf, cap, len);
    }
    if (rc != MOAT_OK) {
        if (buf != NULL) {
            moat_wipe(buf, cap);
        }
        if (rc != MOAT_ERR_BUFFER_TOO_SMALL) {
            *len = 0;
        }
    }
    return rc;
}

/** @brief Record write (see ::moat_port_ops::record_write); absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_record_write(const moat_port *port, uint32_t id,
                                              const uint8_t *data, size_t len)
{
    if (!moat_port_ok_(port) || port->ops->record_write == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->record_write(port->ctx, id, data, len);
}

/** @brief Record erase (see ::moat_port_ops::record_erase); absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_record_erase(const moat_port *port, uint32_t id)
{
    if (!moat_port_ok_(port) || port->ops->record_erase == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->record_erase(port->ctx, id);
}

/** @brief Slot geometry; absent function gives ::MOAT_ERR_PORT_NOT_FOUND (no slots). */
static inline moat_err moat_port_slot_info_get(const moat_port *port, uint32_t slot,
                                               moat_port_slot_info *info)
{
    moat_err rc = MOAT_ERR_PORT_NOT_FOUND;
    if (info == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->slot_info != NULL) {
        rc = port->ops->slot_info(port->ctx, slot, info);
    }
    if (rc != MOAT_OK) {
        moat_wipe(info, sizeof(*info));
    }
    return rc;
}

/** @brief Slot read; absent gives ::MOAT_ERR_UNSUPPORTED; @p buf wiped on failure. */
static inline moat_err moat_port_slot_read(const moat_port *port, uint32_t slot, size_t off,
                                           uint8_t *buf, size_t len)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (buf == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->slot_read != NULL) {
        rc = port->ops->slot_read(port->ctx, slot, off, buf, len);
    }
    if (rc != MOAT_OK && buf != NULL) {
        moat_wipe(buf, len);
    }
    return rc;
}

/** @brief Slot write; absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_slot_write(const moat_port *port, uint32_t slot, size_t off,
                                            const uint8_t *data, size_t len)
{
    if (!moat_port_ok_(port) || port->ops->slot_write == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->slot_write(port->ctx, slot, off, data, len);
}

/** @brief Slot erase; absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_slot_erase(const moat_port *port, uint32_t slot)
{
    if (!moat_port_ok_(port) || port->ops->slot_erase == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->slot_erase(port->ctx, slot);
}

/** @brief Key generation; absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_key_generate(const moat_port *port, uint32_t key_id,
                                              moat_curve curve)
{
    if (!moat_port_ok_(port) || port->ops->key_generate == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->key_generate(port->ctx, key_id, curve);
}

/** @brief Public key of a device key; absent gives ::MOAT_ERR_UNSUPPORTED; @p pub wiped on failure. */
static inline moat_err moat_port_key_public(const moat_port *port, uint32_t key_id,
                                            moat_ec_public_key *pub)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->key_public != NULL) {
        rc = port->ops->key_public(port->ctx, key_id, pub);
    }
    if (rc != MOAT_OK) {
        moat_wipe(pub, sizeof(*pub));
    }
    return rc;
}

/** @brief Sign with a device key; absent gives ::MOAT_ERR_UNSUPPORTED. */
static inline moat_err moat_port_key_sign(const moat_port *port, uint32_t key_id,
                                          moat_hash_alg hash_alg, const uint8_t *hash,
                                          size_t hash_len, uint8_t *sig_raw)
{
    if (!moat_port_ok_(port) || port->ops->key_sign == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->key_sign(port->ctx, key_id, hash_alg, hash, hash_len, sig_raw);
}

/* -------------------------------------------------------------- signer */

/**
 * @brief Binds a port and a device key id, as the context of a
 *        ::moat_signer built by moat_port_signer(). Caller-owned; it must
 *        outlive the signer, and so must the port.
 */
typedef struct moat_port_key {
    const moat_port *port; /**< the port holding the key */
    uint32_t key_id;       /**< the device key */
} moat_port_key;

/** @brief The ::moat_signer sign callback used by moat_port_signer(): @p ctx is a ::moat_port_key. */
static inline moat_err moat_port_signer_sign_(void *ctx, moat_hash_alg hash_alg,
                                              const uint8_t *hash, size_t hash_len,
                                              uint8_t *sig_raw)
{
    const moat_port_key *k = (const moat_port_key *)ctx;
    if (k == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_port_key_sign(k->port, k->key_id, hash_alg, hash, hash_len, sig_raw);
}

/**
 * @brief Build a ::moat_signer whose signatures are made by device key
 *        @p key_id of @p port (the private key never leaves the port).
 *
 * Reads the public key once (so JOSE/X.509 writers can name it).
 * @param key caller-owned storage that must outlive @p out
 * @param port the port holding the key
 * @param key_id the device key
 * @param[out] out the signer
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL);
 *         ::MOAT_ERR_PORT_NOT_FOUND (no such key) or any key_public error.
 *         On failure @p out is wiped.
 * Thread safety: as the port.
 */
static inline moat_err moat_port_signer(moat_port_key *key, const moat_port *port,
                                        uint32_t key_id, moat_signer *out)
{
    moat_err rc;
    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(out, sizeof(*out));
    if (key == NULL || port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_key_public(port, key_id, &out->pub);
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
        return rc;
    }
    key->port = port;
    key->key_id = key_id;
    out->curve = out->pub.curve;
    out->sign = moat_port_signer_sign_;
    out->ctx = key;
    return MOAT_OK;
}

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_H */
