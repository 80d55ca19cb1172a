/**
 * @file tls.c
 * @brief moat_tls: configuration checks, the I/O loop over the engine's
 *        record buffers, sessions, status (see include/moat/tls.h and
 *        docs/tls.md). The BearSSL-specific part is src/crypto/tls_engine.c.
 *
 * The loop follows the engine model of a record-level TLS implementation:
 * whenever the engine has record bytes to send they are written first;
 * then, if the state the caller waits for is reached, return; otherwise
 * record bytes are read. The transport's WOULD_BLOCK is passed up without
 * losing anything (the engine keeps partial records), so the same call can
 * be repeated. Security decisions are not taken here: the peer chain is
 * judged once, in the engine's end_chain (moat_x509_verify()); this file
 * only refuses to report a completed handshake when that judgement is
 * missing (fail closed).
 */
#include <string.h>

#include "moat/tls.h"
#include "moat/core.h"
#include "crypto/tls_engine.h"

#define TLS_MAGIC 0x4D544C53u   /* "MTLS": an initialized context */
#define TLS_SESSION_MAGIC 0x4D545332u /* "MTS2": a saved session (with its time) */
#define TLS_SEED_LEN 32u

/* Loop modes. */
enum { PUMP_HANDSHAKE, PUMP_WRITE, PUMP_READ, PUMP_CLOSE };

typedef struct tls_state {
    moat_tls_engine eng;
    uint32_t magic;
    const moat_tls_config *cfg;
    moat_tls_io io;
    moat_err failed;               /* sticky error, MOAT_OK while healthy */
    moat_tls_engine_report rep;    /* details of the failure */
    bool hs_done;
    bool resumed;
    bool peer_auth;
    bool close_started;
    bool closed;                   /* clean close completed (either side) */
    uint16_t suite;
    uint8_t peer_binding[32];      /* SHA-256 of the peer identity (sessions) */
    /* Session lifetime (client). */
    bool time_ok;                  /* the client had trusted time at init */
    int64_t time_now;              /* that time */
    bool offered;                  /* a saved session was offered */
    int64_t offered_time;          /* its establishment time */
    bool est_time_ok;              /* after the handshake: the session's time is known */
    int64_t est_time;              /* establishment time of the current session */
} tls_state;

/* The saved session layout inside moat_tls_session. */
typedef struct tls_session_blob {
    uint32_t magic;
    uint32_t has_time;             /* 1: established_at is trusted time */
    int64_t established_at;        /* full handshake time (seconds since 1970) */
    uint8_t peer_binding[32];
    uint8_t raw[MOAT_TLS_ENGINE_SESSION_SIZE];
} tls_session_blob;

_Static_assert(sizeof(tls_state) <= sizeof(moat_tls_ctx), "MOAT_TLS_CTX_SIZE too small");
_Static_assert(sizeof(tls_session_blob) <= sizeof(moat_tls_session),
               "MOAT_TLS_SESSION_SIZE too small");
_Static_assert(MOAT_TLS_ENGINE_CACHE_SIZE <= sizeof(moat_tls_session_cache),
               "moat_tls_session_cache too small");
_Static_assert(MOAT_TLS_MAX_OWN_CHAIN == 8u && MOAT_TLS_MAX_CA_NAMES == 16u,
               "bounds mirrored in src/crypto/tls_engine.c");

static tls_state *state_of(moat_tls_ctx *tls)
{
    tls_state *t = (tls_state *)(void *)tls;
    return (tls != NULL && t->magic == TLS_MAGIC) ? t : NULL;
}

static const tls_state *cstate_of(const moat_tls_ctx *tls)
{
    const tls_state *t = (const tls_state *)(const void *)tls;
    return (tls != NULL && t->magic == TLS_MAGIC) ? t : NULL;
}

/* ------------------------------------------------------------ sessions */

moat_err moat_tls_session_cache_init(moat_tls_session_cache *cache, uint8_t *buf, size_t len)
{
    if (cache == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(cache, 0, sizeof(*cache));
    if (buf == NULL || len < MOAT_TLS_SESSION_CACHE_ENTRY) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_tls_engine_cache_init(cache->opaque_, sizeof(cache->opaque_), buf, len);
}

void moat_tls_session_cache_wipe(moat_tls_session_cache *cache)
{
    if (cache != NULL) {
        moat_tls_engine_cache_wipe(cache->opaque_, sizeof(cache->opaque_));
    }
}

/* What a client session is bound to: the peer identity ("dns:" name or
 * "ip:" bytes) AND the trust settings it was validated under (every anchor,
 * every pin, the time policy, the suites). A resumed session skips the
 * peer's certificate, so it must only be offered when the client would
 * accept the same peer today: a CA removed from the store or a pin added
 * after the session was saved makes the session unusable (full handshake,
 * full validation). */
static moat_err peer_binding(const moat_tls_config *cfg, uint8_t out[32])
{
    moat_hash_ctx h;
    moat_err err = moat_hash_init(&h, MOAT_HASH_SHA256);
    uint8_t flags[5];
    size_t i;

    if (err != MOAT_OK) {
        return err;
    }
    moat_hash_update(&h, "moat tls session binding v1", 27u);
    if (cfg->store != NULL) {
        const moat_x509_store *st = cfg->store;
        for (i = 0; i < st->builtin_count && st->builtin != NULL; i++) {
            uint8_t len4[4] = {(uint8_t)(st->builtin[i].len >> 24), (uint8_t)(st->builtin[i].len >> 16),
                               (uint8_t)(st->builtin[i].len >> 8), (uint8_t)st->builtin[i].len};
            moat_hash_update(&h, "a", 1u);
            moat_hash_update(&h, len4, sizeof(len4));
            moat_hash_update(&h, st->builtin[i].der, st->builtin[i].len);
        }
        for (i = 0; i < st->runtime_count && i < MOAT_X509_MAX_RUNTIME_ANCHORS; i++) {
            uint8_t len4[4] = {(uint8_t)(st->runtime[i].len >> 24), (uint8_t)(st->runtime[i].len >> 16),
                               (uint8_t)(st->runtime[i].len >> 8), (uint8_t)st->runtime[i].len};
            moat_hash_update(&h, "r", 1u);
            moat_hash_update(&h, len4, sizeof(len4));
            moat_hash_update(&h, st->runtime[i].der, st->runtime[i].len);
        }
        for (i = 0; i < st->pin_count && i < MOAT_X509_MAX_RUNTIME_ANCHORS; i++) {
            moat_hash_update(&h, "p", 1u);
            moat_hash_update(&h, st->pins[i], sizeof(st->pins[i]));
        }
    }
    flags[0] = (uint8_t)(cfg->no_time ? 1u : 0u);
    flags[1] = (uint8_t)(cfg->suites >> 24);
    flags[2] = (uint8_t)(cfg->suites >> 16);
    flags[3] = (uint8_t)(cfg->suites >> 8);
    flags[4] = (uint8_t)cfg->suites;
    moat_hash_update(&h, flags, sizeof(flags));
    if (cfg->peer_name != NULL) {
        moat_hash_update(&h, "dns:", 4u);
        moat_hash_update(&h, cfg->peer_name, strlen(cfg->peer_name));
    } else if (cfg->peer_ip != NULL) {
        moat_hash_update(&h, "ip:", 3u);
        moat_hash_update(&h, cfg->peer_ip, cfg->peer_ip_len);
    } else {
        moat_hash_update(&h, "server", 6u);
    }
    moat_hash_final(&h, out);
    return MOAT_OK;
}

/* The client's trusted time for session lifetimes: none under no_time, the
 * port's time when a time port is configured (a port without time: none),
 * else a positive cfg->now. */
static bool client_time(const moat_tls_config *cfg, int64_t *now)
{
    int64_t v = 0;

    *now = 0;
    if (cfg->no_time) {
        return false;
    }
    if (cfg->time_port != NULL) {
        if (moat_port_time(cfg->time_port, &v) != MOAT_OK || v <= 0) {
            return false;
        }
    } else if (cfg->now > 0) {
        v = cfg->now;
    } else {
        return false;
    }
    *now = v;
    return true;
}

/* May a saved session still be offered? Only with trusted time on both
 * sides (when saved and now), and only while 0 <= age < lifetime: a clock
 * that went backwards makes the age unknowable, so the session is not
 * offered either (RFC 5246 F.1.4 suggests at most 24 hours). */
static bool session_fresh(const tls_session_blob *blob, bool time_ok, int64_t now,
                          uint32_t lifetime)
{
    uint32_t life = lifetime == 0u ? (uint32_t)MOAT_TLS_SESSION_LIFETIME : lifetime;

    if (blob->has_time != 1u || !time_ok || blob->established_at <= 0 ||
        now < blob->established_at) {
        return false;
    }
    return (uint64_t)(now - blob->established_at) < (uint64_t)life;
}

/* ---------------------------------------------------------- validation */

static moat_err check_config(const moat_tls_config *cfg, const moat_tls_io *io)
{
    size_t i;
    uint32_t suites;

    if (cfg == NULL || io == NULL || io->read == NULL || io->write == NULL ||
        io->timeout_ms > MOAT_TLS_MAX_TIMEOUT_MS) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cfg->role != MOAT_TLS_CLIENT && cfg->role != MOAT_TLS_SERVER) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cfg->store == NULL || cfg->store->builtin_count + cfg->store->runtime_count == 0u ||
        cfg->work == NULL || cfg->rng == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cfg->io_buf == NULL || cfg->io_buf_len < MOAT_TLS_BUFFER_MIN ||
        cfg->peer_chain_buf == NULL || cfg->peer_chain_len < MOAT_TLS_PEER_CHAIN_MIN) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cfg->chain_count > MOAT_TLS_MAX_OWN_CHAIN) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cfg->chain_count > 0u) {
        if (cfg->chain == NULL || cfg->chain_lens == NULL || cfg->signer == NULL ||
            cfg->signer->sign == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        for (i = 0u; i < cfg->chain_count; ++i) {
            if (cfg->chain[i] == NULL || cfg->chain_lens[i] == 0u ||
                cfg->chain_lens[i] > MOAT_X509_MAX_CERT_SIZE) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
        }
    }
    if (cfg->role == MOAT_TLS_SERVER) {
        if (cfg->chain_count == 0u || cfg->peer_name != NULL || cfg->peer_ip != NULL ||
            cfg->resume != NULL || cfg->session_lifetime != 0u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    } else {
        if (cfg->require_client_cert || cfg->cache != NULL ||
            cfg->session_lifetime > MOAT_TLS_SESSION_LIFETIME_MAX ||
            (cfg->peer_name == NULL) == (cfg->peer_ip == NULL)) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (cfg->peer_name != NULL) {
            size_t n = strlen(cfg->peer_name);
            if (n == 0u || n > MOAT_TLS_MAX_NAME) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
        } else if (cfg->peer_ip_len != 4u && cfg->peer_ip_len != 16u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    suites = cfg->suites == 0u ? (uint32_t)MOAT_TLS_SUITES_ALL : cfg->suites;
    if ((suites & ~(uint32_t)MOAT_TLS_SUITES_ALL) != 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    return MOAT_OK;
}

/* The signer must hold the leaf's key (else the peer would see a
 * CertificateVerify / ServerKeyExchange signature that cannot verify). */
static moat_err check_leaf(const moat_tls_config *cfg)
{
    moat_x509_cert *leaf = &cfg->work->certs[0];
    moat_err err;

    if (cfg->chain_count == 0u) {
        return MOAT_OK;
    }
    err = moat_x509_parse(cfg->chain[0], cfg->chain_lens[0], leaf);
    if (err == MOAT_OK && (leaf->key_type != MOAT_X509_KEY_EC ||
                           (leaf->ec_key.curve != MOAT_CURVE_P256 &&
                            leaf->ec_key.curve != MOAT_CURVE_P384))) {
        err = MOAT_ERR_UNSUPPORTED;
    }
    if (err == MOAT_OK &&
        (cfg->signer->curve != leaf->ec_key.curve ||
         cfg->signer->pub.curve != leaf->ec_key.curve ||
         cfg->signer->pub.q_len != leaf->ec_key.q_len ||
         memcmp(cfg->signer->pub.q, leaf->ec_key.q, leaf->ec_key.q_len) != 0)) {
        err = MOAT_ERR_X509_KEY_MISMATCH;
    }
    memset(leaf, 0, sizeof(*leaf));
    return err;
}

moat_err moat_tls_init(moat_tls_ctx *tls, const moat_tls_config *cfg, const moat_tls_io *io)
{
    tls_state *t = (tls_state *)(void *)tls;
    moat_tls_engine_params ep;
    const tls_session_blob *blob;
    uint8_t seed[TLS_SEED_LEN];
    moat_err err;

    if (tls == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(tls, sizeof(*tls));
    err = check_config(cfg, io);
    if (err == MOAT_OK) {
        err = check_leaf(cfg);
    }
    if (err == MOAT_OK) {
        err = peer_binding(cfg, t->peer_binding);
    }
    if (err == MOAT_OK) {
        err = cfg->rng(cfg->rng_ctx, seed, sizeof(seed));
    }
    if (err != MOAT_OK) {
        moat_wipe(seed, sizeof(seed));
        moat_wipe(tls, sizeof(*tls));
        return err;
    }
    memset(&ep, 0, sizeof(ep));
    ep.server = cfg->role == MOAT_TLS_SERVER;
    ep.chain = cfg->chain;
    ep.chain_lens = cfg->chain_lens;
    ep.chain_count = cfg->chain_count;
    ep.signer = cfg->chain_count > 0u ? cfg->signer : NULL;
    ep.store = cfg->store;
    ep.work = cfg->work;
    ep.peer_buf = cfg->peer_chain_buf;
    ep.peer_buf_len = cfg->peer_chain_len;
    ep.io_buf = cfg->io_buf;
    ep.io_buf_len = cfg->io_buf_len;
    ep.peer_name = cfg->peer_name;
    ep.peer_ip = cfg->peer_ip;
    ep.peer_ip_len = cfg->peer_ip_len;
    ep.require_client_cert = cfg->require_client_cert;
    ep.suites = cfg->suites == 0u ? (uint32_t)MOAT_TLS_SUITES_ALL : cfg->suites;
    ep.time_port = cfg->time_port;
    ep.now = cfg->now;
    ep.no_time = cfg->no_time;
    ep.seed = seed;
    ep.seed_len = sizeof(seed);
    ep.cache = cfg->cache != NULL ? (void *)cfg->cache->opaque_ : NULL;
    if (cfg->role == MOAT_TLS_CLIENT) {
        t->time_ok = client_time(cfg, &t->time_now);
    }
    if (cfg->resume != NULL) {
        /* Offered only to the peer it was established with, under the same
         * trust settings, and only while younger than its lifetime. */
        blob = (const tls_session_blob *)(const void *)cfg->resume;
        if (blob->magic == TLS_SESSION_MAGIC &&
            moat_ct_equal(blob->peer_binding, t->peer_binding, sizeof(t->peer_binding)) &&
            session_fresh(blob, t->time_ok, t->time_now, cfg->session_lifetime)) {
            ep.resume = blob->raw;
            t->offered = true;
            t->offered_time = blob->established_at;
        }
    }
    err = moat_tls_engine_init(&t->eng, &ep);
    moat_wipe(seed, sizeof(seed));
    moat_wipe(&ep, sizeof(ep));
    if (err != MOAT_OK) {
        moat_wipe(tls, sizeof(*tls));
        return err;
    }
    t->cfg = cfg;
    t->io = *io;
    t->rep.x509_failed_index = -1;
    t->rep.alert_received = -1;
    t->rep.alert_sent = -1;
    t->magic = TLS_MAGIC;
    return MOAT_OK;
}

/* ------------------------------------------------------------- the loop */

/* The fatal alert (RFC 5246 7.2.2) that tells the peer which check of its
 * credentials failed. */
static int alert_for(const moat_tls_engine_report *r)
{
    switch (r->err) {
    case MOAT_ERR_TLS_CERTIFICATE:
        switch (r->x509_err) {
        case MOAT_ERR_X509_EXPIRED:
        case MOAT_ERR_X509_NOT_YET_VALID:
            return 45; /* certificate_expired */
        case MOAT_ERR_X509_NO_ISSUER:
        case MOAT_ERR_X509_SELF_SIGNED_LEAF:
        case MOAT_ERR_X509_PIN_MISMATCH:
            return 48; /* unknown_ca */
        case MOAT_ERR_X509_EKU:
        case MOAT_ERR_X509_KEY_USAGE:
        case MOAT_ERR_X509_UNSUPPORTED_ALG:
            return 43; /* unsupported_certificate */
        default:
            return 42; /* bad_certificate */
        }
    case MOAT_ERR_TLS_NO_PEER_CERT:
        return 40; /* handshake_failure (RFC 5246 7.4.6) */
    case MOAT_ERR_TLS_BAD_SIGNATURE:
        return 51; /* decrypt_error */
    default:
        return -1;
    }
}

/* BearSSL 0.6 stops without an alert when one of our checks fails. During
 * the handshake, the checks above run before this side sends its
 * ChangeCipherSpec, so the alert goes out as a plaintext TLS 1.2 record
 * (type 21, version 3.3, length 2, level fatal). Best effort. */
static void send_plain_alert(tls_state *t, int alert)
{
    uint8_t rec[7] = {21u, 3u, 3u, 0u, 2u, 2u, 0u};
    size_t off = 0u, n;
    int tries;

    rec[6] = (uint8_t)alert;
    for (tries = 0; tries < 4 && off < sizeof(rec); ++tries) {
        n = 0u;
        if (t->io.write(t->io.ctx, rec + off, sizeof(rec) - off, t->io.timeout_ms, &n) !=
                MOAT_OK ||
            n > sizeof(rec) - off) {
            break;
        }
        off += n;
    }
    if (off == sizeof(rec)) {
        t->rep.alert_sent = alert;
    }
}

/* Record a fatal error once; the engine (keys) is wiped. */
static moat_err fail(tls_state *t, moat_err err, bool from_engine)
{
    if (t->failed == MOAT_OK) {
        if (from_engine) {
            moat_tls_engine_report_get(&t->eng, &t->rep);
        } else {
            memset(&t->rep, 0, sizeof(t->rep));
            t->rep.err = err;
            t->rep.x509_failed_index = -1;
            t->rep.alert_received = -1;
            t->rep.alert_sent = -1;
        }
        t->failed = from_engine ? t->rep.err : err;
        if (t->failed == MOAT_OK) {
            t->failed = MOAT_ERR_INTERNAL;
            t->rep.err = MOAT_ERR_INTERNAL;
        }
        if (from_engine && !t->hs_done && t->rep.alert_sent < 0 &&
            t->rep.alert_received < 0 && alert_for(&t->rep) >= 0) {
            send_plain_alert(t, alert_for(&t->rep));
        }
        moat_tls_engine_wipe(&t->eng);
    }
    return t->failed;
}

/* The engine reports CLOSED: a clean closure (no error) or a failure. */
static moat_err engine_closed(tls_state *t)
{
    moat_tls_engine_report r;

    moat_tls_engine_report_get(&t->eng, &r);
    if (r.err == MOAT_OK) {
        t->closed = true;
        moat_tls_engine_wipe(&t->eng);
        return MOAT_ERR_TLS_CLOSED;
    }
    return fail(t, r.err, true);
}

static moat_err pump(tls_state *t, unsigned want, int mode)
{
    unsigned st, st2;
    uint8_t *buf;
    size_t len, n;
    moat_err err;

    for (;;) {
        st = moat_tls_engine_state(&t->eng);
        if (st & MOAT_TLS_ENG_CLOSED) {
            return engine_closed(t);
        }
        if (st & MOAT_TLS_ENG_SENDREC) {
            n = 0u;
            buf = moat_tls_engine_sendrec(&t->eng, &len);
            err = t->io.write(t->io.ctx, buf, len, t->io.timeout_ms, &n);
            if (err == MOAT_OK && (n == 0u || n > len)) {
                err = MOAT_ERR_TLS_IO;
            }
            if (err == MOAT_ERR_TLS_WOULD_BLOCK) {
                return err;
            }
            if (err != MOAT_OK) {
                return fail(t, err, false);
            }
            moat_tls_engine_sendrec_ack(&t->eng, n);
            continue;
        }
        if ((st & want) != 0u) {
            return MOAT_OK;
        }
        if (st & MOAT_TLS_ENG_RECVAPP) {
            if (mode == PUMP_CLOSE) {
                /* closing: application data still arriving is dropped */
                (void)moat_tls_engine_recvapp(&t->eng, &len);
                moat_tls_engine_recvapp_ack(&t->eng, len);
                continue;
            }
            /* half-duplex buffer: received data must be read first */
            return MOAT_ERR_TLS_STATE;
        }
        if (st & MOAT_TLS_ENG_RECVREC) {
            n = 0u;
            buf = moat_tls_engine_recvrec(&t->eng, &len);
            err = t->io.read(t->io.ctx, buf, len, t->io.timeout_ms, &n);
            if (err == MOAT_OK && (n == 0u || n > len)) {
                err = MOAT_ERR_TLS_IO;
            }
            if (err == MOAT_ERR_TLS_WOULD_BLOCK ||
                (err == MOAT_ERR_TLS_TIMEOUT && mode == PUMP_READ)) {
                return err; /* nothing lost: the engine keeps partial records */
            }
            if (err == MOAT_ERR_TLS_EOF && mode == PUMP_CLOSE) {
                /* our close_notify went out; the peer closed the transport */
                t->closed = true;
                moat_tls_engine_wipe(&t->eng);
                return MOAT_ERR_TLS_CLOSED;
            }
            if (err != MOAT_OK) {
                return fail(t, err, false);
            }
            moat_tls_engine_recvrec_ack(&t->eng, n);
            continue;
        }
        /* Nothing to read or write: push buffered application data. */
        moat_tls_engine_flush(&t->eng);
        st2 = moat_tls_engine_state(&t->eng);
        if (st2 == st) {
            return fail(t, MOAT_ERR_INTERNAL, false); /* engine stalled */
        }
    }
}

/* Entry check common to the I/O calls. */
static moat_err usable(tls_state *t)
{
    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (t->failed != MOAT_OK) {
        return t->failed;
    }
    if (t->closed || t->close_started) {
        return MOAT_ERR_TLS_STATE;
    }
    return MOAT_OK;
}

moat_err moat_tls_handshake(moat_tls_ctx *tls)
{
    tls_state *t = state_of(tls);
    moat_err err = usable(t);
    bool server;

    if (err != MOAT_OK) {
        return err;
    }
    if (t->hs_done) {
        return MOAT_OK;
    }
    err = pump(t, MOAT_TLS_ENG_SENDAPP | MOAT_TLS_ENG_RECVAPP, PUMP_HANDSHAKE);
    if (err == MOAT_ERR_TLS_CLOSED) {
        /* the peer closed cleanly before the handshake completed */
        t->closed = false;
        return fail(t, MOAT_ERR_TLS_EOF, false);
    }
    if (err != MOAT_OK) {
        return err;
    }
    server = t->cfg->role == MOAT_TLS_SERVER;
    t->resumed = moat_tls_engine_resumed(&t->eng);
    if (!server) {
        /* A resumed session keeps the time of the full handshake that
         * established it: resuming (and saving again) never extends its
         * life. A full handshake dates from this connection's init. */
        if (t->resumed) {
            t->est_time_ok = t->offered;
            t->est_time = t->offered ? t->offered_time : 0;
        } else {
            t->est_time_ok = t->time_ok;
            t->est_time = t->time_ok ? t->time_now : 0;
        }
    }
    if (t->resumed) {
        /* sessions exist only after a full handshake with validation */
        t->peer_auth = server ? t->cfg->require_client_cert : true;
    } else {
        t->peer_auth = moat_tls_engine_peer_verified(&t->eng);
        /* Fail closed: a completed full handshake without the verdict
         * where one is required is never reported as success. */
        if (!t->peer_auth && (!server || t->cfg->require_client_cert)) {
            return fail(t, MOAT_ERR_TLS_NO_PEER_CERT, false);
        }
    }
    t->suite = moat_tls_engine_suite(&t->eng);
    t->hs_done = true;
    return MOAT_OK;
}

moat_err moat_tls_write(moat_tls_ctx *tls, const uint8_t *data, size_t len, size_t *written)
{
    tls_state *t = state_of(tls);
    uint8_t *buf;
    size_t off = 0u, cap, n;
    moat_err err;

    if (written == NULL || (data == NULL && len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *written = 0u;
    err = moat_tls_handshake(tls);
    if (err != MOAT_OK) {
        return err;
    }
    while (off < len) {
        err = pump(t, MOAT_TLS_ENG_SENDAPP, PUMP_WRITE);
        if (err != MOAT_OK) {
            *written = err == MOAT_ERR_TLS_WOULD_BLOCK ? off : 0u;
            return err;
        }
        buf = moat_tls_engine_sendapp(&t->eng, &cap);
        n = len - off < cap ? len - off : cap;
        memcpy(buf, data + off, n);
        moat_tls_engine_sendapp_ack(&t->eng, n);
        off += n;
    }
    moat_tls_engine_flush(&t->eng);
    err = pump(t, MOAT_TLS_ENG_SENDAPP, PUMP_WRITE);
    if (err == MOAT_OK || err == MOAT_ERR_TLS_WOULD_BLOCK) {
        *written = len;
    }
    return err;
}

moat_err moat_tls_read(moat_tls_ctx *tls, uint8_t *buf, size_t cap, size_t *got)
{
    tls_state *t = state_of(tls);
    uint8_t *src;
    size_t n = 0u;
    moat_err err;

    if (got == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *got = 0u;
    if (buf == NULL || cap == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (t != NULL && t->closed && t->failed == MOAT_OK) {
        return MOAT_ERR_TLS_CLOSED;
    }
    err = moat_tls_handshake(tls);
    if (err != MOAT_OK) {
        return err;
    }
    err = pump(t, MOAT_TLS_ENG_RECVAPP, PUMP_READ);
    if (err != MOAT_OK) {
        return err;
    }
    src = moat_tls_engine_recvapp(&t->eng, &n);
    if (src == NULL || n == 0u) {
        return fail(t, MOAT_ERR_INTERNAL, false);
    }
    if (n > cap) {
        n = cap;
    }
    memcpy(buf, src, n);
    moat_tls_engine_recvapp_ack(&t->eng, n);
    *got = n;
    return MOAT_OK;
}

moat_err moat_tls_close(moat_tls_ctx *tls)
{
    tls_state *t = state_of(tls);
    moat_err err;

    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (t->failed != MOAT_OK) {
        return t->failed;
    }
    if (t->closed) {
        return MOAT_OK;
    }
    if (!t->close_started) {
        moat_tls_engine_close(&t->eng);
        t->close_started = true;
    }
    err = pump(t, 0u, PUMP_CLOSE);
    if (err == MOAT_ERR_TLS_CLOSED) {
        return MOAT_OK;
    }
    if (err == MOAT_ERR_TLS_WOULD_BLOCK) {
        return err;
    }
    if (err == MOAT_OK) {
        err = MOAT_ERR_INTERNAL; /* pump(want = 0) only ends by closing */
    }
    return fail(t, err, false);
}

/* ------------------------------------------------------------- queries */

moat_err moat_tls_get_status(const moat_tls_ctx *tls, moat_tls_status *status)
{
    const tls_state *t = cstate_of(tls);

    if (status == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(status, 0, sizeof(*status));
    status->x509_failed_index = -1;
    status->alert_received = -1;
    status->alert_sent = -1;
    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    status->err = t->failed;
    if (t->failed != MOAT_OK) {
        status->x509_err = t->rep.x509_err;
        status->x509_failed_index = t->rep.x509_failed_index;
        status->alert_received = t->rep.alert_received;
        status->alert_sent = t->rep.alert_sent;
        status->signer_err = t->rep.signer_err;
        status->backend_error = t->rep.backend_error;
    }
    status->handshake_done = t->hs_done;
    status->resumed = t->resumed;
    status->peer_authenticated = t->peer_auth;
    status->cipher_suite = t->suite;
    return MOAT_OK;
}

moat_err moat_tls_last_x509_error(const moat_tls_ctx *tls)
{
    const tls_state *t = cstate_of(tls);

    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return t->failed == MOAT_ERR_TLS_CERTIFICATE ? t->rep.x509_err : MOAT_OK;
}

moat_err moat_tls_peer_chain(const moat_tls_ctx *tls, const uint8_t **certs, size_t *lens,
                             size_t max, size_t *count)
{
    const tls_state *t = cstate_of(tls);
    size_t n;

    if (count == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *count = 0u;
    if (t == NULL || (max > 0u && (certs == NULL || lens == NULL))) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!t->hs_done || t->resumed || t->failed != MOAT_OK || t->closed ||
        !moat_tls_engine_peer_verified(&t->eng)) {
        return MOAT_ERR_TLS_STATE;
    }
    n = moat_tls_engine_peer_chain(&t->eng, certs, lens, max);
    *count = n;
    return n > max ? MOAT_ERR_BUFFER_TOO_SMALL : MOAT_OK;
}

moat_err moat_tls_session_save(const moat_tls_ctx *tls, moat_tls_session *session)
{
    const tls_state *t = cstate_of(tls);
    tls_session_blob *blob = (tls_session_blob *)(void *)session;

    if (session == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(session, sizeof(*session));
    if (t == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (t->cfg->role != MOAT_TLS_CLIENT || !t->hs_done || t->failed != MOAT_OK || t->closed) {
        return MOAT_ERR_TLS_STATE;
    }
    blob->magic = TLS_SESSION_MAGIC;
    blob->has_time = t->est_time_ok ? 1u : 0u;
    blob->established_at = t->est_time_ok ? t->est_time : 0;
    memcpy(blob->peer_binding, t->peer_binding, sizeof(blob->peer_binding));
    moat_tls_engine_session(&t->eng, blob->raw);
    return MOAT_OK;
}

void moat_tls_wipe(moat_tls_ctx *tls)
{
    if (tls != NULL) {
        moat_wipe(tls, sizeof(*tls));
    }
}
