/*
 * libFuzzer harness: failure-report tokens. The first input byte selects
 * the entry point (even: moat_report_batch_verify(), service side; odd:
 * moat_report_ack_verify(), device side); the rest is the token.
 *
 * Keys are built at the first call from fixed scalars: the device key
 * (batches) and the service key (acknowledgements), so every run is
 * identical. The seed corpus (fuzz/corpus/report_verify/) was written by
 * this harness itself, from the same keys:
 *   MOAT_FUZZ_WRITE_SEEDS=<dir> ./fuzz_report_verify -runs=0
 * (ECDSA signing is deterministic, RFC 6979, so the seeds reproduce).
 *
 * Properties checked: on failure the batch is all zero and ack_through is
 * 0; on success the batch is consistent (count = last_id - first_id + 1,
 * ids consecutive, kinds named, strings NUL-terminated within their
 * bounds) and ack_through >= 1; the workspace is wiped on return; the same
 * input gives the same verdict twice.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define DEV_ID "fuzz-device"

static const uint8_t k_dev_d[32] = {
    0x51, 0x9b, 0x42, 0x3d, 0x71, 0x5f, 0x8b, 0x58, 0x1f, 0x4f, 0xa8, 0xee, 0x59, 0xf4, 0x77, 0x1a,
    0x5b, 0x44, 0xc8, 0x13, 0x0b, 0x4e, 0x3e, 0xac, 0xca, 0x54, 0xa5, 0x6d, 0xda, 0x72, 0xb4, 0x64};
static const uint8_t k_svc_d[32] = {
    0x0f, 0x56, 0xdb, 0x78, 0xca, 0x46, 0x0b, 0x05, 0x5c, 0x50, 0x00, 0x64, 0x82, 0x4b, 0xed, 0x99,
    0x9a, 0x25, 0xaa, 0xf4, 0x8e, 0xbb, 0x51, 0x9a, 0xc2, 0x01, 0x53, 0x7b, 0x85, 0x47, 0x98, 0x13};

static moat_ec_private_key g_dev_priv, g_svc_priv;
static moat_signer g_dev, g_svc;
static moat_jwk g_svc_jwk;
static uint8_t *g_work;
static int g_ready;

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static void setup(void)
{
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, k_dev_d, 32, &g_dev_priv) == MOAT_OK);
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, k_svc_d, 32, &g_svc_priv) == MOAT_OK);
    check(moat_signer_from_private(&g_dev, &g_dev_priv) == MOAT_OK);
    check(moat_signer_from_private(&g_svc, &g_svc_priv) == MOAT_OK);
    check(moat_jwk_from_public(&g_svc.pub, &g_svc_jwk) == MOAT_OK);
    g_work = malloc(MOAT_REPORT_VERIFY_WORK_SIZE);
    check(g_work != NULL);
    g_ready = 1;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; ++i) {
        if (b[i] != 0u) {
            return 0;
        }
    }
    return 1;
}

static int bounded(const char *s, size_t max)
{
    return memchr(s, '\0', max + 1u) != NULL;
}

static void check_batch(const moat_report_batch *b)
{
    size_t i;
    check(b->count >= 1u && b->count <= MOAT_REPORT_BATCH_MAX);
    check(b->last_id - b->first_id + 1u == b->count);
    check(bounded(b->device, MOAT_REPORT_DEVICE_ID_MAX) && b->device[0] != '\0');
    for (i = 0; i < b->count; ++i) {
        const moat_report_event *e = &b->events[i];
        check(e->id == b->first_id + i);
        check(moat_report_kind_name(e->kind) != NULL);
        check(bounded(e->component, MOAT_REPORT_COMPONENT_MAX) && e->component[0] != '\0');
        check(bounded(e->version, MOAT_REPORT_VERSION_MAX));
        check(e->has_time ? e->boot == 0u : e->time == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static moat_report_batch b1, b2;
    const char *tok;
    size_t len;
    moat_err e1, e2;

    if (!g_ready) {
        setup();
    }
    if (size == 0u) {
        return 0;
    }
    tok = (const char *)(data + 1);
    len = size - 1u;
    if ((data[0] & 1u) == 0u) {
        e1 = moat_report_batch_verify(tok, len, &g_dev.pub, (data[0] & 2u) ? DEV_ID : NULL,
                                      g_work, MOAT_REPORT_VERIFY_WORK_SIZE, &b1);
        check(all_zero(g_work, MOAT_REPORT_VERIFY_WORK_SIZE));
        if (e1 == MOAT_OK) {
            check_batch(&b1);
        } else {
            check(all_zero(&b1, sizeof(b1)));
        }
        e2 = moat_report_batch_verify(tok, len, &g_dev.pub, (data[0] & 2u) ? DEV_ID : NULL,
                                      g_work, MOAT_REPORT_VERIFY_WORK_SIZE, &b2);
        check(e1 == e2);
        check(memcmp(&b1, &b2, sizeof(b1)) == 0);
    } else {
        uint64_t a1 = 77, a2 = 77;
        e1 = moat_report_ack_verify(tok, len, &g_svc_jwk, DEV_ID, &a1);
        check(e1 == MOAT_OK ? (a1 >= 1u && a1 <= MOAT_REPORT_INT_MAX) : a1 == 0u);
        e2 = moat_report_ack_verify(tok, len, &g_svc_jwk, DEV_ID, &a2);
        check(e1 == e2 && a1 == a2);
    }
    return 0;
}

/* ---------------------------------------------------- seed generation */

static void write_seed(const char *dir, const char *name, uint8_t sel, const char *tok)
{
    char path[512];
    FILE *f;
    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    check(f != NULL);
    check(fputc(sel, f) != EOF);
    check(fwrite(tok, 1, strlen(tok), f) == strlen(tok));
    check(fclose(f) == 0);
}

static void sign_claims(const moat_signer *s, const char *typ, const char *claims, char *out,
                        size_t cap)
{
    moat_jws_sign_opts o;
    size_t len = 0;
    memset(&o, 0, sizeof(o));
    o.typ = typ;
    check(moat_jws_sign_compact_ex(s, &o, (const uint8_t *)claims, strlen(claims), out, cap,
                                   &len) == MOAT_OK);
}

#define EV(id, stamp) \
    "{\"id\":" #id ",\"kind\":\"crash\",\"component\":\"app\",\"version\":\"1.0\"," \
    "\"code\":-5,\"" stamp "\":17}"

static void write_seeds(const char *dir)
{
    static char tok[MOAT_REPORT_TOKEN_MAX];
    static char claims[MOAT_REPORT_PAYLOAD_MAX];
    size_t len = 0, off, i;

    sign_claims(&g_dev, MOAT_REPORT_TYP,
                "{\"iss\":\"" DEV_ID "\",\"iat\":1700000000,\"moat_report\":1,\"first_id\":4,"
                "\"last_id\":5,\"dropped\":2,\"events\":[" EV(4, "time") "," EV(5, "boot") "]}",
                tok, sizeof(tok));
    write_seed(dir, "batch_valid", 2, tok);
    write_seed(dir, "batch_valid_any_device", 0, tok);
    write_seed(dir, "ack_given_batch", 1, tok);
    /* The largest batch: 16 events of maximal strings. */
    off = (size_t)snprintf(claims, sizeof(claims),
                           "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":1,"
                           "\"last_id\":16,\"dropped\":0,\"events\":[");
    for (i = 1; i <= 16u; ++i) {
        off += (size_t)snprintf(claims + off, sizeof(claims) - off,
                                "%s{\"id\":%u,\"kind\":\"security_violation\",\"component\":"
                                "\"\\\"\\\\%030u\",\"version\":\"%032u\",\"code\":-2147483648,"
                                "\"time\":9007199254740991}",
                                i == 1u ? "" : ",", (unsigned)i, (unsigned)i, (unsigned)i);
    }
    (void)snprintf(claims + off, sizeof(claims) - off, "]}");
    sign_claims(&g_dev, MOAT_REPORT_TYP, claims, tok, sizeof(tok));
    write_seed(dir, "batch_max", 2, tok);
    sign_claims(&g_dev, "JWT",
                "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":4,\"last_id\":4,"
                "\"dropped\":0,\"events\":[" EV(4, "time") "]}",
                tok, sizeof(tok));
    write_seed(dir, "batch_wrong_typ", 2, tok);
    sign_claims(&g_dev, MOAT_REPORT_TYP,
                "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":4,\"last_id\":6,"
                "\"dropped\":0,\"events\":[" EV(4, "time") "," EV(6, "time") "]}",
                tok, sizeof(tok));
    write_seed(dir, "batch_gap", 2, tok);
    sign_claims(&g_svc, MOAT_REPORT_TYP,
                "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":4,\"last_id\":4,"
                "\"dropped\":0,\"events\":[" EV(4, "time") "]}",
                tok, sizeof(tok));
    write_seed(dir, "batch_other_key", 2, tok);

    check(moat_report_ack_sign(&g_svc, DEV_ID, 5, 1700000000, tok, sizeof(tok), &len) == MOAT_OK);
    write_seed(dir, "ack_valid", 1, tok);
    write_seed(dir, "batch_given_ack", 0, tok);
    check(moat_report_ack_sign(&g_svc, "other", 5, MOAT_REPORT_NO_IAT, tok, sizeof(tok), &len) ==
          MOAT_OK);
    write_seed(dir, "ack_other_device", 1, tok);
    sign_claims(&g_svc, MOAT_REPORT_ACK_TYP,
                "{\"moat_report_ack\":1,\"device\":\"" DEV_ID "\",\"ack_through\":5,\"x\":0}", tok,
                sizeof(tok));
    write_seed(dir, "ack_unknown_member", 1, tok);
    check(moat_report_ack_sign(&g_dev, DEV_ID, 5, 1, tok, sizeof(tok), &len) == MOAT_OK);
    write_seed(dir, "ack_device_key", 1, tok);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("MOAT_FUZZ_WRITE_SEEDS");
    (void)argc;
    (void)argv;
    if (!g_ready) {
        setup();
    }
    if (dir != NULL && dir[0] != '\0') {
        write_seeds(dir);
    }
    return 0;
}
