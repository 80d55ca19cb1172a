/**
 * @file tls.h
 * @brief Secure channel: TLS 1.2 with mutual certificate authentication.
 *
 * A client or server endpoint over BearSSL's TLS engine, with moat's
 * certificate layer deciding whether the peer is trusted:
 * - protocol TLS 1.2 only (RFC 5246); no renegotiation; no compression;
 * - cipher suites ECDHE-ECDSA only: AES-128-GCM-SHA256 (0xC02B),
 *   AES-256-GCM-SHA384 (0xC02C), ChaCha20-Poly1305-SHA256 (0xCCA9, RFC 7905);
 *   ephemeral curves P-256 and P-384;
 * - the peer's chain is validated by moat_x509_verify() against the trust
 *   store of the configuration, with the purpose of the role (a client
 *   requires id-kp-serverAuth and the host name or IP; a server requires
 *   id-kp-clientAuth), the store's SPKI pins, and the configured time;
 * - the own private key is used only through a ::moat_signer (it may stay
 *   inside the port);
 * - all memory is the caller's: a context (::moat_tls_ctx), an I/O buffer
 *   (::MOAT_TLS_BUFFER_SIZE), a peer-chain buffer and an X.509 workspace;
 * - the transport is two callbacks (::moat_tls_io), blocking with a timeout
 *   or non-blocking (::MOAT_ERR_TLS_WOULD_BLOCK).
 *
 * Every failure names the check that failed: ::MOAT_ERR_TLS_CERTIFICATE
 * (with the exact X.509 code in ::moat_tls_status), ::MOAT_ERR_TLS_ALERT
 * (with the alert number), ::MOAT_ERR_TLS_PROTOCOL,
 * ::MOAT_ERR_TLS_NO_COMMON_SUITE, ::MOAT_ERR_TLS_NO_PEER_CERT, ... A failed
 * connection stays failed: later calls return the same error. What the
 * layer checks and what it does not: docs/tls.md.
 *
 * Thread safety: a context is used by one thread at a time; distinct
 * contexts are independent. A ::moat_tls_session_cache shared by several
 * server contexts must be serialized by the caller.
 */
#ifndef MOAT_TLS_H
#define MOAT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/crypto.h"
#include "moat/port.h"
#include "moat/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================ sizes */

/**
 * @brief I/O buffer size for full-duplex operation: one maximal incoming
 *        record (16384 + 325 bytes) plus one maximal outgoing record
 *        (16384 + 85 bytes), i.e. BearSSL's BR_SSL_BUFSIZE_BIDI.
 */
#define MOAT_TLS_BUFFER_SIZE 33178u
/**
 * @brief Smallest accepted I/O buffer (half-duplex: one maximal record,
 *        BR_SSL_BUFSIZE_MONO). With it, moat_tls_write() fails with
 *        ::MOAT_ERR_TLS_STATE while received data waits to be read.
 */
#define MOAT_TLS_BUFFER_MIN 16709u
/**
 * @brief Recommended size of the peer-chain buffer: the concatenated DER
 *        certificates the peer sends (each at most ::MOAT_X509_MAX_CERT_SIZE,
 *        at most ::MOAT_X509_MAX_CANDIDATES of them). A larger chain fails
 *        with ::MOAT_ERR_TLS_CERTIFICATE / ::MOAT_ERR_INPUT_TOO_LARGE.
 */
#define MOAT_TLS_PEER_CHAIN_SIZE 8192u
/** @brief Smallest accepted peer-chain buffer. */
#define MOAT_TLS_PEER_CHAIN_MIN 512u
/** @brief Most certificates in the own chain (leaf first). */
#define MOAT_TLS_MAX_OWN_CHAIN 8u
/**
 * @brief Most trust-anchor names a server sends in its CertificateRequest
 *        (a hint to the client; further anchors still validate).
 */
#define MOAT_TLS_MAX_CA_NAMES 16u
/** @brief Size of a ::moat_tls_ctx in bytes. */
#define MOAT_TLS_CTX_SIZE 8192u
/** @brief Size of a saved client session (::moat_tls_session). */
#define MOAT_TLS_SESSION_SIZE 144u
/**
 * @brief Default lifetime of a saved client session, in seconds (24 h, the
 *        upper limit RFC 5246 appendix F.1.4 suggests), counted from the
 *        full handshake that established it. See
 *        ::moat_tls_config::session_lifetime.
 */
#define MOAT_TLS_SESSION_LIFETIME 86400u
/** @brief Largest ::moat_tls_config::session_lifetime accepted (7 days). */
#define MOAT_TLS_SESSION_LIFETIME_MAX 604800u
/** @brief Bytes of the server cache buffer per cached session. */
#define MOAT_TLS_SESSION_CACHE_ENTRY 100u
/** @brief Largest transport timeout accepted, in milliseconds (24 h). */
#define MOAT_TLS_MAX_TIMEOUT_MS 86400000u
/** @brief Longest peer host name (RFC 1035 2.3.4). */
#define MOAT_TLS_MAX_NAME 253u

/* ========================================================== suites */

/** @brief Cipher-suite selection bits for ::moat_tls_config::suites. */
enum {
    /** TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289), 0xC02B */
    MOAT_TLS_SUITE_ECDHE_ECDSA_AES128_GCM = 1u << 0,
    /** TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289), 0xC02C */
    MOAT_TLS_SUITE_ECDHE_ECDSA_AES256_GCM = 1u << 1,
    /** TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905), 0xCCA9 */
    MOAT_TLS_SUITE_ECDHE_ECDSA_CHACHA20 = 1u << 2,
    /** All of the above (also what 0 selects). */
    MOAT_TLS_SUITES_ALL = 7u
};

/* ======================================================== transport */

/**
 * @brief Read up to @p len bytes from the transport.
 *
 * Wait at most @p timeout_ms for at least one byte. Return ::MOAT_OK with
 * 1 <= *got <= @p len; ::MOAT_ERR_TLS_TIMEOUT when nothing arrived in time;
 * ::MOAT_ERR_TLS_WOULD_BLOCK (non-blocking transports) when nothing is
 * available now; ::MOAT_ERR_TLS_EOF when the peer closed the transport;
 * ::MOAT_ERR_TLS_IO (or any other code, passed on) on failure. *got is 0
 * on every failure.
 */
typedef moat_err (*moat_tls_read_fn)(void *ctx, uint8_t *buf, size_t len,
                                     uint32_t timeout_ms, size_t *got);
/**
 * @brief Write up to @p len bytes to the transport.
 *
 * Wait at most @p timeout_ms for room. Return ::MOAT_OK with
 * 1 <= *sent <= @p len; ::MOAT_ERR_TLS_TIMEOUT, ::MOAT_ERR_TLS_WOULD_BLOCK,
 * ::MOAT_ERR_TLS_EOF or ::MOAT_ERR_TLS_IO as for ::moat_tls_read_fn, with
 * *sent 0.
 */
typedef moat_err (*moat_tls_write_fn)(void *ctx, const uint8_t *buf, size_t len,
                                      uint32_t timeout_ms, size_t *sent);

/** @brief The transport: two callbacks and their context. */
typedef struct moat_tls_io {
    moat_tls_read_fn read;   /**< receive bytes */
    moat_tls_write_fn write; /**< send bytes */
    void *ctx;               /**< passed first to both */
    uint32_t timeout_ms;     /**< passed to every call (inactivity timeout), 0 .. ::MOAT_TLS_MAX_TIMEOUT_MS */
} moat_tls_io;

/* ================================================= sessions (resumption) */

/**
 * @brief A client's saved session (RFC 5246 7.4.1.2 session ID resumption).
 *
 * Holds the master secret: keep it as secret as a key and wipe it with
 * moat_wipe() when done. It is bound to the peer name (or IP) it was
 * established with: offered only to that same peer.
 *
 * It also records when it was established (the trusted time of the client
 * at the moat_tls_init() of the full handshake; a session saved after a
 * resumption keeps that original time, so resuming never extends its
 * life). moat_tls_init() offers it only while it is younger than the
 * lifetime (::moat_tls_config::session_lifetime, default
 * ::MOAT_TLS_SESSION_LIFETIME) and only when BOTH the establishing and the
 * current connection have trusted time: a session established without
 * trusted time is never offered, nor is any session while the client has
 * no trusted time, nor when the clock is earlier than the session's time.
 * Not offering means a full handshake with full certificate validation.
 */
typedef struct moat_tls_session {
    uint64_t opaque_[MOAT_TLS_SESSION_SIZE / 8u]; /**< implementation storage */
} moat_tls_session;

/** @brief A server's session cache (LRU) over a caller buffer. */
typedef struct moat_tls_session_cache {
    uint64_t opaque_[16]; /**< implementation storage */
} moat_tls_session_cache;

/**
 * @brief Initialize a server session cache over @p buf.
 * @param[out] cache the cache; zeroed on failure
 * @param buf storage, ::MOAT_TLS_SESSION_CACHE_ENTRY bytes per session;
 *        must outlive the cache and every context using it
 * @param len its size, at least ::MOAT_TLS_SESSION_CACHE_ENTRY
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL, or @p len below one
 *         entry).
 *
 * Sessions are stored only after a full handshake succeeded, i.e. after the
 * client chain validated (when client certificates are required). Share a
 * cache only between servers with the same configuration: a resumed
 * session skips certificate validation. Memory: no heap. Thread safety:
 * not safe against concurrent use of the same cache.
 */
moat_err moat_tls_session_cache_init(moat_tls_session_cache *cache, uint8_t *buf,
                                     size_t len);

/**
 * @brief Wipe a server session cache and its buffer (master secrets).
 * @param cache the cache (NULL: no-op)
 * Memory: no heap. Thread safety: as moat_tls_session_cache_init().
 */
void moat_tls_session_cache_wipe(moat_tls_session_cache *cache);

/* ==================================================== configuration */

/** @brief The endpoint's role. */
typedef enum moat_tls_role {
    MOAT_TLS_CLIENT = 1, /**< initiates; validates the server for serverAuth + name */
    MOAT_TLS_SERVER = 2  /**< accepts; validates the client for clientAuth */
} moat_tls_role;

/**
 * @brief Everything an endpoint needs. Zero-initialize, then set.
 *
 * Every pointer must stay valid while the context is in use; nothing is
 * copied except the scalar settings.
 */
typedef struct moat_tls_config {
    moat_tls_role role;                 /**< client or server */
    /* --- own identity */
    const uint8_t *const *chain;        /**< own chain, DER, leaf first (NULL: none; client only) */
    const size_t *chain_lens;           /**< their lengths */
    size_t chain_count;                 /**< 0 .. ::MOAT_TLS_MAX_OWN_CHAIN (at least 1 for a server) */
    const moat_signer *signer;          /**< signs with the leaf's key (required with a chain) */
    /* --- peer validation */
    const moat_x509_store *store;       /**< trust anchors and SPKI pins for the peer */
    const char *peer_name;              /**< client: expected server DNS name (also sent as SNI) */
    const uint8_t *peer_ip;             /**< client: expected server IP (4 or 16 bytes), instead of a name */
    size_t peer_ip_len;                 /**< its length */
    bool require_client_cert;           /**< server: request and require a client chain */
    /* --- time of validation */
    const moat_port *time_port;         /**< trusted time from the port (NULL: use @c now) */
    int64_t now;                        /**< validation time when @c time_port is NULL */
    bool no_time;                       /**< no trusted time (policy of docs/x509-policy.md) */
    /* --- algorithms, randomness */
    uint32_t suites;                    /**< MOAT_TLS_SUITE_* bits (0: all); order of preference fixed */
    moat_rng_fn rng;                    /**< seeds the engine's DRBG (e.g. the port's entropy) */
    void *rng_ctx;                      /**< its context */
    /* --- memory */
    uint8_t *io_buf;                    /**< record buffer */
    size_t io_buf_len;                  /**< ::MOAT_TLS_BUFFER_MIN .. ; ::MOAT_TLS_BUFFER_SIZE for full duplex */
    uint8_t *peer_chain_buf;            /**< receives the peer's chain */
    size_t peer_chain_len;              /**< ::MOAT_TLS_PEER_CHAIN_MIN .. ; ::MOAT_TLS_PEER_CHAIN_SIZE recommended */
    moat_x509_verify_work *work;        /**< X.509 workspace (large; also used at init) */
    /* --- resumption */
    const moat_tls_session *resume;     /**< client: a session to offer (NULL: none) */
    moat_tls_session_cache *cache;      /**< server: session cache (NULL: no resumption) */
    uint32_t session_lifetime;          /**< client: seconds a saved session may be offered after its full handshake (0: ::MOAT_TLS_SESSION_LIFETIME; at most ::MOAT_TLS_SESSION_LIFETIME_MAX); server: 0 */
} moat_tls_config;

/** @brief A TLS endpoint (opaque, caller-allocated). */
typedef struct moat_tls_ctx {
    uint64_t opaque_[MOAT_TLS_CTX_SIZE / 8u]; /**< implementation storage */
} moat_tls_ctx;

/** @brief What happened on a connection (see moat_tls_get_status()). */
typedef struct moat_tls_status {
    moat_err err;              /**< the connection's error (::MOAT_OK while healthy) */
    moat_err x509_err;         /**< with ::MOAT_ERR_TLS_CERTIFICATE: the moat_x509_verify() (or size) code */
    int x509_failed_index;     /**< index in the peer's chain of the failing certificate, -1 none */
    int alert_received;        /**< fatal alert number received, -1 none */
    int alert_sent;            /**< fatal alert number sent (when known), -1 none */
    moat_err signer_err;       /**< with ::MOAT_ERR_TLS_SIGNER: the signer's error */
    int backend_error;         /**< the engine's raw error number (diagnostics only) */
    bool handshake_done;       /**< the handshake completed */
    bool resumed;              /**< it resumed an earlier session (no certificates exchanged) */
    bool peer_authenticated;   /**< the peer proved a chain that validated (now or in the resumed session) */
    uint16_t cipher_suite;     /**< negotiated suite (IANA number), 0 before */
} moat_tls_status;

/* ============================================================== API */

/**
 * @brief Check @p cfg and prepare @p tls for one connection.
 *
 * Checks: role known; a server has a chain; a chain needs a signer whose
 * public key is the leaf's key (the leaf is parsed); a client has
 * @c peer_name or @c peer_ip (never both, never neither); a non-empty store
 * (and, when a server requires client certificates, at least one anchor);
 * buffers at least their minimum; @c suites only known bits. The engine's
 * DRBG is seeded with 32 bytes from @c rng. A client @c resume session
 * is silently not offered (full handshake) when it is bound to another
 * peer or other trust settings, or is too old: offered only while
 * 0 <= now - established < @c session_lifetime, with trusted time now
 * (@c time_port, or a positive @c now; never under @c no_time) and when it
 * was established (see ::moat_tls_session). The client's time is read once
 * here; a failing time port only means "no time" (no offer), not an error.
 * Re-initializing a context starts a new connection.
 * @param[out] tls the context; wiped on failure
 * @param cfg the configuration (must outlive @p tls, with its pointers)
 * @param io the transport (copied)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (NULL, or a check above failed: a missing
 *   or inconsistent field, a buffer below its minimum, a client
 *   @c session_lifetime above ::MOAT_TLS_SESSION_LIFETIME_MAX or a server
 *   one not 0, @c timeout_ms above
 *   ::MOAT_TLS_MAX_TIMEOUT_MS, more than ::MOAT_TLS_MAX_OWN_CHAIN
 *   certificates, a name longer than ::MOAT_TLS_MAX_NAME);
 *   ::MOAT_ERR_UNSUPPORTED (unknown @c suites bits, or a leaf key that is
 *   not EC P-256/P-384);
 *   ::MOAT_ERR_X509_KEY_MISMATCH (the signer's key is not the leaf's);
 *   any moat_x509_parse() error of the leaf;
 *   the rng's error (e.g. ::MOAT_ERR_PORT_ENTROPY).
 *
 * Memory: no heap; about 3 KiB of stack plus moat_x509_parse(); @c work
 * is scratch. Thread safety: reentrant with distinct contexts.
 */
moat_err moat_tls_init(moat_tls_ctx *tls, const moat_tls_config *cfg,
                       const moat_tls_io *io);

/**
 * @brief Run the handshake to completion (or until the transport would
 *        block).
 * @param tls an initialized context
 * @return ::MOAT_OK (keys agreed, peer validated when required; the status
 *   says whether the session was resumed);
 *   ::MOAT_ERR_TLS_WOULD_BLOCK (non-blocking transport: call again);
 *   ::MOAT_ERR_TLS_TIMEOUT, ::MOAT_ERR_TLS_IO, ::MOAT_ERR_TLS_EOF (transport);
 *   ::MOAT_ERR_TLS_CERTIFICATE (the peer's chain failed: exact X.509 code
 *   in the status, e.g. ::MOAT_ERR_X509_EXPIRED, ::MOAT_ERR_X509_EKU,
 *   ::MOAT_ERR_X509_NAME_MISMATCH, ::MOAT_ERR_X509_NO_ISSUER,
 *   ::MOAT_ERR_X509_PIN_MISMATCH; ::MOAT_ERR_INPUT_TOO_LARGE or
 *   ::MOAT_ERR_X509_TOO_MANY when the chain exceeded the buffer or bounds);
 *   ::MOAT_ERR_TLS_NO_PEER_CERT (no chain where one is required);
 *   ::MOAT_ERR_TLS_ALERT (the peer sent a fatal alert; number in the status);
 *   ::MOAT_ERR_TLS_NO_COMMON_SUITE; ::MOAT_ERR_TLS_VERSION;
 *   ::MOAT_ERR_TLS_BAD_SIGNATURE (ServerKeyExchange or CertificateVerify);
 *   ::MOAT_ERR_TLS_SIGNER (own signer failed; its code in the status);
 *   ::MOAT_ERR_TLS_PROTOCOL (anything else the peer got wrong);
 *   ::MOAT_ERR_CRYPTO_RNG_FAILED; ::MOAT_ERR_INVALID_ARGUMENT (@p tls NULL
 *   or not initialized); ::MOAT_ERR_INTERNAL (the engine stalled; not
 *   expected); the sticky error of a failed connection.
 *   Calling it again after success returns ::MOAT_OK.
 *
 * Memory: no heap; about 2 KiB of stack plus moat_x509_verify() and the
 * signer. Thread safety: one thread per context.
 */
moat_err moat_tls_handshake(moat_tls_ctx *tls);

/**
 * @brief Encrypt and send @p len bytes (runs the handshake first if needed).
 * @param tls the context
 * @param data the bytes (may be NULL when @p len is 0)
 * @param len their number
 * @param[out] written bytes accepted; all of them on ::MOAT_OK (and then
 *        flushed to the transport); on ::MOAT_ERR_TLS_WOULD_BLOCK the part
 *        accepted (send the rest later); 0 on other failures
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_WOULD_BLOCK; ::MOAT_ERR_TLS_STATE (the
 *   connection was closed, or, with a half-duplex buffer, received data
 *   must be read first); ::MOAT_ERR_INVALID_ARGUMENT; the errors of
 *   moat_tls_handshake(). A timeout while sending is fatal.
 *
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_write(moat_tls_ctx *tls, const uint8_t *data, size_t len,
                        size_t *written);

/**
 * @brief Receive and decrypt application data (runs the handshake first if
 *        needed): waits for at least one byte, returns what is available.
 * @param tls the context
 * @param[out] buf receives the data
 * @param cap its capacity (at least 1)
 * @param[out] got bytes received (at least 1 on ::MOAT_OK, else 0)
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_CLOSED (the peer closed with
 *   close_notify; the reply was sent); ::MOAT_ERR_TLS_EOF (transport closed
 *   without close_notify: data may be truncated); ::MOAT_ERR_TLS_TIMEOUT or
 *   ::MOAT_ERR_TLS_WOULD_BLOCK before any record byte arrived (the
 *   connection stays usable: call again); a timeout inside a record is
 *   fatal; ::MOAT_ERR_TLS_PROTOCOL (e.g. a record that does not
 *   authenticate); ::MOAT_ERR_TLS_ALERT; ::MOAT_ERR_INVALID_ARGUMENT; the
 *   errors of moat_tls_handshake().
 *
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_read(moat_tls_ctx *tls, uint8_t *buf, size_t cap, size_t *got);

/**
 * @brief Close cleanly: send close_notify and wait for the peer's
 *        (RFC 5246 7.2.1); application data still arriving is discarded.
 *        The engine state (keys) is wiped in every case.
 * @param tls the context
 * @return ::MOAT_OK (close_notify sent; the peer answered or closed the
 *   transport); ::MOAT_ERR_TLS_WOULD_BLOCK (call again); the transport's
 *   error (::MOAT_ERR_TLS_TIMEOUT, ::MOAT_ERR_TLS_IO); the sticky error of
 *   an already failed connection; ::MOAT_ERR_INVALID_ARGUMENT.
 *
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_close(moat_tls_ctx *tls);

/**
 * @brief Copy the connection's status (errors, alert numbers, X.509 code,
 *        resumption, suite).
 * @param tls the context
 * @param[out] status the status (zeroed with indices -1 on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL or not initialized).
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_get_status(const moat_tls_ctx *tls, moat_tls_status *status);

/**
 * @brief The precise X.509 code behind ::MOAT_ERR_TLS_CERTIFICATE.
 * @param tls the context (NULL: ::MOAT_ERR_INVALID_ARGUMENT)
 * @return the code, ::MOAT_OK when the certificate check did not fail.
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_last_x509_error(const moat_tls_ctx *tls);

/**
 * @brief The peer's certificate chain as received in this connection's full
 *        handshake (leaf first), pointing into the peer-chain buffer.
 * @param tls the context, after a successful non-resumed handshake
 * @param[out] certs receives up to @p max pointers
 * @param[out] lens their lengths
 * @param max capacity of @p certs and @p lens
 * @param[out] count certificates written
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_STATE (no validated chain: handshake not
 *   done, resumed, or no peer certificate); ::MOAT_ERR_BUFFER_TOO_SMALL
 *   (*count set to the number needed); ::MOAT_ERR_INVALID_ARGUMENT.
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_peer_chain(const moat_tls_ctx *tls, const uint8_t **certs,
                             size_t *lens, size_t max, size_t *count);

/**
 * @brief Save the session of a completed client handshake for resumption.
 *
 * The session carries its establishment time (see ::moat_tls_session):
 * the client's trusted time at the moat_tls_init() of the full handshake,
 * or, after a resumption, the time of the session that was resumed. A
 * session established without trusted time is saved but never offered.
 * @param tls a client context after a successful handshake
 * @param[out] session receives the session (secret: wipe after use);
 *        wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_STATE (not a client, or no completed
 *   handshake); ::MOAT_ERR_INVALID_ARGUMENT.
 * Memory: no heap. Thread safety: one thread per context.
 */
moat_err moat_tls_session_save(const moat_tls_ctx *tls, moat_tls_session *session);

/**
 * @brief Wipe a context (keys, session, state). Safe on any context.
 * @param tls the context (NULL: no-op)
 * Memory: no heap. Thread safety: one thread per context.
 */
void moat_tls_wipe(moat_tls_ctx *tls);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_TLS_H */
