/*
 * libFuzzer harness: the streaming image writer (moat_update_stream_*) with
 * fuzz-chosen chunk boundaries, write granularity and tampering, over a
 * fixed image and its manifest (digest precomputed at first call), on an
 * in-memory port (RAM slots and records; a flash-like write_align check).
 *
 * Input: byte 0 picks write_align (1 << (b % 9): 1..256); byte 1 flags:
 * bit 0 flip one image byte (position from bytes 2-3, xor byte 4, never 0),
 * bit 1 append the remaining input after the image, bit 2 stop early (drop
 * the last chunk); the rest are chunk lengths (one byte each; 255 means
 * "the rest of the image").
 * Properties: finish succeeds iff the bytes passed to write() are exactly
 * the image; on success the state is STAGED and the slot holds the image;
 * every slot write is aligned and ends at or below the size rounded up to
 * write_align; the slot past the image size is never programmed with
 * anything but erased_value; a write that would pass the size is refused
 * with MOAT_ERR_UPDATE_IMAGE_LONG; nothing is marked on failure.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMG_LEN 1000u
#define SLOT_SIZE 2048u
#define REC_MAX 512u

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

/* ------------------------------------------------------- in-memory port */

typedef struct ram {
    uint8_t slot[2][SLOT_SIZE];
    size_t align;
    size_t max_end[2]; /* highest byte written + 1 since the last erase */
    uint8_t rec[REC_MAX];
    size_t rec_len;
    bool rec_present;
    uint64_t ctr[MOAT_PORT_COUNTER_COUNT];
} ram;

static ram g_ram;

static moat_err r_entropy(void *c, uint8_t *o, size_t l)
{
    (void)c;
    memset(o, 0x42, l);
    return MOAT_OK;
}
static moat_err r_counter_read(void *c, uint32_t id, uint64_t *v)
{
    ram *r = c;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *v = r->ctr[id];
    return MOAT_OK;
}
static moat_err r_counter_advance(void *c, uint32_t id, uint64_t v)
{
    ram *r = c;
    if (id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (v < r->ctr[id]) {
        return MOAT_ERR_PORT_COUNTER_DECREASE;
    }
    r->ctr[id] = v;
    return MOAT_OK;
}
static moat_err r_record_read(void *c, uint32_t id, uint8_t *b, size_t cap, size_t *len)
{
    ram *r = c;
    *len = 0;
    if (id != MOAT_UPDATE_RECORD_INSTALL || !r->rec_present) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < r->rec_len) {
        *len = r->rec_len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(b, r->rec, r->rec_len);
    *len = r->rec_len;
    return MOAT_OK;
}
static moat_err r_record_write(void *c, uint32_t id, const uint8_t *b, size_t len)
{
    ram *r = c;
    check(id == MOAT_UPDATE_RECORD_INSTALL && len <= REC_MAX);
    memcpy(r->rec, b, len);
    r->rec_len = len;
    r->rec_present = true;
    return MOAT_OK;
}
static moat_err r_record_erase(void *c, uint32_t id)
{
    ram *r = c;
    if (id == MOAT_UPDATE_RECORD_INSTALL) {
        r->rec_present = false;
    }
    return MOAT_OK;
}
static moat_err r_slot_info(void *c, uint32_t s, moat_port_slot_info *i)
{
    ram *r = c;
    if (s >= 2) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    i->size = SLOT_SIZE;
    i->erase_size = SLOT_SIZE;
    i->write_align = r->align;
    i->erased_value = 0xFF;
    return MOAT_OK;
}
static moat_err r_slot_read(void *c, uint32_t s, size_t off, uint8_t *b, size_t len)
{
    ram *r = c;
    if (s >= 2 || off > SLOT_SIZE || len > SLOT_SIZE - off) {
        return MOAT_ERR_PORT_RANGE;
    }
    memcpy(b, r->slot[s] + off, len);
    return MOAT_OK;
}
static moat_err r_slot_write(void *c, uint32_t s, size_t off, const uint8_t *b, size_t len)
{
    ram *r = c;
    check(s < 2);
    check(off % r->align == 0 && len % r->align == 0); /* flash granularity */
    check(off <= SLOT_SIZE && len <= SLOT_SIZE - off);
    if (off + len > r->max_end[s]) {
        r->max_end[s] = off + len;
    }
    memcpy(r->slot[s] + off, b, len);
    return MOAT_OK;
}
static moat_err r_slot_erase(void *c, uint32_t s)
{
    ram *r = c;
    check(s < 2);
    memset(r->slot[s], 0xFF, SLOT_SIZE);
    r->max_end[s] = 0;
    return MOAT_OK;
}

static const moat_port_ops g_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = r_entropy,
    .counter_read = r_counter_read,
    .counter_advance = r_counter_advance,
    .record_read = r_record_read,
    .record_write = r_record_write,
    .record_erase = r_record_erase,
    .slot_info = r_slot_info,
    .slot_read = r_slot_read,
    .slot_write = r_slot_write,
    .slot_erase = r_slot_erase,
};

/* ------------------------------------------------------------- harness */

static uint8_t g_img[IMG_LEN];
static moat_update_manifest g_m;
static uint8_t g_fed[IMG_LEN + 65536u]; /* what was passed to write() and accepted */
static int g_ready;

static void setup(void)
{
    size_t i;
    for (i = 0; i < IMG_LEN; i++) {
        g_img[i] = (uint8_t)(i * 131u + 7u);
    }
    memset(&g_m, 0, sizeof(g_m));
    g_m.sequence = 1;
    strcpy(g_m.component, "fw");
    g_m.version.major = 1;
    g_m.svn = 1;
    g_m.size = IMG_LEN;
    check(moat_hash(MOAT_HASH_SHA256, g_img, IMG_LEN, g_m.digest) == MOAT_OK);
    g_m.slot = 1;
    g_m.root_version = 1;
    g_m.sequence_counter = 1;
    g_m.svn_counter_id = MOAT_UPDATE_COUNTER_SVN_BASE;
    g_m.svn_counter = 1;
    g_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    moat_port port = {&g_ops, &g_ram};
    moat_update_stream s;
    moat_update_install st;
    uint8_t img[IMG_LEN];
    size_t off = 0, fed = 0, i = 4, padded;
    uint8_t flags;
    moat_err rc;
    bool refused_long = false;

    if (!g_ready) {
        setup();
    }
    if (size < 5) {
        return 0;
    }
    memset(&g_ram, 0, sizeof(g_ram));
    memset(g_ram.slot, 0x5A, sizeof(g_ram.slot)); /* begin must erase */
    g_ram.align = (size_t)1u << (data[0] % 9u);
    flags = data[1];
    memcpy(img, g_img, IMG_LEN);
    if ((flags & 1u) != 0 && data[4] != 0) {
        img[((size_t)data[2] << 8 | data[3]) % IMG_LEN] ^= data[4];
    }
    padded = (IMG_LEN + g_ram.align - 1u) / g_ram.align * g_ram.align;

    rc = moat_update_stream_begin(&s, &port, &g_m);
    check(rc == MOAT_OK);
    for (i = 5; i < size && rc == MOAT_OK && off < IMG_LEN; i++) {
        size_t n = data[i] == 255 ? IMG_LEN - off : data[i];
        if ((flags & 4u) != 0 && i + 1 == size) {
            break; /* stop early */
        }
        if (n > IMG_LEN - off) {
            n = IMG_LEN - off;
        }
        rc = moat_update_stream_write(&s, img + off, n);
        check(rc == MOAT_OK);
        memcpy(g_fed + fed, img + off, n);
        off += n;
        fed += n;
    }
    if ((flags & 2u) != 0 && i < size) {
        /* extra bytes after the image (or after a short image) */
        size_t n = size - i;
        rc = moat_update_stream_write(&s, data + i, n);
        if (fed + n > IMG_LEN) {
            check(rc == MOAT_ERR_UPDATE_IMAGE_LONG);
            refused_long = true;
        } else {
            check(rc == MOAT_OK);
            memcpy(g_fed + fed, data + i, n);
            fed += n;
        }
    }
    check(g_ram.max_end[1] <= padded);
    rc = moat_update_stream_finish(&s);
    check(g_ram.max_end[1] <= padded);
    for (i = IMG_LEN; i < SLOT_SIZE; i++) {
        check(g_ram.slot[1][i] == 0xFF); /* nothing past the size */
    }
    check(g_ram.slot[0][0] == 0x5A); /* the active (factory) slot untouched */
    check(moat_update_install_read(&port, &st) == MOAT_OK);
    if (!refused_long && fed == IMG_LEN && memcmp(g_fed, g_img, IMG_LEN) == 0) {
        check(rc == MOAT_OK);
        check(st.state == MOAT_UPDATE_STATE_STAGED && st.candidate.slot == 1);
        check(memcmp(g_ram.slot[1], g_img, IMG_LEN) == 0);
    } else {
        check(rc != MOAT_OK);
        if (refused_long) {
            check(rc == MOAT_ERR_UPDATE_STREAM_DONE);
        } else if (fed < IMG_LEN) {
            check(rc == MOAT_ERR_UPDATE_IMAGE_SHORT);
        } else {
            check(rc == MOAT_ERR_UPDATE_DIGEST);
        }
        check(st.state == MOAT_UPDATE_STATE_NONE && !g_ram.rec_present);
    }
    for (i = 0; i < MOAT_PORT_COUNTER_COUNT; i++) {
        check(g_ram.ctr[i] == 0); /* counters move only at confirm */
    }
    return 0;
}
