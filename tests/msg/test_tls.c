/**
 * @file test_tls.c
 * @brief Unit tests of include/moat/tls.h: a moat client and a moat server
 *        in one process over a memory pipe (non-blocking transports, the two
 *        engines stepped in turn), plus one real socket for the POSIX
 *        transport's timeout. Certificates are issued at run time.
 *
 * argv[1] (optional): unused.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "moat/tls.h"
#include "moat_port_posix_net.h"
#include "tls_fixture.h"

/* ------------------------------------------------------------ memory pipe */

#define PIPE_CAP 65536u

typedef struct pipe_buf {
    uint8_t data[PIPE_CAP];
    size_t head, len;
    bool eof;
} pipe_buf;

/** One endpoint: reads @c in, writes @c out. */
typedef struct endpoint {
    pipe_buf *in, *out;
    bool timeout_when_empty; /* behave like a blocking transport that times out */
    size_t written_total;
} endpoint;

static moat_err ep_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms, size_t *got)
{
    endpoint *e = ctx;
    size_t n, i;

    (void)timeout_ms;
    *got = 0;
    if (e->in->len == 0) {
        if (e->in->eof) {
            return MOAT_ERR_TLS_EOF;
        }
        return e->timeout_when_empty ? MOAT_ERR_TLS_TIMEOUT : MOAT_ERR_TLS_WOULD_BLOCK;
    }
    n = len < e->in->len ? len : e->in->len;
    for (i = 0; i < n; ++i) {
        buf[i] = e->in->data[(e->in->head + i) % PIPE_CAP];
    }
    e->in->head = (e->in->head + n) % PIPE_CAP;
    e->in->len -= n;
    *got = n;
    return MOAT_OK;
}

static moat_err ep_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                         size_t *sent)
{
    endpoint *e = ctx;
    size_t n, i, room;

    (void)timeout_ms;
    *sent = 0;
    if (e->out->eof) {
        return MOAT_ERR_TLS_EOF;
    }
    room = PIPE_CAP - e->out->len;
    if (room == 0) {
        return MOAT_ERR_TLS_WOULD_BLOCK;
    }
    n = len < room ? len : room;
    for (i = 0; i < n; ++i) {
        e->out->data[(e->out->head + e->out->len + i) % PIPE_CAP] = buf[i];
    }
    e->out->len += n;
    e->written_total += n;
    *sent = n;
    return MOAT_OK;
}

/* ---------------------------------------------------------------- fixture */

typedef struct side {
    moat_tls_ctx tls;
    moat_tls_config cfg;
    moat_tls_io io;
    endpoint ep;
    uint8_t io_buf[MOAT_TLS_BUFFER_SIZE];
    uint8_t peer_buf[MOAT_TLS_PEER_CHAIN_SIZE];
    moat_x509_verify_work work;
    moat_x509_store store;
    const uint8_t *chain[2];
    size_t chain_lens[2];
} side;

typedef struct world {
    fx_cert ca, other_ca;
    fx_cert server, client, expired, client_only, server_only_eku, untrusted, both;
    pipe_buf c2s, s2c;
    side c, s;
    moat_tls_session_cache cache;
    uint8_t cache_buf[8 * MOAT_TLS_SESSION_CACHE_ENTRY];
} world;

static world W; /* large: static */

static void build_material(void)
{
    assert_int_equal(fx_ca("tls-test-ca", "moat TLS test CA", &W.ca), MOAT_OK);
    assert_int_equal(fx_ca("tls-test-other-ca", "moat TLS other CA", &W.other_ca), MOAT_OK);
    assert_int_equal(fx_leaf("tls-server", "tls server", FX_HOST, FX_EKU_SERVER, FX_NOT_AFTER,
                             &W.ca, "moat TLS test CA", &W.server),
                     MOAT_OK);
    assert_int_equal(fx_leaf("tls-client", "tls client", NULL, FX_EKU_CLIENT, FX_NOT_AFTER,
                             &W.ca, "moat TLS test CA", &W.client),
                     MOAT_OK);
    assert_int_equal(fx_leaf("tls-expired", "tls expired", FX_HOST, FX_EKU_SERVER,
                             FX_EXPIRED_AFTER, &W.ca, "moat TLS test CA", &W.expired),
                     MOAT_OK);
    assert_int_equal(fx_leaf("tls-client-only", "tls client-only", FX_HOST, FX_EKU_CLIENT,
                             FX_NOT_AFTER, &W.ca, "moat TLS test CA", &W.client_only),
                     MOAT_OK);
    assert_int_equal(fx_leaf("tls-server-eku", "tls server-eku client", NULL, FX_EKU_SERVER,
                             FX_NOT_AFTER, &W.ca, "moat TLS test CA", &W.server_only_eku),
                     MOAT_OK);
    assert_int_equal(fx_leaf("tls-untrusted", "tls untrusted", FX_HOST, FX_EKU_SERVER,
                             FX_NOT_AFTER, &W.other_ca, "moat TLS other CA", &W.untrusted),
                     MOAT_OK);
}

static void side_setup(side *sd, moat_tls_role role, const fx_cert *own, pipe_buf *in,
                       pipe_buf *out)
{
    memset(&sd->cfg, 0, sizeof(sd->cfg));
    assert_int_equal(moat_x509_store_init(&sd->store, NULL, 0), MOAT_OK);
    assert_int_equal(moat_x509_store_add(&sd->store, W.ca.der, W.ca.len), MOAT_OK);
    sd->cfg.role = role;
    if (own != NULL) {
        sd->chain[0] = own->der;
        sd->chain_lens[0] = own->len;
        sd->cfg.chain = sd->chain;
        sd->cfg.chain_lens = sd->chain_lens;
        sd->cfg.chain_count = 1;
        sd->cfg.signer = &own->signer;
    }
    sd->cfg.store = &sd->store;
    if (role == MOAT_TLS_CLIENT) {
        sd->cfg.peer_name = FX_HOST;
    } else {
        sd->cfg.require_client_cert = true;
    }
    sd->cfg.now = FX_NOW;
    sd->cfg.rng = fx_rng;
    sd->cfg.io_buf = sd->io_buf;
    sd->cfg.io_buf_len = sizeof(sd->io_buf);
    sd->cfg.peer_chain_buf = sd->peer_buf;
    sd->cfg.peer_chain_len = sizeof(sd->peer_buf);
    sd->cfg.work = &sd->work;
    memset(&sd->ep, 0, sizeof(sd->ep));
    sd->ep.in = in;
    sd->ep.out = out;
    sd->io.read = ep_read;
    sd->io.write = ep_write;
    sd->io.ctx = &sd->ep;
    sd->io.timeout_ms = 1000;
}

/** Default world: trusted server and client, mutual authentication. */
static void reset_world(const fx_cert *server, const fx_cert *client)
{
    memset(&W.c2s, 0, sizeof(W.c2s));
    memset(&W.s2c, 0, sizeof(W.s2c));
    side_setup(&W.c, MOAT_TLS_CLIENT, client, &W.s2c, &W.c2s);
    side_setup(&W.s, MOAT_TLS_SERVER, server, &W.c2s, &W.s2c);
}

static void init_both(void)
{
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_OK);
    assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_OK);
}

/** Step both handshakes until neither would block. */
static void run_handshakes(moat_err *ec, moat_err *es)
{
    int i;

    *ec = MOAT_ERR_TLS_WOULD_BLOCK;
    *es = MOAT_ERR_TLS_WOULD_BLOCK;
    for (i = 0; i < 64 && (*ec == MOAT_ERR_TLS_WOULD_BLOCK || *es == MOAT_ERR_TLS_WOULD_BLOCK);
         ++i) {
        if (*ec == MOAT_ERR_TLS_WOULD_BLOCK) {
            *ec = moat_tls_handshake(&W.c.tls);
        }
        if (*es == MOAT_ERR_TLS_WOULD_BLOCK) {
            *es = moat_tls_handshake(&W.s.tls);
        }
    }
}

static void status(moat_tls_ctx *t, moat_tls_status *st)
{
    assert_int_equal(moat_tls_get_status(t, st), MOAT_OK);
}

/* Client closes; server reads CLOSED; client completes. */
static void close_both(void)
{
    uint8_t b[16];
    size_t got = 99;

    assert_int_equal(moat_tls_close(&W.c.tls), MOAT_ERR_TLS_WOULD_BLOCK);
    assert_int_equal(moat_tls_read(&W.s.tls, b, sizeof(b), &got), MOAT_ERR_TLS_CLOSED);
    assert_int_equal(got, 0);
    assert_int_equal(moat_tls_close(&W.c.tls), MOAT_OK);
    assert_int_equal(moat_tls_close(&W.s.tls), MOAT_OK);
    /* closed is closed */
    assert_int_equal(moat_tls_read(&W.s.tls, b, sizeof(b), &got), MOAT_ERR_TLS_CLOSED);
}

/* ------------------------------------------------------------------ tests */

static void test_mutual_auth_data_close(void **state)
{
    moat_err ec, es;
    moat_tls_status sc, ss;
    uint8_t buf[4096];
    static uint8_t big[40000];
    size_t n = 0, got = 0, total, i;
    const uint8_t *certs[4];
    size_t lens[4];

    (void)state;
    reset_world(&W.server, &W.client);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_true(sc.handshake_done && ss.handshake_done);
    assert_true(sc.peer_authenticated && ss.peer_authenticated);
    assert_false(sc.resumed || ss.resumed);
    assert_int_equal(sc.cipher_suite, 0xC02B); /* server preference: AES-128-GCM */
    assert_int_equal(ss.cipher_suite, 0xC02B);
    assert_int_equal(sc.err, MOAT_OK);

    /* the server sees the client's validated chain */
    assert_int_equal(moat_tls_peer_chain(&W.s.tls, certs, lens, 4, &n), MOAT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lens[0], W.client.len);
    assert_memory_equal(certs[0], W.client.der, W.client.len);
    assert_int_equal(moat_tls_peer_chain(&W.s.tls, certs, lens, 0, &n),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 1);

    /* client -> server */
    assert_int_equal(moat_tls_write(&W.c.tls, (const uint8_t *)"ping", 4, &n), MOAT_OK);
    assert_int_equal(n, 4);
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "ping", 4);
    /* server -> client, larger than one record */
    for (i = 0; i < sizeof(big); ++i) {
        big[i] = (uint8_t)(i * 13u);
    }
    assert_int_equal(moat_tls_write(&W.s.tls, big, sizeof(big), &n), MOAT_OK);
    assert_int_equal(n, sizeof(big));
    for (total = 0; total < sizeof(big); total += got) {
        assert_int_equal(moat_tls_read(&W.c.tls, buf, sizeof(buf), &got), MOAT_OK);
        assert_true(got > 0 && total + got <= sizeof(big));
        assert_memory_equal(buf, big + total, got);
    }
    /* nothing more: non-blocking read would block, connection still fine */
    assert_int_equal(moat_tls_read(&W.c.tls, buf, sizeof(buf), &got), MOAT_ERR_TLS_WOULD_BLOCK);
    assert_int_equal(got, 0);
    close_both();
    /* after close: writes refused */
    assert_int_equal(moat_tls_write(&W.c.tls, buf, 1, &n), MOAT_ERR_TLS_STATE);
    assert_int_equal(n, 0);
}

static void test_chacha_and_aes256(void **state)
{
    moat_err ec, es;
    moat_tls_status sc;
    static const struct {
        uint32_t suites;
        uint16_t id;
    } cases[] = {{MOAT_TLS_SUITE_ECDHE_ECDSA_CHACHA20, 0xCCA9},
                 {MOAT_TLS_SUITE_ECDHE_ECDSA_AES256_GCM, 0xC02C}};
    size_t k;

    (void)state;
    for (k = 0; k < 2; ++k) {
        reset_world(&W.server, &W.client);
        W.c.cfg.suites = cases[k].suites;
        init_both();
        run_handshakes(&ec, &es);
        assert_int_equal(ec, MOAT_OK);
        assert_int_equal(es, MOAT_OK);
        status(&W.c.tls, &sc);
        assert_int_equal(sc.cipher_suite, cases[k].id);
        close_both();
    }
}

static void test_resumption(void **state)
{
    moat_err ec, es;
    moat_tls_status sc, ss;
    moat_tls_session sess, zero;
    uint8_t buf[8];
    size_t n, got;

    (void)state;
    assert_int_equal(moat_tls_session_cache_init(&W.cache, W.cache_buf, sizeof(W.cache_buf)),
                     MOAT_OK);
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    init_both();
    /* no session before the handshake: refused, output wiped */
    memset(&sess, 0xAA, sizeof(sess));
    memset(&zero, 0, sizeof(zero));
    assert_int_equal(moat_tls_session_save(&W.c.tls, &sess), MOAT_ERR_TLS_STATE);
    assert_memory_equal(&sess, &zero, sizeof(sess));
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    assert_int_equal(moat_tls_session_save(&W.s.tls, &sess), MOAT_ERR_TLS_STATE); /* server */
    assert_int_equal(moat_tls_session_save(&W.c.tls, &sess), MOAT_OK);
    close_both();

    /* second connection offers the session: resumed on both sides */
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.resume = &sess;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_true(sc.resumed);
    assert_true(ss.resumed);
    assert_true(sc.peer_authenticated && ss.peer_authenticated);
    /* no chain was exchanged */
    assert_int_equal(moat_tls_peer_chain(&W.s.tls, NULL, NULL, 0, &n), MOAT_ERR_TLS_STATE);
    assert_int_equal(moat_tls_write(&W.c.tls, (const uint8_t *)"again", 5, &n), MOAT_OK);
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_OK);
    assert_int_equal(got, 5);
    assert_memory_equal(buf, "again", 5);
    close_both();

    /* the client's trust changed since the session was saved (a pin the
     * server's key does not match): the session is not offered, the full
     * handshake validates the chain and refuses it */
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.resume = &sess;
    {
        uint8_t pin[32];
        memset(pin, 0x5A, sizeof(pin));
        assert_int_equal(moat_x509_store_pin(&W.c.store, pin), MOAT_OK);
    }
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(moat_tls_last_x509_error(&W.c.tls), MOAT_ERR_X509_PIN_MISMATCH);
    status(&W.c.tls, &sc);
    assert_false(sc.resumed);
    assert_false(sc.peer_authenticated);

    /* a server without the cache: full handshake, not resumed */
    reset_world(&W.server, &W.client);
    W.c.cfg.resume = &sess;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_false(sc.resumed);
    assert_false(ss.resumed);
    close_both();
    moat_wipe(&sess, sizeof(sess));
    moat_tls_session_cache_wipe(&W.cache);
}

/* ------------------------------------------------------- session lifetime */

/* A port with only a clock (for "the client has no trusted time now"). */
typedef struct clock_port {
    bool has_time;
    int64_t now;
} clock_port;

static moat_err clock_time_now(void *ctx, int64_t *unix_seconds)
{
    const clock_port *c = ctx;
    *unix_seconds = c->has_time ? c->now : 0;
    return c->has_time ? MOAT_OK : MOAT_ERR_PORT_NO_TIME;
}

static const moat_port_ops clock_ops = {.abi_version = MOAT_PORT_ABI_VERSION,
                                        .time_now = clock_time_now};

/* One connection with the cache; the client offers @p resume at time
 * @p client_now (lifetime @p lifetime). Returns whether both sides resumed;
 * the handshake must succeed either way. Saves the session into @p save. */
static bool connect_at(const moat_tls_session *resume, int64_t client_now, uint32_t lifetime,
                       moat_tls_session *save)
{
    moat_err ec, es;
    moat_tls_status sc, ss;

    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.resume = resume;
    W.c.cfg.now = client_now;
    W.c.cfg.session_lifetime = lifetime;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_true(sc.handshake_done && sc.peer_authenticated && ss.peer_authenticated);
    assert_int_equal(sc.resumed, ss.resumed);
    if (save != NULL) {
        assert_int_equal(moat_tls_session_save(&W.c.tls, save), MOAT_OK);
    }
    close_both();
    return sc.resumed;
}

static void test_session_lifetime(void **state)
{
    moat_tls_session sess, again;
    const int64_t t0 = FX_NOW;

    (void)state;
    assert_int_equal(moat_tls_session_cache_init(&W.cache, W.cache_buf, sizeof(W.cache_buf)),
                     MOAT_OK);
    assert_false(connect_at(NULL, t0, 0, &sess));
    /* within the default lifetime: resumed */
    assert_true(connect_at(&sess, t0 + 1, 0, NULL));
    assert_true(connect_at(&sess, t0 + (int64_t)MOAT_TLS_SESSION_LIFETIME - 1, 0, NULL));
    /* beyond it: not offered, a full handshake that still succeeds */
    assert_false(connect_at(&sess, t0 + (int64_t)MOAT_TLS_SESSION_LIFETIME, 0, NULL));
    assert_false(connect_at(&sess, t0 + 30 * 86400, 0, NULL));
    /* a configured lifetime */
    assert_true(connect_at(&sess, t0 + 59, 60, NULL));
    assert_false(connect_at(&sess, t0 + 60, 60, NULL));
    /* a clock earlier than the session: its age is unknown, not offered */
    assert_false(connect_at(&sess, t0 - 1, 0, NULL));
    /* saving a resumed session keeps the original time: no extension */
    assert_true(connect_at(&sess, t0 + 1000, 0, &again));
    assert_false(connect_at(&again, t0 + (int64_t)MOAT_TLS_SESSION_LIFETIME, 0, NULL));
    /* a session saved now is fresh again (sanity: the server still has it) */
    assert_false(connect_at(NULL, t0 + 2 * 86400, 0, &again));
    assert_true(connect_at(&again, t0 + 2 * 86400 + 10, 0, NULL));
    /* lifetime bounds: above the maximum refused; a server must leave it 0 */
    reset_world(&W.server, &W.client);
    W.c.cfg.session_lifetime = MOAT_TLS_SESSION_LIFETIME_MAX + 1u;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    W.c.cfg.session_lifetime = MOAT_TLS_SESSION_LIFETIME_MAX;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_OK);
    W.s.cfg.session_lifetime = 1;
    assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_ERR_INVALID_ARGUMENT);
    moat_wipe(&sess, sizeof(sess));
    moat_wipe(&again, sizeof(again));
    moat_tls_session_cache_wipe(&W.cache);
}

/* Without trusted time on either side, a session is never offered. */
static void test_session_without_time(void **state)
{
    moat_tls_session sess, untimed;
    clock_port clk = {true, FX_NOW};
    moat_port port = {&clock_ops, &clk};
    moat_err ec, es;
    moat_tls_status sc;

    (void)state;
    assert_int_equal(moat_tls_session_cache_init(&W.cache, W.cache_buf, sizeof(W.cache_buf)),
                     MOAT_OK);
    /* saved with time from a time port; offered while the port has time */
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.time_port = &port;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(moat_tls_session_save(&W.c.tls, &sess), MOAT_OK);
    close_both();
    clk.now = FX_NOW + 5;
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.time_port = &port;
    W.c.cfg.resume = &sess;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    status(&W.c.tls, &sc);
    assert_true(sc.resumed);
    close_both();
    /* the current side has no time (the port lost it): not offered */
    clk.has_time = false;
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.time_port = &port;
    W.c.cfg.resume = &sess;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK); /* no-time policy of the certificate layer */
    status(&W.c.tls, &sc);
    assert_false(sc.resumed);
    /* ... and that session, established without time, is never offered */
    assert_int_equal(moat_tls_session_save(&W.c.tls, &untimed), MOAT_OK);
    close_both();
    clk.has_time = true;
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.time_port = &port;
    W.c.cfg.resume = &untimed;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    status(&W.c.tls, &sc);
    assert_false(sc.resumed);
    close_both();
    /* a non-positive cfg.now is no time either: the session is not offered
     * (offered, it would resume without looking at certificates), so the
     * full handshake validates the chain, and the certificate layer, which
     * also has no time, refuses it */
    reset_world(&W.server, &W.client);
    W.s.cfg.cache = &W.cache;
    W.c.cfg.resume = &sess;
    W.c.cfg.now = 0;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(moat_tls_last_x509_error(&W.c.tls), MOAT_ERR_X509_NO_TIME);
    status(&W.c.tls, &sc);
    assert_false(sc.resumed);
    moat_wipe(&sess, sizeof(sess));
    moat_wipe(&untimed, sizeof(untimed));
    moat_tls_session_cache_wipe(&W.cache);
}

static void test_timeout_handshake(void **state)
{
    moat_tls_status st;

    (void)state;
    reset_world(&W.server, &W.client);
    W.c.ep.timeout_when_empty = true;
    init_both();
    /* the server never runs: the client's wait for ServerHello times out */
    assert_int_equal(moat_tls_handshake(&W.c.tls), MOAT_ERR_TLS_TIMEOUT);
    status(&W.c.tls, &st);
    assert_int_equal(st.err, MOAT_ERR_TLS_TIMEOUT);
    assert_false(st.handshake_done);
    /* sticky */
    assert_int_equal(moat_tls_handshake(&W.c.tls), MOAT_ERR_TLS_TIMEOUT);
}

static void test_timeout_read_is_recoverable(void **state)
{
    moat_err ec, es;
    uint8_t buf[8];
    size_t n, got = 7;

    (void)state;
    reset_world(&W.server, &W.client);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    W.s.ep.timeout_when_empty = true;
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_ERR_TLS_TIMEOUT);
    assert_int_equal(got, 0);
    assert_int_equal(moat_tls_write(&W.c.tls, (const uint8_t *)"late", 4, &n), MOAT_OK);
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_OK);
    assert_int_equal(got, 4);
    W.s.ep.timeout_when_empty = false;
    close_both();
}

static void test_timeout_socket(void **state)
{
    int lfd = -1, cfd = -1, sfd = -1;
    uint16_t port = 0;
    moat_tls_status st;

    (void)state;
    reset_world(&W.server, &W.client);
    assert_int_equal(moat_posix_net_listen("127.0.0.1", 0, &lfd, &port), MOAT_OK);
    assert_true(port != 0);
    assert_int_equal(moat_posix_net_connect("127.0.0.1", port, 2000, &cfd), MOAT_OK);
    assert_int_equal(moat_posix_net_accept(lfd, 2000, &sfd), MOAT_OK);
    W.c.io.read = moat_posix_net_read;
    W.c.io.write = moat_posix_net_write;
    W.c.io.ctx = &cfd;
    W.c.io.timeout_ms = 200;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_OK);
    /* the accepted socket never answers */
    assert_int_equal(moat_tls_handshake(&W.c.tls), MOAT_ERR_TLS_TIMEOUT);
    status(&W.c.tls, &st);
    assert_int_equal(st.err, MOAT_ERR_TLS_TIMEOUT);
    /* the peer closes the transport: a fresh client sees EOF */
    moat_posix_net_close(sfd);
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_OK);
    {
        moat_err e = moat_tls_handshake(&W.c.tls);
        assert_int_equal(e, MOAT_ERR_TLS_EOF);
    }
    moat_posix_net_close(cfd);
    moat_posix_net_close(lfd);
}

/** Run a handshake expected to fail on the client with a certificate code. */
static void expect_client_cert_failure(const fx_cert *server, const char *name,
                                       moat_err x509_err, int alert)
{
    moat_err ec, es;
    moat_tls_status sc, ss;
    uint8_t buf[4];
    size_t got = 5;

    reset_world(server, &W.client);
    W.c.cfg.peer_name = name;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(moat_tls_last_x509_error(&W.c.tls), x509_err);
    status(&W.c.tls, &sc);
    assert_int_equal(sc.x509_err, x509_err);
    assert_false(sc.handshake_done);
    assert_false(sc.peer_authenticated);
    /* the server learns of it through the client's fatal alert */
    assert_int_equal(es, MOAT_ERR_TLS_ALERT);
    status(&W.s.tls, &ss);
    assert_int_equal(ss.alert_received, alert);
    assert_int_equal(sc.alert_sent, alert);
    assert_false(ss.handshake_done);
    /* the failure is sticky; no data flows; outputs wiped */
    assert_int_equal(moat_tls_read(&W.c.tls, buf, sizeof(buf), &got), MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(got, 0);
}

static void test_server_untrusted(void **state)
{
    (void)state;
    expect_client_cert_failure(&W.untrusted, FX_HOST, MOAT_ERR_X509_NO_ISSUER, 48);
}

static void test_server_expired(void **state)
{
    (void)state;
    expect_client_cert_failure(&W.expired, FX_HOST, MOAT_ERR_X509_EXPIRED, 45);
}

static void test_server_wrong_name(void **state)
{
    (void)state;
    expect_client_cert_failure(&W.server, "other.test", MOAT_ERR_X509_NAME_MISMATCH, 42);
}

static void test_server_wrong_eku(void **state)
{
    (void)state;
    expect_client_cert_failure(&W.client_only, FX_HOST, MOAT_ERR_X509_EKU, 43);
}

static void test_server_pin_mismatch(void **state)
{
    moat_err ec, es;
    uint8_t pin[32];

    (void)state;
    reset_world(&W.server, &W.client);
    memset(pin, 0x5A, sizeof(pin));
    assert_int_equal(moat_x509_store_pin(&W.c.store, pin), MOAT_OK);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(moat_tls_last_x509_error(&W.c.tls), MOAT_ERR_X509_PIN_MISMATCH);
}

static void test_server_pin_match(void **state)
{
    moat_err ec, es;
    moat_x509_cert cert;
    uint8_t pin[32];

    (void)state;
    reset_world(&W.server, &W.client);
    assert_int_equal(moat_x509_parse(W.server.der, W.server.len, &cert), MOAT_OK);
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, cert.spki.ptr, cert.spki.len, pin), MOAT_OK);
    assert_int_equal(moat_x509_store_pin(&W.c.store, pin), MOAT_OK);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    close_both();
}

static void test_client_without_cert(void **state)
{
    moat_err ec, es;
    moat_tls_status sc, ss;

    (void)state;
    reset_world(&W.server, NULL);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(es, MOAT_ERR_TLS_NO_PEER_CERT);
    assert_int_equal(ec, MOAT_ERR_TLS_ALERT);
    status(&W.s.tls, &ss);
    status(&W.c.tls, &sc);
    assert_false(ss.handshake_done);
    assert_int_equal(moat_tls_last_x509_error(&W.s.tls), MOAT_OK);
    assert_int_equal(ss.alert_sent, 40);
    assert_int_equal(sc.alert_received, 40);
}

static void test_client_wrong_eku(void **state)
{
    moat_err ec, es;

    (void)state;
    reset_world(&W.server, &W.server_only_eku);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(es, MOAT_ERR_TLS_CERTIFICATE);
    assert_int_equal(moat_tls_last_x509_error(&W.s.tls), MOAT_ERR_X509_EKU);
    assert_int_equal(ec, MOAT_ERR_TLS_ALERT);
}

static void test_client_untrusted(void **state)
{
    moat_err ec, es;
    moat_tls_status ss;
    fx_cert *c = &W.both;

    (void)state;
    assert_int_equal(fx_leaf("tls-untrusted-client", "untrusted client", NULL, FX_EKU_CLIENT,
                             FX_NOT_AFTER, &W.other_ca, "moat TLS other CA", c),
                     MOAT_OK);
    reset_world(&W.server, c);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(es, MOAT_ERR_TLS_CERTIFICATE);
    status(&W.s.tls, &ss);
    assert_int_equal(ss.x509_err, MOAT_ERR_X509_NO_ISSUER);
    assert_int_equal(ss.x509_failed_index, 0);
    assert_int_equal(ec, MOAT_ERR_TLS_ALERT);
}

static void test_server_without_client_auth(void **state)
{
    moat_err ec, es;
    moat_tls_status sc, ss;

    (void)state;
    reset_world(&W.server, NULL);
    W.s.cfg.require_client_cert = false;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_true(sc.peer_authenticated);
    assert_false(ss.peer_authenticated);
    close_both();
}

static void test_suite_mismatch(void **state)
{
    moat_err ec, es;
    moat_tls_status sc, ss;

    (void)state;
    reset_world(&W.server, &W.client);
    W.c.cfg.suites = MOAT_TLS_SUITE_ECDHE_ECDSA_AES256_GCM;
    W.s.cfg.suites = MOAT_TLS_SUITE_ECDHE_ECDSA_CHACHA20;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(es, MOAT_ERR_TLS_NO_COMMON_SUITE);
    assert_int_equal(ec, MOAT_ERR_TLS_ALERT);
    status(&W.c.tls, &sc);
    status(&W.s.tls, &ss);
    assert_int_equal(sc.alert_received, 40); /* handshake_failure */
    assert_int_equal(ss.alert_sent, 40);
}

static moat_err failing_sign(void *ctx, moat_hash_alg alg, const uint8_t *h, size_t hl,
                             uint8_t *sig)
{
    (void)ctx;
    (void)alg;
    (void)h;
    (void)hl;
    (void)sig;
    return MOAT_ERR_PORT_NO_SECRET;
}

static void test_signer_failure(void **state)
{
    moat_err ec, es;
    moat_tls_status ss;
    moat_signer bad;

    (void)state;
    reset_world(&W.server, &W.client);
    bad = W.server.signer;
    bad.sign = failing_sign;
    W.s.cfg.signer = &bad;
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(es, MOAT_ERR_TLS_SIGNER);
    status(&W.s.tls, &ss);
    assert_int_equal(ss.signer_err, MOAT_ERR_PORT_NO_SECRET);
    assert_true(ec != MOAT_OK);
}

static void test_tampered_record(void **state)
{
    moat_err ec, es;
    uint8_t buf[16];
    size_t n, got = 3;
    moat_tls_status st;

    (void)state;
    reset_world(&W.server, &W.client);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    assert_int_equal(moat_tls_write(&W.c.tls, (const uint8_t *)"secret!", 7, &n), MOAT_OK);
    assert_true(W.c2s.len > 20);
    W.c2s.data[(W.c2s.head + W.c2s.len - 3) % PIPE_CAP] ^= 0x01; /* inside the tag */
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_ERR_TLS_PROTOCOL);
    assert_int_equal(got, 0);
    status(&W.s.tls, &st);
    assert_int_equal(st.err, MOAT_ERR_TLS_PROTOCOL);
}

static void test_truncation_eof(void **state)
{
    moat_err ec, es;
    uint8_t buf[16];
    size_t got = 3;

    (void)state;
    reset_world(&W.server, &W.client);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_OK);
    assert_int_equal(es, MOAT_OK);
    W.c2s.eof = true; /* the client's transport closes without close_notify */
    assert_int_equal(moat_tls_read(&W.s.tls, buf, sizeof(buf), &got), MOAT_ERR_TLS_EOF);
    assert_int_equal(got, 0);
}

static void test_garbage_from_peer(void **state)
{
    moat_err es;
    static const uint8_t junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    (void)state;
    reset_world(&W.server, &W.client);
    assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_OK);
    memcpy(W.c2s.data, junk, sizeof(junk) - 1);
    W.c2s.len = sizeof(junk) - 1;
    es = moat_tls_handshake(&W.s.tls);
    assert_int_equal(es, MOAT_ERR_TLS_VERSION); /* not even a TLS record version */

    /* a TLS 1.2 handshake record whose ClientHello is cut short */
    {
        static const uint8_t bad_hello[] = {0x16, 0x03, 0x03, 0x00, 0x06, 0x01,
                                            0x00, 0x00, 0x02, 0x03, 0x03};
        reset_world(&W.server, &W.client);
        assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_OK);
        memcpy(W.c2s.data, bad_hello, sizeof(bad_hello));
        W.c2s.len = sizeof(bad_hello);
        assert_int_equal(moat_tls_handshake(&W.s.tls), MOAT_ERR_TLS_PROTOCOL);
    }
}

static void test_config_errors(void **state)
{
    moat_tls_status st;
    moat_tls_io io;
    uint8_t zero[64];

    (void)state;
    memset(zero, 0, sizeof(zero));
    /* the signer's key is not the leaf's */
    reset_world(&W.server, &W.client);
    W.s.cfg.signer = &W.client.signer;
    memset(&W.s.tls, 0x55, sizeof(W.s.tls));
    assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_ERR_X509_KEY_MISMATCH);
    assert_memory_equal(&W.s.tls, zero, sizeof(zero)); /* wiped */
    assert_int_equal(moat_tls_get_status(&W.s.tls, &st), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_tls_handshake(&W.s.tls), MOAT_ERR_INVALID_ARGUMENT);
    /* a client needs exactly one of peer_name / peer_ip */
    reset_world(&W.server, &W.client);
    W.c.cfg.peer_name = NULL;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    /* a server needs a chain */
    reset_world(&W.server, &W.client);
    W.s.cfg.chain_count = 0;
    assert_int_equal(moat_tls_init(&W.s.tls, &W.s.cfg, &W.s.io), MOAT_ERR_INVALID_ARGUMENT);
    /* unknown suite bits */
    reset_world(&W.server, &W.client);
    W.c.cfg.suites = 1u << 5;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_UNSUPPORTED);
    /* buffers below their minimum */
    reset_world(&W.server, &W.client);
    W.c.cfg.io_buf_len = MOAT_TLS_BUFFER_MIN - 1;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    reset_world(&W.server, &W.client);
    W.c.cfg.peer_chain_len = MOAT_TLS_PEER_CHAIN_MIN - 1;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    /* an empty trust store */
    reset_world(&W.server, &W.client);
    assert_int_equal(moat_x509_store_init(&W.c.store, NULL, 0), MOAT_OK);
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    /* transport without callbacks, timeout too long */
    reset_world(&W.server, &W.client);
    io = W.c.io;
    io.read = NULL;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &io), MOAT_ERR_INVALID_ARGUMENT);
    io = W.c.io;
    io.timeout_ms = MOAT_TLS_MAX_TIMEOUT_MS + 1u;
    assert_int_equal(moat_tls_init(&W.c.tls, &W.c.cfg, &io), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_tls_init(NULL, &W.c.cfg, &W.c.io), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_tls_session_cache_init(&W.cache, W.cache_buf, 10),
                     MOAT_ERR_INVALID_ARGUMENT);
}

static void test_peer_chain_too_large(void **state)
{
    moat_err ec, es;
    moat_tls_status sc;

    (void)state;
    reset_world(&W.server, &W.client);
    /* the server sends leaf + CA: more than the client's minimal buffer */
    W.s.chain[1] = W.ca.der;
    W.s.chain_lens[1] = W.ca.len;
    W.s.cfg.chain_count = 2;
    W.c.cfg.peer_chain_len = MOAT_TLS_PEER_CHAIN_MIN;
    assert_true(W.server.len + W.ca.len > MOAT_TLS_PEER_CHAIN_MIN);
    init_both();
    run_handshakes(&ec, &es);
    assert_int_equal(ec, MOAT_ERR_TLS_CERTIFICATE);
    status(&W.c.tls, &sc);
    assert_int_equal(sc.x509_err, MOAT_ERR_INPUT_TOO_LARGE);
}

static int group_setup(void **state)
{
    (void)state;
    build_material();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutual_auth_data_close),
        cmocka_unit_test(test_chacha_and_aes256),
        cmocka_unit_test(test_resumption),
        cmocka_unit_test(test_session_lifetime),
        cmocka_unit_test(test_session_without_time),
        cmocka_unit_test(test_timeout_handshake),
        cmocka_unit_test(test_timeout_read_is_recoverable),
        cmocka_unit_test(test_timeout_socket),
        cmocka_unit_test(test_server_untrusted),
        cmocka_unit_test(test_server_expired),
        cmocka_unit_test(test_server_wrong_name),
        cmocka_unit_test(test_server_wrong_eku),
        cmocka_unit_test(test_server_pin_mismatch),
        cmocka_unit_test(test_server_pin_match),
        cmocka_unit_test(test_client_without_cert),
        cmocka_unit_test(test_client_wrong_eku),
        cmocka_unit_test(test_client_untrusted),
        cmocka_unit_test(test_server_without_client_auth),
        cmocka_unit_test(test_suite_mismatch),
        cmocka_unit_test(test_signer_failure),
        cmocka_unit_test(test_tampered_record),
        cmocka_unit_test(test_truncation_eof),
        cmocka_unit_test(test_garbage_from_peer),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_peer_chain_too_large),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
