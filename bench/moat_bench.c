/**
 * @file moat_bench.c
 * @brief moat-bench: each moat operation timed next to the raw BearSSL cost
 *        of the same cryptography, in the same run.
 *
 * On a shared machine absolute times are noise; the figure that matters is
 * the ratio moat/raw. Method (see docs/bench.md):
 *  - warm up each side, then calibrate a batch size so that one batch of the
 *    raw operation takes about the target time;
 *  - run R rounds; each round times one batch of moat and one batch of raw,
 *    alternating which goes first, so that drift and noise hit both;
 *  - per side, take the median of the R per-op times; ratio = moat / raw.
 * Each operation's peak stack is also measured, by running it once on a
 * thread whose stack was painted with a pattern (peak = deepest byte
 * changed, minus the same figure for an empty function).
 *
 * The benchmark is the one place outside src/crypto allowed to include
 * bearssl.h: it measures the baseline.
 *
 * Usage: moat-bench [--quick] [--json]
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bearssl.h>

#include "moat/moat.h"
#include "moat/x509.h"

/* ------------------------------------------------------------ settings */

/** Payload of the JWS operations (a typical claims set / manifest). */
#define BENCH_JWS_PAYLOAD 256u
/** Data hashed by the SHA-256 operation. */
#define BENCH_HASH_LEN (1024u * 1024u)
/** Rounds (batches per side) in the full and quick runs. */
#define BENCH_ROUNDS_FULL 9u
#define BENCH_ROUNDS_QUICK 3u
/** Target duration of one batch (ns), full and quick. */
#define BENCH_BATCH_NS_FULL 40000000.0
#define BENCH_BATCH_NS_QUICK 1500000.0
/** Largest batch. */
#define BENCH_MAX_ITERS 1000000u
/** Most rounds. */
#define BENCH_MAX_ROUNDS 15u
/** Stack given to the stack-measuring thread, and the paint byte. */
#define BENCH_STACK_SIZE (512u * 1024u)
#define BENCH_STACK_PAINT 0xA5u
/** Validation time of the X.509 bench chain: 2025-06-01T00:00:00Z. */
#define BENCH_X509_NOW 1748736000LL
/** Validity of the bench certificates: 2024-01-01 .. 2034-01-01. */
#define BENCH_X509_NOT_BEFORE 1704067200LL
#define BENCH_X509_NOT_AFTER 2019686400LL
/** Days from 0000-01-01 (proleptic Gregorian, BearSSL's epoch) to 1970-01-01. */
#define BENCH_BR_DAYS_TO_UNIX 719528u
/** Capacity of one bench certificate / CSR. */
#define BENCH_CERT_CAP 1024u
/** Bench X.509 material: root, intermediate, leaf, unrelated CA. */
#define BENCH_X509_ROOT 0u
#define BENCH_X509_INT 1u
#define BENCH_X509_LEAF 2u
#define BENCH_X509_OTHER 3u
#define BENCH_X509_N 4u
/** Certificates handed to moat_x509_verify (leaf + unordered bag). */
#define BENCH_X509_BAG 3u
/** JWS output capacity (token for BENCH_JWS_PAYLOAD bytes). */
#define BENCH_TOKEN_CAP MOAT_JWS_COMPACT_SIZE(BENCH_JWS_PAYLOAD)

/* --------------------------------------------------------------- state */

/** Everything the operations use, prepared once. */
typedef struct bench_state {
    moat_ec_private_key priv;
    moat_signer signer;
    moat_ec_public_key pub;
    unsigned char br_x[32];            /* raw private scalar (BearSSL form) */
    unsigned char br_q[65];            /* raw public point */
    br_ec_private_key br_sk;
    br_ec_public_key br_pk;
    uint8_t payload[BENCH_JWS_PAYLOAD];
    char token[BENCH_TOKEN_CAP];
    size_t token_len;
    size_t signing_input_len;          /* BASE64URL(header) '.' BASE64URL(payload) */
    unsigned char raw_sig[64];         /* BearSSL signature over the signing input */
    uint8_t payload_out[BENCH_JWS_PAYLOAD];
    uint8_t *big;                      /* BENCH_HASH_LEN bytes */
    volatile uint32_t sink;            /* defeats dead-code elimination */
    int failed;                        /* an operation returned an error */
} bench_state;

static bench_state g;

/** The X.509 operations' material, generated in-process with moat_x509_issue(). */
typedef struct bench_x509 {
    moat_ec_private_key key[BENCH_X509_N];
    moat_signer signer[BENCH_X509_N];
    uint8_t der[BENCH_X509_N][BENCH_CERT_CAP];
    size_t len[BENCH_X509_N];
    const uint8_t *bag[BENCH_X509_BAG];   /* leaf, unrelated CA, intermediate */
    size_t bag_len[BENCH_X509_BAG];
    moat_x509_store store;
    moat_x509_verify_work work;           /* ~45 KiB: static, not on the stack */
    br_x509_trust_anchor ta;              /* the same root for br_x509_minimal */
    unsigned char ta_q[MOAT_EC_PUB_MAX];
    /* CSR: subject and requested extensions, and the signed part of one CSR */
    moat_x509_name csr_subject;
    moat_x509_ext_params csr_ext;
    uint8_t csr[BENCH_CERT_CAP];
    size_t csr_len;
    const uint8_t *cri;                   /* CertificationRequestInfo TLV */
    size_t cri_len;
} bench_x509;

static bench_x509 gx;

typedef void (*bench_fn)(void);

/** One benchmarked operation: moat's and raw BearSSL's implementation. */
typedef struct bench_op {
    const char *name;
    const char *what;
    bench_fn moat;
    bench_fn raw;
} bench_op;

static void fail(const char *what, moat_err e)
{
    if (!g.failed) {
        fprintf(stderr, "moat-bench: %s failed: %s (%s)\n", what,
                moat_strerror_name(e), moat_strerror(e));
    }
    g.failed = 1;
}

/* ---------------------------------------------------------- operations */

static void op_sign_moat(void)
{
    char out[BENCH_TOKEN_CAP];
    size_t n = 0;
    moat_err e = moat_jws_sign_compact(&g.signer, NULL, g.payload, sizeof(g.payload),
                                       out, sizeof(out), &n);
    if (e != MOAT_OK || n == 0u) {
        fail("moat_jws_sign_compact", e);
        return;
    }
    g.sink += (uint32_t)(unsigned char)out[n - 1u];
}

static void op_sign_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    unsigned char sig[64];
    size_t n;

    br_sha256_init(&c);
    br_sha256_update(&c, g.token, g.signing_input_len);
    br_sha256_out(&c, h);
    n = br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk, sig);
    if (n != 64u) {
        fail("br_ecdsa_i31_sign_raw", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

/* Raw sign followed by a raw verify of the result: the same work as moat's
 * signing path, which verifies every signature before releasing it (fault
 * countermeasure, see moat_signer_sign()). */
static void op_sign_verify_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    unsigned char sig[64];

    br_sha256_init(&c);
    br_sha256_update(&c, g.token, g.signing_input_len);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk, sig)
        != 64u ||
        br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &g.br_pk, sig,
                              sizeof(sig)) != 1u) {
        fail("br_ecdsa_i31 sign+verify", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

static void op_verify_moat(void)
{
    size_t n = 0;
    moat_err e = moat_jws_verify_compact(g.token, g.token_len, &g.pub, g.payload_out,
                                         sizeof(g.payload_out), &n);
    if (e != MOAT_OK) {
        fail("moat_jws_verify_compact", e);
    }
    g.sink += (uint32_t)n;
}

static void op_verify_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    uint32_t ok;

    br_sha256_init(&c);
    br_sha256_update(&c, g.token, g.signing_input_len);
    br_sha256_out(&c, h);
    ok = br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &g.br_pk, g.raw_sig,
                               sizeof(g.raw_sig));
    if (ok != 1u) {
        fail("br_ecdsa_i31_vrfy_raw", MOAT_ERR_CRYPTO_SIG_INVALID);
    }
    g.sink += ok;
}

static void op_ecdsa_sign_moat(void)
{
    uint8_t h[32];
    uint8_t sig[64];
    size_t n = 0;
    moat_err e;

    memset(h, 0x5a, sizeof(h));
    e = moat_ecdsa_sign_digest(&g.priv, MOAT_HASH_SHA256, h, sizeof(h), MOAT_SIG_RAW,
                               sig, sizeof(sig), &n);
    if (e != MOAT_OK) {
        fail("moat_ecdsa_sign_digest", e);
    }
    g.sink += sig[0];
}

static void op_ecdsa_sign_raw(void)
{
    unsigned char h[32];
    unsigned char sig[64];

    memset(h, 0x5a, sizeof(h));
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk, sig)
        != 64u) {
        fail("br_ecdsa_i31_sign_raw", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

static void op_hash_moat(void)
{
    uint8_t out[32];
    moat_err e = moat_hash(MOAT_HASH_SHA256, g.big, BENCH_HASH_LEN, out);
    if (e != MOAT_OK) {
        fail("moat_hash", e);
    }
    g.sink += out[0];
}

static void op_hash_raw(void)
{
    br_sha256_context c;
    unsigned char out[32];

    br_sha256_init(&c);
    br_sha256_update(&c, g.big, BENCH_HASH_LEN);
    br_sha256_out(&c, out);
    g.sink += out[0];
}

/* X.509: a 3-deep chain (leaf, intermediate, root anchor). moat builds the
 * path from an unordered bag holding an unrelated CA before the right
 * intermediate, then validates (signatures, validity, basicConstraints,
 * keyUsage, critical extensions); BearSSL's br_x509_minimal is fed the
 * pre-ordered chain (leaf, intermediate) with the root as its anchor. */
static void op_x509_verify_moat(void)
{
    moat_x509_verify_params vp;
    moat_x509_verify_result res;
    moat_err e;

    memset(&vp, 0, sizeof(vp));
    vp.now = BENCH_X509_NOW;
    e = moat_x509_verify(&gx.store, gx.bag, gx.bag_len, BENCH_X509_BAG, &vp, &gx.work, &res);
    if (e != MOAT_OK || res.path_len != 3u) {
        fail("moat_x509_verify", e);
    }
    g.sink += (uint32_t)res.path_len;
}

static void op_x509_verify_raw(void)
{
    static const size_t order[2] = {BENCH_X509_LEAF, BENCH_X509_INT};
    br_x509_minimal_context xc;
    const br_x509_class **vt = &xc.vtable;
    unsigned err;
    size_t i;

    br_x509_minimal_init(&xc, &br_sha256_vtable, &gx.ta, 1);
    br_x509_minimal_set_hash(&xc, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_ecdsa(&xc, br_ec_get_default(), br_ecdsa_i31_vrfy_asn1);
    br_x509_minimal_set_time(&xc, (uint32_t)(BENCH_X509_NOW / 86400) + BENCH_BR_DAYS_TO_UNIX,
                             (uint32_t)(BENCH_X509_NOW % 86400));
    (*vt)->start_chain(vt, NULL);
    for (i = 0; i < 2u; ++i) {
        (*vt)->start_cert(vt, (uint32_t)gx.len[order[i]]);
        (*vt)->append(vt, gx.der[order[i]], gx.len[order[i]]);
        (*vt)->end_cert(vt);
    }
    err = (*vt)->end_chain(vt);
    if (err != 0u) {
        if (!g.failed) {
            fprintf(stderr, "moat-bench: br_x509_minimal: error %u\n", err);
        }
        g.failed = 1;
    }
    g.sink += err + 1u;
}

/* CSR creation (P-256, ES256): moat builds and signs a PKCS#10 request
 * (subject, SAN, keyUsage, EKU); raw = SHA-256 + ECDSA over the same
 * CertificationRequestInfo bytes (and, "checked", a verify as well: moat's
 * signer verifies each signature before release). */
static void op_csr_moat(void)
{
    uint8_t out[BENCH_CERT_CAP];
    size_t n = 0;
    moat_err e = moat_x509_csr_create(&gx.csr_subject, &gx.csr_ext, &g.signer, out,
                                      sizeof(out), &n);
    if (e != MOAT_OK || n == 0u) {
        fail("moat_x509_csr_create", e);
        return;
    }
    g.sink += out[n - 1u];
}

static void csr_raw(int check)
{
    br_sha256_context c;
    unsigned char h[32];
    unsigned char sig[64];

    br_sha256_init(&c);
    br_sha256_update(&c, gx.cri, gx.cri_len);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk, sig)
        != 64u ||
        (check && br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &g.br_pk, sig,
                                        sizeof(sig)) != 1u)) {
        fail("br_ecdsa_i31 CSR signature", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

static void op_csr_raw(void)
{
    csr_raw(0);
}

static void op_csr_checked_raw(void)
{
    csr_raw(1);
}

static void op_nothing(void)
{
    g.sink += 1u;
}

static const bench_op g_ops[] = {
    {"jws_es256_sign", "JWS ES256 compact sign, 256-byte payload; raw = SHA-256 + sign",
     op_sign_moat, op_sign_raw},
    {"jws_es256_sign_checked", "the same; raw = SHA-256 + sign + verify (moat's fault check)",
     op_sign_moat, op_sign_verify_raw},
    {"jws_es256_verify", "JWS ES256 compact verify, 256-byte payload; raw = SHA-256 + verify",
     op_verify_moat, op_verify_raw},
    {"ecdsa_p256_sign_digest", "ECDSA P-256 sign of a digest: the adapter alone",
     op_ecdsa_sign_moat, op_ecdsa_sign_raw},
    {"sha256_1mib", "SHA-256 over 1 MiB: moat_hash vs br_sha256", op_hash_moat, op_hash_raw},
    {"x509_verify_3deep_bag", "x509 verify 3-deep chain from unordered bag; raw = "
     "br_x509_minimal on the pre-ordered chain", op_x509_verify_moat, op_x509_verify_raw},
    {"csr_p256_create", "CSR creation (P-256); raw = SHA-256 + sign of the same "
     "CertificationRequestInfo", op_csr_moat, op_csr_raw},
    {"csr_p256_create_checked", "the same; raw = SHA-256 + sign + verify (moat's fault check)",
     op_csr_moat, op_csr_checked_raw},
};
#define BENCH_NOPS (sizeof(g_ops) / sizeof(g_ops[0]))

/* ------------------------------------------------------------- timing */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/** Time @p iters calls of @p fn; returns ns per call. */
static double time_batch(bench_fn fn, unsigned iters)
{
    double t0 = now_ns();
    unsigned i;
    for (i = 0; i < iters; ++i) {
        fn();
    }
    return (now_ns() - t0) / (double)iters;
}

/** Iterations so that a batch of @p fn takes about @p target_ns. */
static unsigned calibrate(bench_fn fn, double target_ns)
{
    unsigned iters = 1;
    for (;;) {
        double t0 = now_ns();
        unsigned i;
        double spent;
        for (i = 0; i < iters; ++i) {
            fn();
        }
        spent = now_ns() - t0;
        if (spent >= target_ns / 4.0 || iters >= BENCH_MAX_ITERS) {
            double per = spent / (double)iters;
            double want = per > 0.0 ? target_ns / per : (double)BENCH_MAX_ITERS;
            if (want < 1.0) {
                return 1u;
            }
            return want > (double)BENCH_MAX_ITERS ? BENCH_MAX_ITERS : (unsigned)want;
        }
        iters *= 2u;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(v[0]), cmp_double);
    return (n % 2u) ? v[n / 2u] : (v[n / 2u - 1u] + v[n / 2u]) / 2.0;
}

/* --------------------------------------------------------------- stack */

typedef struct stack_job {
    bench_fn fn;
} stack_job;

static void *stack_thread(void *arg)
{
    const stack_job *job = (const stack_job *)arg;
    job->fn();
    return NULL;
}

/**
 * Bytes of stack used by @p fn (including the thread start-up, which the
 * caller subtracts), or 0 if the measurement is unavailable.
 */
static size_t stack_used(bench_fn fn)
{
    pthread_attr_t attr;
    pthread_t th;
    stack_job job;
    unsigned char *stk;
    size_t i;

    stk = (unsigned char *)aligned_alloc(4096u, BENCH_STACK_SIZE);
    if (stk == NULL) {
        return 0;
    }
    memset(stk, BENCH_STACK_PAINT, BENCH_STACK_SIZE);
    job.fn = fn;
    if (pthread_attr_init(&attr) != 0) {
        free(stk);
        return 0;
    }
    if (pthread_attr_setstack(&attr, stk, BENCH_STACK_SIZE) != 0 ||
        pthread_create(&th, &attr, stack_thread, &job) != 0) {
        pthread_attr_destroy(&attr);
        free(stk);
        return 0;
    }
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    /* The stack grows down: the lowest changed byte marks the peak. */
    for (i = 0; i < BENCH_STACK_SIZE && stk[i] == BENCH_STACK_PAINT; ++i) {
    }
    free(stk);
    return BENCH_STACK_SIZE - i;
}

/* ---------------------------------------------------------------- setup */

/** Header and content length of the DER TLV at @p p (definite lengths,
 *  at most 2 length octets: all the bench needs). */
static int der_tlv(const uint8_t *p, size_t n, size_t *hdr, size_t *len)
{
    if (n < 2u) {
        return -1;
    }
    if (p[1] < 0x80u) {
        *hdr = 2u;
        *len = p[1];
    } else if (p[1] == 0x81u && n >= 3u) {
        *hdr = 3u;
        *len = p[2];
    } else if (p[1] == 0x82u && n >= 4u) {
        *hdr = 4u;
        *len = ((size_t)p[2] << 8) | p[3];
    } else {
        return -1;
    }
    return *hdr + *len <= n ? 0 : -1;
}

/** Issue certificate @p i for key @p i, signed by key @p by (== i: self-signed). */
static moat_err bench_issue(size_t i, size_t by, const char *cn, bool ca, int path_len)
{
    static const uint8_t serial_base[2] = {0x4d, 0x00};
    static moat_x509_cert issuer;
    moat_ec_public_key pub;
    moat_x509_issue_params p;
    uint8_t serial[2];
    moat_err e;

    memcpy(serial, serial_base, sizeof(serial));
    serial[1] = (uint8_t)(i + 1u);
    e = moat_ec_public_from_private(&gx.key[i], &pub);
    if (e != MOAT_OK) {
        return e;
    }
    memset(&p, 0, sizeof(p));
    p.serial.ptr = serial;
    p.serial.len = sizeof(serial);
    p.not_before = BENCH_X509_NOT_BEFORE;
    p.not_after = BENCH_X509_NOT_AFTER;
    p.subject.count = 2;
    p.subject.type[0] = MOAT_X509_ATTR_O;
    p.subject.value[0] = "moat bench";
    p.subject.type[1] = MOAT_X509_ATTR_CN;
    p.subject.value[1] = cn;
    p.subject_key = &pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = ca;
    p.ext.path_len = path_len;
    p.ext.key_usage = ca ? (uint16_t)(MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN)
                         : (uint16_t)MOAT_X509_KU_DIGITAL_SIGNATURE;
    p.ext.ski = true;
    if (by == i) {
        p.issuer = p.subject;
    } else {
        e = moat_x509_parse(gx.der[by], gx.len[by], &issuer);
        if (e != MOAT_OK) {
            return e;
        }
        p.issuer.raw = issuer.subject;
        p.ext.aki = issuer.ski;
    }
    return moat_x509_issue(&p, &gx.signer[by], gx.der[i], sizeof(gx.der[i]), &gx.len[i]);
}

static int setup_x509(void)
{
    static const char *const labels[BENCH_X509_N] = {
        "moat-bench root", "moat-bench intermediate", "moat-bench leaf", "moat-bench other"};
    static moat_x509_cert root;
    static const uint8_t csr_dns[] = "device-0001.example.com";
    size_t i, hdr = 0, len = 0;
    uint8_t d[32];
    moat_err e = MOAT_OK;

    for (i = 0; e == MOAT_OK && i < BENCH_X509_N; ++i) {
        e = moat_hash(MOAT_HASH_SHA256, labels[i], strlen(labels[i]), d);
        if (e == MOAT_OK) {
            e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), &gx.key[i]);
        }
        if (e == MOAT_OK) {
            e = moat_signer_from_private(&gx.signer[i], &gx.key[i]);
        }
    }
    moat_wipe(d, sizeof(d));
    if (e == MOAT_OK) {
        e = bench_issue(BENCH_X509_ROOT, BENCH_X509_ROOT, "Bench Root", true, -1);
    }
    if (e == MOAT_OK) {
        e = bench_issue(BENCH_X509_INT, BENCH_X509_ROOT, "Bench Issuing CA", true, 0);
    }
    if (e == MOAT_OK) {
        e = bench_issue(BENCH_X509_LEAF, BENCH_X509_INT, "device-0001", false, -1);
    }
    if (e == MOAT_OK) {
        /* unrelated CA, also issued by the root, offered first in the bag */
        e = bench_issue(BENCH_X509_OTHER, BENCH_X509_ROOT, "Bench Other CA", true, -1);
    }
    if (e == MOAT_OK) {
        e = moat_x509_store_init(&gx.store, NULL, 0);
    }
    if (e == MOAT_OK) {
        e = moat_x509_store_add(&gx.store, gx.der[BENCH_X509_ROOT], gx.len[BENCH_X509_ROOT]);
    }
    if (e == MOAT_OK) {
        e = moat_x509_parse(gx.der[BENCH_X509_ROOT], gx.len[BENCH_X509_ROOT], &root);
    }
    if (e != MOAT_OK) {
        fail("x509 bench setup", e);
        return -1;
    }
    gx.bag[0] = gx.der[BENCH_X509_LEAF];
    gx.bag_len[0] = gx.len[BENCH_X509_LEAF];
    gx.bag[1] = gx.der[BENCH_X509_OTHER];
    gx.bag_len[1] = gx.len[BENCH_X509_OTHER];
    gx.bag[2] = gx.der[BENCH_X509_INT];
    gx.bag_len[2] = gx.len[BENCH_X509_INT];

    /* The same root as a BearSSL trust anchor. */
    memcpy(gx.ta_q, root.ec_key.q, root.ec_key.q_len);
    gx.ta.dn.data = (unsigned char *)gx.der[BENCH_X509_ROOT] +
                    (root.subject.ptr - gx.der[BENCH_X509_ROOT]);
    gx.ta.dn.len = root.subject.len;
    gx.ta.flags = BR_X509_TA_CA;
    gx.ta.pkey.key_type = BR_KEYTYPE_EC;
    gx.ta.pkey.key.ec.curve = BR_EC_secp256r1;
    gx.ta.pkey.key.ec.q = gx.ta_q;
    gx.ta.pkey.key.ec.qlen = root.ec_key.q_len;

    /* CSR: one made now gives the CertificationRequestInfo the raw side signs. */
    gx.csr_subject.count = 2;
    gx.csr_subject.type[0] = MOAT_X509_ATTR_O;
    gx.csr_subject.value[0] = "moat bench";
    gx.csr_subject.type[1] = MOAT_X509_ATTR_CN;
    gx.csr_subject.value[1] = "device-0001";
    gx.csr_ext.path_len = -1;
    gx.csr_ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
    gx.csr_ext.san_count = 1;
    gx.csr_ext.san[0].type = MOAT_X509_GN_DNS;
    gx.csr_ext.san[0].value.ptr = csr_dns;
    gx.csr_ext.san[0].value.len = sizeof(csr_dns) - 1u;
    e = moat_x509_csr_create(&gx.csr_subject, &gx.csr_ext, &g.signer, gx.csr,
                             sizeof(gx.csr), &gx.csr_len);
    if (e != MOAT_OK) {
        fail("moat_x509_csr_create", e);
        return -1;
    }
    if (der_tlv(gx.csr, gx.csr_len, &hdr, &len) != 0 ||
        der_tlv(gx.csr + hdr, len, &i, &gx.cri_len) != 0) {
        fail("CSR shape", MOAT_ERR_DER_LENGTH);
        return -1;
    }
    gx.cri = gx.csr + hdr;
    gx.cri_len += i;
    return 0;
}

static int setup(void)
{
    static const char seed_label[] = "moat-bench fixed P-256 key";
    uint8_t d[32];
    const char *dot;
    size_t n = 0, i;
    br_sha256_context c;
    unsigned char h[32];
    moat_err e;

    /* A fixed key: d = SHA-256(label) (a valid scalar with overwhelming
     * probability; checked by moat_ec_private_from_scalar). */
    e = moat_hash(MOAT_HASH_SHA256, seed_label, sizeof(seed_label) - 1u, d);
    if (e == MOAT_OK) {
        e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), &g.priv);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&g.signer, &g.priv);
    }
    if (e == MOAT_OK) {
        e = moat_ec_public_from_private(&g.priv, &g.pub);
    }
    if (e != MOAT_OK) {
        fail("key setup", e);
        return -1;
    }
    memcpy(g.br_x, d, sizeof(g.br_x));
    memcpy(g.br_q, g.pub.q, sizeof(g.br_q));
    moat_wipe(d, sizeof(d));
    g.br_sk.curve = BR_EC_secp256r1;
    g.br_sk.x = g.br_x;
    g.br_sk.xlen = sizeof(g.br_x);
    g.br_pk.curve = BR_EC_secp256r1;
    g.br_pk.q = g.br_q;
    g.br_pk.qlen = sizeof(g.br_q);

    for (i = 0; i < sizeof(g.payload); ++i) {
        g.payload[i] = (uint8_t)(i * 7u + 1u);
    }
    e = moat_jws_sign_compact(&g.signer, NULL, g.payload, sizeof(g.payload), g.token,
                              sizeof(g.token), &n);
    if (e != MOAT_OK) {
        fail("moat_jws_sign_compact", e);
        return -1;
    }
    g.token_len = n;
    dot = strrchr(g.token, '.');
    if (dot == NULL) {
        fail("token shape", MOAT_ERR_JOSE_FORMAT);
        return -1;
    }
    g.signing_input_len = (size_t)(dot - g.token);

    /* The raw baseline verifies a BearSSL signature over the same input. */
    br_sha256_init(&c);
    br_sha256_update(&c, g.token, g.signing_input_len);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk,
                              g.raw_sig) != 64u) {
        fail("br_ecdsa_i31_sign_raw", MOAT_ERR_INTERNAL);
        return -1;
    }

    g.big = (uint8_t *)malloc(BENCH_HASH_LEN);
    if (g.big == NULL) {
        fail("malloc", MOAT_ERR_OUT_OF_MEMORY);
        return -1;
    }
    for (i = 0; i < BENCH_HASH_LEN; ++i) {
        g.big[i] = (uint8_t)(i ^ (i >> 8));
    }
    return setup_x509();
}

/* ----------------------------------------------------------------- main */

typedef struct bench_result {
    double moat_ns;
    double raw_ns;
    unsigned iters;     /* per batch, same for both sides */
    size_t moat_stack;
    size_t raw_stack;
} bench_result;

static void run_op(const bench_op *op, unsigned rounds, double batch_ns, size_t stack_base,
                   bench_result *r)
{
    double tm[BENCH_MAX_ROUNDS], tr[BENCH_MAX_ROUNDS];
    unsigned k, iters;
    size_t s;

    /* Warm-up (caches, branch predictors, page faults) of both sides. */
    (void)time_batch(op->moat, calibrate(op->moat, batch_ns / 2.0));
    (void)time_batch(op->raw, calibrate(op->raw, batch_ns / 2.0));
    iters = calibrate(op->raw, batch_ns);
    for (k = 0; k < rounds; ++k) {
        if (k % 2u == 0u) {
            tm[k] = time_batch(op->moat, iters);
            tr[k] = time_batch(op->raw, iters);
        } else {
            tr[k] = time_batch(op->raw, iters);
            tm[k] = time_batch(op->moat, iters);
        }
    }
    r->moat_ns = median(tm, rounds);
    r->raw_ns = median(tr, rounds);
    r->iters = iters;
    s = stack_used(op->moat);
    r->moat_stack = s > stack_base ? s - stack_base : 0u;
    s = stack_used(op->raw);
    r->raw_stack = s > stack_base ? s - stack_base : 0u;
}

static void usage(void)
{
    fprintf(stderr, "usage: moat-bench [--quick] [--json]\n"
                    "  --quick  short batches and 3 rounds (smoke test)\n"
                    "  --json   one JSON object instead of the table\n");
}

int main(int argc, char **argv)
{
    bench_result res[BENCH_NOPS];
    unsigned rounds = BENCH_ROUNDS_FULL;
    double batch_ns = BENCH_BATCH_NS_FULL;
    int json = 0, quick = 0, i;
    size_t k, stack_base;

    for (i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (quick) {
        rounds = BENCH_ROUNDS_QUICK;
        batch_ns = BENCH_BATCH_NS_QUICK;
    }
    if (setup() != 0) {
        return 1;
    }
    stack_base = stack_used(op_nothing);
    for (k = 0; k < BENCH_NOPS; ++k) {
        run_op(&g_ops[k], rounds, batch_ns, stack_base, &res[k]);
        if (g.failed) {
            return 1;
        }
    }

    if (json) {
        printf("{\"bench\":\"moat\",\"version\":\"%s\",\"quick\":%s,\"rounds\":%u,"
               "\"operations\":[",
               moat_version(), quick ? "true" : "false", rounds);
        for (k = 0; k < BENCH_NOPS; ++k) {
            printf("%s{\"name\":\"%s\",\"moat_ns\":%.1f,\"raw_ns\":%.1f,\"ratio\":%.4f,"
                   "\"iterations\":%u,\"rounds\":%u,\"moat_stack_bytes\":%zu,"
                   "\"raw_stack_bytes\":%zu}",
                   k ? "," : "", g_ops[k].name, res[k].moat_ns, res[k].raw_ns,
                   res[k].moat_ns / res[k].raw_ns, res[k].iters, rounds,
                   res[k].moat_stack, res[k].raw_stack);
        }
        printf("]}\n");
    } else {
        printf("moat %s bench (%s: %u rounds, median ns/op; raw = BearSSL 0.6 directly)\n\n",
               moat_version(), quick ? "quick" : "full", rounds);
        printf("%-24s %14s %14s %8s %9s %11s %10s\n", "operation", "moat ns/op",
               "raw ns/op", "ratio", "iters", "moat stack", "raw stack");
        for (k = 0; k < BENCH_NOPS; ++k) {
            printf("%-24s %14.0f %14.0f %8.3f %9u %11zu %10zu\n", g_ops[k].name,
                   res[k].moat_ns, res[k].raw_ns, res[k].moat_ns / res[k].raw_ns,
                   res[k].iters, res[k].moat_stack, res[k].raw_stack);
        }
        printf("\n");
        for (k = 0; k < BENCH_NOPS; ++k) {
            printf("  %-24s %s\n", g_ops[k].name, g_ops[k].what);
        }
        printf("  (iters = calls per batch on each side; stack = peak bytes, measured\n"
               "   by stack painting, net of thread start-up)\n");
    }
    free(g.big);
    moat_ec_private_wipe(&g.priv);
    moat_wipe(g.br_x, sizeof(g.br_x));
    for (k = 0; k < BENCH_X509_N; ++k) {
        moat_ec_private_wipe(&gx.key[k]);
    }
    moat_wipe(gx.signer, sizeof(gx.signer));
    return g.failed ? 1 : 0;
}
