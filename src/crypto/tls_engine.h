/**
 * @file tls_engine.h
 * @brief Internal: the BearSSL TLS 1.2 engine behind moat_tls (moat types
 *        only; bearssl.h stays inside src/crypto/tls_engine.c).
 *
 * The adapter configures a BearSSL client or server context restricted to
 * TLS 1.2 and ECDHE-ECDSA with AES-GCM / ChaCha20-Poly1305, plugs in
 *  - an X.509 class that collects the peer chain (bounded) and hands it to
 *    moat_x509_verify() at the end of the Certificate message,
 *  - client-certificate / server-policy classes that sign with a
 *    moat_signer,
 * and exposes the engine's record-level buffers to src/msg/tls.c, which runs
 * the I/O loop.
 */
#ifndef MOAT_CRYPTO_TLS_ENGINE_H
#define MOAT_CRYPTO_TLS_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/crypto.h"
#include "moat/port.h"
#include "moat/x509.h"

/** Storage reserved for the engine (checked with a static assertion). */
#define MOAT_TLS_ENGINE_SIZE 7168u
/** Size of the raw session parameters kept by the engine. */
#define MOAT_TLS_ENGINE_SESSION_SIZE 88u
/** Storage reserved for a server session cache object. */
#define MOAT_TLS_ENGINE_CACHE_SIZE 128u

/** Opaque storage of one engine. */
typedef struct moat_tls_engine {
    uint64_t opaque_[MOAT_TLS_ENGINE_SIZE / 8u]; /**< implementation storage */
} moat_tls_engine;

/** Engine state flags (mirror the engine's). */
enum {
    MOAT_TLS_ENG_CLOSED = 1u,
    MOAT_TLS_ENG_SENDREC = 2u,
    MOAT_TLS_ENG_RECVREC = 4u,
    MOAT_TLS_ENG_SENDAPP = 8u,
    MOAT_TLS_ENG_RECVAPP = 16u
};

/** What the engine is set up with (all pointers must outlive it). */
typedef struct moat_tls_engine_params {
    bool server;                         /**< role */
    const uint8_t *const *chain;         /**< own chain, leaf first */
    const size_t *chain_lens;            /**< lengths */
    size_t chain_count;                  /**< count (checked by the caller) */
    const moat_signer *signer;           /**< own key */
    const moat_x509_store *store;        /**< peer trust */
    moat_x509_verify_work *work;         /**< peer validation workspace */
    uint8_t *peer_buf;                   /**< peer chain storage */
    size_t peer_buf_len;                 /**< its size */
    uint8_t *io_buf;                     /**< record buffer */
    size_t io_buf_len;                   /**< its size */
    const char *peer_name;               /**< client: DNS name (SNI and check) */
    const uint8_t *peer_ip;              /**< client: IP to check */
    size_t peer_ip_len;                  /**< its length */
    bool require_client_cert;            /**< server: CertificateRequest + require */
    uint32_t suites;                     /**< MOAT_TLS_SUITE_* bits, non-zero */
    const moat_port *time_port;          /**< time source, or NULL */
    int64_t now;                         /**< time when time_port is NULL */
    bool no_time;                        /**< no trusted time */
    const uint8_t *seed;                 /**< DRBG seed */
    size_t seed_len;                     /**< its length */
    const uint8_t *resume;               /**< client: raw session parameters, or NULL */
    void *cache;                         /**< server: cache storage (moat_tls_engine_cache_init), or NULL */
} moat_tls_engine_params;

/** The outcome of the engine, mapped to moat codes. */
typedef struct moat_tls_engine_report {
    moat_err err;            /**< mapped error (MOAT_OK when none) */
    moat_err x509_err;       /**< with MOAT_ERR_TLS_CERTIFICATE */
    int x509_failed_index;   /**< failing certificate, -1 none */
    int alert_received;      /**< -1 none */
    int alert_sent;          /**< -1 none (or unknown) */
    moat_err signer_err;     /**< with MOAT_ERR_TLS_SIGNER */
    int backend_error;       /**< BearSSL's code */
} moat_tls_engine_report;

/** Set up and reset the engine for a new connection. */
moat_err moat_tls_engine_init(moat_tls_engine *e, const moat_tls_engine_params *p);
/** MOAT_TLS_ENG_* flags. */
unsigned moat_tls_engine_state(const moat_tls_engine *e);
/** Record buffers (NULL when not available), and acknowledgements. */
uint8_t *moat_tls_engine_sendrec(moat_tls_engine *e, size_t *len);
void moat_tls_engine_sendrec_ack(moat_tls_engine *e, size_t len);
uint8_t *moat_tls_engine_recvrec(moat_tls_engine *e, size_t *len);
void moat_tls_engine_recvrec_ack(moat_tls_engine *e, size_t len);
uint8_t *moat_tls_engine_sendapp(moat_tls_engine *e, size_t *len);
void moat_tls_engine_sendapp_ack(moat_tls_engine *e, size_t len);
uint8_t *moat_tls_engine_recvapp(moat_tls_engine *e, size_t *len);
void moat_tls_engine_recvapp_ack(moat_tls_engine *e, size_t len);
/** Push buffered application data into a record. */
void moat_tls_engine_flush(moat_tls_engine *e);
/** Start a clean close (close_notify). */
void moat_tls_engine_close(moat_tls_engine *e);
/** Map the engine's error (valid once MOAT_TLS_ENG_CLOSED is set). */
void moat_tls_engine_report_get(const moat_tls_engine *e, moat_tls_engine_report *r);
/** After a completed handshake: true when it resumed a session. */
bool moat_tls_engine_resumed(const moat_tls_engine *e);
/** Negotiated suite number (0 before). */
uint16_t moat_tls_engine_suite(const moat_tls_engine *e);
/** True when a peer chain validated in this handshake. */
bool moat_tls_engine_peer_verified(const moat_tls_engine *e);
/** The validated peer chain (pointers into the peer buffer). */
size_t moat_tls_engine_peer_chain(const moat_tls_engine *e, const uint8_t **certs,
                                  size_t *lens, size_t max);
/** Raw session parameters (MOAT_TLS_ENGINE_SESSION_SIZE bytes). */
void moat_tls_engine_session(const moat_tls_engine *e, uint8_t *out);
/** Wipe everything (keys included). */
void moat_tls_engine_wipe(moat_tls_engine *e);

/** Initialize a server session cache object in @p storage over @p buf. */
moat_err moat_tls_engine_cache_init(void *storage, size_t storage_len, uint8_t *buf,
                                    size_t len);
/** Wipe a cache object and the buffer it was initialized over. */
void moat_tls_engine_cache_wipe(void *storage, size_t storage_len);

#endif /* MOAT_CRYPTO_TLS_ENGINE_H */
