/*
 * libFuzzer harness: the moat TLS engine (server or client) fed fuzzed peer
 * bytes over a memory transport.
 *
 * Input: one mode byte, then the bytes "the peer" sends, delivered as the
 * engine asks for them (then end of stream). Mode bits: 0x01 the moat side
 * is the client (else the server), 0x02 the server does not require a
 * client certificate, 0x04 deliver the peer bytes in 7-byte pieces (short
 * reads), 0x08 restrict to ChaCha20-Poly1305.
 * Whatever the moat side writes is discarded.
 *
 * The CA, the server and client leaves are built once, at the first call,
 * with moat's own issuer and fixed private scalars; the seed moat gives the
 * engine is a counter reset at every input (BearSSL 0.6 also mixes in the
 * OS's randomness once per process, so the randoms differ between runs).
 * The seed corpus (fuzz/corpus/tls_engine) holds a real ClientHello (the
 * moat server then runs its whole first flight and waits for the client's
 * certificate) and a real server flight (the moat client parses and
 * validates the chain; the ServerKeyExchange signature then fails on the
 * fresh client random); TLS_FUZZ_GEN_MAIN builds the program that writes
 * them.
 *
 * Properties checked: no crash, leak or sanitizer report; the status error
 * equals the returned error; a completed handshake on a side that requires
 * the peer's certificate reports the peer authenticated (never silently
 * unauthenticated); a failed context stays failed with the same error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat/moat.h"
#include "moat/x509.h"
#include "moat/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_NOW 1748736000LL        /* 2025-06-01 */
#define FZ_NOT_BEFORE 1704067200LL /* 2024-01-01 */
#define FZ_NOT_AFTER 2019686400LL  /* 2034-01-01 */
#define FZ_HOST "tls.test"
#define FZ_CAPTURE_MAX 16384u

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

typedef struct fz_id {
    moat_ec_private_key key;
    moat_signer signer;
    uint8_t der[1024];
    size_t len;
} fz_id;

static fz_id g_ca, g_server, g_client;
static moat_x509_store g_store;
static moat_x509_verify_work g_work;
static uint8_t g_io[MOAT_TLS_BUFFER_SIZE];
static uint8_t g_peer[MOAT_TLS_PEER_CHAIN_SIZE];
static moat_tls_ctx g_tls;
static int g_ready;
static uint32_t g_ctr;

/* transport state */
static const uint8_t *g_in;
static size_t g_in_len, g_in_pos, g_piece;
static uint8_t g_capture[FZ_CAPTURE_MAX];
static size_t g_capture_len;

static const uint8_t k_server_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t k_client_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};

static void issue(fz_id *id, uint8_t scalar, const char *cn, const fz_id *issuer,
                  const char *issuer_cn, int ca, const uint8_t *eku, size_t eku_len,
                  const char *dns)
{
    moat_x509_issue_params p;
    uint8_t d[32], serial[1];

    memset(d, 0, sizeof d);
    d[0] = 0x01;
    d[31] = scalar; /* fixed small scalars: fuzzing only */
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof d, &id->key) == MOAT_OK);
    check(moat_signer_from_private(&id->signer, &id->key) == MOAT_OK);
    memset(&p, 0, sizeof p);
    serial[0] = scalar;
    p.serial.ptr = serial;
    p.serial.len = 1;
    p.not_before = FZ_NOT_BEFORE;
    p.not_after = FZ_NOT_AFTER;
    p.subject.count = 1;
    p.subject.type[0] = MOAT_X509_ATTR_CN;
    p.subject.value[0] = cn;
    p.issuer.count = 1;
    p.issuer.type[0] = MOAT_X509_ATTR_CN;
    p.issuer.value[0] = issuer_cn;
    p.subject_key = &id->signer.pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = ca != 0;
    p.ext.path_len = -1;
    p.ext.key_usage = ca ? MOAT_X509_KU_KEY_CERT_SIGN : MOAT_X509_KU_DIGITAL_SIGNATURE;
    if (eku != NULL) {
        p.ext.eku_count = 1;
        p.ext.eku[0].ptr = eku;
        p.ext.eku[0].len = eku_len;
    }
    if (dns != NULL) {
        p.ext.san_count = 1;
        p.ext.san[0].type = MOAT_X509_GN_DNS;
        p.ext.san[0].value.ptr = (const uint8_t *)dns;
        p.ext.san[0].value.len = strlen(dns);
    }
    check(moat_x509_issue(&p, issuer != NULL ? &issuer->signer : &id->signer, id->der,
                          sizeof id->der, &id->len) == MOAT_OK);
}

static void setup(void)
{
    issue(&g_ca, 0x11, "fuzz CA", NULL, "fuzz CA", 1, NULL, 0, NULL);
    issue(&g_server, 0x22, "fuzz server", &g_ca, "fuzz CA", 0, k_server_auth,
          sizeof k_server_auth, FZ_HOST);
    issue(&g_client, 0x33, "fuzz client", &g_ca, "fuzz CA", 0, k_client_auth,
          sizeof k_client_auth, NULL);
    check(moat_x509_store_init(&g_store, NULL, 0) == MOAT_OK);
    check(moat_x509_store_add(&g_store, g_ca.der, g_ca.len) == MOAT_OK);
    g_ready = 1;
}

static moat_err fz_rng(void *ctx, uint8_t *out, size_t len)
{
    uint8_t h[32];
    size_t i, n;

    (void)ctx;
    for (i = 0; i < len; i += n) {
        uint32_t c = ++g_ctr;
        check(moat_hash(MOAT_HASH_SHA256, &c, sizeof c, h) == MOAT_OK);
        n = len - i < sizeof h ? len - i : sizeof h;
        memcpy(out + i, h, n);
    }
    return MOAT_OK;
}

static moat_err fz_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms, size_t *got)
{
    size_t n;

    (void)ctx;
    (void)timeout_ms;
    *got = 0;
    if (g_in_pos >= g_in_len) {
        return MOAT_ERR_TLS_EOF;
    }
    n = g_in_len - g_in_pos;
    if (n > len) {
        n = len;
    }
    if (g_piece != 0 && n > g_piece) {
        n = g_piece;
    }
    memcpy(buf, g_in + g_in_pos, n);
    g_in_pos += n;
    *got = n;
    return MOAT_OK;
}

static moat_err fz_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                         size_t *sent)
{
    size_t n;

    (void)ctx;
    (void)timeout_ms;
    n = FZ_CAPTURE_MAX - g_capture_len;
    if (n > len) {
        n = len;
    }
    memcpy(g_capture + g_capture_len, buf, n);
    g_capture_len += n;
    *sent = len;
    return MOAT_OK;
}

/* One connection of the moat side described by @p mode against @p peer. */
static void run_one(uint8_t mode, const uint8_t *peer, size_t peer_len)
{
    moat_tls_config cfg;
    moat_tls_io io;
    moat_tls_status st;
    const uint8_t *chain[1];
    size_t lens[1], n;
    uint8_t buf[256];
    const fz_id *own;
    moat_err e, e2;
    bool client = (mode & 0x01u) != 0;
    bool require;

    if (!g_ready) {
        setup();
    }
    g_ctr = 0;
    g_in = peer;
    g_in_len = peer_len;
    g_in_pos = 0;
    g_piece = (mode & 0x04u) ? 7u : 0u;
    g_capture_len = 0;
    own = client ? &g_client : &g_server;
    chain[0] = own->der;
    lens[0] = own->len;
    memset(&cfg, 0, sizeof cfg);
    cfg.role = client ? MOAT_TLS_CLIENT : MOAT_TLS_SERVER;
    cfg.chain = chain;
    cfg.chain_lens = lens;
    cfg.chain_count = 1;
    cfg.signer = &own->signer;
    cfg.store = &g_store;
    if (client) {
        cfg.peer_name = FZ_HOST;
    } else {
        cfg.require_client_cert = (mode & 0x02u) == 0;
    }
    require = client || cfg.require_client_cert;
    cfg.now = FZ_NOW;
    cfg.suites = (mode & 0x08u) ? MOAT_TLS_SUITE_ECDHE_ECDSA_CHACHA20 : 0u;
    cfg.rng = fz_rng;
    cfg.io_buf = g_io;
    cfg.io_buf_len = sizeof g_io;
    cfg.peer_chain_buf = g_peer;
    cfg.peer_chain_len = sizeof g_peer;
    cfg.work = &g_work;
    io.read = fz_read;
    io.write = fz_write;
    io.ctx = NULL;
    io.timeout_ms = 10;
    check(moat_tls_init(&g_tls, &cfg, &io) == MOAT_OK);

    e = moat_tls_handshake(&g_tls);
    check(moat_tls_get_status(&g_tls, &st) == MOAT_OK);
    if (e == MOAT_OK) {
        check(st.handshake_done);
        check(!require || st.peer_authenticated);
        (void)moat_tls_write(&g_tls, (const uint8_t *)"x", 1, &n);
        (void)moat_tls_read(&g_tls, buf, sizeof buf, &n);
        (void)moat_tls_close(&g_tls);
    } else {
#ifdef TLS_FUZZ_GEN_MAIN
        printf("mode %02x: %s x509=%s alert_sent=%d\n", mode, moat_strerror_name(e),
               moat_strerror_name(st.x509_err), st.alert_sent);
#endif
        check(st.err == e);
        check(!st.handshake_done);
        e2 = moat_tls_handshake(&g_tls);
        check(e2 == e);
    }
    moat_tls_wipe(&g_tls);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    run_one(data[0], data + 1, size - 1);
    return 0;
}

#ifdef TLS_FUZZ_GEN_MAIN
/* Seed generator: writes the real first flights under this harness's
 * randomness. usage: tls_engine_gen DIR */
static void put(const char *dir, const char *name, uint8_t mode, const uint8_t *d, size_t n)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    check(f != NULL);
    fputc(mode, f);
    fwrite(d, 1, n, f);
    fclose(f);
}

int main(int argc, char **argv)
{
    static uint8_t hello[FZ_CAPTURE_MAX], flight[FZ_CAPTURE_MAX];
    size_t hello_len, flight_len;

    check(argc == 2);
    run_one(0x01, NULL, 0); /* the moat client's ClientHello */
    memcpy(hello, g_capture, g_capture_len);
    hello_len = g_capture_len;
    run_one(0x00, hello, hello_len); /* the moat server's first flight */
    memcpy(flight, g_capture, g_capture_len);
    flight_len = g_capture_len;
    put(argv[1], "client_hello", 0x00, hello, hello_len);
    put(argv[1], "client_hello_pieces", 0x04, hello, hello_len);
    put(argv[1], "server_flight", 0x01, flight, flight_len);
    put(argv[1], "server_flight_pieces", 0x05, flight, flight_len);
    run_one(0x01, flight, flight_len); /* replay: chain validated, then the signature */
    printf("hello %zu bytes, server flight %zu bytes\n", hello_len, flight_len);
    return 0;
}
#endif
