/**
 * @file update.h
 * @brief Verified updates: trust root with k-of-n role keys and rotation,
 *        signed manifests with anti-rollback and freeze protection, streaming
 *        image verification and an install state machine that survives power
 *        loss.
 *
 * Threat model: TUF / Uptane (roles, thresholds, root rotation, freeze and
 * rollback attacks) and IETF SUIT (RFC 9019, RFC 9124: vendor/class ids,
 * component, sequence number, dependencies); MCUboot's test/confirm for the
 * install. Encoding: JOSE, JWS General JSON Serialization (RFC 7515 section
 * 7.2.1) so that a document carries k-of-n signatures. Full text:
 * docs/update.md (trust model) and docs/manifest.md (formats, JSON Schema).
 *
 * Two documents, each accepted by ONE decision function:
 * - the trust root (payload {"moat_root":1,...}): moat_update_root_check();
 * - the manifest (payload {"moat_manifest":1,...}): moat_update_manifest_check().
 * The port-facing functions (bootstrap, rotate, verify) only read the state
 * they need, call the decision function, and (root only) persist the result.
 *
 * Persistent state (identifiers shared by every update function):
 * - record ::MOAT_UPDATE_RECORD_ROOT: the current trust root (parsed form);
 * - record ::MOAT_UPDATE_RECORD_INSTALL: the install state (image section);
 * - counter ::MOAT_UPDATE_COUNTER_SEQUENCE: highest confirmed manifest
 *   sequence, as epoch * 2^32 + sequence (see ::moat_update_root::epoch;
 *   every manifest names the epoch it was issued for in its signed
 *   "sequence_epoch", which must equal the root's);
 * - counters ::MOAT_UPDATE_COUNTER_SVN_BASE + i: the svn of component i of
 *   ::moat_update_device, also as epoch * 2^32 + svn.
 * Counters are advanced ONLY by moat_update_confirm(). Verification never
 * writes anything.
 *
 * Time: every function taking @c now expects trusted time in seconds since
 * 1970-01-01 UTC, or ::MOAT_UPDATE_NO_TIME when the device has none
 * (moat_update_now() reads it from the port; a clock that FAILS is an
 * error, not "no time"). Without time expiry is not
 * checked (documented freeze behaviour, docs/update.md): nothing is ever
 * accepted BECAUSE of the time, and sequence/svn/version monotonicity still
 * hold, so a frozen attacker can withhold updates but never roll back.
 *
 * Memory: no heap. Documents are verified in a caller workspace of
 * MOAT_UPDATE_WORK_SIZE(doc_len) bytes. Thread safety: every function is
 * reentrant; calls on one port are serialized by the caller (port.h).
 */
#ifndef MOAT_UPDATE_H
#define MOAT_UPDATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/core.h"
#include "moat/json.h"
#include "moat/crypto.h"
#include "moat/jose.h"
#include "moat/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================ constants */

/** @brief Record holding the current trust root (parsed, ::MOAT_UPDATE_ROOT_RECORD_SIZE bytes). */
#define MOAT_UPDATE_RECORD_ROOT 48u
/** @brief Record holding the install state (owned by the image/install section). */
#define MOAT_UPDATE_RECORD_INSTALL 49u
/** @brief Counter of the highest confirmed manifest sequence (epoch * 2^32 + sequence). */
#define MOAT_UPDATE_COUNTER_SEQUENCE 8u
/** @brief Counter of component i's svn is MOAT_UPDATE_COUNTER_SVN_BASE + i. */
#define MOAT_UPDATE_COUNTER_SVN_BASE 9u
/** @brief Most components per device (counters 9..15 of the 16). */
#define MOAT_UPDATE_MAX_COMPONENTS 7u

/** @brief Most keys per role (root, targets). */
#define MOAT_UPDATE_MAX_KEYS 8u
/** @brief Largest trust root document (bytes). */
#define MOAT_UPDATE_ROOT_MAX_DOC 16384u
/** @brief Largest manifest document (bytes). */
#define MOAT_UPDATE_MANIFEST_MAX_DOC 8192u
/** @brief Most JSON values in a root payload. */
#define MOAT_UPDATE_ROOT_MAX_VALUES 192u
/** @brief Most JSON values in a manifest payload. */
#define MOAT_UPDATE_MANIFEST_MAX_VALUES 96u
/** @brief Size of a component name buffer, NUL included (names of 1..31 bytes). */
#define MOAT_UPDATE_NAME_SIZE 32u
/** @brief Most entries of a manifest's "dependencies". */
#define MOAT_UPDATE_MAX_DEPS 4u
/** @brief Most entries of a manifest's "critical". */
#define MOAT_UPDATE_MAX_CRITICAL 8u
/** @brief Bytes of a binary UUID. */
#define MOAT_UPDATE_UUID_SIZE 16u
/** @brief Largest manifest "sequence" and "svn" (2^32 - 1). */
#define MOAT_UPDATE_SEQUENCE_MAX 0xFFFFFFFFu
/** @brief Largest root "sequence_epoch" (2^31 - 1; epoch * 2^32 stays below 2^63). */
#define MOAT_UPDATE_EPOCH_MAX 0x7FFFFFFFu
/** @brief Largest "expires" and "size" (2^53 - 1, exact JSON integers). */
#define MOAT_UPDATE_INT_MAX 9007199254740991LL
/** @brief Bytes of the image digest (SHA-256). */
#define MOAT_UPDATE_DIGEST_SIZE 32u
/** @brief "now" value meaning: no trusted time available. */
#define MOAT_UPDATE_NO_TIME INT64_MIN
/** @brief Size of the stored root record (see docs/update.md for its layout). */
#define MOAT_UPDATE_ROOT_RECORD_SIZE \
    (24u + 2u * (4u + MOAT_UPDATE_MAX_KEYS * (2u + MOAT_EC_PUB_MAX)))

/**
 * @brief Workspace bytes for verifying a root or manifest document of
 *        @p doc_len bytes: the JWS verification work area, the decoded
 *        payload and the payload's JSON arena.
 */
#define MOAT_UPDATE_WORK_SIZE(doc_len) \
    (MOAT_JWS_JSON_WORK_SIZE(doc_len) + (size_t)(doc_len) + \
     MOAT_JSON_ARENA_SIZE((size_t)(doc_len), MOAT_UPDATE_ROOT_MAX_VALUES) + 64u)

/**
 * @brief MOAT_UPDATE_WORK_SIZE() as a function (for the bindings).
 * @param doc_len document length; clamped to ::MOAT_UPDATE_ROOT_MAX_DOC
 *        (larger documents are refused)
 * @return the workspace size in bytes. Cannot fail; no heap; reentrant.
 */
size_t moat_update_work_size(size_t doc_len);

/* ================================================================ types */

/** @brief A MAJOR.MINOR.PATCH version (SemVer 2.0.0 core, no pre-release). */
typedef struct moat_update_version {
    uint32_t major; /**< MAJOR */
    uint32_t minor; /**< MINOR */
    uint32_t patch; /**< PATCH */
} moat_update_version;

/** @brief The keys and threshold of one role. */
typedef struct moat_update_role {
    moat_jwk keys[MOAT_UPDATE_MAX_KEYS]; /**< distinct keys; kid = RFC 7638 thumbprint */
    uint32_t nkeys;                      /**< 1 .. ::MOAT_UPDATE_MAX_KEYS */
    uint32_t threshold;                  /**< 1 .. nkeys */
} moat_update_role;

/**
 * @brief A verified trust root (caller-owned, about 3 KiB).
 *
 * Invariants (checked by every function that produces or consumes one):
 * thresholds in 1..nkeys, keys distinct within a role and no key in both
 * roles, version >= 1, epoch <= ::MOAT_UPDATE_EPOCH_MAX.
 */
typedef struct moat_update_root {
    uint32_t version;         /**< "version": 1, 2, ... (+1 per rotation) */
    uint32_t epoch;           /**< "sequence_epoch" (0 if absent): high half of the counters */
    int64_t expires;          /**< "expires": seconds since the epoch */
    moat_update_role root;    /**< role "root": signs trust roots */
    moat_update_role targets; /**< role "targets": signs manifests */
} moat_update_root;

/** @brief One updatable component of the device. */
typedef struct moat_update_component {
    char name[MOAT_UPDATE_NAME_SIZE]; /**< NUL-terminated, 1..31 bytes */
    moat_update_version installed;    /**< version running now (confirmed) */
    uint32_t slots;                   /**< bit s set: slot s may stage this component */
} moat_update_component;

/**
 * @brief What the device is: its ids and components (caller-owned, usually
 *        constant in firmware). The index of a component selects its svn
 *        counter, so the order must never change over the life of a device.
 */
typedef struct moat_update_device {
    uint8_t vendor_id[MOAT_UPDATE_UUID_SIZE]; /**< vendor UUID (binary) */
    uint8_t class_id[MOAT_UPDATE_UUID_SIZE];  /**< device class UUID (binary) */
    moat_update_component components[MOAT_UPDATE_MAX_COMPONENTS]; /**< components */
    uint32_t ncomponents;                     /**< 1 .. ::MOAT_UPDATE_MAX_COMPONENTS */
    /**
     * Largest value the port's monotonic counters can hold; 0 means
     * 2^64 - 1 (64-bit counters, e.g. the POSIX port). A port with
     * narrower counters (32-bit hardware counters: 0xFFFFFFFF) MUST set
     * it: moat_update_manifest_check() then refuses a manifest whose
     * counter values (epoch * 2^32 + sequence or svn) exceed it
     * (::MOAT_ERR_UPDATE_COUNTER_RANGE) before anything is staged or
     * persisted. port.h has no way to report a counter's width, so this is
     * the device's declaration (docs/update.md, "Narrow counters").
     */
    uint64_t counter_max;
} moat_update_device;

/**
 * @brief The device state a manifest is checked against: counter values and
 *        slot sizes (read by moat_update_snapshot_read(), or filled by a
 *        simulator).
 */
typedef struct moat_update_snapshot {
    uint64_t sequence;                            /**< counter ::MOAT_UPDATE_COUNTER_SEQUENCE */
    uint64_t svn[MOAT_UPDATE_MAX_COMPONENTS];     /**< counters SVN_BASE + i (0 beyond ncomponents) */
    uint64_t slot_size[MOAT_PORT_SLOT_COUNT];     /**< usable bytes of each slot; 0 = no slot */
} moat_update_snapshot;

/** @brief A verified manifest: what the image section needs to stage and confirm. */
typedef struct moat_update_manifest {
    uint32_t sequence;                           /**< "sequence" */
    int64_t expires;                             /**< "expires" */
    char component[MOAT_UPDATE_NAME_SIZE];       /**< "component" */
    uint32_t component_index;                    /**< its index in ::moat_update_device */
    moat_update_version version;                 /**< "version" */
    uint32_t svn;                                /**< "svn" */
    uint64_t size;                               /**< "size": exact image length */
    uint8_t digest[MOAT_UPDATE_DIGEST_SIZE];     /**< "digest": SHA-256 of the image */
    uint32_t slot;                               /**< "slot": staging slot */
    uint32_t root_version;                       /**< root it was verified under */
    uint64_t sequence_counter;                   /**< value for ::MOAT_UPDATE_COUNTER_SEQUENCE at confirm */
    uint32_t svn_counter_id;                     /**< ::MOAT_UPDATE_COUNTER_SVN_BASE + component_index */
    uint64_t svn_counter;                        /**< value for @c svn_counter_id at confirm */
} moat_update_manifest;

/* ============================================================= helpers */

/**
 * @brief Trusted time from @p port for the @c now argument of the update
 *        functions.
 *
 * Only the port's ::MOAT_ERR_PORT_NO_TIME ("no trusted time on this
 * device": RTC never set, no clock) means ::MOAT_UPDATE_NO_TIME, the
 * documented no-time policy. Any other failure of the clock (a transient
 * ::MOAT_ERR_PORT_IO, a power cut, a corrupt RTC) is returned as an error:
 * it must never silently turn expiry checks off (fail closed).
 * @param port the port
 * @param[out] now seconds since 1970-01-01 UTC, or ::MOAT_UPDATE_NO_TIME
 *        (with ::MOAT_OK) when the port has no trusted time. On failure
 *        INT64_MAX, a time at which every root and manifest is expired, so
 *        a caller that ignores the error still fails closed.
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p port or @p now NULL);
 *         any other error of moat_port_time() (e.g. ::MOAT_ERR_PORT_IO,
 *         ::MOAT_ERR_PORT_POWER_CUT). No heap; thread safety as the port.
 */
moat_err moat_update_now(const moat_port *port, int64_t *now);

/**
 * @brief Parse a version "MAJOR.MINOR.PATCH": three decimal numbers
 *        without sign or leading zeros (0 itself allowed), each at most
 *        4294967295, separated by single dots; nothing else (no pre-release
 *        or build suffix, no spaces).
 * @param s the text (not necessarily NUL-terminated)
 * @param len its length (at most 32)
 * @param[out] out the version; zeroed on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p s or @p out NULL);
 *         ::MOAT_ERR_UPDATE_MANIFEST_FORMAT (not of that form).
 *         No heap; reentrant.
 */
moat_err moat_update_version_parse(const char *s, size_t len, moat_update_version *out);

/**
 * @brief Compare two versions by precedence (SemVer 2.0.0 section 11 for
 *        core versions: major, then minor, then patch, numerically).
 * @param a first version
 * @param b second version
 * @return -1, 0 or 1 as @p a is lower than, equal to or higher than @p b;
 *         a NULL argument compares lower than anything. Cannot fail;
 *         reentrant.
 */
int moat_update_version_compare(const moat_update_version *a, const moat_update_version *b);

/**
 * @brief Parse a UUID in its RFC 9562 section 4 text form, lower case only
 *        ("8-4-4-4-12" hexadecimal digits, 36 characters).
 * @param s the text (not necessarily NUL-terminated)
 * @param len its length (must be 36)
 * @param[out] out the 16 bytes; zeroed on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p s or @p out NULL);
 *         ::MOAT_ERR_UPDATE_MANIFEST_FORMAT (not that form, upper case
 *         included). No heap; reentrant.
 */
moat_err moat_update_uuid_parse(const char *s, size_t len, uint8_t out[MOAT_UPDATE_UUID_SIZE]);

/* ========================================================== trust root */

/**
 * @brief THE decision function for trust roots: accept root document
 *        @p doc as the first root (@p current NULL) or as the successor of
 *        @p current. Changes no state.
 *
 * Checks, in this order:
 * 1. with @p current: a threshold of @p current's root keys signed @p doc
 *    (moat_jws_json_verify(): each distinct key once; the kid of each
 *    protected header selects the key). Without @p current the payload is
 *    read unverified (first root: it comes from provisioning, and its own
 *    signatures are checked in step 3);
 * 2. the payload: marker "moat_root":1, strict members (docs/manifest.md),
 *    role keys and thresholds;
 * 3. a threshold of the NEW root's own root keys signed @p doc;
 * 4. version: exactly current->version + 1 (any version >= 1 without
 *    @p current);
 * 5. expiry: the new root is not expired when @p now is known (an expired
 *    @p current is fine: rotation is the way out of an expired root);
 * 6. epoch: not below current->epoch; above it only if no targets key of
 *    @p current is a targets key of the new root (fast-forward recovery,
 *    docs/update.md).
 *
 * @param current the current root, or NULL for a first root
 * @param doc the JWS General JSON Serialization
 * @param doc_len its length (at most ::MOAT_UPDATE_ROOT_MAX_DOC)
 * @param now trusted time, or ::MOAT_UPDATE_NO_TIME
 * @param work workspace of at least MOAT_UPDATE_WORK_SIZE(@p doc_len)
 *        bytes; wiped on return
 * @param work_size its size
 * @param[out] out the new root; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p doc or @p out NULL, or @p current
 *   breaking the root invariants);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p doc_len above ::MOAT_UPDATE_ROOT_MAX_DOC);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small);
 *   the document errors of moat_jws_json_verify() (MOAT_ERR_JOSE_*,
 *   MOAT_ERR_JSON_*, MOAT_ERR_B64_*, ::MOAT_ERR_CRYPTO_SIG_ENCODING,
 *   ::MOAT_ERR_UNSUPPORTED), except that a missed threshold is reported as:
 *   ::MOAT_ERR_UPDATE_ROOT_OLD_SIGS (step 1) or
 *   ::MOAT_ERR_UPDATE_ROOT_NEW_SIGS (step 3);
 *   MOAT_ERR_JSON_* from parsing the payload (::MOAT_ERR_JSON_DUPLICATE_KEY
 *   included);
 *   ::MOAT_ERR_UPDATE_WRONG_TYPE (no "moat_root":1);
 *   ::MOAT_ERR_UPDATE_ROOT_FORMAT (a member missing, unknown, of the wrong
 *   type or out of range; a JWK malformed: any key error is reported so);
 *   ::MOAT_ERR_UPDATE_ROOT_KEYS (no key or more than
 *   ::MOAT_UPDATE_MAX_KEYS in a role, a key twice, a key in both roles, a
 *   JWK "kid" other than its thumbprint, threshold 0 or above the count);
 *   ::MOAT_ERR_UPDATE_ROOT_VERSION; ::MOAT_ERR_UPDATE_ROOT_EXPIRED;
 *   ::MOAT_ERR_UPDATE_ROOT_EPOCH.
 *
 * Memory: no heap; the document and payload trees live in @p work; about
 * 5 KiB of stack. Thread safety: reentrant with distinct @p work / @p out.
 */
moat_err moat_update_root_check(const moat_update_root *current, const char *doc,
                                size_t doc_len, int64_t now, void *work,
                                size_t work_size, moat_update_root *out);

/**
 * @brief Install the first trust root (e.g. provisioned in flash): accept
 *        it with moat_update_root_check() (@p current NULL) and persist it
 *        to record ::MOAT_UPDATE_RECORD_ROOT (one atomic write).
 *
 * Refused when a root is already stored: the stored root can only change
 * by rotation. Usual boot sequence: moat_update_root_load(); on
 * ::MOAT_ERR_PORT_NOT_FOUND, bootstrap from the built-in document. A power
 * cut leaves no root (bootstrap again) or the new one (load it).
 *
 * @param port the port
 * @param doc the root document
 * @param doc_len its length
 * @param now trusted time, or ::MOAT_UPDATE_NO_TIME
 * @param work workspace of MOAT_UPDATE_WORK_SIZE(@p doc_len) bytes; wiped
 * @param work_size its size
 * @param[out] out the root, valid only on ::MOAT_OK; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port, @p doc or @p out NULL);
 *   ::MOAT_ERR_UPDATE_ROOT_EXISTS (a root record exists, valid or not);
 *   the errors of moat_update_root_check();
 *   the errors of reading the record other than ::MOAT_ERR_PORT_NOT_FOUND
 *   (::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT);
 *   the errors of moat_port_record_write() (::MOAT_ERR_PORT_IO or
 *   ::MOAT_ERR_PORT_POWER_CUT: outcome unknown, load again).
 *
 * Memory: no heap; about 6 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_root_bootstrap(const moat_port *port, const char *doc,
                                    size_t doc_len, int64_t now, void *work,
                                    size_t work_size, moat_update_root *out);

/**
 * @brief Read the stored trust root.
 * @param port the port
 * @param[out] out the root; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port or @p out NULL);
 *   ::MOAT_ERR_PORT_NOT_FOUND (no root stored: bootstrap);
 *   ::MOAT_ERR_UPDATE_ROOT_RECORD (the record is not a well-formed root:
 *   wrong size or magic, invariants broken, a key not on its curve);
 *   the port's errors (::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_PORT_CORRUPT,
 *   ::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT).
 *
 * Memory: no heap; about 5 KiB of stack (the record). Thread safety: as the
 * port.
 */
moat_err moat_update_root_load(const moat_port *port, moat_update_root *out);

/**
 * @brief LOW LEVEL: write @p root to record ::MOAT_UPDATE_RECORD_ROOT
 *        (one atomic write) after checking its invariants. It does NOT check
 *        signatures, version or epoch: pass only a root returned by
 *        moat_update_root_check() (bootstrap and rotate do this for you).
 * @param port the port
 * @param root the root to persist
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port or @p root NULL, invariants broken);
 *   the errors of moat_port_record_write() (::MOAT_ERR_UNSUPPORTED,
 *   ::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT: outcome unknown).
 *
 * Memory: no heap; about 2 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_root_store(const moat_port *port, const moat_update_root *root);

/**
 * @brief Rotate the trust root: accept @p doc as the successor of
 *        @p current (moat_update_root_check()), persist it atomically, and
 *        only then return it in @p out for use.
 *
 * @p current must be the stored root (it is read back and compared), so a
 * stale copy in RAM cannot roll the stored root back. An expired @p current
 * can be rotated (the recovery path; the new root must not be expired when
 * time is known). Counters are not touched: a new sequence_epoch takes
 * effect through ::moat_update_manifest::sequence_counter.
 *
 * Power loss: the single record write leaves the old or the new root.
 * After reboot, moat_update_root_load() and, if it returns the old root,
 * rotate again with the same document.
 *
 * @param port the port
 * @param current the current (stored) root
 * @param doc the new root document
 * @param doc_len its length
 * @param now trusted time, or ::MOAT_UPDATE_NO_TIME
 * @param work workspace of MOAT_UPDATE_WORK_SIZE(@p doc_len) bytes; wiped
 * @param work_size its size
 * @param[out] out the new root (may not alias @p current); wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port, @p current, @p doc or @p out
 *   NULL, or @p out == @p current);
 *   ::MOAT_ERR_UPDATE_ROOT_STALE (@p current differs from the stored root);
 *   the errors of moat_update_root_load() (no root stored:
 *   ::MOAT_ERR_PORT_NOT_FOUND);
 *   the errors of moat_update_root_check();
 *   the errors of moat_port_record_write() (outcome unknown: load again).
 *
 * Memory: no heap; about 8 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_root_rotate(const moat_port *port, const moat_update_root *current,
                                 const char *doc, size_t doc_len, int64_t now,
                                 void *work, size_t work_size, moat_update_root *out);

/* ============================================================ manifest */

/**
 * @brief Read the counters and slot sizes a manifest is checked against.
 * @param port the port
 * @param device the device (its component count selects the svn counters)
 * @param[out] snap the state; wiped on failure. Absent slots read size 0.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (a NULL argument, ncomponents 0 or above
 *   ::MOAT_UPDATE_MAX_COMPONENTS);
 *   the errors of moat_port_counter_read() (::MOAT_ERR_UNSUPPORTED,
 *   ::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO, ::MOAT_ERR_PORT_POWER_CUT);
 *   ::MOAT_ERR_PORT_POWER_CUT from slot_info.
 *
 * Memory: no heap; a few hundred bytes of stack. Thread safety: as the port.
 */
moat_err moat_update_snapshot_read(const moat_port *port, const moat_update_device *device,
                                   moat_update_snapshot *snap);

/**
 * @brief THE decision function for manifests: accept @p doc for @p device
 *        in state @p snap under @p root. Changes no state.
 *
 * Checks, in this order (docs/manifest.md):
 * 1. @p root not expired when @p now is known;
 * 2. a threshold of @p root's targets keys signed @p doc (each distinct key
 *    once, selected by the kid of each protected header);
 * 3. payload: marker "moat_manifest":1; "critical" (every name must be
 *    understood: this version understands none); every known member
 *    well-formed ("digest" alg "sha-256" only);
 * 4. vendor_id, class_id, component (by name), slot (in the component's
 *    mask and present), size (1 .. slot size);
 * 5. expiry when @p now is known;
 * 6. anti-rollback: the signed "sequence_epoch" equals @p root's epoch
 *    (a manifest is bound to the epoch it was issued in, so a later epoch
 *    can never revive it); the counter values epoch*2^32 + sequence and
 *    epoch*2^32 + svn are at most device->counter_max;
 *    epoch*2^32 + sequence > snap->sequence;
 *    epoch*2^32 + svn >= snap->svn[component] (equal svn allowed);
 *    version > installed version (equal refused by policy);
 * 7. dependencies: each named component installed at >= min_version.
 *
 * @param doc the JWS General JSON Serialization
 * @param doc_len its length (at most ::MOAT_UPDATE_MANIFEST_MAX_DOC)
 * @param root the current trust root
 * @param device the device description
 * @param snap the device state (moat_update_snapshot_read())
 * @param now trusted time, or ::MOAT_UPDATE_NO_TIME
 * @param work workspace of MOAT_UPDATE_WORK_SIZE(@p doc_len) bytes; wiped
 * @param work_size its size
 * @param[out] out the verified manifest; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (a NULL argument; @p root or @p device
 *   breaking its invariants);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p doc_len above ::MOAT_UPDATE_MANIFEST_MAX_DOC);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small);
 *   ::MOAT_ERR_UPDATE_ROOT_EXPIRED;
 *   the errors of moat_jws_json_verify(): MOAT_ERR_JOSE_* (an unsigned or
 *   malformed document ::MOAT_ERR_JOSE_FORMAT, too few distinct trusted
 *   signers ::MOAT_ERR_JOSE_THRESHOLD, ...), MOAT_ERR_JSON_*, MOAT_ERR_B64_*,
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING, ::MOAT_ERR_UNSUPPORTED;
 *   MOAT_ERR_JSON_* from the payload (::MOAT_ERR_JSON_DUPLICATE_KEY ...);
 *   ::MOAT_ERR_UPDATE_WRONG_TYPE; ::MOAT_ERR_UPDATE_CRITICAL_UNKNOWN;
 *   ::MOAT_ERR_UPDATE_MANIFEST_FORMAT; ::MOAT_ERR_UNSUPPORTED (digest alg);
 *   ::MOAT_ERR_UPDATE_VENDOR; ::MOAT_ERR_UPDATE_CLASS;
 *   ::MOAT_ERR_UPDATE_COMPONENT; ::MOAT_ERR_UPDATE_SLOT;
 *   ::MOAT_ERR_UPDATE_SIZE (0, not an exact integer up to 2^53-1 such as
 *   2^63, or above the slot size); ::MOAT_ERR_UPDATE_EXPIRED;
 *   ::MOAT_ERR_UPDATE_EPOCH ("sequence_epoch" not @p root's epoch);
 *   ::MOAT_ERR_UPDATE_COUNTER_RANGE (a counter value above
 *   device->counter_max);
 *   ::MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK; ::MOAT_ERR_UPDATE_SVN_ROLLBACK;
 *   ::MOAT_ERR_UPDATE_VERSION_ROLLBACK; ::MOAT_ERR_UPDATE_VERSION_EQUAL;
 *   ::MOAT_ERR_UPDATE_DEPENDENCY.
 *
 * Memory: no heap; trees in @p work; about 5 KiB of stack. Thread safety:
 * reentrant with distinct @p work / @p out.
 */
moat_err moat_update_manifest_check(const char *doc, size_t doc_len,
                                    const moat_update_root *root,
                                    const moat_update_device *device,
                                    const moat_update_snapshot *snap, int64_t now,
                                    void *work, size_t work_size,
                                    moat_update_manifest *out);

/**
 * @brief Verify a manifest on the device: moat_update_snapshot_read() then
 *        moat_update_manifest_check(). Read-only: no counter, record or
 *        slot changes.
 * @param port the port (counters and slot geometry are read)
 * @param doc the manifest document
 * @param doc_len its length
 * @param root the current trust root (moat_update_root_load())
 * @param device the device description
 * @param now trusted time (moat_update_now()), or ::MOAT_UPDATE_NO_TIME
 * @param work workspace of MOAT_UPDATE_WORK_SIZE(@p doc_len) bytes; wiped
 * @param work_size its size
 * @param[out] out the verified manifest; wiped on failure
 * @return the errors of moat_update_snapshot_read() and
 *         moat_update_manifest_check() (::MOAT_OK on success).
 *
 * Memory: no heap; about 5 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_manifest_verify(const moat_port *port, const char *doc,
                                     size_t doc_len, const moat_update_root *root,
                                     const moat_update_device *device, int64_t now,
                                     void *work, size_t work_size,
                                     moat_update_manifest *out);

/* ===================================================== image / install */
/*
 * SECTION OWNED BY THE IMAGE/INSTALL ENGINEER (src/update/image.c,
 * src/update/install.c). See docs/update.md.
 *
 * SLOT MODEL ("swap by state", as MCUboot's direct-XIP mode: no copying).
 * The device has two executable slots for its boot image; the install
 * record says which one is ACTIVE (the confirmed image, booted normally and
 * the fall-back of a trial). Every other slot of the component is a staging
 * slot: a manifest names the slot its image was built for (its "slot"
 * member) and staging into the active slot is refused
 * (::MOAT_ERR_UPDATE_SLOT_ACTIVE), so the running image and the fall-back
 * image are never erased. Confirming a trial makes its slot the active one;
 * the previous active slot becomes the next staging slot. With no install
 * record (a factory device) the active slot is ::MOAT_UPDATE_SLOT_FACTORY,
 * whose image is unverified (provisioned at manufacture). The state machine
 * covers the boot image of ONE component: once an image is confirmed,
 * manifests of another component are refused at begin
 * (::MOAT_ERR_UPDATE_COMPONENT).
 *
 * STATE MACHINE (record ::MOAT_UPDATE_RECORD_INSTALL, every transition ONE
 * atomic record write, so a power cut leaves the old or the new state):
 *
 *     NONE/CONFIRMED/REVERTED (idle) --stream_finish--> STAGED
 *     STAGED --trial--> TRIAL --boot--> TRIAL+booted --confirm--> CONFIRMED
 *     TRIAL+booted --boot (not confirmed)--> REVERTED
 *     TRIAL --revert--> REVERTED;   STAGED --stream_begin/revert--> NONE/REVERTED
 *
 * Counters move only when a trial is confirmed, and AFTER the record says
 * CONFIRMED (write-ahead): moat_update_confirm() persists CONFIRMED with
 * the new active image, then advances ::MOAT_UPDATE_COUNTER_SEQUENCE and the
 * component's svn counter up to that image's values. A power cut between
 * the two leaves counters BELOW the active image's values, never above; any
 * later moat_update_boot() or moat_update_confirm() completes them
 * (counters only ever move up to the values of the confirmed active image,
 * so a revert can never land on an image the counters forbid). Before
 * confirm, a revert returns only to the active image that was running
 * before the trial; after confirm, revert is refused.
 *
 * COUNTERS THAT CANNOT BE WRITTEN (a 32-bit hardware counter refusing an
 * epoch >= 1 value with ::MOAT_ERR_PORT_COUNTER_OVERFLOW, a worn counter
 * reporting ::MOAT_ERR_PORT_CORRUPT): the install record already names the
 * confirmed image, so moat_update_boot() still boots that verified image
 * and reports the counter error separately (its @c counter_status), never
 * as a boot failure. Anti-rollback then rests on the record: staging
 * refuses anything not above the active image's sequence and svn
 * (moat_update_stream_begin()), whatever the lagging counters say. Narrow
 * counters are best refused before anything is persisted: see
 * ::moat_update_device::counter_max.
 */

/** @brief Slot booted when no install record exists (the factory image). */
#define MOAT_UPDATE_SLOT_FACTORY 0u
/** @brief Largest write granularity (slot write_align) the stream buffers (bytes). */
#define MOAT_UPDATE_STREAM_ALIGN_MAX 256u
/** @brief Bytes read per port call when a slot is re-hashed (a stack buffer). */
#define MOAT_UPDATE_READ_CHUNK 512u
/** @brief Size of record ::MOAT_UPDATE_RECORD_INSTALL (fixed little-endian layout with a SHA-256 check value, documented in src/update/install.c). */
#define MOAT_UPDATE_INSTALL_RECORD_SIZE 288u

/** @brief Install states, persisted in record ::MOAT_UPDATE_RECORD_INSTALL. */
typedef enum moat_update_state {
    MOAT_UPDATE_STATE_NONE = 0,      /**< no update pending: boot the active image */
    MOAT_UPDATE_STATE_STAGED = 1,    /**< image written, re-hashed, installable */
    MOAT_UPDATE_STATE_TRIAL = 2,     /**< boot the new image once, pending confirm */
    MOAT_UPDATE_STATE_CONFIRMED = 3, /**< new image confirmed and active (counters advanced) */
    MOAT_UPDATE_STATE_REVERTED = 4   /**< trial not confirmed: back to the previous image */
} moat_update_state;

/** @brief Facts about one image in a slot, from its verified manifest. */
typedef struct moat_update_image {
    bool valid;                              /**< false: no such image (all fields zero) */
    uint32_t slot;                           /**< the slot holding it */
    char component[MOAT_UPDATE_NAME_SIZE];   /**< component name */
    uint32_t component_index;                /**< its index in ::moat_update_device */
    moat_update_version version;             /**< version */
    uint32_t svn;                            /**< security version */
    uint32_t sequence;                       /**< manifest sequence */
    uint64_t size;                           /**< exact image length */
    uint8_t digest[MOAT_UPDATE_DIGEST_SIZE]; /**< SHA-256 of the image */
    uint64_t sequence_counter;               /**< ::MOAT_UPDATE_COUNTER_SEQUENCE value once confirmed */
    uint32_t svn_counter_id;                 /**< the component's svn counter */
    uint64_t svn_counter;                    /**< its value once confirmed */
} moat_update_image;

/** @brief The decoded install record. */
typedef struct moat_update_install {
    moat_update_state state;     /**< the state */
    bool trial_booted;           /**< TRIAL only: the trial boot has started */
    moat_update_image active;    /**< confirmed image (invalid: factory image in ::MOAT_UPDATE_SLOT_FACTORY) */
    moat_update_image candidate; /**< STAGED / TRIAL: the new image; invalid otherwise */
} moat_update_install;

/**
 * @brief Streaming image writer (caller-owned, constant size whatever the
 *        image or chunking). Treat the fields as private.
 */
typedef struct moat_update_stream {
    const moat_port *port;                  /**< the port */
    moat_update_manifest manifest;          /**< the verified manifest */
    moat_port_slot_info info;               /**< staging slot geometry */
    moat_hash_ctx hash;                     /**< SHA-256 of the bytes so far */
    uint64_t written;                       /**< image bytes accepted so far */
    uint8_t pending[MOAT_UPDATE_STREAM_ALIGN_MAX]; /**< bytes not yet programmed */
    size_t pending_len;                     /**< their number */
    size_t unit;                            /**< flush size: a multiple of write_align */
    uint32_t phase;                         /**< internal state */
} moat_update_stream;

/**
 * @brief sizeof(::moat_update_stream) (for the bindings).
 * @return the size in bytes. Cannot fail; reentrant.
 */
size_t moat_update_stream_size(void);

/**
 * @brief Start staging the image of @p manifest: check the install state
 *        and the slot, drop a previously STAGED image (one record write,
 *        state NONE), erase the staging slot and start hashing.
 *
 * @p ctx is wiped first; on failure it is left wiped (writes then return
 * ::MOAT_ERR_UPDATE_STREAM_DONE). Nothing is marked: the state becomes
 * STAGED only in moat_update_stream_finish().
 * @param ctx caller-owned stream context
 * @param port the port
 * @param manifest a manifest verified by moat_update_manifest_verify()
 *        (copied)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (a NULL argument, or @p manifest not of the
 *   form moat_update_manifest_check() produces: component index, svn
 *   counter id);
 *   ::MOAT_ERR_UPDATE_SIZE (size 0, above the slot size, or 2^63 and other
 *   values past the slot: checked before any write, in constant time);
 *   ::MOAT_ERR_UPDATE_SLOT (slot number out of range);
 *   ::MOAT_ERR_UNSUPPORTED (slot write_align 0 or above
 *   ::MOAT_UPDATE_STREAM_ALIGN_MAX);
 *   ::MOAT_ERR_UPDATE_STATE (a TRIAL is pending: confirm or revert it first);
 *   ::MOAT_ERR_UPDATE_SLOT_ACTIVE (the slot holds the active image);
 *   ::MOAT_ERR_UPDATE_COMPONENT (another component than the active image's);
 *   ::MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK / ::MOAT_ERR_UPDATE_SVN_ROLLBACK
 *   (not above the active image's counters: defence in depth when the
 *   counters lag after a cut confirm);
 *   ::MOAT_ERR_UPDATE_INSTALL_RECORD (the record is malformed);
 *   the port's errors (slot_info, record read/write, slot_erase, counters).
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_stream_begin(moat_update_stream *ctx, const moat_port *port,
                                  const moat_update_manifest *manifest);

/**
 * @brief Hash and write the next @p len bytes of the image; never beyond
 *        the manifest's size. Bytes are programmed in units of the slot's
 *        write_align (a partial unit waits in the context).
 *
 * Any failure ends the stream (later calls give
 * ::MOAT_ERR_UPDATE_STREAM_DONE) without marking anything.
 * @param ctx the stream
 * @param chunk the bytes (NULL only with @p len 0)
 * @param len their number (0 is a no-op)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL, or
 *   @p chunk NULL with @p len != 0);
 *   ::MOAT_ERR_UPDATE_STREAM_DONE (not begun, failed or finished);
 *   ::MOAT_ERR_UPDATE_IMAGE_LONG (the chunk would pass the manifest's
 *   size: none of it is hashed or written);
 *   the port's slot_write errors.
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_update_stream_write(moat_update_stream *ctx, const uint8_t *chunk, size_t len);

/**
 * @brief Finish: check the length, program the last partial unit (padded
 *        with the slot's erased_value), check the digest, RE-READ the slot
 *        through the port and re-hash it (no time-of-check/time-of-use
 *        gap), then persist STAGED (one atomic record write).
 * @param ctx the stream (wiped on return, success or not)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL);
 *   ::MOAT_ERR_UPDATE_STREAM_DONE (not begun, failed or finished);
 *   ::MOAT_ERR_UPDATE_IMAGE_SHORT (fewer bytes than the manifest's size);
 *   ::MOAT_ERR_UPDATE_DIGEST (the streamed bytes do not hash to the
 *   manifest's digest); ::MOAT_ERR_UPDATE_READBACK (the slot read back does
 *   not); ::MOAT_ERR_UPDATE_STATE (the install state changed since begin);
 *   ::MOAT_ERR_UPDATE_INSTALL_RECORD; the port's errors (a record write
 *   error means the outcome is unknown: read the state).
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_stream_finish(moat_update_stream *ctx);

/**
 * @brief Abandon a stream: wipe @p ctx. Nothing is marked; the staging
 *        slot keeps what was written (never booted: it is not STAGED).
 * @param ctx the stream, or NULL. Never fails; no port call.
 */
void moat_update_stream_abort(moat_update_stream *ctx);

/**
 * @brief STAGED -> TRIAL: the next moat_update_boot() starts the new image
 *        once. The staged slot is re-hashed first.
 * @param port the port
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p port NULL);
 *   ::MOAT_ERR_UPDATE_STATE (not STAGED); ::MOAT_ERR_UPDATE_READBACK (the
 *   staged slot no longer hashes to its digest: nothing changed);
 *   ::MOAT_ERR_UPDATE_INSTALL_RECORD; the port's errors.
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_trial(const moat_port *port);

/**
 * @brief THE boot decision: which slot to boot (call once per boot, before
 *        anything else of the update module).
 *
 * In order:
 * 1. complete the counters of the active image if a confirm was cut
 *    (counter writes). A failure here does NOT stop the boot: it is
 *    reported in @p counter_status and retried at the next boot (the
 *    active image is confirmed in the record whatever the counters say);
 * 2. TRIAL not yet booted: re-hash the candidate, persist "trial booted"
 *    and boot it. A candidate that no longer verifies, OR that cannot be
 *    read (a port error such as ::MOAT_ERR_PORT_IO on its slot), is
 *    REVERTED instead (one record write) and the active image boots: an
 *    unreadable staging slot never blocks the boot;
 * 3. TRIAL already booted (never confirmed): persist REVERTED and boot the
 *    active image;
 * 4. otherwise boot the active image (::MOAT_UPDATE_SLOT_FACTORY when
 *    none), after re-hashing it.
 * @param port the port
 * @param[out] slot_to_boot the slot to start; ::MOAT_PORT_SLOT_COUNT on
 *        failure
 * @param[out] counter_status may be NULL; receives the outcome of step 1
 *        whatever the return value: ::MOAT_OK (counters at the active
 *        image's values, or nothing to do), or the port's counter error
 *        (e.g. ::MOAT_ERR_PORT_COUNTER_OVERFLOW from a port whose counters
 *        cannot hold an epoch >= 1 value, ::MOAT_ERR_PORT_CORRUPT,
 *        ::MOAT_ERR_PORT_IO). Report it (it means anti-rollback rests on
 *        the install record alone until the counters can be written); it
 *        never changes which slot boots.
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p port or
 *   @p slot_to_boot NULL);
 *   ::MOAT_ERR_UPDATE_NO_IMAGE (the active image no longer hashes to its
 *   digest); ::MOAT_ERR_UPDATE_INSTALL_RECORD; the port's errors reading
 *   the record or the ACTIVE image, or writing the record (after a write
 *   error or power cut: reboot and call again).
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: as the port.
 */
moat_err moat_update_boot(const moat_port *port, uint32_t *slot_to_boot,
                          moat_err *counter_status);

/**
 * @brief Confirm the running trial image: persist CONFIRMED (the candidate
 *        becomes the active image), then advance counter
 *        ::MOAT_UPDATE_COUNTER_SEQUENCE to its sequence_counter and its svn
 *        counter to svn_counter (counters move only here, or when
 *        moat_update_boot() completes a confirm cut between the two).
 *        Idempotent: in state CONFIRMED it only completes the counters.
 * @param port the port
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p port NULL);
 *   ::MOAT_ERR_UPDATE_STATE (not a booted TRIAL nor CONFIRMED);
 *   ::MOAT_ERR_UPDATE_INSTALL_RECORD; the port's record errors (outcome
 *   unknown: read the state); the port's counter errors
 *   (::MOAT_ERR_PORT_COUNTER_OVERFLOW, ::MOAT_ERR_PORT_CORRUPT, ...): the
 *   image IS confirmed (state CONFIRMED) and boots; only the counters lag,
 *   and moat_update_boot() keeps completing them (its counter_status).
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_update_confirm(const moat_port *port);

/**
 * @brief Reject the pending update: TRIAL (booted or not) -> REVERTED, or
 *        STAGED -> REVERTED (one record write). The active image stays.
 * @param port the port
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p port NULL);
 *   ::MOAT_ERR_UPDATE_STATE (nothing pending: after confirm a revert is
 *   impossible); ::MOAT_ERR_UPDATE_INSTALL_RECORD; the port's errors.
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_update_revert(const moat_port *port);

/**
 * @brief The persisted install state.
 * @param port the port
 * @param[out] state the state (::MOAT_UPDATE_STATE_NONE when no record);
 *        ::MOAT_UPDATE_STATE_NONE on failure
 * @return ::MOAT_OK; the errors of moat_update_install_read().
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_update_status(const moat_port *port, moat_update_state *state);

/**
 * @brief Read and decode the install record.
 * @param port the port
 * @param[out] out the record (state NONE with no images when absent);
 *        wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL argument);
 *   ::MOAT_ERR_UPDATE_INSTALL_RECORD (wrong size, magic, check value or an
 *   inconsistent state); the port's record_read errors other than
 *   ::MOAT_ERR_PORT_NOT_FOUND.
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_update_install_read(const moat_port *port, moat_update_install *out);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_UPDATE_H */
