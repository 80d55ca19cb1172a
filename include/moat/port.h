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
 * docs/porting.md for the full guide and the fault model. The fault port
 * cuts power only between calls: it proves the caller-visible contract at
 * call granularity, not the atomicity of one operation inside a port,
 * which each port must prove itself (the POSIX port with crash points and
 * kill tests; hardware ports with real power interruption).
 *
 * Common rules, which every function of every port must follow:
 * - Returns ::MOAT_OK or a precise ::moat_err; never anything else.
 * - Fail closed: on any failure every output is wiped (zeroed) over its
 *   documented size, and lengths are set to 0 (except
 *   ::MOAT_ERR_BUFFER_TOO_SMALL, which reports the size needed).
 * - Change nothing on failure: a persistent operation that fails (other than
 *   by a power cut, or with ::MOAT_ERR_PORT_IO, below) leaves the stored
 *   state exactly as it was.
 * - ::MOAT_ERR_PORT_IO from a persistent operation (counter_advance,
 *   record_write, record_erase, key_generate, slot_write, slot_erase) means
 *   the outcome is unknown, as after a power cut: the storage failed at a
 *   point where the change may already have happened and cannot be undone
 *   (e.g. the POSIX port's directory fsync() failing after the rename).
 *   The caller may assume only what a power cut allows: each atomic item
 *   holds its old or its new value, intact, and may keep either across a
 *   later power loss; it must re-read (or retry the same write) before
 *   relying on either.
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
#include <string.h>

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
     * Storage of a counter that has gone missing or fails its check is
     * ::MOAT_ERR_PORT_CORRUPT, never 0 (a counter must not go back).
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
     * power loss may leave some erase blocks erased and others not (the
     * fault port cannot produce that state: there is no partial-erase call,
     * so its torn erase leaves the slot untouched). Durable before return.
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
     * @p key_id, writing raw r||s (2 * moat_curve_size(key curve) bytes) to
     * @p sig_raw, which must have room for ::MOAT_ECDSA_RAW_MAX bytes (bytes
     * past the signature are left untouched on success).
     * ::MOAT_ERR_PORT_NOT_FOUND if the key does not exist;
     * ::MOAT_ERR_PORT_CORRUPT if its storage fails its check. On EVERY
     * failure (@p sig_raw NULL aside) @p sig_raw is wiped over
     * ::MOAT_ECDSA_RAW_MAX bytes: the curve of a key that cannot be loaded
     * is unknown.
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

/**
 * @brief True if @p port is non-NULL with a table of ABI
 *        ::MOAT_PORT_ABI_VERSION (helper of the wrappers).
 * @param port the port, or NULL
 * @return true when @p port and its table are non-NULL and the ABI
 *         version matches; false otherwise. Never fails.
 *
 * Memory: no stack beyond the call. Thread safety: reentrant (reads only).
 */
static inline bool moat_port_ok_(const moat_port *port)
{
    return port != NULL && port->ops != NULL &&
           port->ops->abi_version == MOAT_PORT_ABI_VERSION;
}

/**
 * @brief Check that @p port is usable: non-NULL, ABI version
 *        ::MOAT_PORT_ABI_VERSION, with an entropy function.
 * @param port the port to check
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port or its table NULL);
 *   ::MOAT_ERR_UNSUPPORTED (another ABI version, or no entropy function).
 *
 * Memory: no heap, no port call. Thread safety: reentrant (reads only).
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
 * @param port the port
 * @param[out] out receives @p len random bytes (may be NULL when @p len
 *        is 0)
 * @param len number of bytes, 0 included
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL with @p len != 0);
 *   ::MOAT_ERR_PORT_ENTROPY (the source failed, or @p port NULL, of another
 *   ABI or without entropy);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off);
 *   any other code the port's entropy returns (none in a conforming port).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
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
 * @param ctx the port (`const moat_port *`)
 * @param[out] out receives @p len random bytes; wiped on failure
 * @param len number of bytes
 * @return as moat_port_entropy() (a NULL @p ctx gives
 *         ::MOAT_ERR_PORT_ENTROPY).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_rng(void *ctx, uint8_t *out, size_t len)
{
    return moat_port_entropy((const moat_port *)ctx, out, len);
}

/**
 * @brief Trusted time; absent function or bad port gives
 *        ::MOAT_ERR_PORT_NO_TIME. `*unix_seconds` is 0 on failure.
 * @param port the port
 * @param[out] unix_seconds seconds since 1970-01-01 UTC; 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p unix_seconds NULL, or the port rejects
 *   its context);
 *   ::MOAT_ERR_PORT_NO_TIME (no trusted time, no time_now, or a bad port);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
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
 * @param port the port
 * @param[out] uds receives the Unique Device Secret (a secret: the caller
 *        wipes it after use)
 * @param len must equal ::MOAT_PORT_UDS_SIZE
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p uds NULL or @p len wrong);
 *   ::MOAT_ERR_PORT_NO_SECRET (the UDS is never exposed, no device_secret,
 *   or a bad port);
 *   ::MOAT_ERR_PORT_CORRUPT (the stored UDS is missing or damaged);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
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
 * @param port the port
 * @param alg the digest algorithm
 * @param[out] digest receives the digest; wiped over @p cap on failure
 * @param cap its capacity
 * @param[out] len the digest size; on ::MOAT_ERR_BUFFER_TOO_SMALL the size
 *        needed; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p digest or @p len NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg unknown to the port, no
 *   measure_firmware, or a bad port);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p cap below moat_hash_size(@p alg));
 *   ::MOAT_ERR_PORT_IO (image unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's (the POSIX port
 * hashes in 4 KiB chunks). Thread safety: as the port.
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

/**
 * @brief Counter read (see ::moat_port_ops::counter_read); absent function
 *        or bad port gives ::MOAT_ERR_UNSUPPORTED; `*value` 0 on failure.
 * @param port the port
 * @param id counter, 0 .. ::MOAT_PORT_COUNTER_COUNT-1
 * @param[out] value the counter (0 if never advanced); 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p value NULL, or @p id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no counter_read, or a bad port);
 *   ::MOAT_ERR_PORT_CORRUPT (the counter's storage is missing or fails its
 *   check);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
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

/**
 * @brief Counter advance (see ::moat_port_ops::counter_advance); absent
 *        function or bad port gives ::MOAT_ERR_UNSUPPORTED. Atomic and
 *        durable before return.
 * @param port the port
 * @param id counter, 0 .. ::MOAT_PORT_COUNTER_COUNT-1
 * @param new_value the new value, not below the current one (equal: no-op)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no counter_advance, or a bad port);
 *   ::MOAT_ERR_PORT_COUNTER_DECREASE (@p new_value below the current
 *   value; unchanged);
 *   ::MOAT_ERR_PORT_COUNTER_OVERFLOW (above the port's maximum; unchanged);
 *   ::MOAT_ERR_PORT_CORRUPT (the current value cannot be read back);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: see the rule in the file comment);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this write).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_counter_advance(const moat_port *port, uint32_t id, uint64_t new_value)
{
    if (!moat_port_ok_(port) || port->ops->counter_advance == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->counter_advance(port->ctx, id, new_value);
}

/**
 * @brief Record read (see ::moat_port_ops::record_read); absent function or
 *        bad port gives ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param id record, 0 .. ::MOAT_PORT_RECORD_COUNT-1
 * @param[out] buf receives the record (may be NULL when @p cap is 0);
 *        wiped over @p cap on failure
 * @param cap its capacity (::MOAT_PORT_RECORD_MAX always suffices)
 * @param[out] len the record's length; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        size needed; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p len NULL, @p buf NULL with @p cap != 0,
 *   or @p id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no record_read, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (never written, or erased);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p cap below the record's length);
 *   ::MOAT_ERR_PORT_CORRUPT (the stored copy fails its integrity check);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
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

/**
 * @brief Record write (see ::moat_port_ops::record_write); absent function
 *        or bad port gives ::MOAT_ERR_UNSUPPORTED. Atomic (old or new
 *        content after a power loss) and durable before return.
 * @param port the port
 * @param id record, 0 .. ::MOAT_PORT_RECORD_COUNT-1
 * @param data the new content (may be NULL when @p len is 0)
 * @param len its length, 0 .. ::MOAT_PORT_RECORD_MAX
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p id out of range, or @p data NULL with
 *   @p len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (no record_write, or a bad port);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above ::MOAT_PORT_RECORD_MAX;
 *   nothing changed);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: see the rule in the file comment);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this write).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_record_write(const moat_port *port, uint32_t id,
                                              const uint8_t *data, size_t len)
{
    if (!moat_port_ok_(port) || port->ops->record_write == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->record_write(port->ctx, id, data, len);
}

/**
 * @brief Record erase (see ::moat_port_ops::record_erase); absent function
 *        or bad port gives ::MOAT_ERR_UNSUPPORTED. Erasing an absent record
 *        succeeds. Atomic and durable before return.
 * @param port the port
 * @param id record, 0 .. ::MOAT_PORT_RECORD_COUNT-1
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no record_erase, or a bad port);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: see the rule in the file comment);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this write).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_record_erase(const moat_port *port, uint32_t id)
{
    if (!moat_port_ok_(port) || port->ops->record_erase == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->record_erase(port->ctx, id);
}

/**
 * @brief Slot geometry (see ::moat_port_ops::slot_info); absent function or
 *        bad port gives ::MOAT_ERR_PORT_NOT_FOUND (no slots).
 * @param port the port
 * @param slot slot, 0 .. ::MOAT_PORT_SLOT_COUNT-1
 * @param[out] info the geometry; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p info NULL, or @p slot out of range);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such slot on this device, no slot_info,
 *   or a bad port);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
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

/**
 * @brief Slot read (see ::moat_port_ops::slot_read); absent function or bad
 *        port gives ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param slot slot, 0 .. ::MOAT_PORT_SLOT_COUNT-1
 * @param off offset in the slot
 * @param[out] buf receives @p len bytes (may be NULL when @p len is 0);
 *        wiped over @p len on failure
 * @param len number of bytes
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p buf NULL with @p len != 0, or @p slot
 *   out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no slot_read, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such slot on this device);
 *   ::MOAT_ERR_PORT_RANGE (@p off + @p len beyond the slot, or overflowing);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
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

/**
 * @brief Slot write (see ::moat_port_ops::slot_write: NOT atomic; the range
 *        must be erased first); absent function or bad port gives
 *        ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param slot slot, 0 .. ::MOAT_PORT_SLOT_COUNT-1
 * @param off offset in the slot, a multiple of write_align
 * @param data the bytes to program (may be NULL when @p len is 0)
 * @param len their number, a multiple of write_align
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p data NULL with @p len != 0, @p slot out
 *   of range, or @p off / @p len not multiples of write_align);
 *   ::MOAT_ERR_UNSUPPORTED (no slot_write, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such slot on this device);
 *   ::MOAT_ERR_PORT_RANGE (@p off + @p len beyond the slot, or overflowing);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: any prefix may be written);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this write).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_slot_write(const moat_port *port, uint32_t slot, size_t off,
                                            const uint8_t *data, size_t len)
{
    if (!moat_port_ok_(port) || port->ops->slot_write == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->slot_write(port->ctx, slot, off, data, len);
}

/**
 * @brief Slot erase (see ::moat_port_ops::slot_erase: NOT atomic); absent
 *        function or bad port gives ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param slot slot, 0 .. ::MOAT_PORT_SLOT_COUNT-1
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p slot out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no slot_erase, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such slot on this device);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: some blocks may be erased);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this erase).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_slot_erase(const moat_port *port, uint32_t slot)
{
    if (!moat_port_ok_(port) || port->ops->slot_erase == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->slot_erase(port->ctx, slot);
}

/**
 * @brief Key generation (see ::moat_port_ops::key_generate: replaces any
 *        previous key atomically); absent function or bad port gives
 *        ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param key_id device key, 0 .. ::MOAT_PORT_KEY_COUNT-1
 * @param curve the curve of the new key
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p key_id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (a curve the port cannot hold, no key_generate,
 *   or a bad port);
 *   ::MOAT_ERR_PORT_ENTROPY (the entropy source failed; nothing changed);
 *   ::MOAT_ERR_PORT_IO (outcome unknown: old or new key);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power lost during or before
 *   this write);
 *   a port may also pass on the crypto error of key encoding
 *   (::MOAT_ERR_INTERNAL; not expected).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_key_generate(const moat_port *port, uint32_t key_id,
                                              moat_curve curve)
{
    if (!moat_port_ok_(port) || port->ops->key_generate == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return port->ops->key_generate(port->ctx, key_id, curve);
}

/**
 * @brief Public key of a device key (see ::moat_port_ops::key_public);
 *        absent function or bad port gives ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param key_id device key, 0 .. ::MOAT_PORT_KEY_COUNT-1
 * @param[out] pub the public key; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub NULL, or @p key_id out of range);
 *   ::MOAT_ERR_UNSUPPORTED (no key_public, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no key was generated);
 *   ::MOAT_ERR_PORT_CORRUPT (the key's storage fails its check);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off);
 *   a port may also pass on the crypto error of deriving the public key
 *   (::MOAT_ERR_INTERNAL; not expected).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
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

/**
 * @brief Sign with a device key (see ::moat_port_ops::key_sign: @p sig_raw
 *        has room for ::MOAT_ECDSA_RAW_MAX bytes, wiped over them on any
 *        failure); absent function or bad port gives ::MOAT_ERR_UNSUPPORTED.
 * @param port the port
 * @param key_id device key, 0 .. ::MOAT_PORT_KEY_COUNT-1
 * @param hash_alg the digest's algorithm
 * @param hash the digest
 * @param hash_len its length, moat_hash_size(@p hash_alg)
 * @param[out] sig_raw raw r||s, 2 * moat_curve_size(key curve) bytes; room
 *        for ::MOAT_ECDSA_RAW_MAX required
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p sig_raw or @p hash NULL, @p key_id out
 *   of range, or @p hash_len not moat_hash_size(@p hash_alg));
 *   ::MOAT_ERR_UNSUPPORTED (no key_sign, or a bad port);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such key);
 *   ::MOAT_ERR_PORT_CORRUPT (the key's storage fails its check);
 *   ::MOAT_ERR_PORT_IO (storage unreadable);
 *   ::MOAT_ERR_PORT_POWER_CUT (the fault port: power is off);
 *   a port may also pass on the error of its signing backend (e.g.
 *   ::MOAT_ERR_INTERNAL; not expected).
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety:
 * as the port (calls on one port instance are serialized by the caller).
 */
static inline moat_err moat_port_key_sign(const moat_port *port, uint32_t key_id,
                                          moat_hash_alg hash_alg, const uint8_t *hash,
                                          size_t hash_len, uint8_t *sig_raw)
{
    moat_err rc = MOAT_ERR_UNSUPPORTED;
    if (sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_port_ok_(port) && port->ops->key_sign != NULL) {
        rc = port->ops->key_sign(port->ctx, key_id, hash_alg, hash, hash_len, sig_raw);
    }
    if (rc != MOAT_OK) {
        moat_wipe(sig_raw, MOAT_ECDSA_RAW_MAX);
    }
    return rc;
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
    moat_curve curve;      /**< its curve when the signer was built */
} moat_port_key;

/**
 * @brief The ::moat_signer sign callback used by moat_port_signer(): @p ctx
 *        is a ::moat_port_key. @p sig_raw holds 2 * moat_curve_size(curve)
 *        bytes (the ::moat_signer contract); the port signs into a
 *        ::MOAT_ECDSA_RAW_MAX buffer of its own, so a port wiping its full
 *        output on failure never overruns @p sig_raw.
 * @param ctx the ::moat_port_key
 * @param hash_alg the digest's algorithm
 * @param hash the digest
 * @param hash_len its length
 * @param[out] sig_raw 2 * moat_curve_size(curve) bytes; wiped over them on
 *        failure (after the NULL checks)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p sig_raw NULL);
 *   ::MOAT_ERR_UNSUPPORTED (the key's curve unknown);
 *   the errors of moat_port_key_sign().
 *
 * Memory: no heap; ::MOAT_ECDSA_RAW_MAX bytes of stack (wiped) plus the
 * port's. Thread safety: as the port.
 */
static inline moat_err moat_port_signer_sign_(void *ctx, moat_hash_alg hash_alg,
                                              const uint8_t *hash, size_t hash_len,
                                              uint8_t *sig_raw)
{
    const moat_port_key *k = (const moat_port_key *)ctx;
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    size_t n;
    moat_err rc;
    if (k == NULL || sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    n = 2u * moat_curve_size(k->curve);
    if (n == 0 || n > sizeof(raw)) {
        return MOAT_ERR_UNSUPPORTED;
    }
    rc = moat_port_key_sign(k->port, k->key_id, hash_alg, hash, hash_len, raw);
    if (rc == MOAT_OK) {
        memcpy(sig_raw, raw, n);
    } else {
        moat_wipe(sig_raw, n);
    }
    moat_wipe(raw, sizeof(raw));
    return rc;
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p key, @p port or @p out NULL);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no such key) or any other error of
 *   moat_port_key_public() (::MOAT_ERR_INVALID_ARGUMENT for @p key_id out
 *   of range, ::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_PORT_CORRUPT,
 *   ::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT, ::MOAT_ERR_INTERNAL).
 *   On failure @p out is wiped and @p key is unchanged.
 *
 * Memory: no heap; a few bytes of stack plus the port's. Thread safety: as
 * the port.
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
    key->curve = out->pub.curve;
    out->curve = out->pub.curve;
    out->sign = moat_port_signer_sign_;
    out->ctx = key;
    return MOAT_OK;
}

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_H */
