/*
 * Image stream and install state machine (include/moat/update.h, section
 * image / install): the attacks of issue 5 on images and installs, each a
 * named test asserting the exact error code and that no counter or record
 * changed and the active slot is intact; chunking invariance; and the
 * power-cut sweeps (fault port over the POSIX port, every persistent write
 * of stage, trial, confirm and revert, modes BEFORE/AFTER/TORN, plus a
 * second cut at every write of the recovery).
 *
 * Manifests here are built as moat_update_manifest_check() returns them
 * (the metadata tests cover signatures); the image/install code trusts
 * only that structure.
 */
#define _GNU_SOURCE 1

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/jose.h"
#include "moat/update.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"

#define SLOT_SIZE 4096u
#define IMG_LEN 3001u /* odd: exercises the padded last write unit */
#define CHUNK 1000u

/* ------------------------------------------------------------ the device */

typedef struct dev {
    char dir[128];
    moat_port_posix p;
    moat_port_posix_config cfg;
    moat_port inner;
    moat_port_fault f;
    moat_port port;  /* the fault port */
    moat_port aport; /* the align wrapper (write_align = align) */
    size_t align;
    /* knobs of the same wrapper (all off by default): */
    bool narrow;          /* counters are 32 bits: advance above 2^32-1 overflows */
    bool ctr_corrupt;     /* every counter read reports MOAT_ERR_PORT_CORRUPT */
    uint32_t bad_slot_p1; /* slot + 1 whose reads fail with MOAT_ERR_PORT_IO; 0: none */
} dev;

static uint8_t g_img1[IMG_LEN];
static uint8_t g_img2[IMG_LEN];
static uint8_t g_img3[IMG_LEN];

static void fill_image(uint8_t *img, size_t len, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1u;
    size_t i;
    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        img[i] = (uint8_t)(x >> 16);
    }
}

static void dev_open(dev *d)
{
    memset(&d->cfg, 0, sizeof(d->cfg));
    d->cfg.slot_size[0] = SLOT_SIZE;
    d->cfg.slot_size[1] = SLOT_SIZE;
    d->cfg.erase_size = SLOT_SIZE;
    assert_int_equal(moat_port_posix_open(&d->p, d->dir, &d->cfg, &d->inner), MOAT_OK);
    assert_int_equal(moat_port_fault_wrap(&d->f, &d->inner, &d->port), MOAT_OK);
}

/* Power comes back: the port's RAM state is gone, storage stays. */
static void dev_reboot(dev *d)
{
    moat_port_fault_reboot(&d->f);
    moat_port_posix_close(&d->p);
    dev_open(d);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int dev_setup(void **state)
{
    dev *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return -1;
    }
    (void)snprintf(d->dir, sizeof(d->dir), "/tmp/moat-upd-XXXXXX");
    if (mkdtemp(d->dir) == NULL) {
        free(d);
        return -1;
    }
    dev_open(d);
    d->align = 1;
    *state = d;
    return 0;
}

static int dev_teardown(void **state)
{
    dev *d = *state;
    moat_port_posix_close(&d->p);
    rm_tree(d->dir);
    free(d);
    return 0;
}

/* Copy every regular file of @p src into @p dst (created 0700). */
static void copy_dir(const char *src, const char *dst)
{
    DIR *dp = opendir(src);
    struct dirent *e;
    assert_non_null(dp);
    assert_int_equal(mkdir(dst, 0700), 0);
    while ((e = readdir(dp)) != NULL) {
        char a[300], b[300];
        uint8_t buf[8192];
        ssize_t n;
        int in, out;
        if (e->d_name[0] == '.') {
            continue;
        }
        (void)snprintf(a, sizeof(a), "%s/%s", src, e->d_name);
        (void)snprintf(b, sizeof(b), "%s/%s", dst, e->d_name);
        in = open(a, O_RDONLY);
        out = open(b, O_WRONLY | O_CREAT | O_EXCL, 0600);
        assert_true(in >= 0 && out >= 0);
        while ((n = read(in, buf, sizeof(buf))) > 0) {
            assert_int_equal(write(out, buf, (size_t)n), n);
        }
        close(in);
        close(out);
    }
    closedir(dp);
}

/* ------------------------------------------------------ align wrapper */
/* The POSIX port programs bytes (write_align 1); this wrapper reports a
 * coarser granularity and refuses unaligned writes, as NOR flash would. */

static moat_err aw_entropy(void *c, uint8_t *o, size_t l)
{
    return moat_port_entropy(&((dev *)c)->port, o, l);
}
static moat_err aw_counter_read(void *c, uint32_t id, uint64_t *v)
{
    if (((dev *)c)->ctr_corrupt) {
        *v = 0;
        return MOAT_ERR_PORT_CORRUPT;
    }
    return moat_port_counter_read(&((dev *)c)->port, id, v);
}
static moat_err aw_counter_advance(void *c, uint32_t id, uint64_t v)
{
    if (((dev *)c)->narrow && v > 0xFFFFFFFFu) {
        return MOAT_ERR_PORT_COUNTER_OVERFLOW; /* a 32-bit hardware counter */
    }
    return moat_port_counter_advance(&((dev *)c)->port, id, v);
}
static moat_err aw_record_read(void *c, uint32_t id, uint8_t *b, size_t cap, size_t *len)
{
    return moat_port_record_read(&((dev *)c)->port, id, b, cap, len);
}
static moat_err aw_record_write(void *c, uint32_t id, const uint8_t *b, size_t len)
{
    return moat_port_record_write(&((dev *)c)->port, id, b, len);
}
static moat_err aw_record_erase(void *c, uint32_t id)
{
    return moat_port_record_erase(&((dev *)c)->port, id);
}
static moat_err aw_slot_info(void *c, uint32_t s, moat_port_slot_info *i)
{
    moat_err rc = moat_port_slot_info_get(&((dev *)c)->port, s, i);
    if (rc == MOAT_OK) {
        i->write_align = ((dev *)c)->align;
    }
    return rc;
}
static moat_err aw_slot_read(void *c, uint32_t s, size_t off, uint8_t *b, size_t len)
{
    if (((dev *)c)->bad_slot_p1 == s + 1u) {
        memset(b, 0, len);
        return MOAT_ERR_PORT_IO; /* a bad flash sector */
    }
    return moat_port_slot_read(&((dev *)c)->port, s, off, b, len);
}
static moat_err aw_slot_write(void *c, uint32_t s, size_t off, const uint8_t *b, size_t len)
{
    dev *d = c;
    if (off % d->align != 0 || len % d->align != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_port_slot_write(&d->port, s, off, b, len);
}
static moat_err aw_slot_erase(void *c, uint32_t s)
{
    return moat_port_slot_erase(&((dev *)c)->port, s);
}

static const moat_port_ops aw_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = aw_entropy,
    .counter_read = aw_counter_read,
    .counter_advance = aw_counter_advance,
    .record_read = aw_record_read,
    .record_write = aw_record_write,
    .record_erase = aw_record_erase,
    .slot_info = aw_slot_info,
    .slot_read = aw_slot_read,
    .slot_write = aw_slot_write,
    .slot_erase = aw_slot_erase,
};

static const moat_port *aligned_port(dev *d, size_t align)
{
    d->align = align;
    d->aport.ops = &aw_ops;
    d->aport.ctx = d;
    return &d->aport;
}

/* ------------------------------------------------------------ helpers */

/* A manifest as moat_update_manifest_check() returns it (epoch 0). */
static void mk(moat_update_manifest *m, const uint8_t *img, size_t len, uint32_t slot,
               uint32_t seq, uint32_t svn, uint32_t major)
{
    memset(m, 0, sizeof(*m));
    m->sequence = seq;
    m->expires = 4102444800; /* 2100-01-01 */
    strcpy(m->component, "fw");
    m->component_index = 0;
    m->version.major = major;
    m->svn = svn;
    m->size = len;
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, img, len, m->digest), MOAT_OK);
    m->slot = slot;
    m->root_version = 1;
    m->sequence_counter = seq;
    m->svn_counter_id = MOAT_UPDATE_COUNTER_SVN_BASE;
    m->svn_counter = svn;
}

/* Stream @p len bytes in pieces of @p chunk (0: the sizes in @p sizes cycle). */
static moat_err stage_ex(const moat_port *port, const moat_update_manifest *m,
                         const uint8_t *img, size_t len, size_t chunk)
{
    static const size_t odd[] = {1, 7, 13, 255, 256, 257, 3, 511, 64, 129};
    moat_update_stream s;
    size_t off = 0, k = 0;
    moat_err rc = moat_update_stream_begin(&s, port, m);
    while (rc == MOAT_OK && off < len) {
        size_t n = chunk != 0 ? chunk : odd[k++ % (sizeof(odd) / sizeof(odd[0]))];
        if (n > len - off) {
            n = len - off;
        }
        rc = moat_update_stream_write(&s, img + off, n);
        off += n;
    }
    if (rc == MOAT_OK) {
        rc = moat_update_stream_finish(&s);
    }
    moat_update_stream_abort(&s);
    return rc;
}

static moat_err stage(const moat_port *port, const moat_update_manifest *m, const uint8_t *img)
{
    return stage_ex(port, m, img, (size_t)m->size, CHUNK);
}

static uint64_t ctr(const moat_port *port, uint32_t id)
{
    uint64_t v = 0;
    assert_int_equal(moat_port_counter_read(port, id, &v), MOAT_OK);
    return v;
}

/* Everything an attack must not change: the install record, the counters,
 * and the slot holding the active (or factory) image. */
typedef struct snap {
    moat_err rec_rc;
    size_t rec_len;
    uint8_t rec[MOAT_UPDATE_INSTALL_RECORD_SIZE + 16];
    uint64_t seq, svn;
    uint8_t slot_digest[2][32];
} snap;

static void take(const moat_port *port, snap *s)
{
    uint32_t i;
    memset(s, 0, sizeof(*s));
    s->rec_rc = moat_port_record_read(port, MOAT_UPDATE_RECORD_INSTALL, s->rec, sizeof(s->rec),
                                      &s->rec_len);
    s->seq = ctr(port, MOAT_UPDATE_COUNTER_SEQUENCE);
    s->svn = ctr(port, MOAT_UPDATE_COUNTER_SVN_BASE);
    for (i = 0; i < 2; i++) {
        uint8_t buf[SLOT_SIZE];
        assert_int_equal(moat_port_slot_read(port, i, 0, buf, sizeof(buf)), MOAT_OK);
        assert_int_equal(moat_hash(MOAT_HASH_SHA256, buf, sizeof(buf), s->slot_digest[i]), MOAT_OK);
    }
}

/* Record and counters identical; slot @p keep_slot (the active one) identical. */
static void assert_unchanged(const snap *a, const snap *b, uint32_t keep_slot)
{
    assert_int_equal(a->rec_rc, b->rec_rc);
    assert_int_equal(a->rec_len, b->rec_len);
    assert_memory_equal(a->rec, b->rec, sizeof(a->rec));
    assert_true(a->seq == b->seq);
    assert_true(a->svn == b->svn);
    assert_memory_equal(a->slot_digest[keep_slot], b->slot_digest[keep_slot], 32);
}

static moat_update_state state_of(const moat_port *port)
{
    moat_update_state st = MOAT_UPDATE_STATE_TRIAL;
    assert_int_equal(moat_update_status(port, &st), MOAT_OK);
    return st;
}

static uint32_t boot(const moat_port *port)
{
    uint32_t s = 99;
    moat_err crc = MOAT_ERR_INTERNAL;
    assert_int_equal(moat_update_boot(port, &s, &crc), MOAT_OK);
    assert_int_equal(crc, MOAT_OK); /* counters at the active image's values */
    return s;
}

/* Factory device -> v1 confirmed in slot 1 (counters 1/1). */
static void install_v1(const moat_port *port, moat_update_manifest *m1)
{
    mk(m1, g_img1, IMG_LEN, 1, 1, 1, 1);
    assert_int_equal(boot(port), MOAT_UPDATE_SLOT_FACTORY);
    assert_int_equal(stage(port, m1, g_img1), MOAT_OK);
    assert_int_equal(moat_update_trial(port), MOAT_OK);
    assert_int_equal(boot(port), 1);
    assert_int_equal(moat_update_confirm(port), MOAT_OK);
    assert_int_equal(boot(port), 1);
}

/* One attack on the stream of @p img against @p m: exact code, nothing marked. */
static void stream_attack(dev *d, const moat_update_manifest *m, const uint8_t *img,
                          size_t len, moat_err want)
{
    snap a, b;
    take(&d->port, &a);
    assert_int_equal(stage_ex(&d->port, m, img, len, CHUNK), want);
    take(&d->port, &b);
    assert_unchanged(&a, &b, MOAT_UPDATE_SLOT_FACTORY);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_NONE);
    assert_int_equal(boot(&d->port), MOAT_UPDATE_SLOT_FACTORY);
}

/* ====================================================== stream attacks */

static void flip_attack(void **state, size_t pos)
{
    dev *d = *state;
    moat_update_manifest m;
    uint8_t bad[IMG_LEN];
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    memcpy(bad, g_img1, IMG_LEN);
    bad[pos] ^= 0x01;
    stream_attack(d, &m, bad, IMG_LEN, MOAT_ERR_UPDATE_DIGEST);
}

static void test_image_byte_flipped_first(void **state)
{
    flip_attack(state, 0);
}

static void test_image_byte_flipped_middle(void **state)
{
    flip_attack(state, IMG_LEN / 2);
}

static void test_image_byte_flipped_last(void **state)
{
    flip_attack(state, IMG_LEN - 1);
}

/* Extra bytes after a complete image: refused, never hashed or written. */
static void test_image_extra_bytes(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    moat_update_stream s;
    uint8_t slot[SLOT_SIZE];
    static const uint8_t extra[5] = {1, 2, 3, 4, 5};
    snap a, b;
    size_t i;
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    take(&d->port, &a);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, g_img1, IMG_LEN), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, extra, 1), MOAT_ERR_UPDATE_IMAGE_LONG);
    /* the stream is over: nothing can be finished or added */
    assert_int_equal(moat_update_stream_write(&s, extra, 0), MOAT_ERR_UPDATE_STREAM_DONE);
    assert_int_equal(moat_update_stream_finish(&s), MOAT_ERR_UPDATE_STREAM_DONE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_NONE);

    /* a chunk straddling the end: none of it written, nothing past size */
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, g_img1, IMG_LEN - 3), MOAT_OK);
    {
        uint8_t tail[8];
        memcpy(tail, g_img1 + IMG_LEN - 3, 3);
        memset(tail + 3, 0xA5, 5);
        assert_int_equal(moat_update_stream_write(&s, tail, sizeof(tail)),
                         MOAT_ERR_UPDATE_IMAGE_LONG);
    }
    assert_int_equal(moat_port_slot_read(&d->port, 1, 0, slot, sizeof(slot)), MOAT_OK);
    for (i = IMG_LEN - 3; i < SLOT_SIZE; i++) {
        assert_int_equal(slot[i], 0xFF);
    }
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_NONE);
}

static void test_image_shorter_than_size(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    stream_attack(d, &m, g_img1, IMG_LEN - 1, MOAT_ERR_UPDATE_IMAGE_SHORT);
}

/* An image one byte longer than its size, in one chunk: refused whole. */
static void test_image_longer_than_size(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    moat_update_stream s;
    snap a, b;
    mk(&m, g_img1, IMG_LEN - 1, 1, 1, 1, 1);
    take(&d->port, &a);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, g_img1, IMG_LEN), MOAT_ERR_UPDATE_IMAGE_LONG);
    assert_int_equal(moat_update_stream_finish(&s), MOAT_ERR_UPDATE_STREAM_DONE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    /* and a longer stream than the size through the usual chunking */
    stream_attack(d, &m, g_img1, IMG_LEN, MOAT_ERR_UPDATE_IMAGE_LONG);
}

/* size 2^63 (and other sizes past the slot): refused at begin, before any
 * port write, in constant time. */
static void test_image_size_2_63(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    moat_update_stream s;
    snap a, b;
    static const uint64_t sizes[] = {1ull << 63, UINT64_MAX, (uint64_t)SLOT_SIZE + 1u,
                                     (1ull << 32) + 16u};
    size_t i;
    take(&d->port, &a);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint32_t w0 = moat_port_fault_writes(&d->f);
        mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
        m.size = sizes[i];
        assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_UPDATE_SIZE);
        assert_int_equal(moat_port_fault_writes(&d->f), w0);
        assert_int_equal(moat_update_stream_write(&s, g_img1, 1), MOAT_ERR_UPDATE_STREAM_DONE);
    }
    m.size = 0;
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_UPDATE_SIZE);
    /* the largest size that fits is fine */
    {
        static uint8_t big[SLOT_SIZE];
        fill_image(big, sizeof(big), 9);
        mk(&m, big, sizeof(big), 1, 1, 1, 1);
        assert_int_equal(stage(&d->port, &m, big), MOAT_OK);
        assert_int_equal(moat_update_revert(&d->port), MOAT_OK);
    }
    take(&d->port, &b);
    assert_true(a.seq == b.seq && a.svn == b.svn);
}

/* 1-byte, odd and one-big chunks, with write_align 1, 8 and 16: same slot
 * bytes, same record. */
static void test_chunking_invariance(void **state)
{
    dev *d = *state;
    static const size_t chunks[] = {1, 0 /* odd sizes */, 7, IMG_LEN};
    static const size_t aligns[] = {1, 8, 16, 256};
    uint8_t first_rec[MOAT_UPDATE_INSTALL_RECORD_SIZE];
    uint8_t first_slot[SLOT_SIZE];
    bool have = false;
    size_t i, j;
    moat_update_manifest m;
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    for (j = 0; j < sizeof(aligns) / sizeof(aligns[0]); j++) {
        const moat_port *port = aligned_port(d, aligns[j]);
        for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            uint8_t rec[MOAT_UPDATE_INSTALL_RECORD_SIZE];
            uint8_t slot[SLOT_SIZE];
            size_t len = 0;
            moat_update_install st;
            assert_int_equal(stage_ex(port, &m, g_img1, IMG_LEN, chunks[i]), MOAT_OK);
            assert_int_equal(moat_port_record_read(port, MOAT_UPDATE_RECORD_INSTALL, rec,
                                                   sizeof(rec), &len),
                             MOAT_OK);
            assert_int_equal(moat_port_slot_read(port, 1, 0, slot, sizeof(slot)), MOAT_OK);
            assert_memory_equal(slot, g_img1, IMG_LEN);
            if (!have) {
                memcpy(first_rec, rec, sizeof(rec));
                memcpy(first_slot, slot, sizeof(slot));
                have = true;
            }
            assert_memory_equal(rec, first_rec, sizeof(rec));
            assert_memory_equal(slot, first_slot, sizeof(slot));
            assert_int_equal(moat_update_install_read(port, &st), MOAT_OK);
            assert_int_equal(st.state, MOAT_UPDATE_STATE_STAGED);
            assert_true(st.candidate.valid && st.candidate.slot == 1 &&
                        st.candidate.size == IMG_LEN);
            assert_memory_equal(st.candidate.digest, m.digest, 32);
        }
    }
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 0);
    /* write_align above the buffer: refused */
    assert_int_equal(stage(aligned_port(d, 512), &m, g_img1), MOAT_ERR_UNSUPPORTED);
}

/* Bytes changed in storage after they were hashed in RAM: the re-read at
 * finish catches it (no TOCTOU); trial and boot re-check too. */
static void test_image_changed_after_hash(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    moat_update_stream s;
    uint8_t evil = (uint8_t)(g_img1[100] ^ 0xFF);
    uint32_t slot;
    snap a, b;
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    take(&d->port, &a);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, g_img1, 2048), MOAT_OK);
    assert_int_equal(moat_port_slot_write(&d->inner, 1, 100, &evil, 1), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, g_img1 + 2048, IMG_LEN - 2048), MOAT_OK);
    assert_int_equal(moat_update_stream_finish(&s), MOAT_ERR_UPDATE_READBACK);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);

    /* staged, then changed: trial refuses, state stays STAGED */
    assert_int_equal(stage(&d->port, &m, g_img1), MOAT_OK);
    evil = (uint8_t)(g_img1[5] ^ 0xFF);
    assert_int_equal(moat_port_slot_write(&d->inner, 1, 5, &evil, 1), MOAT_OK);
    take(&d->port, &a);
    assert_int_equal(moat_update_trial(&d->port), MOAT_ERR_UPDATE_READBACK);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_STAGED);

    /* trial marked, then changed: the boot reverts instead of booting it */
    assert_int_equal(stage(&d->port, &m, g_img1), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    evil = (uint8_t)(g_img1[IMG_LEN - 1] ^ 0xFF);
    assert_int_equal(moat_port_slot_write(&d->inner, 1, IMG_LEN - 1, &evil, 1), MOAT_OK);
    assert_int_equal(moat_update_boot(&d->port, &slot, NULL), MOAT_OK);
    assert_int_equal(slot, MOAT_UPDATE_SLOT_FACTORY);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_REVERTED);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 0);
}

/* ================================================== the state machine */

static void test_install_cycle(void **state)
{
    dev *d = *state;
    moat_update_manifest m1;
    moat_update_install st;
    install_v1(&d->port, &m1);
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_CONFIRMED);
    assert_true(st.active.valid && st.active.slot == 1 && !st.candidate.valid);
    assert_memory_equal(st.active.digest, m1.digest, 32);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
    /* confirm is idempotent once confirmed */
    assert_int_equal(moat_update_confirm(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 1);
}

/* Counters stay put through stage, trial and the trial boot; only confirm
 * moves them. */
static void test_counter_not_bumped_before_confirm(void **state)
{
    dev *d = *state;
    moat_update_manifest m1, m2;
    moat_update_install st;
    snap a, b;
    install_v1(&d->port, &m1);
    mk(&m2, g_img2, IMG_LEN, 0, 7, 3, 2);
    assert_int_equal(stage(&d->port, &m2, g_img2), MOAT_OK);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
    /* confirm while only STAGED: refused; install record (byte for byte),
     * counters and both slots unchanged */
    take(&d->port, &a);
    assert_int_equal(a.rec_rc, MOAT_OK);
    assert_int_equal(a.rec_len, MOAT_UPDATE_INSTALL_RECORD_SIZE);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_UPDATE_STATE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_unchanged(&a, &b, 1);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_STAGED);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
    /* confirm before the trial has booted: refused, nothing moves (the
     * install record included: still TRIAL, not booted, same bytes) */
    take(&d->port, &a);
    assert_int_equal(a.rec_rc, MOAT_OK);
    assert_int_equal(a.rec_len, MOAT_UPDATE_INSTALL_RECORD_SIZE);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_UPDATE_STATE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_unchanged(&a, &b, 1);
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_TRIAL);
    assert_false(st.trial_booted);
    assert_int_equal(st.active.slot, 1);
    assert_memory_equal(st.active.digest, m1.digest, 32);
    assert_memory_equal(st.candidate.digest, m2.digest, 32);
    assert_int_equal(boot(&d->port), 0);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_OK);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 7);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 3);
}

static void test_trial_not_confirmed_reverts(void **state)
{
    dev *d = *state;
    moat_update_manifest m1, m2;
    moat_update_install st;
    snap a, b;
    install_v1(&d->port, &m1);
    take(&d->port, &a);
    mk(&m2, g_img2, IMG_LEN, 0, 2, 2, 2);
    assert_int_equal(stage(&d->port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 0); /* the trial boot */
    assert_int_equal(boot(&d->port), 1); /* not confirmed: back to v1 */
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_REVERTED);
    assert_true(st.active.slot == 1 && !st.candidate.valid);
    assert_memory_equal(st.active.digest, m1.digest, 32);
    take(&d->port, &b);
    assert_true(a.seq == b.seq && a.svn == b.svn);
    assert_memory_equal(a.slot_digest[1], b.slot_digest[1], 32);
    /* too late to confirm the reverted image */
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_UPDATE_STATE);
    assert_int_equal(boot(&d->port), 1);
    /* an explicit revert during a trial boot works the same */
    assert_int_equal(stage(&d->port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 0);
    assert_int_equal(moat_update_revert(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
}

/* The revert path never leads below the confirmed image. */
static void test_downgrade_through_revert(void **state)
{
    dev *d = *state;
    moat_update_manifest m1, m2, m3, old;
    moat_update_stream s;
    snap a, b;
    install_v1(&d->port, &m1); /* v1 in slot 1 */
    mk(&m2, g_img2, IMG_LEN, 0, 2, 2, 2);
    assert_int_equal(stage(&d->port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 0);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_OK); /* v2 in slot 0 */

    /* after confirm, revert is impossible */
    take(&d->port, &a);
    assert_int_equal(moat_update_revert(&d->port), MOAT_ERR_UPDATE_STATE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_int_equal(boot(&d->port), 0);

    /* v1 again (its old manifest) into the free slot: refused at begin even
     * if the counters lagged, nothing changed */
    take(&d->port, &a);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m1),
                     MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    old = m2;
    old.slot = 1;
    old.sequence_counter = 3;
    old.svn_counter = 1;
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &old), MOAT_ERR_UPDATE_SVN_ROLLBACK);
    /* never into the active slot */
    mk(&m3, g_img3, IMG_LEN, 0, 3, 3, 3);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m3), MOAT_ERR_UPDATE_SLOT_ACTIVE);
    take(&d->port, &b);
    assert_unchanged(&a, &b, 0);
    assert_memory_equal(a.slot_digest[1], b.slot_digest[1], 32);

    /* v3 into slot 1 (erases v1), trial not confirmed: reverts to v2, never v1 */
    mk(&m3, g_img3, IMG_LEN, 1, 3, 3, 3);
    assert_int_equal(stage(&d->port, &m3, g_img3), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    /* no other staging while a trial is pending */
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m3), MOAT_ERR_UPDATE_STATE);
    assert_int_equal(boot(&d->port), 1);
    assert_int_equal(boot(&d->port), 0);
    take(&d->port, &b);
    assert_true(b.seq == 2 && b.svn == 2);
    assert_memory_equal(a.slot_digest[0], b.slot_digest[0], 32);
}

/* A malformed install record: reported, never booted from. */
static void test_install_record_malformed(void **state)
{
    dev *d = *state;
    moat_update_manifest m1;
    uint8_t rec[MOAT_UPDATE_INSTALL_RECORD_SIZE];
    size_t len = 0;
    uint32_t slot = 0;
    moat_update_install st;
    install_v1(&d->port, &m1);
    assert_int_equal(moat_port_record_read(&d->port, MOAT_UPDATE_RECORD_INSTALL, rec,
                                           sizeof(rec), &len),
                     MOAT_OK);
    rec[4] = MOAT_UPDATE_STATE_TRIAL; /* check value now wrong */
    assert_int_equal(moat_port_record_write(&d->port, MOAT_UPDATE_RECORD_INSTALL, rec, len), MOAT_OK);
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_ERR_UPDATE_INSTALL_RECORD);
    assert_int_equal(moat_update_boot(&d->port, &slot, NULL), MOAT_ERR_UPDATE_INSTALL_RECORD);
    assert_int_equal(slot, MOAT_PORT_SLOT_COUNT);
    assert_int_equal(moat_port_record_write(&d->port, MOAT_UPDATE_RECORD_INSTALL, rec, 10), MOAT_OK);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_UPDATE_INSTALL_RECORD);
}

/* The active image changed in storage: no image to boot (fail closed). */
static void test_active_image_corrupt(void **state)
{
    dev *d = *state;
    moat_update_manifest m1;
    uint8_t evil = (uint8_t)(g_img1[7] ^ 0xFF);
    uint32_t slot = 0;
    install_v1(&d->port, &m1);
    assert_int_equal(moat_port_slot_write(&d->inner, 1, 7, &evil, 1), MOAT_OK);
    assert_int_equal(moat_update_boot(&d->port, &slot, NULL), MOAT_ERR_UPDATE_NO_IMAGE);
    assert_int_equal(slot, MOAT_PORT_SLOT_COUNT);
}

static void test_install_bad_arguments(void **state)
{
    dev *d = *state;
    moat_update_manifest m;
    moat_update_stream s;
    moat_update_state stt;
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    assert_int_equal(moat_update_stream_begin(NULL, &d->port, &m), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_stream_begin(&s, NULL, &m), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, NULL), MOAT_ERR_INVALID_ARGUMENT);
    m.svn_counter_id = MOAT_UPDATE_COUNTER_SEQUENCE;
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_INVALID_ARGUMENT);
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    m.slot = MOAT_PORT_SLOT_COUNT;
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_UPDATE_SLOT);
    m.slot = 2; /* not on this device */
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_PORT_NOT_FOUND);
    m.slot = 0; /* the factory image */
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_ERR_UPDATE_SLOT_ACTIVE);
    assert_int_equal(moat_update_stream_write(NULL, g_img1, 1), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_stream_finish(NULL), MOAT_ERR_INVALID_ARGUMENT);
    mk(&m, g_img1, IMG_LEN, 1, 1, 1, 1);
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&s, NULL, 1), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_stream_write(&s, g_img1, 1), MOAT_ERR_UPDATE_STREAM_DONE);
    assert_int_equal(moat_update_boot(&d->port, NULL, NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_status(NULL, &stt), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_trial(NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_confirm(NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_revert(NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_update_trial(&d->port), MOAT_ERR_UPDATE_STATE);
    assert_int_equal(moat_update_revert(&d->port), MOAT_ERR_UPDATE_STATE);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_UPDATE_STATE);
    assert_true(moat_update_stream_size() == sizeof(moat_update_stream));
}

/* ============================================ brick resistance (review) */

/*
 * Review finding (brick.c, scenario A): a port whose counters are 32 bits
 * refuses the epoch >= 1 values at confirm (MOAT_ERR_PORT_COUNTER_OVERFLOW)
 * after the record already says CONFIRMED. Every later boot used to fail on
 * the counter catch-up although the confirmed image is intact. Now it boots
 * that image and reports the counter error separately; anti-rollback still
 * holds through the record.
 */
static void test_boot_counter_overflow_still_boots_active(void **state)
{
    dev *d = *state;
    const moat_port *port = aligned_port(d, 1);
    moat_update_manifest m1, old;
    moat_update_stream s;
    moat_update_install st;
    snap a, b;
    uint32_t slot;
    moat_err crc;
    int i;

    d->narrow = true;
    mk(&m1, g_img1, IMG_LEN, 1, 1, 1, 1);
    m1.sequence_counter = (1ull << 32) | 1u; /* verified under a root of epoch 1 */
    m1.svn_counter = (1ull << 32) | 1u;
    assert_int_equal(stage(port, &m1, g_img1), MOAT_OK);
    assert_int_equal(moat_update_trial(port), MOAT_OK);
    assert_int_equal(boot(port), 1); /* the trial boot */
    assert_int_equal(moat_update_confirm(port), MOAT_ERR_PORT_COUNTER_OVERFLOW);
    /* the image IS confirmed; only the counters lag */
    assert_int_equal(moat_update_install_read(port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_CONFIRMED);
    assert_int_equal(st.active.slot, 1);
    assert_int_equal(ctr(port, MOAT_UPDATE_COUNTER_SEQUENCE), 0);

    take(port, &a);
    for (i = 0; i < 3; i++) {
        slot = 99;
        crc = MOAT_OK;
        assert_int_equal(moat_update_boot(port, &slot, &crc), MOAT_OK);
        assert_int_equal(slot, 1);
        assert_int_equal(crc, MOAT_ERR_PORT_COUNTER_OVERFLOW);
        dev_reboot(d);
    }
    take(port, &b);
    assert_unchanged(&a, &b, 1);
    /* confirm keeps reporting the counter error (idempotent, nothing changes) */
    assert_int_equal(moat_update_confirm(port), MOAT_ERR_PORT_COUNTER_OVERFLOW);
    take(port, &b);
    assert_unchanged(&a, &b, 1);
    /* the lagging counters do not open a rollback: the record's active
     * image (epoch 1) still bars an epoch-0 manifest at begin */
    mk(&old, g_img2, IMG_LEN, 0, 9, 9, 2);
    assert_int_equal(moat_update_stream_begin(&s, port, &old), MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    take(port, &b);
    assert_unchanged(&a, &b, 1);
    /* NULL counter_status is allowed */
    assert_int_equal(moat_update_boot(port, &slot, NULL), MOAT_OK);
    assert_int_equal(slot, 1);
    d->narrow = false;
    /* a port that can hold the values completes them at the next boot */
    assert_int_equal(moat_update_boot(port, &slot, &crc), MOAT_OK);
    assert_int_equal(crc, MOAT_OK);
    assert_true(ctr(port, MOAT_UPDATE_COUNTER_SEQUENCE) == ((1ull << 32) | 1u));
}

/* Same with a counter that can no longer be read (MOAT_ERR_PORT_CORRUPT). */
static void test_boot_counter_corrupt_still_boots_active(void **state)
{
    dev *d = *state;
    const moat_port *port = aligned_port(d, 1);
    moat_update_manifest m1;
    snap a, b;
    uint32_t slot = 99;
    moat_err crc = MOAT_OK;
    install_v1(port, &m1);
    take(port, &a);
    d->ctr_corrupt = true;
    assert_int_equal(moat_update_boot(port, &slot, &crc), MOAT_OK);
    assert_int_equal(slot, 1);
    assert_int_equal(crc, MOAT_ERR_PORT_CORRUPT);
    assert_int_equal(moat_update_confirm(port), MOAT_ERR_PORT_CORRUPT);
    d->ctr_corrupt = false;
    take(port, &b);
    assert_unchanged(&a, &b, 1);
    /* and a trial candidate is still tried: the counters never decide the slot */
    {
        moat_update_manifest m2;
        mk(&m2, g_img2, IMG_LEN, 0, 2, 2, 2);
        assert_int_equal(stage(port, &m2, g_img2), MOAT_OK);
        assert_int_equal(moat_update_trial(port), MOAT_OK);
        d->ctr_corrupt = true;
        slot = 99;
        assert_int_equal(moat_update_boot(port, &slot, &crc), MOAT_OK);
        assert_int_equal(slot, 0);
        assert_int_equal(crc, MOAT_ERR_PORT_CORRUPT);
        d->ctr_corrupt = false;
    }
}

/*
 * Review finding (brick.c, scenario B): in TRIAL (not yet booted), a
 * candidate slot that cannot be read (MOAT_ERR_PORT_IO) made every boot
 * fail. Now the trial is dropped (REVERTED, one record write) and the
 * verified active image boots; counters and the active slot untouched.
 */
static void test_boot_candidate_unreadable_reverts(void **state)
{
    dev *d = *state;
    const moat_port *port = aligned_port(d, 1);
    moat_update_manifest m1, m2;
    moat_update_install st;
    snap a, b;
    uint32_t slot;
    moat_err crc;
    int i;
    install_v1(port, &m1); /* v1 confirmed in slot 1 */
    mk(&m2, g_img2, IMG_LEN, 0, 2, 2, 2);
    assert_int_equal(stage(port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(port), MOAT_OK);
    take(port, &a);
    d->bad_slot_p1 = 0 + 1u; /* slot 0, the candidate, now unreadable */
    for (i = 0; i < 3; i++) {
        slot = 99;
        crc = MOAT_ERR_INTERNAL;
        assert_int_equal(moat_update_boot(port, &slot, &crc), MOAT_OK);
        assert_int_equal(slot, 1);
        assert_int_equal(crc, MOAT_OK);
        assert_int_equal(moat_update_install_read(port, &st), MOAT_OK);
        assert_int_equal(st.state, MOAT_UPDATE_STATE_REVERTED);
        assert_false(st.candidate.valid);
        assert_int_equal(st.active.slot, 1);
        assert_memory_equal(st.active.digest, m1.digest, 32);
        dev_reboot(d);
    }
    d->bad_slot_p1 = 0;
    take(port, &b);
    assert_true(a.seq == b.seq && a.svn == b.svn);
    assert_true(b.seq == 1 && b.svn == 1);
    assert_memory_equal(a.slot_digest[1], b.slot_digest[1], 32);
    /* the update can be staged again once the slot is readable */
    assert_int_equal(stage(port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(port), MOAT_OK);
    assert_int_equal(boot(port), 0);
    /* an unreadable ACTIVE image is still an error (nothing verified to boot) */
    assert_int_equal(moat_update_revert(port), MOAT_OK);
    d->bad_slot_p1 = 1 + 1u;
    slot = 99;
    assert_int_equal(moat_update_boot(port, &slot, NULL), MOAT_ERR_PORT_IO);
    assert_int_equal(slot, MOAT_PORT_SLOT_COUNT);
    d->bad_slot_p1 = 0;
}

/* ================================================== power-cut sweeps */

typedef enum flow { FLOW_UPDATE, FLOW_REVERT } flow;

static moat_update_manifest g_m1, g_m2;

/* The scripted flow from v1 confirmed (slot 1): stage v2 into slot 0,
 * trial, trial boot, then confirm + boot (UPDATE) or a second boot without
 * confirm (REVERT). Stops at the first error (the cut). */
static moat_err run_flow(const moat_port *port, flow f)
{
    uint32_t s;
    moat_err rc = moat_update_boot(port, &s, NULL);
    if (rc == MOAT_OK) {
        rc = stage(port, &g_m2, g_img2);
    }
    if (rc == MOAT_OK) {
        rc = moat_update_trial(port);
    }
    if (rc == MOAT_OK) {
        rc = moat_update_boot(port, &s, NULL);
    }
    if (rc == MOAT_OK && f == FLOW_UPDATE) {
        rc = moat_update_confirm(port);
    }
    if (rc == MOAT_OK) {
        rc = moat_update_boot(port, &s, NULL);
    }
    return rc;
}

/*
 * After a reboot: the boot decision must pick an authentic image (its slot
 * hashes to the digest of a verified manifest, v1 or v2, byte for byte),
 * never rolled back (its counter values at least the counters), and the
 * counters never above the confirmed (active) image. Returns the writes the
 * boot decision made (the recovery writes).
 */
static uint32_t check_consistent(dev *d)
{
    uint32_t slot = 99, w;
    moat_update_install st;
    const moat_update_image *img;
    uint8_t buf[SLOT_SIZE];
    uint8_t dg[32];
    uint64_t seq, svn;
    moat_err crc = MOAT_ERR_INTERNAL;
    assert_int_equal(moat_update_boot(&d->port, &slot, &crc), MOAT_OK);
    assert_int_equal(crc, MOAT_OK);
    w = moat_port_fault_writes(&d->f);
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
    assert_true(st.active.valid);
    if (st.state == MOAT_UPDATE_STATE_TRIAL && st.trial_booted && slot == st.candidate.slot) {
        img = &st.candidate;
    } else {
        assert_int_equal(slot, st.active.slot);
        img = &st.active;
    }
    assert_int_equal(img->slot, slot);
    assert_int_equal(moat_port_slot_read(&d->port, slot, 0, buf, (size_t)img->size), MOAT_OK);
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, buf, (size_t)img->size, dg), MOAT_OK);
    assert_memory_equal(dg, img->digest, 32);
    if (memcmp(img->digest, g_m1.digest, 32) == 0) {
        assert_int_equal(slot, g_m1.slot);
        assert_memory_equal(buf, g_img1, IMG_LEN);
    } else {
        assert_memory_equal(img->digest, g_m2.digest, 32);
        assert_int_equal(slot, g_m2.slot);
        assert_memory_equal(buf, g_img2, IMG_LEN);
    }
    seq = ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE);
    svn = ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE);
    /* counters exactly at the confirmed image (caught up by the boot) */
    assert_true(seq == st.active.sequence_counter);
    assert_true(svn == st.active.svn_counter);
    /* what boots is not below them */
    assert_true(img->sequence_counter >= seq && img->svn_counter >= svn);
    return w;
}

/* Liveness after recovery: the device still reaches its goal. UPDATE: v2
 * confirmed in slot 0 (counters 2/2). REVERT: a trial left unconfirmed
 * always ends on v1 (slot 1, counters 1/1). */
static void finish_flow(dev *d, flow f)
{
    moat_update_install st;
    int i;
    if (f == FLOW_REVERT) {
        (void)boot(&d->port);
        (void)boot(&d->port);
        assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
        assert_true(st.state != MOAT_UPDATE_STATE_TRIAL);
        assert_int_equal(st.active.slot, 1);
        assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
        assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
        return;
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
        if (st.state == MOAT_UPDATE_STATE_CONFIRMED && st.active.slot == 0) {
            break;
        }
        if (st.state == MOAT_UPDATE_STATE_TRIAL && st.trial_booted) {
            assert_int_equal(moat_update_confirm(&d->port), MOAT_OK); /* running v2 */
        } else if (st.state == MOAT_UPDATE_STATE_TRIAL) {
            assert_int_equal(boot(&d->port), 0);
        } else if (st.state == MOAT_UPDATE_STATE_STAGED) {
            assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
        } else {
            assert_int_equal(stage(&d->port, &g_m2, g_img2), MOAT_OK);
        }
    }
    assert_int_equal(boot(&d->port), 0);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_CONFIRMED);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 2);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 2);
}

/* Put the device back to the template state (v1 confirmed). */
static void restore(dev *d, const char *tmpl)
{
    moat_port_posix_close(&d->p);
    rm_tree(d->dir);
    copy_dir(tmpl, d->dir);
    dev_open(d);
}

/* Run @p f with a cut at write @p n in @p mode, then power back on. */
static void cut_run(dev *d, const char *tmpl, flow f, uint32_t n, moat_port_fault_cut_mode mode)
{
    restore(d, tmpl);
    moat_port_fault_cut_at(&d->f, n, mode);
    assert_int_equal(run_flow(&d->port, f), MOAT_ERR_PORT_POWER_CUT);
    assert_true(moat_port_fault_is_cut(&d->f));
    dev_reboot(d);
}

static void sweep(void **state, flow f)
{
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    dev *d = *state;
    char tmpl[160];
    uint32_t total, n, m, r;
    size_t k;
    unsigned cases = 0, second = 0;

    /* template: v1 confirmed in slot 1 */
    install_v1(&d->port, &g_m1);
    mk(&g_m2, g_img2, IMG_LEN, 0, 2, 2, 2);
    moat_port_posix_close(&d->p);
    (void)snprintf(tmpl, sizeof(tmpl), "%s.tmpl", d->dir);
    rm_tree(tmpl);
    copy_dir(d->dir, tmpl);
    dev_open(d);

    /* dry run: how many persistent writes the whole flow makes */
    restore(d, tmpl);
    assert_int_equal(run_flow(&d->port, f), MOAT_OK);
    total = moat_port_fault_writes(&d->f);
    assert_true(total >= (f == FLOW_UPDATE ? 9u : 7u));
    (void)check_consistent(d);
    finish_flow(d, f);

    for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
        for (n = 1; n <= total; n++) {
            cut_run(d, tmpl, f, n, modes[k]);
            r = check_consistent(d);
            finish_flow(d, f);
            cases++;
            /* a second cut at every write of the recovery */
            for (m = 1; m <= r; m++) {
                cut_run(d, tmpl, f, n, modes[k]);
                moat_port_fault_cut_at(&d->f, m, modes[k]);
                {
                    uint32_t slot;
                    assert_int_equal(moat_update_boot(&d->port, &slot, NULL),
                                     MOAT_ERR_PORT_POWER_CUT);
                }
                dev_reboot(d);
                (void)check_consistent(d);
                finish_flow(d, f);
                second++;
            }
        }
    }
    print_message("%s: %u writes, %u first cuts, %u second cuts\n",
                  f == FLOW_UPDATE ? "update" : "revert", (unsigned)total, cases, second);
    assert_true(second > 0);
    rm_tree(tmpl);
}

static void test_power_cut_stage_trial_confirm(void **state)
{
    sweep(state, FLOW_UPDATE);
}

static void test_power_cut_stage_trial_revert(void **state)
{
    sweep(state, FLOW_REVERT);
}

/* ------------------------------------ power cuts of an explicit revert */

/*
 * What a device does when power returns after a cut revert: the boot
 * decision, then (the application still wanting the update gone) the
 * revert again if an update is still pending, then the next boot.
 */
static moat_err recover_revert(const moat_port *port)
{
    uint32_t s;
    moat_update_state st = MOAT_UPDATE_STATE_NONE;
    moat_err rc = moat_update_boot(port, &s, NULL);
    if (rc == MOAT_OK) {
        rc = moat_update_status(port, &st);
    }
    if (rc == MOAT_OK &&
        (st == MOAT_UPDATE_STATE_TRIAL || st == MOAT_UPDATE_STATE_STAGED)) {
        rc = moat_update_revert(port);
    }
    if (rc == MOAT_OK) {
        rc = moat_update_boot(port, &s, NULL);
    }
    return rc;
}

/* The goal of a revert, reached: REVERTED, v1 active in slot 1 (byte for
 * byte), no candidate, counters still at v1 (1/1), and it boots. */
static void finish_revert(dev *d)
{
    moat_update_install st;
    uint8_t buf[SLOT_SIZE];
    assert_int_equal(recover_revert(&d->port), MOAT_OK);
    assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_REVERTED);
    assert_true(st.active.valid && st.active.slot == 1 && !st.candidate.valid);
    assert_memory_equal(st.active.digest, g_m1.digest, 32);
    assert_int_equal(boot(&d->port), 1);
    assert_int_equal(moat_port_slot_read(&d->port, 1, 0, buf, sizeof(buf)), MOAT_OK);
    assert_memory_equal(buf, g_img1, IMG_LEN);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 1);
}

/* From template @p tmpl: moat_update_revert() cut at its write @p n in
 * @p mode, then power back on. Checks what the cut left: counters and
 * both slots as in the template (revert writes neither), the install
 * record either the template's bytes (the write did not land) or REVERTED
 * to v1; BEFORE/TORN of the first write leave the template's bytes, AFTER
 * of the last leaves REVERTED. */
static void revert_cut(dev *d, const char *tmpl, const snap *t, uint32_t n, uint32_t total,
                       moat_port_fault_cut_mode mode)
{
    moat_update_install st;
    snap b;
    bool same;
    restore(d, tmpl);
    moat_port_fault_cut_at(&d->f, n, mode);
    assert_int_equal(moat_update_revert(&d->port), MOAT_ERR_PORT_POWER_CUT);
    assert_true(moat_port_fault_is_cut(&d->f));
    dev_reboot(d);
    take(&d->port, &b);
    assert_true(b.seq == t->seq && b.svn == t->svn);
    assert_memory_equal(b.slot_digest[0], t->slot_digest[0], 32);
    assert_memory_equal(b.slot_digest[1], t->slot_digest[1], 32);
    assert_int_equal(b.rec_rc, MOAT_OK);
    same = b.rec_len == t->rec_len && memcmp(b.rec, t->rec, sizeof(b.rec)) == 0;
    if (!same) {
        assert_int_equal(moat_update_install_read(&d->port, &st), MOAT_OK);
        assert_int_equal(st.state, MOAT_UPDATE_STATE_REVERTED);
        assert_true(st.active.slot == 1 && !st.candidate.valid);
        assert_memory_equal(st.active.digest, g_m1.digest, 32);
    }
    if (mode != MOAT_PORT_FAULT_CUT_AFTER && n == 1) {
        assert_true(same);
    }
    if (mode == MOAT_PORT_FAULT_CUT_AFTER && n == total) {
        assert_false(same);
    }
}

/* Sweep every write of moat_update_revert() from template @p tmpl in every
 * cut mode, with a second cut at every write of the recovery. */
static void revert_sweep(dev *d, const char *tmpl, unsigned *cases, unsigned *second)
{
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    snap t;
    uint32_t total, n, m, r;
    size_t k;

    /* dry run: the writes of the revert itself (documented: one record write) */
    restore(d, tmpl);
    take(&d->port, &t);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_TRIAL);
    assert_int_equal(moat_update_revert(&d->port), MOAT_OK);
    total = moat_port_fault_writes(&d->f);
    assert_int_equal(total, 1);
    (void)check_consistent(d);
    finish_revert(d);

    for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
        for (n = 1; n <= total; n++) {
            /* the cut, then the boot decision and the recovery */
            revert_cut(d, tmpl, &t, n, total, modes[k]);
            (void)check_consistent(d);
            finish_revert(d);
            (*cases)++;
            /* the writes the recovery makes from that state */
            revert_cut(d, tmpl, &t, n, total, modes[k]);
            assert_int_equal(recover_revert(&d->port), MOAT_OK);
            r = moat_port_fault_writes(&d->f);
            finish_revert(d);
            /* a second cut at every one of them */
            for (m = 1; m <= r; m++) {
                revert_cut(d, tmpl, &t, n, total, modes[k]);
                moat_port_fault_cut_at(&d->f, m, modes[k]);
                assert_int_equal(recover_revert(&d->port), MOAT_ERR_PORT_POWER_CUT);
                assert_true(moat_port_fault_is_cut(&d->f));
                dev_reboot(d);
                (void)check_consistent(d);
                finish_revert(d);
                (*second)++;
            }
        }
    }
}

/*
 * Power cut at every write of moat_update_revert() itself, called from
 * TRIAL (before the trial boot: the old image cancels the update; after it:
 * the trial image rejects itself), modes BEFORE/AFTER/TORN, and a second
 * cut at every write of the recovery. After each the device boots an
 * authentic image that is not rolled back (check_consistent), counters
 * never move, and the revert is finally completed (v1 active).
 */
static void test_power_cut_explicit_revert(void **state)
{
    dev *d = *state;
    char trial[160], booted[160];
    unsigned cases = 0, second = 0;

    /* templates: v1 confirmed in slot 1, v2 staged in slot 0, TRIAL not
     * booted / TRIAL booted */
    install_v1(&d->port, &g_m1);
    mk(&g_m2, g_img2, IMG_LEN, 0, 2, 2, 2);
    assert_int_equal(stage(&d->port, &g_m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    (void)snprintf(trial, sizeof(trial), "%s.trial", d->dir);
    (void)snprintf(booted, sizeof(booted), "%s.booted", d->dir);
    rm_tree(trial);
    rm_tree(booted);
    moat_port_posix_close(&d->p);
    copy_dir(d->dir, trial);
    dev_open(d);
    assert_int_equal(boot(&d->port), 0); /* the trial boot */
    moat_port_posix_close(&d->p);
    copy_dir(d->dir, booted);
    dev_open(d);

    revert_sweep(d, trial, &cases, &second);
    revert_sweep(d, booted, &cases, &second);
    print_message("explicit revert: %u first cuts, %u second cuts\n", cases, second);
    assert_int_equal(cases, 6);
    assert_true(second > 0);
    rm_tree(trial);
    rm_tree(booted);
}

/* A confirm cut between its record write and the counters: the counters
 * lag (never lead), the next boot completes them, and a manifest accepted
 * against the lagging counters still cannot be staged. */
static void test_power_cut_confirm_counters_completed(void **state)
{
    dev *d = *state;
    moat_update_manifest m1, m2, mid;
    moat_update_stream s;
    install_v1(&d->port, &m1);
    mk(&m2, g_img2, IMG_LEN, 0, 5, 4, 2);
    assert_int_equal(stage(&d->port, &m2, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(boot(&d->port), 0);
    moat_port_fault_reboot(&d->f);
    moat_port_fault_cut_at(&d->f, 2, MOAT_PORT_FAULT_CUT_BEFORE); /* the sequence counter */
    assert_int_equal(moat_update_confirm(&d->port), MOAT_ERR_PORT_POWER_CUT);
    dev_reboot(d);
    assert_int_equal(state_of(&d->port), MOAT_UPDATE_STATE_CONFIRMED);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    mk(&mid, g_img1, IMG_LEN, 1, 3, 4, 3); /* seq 3: above the lagging counter, below v2 */
    assert_int_equal(moat_update_stream_begin(&s, &d->port, &mid),
                     MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    assert_int_equal(boot(&d->port), 0);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 5);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 4);
}

/* ================================================= end to end (signed) */

static moat_err e2e_rng(void *ctx, uint8_t *out, size_t len)
{
    static uint32_t seed = 77;
    (void)ctx;
    fill_image(out, len, seed++); /* deterministic test keys */
    return MOAT_OK;
}

static void e2e_append(char *out, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(out);
    va_list ap;
    int w;
    va_start(ap, fmt);
    w = vsnprintf(out + len, cap - len, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < cap - len);
}

static size_t e2e_sign(const char *payload, const moat_signer *signer, char *out, size_t cap)
{
    size_t len = 0;
    assert_int_equal(moat_jws_json_sign(NULL, 0, (const uint8_t *)payload, strlen(payload),
                                        signer, NULL, NULL, 0, out, cap, &len),
                     MOAT_OK);
    return len;
}

/* A signed trust root and manifest through moat_update_root_bootstrap()
 * and moat_update_manifest_verify(), then the stream and the install: the
 * path a device takes. Counters move at confirm only. */
static void test_signed_manifest_install(void **state)
{
    static char doc[8192];
    static uint8_t work[MOAT_UPDATE_WORK_SIZE(8192)];
    static const char vendor[] = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    static const char klass[] = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
    const int64_t now = 1767225600LL;
    dev *d = *state;
    moat_ec_private_key kr, kt;
    moat_signer sr, stg;
    char jr[MOAT_JWK_EMIT_MAX + 1], jt[MOAT_JWK_EMIT_MAX + 1], dg[64], payload[2048];
    size_t lr = 0, lt = 0, len, dl = 0;
    moat_update_root root;
    moat_update_device dv;
    moat_update_manifest m;

    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, e2e_rng, NULL, &kr), MOAT_OK);
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, e2e_rng, NULL, &kt), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&sr, &kr), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&stg, &kt), MOAT_OK);
    assert_int_equal(moat_jwk_emit(&sr.pub, jr, sizeof(jr) - 1, &lr), MOAT_OK);
    assert_int_equal(moat_jwk_emit(&stg.pub, jt, sizeof(jt) - 1, &lt), MOAT_OK);
    jr[lr] = '\0';
    jt[lt] = '\0';

    payload[0] = '\0';
    e2e_append(payload, sizeof(payload),
               "{\"moat_root\":1,\"version\":1,\"expires\":%lld,\"roles\":{\"root\":{\"keys\":[%s],"
               "\"threshold\":1},\"targets\":{\"keys\":[%s],\"threshold\":1}}}",
               (long long)(now + 86400), jr, jt);
    len = e2e_sign(payload, &sr, doc, sizeof(doc));
    assert_int_equal(moat_update_root_bootstrap(&d->port, doc, len, now, work, sizeof(work), &root),
                     MOAT_OK);

    memset(&dv, 0, sizeof(dv));
    assert_int_equal(moat_update_uuid_parse(vendor, 36, dv.vendor_id), MOAT_OK);
    assert_int_equal(moat_update_uuid_parse(klass, 36, dv.class_id), MOAT_OK);
    strcpy(dv.components[0].name, "fw");
    dv.components[0].installed = (moat_update_version){1, 0, 0};
    dv.components[0].slots = 3u;
    dv.ncomponents = 1;

    {
        uint8_t h[32];
        assert_int_equal(moat_hash(MOAT_HASH_SHA256, g_img2, IMG_LEN, h), MOAT_OK);
        assert_int_equal(moat_b64url_encode(h, sizeof(h), dg, sizeof(dg) - 1, &dl), MOAT_OK);
        dg[dl] = '\0';
    }
    payload[0] = '\0';
    e2e_append(payload, sizeof(payload),
               "{\"moat_manifest\":1,\"sequence_epoch\":0,\"sequence\":4,\"expires\":%lld,\"vendor_id\":\"%s\","
               "\"class_id\":\"%s\",\"component\":\"fw\",\"version\":\"2.0.0\",\"svn\":2,"
               "\"size\":%u,\"digest\":{\"alg\":\"sha-256\",\"value\":\"%s\"},\"slot\":1}",
               (long long)(now + 3600), vendor, klass, (unsigned)IMG_LEN, dg);
    len = e2e_sign(payload, &stg, doc, sizeof(doc));
    assert_int_equal(moat_update_manifest_verify(&d->port, doc, len, &root, &dv, now, work,
                                                 sizeof(work), &m),
                     MOAT_OK);
    /* a flipped byte of the image is still caught after a good signature */
    {
        uint8_t bad[IMG_LEN];
        memcpy(bad, g_img2, IMG_LEN);
        bad[IMG_LEN / 3] ^= 0x80;
        stream_attack(d, &m, bad, IMG_LEN, MOAT_ERR_UPDATE_DIGEST);
    }
    assert_int_equal(stage(&d->port, &m, g_img2), MOAT_OK);
    assert_int_equal(moat_update_trial(&d->port), MOAT_OK);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), 0);
    assert_int_equal(boot(&d->port), 1);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), 0);
    assert_int_equal(moat_update_confirm(&d->port), MOAT_OK);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SEQUENCE), m.sequence_counter);
    assert_int_equal(ctr(&d->port, MOAT_UPDATE_COUNTER_SVN_BASE), m.svn_counter);
    /* the same manifest is now a rollback by sequence */
    assert_int_equal(moat_update_manifest_verify(&d->port, doc, len, &root, &dv, now, work,
                                                 sizeof(work), &m),
                     MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    moat_ec_private_wipe(&kr);
    moat_ec_private_wipe(&kt);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, dev_setup, dev_teardown)
    const struct CMUnitTest tests[] = {
        T(test_image_byte_flipped_first),
        T(test_image_byte_flipped_middle),
        T(test_image_byte_flipped_last),
        T(test_image_extra_bytes),
        T(test_image_shorter_than_size),
        T(test_image_longer_than_size),
        T(test_image_size_2_63),
        T(test_chunking_invariance),
        T(test_image_changed_after_hash),
        T(test_install_cycle),
        T(test_counter_not_bumped_before_confirm),
        T(test_trial_not_confirmed_reverts),
        T(test_downgrade_through_revert),
        T(test_install_record_malformed),
        T(test_active_image_corrupt),
        T(test_install_bad_arguments),
        T(test_boot_counter_overflow_still_boots_active),
        T(test_boot_counter_corrupt_still_boots_active),
        T(test_boot_candidate_unreadable_reverts),
        T(test_power_cut_stage_trial_confirm),
        T(test_power_cut_stage_trial_revert),
        T(test_power_cut_explicit_revert),
        T(test_power_cut_confirm_counters_completed),
        T(test_signed_manifest_install),
    };
#undef T
    fill_image(g_img1, IMG_LEN, 1);
    fill_image(g_img2, IMG_LEN, 2);
    fill_image(g_img3, IMG_LEN, 3);
    return cmocka_run_group_tests_name("update_install", tests, NULL, NULL);
}
