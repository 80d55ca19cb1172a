/**
 * @file x509_verify_cli.c
 * @brief Test driver for the OpenSSL comparison corpus: runs
 *        moat_x509_verify() on one chain directory and prints the verdict.
 *
 * Usage: x509_verify_cli DIR
 *
 * DIR holds (see tests/x509/corpus/gen_corpus.py): leaf.pem, untrusted.pem
 * (the bag, any order, may be empty), roots.pem (the anchors) and params
 * (key=value lines: time, purpose = sslserver | sslclient | any, hostname,
 * ip; other keys are ignored). The anchors are added to a store with
 * moat_x509_store_add(); the leaf and the bag are passed to
 * moat_x509_verify() as certs[0] and certs[1..], with the default depth
 * bound (::MOAT_X509_MAX_DEPTH).
 *
 * Output (one line on stdout):
 *   "OK path=<i>,<j>,..."                                  exit 0
 *   "<MOAT_ERR_NAME> failed_index=<i>"                     exit 1
 * A file that cannot be read or a params line that cannot be understood
 * prints a diagnostic on stderr and exits 2 (a driver error, never a
 * verdict).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat/moat.h"
#include "moat/x509.h"

/** Largest PEM file read. */
#define CLI_MAX_FILE (256u * 1024u)
/** Most certificates kept from the bag (more than moat accepts, so that
 *  moat's own bound is what rejects an oversized bag). */
#define CLI_MAX_BAG (MOAT_X509_MAX_CANDIDATES + 8u)
/** Most anchors. */
#define CLI_MAX_ROOTS MOAT_X509_MAX_RUNTIME_ANCHORS
/** Longest params line and path. */
#define CLI_LINE_MAX 512u
#define CLI_PATH_MAX 4096u

static char g_text[CLI_MAX_FILE + 1u];
static uint8_t g_roots[CLI_MAX_ROOTS][MOAT_X509_MAX_CERT_SIZE];
static size_t g_root_lens[CLI_MAX_ROOTS];
static uint8_t g_certs[CLI_MAX_BAG + 1u][MOAT_X509_MAX_CERT_SIZE];
static moat_x509_verify_work g_work;

/** Read DIR/name into g_text; returns its length or -1. */
static long read_file(const char *dir, const char *name)
{
    char path[CLI_PATH_MAX];
    FILE *f;
    size_t n;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        fprintf(stderr, "x509_verify_cli: path too long\n");
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "x509_verify_cli: %s: %s\n", path, strerror(errno));
        return -1;
    }
    n = fread(g_text, 1, CLI_MAX_FILE + 1u, f);
    fclose(f);
    if (n > CLI_MAX_FILE) {
        fprintf(stderr, "x509_verify_cli: %s: larger than %u bytes\n", path,
                (unsigned)CLI_MAX_FILE);
        return -1;
    }
    g_text[n] = '\0';
    return (long)n;
}

/**
 * Decode every CERTIFICATE block of DIR/name into out[0..max-1]; returns the
 * count or -1. More than @p max blocks is a driver error.
 */
static long load_pems(const char *dir, const char *name,
                      uint8_t (*out)[MOAT_X509_MAX_CERT_SIZE], size_t *lens, size_t max)
{
    long len = read_file(dir, name);
    size_t off = 0, count = 0;

    if (len < 0) {
        return -1;
    }
    for (;;) {
        moat_err e;
        if (count == max) {
            size_t probe_len = 0;
            static uint8_t probe[MOAT_X509_MAX_CERT_SIZE];
            if (moat_pem_decode(g_text, (size_t)len, "CERTIFICATE", &off, probe,
                                sizeof(probe), &probe_len) == MOAT_ERR_NOT_FOUND) {
                break;
            }
            fprintf(stderr, "x509_verify_cli: %s/%s: more than %zu certificates\n", dir,
                    name, max);
            return -1;
        }
        e = moat_pem_decode(g_text, (size_t)len, "CERTIFICATE", &off, out[count],
                            MOAT_X509_MAX_CERT_SIZE, &lens[count]);
        if (e == MOAT_ERR_NOT_FOUND) {
            break;
        }
        if (e != MOAT_OK) {
            fprintf(stderr, "x509_verify_cli: %s/%s: PEM block %zu: %s\n", dir, name,
                    count, moat_strerror_name(e));
            return -1;
        }
        ++count;
    }
    return (long)count;
}

/** Parsed params file. */
typedef struct cli_params {
    long long time;
    int have_time;
    moat_x509_purpose purpose;
    char hostname[CLI_LINE_MAX];
    uint8_t ip[16];
    size_t ip_len;
} cli_params;

static int parse_params(const char *dir, cli_params *p)
{
    long len = read_file(dir, "params");
    char *line, *save = NULL;

    memset(p, 0, sizeof(*p));
    p->purpose = MOAT_X509_PURPOSE_ANY;
    if (len < 0) {
        return -1;
    }
    for (line = strtok_r(g_text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        const char *v;
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        if (eq == NULL) {
            fprintf(stderr, "x509_verify_cli: params: bad line '%s'\n", line);
            return -1;
        }
        *eq = '\0';
        v = eq + 1;
        if (strcmp(line, "time") == 0) {
            char *end = NULL;
            errno = 0;
            p->time = strtoll(v, &end, 10);
            if (errno != 0 || end == v || *end != '\0') {
                fprintf(stderr, "x509_verify_cli: params: bad time '%s'\n", v);
                return -1;
            }
            p->have_time = 1;
        } else if (strcmp(line, "purpose") == 0) {
            if (strcmp(v, "sslserver") == 0) {
                p->purpose = MOAT_X509_PURPOSE_SERVER_AUTH;
            } else if (strcmp(v, "sslclient") == 0) {
                p->purpose = MOAT_X509_PURPOSE_CLIENT_AUTH;
            } else if (strcmp(v, "any") == 0) {
                p->purpose = MOAT_X509_PURPOSE_ANY;
            } else {
                fprintf(stderr, "x509_verify_cli: params: unknown purpose '%s'\n", v);
                return -1;
            }
        } else if (strcmp(line, "hostname") == 0) {
            if (strlen(v) >= sizeof(p->hostname)) {
                return -1;
            }
            strcpy(p->hostname, v);
        } else if (strcmp(line, "ip") == 0) {
            if (inet_pton(AF_INET, v, p->ip) == 1) {
                p->ip_len = 4;
            } else if (inet_pton(AF_INET6, v, p->ip) == 1) {
                p->ip_len = 16;
            } else {
                fprintf(stderr, "x509_verify_cli: params: bad ip '%s'\n", v);
                return -1;
            }
        }
        /* strict, expect, desc: for openssl and the report only. */
    }
    if (!p->have_time) {
        fprintf(stderr, "x509_verify_cli: params: no time\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static size_t lens[CLI_MAX_BAG + 1u];
    static const uint8_t *ptrs[CLI_MAX_BAG + 1u];
    moat_x509_store store;
    moat_x509_verify_params vp;
    moat_x509_verify_result res;
    cli_params p;
    long nroots, nleaf, nbag;
    size_t i;
    moat_err e;

    if (argc != 2) {
        fprintf(stderr, "usage: x509_verify_cli DIR\n");
        return 2;
    }
    if (parse_params(argv[1], &p) != 0) {
        return 2;
    }
    nroots = load_pems(argv[1], "roots.pem", g_roots, g_root_lens, CLI_MAX_ROOTS);
    if (nroots < 0) {
        return 2;
    }
    nleaf = load_pems(argv[1], "leaf.pem", g_certs, lens, 1u);
    if (nleaf != 1) {
        fprintf(stderr, "x509_verify_cli: leaf.pem must hold one certificate\n");
        return 2;
    }
    nbag = load_pems(argv[1], "untrusted.pem", g_certs + 1, lens + 1, CLI_MAX_BAG);
    if (nbag < 0) {
        return 2;
    }

    e = moat_x509_store_init(&store, NULL, 0);
    if (e != MOAT_OK) {
        fprintf(stderr, "x509_verify_cli: store_init: %s\n", moat_strerror_name(e));
        return 2;
    }
    for (i = 0; i < (size_t)nroots; ++i) {
        e = moat_x509_store_add(&store, g_roots[i], g_root_lens[i]);
        if (e != MOAT_OK) {
            /* An anchor moat refuses is part of the verdict (e.g. an
             * anchor that is not a CA): report it like a failed check. */
            printf("%s failed_index=anchor%zu\n", moat_strerror_name(e), i);
            return 1;
        }
    }

    for (i = 0; i < (size_t)(1 + nbag); ++i) {
        ptrs[i] = g_certs[i];
    }
    memset(&vp, 0, sizeof(vp));
    vp.now = (int64_t)p.time;
    vp.purpose = p.purpose;
    vp.dns_name = p.hostname[0] ? p.hostname : NULL;
    vp.ip = p.ip_len ? p.ip : NULL;
    vp.ip_len = p.ip_len;
    memset(&res, 0, sizeof(res));
    e = moat_x509_verify(&store, ptrs, lens, (size_t)(1 + nbag), &vp, &g_work, &res);
    if (e == MOAT_OK) {
        printf("OK path=");
        for (i = 0; i < res.path_len && i < MOAT_X509_MAX_DEPTH; ++i) {
            printf("%s%d", i ? "," : "", res.path[i]);
        }
        printf("\n");
        return 0;
    }
    printf("%s failed_index=%d\n", moat_strerror_name(e), res.failed_index);
    return 1;
}
