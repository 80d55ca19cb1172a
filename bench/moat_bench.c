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
#include "moat/update.h"

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

/* Attestation (include/moat/dice.h, include/moat/attest.h): a device with
 * two DICE layers enrolled by a manufacturer CA, all generated in setup.
 *
 * dice_layer: one moat_dice_layer() (layer 1 -> layer 2): two HKDF-SHA-512
 *   CDI derivations, the issuer and subject key pairs from their seeds
 *   (HKDF + HMAC-DRBG + a P-256 base-point multiplication each), the two
 *   DICE IDs, the certificate DER and its signature (which moat's signer
 *   verifies before release). Raw = one BearSSL ECDSA P-256 sign; the
 *   "_equiv" row's raw = the same asymmetric work done directly: two
 *   br_ec_compute_pub + SHA-256 of the TBS + sign + verify.
 * eat_issue: moat_eat_issue() (claims JSON, leaf parse and key check,
 *   x5c header of 4 certificates, ES256 JWS). Raw = SHA-256 of the same
 *   signing input + sign (and, "_checked", + verify).
 * eat_verify_appraise: moat_eat_verify() (header, x5c decoding and parsing,
 *   path validation to the anchor, TcbInfo, JWS, claims, nonce) then
 *   moat_attest_appraise() (reference values parse, result JSON). Raw =
 *   SHA-256 + BearSSL ECDSA verify of exactly the signatures moat checks:
 *   the token's and the four certificates' (alias, CDI 2, CDI 1,
 *   DeviceID): 5 verifications, nothing else. The nonce is consumed by each
 *   verification, so each moat iteration first restores the store from a
 *   snapshot (a 4 KiB memcpy, negligible next to 5 verifications). */
#define BENCH_CHAIN 4u
#define BENCH_VERIFY_SIGS 5u

typedef struct bench_attest {
    moat_ec_private_key ca_priv;
    moat_signer ca_signer;
    uint8_t ca[MOAT_DICE_CERT_MAX];
    size_t ca_len;
    uint8_t cert[BENCH_CHAIN][MOAT_DICE_CERT_MAX]; /* alias, CDI 2, CDI 1, DeviceID */
    size_t cert_len[BENCH_CHAIN];
    const uint8_t *x5c[BENCH_CHAIN];
    moat_dice_cdis l1;                  /* input of the benchmarked layer */
    moat_dice_input in2;                /* its input values */
    moat_dice_cdis next;                /* output */
    uint8_t layer_cert[MOAT_DICE_CERT_MAX];
    moat_ec_private_key alias_priv;
    moat_signer alias_signer;
    unsigned char alias_x[32];
    br_ec_private_key alias_sk;
    br_ec_public_key alias_pk;
    unsigned char alias_q[65];
    moat_eat_measurement meas;
    uint8_t fw[MOAT_DICE_HASH_SIZE];    /* the firmware's code hash (SHA-512) */
    uint8_t nonce[MOAT_NONCE_SIZE];
    moat_eat_claims claims;
    uint8_t issue_work[MOAT_EAT_ISSUE_WORK_SIZE];
    char token[MOAT_EAT_TOKEN_OUT_MAX];
    size_t token_len;
    size_t signing_input_len;
    char issued[MOAT_EAT_TOKEN_OUT_MAX];
    moat_x509_store store;
    moat_nonce_store nonces;
    moat_nonce_store nonces_snapshot;
    moat_eat_policy policy;
    void *verify_work;
    size_t verify_work_size;
    void *appraise_work;
    size_t appraise_work_size;
    moat_eat_evidence ev;
    char refvals[1024];
    size_t refvals_len;
    char result[MOAT_AR_MAX + 1u];
    /* raw verification baseline: the 5 signatures moat checks */
    const uint8_t *vdata[BENCH_VERIFY_SIGS];
    size_t vdata_len[BENCH_VERIFY_SIGS];
    const uint8_t *vsig[BENCH_VERIFY_SIGS];
    size_t vsig_len[BENCH_VERIFY_SIGS];
    uint8_t token_sig[64];
    unsigned char vq[BENCH_VERIFY_SIGS][65];
    br_ec_public_key vkey[BENCH_VERIFY_SIGS];
    /* raw equivalent of a layer: the issuer and subject CDI keys */
    unsigned char eq_x[2][32];
    br_ec_private_key eq_sk[2];
    br_ec_public_key eq_pk;             /* subject key, for the check */
    unsigned char eq_q[65];
    const uint8_t *eq_tbs;
    size_t eq_tbs_len;
} bench_attest;

static bench_attest ga;

static void op_dice_layer_moat(void)
{
    size_t n = 0;
    moat_err e = moat_dice_layer(&ga.l1, &ga.in2, &ga.next, ga.layer_cert,
                                 sizeof(ga.layer_cert), &n);
    if (e != MOAT_OK || n == 0u) {
        fail("moat_dice_layer", e);
        return;
    }
    g.sink += ga.layer_cert[n - 1u] + ga.next.attest[0];
}

static void op_dice_layer_equiv_raw(void)
{
    unsigned char kbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    br_ec_public_key pk;
    br_sha256_context c;
    unsigned char h[32];
    unsigned char sig[64];
    size_t i;

    for (i = 0; i < 2u; ++i) {
        if (br_ec_compute_pub(br_ec_get_default(), &pk, kbuf, &ga.eq_sk[i]) != 65u) {
            fail("br_ec_compute_pub", MOAT_ERR_INTERNAL);
        }
        g.sink += kbuf[1];
    }
    br_sha256_init(&c);
    br_sha256_update(&c, ga.eq_tbs, ga.eq_tbs_len);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &ga.eq_sk[0], sig)
        != 64u ||
        br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &ga.eq_pk, sig,
                              sizeof(sig)) != 1u) {
        fail("br_ecdsa_i31 layer signature", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

static void op_eat_issue_moat(void)
{
    size_t n = 0;
    moat_err e = moat_eat_issue(&ga.claims, &ga.alias_signer, ga.x5c, ga.cert_len,
                                BENCH_CHAIN, ga.issue_work, sizeof(ga.issue_work), ga.issued,
                                sizeof(ga.issued), &n);
    if (e != MOAT_OK || n == 0u) {
        fail("moat_eat_issue", e);
        return;
    }
    g.sink += (uint32_t)(unsigned char)ga.issued[n - 1u];
}

static void eat_sign_raw(int check)
{
    br_sha256_context c;
    unsigned char h[32];
    unsigned char sig[64];

    br_sha256_init(&c);
    br_sha256_update(&c, ga.token, ga.signing_input_len);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &ga.alias_sk, sig)
        != 64u ||
        (check && br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &ga.alias_pk, sig,
                                        sizeof(sig)) != 1u)) {
        fail("br_ecdsa_i31 token signature", MOAT_ERR_INTERNAL);
    }
    g.sink += sig[0];
}

static void op_eat_sign_raw(void)
{
    eat_sign_raw(0);
}

static void op_eat_sign_checked_raw(void)
{
    eat_sign_raw(1);
}

static void op_eat_verify_appraise_moat(void)
{
    size_t n = 0;
    moat_ar_status st = MOAT_AR_NONE;
    moat_err e;

    memcpy(&ga.nonces, &ga.nonces_snapshot, sizeof(ga.nonces));
    e = moat_eat_verify(ga.token, ga.token_len, &ga.policy, ga.verify_work,
                        ga.verify_work_size, &ga.ev);
    if (e != MOAT_OK) {
        fail("moat_eat_verify", e);
        return;
    }
    e = moat_attest_appraise(&ga.ev, ga.refvals, ga.refvals_len, BENCH_X509_NOW,
                             ga.appraise_work, ga.appraise_work_size, ga.result,
                             sizeof(ga.result), &n, &st);
    if (e != MOAT_OK || st != MOAT_AR_AFFIRMING) {
        fail("moat_attest_appraise", e != MOAT_OK ? e : MOAT_ERR_INTERNAL);
        return;
    }
    g.sink += (uint32_t)n;
}

static void op_eat_verify_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    size_t i;
    uint32_t ok;

    for (i = 0; i < BENCH_VERIFY_SIGS; ++i) {
        br_sha256_init(&c);
        br_sha256_update(&c, ga.vdata[i], ga.vdata_len[i]);
        br_sha256_out(&c, h);
        ok = i == 0u ? br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &ga.vkey[i],
                                             ga.vsig[i], ga.vsig_len[i])
                     : br_ecdsa_i31_vrfy_asn1(br_ec_get_default(), h, sizeof(h), &ga.vkey[i],
                                              ga.vsig[i], ga.vsig_len[i]);
        if (ok != 1u) {
            fail("br_ecdsa_i31 evidence signatures", MOAT_ERR_CRYPTO_SIG_INVALID);
        }
        g.sink += ok;
    }
}

/* ------------------------------------------------------------- update */
/*
 * Verified updates (include/moat/update.h) over an in-memory port: the slot,
 * records and counters live in static RAM, so the figures measure moat's
 * work and the memory copies a flash-backed port would make, not file I/O.
 * The bench port implements only what the update functions call; its
 * "entropy" is a fixed pattern (nothing measured draws randomness).
 */

/** Image staged by the update rows (bytes), and the bench slot size. */
#define BENCH_UPD_IMAGE (1024u * 1024u)
#define BENCH_UPD_SLOT (BENCH_UPD_IMAGE + 4096u)
/** Chunk handed to moat_update_stream_write() (a download buffer). */
#define BENCH_UPD_CHUNK 4096u
/** Targets keys (the manifest's threshold-2 signers) and the root key. */
#define BENCH_UPD_TKEYS 2u
/** Fixed trusted time of the update rows (2026-01-01T00:00:00Z), and expiry. */
#define BENCH_UPD_NOW 1767225600LL
#define BENCH_UPD_EXPIRES 2019686400LL
/** Workspace for one manifest document. */
#define BENCH_UPD_WORK MOAT_UPDATE_WORK_SIZE(MOAT_UPDATE_MANIFEST_MAX_DOC)
/** Largest signing input of one manifest signature (header '.' payload). */
#define BENCH_UPD_INPUT_MAX (MOAT_UPDATE_MANIFEST_MAX_DOC + 2u * MOAT_JWS_HEADER_MAX)

typedef struct bench_upd {
    /* the in-memory port */
    uint8_t slot[2][BENCH_UPD_SLOT];
    uint8_t rec[MOAT_PORT_RECORD_COUNT][MOAT_PORT_RECORD_MAX];
    size_t rec_len[MOAT_PORT_RECORD_COUNT];
    bool rec_have[MOAT_PORT_RECORD_COUNT];
    uint64_t ctr[MOAT_PORT_COUNTER_COUNT];
    moat_port port;
    /* keys, roots (threshold 1 and 2), device, documents */
    moat_ec_private_key key[BENCH_UPD_TKEYS + 1u];
    moat_signer signer[BENCH_UPD_TKEYS + 1u];
    moat_update_root root1;   /* targets: key 0, threshold 1 */
    moat_update_root root2;   /* targets: keys 0 and 1, threshold 2 */
    moat_update_device dev;
    char doc1[MOAT_UPDATE_MANIFEST_MAX_DOC]; /* signed by key 0 */
    size_t doc1_len;
    char doc2[MOAT_UPDATE_MANIFEST_MAX_DOC]; /* signed by keys 0 and 1 */
    size_t doc2_len;
    uint8_t work[BENCH_UPD_WORK];
    moat_update_stream stream;
    moat_update_manifest m;
    /* the raw baseline: signing inputs and r||s of doc2's signatures */
    char input[BENCH_UPD_TKEYS][BENCH_UPD_INPUT_MAX];
    size_t input_len[BENCH_UPD_TKEYS];
    unsigned char sig[BENCH_UPD_TKEYS][64];
    unsigned char q[BENCH_UPD_TKEYS][65];
    br_ec_public_key pk[BENCH_UPD_TKEYS];
    uint8_t *image;           /* BENCH_UPD_IMAGE bytes */
    uint8_t raw_slot[BENCH_UPD_SLOT];
    uint8_t raw_buf[MOAT_UPDATE_READ_CHUNK];
} bench_upd;

static bench_upd gu;

static moat_err upd_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x5a, len);
    return MOAT_OK;
}

static moat_err upd_time(void *ctx, int64_t *t)
{
    (void)ctx;
    *t = BENCH_UPD_NOW;
    return MOAT_OK;
}

static moat_err upd_ctr_read(void *ctx, uint32_t id, uint64_t *v)
{
    (void)ctx;
    *v = 0;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *v = gu.ctr[id];
    return MOAT_OK;
}

static moat_err upd_ctr_advance(void *ctx, uint32_t id, uint64_t v)
{
    (void)ctx;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (v < gu.ctr[id]) {
        return MOAT_ERR_PORT_COUNTER_DECREASE;
    }
    gu.ctr[id] = v;
    return MOAT_OK;
}

static moat_err upd_rec_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    (void)ctx;
    *len = 0;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!gu.rec_have[id]) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < gu.rec_len[id]) {
        *len = gu.rec_len[id];
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, gu.rec[id], gu.rec_len[id]);
    *len = gu.rec_len[id];
    return MOAT_OK;
}

static moat_err upd_rec_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    (void)ctx;
    if (id >= MOAT_PORT_RECORD_COUNT || len > MOAT_PORT_RECORD_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memcpy(gu.rec[id], data, len);
    gu.rec_len[id] = len;
    gu.rec_have[id] = true;
    return MOAT_OK;
}

static moat_err upd_rec_erase(void *ctx, uint32_t id)
{
    (void)ctx;
    if (id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    gu.rec_have[id] = false;
    gu.rec_len[id] = 0;
    return MOAT_OK;
}

static moat_err upd_slot_info(void *ctx, uint32_t slot, moat_port_slot_info *info)
{
    (void)ctx;
    memset(info, 0, sizeof(*info));
    if (slot >= 2u) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    info->size = BENCH_UPD_SLOT;
    info->erase_size = 4096u;
    info->write_align = 1u;
    info->erased_value = 0xFFu;
    return MOAT_OK;
}

static moat_err upd_slot_read(void *ctx, uint32_t slot, size_t off, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (slot >= 2u || off > BENCH_UPD_SLOT || len > BENCH_UPD_SLOT - off) {
        return MOAT_ERR_PORT_RANGE;
    }
    memcpy(buf, gu.slot[slot] + off, len);
    return MOAT_OK;
}

static moat_err upd_slot_write(void *ctx, uint32_t slot, size_t off, const uint8_t *data,
                               size_t len)
{
    (void)ctx;
    if (slot >= 2u || off > BENCH_UPD_SLOT || len > BENCH_UPD_SLOT - off) {
        return MOAT_ERR_PORT_RANGE;
    }
    memcpy(gu.slot[slot] + off, data, len);
    return MOAT_OK;
}

static moat_err upd_slot_erase(void *ctx, uint32_t slot)
{
    (void)ctx;
    if (slot >= 2u) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    memset(gu.slot[slot], 0xFF, BENCH_UPD_SLOT);
    return MOAT_OK;
}

static const moat_port_ops upd_ops = {
    MOAT_PORT_ABI_VERSION, upd_entropy, upd_time, NULL, NULL, upd_ctr_read, upd_ctr_advance,
    upd_rec_read, upd_rec_write, upd_rec_erase, upd_slot_info, upd_slot_read, upd_slot_write,
    upd_slot_erase, NULL, NULL, NULL};

/** Verify the manifest, stage 1 MiB in 4 KiB chunks (hash + write), finish
 *  (length, digest, re-read and re-hash of the slot, STAGED persisted). */
static void op_update_stage_moat(void)
{
    size_t off;
    moat_err e = moat_update_manifest_verify(&gu.port, gu.doc1, gu.doc1_len, &gu.root1,
                                             &gu.dev, BENCH_UPD_NOW, gu.work, sizeof(gu.work),
                                             &gu.m);
    if (e == MOAT_OK) {
        e = moat_update_stream_begin(&gu.stream, &gu.port, &gu.m);
    }
    for (off = 0; e == MOAT_OK && off < BENCH_UPD_IMAGE; off += BENCH_UPD_CHUNK) {
        e = moat_update_stream_write(&gu.stream, gu.image + off, BENCH_UPD_CHUNK);
    }
    if (e == MOAT_OK) {
        e = moat_update_stream_finish(&gu.stream);
    }
    if (e != MOAT_OK) {
        fail("update verify + stage", e);
    }
    g.sink += gu.m.sequence;
}

/** Raw BearSSL: SHA-256 over signing input i, then verify signature i. */
static void upd_raw_verify(size_t i)
{
    br_sha256_context c;
    unsigned char h[32];
    br_sha256_init(&c);
    br_sha256_update(&c, gu.input[i], gu.input_len[i]);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof(h), &gu.pk[i], gu.sig[i], 64u) != 1u) {
        fail("br_ecdsa_i31_vrfy_raw (update)", MOAT_ERR_CRYPTO_SIG_INVALID);
    }
}

/** The brief's baseline: SHA-256 over the 1 MiB image + one ECDSA verify. */
static void op_update_stage_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    br_sha256_init(&c);
    br_sha256_update(&c, gu.image, BENCH_UPD_IMAGE);
    br_sha256_out(&c, h);
    g.sink += h[0];
    upd_raw_verify(0);
}

/** The same work done by hand: the signature (SHA-256 + verify), erase,
 *  hash while copying in 4 KiB chunks, then re-read in 512-byte pieces and
 *  hash again (what moat_update_stream_finish() must do: no TOCTOU gap). */
static void op_update_stage_equiv_raw(void)
{
    br_sha256_context c;
    unsigned char h[32];
    size_t off;

    upd_raw_verify(0);
    memset(gu.raw_slot, 0xFF, sizeof(gu.raw_slot));
    br_sha256_init(&c);
    for (off = 0; off < BENCH_UPD_IMAGE; off += BENCH_UPD_CHUNK) {
        br_sha256_update(&c, gu.image + off, BENCH_UPD_CHUNK);
        memcpy(gu.raw_slot + off, gu.image + off, BENCH_UPD_CHUNK);
    }
    br_sha256_out(&c, h);
    g.sink += h[0];
    br_sha256_init(&c);
    for (off = 0; off < BENCH_UPD_IMAGE; off += sizeof(gu.raw_buf)) {
        memcpy(gu.raw_buf, gu.raw_slot + off, sizeof(gu.raw_buf));
        br_sha256_update(&c, gu.raw_buf, sizeof(gu.raw_buf));
    }
    br_sha256_out(&c, h);
    g.sink += h[0];
}

/** Manifest verification alone: 2-of-2 targets signatures, strict payload,
 *  device and anti-rollback checks (counters read through the port). */
static void op_update_manifest_moat(void)
{
    moat_err e = moat_update_manifest_verify(&gu.port, gu.doc2, gu.doc2_len, &gu.root2,
                                             &gu.dev, BENCH_UPD_NOW, gu.work, sizeof(gu.work),
                                             &gu.m);
    if (e != MOAT_OK) {
        fail("moat_update_manifest_verify", e);
    }
    g.sink += gu.m.sequence;
}

/** Raw BearSSL: threshold (2) x (SHA-256 of the signing input + ECDSA verify). */
static void op_update_manifest_raw(void)
{
    size_t i;
    for (i = 0; i < BENCH_UPD_TKEYS; ++i) {
        upd_raw_verify(i);
    }
}

/* The value of member @p name ("name":"...") at or after @p from in @p doc. */
static const char *upd_field(const char *from, const char *name, size_t *len)
{
    const char *p = strstr(from, name);
    const char *q;
    if (p == NULL) {
        return NULL;
    }
    p += strlen(name);
    q = strchr(p, '"');
    if (q == NULL) {
        return NULL;
    }
    *len = (size_t)(q - p);
    return p;
}

static int upd_role(moat_update_role *role, size_t first, size_t n, uint32_t threshold)
{
    size_t i;
    memset(role, 0, sizeof(*role));
    for (i = 0; i < n; ++i) {
        moat_err e = moat_jwk_from_public(&gu.signer[first + i].pub, &role->keys[i]);
        if (e != MOAT_OK) {
            fail("moat_jwk_from_public", e);
            return -1;
        }
    }
    role->nkeys = (uint32_t)n;
    role->threshold = threshold;
    return 0;
}

static int setup_update(void)
{
    static const char pers[] = "moat-bench update key";
    static const uint8_t vendor[16] = {0x8f, 0x2d, 0x3a, 0x4e, 0x1b, 0x2c, 0x4d, 0x5e,
                                       0x8f, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6};
    static const uint8_t klass[16] = {0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b, 0x4c, 0x6d,
                                      0x9e, 0x8f, 0x10, 0x21, 0x32, 0x43, 0x54, 0x65};
    static char payload[1024];
    char digest[48];
    uint8_t d[32], h[32];
    const char *pl, *p, *s;
    size_t n = 0, pll, hl, sl, i;
    int plen;
    moat_err e;

    gu.port.ops = &upd_ops;
    gu.port.ctx = &gu;
    gu.image = (uint8_t *)malloc(BENCH_UPD_IMAGE);
    if (gu.image == NULL) {
        fail("malloc", MOAT_ERR_OUT_OF_MEMORY);
        return -1;
    }
    for (i = 0; i < BENCH_UPD_IMAGE; ++i) {
        gu.image[i] = (uint8_t)((i * 131u) ^ (i >> 11));
    }
    /* keys 0, 1: targets; key 2: root role (a key serves one role only) */
    for (i = 0; i <= BENCH_UPD_TKEYS; ++i) {
        uint8_t label[sizeof(pers)];
        memcpy(label, pers, sizeof(pers));
        label[sizeof(pers) - 2u] = (uint8_t)('0' + i);
        e = moat_hash(MOAT_HASH_SHA256, label, sizeof(label) - 1u, d);
        if (e == MOAT_OK) {
            e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), &gu.key[i]);
        }
        if (e == MOAT_OK) {
            e = moat_signer_from_private(&gu.signer[i], &gu.key[i]);
        }
        moat_wipe(d, sizeof(d));
        if (e != MOAT_OK) {
            fail("update key setup", e);
            return -1;
        }
    }
    if (upd_role(&gu.root1.root, BENCH_UPD_TKEYS, 1u, 1u) != 0 ||
        upd_role(&gu.root1.targets, 0u, 1u, 1u) != 0 ||
        upd_role(&gu.root2.root, BENCH_UPD_TKEYS, 1u, 1u) != 0 ||
        upd_role(&gu.root2.targets, 0u, BENCH_UPD_TKEYS, (uint32_t)BENCH_UPD_TKEYS) != 0) {
        return -1;
    }
    gu.root1.version = gu.root2.version = 1u;
    gu.root1.expires = gu.root2.expires = BENCH_UPD_EXPIRES;
    memcpy(gu.dev.vendor_id, vendor, sizeof(vendor));
    memcpy(gu.dev.class_id, klass, sizeof(klass));
    memcpy(gu.dev.components[0].name, "app", 4u);
    gu.dev.components[0].installed.major = 1u;
    gu.dev.components[0].slots = 3u;
    gu.dev.ncomponents = 1u;

    e = moat_hash(MOAT_HASH_SHA256, gu.image, BENCH_UPD_IMAGE, h);
    if (e == MOAT_OK) {
        e = moat_b64url_encode(h, sizeof(h), digest, sizeof(digest), &n);
    }
    if (e != MOAT_OK) {
        fail("update digest", e);
        return -1;
    }
    plen = snprintf(payload, sizeof(payload),
                    "{\"moat_manifest\":1,\"sequence_epoch\":0,\"sequence\":1,"
                    "\"expires\":%lld,"
                    "\"vendor_id\":\"8f2d3a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6\","
                    "\"class_id\":\"0c1d2e3f-4a5b-4c6d-9e8f-102132435465\","
                    "\"component\":\"app\",\"version\":\"1.1.0\",\"svn\":1,\"size\":%u,"
                    "\"digest\":{\"alg\":\"sha-256\",\"value\":\"%s\"},\"slot\":1}",
                    BENCH_UPD_EXPIRES, BENCH_UPD_IMAGE, digest);
    if (plen <= 0 || (size_t)plen >= sizeof(payload)) {
        fail("update payload", MOAT_ERR_INTERNAL);
        return -1;
    }
    e = moat_jws_json_sign(NULL, 0, (const uint8_t *)payload, (size_t)plen, &gu.signer[0], NULL,
                           gu.work, sizeof(gu.work), gu.doc1, sizeof(gu.doc1), &gu.doc1_len);
    if (e == MOAT_OK) {
        e = moat_jws_json_sign(gu.doc1, gu.doc1_len, NULL, 0, &gu.signer[1], NULL, gu.work,
                               sizeof(gu.work), gu.doc2, sizeof(gu.doc2), &gu.doc2_len);
    }
    if (e != MOAT_OK) {
        fail("update manifest signing", e);
        return -1;
    }
    /* the raw side verifies exactly doc2's signatures over exactly its bytes */
    pl = upd_field(gu.doc2, "\"payload\":\"", &pll);
    p = gu.doc2;
    for (i = 0; i < BENCH_UPD_TKEYS; ++i) {
        const char *hd = pl == NULL ? NULL : upd_field(p, "\"protected\":\"", &hl);
        s = hd == NULL ? NULL : upd_field(hd, "\"signature\":\"", &sl);
        if (s == NULL || hl + 1u + pll > sizeof(gu.input[i]) ||
            moat_b64url_decode(s, sl, gu.sig[i], sizeof(gu.sig[i]), &n) != MOAT_OK || n != 64u) {
            fail("update signing input", MOAT_ERR_JOSE_FORMAT);
            return -1;
        }
        memcpy(gu.input[i], hd, hl);
        gu.input[i][hl] = '.';
        memcpy(gu.input[i] + hl + 1u, pl, pll);
        gu.input_len[i] = hl + 1u + pll;
        memcpy(gu.q[i], gu.signer[i].pub.q, sizeof(gu.q[i]));
        gu.pk[i].curve = BR_EC_secp256r1;
        gu.pk[i].q = gu.q[i];
        gu.pk[i].qlen = sizeof(gu.q[i]);
        p = s + sl;
    }
    return 0;
}

/* ------------------------------------------------ sealed messages (issue 6) */

#include "moat/msg.h"

/** Bodies of the sealed-message operations. */
#define BENCH_MSG_SMALL 64u
#define BENCH_MSG_LARGE 1024u

/** Sealed-message material: recipient key, directory, RAM port, messages. */
typedef struct bench_msg {
    moat_ec_private_key rcpt;
    moat_ec_public_key rcpt_pub;
    moat_jwe_decrypter dec;
    moat_msg_peer dir[1];
    moat_msg_replay replay;
    moat_msg_receiver rx;
    moat_port_ops ops;
    moat_port port;
    uint8_t rec[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t rec_len;
    int rec_present;
    uint8_t body[BENCH_MSG_LARGE];
    uint8_t out_body[BENCH_MSG_LARGE];
    uint8_t seal_work[MOAT_MSG_SEAL_WORK_SIZE(BENCH_MSG_LARGE)];
    uint8_t open_work[MOAT_MSG_OPEN_WORK_SIZE(MOAT_MSG_SEALED_SIZE(BENCH_MSG_LARGE))];
    char msg[2][MOAT_MSG_SEALED_SIZE(BENCH_MSG_LARGE)];
    size_t msg_len[2];
    size_t jws_len[2];                 /* inner JWS = JWE plaintext length */
    uint8_t jws_buf[MOAT_MSG_SEALED_SIZE(BENCH_MSG_LARGE)];
    /* raw baseline */
    unsigned char eph_x[32], rcpt_x[32];
    br_ec_private_key eph_sk;
    unsigned char rcpt_q[65];
    unsigned char raw_sig[64];
    unsigned char cek[32];
    unsigned char iv[12];
} bench_msg;

static bench_msg gm;
static const char *const gm_types[] = {"telemetry"};

static moat_err msg_entropy(void *ctx, uint8_t *out, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; ++i) {
        out[i] = (uint8_t)(0x3Cu ^ (i * 31u));
    }
    return MOAT_OK;
}

static moat_err msg_rec_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    (void)ctx;
    *len = 0;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || !gm.rec_present) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < gm.rec_len) {
        *len = gm.rec_len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, gm.rec, gm.rec_len);
    *len = gm.rec_len;
    return MOAT_OK;
}

static moat_err msg_rec_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    (void)ctx;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || len > sizeof(gm.rec)) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(gm.rec, data, len);
    gm.rec_len = len;
    gm.rec_present = 1;
    return MOAT_OK;
}

static void msg_seal_moat(size_t which, size_t body_len)
{
    moat_msg_header h = {"dev-a", "dev-b", "telemetry", 1, 1700000000};
    size_t n = 0;
    moat_err e = moat_msg_seal(&g.signer, &h, &gm.rcpt_pub, gm.body, body_len, msg_entropy,
                               NULL, gm.seal_work, sizeof(gm.seal_work), gm.msg[which],
                               sizeof(gm.msg[which]), &n);
    if (e != MOAT_OK) {
        fail("moat_msg_seal", e);
    }
    g.sink += (uint32_t)n;
}

/* Opening includes a fresh (empty) replay window each time, read from the
 * RAM port: one record read before and one record write inside. */
static void msg_open_moat(size_t which)
{
    size_t n = 0;
    moat_err e;
    gm.rec_present = 0;
    e = moat_msg_replay_open(&gm.replay, &gm.port, MOAT_MSG_DEFAULT_REPLAY_RECORD);
    if (e == MOAT_OK) {
        e = moat_msg_open(&gm.rx, gm.msg[which], gm.msg_len[which], gm.open_work,
                          sizeof(gm.open_work), gm.out_body, sizeof(gm.out_body), &n, NULL);
    }
    if (e != MOAT_OK) {
        fail("moat_msg_open", e);
    }
    g.sink += (uint32_t)n;
}

/* AES-256-GCM over len bytes of gm.jws_buf in place, with 400 bytes of AAD. */
static void msg_raw_gcm(size_t len, int encrypt)
{
    union {
        const br_block_ctr_class *vtable;
        br_aes_ct_ctr_keys ct;
        br_aes_x86ni_ctr_keys ni;
    } keys;
    const br_block_ctr_class *vt = br_aes_x86ni_ctr_get_vtable();
    br_ghash gh = br_ghash_pclmul_get();
    br_gcm_context gc;
    unsigned char tag[16];
    if (vt == NULL) {
        vt = &br_aes_ct_ctr_vtable;
    }
    if (gh == 0) {
        gh = br_ghash_ctmul64;
    }
    vt->init(&keys.vtable, gm.cek, sizeof(gm.cek));
    br_gcm_init(&gc, &keys.vtable, gh);
    br_gcm_reset(&gc, gm.iv, sizeof(gm.iv));
    br_gcm_aad_inject(&gc, gm.msg[0], 400);
    br_gcm_flip(&gc);
    br_gcm_run(&gc, encrypt, gm.jws_buf, len);
    br_gcm_get_tag(&gc, tag);
    g.sink += tag[0];
}

/* Z = X(d * Q) and the Concat KDF's single SHA-256. */
static void msg_raw_agree(const unsigned char *x)
{
    unsigned char q[65];
    br_sha256_context c;
    const br_ec_impl *impl = br_ec_get_default();
    memcpy(q, gm.rcpt_q, sizeof(q));
    if (impl->mul(q, sizeof(q), x, 32, BR_EC_secp256r1) != 1u) {
        fail("br mul", MOAT_ERR_INTERNAL);
    }
    br_sha256_init(&c);
    br_sha256_update(&c, q + 1, 32);
    br_sha256_update(&c, "A256GCM", 7);
    br_sha256_out(&c, gm.cek);
}

/* raw seal: ephemeral key (mulgen) + ECDH + KDF + SHA-256 and ECDSA sign of
 * the JWS signing input + AES-256-GCM over the JWS. */
static void msg_seal_raw(size_t which)
{
    unsigned char pub[65];
    unsigned char h[32];
    br_sha256_context c;
    br_ec_public_key pk;
    if (br_ec_compute_pub(br_ec_get_default(), &pk, pub, &gm.eph_sk) != 65u) {
        fail("br_ec_compute_pub", MOAT_ERR_INTERNAL);
    }
    msg_raw_agree(gm.eph_x);
    br_sha256_init(&c);
    br_sha256_update(&c, gm.jws_buf, gm.jws_len[which] - 87u);
    br_sha256_out(&c, h);
    if (br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &g.br_sk,
                              gm.raw_sig) != 64u) {
        fail("br_ecdsa_i31_sign_raw", MOAT_ERR_INTERNAL);
    }
    msg_raw_gcm(gm.jws_len[which], 1);
}

/* raw open: ECDH + KDF + AES-256-GCM over the JWS + SHA-256 and ECDSA
 * verify of the signing input. */
static void msg_open_raw(size_t which)
{
    unsigned char h[32];
    br_sha256_context c;
    msg_raw_agree(gm.rcpt_x);
    msg_raw_gcm(gm.jws_len[which], 0);
    br_sha256_init(&c);
    br_sha256_update(&c, gm.jws_buf, gm.jws_len[which] - 87u);
    br_sha256_out(&c, h);
    g.sink += br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, 32, &g.br_pk, gm.raw_sig, 64);
}

static void op_msg_seal64_moat(void) { msg_seal_moat(0, BENCH_MSG_SMALL); }
static void op_msg_seal1k_moat(void) { msg_seal_moat(1, BENCH_MSG_LARGE); }
static void op_msg_open64_moat(void) { msg_open_moat(0); }
static void op_msg_open1k_moat(void) { msg_open_moat(1); }
static void op_msg_seal64_raw(void) { msg_seal_raw(0); }
static void op_msg_seal1k_raw(void) { msg_seal_raw(1); }
static void op_msg_open64_raw(void) { msg_open_raw(0); }
/* seal + the verification of the fresh signature moat's signer does. */
static void op_msg_seal64_checked_raw(void)
{
    unsigned char h[32];
    br_sha256_context c;
    msg_seal_raw(0);
    br_sha256_init(&c);
    br_sha256_update(&c, gm.jws_buf, gm.jws_len[0] - 87u);
    br_sha256_out(&c, h);
    g.sink += br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, 32, &g.br_pk, gm.raw_sig, 64);
}
static void op_msg_open1k_raw(void) { msg_open_raw(1); }

static int msg_key(const char *label, unsigned char x[32], moat_ec_private_key *priv)
{
    moat_err e = moat_hash(MOAT_HASH_SHA256, label, strlen(label), x);
    if (e == MOAT_OK) {
        e = moat_ec_private_from_scalar(MOAT_CURVE_P256, x, 32, priv);
    }
    if (e != MOAT_OK) {
        fail("msg key", e);
        return -1;
    }
    return 0;
}

static int setup_msg(void)
{
    moat_ec_private_key eph;
    static const size_t sizes[2] = {BENCH_MSG_SMALL, BENCH_MSG_LARGE};
    size_t i, n = 0;
    moat_err e;

    for (i = 0; i < sizeof(gm.body); ++i) {
        gm.body[i] = (uint8_t)(i * 13u + 5u);
    }
    if (msg_key("moat-bench recipient", gm.rcpt_x, &gm.rcpt) != 0 ||
        msg_key("moat-bench ephemeral", gm.eph_x, &eph) != 0) {
        return -1;
    }
    moat_ec_private_wipe(&eph);
    gm.eph_sk.curve = BR_EC_secp256r1;
    gm.eph_sk.x = gm.eph_x;
    gm.eph_sk.xlen = 32;
    e = moat_ec_public_from_private(&gm.rcpt, &gm.rcpt_pub);
    if (e == MOAT_OK) {
        e = moat_jwe_decrypter_from_private(&gm.dec, &gm.rcpt);
    }
    gm.dir[0].id = "dev-a";
    if (e == MOAT_OK) {
        e = moat_jwk_from_public(&g.pub, &gm.dir[0].key);
    }
    if (e != MOAT_OK) {
        fail("msg setup", e);
        return -1;
    }
    memcpy(gm.rcpt_q, gm.rcpt_pub.q, 65);
    gm.ops.abi_version = MOAT_PORT_ABI_VERSION;
    gm.ops.entropy = msg_entropy;
    gm.ops.record_read = msg_rec_read;
    gm.ops.record_write = msg_rec_write;
    gm.port.ops = &gm.ops;
    gm.port.ctx = NULL;
    gm.rx.me = "dev-b";
    gm.rx.key = &gm.dec;
    gm.rx.directory = gm.dir;
    gm.rx.directory_count = 1;
    gm.rx.types = gm_types;
    gm.rx.type_count = 1;
    gm.rx.replay = &gm.replay;
    for (i = 0; i < 2u; ++i) {
        msg_seal_moat(i, sizes[i]);
        if (g.failed) {
            return -1;
        }
        gm.msg_len[i] = strlen(gm.msg[i]);
        e = moat_jwe_decrypt(gm.msg[i], gm.msg_len[i], &gm.dec, NULL, gm.jws_buf,
                             sizeof(gm.jws_buf), &n);
        if (e != MOAT_OK || n < 100u) {
            fail("msg setup decrypt", e);
            return -1;
        }
        gm.jws_len[i] = n;
    }
    /* The raw open verifies a BearSSL signature over the 1 KiB signing input. */
    msg_seal_raw(1);
    return g.failed ? -1 : 0;
}

/* --------------------------------------------------- TLS channel (issue 6) */

#include "moat/tls.h"

/** One direction of the in-process pipe of the TLS bench. */
#define BENCH_TLS_PIPE 16384u
/** Most handshake steps per side before the bench gives up. */
#define BENCH_TLS_STEPS 32

typedef struct bench_tls_pipe {
    uint8_t d[BENCH_TLS_PIPE];
    size_t len, off;
} bench_tls_pipe;

typedef struct bench_tls_side {
    moat_tls_ctx tls;
    moat_tls_config cfg;
    moat_tls_io io;
    bench_tls_pipe *in, *out;
    uint8_t io_buf[MOAT_TLS_BUFFER_SIZE];
    uint8_t peer[MOAT_TLS_PEER_CHAIN_SIZE];
    moat_x509_verify_work work;
    moat_x509_store store;
    const uint8_t *chain[1];
    size_t chain_len[1];
} bench_tls_side;

/** TLS bench material: CA (0), server (1) and client (2) identities, both
 *  endpoints, and the raw baseline's BearSSL forms of the same keys. */
typedef struct bench_tls {
    moat_ec_private_key key[3];
    moat_signer signer[3];
    uint8_t der[3][BENCH_CERT_CAP];
    size_t len[3];
    bench_tls_pipe c2s, s2c;
    bench_tls_side c, s;
    unsigned char x[2][32];           /* server, client private scalars */
    br_ec_private_key sk[2];
    unsigned char q[3][65];           /* CA, server, client public points */
    br_ec_public_key pk[3];
    unsigned char eph[2][32];         /* fixed ephemeral scalars (raw ECDHE) */
    unsigned char hash[32];           /* stands for the handshake hash */
    const unsigned char *tbs[2];      /* server and client TBSCertificate */
    size_t tbs_len[2];
    const unsigned char *csig[2];     /* their signatures (DER) */
    size_t csig_len[2];
    unsigned char hsig[2][80];        /* a handshake signature per side */
    size_t hsig_len[2];
} bench_tls;

static bench_tls *gt; /* ~190 KiB: heap, set up once */

/* helpers defined further down, with the X.509 and attestation set-up */
static moat_err bench_label_key(const char *label, moat_ec_private_key *priv);
static moat_err bench_rng(void *ctx, uint8_t *out, size_t len);
static void bench_br_pub(const moat_ec_public_key *pub, unsigned char q[65],
                         br_ec_public_key *pk);

static const uint8_t k_bench_tls_server_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t k_bench_tls_client_auth[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};

static moat_err bench_tls_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms,
                               size_t *got)
{
    bench_tls_side *sd = ctx;
    bench_tls_pipe *p = sd->in;
    size_t n = p->len - p->off;

    (void)timeout_ms;
    *got = 0;
    if (n == 0) {
        return MOAT_ERR_TLS_WOULD_BLOCK;
    }
    if (n > len) {
        n = len;
    }
    memcpy(buf, p->d + p->off, n);
    p->off += n;
    if (p->off == p->len) {
        p->off = p->len = 0;
    }
    *got = n;
    return MOAT_OK;
}

static moat_err bench_tls_write(void *ctx, const uint8_t *buf, size_t len,
                                uint32_t timeout_ms, size_t *sent)
{
    bench_tls_side *sd = ctx;
    bench_tls_pipe *p = sd->out;
    size_t n = BENCH_TLS_PIPE - p->len;

    (void)timeout_ms;
    *sent = 0;
    if (n == 0) {
        return MOAT_ERR_TLS_WOULD_BLOCK;
    }
    if (n > len) {
        n = len;
    }
    memcpy(p->d + p->len, buf, n);
    p->len += n;
    *sent = n;
    return MOAT_OK;
}

/* A full mutual-auth handshake between a moat client and a moat server
 * (ECDHE-ECDSA P-256, AES-128-GCM), both stepped in turn over the pipe. */
static void op_tls_handshake_moat(void)
{
    moat_err ec, es;
    int i;

    gt->c2s.len = gt->c2s.off = 0;
    gt->s2c.len = gt->s2c.off = 0;
    ec = moat_tls_init(&gt->c.tls, &gt->c.cfg, &gt->c.io);
    es = moat_tls_init(&gt->s.tls, &gt->s.cfg, &gt->s.io);
    if (ec == MOAT_OK && es == MOAT_OK) {
        ec = es = MOAT_ERR_TLS_WOULD_BLOCK;
    }
    for (i = 0; i < BENCH_TLS_STEPS &&
                (ec == MOAT_ERR_TLS_WOULD_BLOCK || es == MOAT_ERR_TLS_WOULD_BLOCK);
         ++i) {
        if (ec == MOAT_ERR_TLS_WOULD_BLOCK) {
            ec = moat_tls_handshake(&gt->c.tls);
        }
        if (es == MOAT_ERR_TLS_WOULD_BLOCK) {
            es = moat_tls_handshake(&gt->s.tls);
        }
    }
    if (ec != MOAT_OK || es != MOAT_OK) {
        fail("TLS handshake", ec != MOAT_OK ? ec : es);
    }
    g.sink += (uint32_t)gt->c2s.len;
}

/* The same public-key cryptography with BearSSL directly: two ECDHE key
 * pairs and shared secrets, the two handshake signatures (ServerKeyExchange,
 * CertificateVerify), their two verifications, and the verification of
 * each leaf's certificate signature by the CA (SHA-256 of the TBS). */
static void op_tls_handshake_raw(void)
{
    const br_ec_impl *ec = br_ec_get_default();
    unsigned char qa[65], qb[65], sig[2][80], h[32];
    size_t sl[2], k;
    br_sha256_context c;
    uint32_t ok = 1;

    ok &= ec->mulgen(qa, gt->eph[0], 32, BR_EC_secp256r1) == 65;
    ok &= ec->mulgen(qb, gt->eph[1], 32, BR_EC_secp256r1) == 65;
    ok &= ec->mul(qa, 65, gt->eph[1], 32, BR_EC_secp256r1);
    ok &= ec->mul(qb, 65, gt->eph[0], 32, BR_EC_secp256r1);
    for (k = 0; k < 2; ++k) {
        sl[k] = br_ecdsa_i31_sign_asn1(ec, &br_sha256_vtable, gt->hash, &gt->sk[k], sig[k]);
        ok &= sl[k] != 0;
    }
    for (k = 0; k < 2; ++k) {
        ok &= br_ecdsa_i31_vrfy_asn1(ec, gt->hash, 32, &gt->pk[1 + k], sig[k], sl[k]);
        br_sha256_init(&c);
        br_sha256_update(&c, gt->tbs[k], gt->tbs_len[k]);
        br_sha256_out(&c, h);
        ok &= br_ecdsa_i31_vrfy_asn1(ec, h, 32, &gt->pk[0], gt->csig[k], gt->csig_len[k]);
    }
    if (!ok) {
        fail("raw TLS-equivalent cryptography", MOAT_ERR_INTERNAL);
    }
    g.sink += qa[1] ^ qb[1];
}

/* The same + the verification of each fresh signature that moat's signer
 * does (its fault check): the work moat does by design. */
static void op_tls_handshake_checked_raw(void)
{
    const br_ec_impl *ec = br_ec_get_default();
    size_t k;
    uint32_t ok = 1;

    op_tls_handshake_raw();
    for (k = 0; k < 2; ++k) {
        ok &= br_ecdsa_i31_vrfy_asn1(ec, gt->hash, 32, &gt->pk[1 + k], gt->hsig[k],
                                     gt->hsig_len[k]);
    }
    if (!ok) {
        fail("raw TLS-equivalent cryptography (checked)", MOAT_ERR_INTERNAL);
    }
}

static void bench_tls_free(void)
{
    size_t i;

    if (gt == NULL) {
        return;
    }
    for (i = 0; i < 3u; ++i) {
        moat_ec_private_wipe(&gt->key[i]);
    }
    moat_wipe(gt, sizeof(*gt));
    free(gt);
    gt = NULL;
}

static void bench_tls_side_init(bench_tls_side *sd, moat_tls_role role, size_t id,
                                bench_tls_pipe *in, bench_tls_pipe *out)
{
    memset(&sd->cfg, 0, sizeof(sd->cfg));
    sd->chain[0] = gt->der[id];
    sd->chain_len[0] = gt->len[id];
    sd->cfg.role = role;
    sd->cfg.chain = sd->chain;
    sd->cfg.chain_lens = sd->chain_len;
    sd->cfg.chain_count = 1;
    sd->cfg.signer = &gt->signer[id];
    sd->cfg.store = &sd->store;
    if (role == MOAT_TLS_CLIENT) {
        sd->cfg.peer_name = "bench.tls";
    } else {
        sd->cfg.require_client_cert = true;
    }
    sd->cfg.now = BENCH_X509_NOW;
    sd->cfg.suites = MOAT_TLS_SUITE_ECDHE_ECDSA_AES128_GCM;
    sd->cfg.rng = bench_rng;
    sd->cfg.io_buf = sd->io_buf;
    sd->cfg.io_buf_len = sizeof(sd->io_buf);
    sd->cfg.peer_chain_buf = sd->peer;
    sd->cfg.peer_chain_len = sizeof(sd->peer);
    sd->cfg.work = &sd->work;
    sd->in = in;
    sd->out = out;
    sd->io.read = bench_tls_read;
    sd->io.write = bench_tls_write;
    sd->io.ctx = sd;
    sd->io.timeout_ms = 1000;
}

static int setup_tls(void)
{
    static const char *const labels[3] = {"moat-bench TLS CA", "moat-bench TLS server",
                                          "moat-bench TLS client"};
    static const char *const cns[3] = {"Bench TLS CA", "bench.tls", "Bench TLS client"};
    moat_x509_issue_params p;
    moat_x509_cert cert;
    uint8_t serial[1];
    size_t i;
    moat_err e = MOAT_OK;

    gt = calloc(1, sizeof(*gt));
    if (gt == NULL) {
        fail("malloc", MOAT_ERR_OUT_OF_MEMORY);
        return -1;
    }
    atexit(bench_tls_free);
    for (i = 0; e == MOAT_OK && i < 3u; ++i) {
        e = bench_label_key(labels[i], &gt->key[i]);
        if (e == MOAT_OK) {
            e = moat_signer_from_private(&gt->signer[i], &gt->key[i]);
        }
        if (e != MOAT_OK) {
            break;
        }
        memset(&p, 0, sizeof(p));
        serial[0] = (uint8_t)(0x41u + i);
        p.serial.ptr = serial;
        p.serial.len = 1;
        p.not_before = BENCH_X509_NOT_BEFORE;
        p.not_after = BENCH_X509_NOT_AFTER;
        p.subject.count = 1;
        p.subject.type[0] = MOAT_X509_ATTR_CN;
        p.subject.value[0] = cns[i];
        p.issuer.count = 1;
        p.issuer.type[0] = MOAT_X509_ATTR_CN;
        p.issuer.value[0] = cns[0];
        p.subject_key = &gt->signer[i].pub;
        p.ext.basic_constraints = true;
        p.ext.is_ca = i == 0u;
        p.ext.path_len = -1;
        p.ext.key_usage = i == 0u ? MOAT_X509_KU_KEY_CERT_SIGN : MOAT_X509_KU_DIGITAL_SIGNATURE;
        p.ext.ski = true;
        if (i > 0u) {
            p.ext.eku_count = 1;
            p.ext.eku[0].ptr = i == 1u ? k_bench_tls_server_auth : k_bench_tls_client_auth;
            p.ext.eku[0].len = sizeof(k_bench_tls_server_auth);
        }
        if (i == 1u) {
            p.ext.san_count = 1;
            p.ext.san[0].type = MOAT_X509_GN_DNS;
            p.ext.san[0].value.ptr = (const uint8_t *)"bench.tls";
            p.ext.san[0].value.len = 9;
        }
        e = moat_x509_issue(&p, &gt->signer[0], gt->der[i], sizeof(gt->der[i]), &gt->len[i]);
    }
    for (i = 0; e == MOAT_OK && i < 2u; ++i) {
        bench_tls_side *sd = i == 0u ? &gt->c : &gt->s;
        e = moat_x509_store_init(&sd->store, NULL, 0);
        if (e == MOAT_OK) {
            e = moat_x509_store_add(&sd->store, gt->der[0], gt->len[0]);
        }
    }
    if (e != MOAT_OK) {
        fail("TLS bench setup", e);
        return -1;
    }
    bench_tls_side_init(&gt->c, MOAT_TLS_CLIENT, 2, &gt->s2c, &gt->c2s);
    bench_tls_side_init(&gt->s, MOAT_TLS_SERVER, 1, &gt->c2s, &gt->s2c);

    /* raw baseline: the same keys in BearSSL form, the leaves' TBS */
    for (i = 0; i < 3u; ++i) {
        bench_br_pub(&gt->signer[i].pub, gt->q[i], &gt->pk[i]);
    }
    for (i = 0; i < 2u; ++i) {
        memcpy(gt->x[i], gt->key[1 + i].d, 32);
        gt->sk[i].curve = BR_EC_secp256r1;
        gt->sk[i].x = gt->x[i];
        gt->sk[i].xlen = 32;
        memset(gt->eph[i], 0x5A + (int)i, 32);
        gt->eph[i][0] = 0x01;
        e = moat_x509_parse(gt->der[1 + i], gt->len[1 + i], &cert);
        if (e != MOAT_OK) {
            fail("TLS bench setup (parse)", e);
            return -1;
        }
        gt->tbs[i] = cert.tbs.ptr;
        gt->tbs_len[i] = cert.tbs.len;
        gt->csig[i] = cert.sig.ptr;
        gt->csig_len[i] = cert.sig.len;
    }
    memset(gt->hash, 0x3C, sizeof(gt->hash));
    for (i = 0; i < 2u; ++i) {
        gt->hsig_len[i] = br_ecdsa_i31_sign_asn1(br_ec_get_default(), &br_sha256_vtable,
                                                 gt->hash, &gt->sk[i], gt->hsig[i]);
    }
    op_tls_handshake_moat(); /* must succeed once before timing */
    op_tls_handshake_raw();
    return g.failed ? -1 : 0;
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
    {"dice_layer", "one DICE layer (CDIs, 2 key pairs from seeds, IDs, CDI certificate); "
     "raw = one ECDSA P-256 sign", op_dice_layer_moat, op_ecdsa_sign_raw},
    {"dice_layer_equiv", "the same; raw = 2 br_ec_compute_pub + SHA-256 + sign + verify",
     op_dice_layer_moat, op_dice_layer_equiv_raw},
    {"eat_issue", "EAT evidence issuing (claims, x5c of 4, ES256); raw = SHA-256 + sign",
     op_eat_issue_moat, op_eat_sign_raw},
    {"eat_issue_checked", "the same; raw = SHA-256 + sign + verify (moat's fault check)",
     op_eat_issue_moat, op_eat_sign_checked_raw},
    {"eat_verify_appraise", "EAT verify (chain of 4 to the anchor, claims, nonce) + "
     "appraisal; raw = 5 x (SHA-256 + ECDSA verify)", op_eat_verify_appraise_moat,
     op_eat_verify_raw},
    {"update_verify_stage_1mib", "update: manifest verify (1 signature) + stage 1 MiB (4 KiB "
     "chunks, in-memory port); raw = SHA-256 over 1 MiB + one ECDSA verify",
     op_update_stage_moat, op_update_stage_raw},
    {"update_verify_stage_equiv", "the same; raw = ECDSA verify + erase + hash-and-copy + "
     "re-read and re-hash (the same work by hand)", op_update_stage_moat,
     op_update_stage_equiv_raw},
    {"update_manifest_verify", "update manifest verify, 2-of-2 targets signatures; raw = 2 x "
     "(SHA-256 + ECDSA verify) over the same signing inputs", op_update_manifest_moat,
     op_update_manifest_raw},
    {"msg_seal_64", "sealed message seal, 64-byte body (JWS ES256 in JWE ECDH-ES+A256GCM); "
     "raw = mulgen + ECDH + KDF + SHA-256/sign + AES-256-GCM", op_msg_seal64_moat,
     op_msg_seal64_raw},
    {"msg_seal_1k", "the same, 1 KiB body", op_msg_seal1k_moat, op_msg_seal1k_raw},
    {"msg_seal_64_checked", "seal 64 B; raw = the same + ECDSA verify (moat's fault check)",
     op_msg_seal64_moat, op_msg_seal64_checked_raw},
    {"msg_open_64", "sealed message open + replay window (RAM port), 64-byte body; raw = "
     "ECDH + KDF + AES-256-GCM + SHA-256/verify", op_msg_open64_moat, op_msg_open64_raw},
    {"msg_open_1k", "the same, 1 KiB body", op_msg_open1k_moat, op_msg_open1k_raw},
    {"tls_handshake_mutual", "TLS 1.2 mutual-auth handshake, ECDHE-ECDSA P-256 AES-128-GCM, "
     "moat client + moat server over a memory pipe; raw = 2 x (ECDHE keygen + derive) + "
     "2 ECDSA signs + 4 ECDSA verifies (2 handshake signatures, 2 leaf certificates)",
     op_tls_handshake_moat, op_tls_handshake_raw},
    {"tls_handshake_checked", "the same; raw = the same + 2 ECDSA verifies (moat's "
     "signer fault check on each side)", op_tls_handshake_moat, op_tls_handshake_checked_raw},
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

/* A fixed P-256 key from a label (as setup()). */
static moat_err bench_label_key(const char *label, moat_ec_private_key *priv)
{
    uint8_t d[32];
    moat_err e = moat_hash(MOAT_HASH_SHA256, label, strlen(label), d);
    if (e == MOAT_OK) {
        e = moat_ec_private_from_scalar(MOAT_CURVE_P256, d, sizeof(d), priv);
    }
    moat_wipe(d, sizeof(d));
    return e;
}

/* Deterministic "entropy" for the bench nonce (not a secret here). */
static moat_err bench_rng(void *ctx, uint8_t *out, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; ++i) {
        out[i] = (uint8_t)(0xA7u ^ (i * 29u));
    }
    return MOAT_OK;
}

static void bench_br_pub(const moat_ec_public_key *pub, unsigned char q[65],
                         br_ec_public_key *pk)
{
    memcpy(q, pub->q, 65);
    pk->curve = BR_EC_secp256r1;
    pk->q = q;
    pk->qlen = 65;
}

static int setup_attest(void)
{
    static const uint8_t serial[1] = {0x01};
    static moat_x509_cert cert;
    static const uint8_t hwmodel[] = "bench-model";
    moat_x509_issue_params p;
    moat_dice_input in1;
    moat_dice_tcb_info tcb;
    moat_ec_private_key k;
    moat_ec_public_key pub;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    uint8_t csr[MOAT_DICE_CSR_MAX];
    size_t csr_len = 0, i, n = 0;
    char hw64[64], fw64[128], bl64[128];
    const char *dot;
    moat_err e;

    memset(&ga, 0, sizeof(ga));
    /* Manufacturer CA. */
    e = bench_label_key("moat-bench manufacturer CA", &ga.ca_priv);
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&ga.ca_signer, &ga.ca_priv);
    }
    if (e == MOAT_OK) {
        memset(&p, 0, sizeof(p));
        p.serial.ptr = serial;
        p.serial.len = sizeof(serial);
        p.not_before = BENCH_X509_NOT_BEFORE;
        p.not_after = BENCH_X509_NOT_AFTER;
        p.subject.count = 2;
        p.subject.type[0] = MOAT_X509_ATTR_O;
        p.subject.value[0] = "moat bench";
        p.subject.type[1] = MOAT_X509_ATTR_CN;
        p.subject.value[1] = "Bench Manufacturer CA";
        p.issuer = p.subject;
        p.subject_key = &ga.ca_signer.pub;
        p.ext.basic_constraints = true;
        p.ext.is_ca = true;
        p.ext.path_len = -1;
        p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN;
        p.ext.ski = true;
        e = moat_x509_issue(&p, &ga.ca_signer, ga.ca, sizeof(ga.ca), &ga.ca_len);
    }
    /* The device: fixed UDS, DeviceID certificate, two layers, alias. */
    for (i = 0; i < sizeof(uds); ++i) {
        uds[i] = (uint8_t)(0x3Cu + i);
    }
    if (e == MOAT_OK) {
        e = moat_dice_device_id_csr(uds, sizeof(uds), csr, sizeof(csr), &csr_len);
    }
    if (e == MOAT_OK) {
        e = moat_dice_device_id_certify(csr, csr_len, ga.ca, ga.ca_len, &ga.ca_signer, serial,
                                        sizeof(serial), BENCH_X509_NOT_BEFORE,
                                        BENCH_X509_NOT_AFTER, ga.cert[3], sizeof(ga.cert[3]),
                                        &ga.cert_len[3]);
    }
    memset(&in1, 0, sizeof(in1));
    memset(in1.code_hash, 0x11, sizeof(in1.code_hash));
    memset(in1.authority_hash, 0x22, sizeof(in1.authority_hash));
    in1.mode = MOAT_DICE_MODE_NORMAL;
    in1.profile_name = "moat.bench";
    ga.in2 = in1;
    memset(ga.in2.code_hash, 0x33, sizeof(ga.in2.code_hash));
    if (e == MOAT_OK) {
        e = moat_dice_layer_from_uds(uds, sizeof(uds), &in1, &ga.l1, ga.cert[2],
                                     sizeof(ga.cert[2]), &ga.cert_len[2]);
    }
    moat_wipe(uds, sizeof(uds));
    if (e == MOAT_OK) {
        e = moat_dice_layer(&ga.l1, &ga.in2, &ga.next, ga.cert[1], sizeof(ga.cert[1]),
                            &ga.cert_len[1]);
    }
    /* The TcbInfo's fwid and the token's measurement: the code hash the
     * layer-1 CDI certificate certifies for layer 2 (the verifier binds them). */
    memcpy(ga.fw, ga.in2.code_hash, sizeof(ga.fw));
    memset(&tcb, 0, sizeof(tcb));
    tcb.present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_MODEL | MOAT_DICE_TCB_VERSION |
                  MOAT_DICE_TCB_SVN | MOAT_DICE_TCB_FWIDS;
    strcpy(tcb.vendor, "moat");
    strcpy(tcb.model, "bench-model");
    strcpy(tcb.version, "1.0.0");
    tcb.svn = 3;
    tcb.fwid_count = 1;
    tcb.fwids[0].alg = MOAT_HASH_SHA512;
    memcpy(tcb.fwids[0].digest, ga.fw, sizeof(ga.fw));
    tcb.fwids[0].digest_len = sizeof(ga.fw);
    if (e == MOAT_OK) {
        e = moat_dice_alias_cert(&ga.next, &tcb, ga.cert[0], sizeof(ga.cert[0]),
                                 &ga.cert_len[0]);
    }
    if (e == MOAT_OK) {
        e = moat_dice_alias_keypair(&ga.next, &ga.alias_priv, NULL);
    }
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&ga.alias_signer, &ga.alias_priv);
    }
    if (e != MOAT_OK) {
        fail("attestation bench setup (DICE)", e);
        return -1;
    }
    for (i = 0; i < BENCH_CHAIN; ++i) {
        ga.x5c[i] = ga.cert[i];
    }
    memcpy(ga.alias_x, ga.alias_priv.d, sizeof(ga.alias_x));
    ga.alias_sk.curve = BR_EC_secp256r1;
    ga.alias_sk.x = ga.alias_x;
    ga.alias_sk.xlen = sizeof(ga.alias_x);
    bench_br_pub(&ga.alias_signer.pub, ga.alias_q, &ga.alias_pk);

    /* The verifier's nonce and the device's claims. */
    e = moat_nonce_store_init(&ga.nonces);
    if (e == MOAT_OK) {
        e = moat_x509_parse(ga.cert[3], ga.cert_len[3], &cert);
    }
    if (e == MOAT_OK) {
        e = moat_eat_ueid(&cert.ec_key, ga.claims.ueid);
    }
    if (e == MOAT_OK) {
        e = moat_nonce_issue(&ga.nonces, bench_rng, NULL, ga.claims.ueid, BENCH_X509_NOW, 600,
                             ga.nonce);
    }
    ga.nonces_snapshot = ga.nonces;
    ga.meas.name = "firmware";
    ga.meas.version = "1.0.0";
    ga.meas.has_svn = true;
    ga.meas.svn = 3;
    ga.meas.alg = MOAT_HASH_SHA512;
    ga.meas.digest = ga.fw;
    ga.claims.nonce = ga.nonce;
    ga.claims.nonce_len = sizeof(ga.nonce);
    ga.claims.oemid_pen = 32473;
    ga.claims.hwmodel = hwmodel;
    ga.claims.hwmodel_len = sizeof(hwmodel) - 1u;
    ga.claims.swname = "bench-fw";
    ga.claims.swversion = "1.0.0";
    ga.claims.dbgstat = MOAT_EAT_DBG_DISABLED_PERMANENTLY;
    ga.claims.measurement_count = 1;
    ga.claims.measurements = &ga.meas;
    ga.claims.iat = BENCH_X509_NOW;
    if (e == MOAT_OK) {
        e = moat_eat_issue(&ga.claims, &ga.alias_signer, ga.x5c, ga.cert_len, BENCH_CHAIN,
                           ga.issue_work, sizeof(ga.issue_work), ga.token, sizeof(ga.token),
                           &ga.token_len);
    }
    if (e != MOAT_OK) {
        fail("attestation bench setup (evidence)", e);
        return -1;
    }
    dot = strrchr(ga.token, '.');
    if (dot == NULL) {
        fail("token shape", MOAT_ERR_JOSE_FORMAT);
        return -1;
    }
    ga.signing_input_len = (size_t)(dot - ga.token);

    /* The verifier: anchor, policy, workspaces, reference values. */
    e = moat_x509_store_init(&ga.store, NULL, 0);
    if (e == MOAT_OK) {
        e = moat_x509_store_add(&ga.store, ga.ca, ga.ca_len);
    }
    ga.policy.store = &ga.store;
    ga.policy.nonces = &ga.nonces;
    ga.policy.now = BENCH_X509_NOW;
    ga.policy.iat_max_age = 300;
    ga.policy.iat_skew = 60;
    ga.policy.dbgstat_allowed = MOAT_EAT_DBG_PRODUCTION;
    ga.verify_work_size = moat_eat_verify_work_size();
    ga.appraise_work_size = moat_attest_appraise_work_size();
    ga.verify_work = malloc(ga.verify_work_size);
    ga.appraise_work = malloc(ga.appraise_work_size);
    if (e == MOAT_OK && (ga.verify_work == NULL || ga.appraise_work == NULL)) {
        e = MOAT_ERR_OUT_OF_MEMORY;
    }
    if (e == MOAT_OK) {
        e = moat_b64url_encode(hwmodel, sizeof(hwmodel) - 1u, hw64, sizeof(hw64), &n);
    }
    if (e == MOAT_OK) {
        e = moat_b64url_encode(ga.fw, sizeof(ga.fw), fw64, sizeof(fw64), &n);
    }
    if (e == MOAT_OK) {
        e = moat_b64url_encode(in1.code_hash, sizeof(in1.code_hash), bl64, sizeof(bl64), &n);
    }
    if (e == MOAT_OK) {
        int w = snprintf(ga.refvals, sizeof(ga.refvals),
                         "{\"moat_refvals\":1,\"models\":[{\"hwmodel\":\"%s\","
                         "\"dbgstat\":[\"disabled-permanently\"],\"boot_layers\":[[\"%s\"]],"
                         "\"components\":[{\"name\":\"firmware\",\"digests\":[[\"sha-512\","
                         "\"%s\"]],\"versions\":[\"1.0.0\"],\"min_svn\":2}]}]}", hw64, bl64,
                         fw64);
        if (w <= 0 || (size_t)w >= sizeof(ga.refvals)) {
            e = MOAT_ERR_BUFFER_TOO_SMALL;
        } else {
            ga.refvals_len = (size_t)w;
        }
    }
    if (e != MOAT_OK) {
        fail("attestation bench setup (verifier)", e);
        return -1;
    }

    /* Raw verification baseline: the token signature under the alias key,
     * then each certificate's signature under its issuer's key. */
    ga.vdata[0] = (const uint8_t *)ga.token;
    ga.vdata_len[0] = ga.signing_input_len;
    e = moat_b64url_decode(dot + 1, ga.token_len - ga.signing_input_len - 1u, ga.token_sig,
                           sizeof(ga.token_sig), &n);
    if (e == MOAT_OK && n != sizeof(ga.token_sig)) {
        e = MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    ga.vsig[0] = ga.token_sig;
    ga.vsig_len[0] = sizeof(ga.token_sig);
    bench_br_pub(&ga.alias_signer.pub, ga.vq[0], &ga.vkey[0]);
    for (i = 0; e == MOAT_OK && i < BENCH_CHAIN; ++i) {
        /* certificate i is signed by the key of certificate i + 1 (the CA
         * for the DeviceID certificate) */
        const uint8_t *issuer = i + 1u < BENCH_CHAIN ? ga.cert[i + 1u] : ga.ca;
        size_t issuer_len = i + 1u < BENCH_CHAIN ? ga.cert_len[i + 1u] : ga.ca_len;
        e = moat_x509_parse(issuer, issuer_len, &cert);
        if (e == MOAT_OK) {
            bench_br_pub(&cert.ec_key, ga.vq[i + 1u], &ga.vkey[i + 1u]);
            e = moat_x509_parse(ga.cert[i], ga.cert_len[i], &cert);
        }
        if (e == MOAT_OK) {
            ga.vdata[i + 1u] = cert.tbs.ptr;
            ga.vdata_len[i + 1u] = cert.tbs.len;
            ga.vsig[i + 1u] = cert.sig.ptr;
            ga.vsig_len[i + 1u] = cert.sig.len;
        }
    }
    /* Raw equivalent of a layer: the two CDI key pairs and the CDI 2 TBS. */
    if (e == MOAT_OK) {
        e = moat_dice_keypair_from_cdi(ga.l1.attest, &k, NULL);
        memcpy(ga.eq_x[0], k.d, 32);
    }
    if (e == MOAT_OK) {
        e = moat_dice_keypair_from_cdi(ga.next.attest, &k, &pub);
        memcpy(ga.eq_x[1], k.d, 32);
    }
    moat_ec_private_wipe(&k);
    if (e == MOAT_OK) {
        e = moat_x509_parse(ga.cert[1], ga.cert_len[1], &cert);
    }
    if (e == MOAT_OK) {
        ga.eq_tbs = cert.tbs.ptr;
        ga.eq_tbs_len = cert.tbs.len;
        e = moat_dice_keypair_from_cdi(ga.l1.attest, &k, &pub);
        moat_ec_private_wipe(&k);
    }
    if (e != MOAT_OK) {
        fail("attestation bench setup (baselines)", e);
        return -1;
    }
    for (i = 0; i < 2u; ++i) {
        ga.eq_sk[i].curve = BR_EC_secp256r1;
        ga.eq_sk[i].x = ga.eq_x[i];
        ga.eq_sk[i].xlen = 32;
    }
    bench_br_pub(&pub, ga.eq_q, &ga.eq_pk);
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
    if (setup_x509() != 0) {
        return -1;
    }
    if (setup_attest() != 0) {
        return -1;
    }
    if (setup_update() != 0) {
        return -1;
    }
    if (setup_msg() != 0) {
        return -1;
    }
    return setup_tls();
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
    free(gu.image);
    for (k = 0; k <= BENCH_UPD_TKEYS; ++k) {
        moat_ec_private_wipe(&gu.key[k]);
    }
    moat_wipe(gu.signer, sizeof(gu.signer));
    moat_ec_private_wipe(&g.priv);
    moat_wipe(g.br_x, sizeof(g.br_x));
    moat_ec_private_wipe(&gm.rcpt);
    moat_wipe(&gm, sizeof(gm)); /* recipient and ephemeral scalars, CEK */
    for (k = 0; k < BENCH_X509_N; ++k) {
        moat_ec_private_wipe(&gx.key[k]);
    }
    moat_wipe(gx.signer, sizeof(gx.signer));
    moat_ec_private_wipe(&ga.ca_priv);
    moat_ec_private_wipe(&ga.alias_priv);
    free(ga.verify_work);
    free(ga.appraise_work);
    moat_wipe(&ga, sizeof(ga)); /* CDIs, keys and their BearSSL copies */
    return g.failed ? 1 : 0;
}
