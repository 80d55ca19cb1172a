/**
 * @file msg.h
 * @brief Sealed messages (store-and-forward, device to device): sign, then
 *        encrypt, with a per-sender replay window persisted through the port.
 *
 * A sealed message is a compact JWE (RFC 7516; ECDH-ES + A256GCM, see
 * jose.h) to the recipient's P-256 key whose plaintext is a compact JWS
 * (RFC 7515; ES256/ES384) signed by the sender, kid = RFC 7638 thumbprint
 * of the sender's key, typ ::MOAT_MSG_CTY, over the JSON payload
 *
 *     {"v":1,"from":"<sender id>","to":"<recipient id>","type":"<type>",
 *      "seq":<per-sender sequence>,"iat":<seconds>,"body":"<base64url>"}
 *
 * The JWE protected header carries "cty" = ::MOAT_MSG_CTY and replicates
 * the sender ("iss"), the recipient ("aud") and the message type
 * ("msg_type") (RFC 7519 section 5.3), so that they are bound into the
 * AEAD's additional data; the receiver requires them to equal the signed
 * values. docs/messages.md describes the format, the replay rules and
 * the sizes.
 *
 * Open checks (moat_msg_open()), in order: size; the recipient named in
 * the header is me; the sender is in the caller's directory; the JWE
 * decrypts (every JWE policy check of jose.h); the authenticated header;
 * the inner JWS kid is the thumbprint of the directory key of that sender
 * (else sender substitution); the inner signature; the payload; header and
 * payload agree; the payload names me; the type is allowed; the replay
 * window admits the sequence; the body fits. Only then is the window
 * updated and persisted (atomically, through a port record) and only
 * after the write succeeded is the body released. On any failure the body
 * buffer is wiped and neither the window nor the record changes.
 *
 * Memory: no heap; caller-owned workspaces (MOAT_MSG_SEAL_WORK_SIZE(),
 * MOAT_MSG_OPEN_WORK_SIZE()) and about 12.5 KiB of stack peak (docs/bench.md).
 * Thread safety: functions are reentrant on distinct contexts; a
 * ::moat_msg_replay must not be used by two threads at once (nor its port).
 */
#ifndef MOAT_MSG_H
#define MOAT_MSG_H

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

/** @brief Payload format version ("v"). */
#define MOAT_MSG_VERSION 1
/** @brief "cty" of the JWE and "typ" of the inner JWS. */
#define MOAT_MSG_CTY "moat-msg+jws"
/** @brief Longest sender / recipient id (bytes of printable ASCII
 *         0x21-0x7e other than '"' and '\\'; at least 1). */
#define MOAT_MSG_ID_MAX 64u
/** @brief Longest message type (same alphabet as ids; at least 1). */
#define MOAT_MSG_TYPE_MAX 32u
/** @brief Largest message body (application payload) in bytes. */
#define MOAT_MSG_BODY_MAX 4096u
/** @brief Largest sequence number (2^53 - 1, exact in JSON). */
#define MOAT_MSG_SEQ_MAX 9007199254740991ull
/** @brief Replay window: sequence numbers below highest - this are too old. */
#define MOAT_MSG_REPLAY_WINDOW 64u
/** @brief Senders tracked by one replay state (a new sender beyond this is refused). */
#define MOAT_MSG_REPLAY_MAX_SENDERS 16u
/** @brief Default port record of the replay state. */
#define MOAT_MSG_DEFAULT_REPLAY_RECORD 50u
/** @brief Default port counter of the sender's sequence (moat_msg_seq_next()). */
#define MOAT_MSG_DEFAULT_SEQ_COUNTER 6u
/** @brief Most entries in an allowed-types list. */
#define MOAT_MSG_TYPES_MAX 32u
/** @brief Most entries in a sender directory. */
#define MOAT_MSG_DIRECTORY_MAX 256u

/** @brief Largest signed payload for a body of @p n bytes. */
#define MOAT_MSG_PAYLOAD_SIZE(n) (MOAT_B64URL_ENC_LEN((size_t)(n)) + 256u)
/** @brief Largest sealed message for a body of @p n bytes (NUL included). */
#define MOAT_MSG_SEALED_SIZE(n) \
    MOAT_JWE_COMPACT_SIZE(MOAT_JWS_COMPACT_SIZE(MOAT_MSG_PAYLOAD_SIZE(n)))
/** @brief Largest sealed message moat_msg_open() accepts (bytes). */
#define MOAT_MSG_MAX MOAT_MSG_SEALED_SIZE(MOAT_MSG_BODY_MAX)
/** @brief Workspace moat_msg_seal() needs for a body of @p n bytes. */
#define MOAT_MSG_SEAL_WORK_SIZE(n) \
    (MOAT_MSG_PAYLOAD_SIZE(n) + MOAT_JWS_COMPACT_SIZE(MOAT_MSG_PAYLOAD_SIZE(n)) + 16u)
/** @brief JSON values allowed in a payload. */
#define MOAT_MSG_PAYLOAD_VALUES 16u
/** @brief Workspace moat_msg_open() needs for a message of @p len bytes. */
#define MOAT_MSG_OPEN_WORK_SIZE(len) \
    (MOAT_JWE_HEADER_MAX + 1u + \
     MOAT_JSON_ARENA_SIZE(MOAT_JWE_HEADER_MAX, MOAT_JWS_HEADER_MAX_VALUES) + \
     MOAT_B64URL_DEC_MAX((size_t)(len)) + \
     MOAT_B64URL_DEC_MAX(MOAT_B64URL_DEC_MAX((size_t)(len))) + \
     MOAT_JSON_ARENA_SIZE(MOAT_B64URL_DEC_MAX(MOAT_B64URL_DEC_MAX((size_t)(len))), \
                          MOAT_MSG_PAYLOAD_VALUES) + 96u)

/**
 * @brief MOAT_MSG_SEALED_SIZE() as a function (for the bindings).
 * @param body_len body length
 * @return the bound (NUL included); SIZE_MAX above ::MOAT_MSG_BODY_MAX.
 *         Cannot fail; no heap; reentrant.
 */
size_t moat_msg_sealed_size(size_t body_len);
/**
 * @brief MOAT_MSG_SEAL_WORK_SIZE() as a function (for the bindings).
 * @param body_len body length (clamped to ::MOAT_MSG_BODY_MAX)
 * @return the workspace size. Cannot fail; no heap; reentrant.
 */
size_t moat_msg_seal_work_size(size_t body_len);
/**
 * @brief MOAT_MSG_OPEN_WORK_SIZE() as a function (for the bindings).
 * @param msg_len message length (clamped to ::MOAT_MSG_MAX)
 * @return the workspace size. Cannot fail; no heap; reentrant.
 */
size_t moat_msg_open_work_size(size_t msg_len);

/* ======================================================== replay window */

/** @brief The replay window of one sender. */
typedef struct moat_msg_replay_entry {
    char sender[MOAT_MSG_ID_MAX + 1u]; /**< sender id, NUL-terminated */
    uint64_t highest;                  /**< highest accepted sequence (>= 1) */
    uint64_t bitmap;                   /**< bit i set: highest - i accepted */
} moat_msg_replay_entry;

/**
 * @brief Per-sender replay windows, mirrored in one port record.
 *        Caller-owned; use the functions, not the fields.
 */
typedef struct moat_msg_replay {
    const moat_port *port;     /**< the port holding the record */
    uint32_t record_id;        /**< the record */
    bool loaded;               /**< state equals the record (false: reopen) */
    size_t count;              /**< senders in use */
    moat_msg_replay_entry entries[MOAT_MSG_REPLAY_MAX_SENDERS]; /**< windows */
} moat_msg_replay;

/** @brief Largest replay record (bytes). */
#define MOAT_MSG_REPLAY_RECORD_SIZE \
    (5u + MOAT_MSG_REPLAY_MAX_SENDERS * (1u + MOAT_MSG_ID_MAX + 16u))

/**
 * @brief Load the replay state from port record @p record_id (absent: no
 *        sender seen yet).
 * @param[out] r the state; zeroed on failure
 * @param port the port; must outlive @p r
 * @param record_id the record (::MOAT_MSG_DEFAULT_REPLAY_RECORD unless the
 *        device's record map says otherwise)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p r or @p port NULL, record id outside
 *   the port's range);
 *   ::MOAT_ERR_MSG_REPLAY_RECORD (the record is malformed: fail closed,
 *   nothing is accepted until it is repaired or erased by the operator);
 *   the port's errors (::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO, ...).
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: not
 * concurrently with other uses of @p r or the port.
 */
moat_err moat_msg_replay_open(moat_msg_replay *r, const moat_port *port,
                              uint32_t record_id);

/**
 * @brief Would @p seq from @p sender be accepted? Changes nothing.
 *
 * Rules: seq in 1..::MOAT_MSG_SEQ_MAX (::MOAT_ERR_MSG_SEQ); a sender never
 * seen is accepted if the table has room (::MOAT_ERR_MSG_REPLAY_FULL);
 * seq above the highest accepted is accepted; seq at or below
 * highest - ::MOAT_MSG_REPLAY_WINDOW is ::MOAT_ERR_MSG_REPLAY_OLD
 * (reordered beyond the window, or rolled back); within the window it is
 * accepted once (::MOAT_ERR_MSG_REPLAY the second time).
 * @param r the state
 * @param sender the sender id (NUL-terminated, at most ::MOAT_MSG_ID_MAX)
 * @param seq the sequence number
 * @return ::MOAT_OK or the codes above; ::MOAT_ERR_INVALID_ARGUMENT
 *   (NULL, or an id too long or empty); ::MOAT_ERR_MSG_REPLAY_STALE (not
 *   loaded, or a previous write failed).
 *
 * Memory: no heap. Thread safety: reads @p r only.
 */
moat_err moat_msg_replay_check(const moat_msg_replay *r, const char *sender,
                               uint64_t seq);

/**
 * @brief Check as moat_msg_replay_check(), then record @p seq and persist
 *        the whole state with one atomic record write.
 *
 * On any failure the in-memory state is unchanged. If the write itself
 * fails (power cut, ::MOAT_ERR_PORT_IO) the record may hold the old or the
 * new state, so the state is marked stale: every later call returns
 * ::MOAT_ERR_MSG_REPLAY_STALE until moat_msg_replay_open() re-reads it.
 * The caller must not use the message unless this returned ::MOAT_OK, so a
 * message is never accepted twice (at worst it is lost).
 * @param r the state
 * @param sender the sender id
 * @param seq the sequence number
 * @return ::MOAT_OK; the codes of moat_msg_replay_check(); the port's
 *   write errors.
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: not
 * concurrently with other uses of @p r or the port.
 */
moat_err moat_msg_replay_accept(moat_msg_replay *r, const char *sender,
                                uint64_t seq);

/**
 * @brief Remove @p sender's window from the table, freeing its slot, and
 *        persist the table with one atomic record write.
 *
 * For retired devices only. The table holds ::MOAT_MSG_REPLAY_MAX_SENDERS
 * senders and, when full, refuses new ones (::MOAT_ERR_MSG_REPLAY_FULL);
 * forgetting a sender that will never send again makes room.
 *
 * Security rule (the caller's duty; moat cannot check it): forgetting a
 * sender erases the memory of which of its sequence numbers were already
 * accepted, so every message it ever sent becomes acceptable again by
 * moat_msg_open() (a replay). Forget a sender ONLY after removing it from
 * every ::moat_msg_receiver directory that uses this state, so its old
 * messages are refused as ::MOAT_ERR_MSG_UNKNOWN_SENDER before the replay
 * window is consulted. A sender that must keep communicating must never be
 * forgotten; if it is re-admitted later, give it a new key (its directory
 * key binds its messages) so that its old messages stay unacceptable.
 *
 * As moat_msg_replay_accept(): the record is written first and memory
 * follows only on success. If the write fails (power cut,
 * ::MOAT_ERR_PORT_IO) the record holds the old or the new table, memory
 * keeps the old one and the state is marked stale (every later call
 * returns ::MOAT_ERR_MSG_REPLAY_STALE until moat_msg_replay_open()).
 * @param r the state (loaded)
 * @param sender the sender id (NUL-terminated, at most ::MOAT_MSG_ID_MAX)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL, or an id too long,
 *   empty or outside the alphabet); ::MOAT_ERR_NOT_FOUND (@p sender has no
 *   window: nothing is written, nothing changes);
 *   ::MOAT_ERR_MSG_REPLAY_STALE (not loaded, or a previous write failed);
 *   the port's write errors (::MOAT_ERR_PORT_IO,
 *   ::MOAT_ERR_PORT_POWER_CUT, ...).
 *
 * Memory: no heap; about 1.5 KiB of stack. Thread safety: not
 * concurrently with other uses of @p r or the port.
 */
moat_err moat_msg_replay_forget(moat_msg_replay *r, const char *sender);

/**
 * @brief Read one sender's window (for diagnostics and tests).
 * @param r the state
 * @param sender the sender id
 * @param[out] highest highest accepted sequence; 0 if unknown
 * @param[out] bitmap the window bitmap; 0 if unknown (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_NOT_FOUND (sender unknown);
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL); ::MOAT_ERR_MSG_REPLAY_STALE.
 *   No heap; reads @p r only.
 */
moat_err moat_msg_replay_get(const moat_msg_replay *r, const char *sender,
                             uint64_t *highest, uint64_t *bitmap);

/**
 * @brief Wipe @p r (nothing persistent changes). NULL is ignored.
 * @param r the state
 */
void moat_msg_replay_close(moat_msg_replay *r);

/**
 * @brief The sender's next sequence number from a port monotonic counter:
 *        the counter is advanced (durably) before the number is returned,
 *        so a number is never handed out twice, even across power loss.
 * @param port the port
 * @param counter_id the counter (::MOAT_MSG_DEFAULT_SEQ_COUNTER unless the
 *        device's counter map says otherwise)
 * @param[out] seq the new sequence number (1 the first time); 0 on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT; ::MOAT_ERR_MSG_SEQ (the
 *   counter reached ::MOAT_MSG_SEQ_MAX); the port's counter errors.
 *
 * Memory: no heap. Thread safety: as the port.
 */
moat_err moat_msg_seq_next(const moat_port *port, uint32_t counter_id, uint64_t *seq);

/* ============================================================ messages */

/** @brief What the sender signs (besides the body). */
typedef struct moat_msg_header {
    const char *from;  /**< sender id */
    const char *to;    /**< recipient id */
    const char *type;  /**< message type */
    uint64_t seq;      /**< per-sender sequence, 1..::MOAT_MSG_SEQ_MAX */
    int64_t iat;       /**< issued at (seconds since the epoch), 0..2^53-1 */
} moat_msg_header;

/**
 * @brief Sign @p body as @p h->from and encrypt it to @p recipient.
 * @param sender the sender's signer (P-256 or P-384)
 * @param h from/to/type/seq/iat
 * @param recipient the recipient's P-256 public key
 * @param body the application payload (may be NULL when @p body_len is 0)
 * @param body_len its length, at most ::MOAT_MSG_BODY_MAX
 * @param rng random source (JWE ephemeral key and IV)
 * @param rng_ctx its context
 * @param work workspace of MOAT_MSG_SEAL_WORK_SIZE(body_len) bytes; wiped
 *        on return
 * @param work_size its size
 * @param out receives the NUL-terminated message;
 *        MOAT_MSG_SEALED_SIZE(body_len) is always enough
 * @param out_cap its capacity
 * @param[out] out_len length without the NUL; the size needed (NUL
 *        included) on ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL pointers, an id or type empty, too
 *   long or outside the alphabet, iat out of range);
 *   ::MOAT_ERR_MSG_SEQ (seq 0 or above ::MOAT_MSG_SEQ_MAX);
 *   ::MOAT_ERR_MSG_TOO_LARGE (@p body_len above ::MOAT_MSG_BODY_MAX);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work too small);
 *   the errors of moat_jws_sign_compact_ex() and moat_jwe_encrypt()
 *   (::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_CRYPTO_RNG_FAILED,
 *   ::MOAT_ERR_BUFFER_TOO_SMALL, the signer's error, ...).
 *   @p out is wiped on failure.
 *
 * Memory: no heap; about 7 KiB of stack peak. Thread safety: reentrant
 * with distinct buffers.
 */
moat_err moat_msg_seal(const moat_signer *sender, const moat_msg_header *h,
                       const moat_ec_public_key *recipient,
                       const uint8_t *body, size_t body_len,
                       moat_rng_fn rng, void *rng_ctx,
                       void *work, size_t work_size,
                       char *out, size_t out_cap, size_t *out_len);

/** @brief A directory entry: a known sender and its public key. */
typedef struct moat_msg_peer {
    const char *id;  /**< sender id */
    moat_jwk key;    /**< its signing key (the kid field is not used) */
} moat_msg_peer;

/** @brief The receiver's side: identity, key, trust and state. */
typedef struct moat_msg_receiver {
    const char *me;                      /**< my id */
    const moat_jwe_decrypter *key;       /**< my key agreement */
    const moat_msg_peer *directory;      /**< known senders */
    size_t directory_count;              /**< 1..::MOAT_MSG_DIRECTORY_MAX */
    const char *const *types;            /**< allowed message types */
    size_t type_count;                   /**< 1..::MOAT_MSG_TYPES_MAX */
    moat_msg_replay *replay;             /**< the replay state (loaded) */
} moat_msg_receiver;

/** @brief What moat_msg_open() reports about an accepted message. */
typedef struct moat_msg_info {
    char from[MOAT_MSG_ID_MAX + 1u];   /**< sender id */
    char type[MOAT_MSG_TYPE_MAX + 1u]; /**< message type */
    uint64_t seq;                      /**< sequence number */
    int64_t iat;                       /**< issued at */
} moat_msg_info;

/**
 * @brief Open a sealed message: decrypt, verify, check, update the replay
 *        window (persisted), then release the body.
 * @param rx the receiver
 * @param msg the sealed message (not necessarily NUL-terminated)
 * @param msg_len its length, at most ::MOAT_MSG_MAX
 * @param work workspace of MOAT_MSG_OPEN_WORK_SIZE(msg_len) bytes; wiped
 *        on return
 * @param work_size its size
 * @param body receives the body (may be NULL when @p body_cap is 0)
 * @param body_cap its capacity
 * @param[out] body_len the body length; the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL (every check passed, window unchanged);
 *        0 on other failures
 * @param[out] info sender, type, seq, iat (may be NULL); zeroed on failure
 * @return ::MOAT_OK, or the first failure:
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL pointers, an empty directory or type
 *   list or one above its bound, @p rx->me invalid);
 *   ::MOAT_ERR_MSG_TOO_LARGE (@p msg_len above ::MOAT_MSG_MAX, or a body
 *   above ::MOAT_MSG_BODY_MAX);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work too small);
 *   ::MOAT_ERR_JWE_FORMAT, ::MOAT_ERR_JOSE_HEADER_TOO_LARGE, MOAT_ERR_B64_*,
 *   MOAT_ERR_JSON_* (outer header unreadable);
 *   ::MOAT_ERR_MSG_HEADER (no string iss/aud/msg_type, or cty not
 *   ::MOAT_MSG_CTY);
 *   ::MOAT_ERR_MSG_WRONG_RECIPIENT (aud, or the signed "to", is not me);
 *   ::MOAT_ERR_MSG_UNKNOWN_SENDER (iss not in the directory);
 *   every error of moat_jwe_decrypt() (::MOAT_ERR_JWE_ALG_NOT_ALLOWED,
 *   ::MOAT_ERR_JWE_ENC_NOT_ALLOWED, ::MOAT_ERR_JWE_ZIP,
 *   ::MOAT_ERR_JWE_EPK_CURVE, ::MOAT_ERR_JWE_EPK_NOT_ON_CURVE,
 *   ::MOAT_ERR_JWE_IV_LENGTH, ::MOAT_ERR_JWE_TAG_LENGTH,
 *   ::MOAT_ERR_JWE_AUTH, ...);
 *   ::MOAT_ERR_MSG_FORMAT (inner JWS header without kid, payload malformed);
 *   ::MOAT_ERR_MSG_SENDER_MISMATCH (inner kid not the sender's key);
 *   the errors of moat_jws_verify_compact() (::MOAT_ERR_CRYPTO_SIG_INVALID,
 *   ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH, ...);
 *   ::MOAT_ERR_MSG_SEQ; ::MOAT_ERR_MSG_BINDING (header iss/msg_type differ
 *   from the signed from/type); ::MOAT_ERR_MSG_TYPE_NOT_ALLOWED;
 *   ::MOAT_ERR_MSG_REPLAY; ::MOAT_ERR_MSG_REPLAY_OLD;
 *   ::MOAT_ERR_MSG_REPLAY_FULL; ::MOAT_ERR_MSG_REPLAY_STALE;
 *   ::MOAT_ERR_BUFFER_TOO_SMALL; the port's write errors.
 *   On failure @p body is wiped over @p body_cap and the replay state and
 *   record are unchanged (except a failed write: see
 *   moat_msg_replay_accept()).
 *
 * Memory: no heap; about 12.5 KiB of stack peak (JWE header parsing, one
 * ECDH, one ECDSA verification). Thread safety: not concurrently with
 * other uses of @p rx->replay.
 */
moat_err moat_msg_open(const moat_msg_receiver *rx, const char *msg, size_t msg_len,
                       void *work, size_t work_size,
                       uint8_t *body, size_t body_cap, size_t *body_len,
                       moat_msg_info *info);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_MSG_H */
