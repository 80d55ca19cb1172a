/**
 * @file tls_cli.c
 * @brief The moat side of the OpenSSL TLS interop test (tls_interop.sh).
 *
 * Usage:
 *   tls_cli client --ca CA.pem [--cert C.pem --key K.pem] --host NAME --port P
 *                  [--send TEXT] [--expect TEXT] [--suites BITS] [--timeout MS]
 *   tls_cli server --ca CA.pem --cert S.pem --key K.pem --port-file FILE
 *                  [--send TEXT] [--expect TEXT] [--suites BITS] [--timeout MS]
 *                  [--client-auth 0|1]
 *   tls_cli freeport            (prints a currently free loopback port)
 *
 * The client retries connecting until the timeout (the peer may still be
 * starting). Validation time is the system clock. The last line printed is
 *   result=<MOAT_ERR name> x509=<name> alert_received=<n> alert_sent=<n>
 * and the exit status is 0 only when the handshake, the exchange of
 * --send / --expect and the close all succeeded.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "moat/moat.h"
#include "moat/tls.h"
#include "moat_port_posix_net.h"

#define CLI_FILE_MAX 16384u
#define CLI_TEXT_MAX 4096u

static uint8_t g_io[MOAT_TLS_BUFFER_SIZE];
static uint8_t g_peer[MOAT_TLS_PEER_CHAIN_SIZE];
static moat_x509_verify_work g_work;
static moat_tls_ctx g_tls;

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "tls_cli: cannot open %s\n", path);
        return -1;
    }
    n = fread(buf, 1, cap, f);
    fclose(f);
    if (n == cap) {
        fprintf(stderr, "tls_cli: %s too large\n", path);
        return -1;
    }
    *len = n;
    return 0;
}

static int load_pem(const char *path, const char *label, uint8_t *der, size_t cap,
                    size_t *len)
{
    static char text[CLI_FILE_MAX];
    size_t tl = 0, off = 0;
    moat_err e;

    if (read_file(path, text, sizeof(text), &tl) != 0) {
        return -1;
    }
    e = moat_pem_decode(text, tl, label, &off, der, cap, len);
    if (e != MOAT_OK) {
        fprintf(stderr, "tls_cli: %s: %s\n", path, moat_strerror_name(e));
        return -1;
    }
    return 0;
}

static moat_err cli_rng(void *ctx, uint8_t *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n;

    (void)ctx;
    if (f == NULL) {
        return MOAT_ERR_PORT_ENTROPY;
    }
    n = fread(out, 1, len, f);
    fclose(f);
    return n == len ? MOAT_OK : MOAT_ERR_PORT_ENTROPY;
}

static void report(const moat_tls_ctx *t, moat_err e)
{
    moat_tls_status st;

    if (moat_tls_get_status(t, &st) != MOAT_OK) {
        printf("result=%s x509=MOAT_OK alert_received=-1 alert_sent=-1\n",
               moat_strerror_name(e));
        return;
    }
    printf("result=%s x509=%s alert_received=%d alert_sent=%d resumed=%d suite=0x%04X\n",
           moat_strerror_name(e), moat_strerror_name(st.x509_err), st.alert_received,
           st.alert_sent, st.resumed ? 1 : 0, st.cipher_suite);
}

/* Read until @p expect was received (anywhere in the stream). */
static moat_err read_expect(moat_tls_ctx *t, const char *expect)
{
    static char acc[CLI_TEXT_MAX + 1];
    size_t have = 0, got = 0;
    moat_err e;

    memset(acc, 0, sizeof(acc));
    while (strstr(acc, expect) == NULL) {
        if (have == CLI_TEXT_MAX) {
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
        e = moat_tls_read(t, (uint8_t *)acc + have, CLI_TEXT_MAX - have, &got);
        if (e != MOAT_OK) {
            return e;
        }
        have += got;
    }
    printf("received: %s\n", expect);
    return MOAT_OK;
}

int main(int argc, char **argv)
{
    const char *mode, *ca = NULL, *cert = NULL, *key = NULL, *host = NULL, *port_file = NULL;
    const char *send = NULL, *expect = NULL;
    static uint8_t ca_der[MOAT_X509_MAX_CERT_SIZE], cert_der[MOAT_X509_MAX_CERT_SIZE];
    uint8_t key_der[MOAT_EC_PRIV_DER_MAX];
    size_t ca_len = 0, cert_len = 0, key_len = 0, n;
    unsigned long port = 0, suites = 0, timeout = 10000;
    bool client_auth = true;
    moat_ec_private_key priv;
    moat_signer signer;
    moat_x509_store store;
    moat_tls_config cfg;
    moat_tls_io io;
    const uint8_t *chain[1];
    size_t chain_lens[1];
    int fd = -1, lfd = -1, i;
    moat_err e;

    if (argc < 2) {
        fprintf(stderr, "usage: see tls_cli.c\n");
        return 2;
    }
    mode = argv[1];
    if (strcmp(mode, "freeport") == 0) {
        uint16_t p = 0;
        if (moat_posix_net_listen("127.0.0.1", 0, &lfd, &p) != MOAT_OK) {
            return 1;
        }
        moat_posix_net_close(lfd);
        printf("%u\n", (unsigned)p);
        return 0;
    }
    for (i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--ca") == 0) {
            ca = v;
        } else if (strcmp(k, "--cert") == 0) {
            cert = v;
        } else if (strcmp(k, "--key") == 0) {
            key = v;
        } else if (strcmp(k, "--host") == 0) {
            host = v;
        } else if (strcmp(k, "--port") == 0) {
            port = strtoul(v, NULL, 10);
        } else if (strcmp(k, "--port-file") == 0) {
            port_file = v;
        } else if (strcmp(k, "--send") == 0) {
            send = v;
        } else if (strcmp(k, "--expect") == 0) {
            expect = v;
        } else if (strcmp(k, "--suites") == 0) {
            suites = strtoul(v, NULL, 0);
        } else if (strcmp(k, "--timeout") == 0) {
            timeout = strtoul(v, NULL, 10);
        } else if (strcmp(k, "--client-auth") == 0) {
            client_auth = strcmp(v, "0") != 0;
        } else {
            fprintf(stderr, "tls_cli: unknown option %s\n", k);
            return 2;
        }
    }
    if (i != argc) {
        fprintf(stderr, "tls_cli: option %s without a value\n", argv[i]);
        return 2;
    }
    if (ca == NULL || load_pem(ca, "CERTIFICATE", ca_der, sizeof(ca_der), &ca_len) != 0) {
        return 2;
    }
    if (moat_x509_store_init(&store, NULL, 0) != MOAT_OK ||
        moat_x509_store_add(&store, ca_der, ca_len) != MOAT_OK) {
        fprintf(stderr, "tls_cli: bad CA\n");
        return 2;
    }
    memset(&cfg, 0, sizeof(cfg));
    memset(&priv, 0, sizeof(priv));
    if (cert != NULL && key != NULL) {
        if (load_pem(cert, "CERTIFICATE", cert_der, sizeof(cert_der), &cert_len) != 0 ||
            load_pem(key, "PRIVATE KEY", key_der, sizeof(key_der), &key_len) != 0) {
            return 2;
        }
        e = moat_ec_private_from_der(key_der, key_len, &priv);
        moat_wipe(key_der, sizeof(key_der));
        if (e == MOAT_OK) {
            e = moat_signer_from_private(&signer, &priv);
        }
        if (e != MOAT_OK) {
            fprintf(stderr, "tls_cli: key: %s\n", moat_strerror_name(e));
            return 2;
        }
        chain[0] = cert_der;
        chain_lens[0] = cert_len;
        cfg.chain = chain;
        cfg.chain_lens = chain_lens;
        cfg.chain_count = 1;
        cfg.signer = &signer;
    }
    cfg.store = &store;
    cfg.now = (int64_t)time(NULL);
    cfg.suites = (uint32_t)suites;
    cfg.rng = cli_rng;
    cfg.io_buf = g_io;
    cfg.io_buf_len = sizeof(g_io);
    cfg.peer_chain_buf = g_peer;
    cfg.peer_chain_len = sizeof(g_peer);
    cfg.work = &g_work;
    io.read = moat_posix_net_read;
    io.write = moat_posix_net_write;
    io.ctx = &fd;
    io.timeout_ms = (uint32_t)timeout;

    if (strcmp(mode, "client") == 0) {
        struct timespec ts = {0, 100000000L};
        unsigned tries;
        cfg.role = MOAT_TLS_CLIENT;
        cfg.peer_name = host;
        e = MOAT_ERR_TLS_IO;
        for (tries = 0; tries < timeout / 100u + 1u && e != MOAT_OK; ++tries) {
            e = moat_posix_net_connect("127.0.0.1", (uint16_t)port, 1000, &fd);
            if (e != MOAT_OK) {
                nanosleep(&ts, NULL);
            }
        }
        if (e != MOAT_OK) {
            printf("result=%s (connect)\n", moat_strerror_name(e));
            return 1;
        }
    } else if (strcmp(mode, "server") == 0) {
        uint16_t p = 0;
        FILE *f;
        cfg.role = MOAT_TLS_SERVER;
        cfg.require_client_cert = client_auth;
        if (port_file == NULL || moat_posix_net_listen("127.0.0.1", 0, &lfd, &p) != MOAT_OK) {
            return 2;
        }
        f = fopen(port_file, "w");
        if (f == NULL) {
            return 2;
        }
        fprintf(f, "%u\n", (unsigned)p);
        fclose(f);
        e = moat_posix_net_accept(lfd, (uint32_t)timeout, &fd);
        moat_posix_net_close(lfd);
        if (e != MOAT_OK) {
            printf("result=%s (accept)\n", moat_strerror_name(e));
            return 1;
        }
    } else {
        fprintf(stderr, "tls_cli: unknown mode %s\n", mode);
        return 2;
    }

    e = moat_tls_init(&g_tls, &cfg, &io);
    if (e == MOAT_OK) {
        e = moat_tls_handshake(&g_tls);
    }
    if (e == MOAT_OK) {
        printf("handshake ok\n");
        fflush(stdout);
    }
    /* The server first reads, then answers; the client sends first. */
    if (e == MOAT_OK && cfg.role == MOAT_TLS_SERVER && expect != NULL) {
        e = read_expect(&g_tls, expect);
    }
    if (e == MOAT_OK && send != NULL) {
        e = moat_tls_write(&g_tls, (const uint8_t *)send, strlen(send), &n);
    }
    if (e == MOAT_OK && cfg.role == MOAT_TLS_CLIENT && expect != NULL) {
        e = read_expect(&g_tls, expect);
    }
    if (e == MOAT_OK) {
        e = moat_tls_close(&g_tls);
    }
    report(&g_tls, e);
    moat_tls_wipe(&g_tls);
    moat_ec_private_wipe(&priv);
    moat_posix_net_close(fd);
    return e == MOAT_OK ? 0 : 1;
}
