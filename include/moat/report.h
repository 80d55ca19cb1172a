/**
 * @file report.h
 * @brief Failure reporting: record failure events in a power-safe ring of
 *        port records, export them as a signed batch (a JWT), verify a
 *        batch on the service, acknowledge it, and free what the service
 *        acknowledged.
 *
 * Device side: moat_report_open(), moat_report_boot() (once per boot),
 * moat_report_record(), moat_report_export(), moat_report_ack_apply().
 * Service side: moat_report_batch_verify(), moat_report_ack_sign().
 * docs/reports.md has the full text of the formats and the power-loss
 * model; in short:
 *
 * Ring. Event number `id` (1, 2, 3, ...) lives in port record
 * `record_base + (id - 1) % MOAT_REPORT_RING_SIZE`, one event per record
 * (::MOAT_REPORT_RECORD_SIZE bytes). There is no index record: every slot
 * carries its id, the cumulative drop count and the acknowledgement floor
 * known when it was written, and the ring state is derived from the slots
 * alone (next id = highest id + 1; dropped = highest drop count; floor =
 * highest floor; the unacknowledged events are the ids above the floor
 * still held). Every change is ONE atomic record_write (port.h), so a power
 * cut at any instant leaves the ring before or after that change, never
 * anything else: recording never touches another event's slot except the
 * oldest one it overwrites by design (counted as dropped when it was not
 * acknowledged), and freeing is one write that raises the floor.
 * Slots are never erased, so ids never repeat, even across reboots.
 *
 * Batch. A compact JWS (RFC 7515) with "typ":"moat-report+jwt", signed by
 * the caller's ::moat_signer (ES256 for P-256, ES384 for P-384): the
 * attestation (alias) key when the device has one (docs/dice.md), else the
 * device key. Claims (RFC 7519):
 * {"iss":device id,"iat":time (only with trusted time),"moat_report":1,
 *  "first_id":n,"last_id":n,"dropped":n,"events":[{"id","kind",
 *  "component","version","code","time" | "boot"}...]}.
 *
 * Acknowledgement. A compact JWS with "typ":"moat-report-ack+jwt" signed by
 * the service: {"moat_report_ack":1,"device":id,"ack_through":n[,"iat"]}.
 * The device accepts it under the service key it trusts, for its own
 * device id, with ack_through at most the last id it exported since
 * moat_report_open().
 *
 * Memory: no heap. The device context is a small caller-owned struct;
 * export writes into the caller's output buffer (the payload is built in
 * its tail); batch verification takes a caller workspace
 * (::MOAT_REPORT_VERIFY_WORK_SIZE). Stack peaks are those of JWS signing
 * and verification (jose.h) plus about 1 KiB (export) or 6 KiB
 * (acknowledgement verification).
 *
 * Thread safety: a ::moat_report context and its port are not thread-safe;
 * serialize every call on one context. The service functions are reentrant.
 */
#ifndef MOAT_REPORT_H
#define MOAT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/jose.h"
#include "moat/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================ constants */

/** @brief Slots of the ring (port records used; events kept at most). */
#define MOAT_REPORT_RING_SIZE 16u
/** @brief Size of one stored slot record in bytes. */
#define MOAT_REPORT_RECORD_SIZE 112u
/** @brief Default first port record of the ring (records 32..47). */
#define MOAT_REPORT_DEFAULT_RECORD_BASE 32u
/** @brief Default port counter used as the boot counter. */
#define MOAT_REPORT_DEFAULT_BOOT_COUNTER 7u
/** @brief Longest component name (bytes, printable ASCII, at least 1). */
#define MOAT_REPORT_COMPONENT_MAX 32u
/** @brief Longest version string (bytes, printable ASCII, may be empty). */
#define MOAT_REPORT_VERSION_MAX 32u
/** @brief Longest device id (bytes, printable ASCII, at least 1). */
#define MOAT_REPORT_DEVICE_ID_MAX 64u
/** @brief Largest record id, drop count, time or boot value (2^53-1, exact in JSON). */
#define MOAT_REPORT_INT_MAX 9007199254740991ull
/** @brief Most events in one batch. */
#define MOAT_REPORT_BATCH_MAX MOAT_REPORT_RING_SIZE
/** @brief Largest JSON text of one event (bytes, bound). */
#define MOAT_REPORT_EVENT_JSON_MAX 320u
/** @brief Largest batch claims set (bytes). */
#define MOAT_REPORT_PAYLOAD_MAX (512u + MOAT_REPORT_BATCH_MAX * MOAT_REPORT_EVENT_JSON_MAX)
/** @brief Largest JSON values in a batch claims set. */
#define MOAT_REPORT_PAYLOAD_MAX_VALUES (16u + MOAT_REPORT_BATCH_MAX * 10u)
/** @brief Largest batch token (bytes, NUL included). */
#define MOAT_REPORT_TOKEN_MAX MOAT_JWS_COMPACT_SIZE(MOAT_REPORT_PAYLOAD_MAX)
/**
 * @brief Output capacity moat_report_export() needs for a claims set of
 *        @p p bytes: the token bound, plus the claims set and its NUL built
 *        in the tail of the buffer.
 */
#define MOAT_REPORT_EXPORT_SIZE(p) (MOAT_JWS_COMPACT_SIZE(p) + (size_t)(p) + 1u)
/** @brief Output capacity always enough for moat_report_export(). */
#define MOAT_REPORT_EXPORT_MAX MOAT_REPORT_EXPORT_SIZE(MOAT_REPORT_PAYLOAD_MAX)
/** @brief Workspace of moat_report_batch_verify() (about 31 KiB). */
#define MOAT_REPORT_VERIFY_WORK_SIZE \
    (MOAT_REPORT_PAYLOAD_MAX + MOAT_JWS_HEADER_MAX + 1u + \
     MOAT_JSON_ARENA_SIZE(MOAT_REPORT_PAYLOAD_MAX, MOAT_REPORT_PAYLOAD_MAX_VALUES) + 16u)
/** @brief Largest acknowledgement claims set (bytes). */
#define MOAT_REPORT_ACK_PAYLOAD_MAX 320u
/** @brief Largest acknowledgement token (bytes, NUL included). */
#define MOAT_REPORT_ACK_TOKEN_MAX MOAT_JWS_COMPACT_SIZE(MOAT_REPORT_ACK_PAYLOAD_MAX)
/** @brief "iat" value meaning "no iat claim" for moat_report_ack_sign(). */
#define MOAT_REPORT_NO_IAT INT64_MIN
/** @brief JWS "typ" of a batch. */
#define MOAT_REPORT_TYP "moat-report+jwt"
/** @brief JWS "typ" of an acknowledgement. */
#define MOAT_REPORT_ACK_TYP "moat-report-ack+jwt"

/** @brief What failed. Stored as a byte; named in JSON by moat_report_kind_name(). */
typedef enum moat_report_kind {
    MOAT_REPORT_CRASH = 1,               /**< "crash" */
    MOAT_REPORT_WATCHDOG_RESET = 2,      /**< "watchdog_reset" */
    MOAT_REPORT_UPDATE_FAILURE = 3,      /**< "update_failure" */
    MOAT_REPORT_ATTESTATION_FAILURE = 4, /**< "attestation_failure" */
    MOAT_REPORT_SECURITY_VIOLATION = 5   /**< "security_violation" */
} moat_report_kind;

/** @brief One failure event (as recorded, listed or verified). */
typedef struct moat_report_event {
    uint64_t id;                                  /**< record id, 1..::MOAT_REPORT_INT_MAX */
    moat_report_kind kind;                        /**< what failed */
    int32_t code;                                 /**< caller's failure code */
    bool has_time;                                /**< true: @c time is set; false: @c boot is */
    int64_t time;                                 /**< trusted time (s since 1970), 0 if none */
    uint64_t boot;                                /**< boot counter value when there was no time, else 0 */
    char component[MOAT_REPORT_COMPONENT_MAX + 1u]; /**< NUL-terminated */
    char version[MOAT_REPORT_VERSION_MAX + 1u];     /**< NUL-terminated */
} moat_report_event;

/** @brief A verified batch (service side). */
typedef struct moat_report_batch {
    char device[MOAT_REPORT_DEVICE_ID_MAX + 1u]; /**< "iss", NUL-terminated */
    bool has_iat;                                /**< "iat" present */
    int64_t iat;                                 /**< its value, 0 if absent */
    uint64_t first_id;                           /**< id of events[0] */
    uint64_t last_id;                            /**< id of events[count-1] */
    uint64_t dropped;                            /**< cumulative events dropped unacknowledged */
    size_t count;                                /**< number of events (last_id - first_id + 1) */
    moat_report_event events[MOAT_REPORT_BATCH_MAX]; /**< oldest first */
} moat_report_batch;

/** @brief Where the ring lives (NULL config: the defaults). */
typedef struct moat_report_config {
    /** First port record; the ring uses records record_base ..
     *  record_base + ::MOAT_REPORT_RING_SIZE - 1, which nothing else may use. */
    uint32_t record_base;
    /** Port counter advanced once per boot by moat_report_boot(). */
    uint32_t boot_counter;
} moat_report_config;

/** @brief A ring snapshot (moat_report_status()). */
typedef struct moat_report_status {
    uint64_t next_id;   /**< id the next event gets */
    uint64_t ack_floor; /**< every id up to this one is acknowledged */
    uint64_t dropped;   /**< cumulative events dropped unacknowledged */
    uint64_t boot;      /**< current boot counter value */
    uint64_t exported_through; /**< highest id exported since open (0: none) */
    size_t pending;     /**< unacknowledged events held */
} moat_report_status;

/** @brief Device context (caller-owned; use the functions, not the fields). */
typedef struct moat_report {
    const moat_port *port;   /**< the port (must outlive the context) */
    uint32_t record_base;    /**< first ring record */
    uint32_t boot_counter;   /**< boot counter id */
    uint64_t next_id;        /**< highest stored id + 1 */
    uint64_t ack_floor;      /**< acknowledged through */
    uint64_t dropped;        /**< cumulative drop count */
    uint64_t boot;           /**< boot counter value */
    uint64_t exported_through; /**< highest id exported since open */
    bool open;               /**< between open and a failed write */
    char device[MOAT_REPORT_DEVICE_ID_MAX + 1u]; /**< device id */
} moat_report;

/* ========================================================= device side */

/**
 * @brief The JSON name of a kind ("crash", "watchdog_reset",
 *        "update_failure", "attestation_failure", "security_violation").
 * @param kind any value
 * @return a static string, or NULL for a value outside ::moat_report_kind.
 *         Cannot fail; no heap; reentrant.
 */
const char *moat_report_kind_name(moat_report_kind kind);

/**
 * @brief Open the ring: read every slot, check it, and derive the ring
 *        state (next id, acknowledgement floor, drop count) from the slots
 *        alone; read the boot counter. Writes nothing.
 *
 * Each present slot must be a well-formed record of this format, hold the
 * id that the highest id implies for that slot (a slot holding any other id,
 * or a missing slot below the highest id, is an inconsistent ring), and a
 * freed slot must be at or below its own floor.
 *
 * @param ctx caller-owned context (wiped first)
 * @param port the port (must outlive @p ctx)
 * @param device_id the device's identifier, the "iss" of its batches:
 *        1..::MOAT_REPORT_DEVICE_ID_MAX bytes of printable ASCII
 *        (0x20..0x7E), NUL-terminated. Recommended: the RFC 7638 thumbprint
 *        of the DeviceID public key, which does not change with firmware.
 * @param cfg NULL for ::MOAT_REPORT_DEFAULT_RECORD_BASE and
 *        ::MOAT_REPORT_DEFAULT_BOOT_COUNTER
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p port NULL; the record range
 *   outside the port's records; the counter outside its counters);
 *   ::MOAT_ERR_REPORT_FIELD (@p device_id NULL, empty, too long or not
 *   printable ASCII);
 *   ::MOAT_ERR_REPORT_STORE (a slot malformed or inconsistent);
 *   the port's read errors (::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO,
 *   ::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_PORT_POWER_CUT, and
 *   ::MOAT_ERR_BUFFER_TOO_SMALL mapped to ::MOAT_ERR_REPORT_STORE).
 *   On failure @p ctx is wiped.
 *
 * Memory: no heap; about 0.5 KiB of stack. Thread safety: not thread-safe.
 */
moat_err moat_report_open(moat_report *ctx, const moat_port *port,
                          const char *device_id, const moat_report_config *cfg);

/**
 * @brief Count this boot: advance the boot counter by one (one atomic
 *        counter_advance). Call once per boot, right after
 *        moat_report_open(); events recorded without trusted time carry
 *        the counter's value. Not calling it leaves the value read at open.
 * @param ctx an open context
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL);
 *   ::MOAT_ERR_REPORT_STATE (not open, or an earlier write failed);
 *   the port's counter errors (::MOAT_ERR_PORT_COUNTER_OVERFLOW, ...,
 *   ::MOAT_ERR_PORT_POWER_CUT); after any of them the context needs
 *   moat_report_open() again (the counter holds the old or the new value).
 *
 * Memory: no heap. Thread safety: not thread-safe.
 */
moat_err moat_report_boot(moat_report *ctx);

/**
 * @brief Record one failure event: one atomic record write into the slot
 *        of the next id. When that slot holds an event not yet
 *        acknowledged, the event is dropped (overwritten) and the drop
 *        counted in the same write.
 *
 * The event carries the port's trusted time when it has one (0 ..
 * ::MOAT_REPORT_INT_MAX), else the boot counter value.
 * @param ctx an open context
 * @param kind what failed
 * @param component 1..::MOAT_REPORT_COMPONENT_MAX bytes, printable ASCII
 * @param version 0..::MOAT_REPORT_VERSION_MAX bytes, printable ASCII ("" allowed)
 * @param code the caller's code (e.g. a moat_err, a fault address word)
 * @param[out] id_out the new event's id (may be NULL); 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL);
 *   ::MOAT_ERR_REPORT_FIELD (@p kind unknown; @p component or @p version
 *   NULL, too long, not printable ASCII, or @p component empty);
 *   ::MOAT_ERR_REPORT_STATE (not open, or an earlier write failed);
 *   ::MOAT_ERR_REPORT_ID_EXHAUSTED (ids reached ::MOAT_REPORT_INT_MAX);
 *   the port's write errors (::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT,
 *   ...): the event may or may not be stored; the context then needs
 *   moat_report_open() again, which re-reads the ring.
 *
 * Memory: no heap; about 0.3 KiB of stack. Thread safety: not thread-safe.
 */
moat_err moat_report_record(moat_report *ctx, moat_report_kind kind,
                            const char *component, const char *version,
                            int32_t code, uint64_t *id_out);

/**
 * @brief The ring's state.
 * @param ctx an open context
 * @param[out] st the snapshot (wiped on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL);
 *   ::MOAT_ERR_REPORT_STATE (not open, or an earlier write failed).
 *
 * Memory: no heap. Thread safety: not thread-safe.
 */
moat_err moat_report_status_get(const moat_report *ctx, moat_report_status *st);

/**
 * @brief Read the unacknowledged events, oldest first (re-read from the
 *        port and checked).
 * @param ctx an open context
 * @param[out] events room for @p max events
 * @param max its capacity (0 allowed: count only)
 * @param[out] count events written (at most @p max)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p count NULL; @p events NULL
 *   with @p max != 0);
 *   ::MOAT_ERR_REPORT_STATE;
 *   ::MOAT_ERR_REPORT_STORE (a slot no longer holds the expected id);
 *   the port's read errors. On failure @p events is wiped over @p max.
 *
 * Memory: no heap. Thread safety: not thread-safe.
 */
moat_err moat_report_pending(const moat_report *ctx, moat_report_event *events,
                             size_t max, size_t *count);

/**
 * @brief Export the oldest @p max_events unacknowledged events as a signed
 *        batch (compact JWS, see the file comment). Writes nothing to the
 *        port; remembers the last exported id (in @p ctx, until the next
 *        open) as the limit of acknowledgements.
 *
 * Which key signs: the caller chooses @p signer. Use the attestation
 * (alias) key when the device has one (its certificate chain, sent with
 * attestation evidence, tells the service the key and the firmware), else
 * the device key (moat_port_signer()). The service verifies the batch
 * with that public key.
 *
 * @param ctx an open context
 * @param signer P-256 (ES256) or P-384 (ES384) signer
 * @param kid as moat_jws_sign_compact(): NULL for the signer key's RFC 7638
 *        thumbprint, "" for no kid
 * @param max_events 1..::MOAT_REPORT_BATCH_MAX (larger is clamped)
 * @param out receives the NUL-terminated token; the claims set is built in
 *        the tail of @p out first, then wiped
 * @param out_cap at least MOAT_REPORT_EXPORT_SIZE(claims length);
 *        ::MOAT_REPORT_EXPORT_MAX is always enough
 * @param[out] out_len token length without the NUL; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the capacity needed
 * @param[out] first_id id of the first exported event (may be NULL)
 * @param[out] last_id id of the last exported event (may be NULL)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx, @p signer or @p out_len NULL,
 *   @p out NULL with @p out_cap != 0, @p max_events 0, and the signer
 *   cases of moat_jws_sign_compact_ex());
 *   ::MOAT_ERR_REPORT_STATE; ::MOAT_ERR_REPORT_EMPTY (nothing pending);
 *   ::MOAT_ERR_REPORT_STORE and the port's read errors (as
 *   moat_report_pending());
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (nothing signed);
 *   the errors of moat_jws_sign_compact_ex() (::MOAT_ERR_UNSUPPORTED, the
 *   signer's error, ::MOAT_ERR_INTERNAL).
 *   On failure @p out is wiped, the ids are 0 and nothing is remembered.
 *
 * Memory: no heap; the stack of JWS signing plus about 0.5 KiB.
 * Thread safety: not thread-safe.
 */
moat_err moat_report_export(moat_report *ctx, const moat_signer *signer,
                            const char *kid, size_t max_events, char *out,
                            size_t out_cap, size_t *out_len, uint64_t *first_id,
                            uint64_t *last_id);

/**
 * @brief Verify an acknowledgement (no state used or changed): JWS under
 *        @p service_key with "typ" ::MOAT_REPORT_ACK_TYP, claims exactly
 *        "moat_report_ack":1, "device" (equal to @p device_id),
 *        "ack_through" (1..::MOAT_REPORT_INT_MAX) and optionally "iat"
 *        (0..::MOAT_REPORT_INT_MAX, not checked against a clock).
 * @param token the compact JWS (not necessarily NUL-terminated)
 * @param token_len its length (at most ::MOAT_REPORT_ACK_TOKEN_MAX - 1)
 * @param service_key the service's public key (its kid is ignored)
 * @param device_id the device id the acknowledgement must name
 * @param[out] ack_through the acknowledged id; 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL pointers);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (token or claims set above the bounds);
 *   every code of moat_jws_verify_compact() (format, header policy,
 *   ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH, ::MOAT_ERR_CRYPTO_SIG_INVALID, ...);
 *   ::MOAT_ERR_REPORT_TYPE (typ not ::MOAT_REPORT_ACK_TYP, or the marker
 *   claim missing or not 1);
 *   MOAT_ERR_JSON_* (claims not valid JSON within the bounds);
 *   ::MOAT_ERR_REPORT_ACK_CLAIMS (not an object, a member missing, unknown,
 *   of the wrong type or out of range);
 *   ::MOAT_ERR_REPORT_DEVICE ("device" is another device).
 *
 * Memory: no heap; about 6 KiB of stack (header, claims and a JSON arena,
 * wiped) plus JWS verification (about 9 KiB). Thread safety: reentrant.
 */
moat_err moat_report_ack_verify(const char *token, size_t token_len,
                                const moat_jwk *service_key, const char *device_id,
                                uint64_t *ack_through);

/**
 * @brief Apply an acknowledgement: verify it (moat_report_ack_verify()
 *        with the context's device id), check ack_through against the last
 *        id exported since open, and free every event up to it with ONE
 *        atomic record write (the slot of the newest freed event becomes a
 *        freed marker carrying the new floor). A cut before that write
 *        frees nothing; after it, everything.
 *
 * An acknowledgement at or below the current floor, or covering only
 * events already dropped, succeeds and writes nothing (idempotent).
 * @param ctx an open context
 * @param token the acknowledgement
 * @param token_len its length
 * @param service_key the service key the device trusts
 * @param[out] freed events freed by this call (may be NULL); 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT; ::MOAT_ERR_REPORT_STATE;
 *   the errors of moat_report_ack_verify();
 *   ::MOAT_ERR_REPORT_ACK_RANGE (ack_through above the last exported id,
 *   e.g. nothing exported since open);
 *   the port's write errors (then reopen). Nothing is freed on failure
 *   (except by the write a port error leaves uncertain).
 *
 * Memory: no heap; as moat_report_ack_verify(). Thread safety: not
 * thread-safe.
 */
moat_err moat_report_ack_apply(moat_report *ctx, const char *token, size_t token_len,
                               const moat_jwk *service_key, uint64_t *freed);

/* ======================================================== service side */

/**
 * @brief ::MOAT_REPORT_VERIFY_WORK_SIZE as a function (for the bindings).
 * @return the workspace size. Cannot fail; no heap; reentrant.
 */
size_t moat_report_verify_work_size(void);

/**
 * @brief Verify a batch and parse it.
 *
 * Checks, in order: the token length; the JWS under @p device_key (every
 * check and code of moat_jws_verify_compact()); "typ" exactly
 * ::MOAT_REPORT_TYP; the claims set as strict JSON within the bounds;
 * "moat_report":1 (else ::MOAT_ERR_REPORT_TYPE); members (only iss, iat,
 * moat_report, first_id, last_id, dropped, events; each of its type and
 * range: ids 1..::MOAT_REPORT_INT_MAX, first_id <= last_id, dropped and
 * iat 0..::MOAT_REPORT_INT_MAX, iss a device id) else
 * ::MOAT_ERR_REPORT_CLAIMS; "iss" equal to @p expected_device if given
 * (::MOAT_ERR_REPORT_DEVICE); events: 1..::MOAT_REPORT_BATCH_MAX objects,
 * each with exactly id, kind, component, version, code and one of
 * time/boot (else ::MOAT_ERR_REPORT_CLAIMS; a bad kind name or string
 * ::MOAT_ERR_REPORT_FIELD), with ids first_id, first_id+1, ..., last_id
 * in order (else ::MOAT_ERR_REPORT_EVENTS).
 *
 * @param token the compact JWS (not necessarily NUL-terminated)
 * @param token_len its length (at most ::MOAT_REPORT_TOKEN_MAX - 1)
 * @param device_key the key the device signs batches with (alias or device key)
 * @param expected_device NULL, or the device id "iss" must equal
 * @param work at least ::MOAT_REPORT_VERIFY_WORK_SIZE bytes; wiped on return
 * @param work_size its size
 * @param[out] batch the parsed batch; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p token, @p device_key or @p batch NULL);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (token or claims above the bounds);
 *   the codes of moat_jws_verify_compact() (::MOAT_ERR_JOSE_FORMAT,
 *   MOAT_ERR_B64_*, header policy, ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH,
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING, ::MOAT_ERR_CRYPTO_SIG_RANGE,
 *   ::MOAT_ERR_CRYPTO_SIG_INVALID, ...);
 *   ::MOAT_ERR_REPORT_TYPE; MOAT_ERR_JSON_*; ::MOAT_ERR_REPORT_CLAIMS;
 *   ::MOAT_ERR_REPORT_FIELD; ::MOAT_ERR_REPORT_DEVICE;
 *   ::MOAT_ERR_REPORT_EVENTS.
 *
 * Memory: no heap; the JWS verification stack (about 9 KiB) plus the
 * JSON parser's (depth 4). Thread safety: reentrant with distinct @p work.
 */
moat_err moat_report_batch_verify(const char *token, size_t token_len,
                                  const moat_ec_public_key *device_key,
                                  const char *expected_device, void *work,
                                  size_t work_size, moat_report_batch *batch);

/**
 * @brief Sign an acknowledgement (service side): claims
 *        {"moat_report_ack":1,"device":..,"ack_through":..[,"iat":..]},
 *        header "typ":::MOAT_REPORT_ACK_TYP, kid = the key's thumbprint.
 * @param service the service's signer (P-256 or P-384)
 * @param device_id the device (its batch's "iss")
 * @param ack_through the highest id acknowledged (normally the batch's
 *        last_id), 1..::MOAT_REPORT_INT_MAX
 * @param iat seconds since 1970 (0..::MOAT_REPORT_INT_MAX), or
 *        ::MOAT_REPORT_NO_IAT for none
 * @param out receives the NUL-terminated token
 *        (::MOAT_REPORT_ACK_TOKEN_MAX is enough)
 * @param out_cap its capacity
 * @param[out] out_len token length; the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL pointers, @p ack_through or @p iat
 *   out of range);
 *   ::MOAT_ERR_REPORT_FIELD (@p device_id not a device id);
 *   the errors of moat_jws_sign_compact_ex(). @p out is wiped on failure.
 *
 * Memory: no heap; the stack of JWS signing plus 0.4 KiB. Thread safety:
 * reentrant (the signer's own rules apply).
 */
moat_err moat_report_ack_sign(const moat_signer *service, const char *device_id,
                              uint64_t ack_through, int64_t iat, char *out,
                              size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_REPORT_H */
