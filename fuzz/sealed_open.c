/*
 * libFuzzer harness: sealed-message open (moat_msg_open) for recipient
 * "dev-b" (the RFC 7515 A.3 P-256 scalar) with one known sender "dev-a"
 * (scalar 0x01..0x20), over an in-memory port whose replay record starts
 * empty at every input. Seeds: messages built by python3-jwcrypto in the
 * moat format (fuzz/corpus/sealed_open).
 * Properties: on failure the body buffer is wiped, the length is 0, the
 * info is zeroed and the replay record was not written; on success the
 * body fits the bound and opening the same input again is refused as a
 * replay with nothing released.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

/* ------------------------------------------------ a RAM port (records only) */

typedef struct mem_port {
    uint8_t rec[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t len;
    bool present;
    unsigned writes;
} mem_port;

static moat_err mem_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x5A, len);
    return MOAT_OK;
}

static moat_err mem_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    mem_port *m = ctx;
    *len = 0;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || !m->present) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < m->len) {
        *len = m->len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, m->rec, m->len);
    *len = m->len;
    return MOAT_OK;
}

static moat_err mem_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    mem_port *m = ctx;
    if (id != MOAT_MSG_DEFAULT_REPLAY_RECORD || len > sizeof(m->rec)) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(m->rec, data, len);
    m->len = len;
    m->present = true;
    m->writes++;
    return MOAT_OK;
}

/* ------------------------------------------------------------ harness */

static const uint8_t rfc_a3_d[32] = {
    0x8e, 0x9b, 0x10, 0x9e, 0x71, 0x90, 0x98, 0xbf, 0x98, 0x04, 0x87,
    0xdf, 0x1f, 0x5d, 0x77, 0xe9, 0xcb, 0x29, 0x60, 0x6e, 0xbe, 0xd2,
    0x26, 0x3b, 0x5f, 0x57, 0xc2, 0x13, 0xdf, 0x84, 0xf4, 0xb2};

static moat_port_ops g_ops;
static mem_port g_mem;
static moat_port g_port;
static moat_ec_private_key g_kb;
static moat_jwe_decrypter g_dec;
static moat_msg_peer g_dir[1];
static moat_msg_replay g_replay;
static moat_msg_receiver g_rx;
static const char *const g_types[] = {"cmd", "telemetry"};
static uint8_t g_work[MOAT_MSG_OPEN_WORK_SIZE(MOAT_MSG_MAX)];
static uint8_t g_body[MOAT_MSG_BODY_MAX];
static int g_ready;

static void setup(void)
{
    moat_ec_private_key ka;
    moat_ec_public_key pa;
    uint8_t da[32];
    size_t i;
    for (i = 0; i < sizeof(da); i++) {
        da[i] = (uint8_t)(i + 1u);
    }
    g_ops.abi_version = MOAT_PORT_ABI_VERSION;
    g_ops.entropy = mem_entropy;
    g_ops.record_read = mem_read;
    g_ops.record_write = mem_write;
    g_port.ops = &g_ops;
    g_port.ctx = &g_mem;
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, rfc_a3_d, 32, &g_kb) == MOAT_OK);
    check(moat_jwe_decrypter_from_private(&g_dec, &g_kb) == MOAT_OK);
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, da, 32, &ka) == MOAT_OK);
    check(moat_ec_public_from_private(&ka, &pa) == MOAT_OK);
    moat_ec_private_wipe(&ka);
    g_dir[0].id = "dev-a";
    check(moat_jwk_from_public(&pa, &g_dir[0].key) == MOAT_OK);
    g_rx.me = "dev-b";
    g_rx.key = &g_dec;
    g_rx.directory = g_dir;
    g_rx.directory_count = 1;
    g_rx.types = g_types;
    g_rx.type_count = 2;
    g_rx.replay = &g_replay;
    g_ready = 1;
}

static void all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        check(b[i] == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    moat_msg_info info;
    size_t n = 0;
    moat_err e;

    if (!g_ready) {
        setup();
    }
    memset(&g_mem, 0, sizeof(g_mem));
    check(moat_msg_replay_open(&g_replay, &g_port, MOAT_MSG_DEFAULT_REPLAY_RECORD) == MOAT_OK);
    memset(g_body, 0xA5, sizeof(g_body));
    e = moat_msg_open(&g_rx, (const char *)data, size, g_work, sizeof(g_work), g_body,
                      sizeof(g_body), &n, &info);
    if (e != MOAT_OK) {
        check(n == 0 || e == MOAT_ERR_BUFFER_TOO_SMALL);
        check(g_mem.writes == 0);
        all_zero(&info, sizeof(info));
        all_zero(g_body, sizeof(g_body));
        return 0;
    }
    check(n <= MOAT_MSG_BODY_MAX && g_mem.writes == 1 && info.seq >= 1);
    memset(g_body, 0xA5, sizeof(g_body));
    e = moat_msg_open(&g_rx, (const char *)data, size, g_work, sizeof(g_work), g_body,
                      sizeof(g_body), &n, &info);
    check(e == MOAT_ERR_MSG_REPLAY && n == 0 && g_mem.writes == 1);
    all_zero(g_body, sizeof(g_body));
    return 0;
}
