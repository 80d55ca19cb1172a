/*
 * POSIX port: see moat_port_posix.h for the on-disk layout and guarantees.
 *
 * Durability follows POSIX.1-2017: fsync() makes a file's data durable,
 * rename() atomically replaces a directory entry, and fsync() on the
 * directory makes the entry change durable (Linux ext4/xfs/btrfs semantics).
 */
#define _GNU_SOURCE 1

#include "moat_port_posix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "moat/core.h"
#include "moat/crypto.h"

/* ------------------------------------------------------------- constants */

#define NAME_MAX_ 32u                          /* longest file name we build */
#define ENV_HDR 12u                            /* magic(4) + id(4, LE) + length(4, LE) */
#define ENV_TAG 32u                            /* SHA-256 */
#define ENV_MAX (ENV_HDR + MOAT_PORT_RECORD_MAX + ENV_TAG)
#define COUNTER_SIZE 8u                        /* uint64, little-endian */
#define IO_CHUNK 4096u
#define FILE_MODE 0600
#define DIR_MODE 0700
#define TMP_SUFFIX ".tmp"
#define DEFAULT_FIRMWARE "/proc/self/exe"
#define UDS_NAME "uds"
#define INIT_MARKER "initializing"
#define INIT_MARKER_TEXT "moat posix port: initialisation in progress\n"
#define REC_PREFIX "rec-"
#define CTR_PREFIX "ctr-"
#define KEY_PREFIX "key-"
#define SLOT_PREFIX "slot-"

/* Kinds of enveloped files; the magic is hashed with the id and payload. */
typedef enum env_kind { KIND_RECORD = 0, KIND_COUNTER = 1, KIND_KEY = 2 } env_kind;
static const char *const kind_magic[3] = {"MRC1", "MCT1", "MKY1"};
static const char *const kind_prefix[3] = {REC_PREFIX, CTR_PREFIX, KEY_PREFIX};

/* ------------------------------------------------------ test crash points */

#ifdef MOAT_PORT_POSIX_CRASH_POINTS
static uint32_t g_crash_at;    /* 0: disarmed */
static uint32_t g_crash_steps; /* steps since arming */
static bool g_crashed;
static bool g_entropy_fail;

void moat_port_posix_test_crash_at(uint32_t step)
{
    g_crash_at = step;
    g_crash_steps = 0;
    g_crashed = false;
}

uint32_t moat_port_posix_test_steps(void)
{
    return g_crash_steps;
}

bool moat_port_posix_test_crashed(void)
{
    return g_crashed;
}

void moat_port_posix_test_entropy_fail(bool fail)
{
    g_entropy_fail = fail;
}

/* One persistent step done; true if the armed crash fires here. */
static bool crash_point(void)
{
    if (g_crashed) {
        return true; /* already dead: nothing more happens */
    }
    if (g_crash_steps < UINT32_MAX) {
        g_crash_steps++;
    }
    if (g_crash_at != 0 && g_crash_steps == g_crash_at) {
        g_crashed = true;
        return true;
    }
    return false;
}
#define CRASH_POINT() crash_point()
#else
#define CRASH_POINT() false
#endif

/* ---------------------------------------------------------------- helpers */

static moat_port_posix *ctx_of(void *ctx)
{
    moat_port_posix *p = (moat_port_posix *)ctx;
    return (p != NULL && p->open) ? p : NULL;
}

static void put_le32(uint8_t *b, uint32_t v)
{
    for (unsigned i = 0; i < 4u; i++) {
        b[i] = (uint8_t)(v >> (8u * i));
    }
}

static uint32_t get_le32(const uint8_t *b)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4u; i++) {
        v |= (uint32_t)b[i] << (8u * i);
    }
    return v;
}

static void put_le64(uint8_t *b, uint64_t v)
{
    for (unsigned i = 0; i < 8u; i++) {
        b[i] = (uint8_t)(v >> (8u * i));
    }
}

static uint64_t get_le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        v |= (uint64_t)b[i] << (8u * i);
    }
    return v;
}

static void make_name(char *out, const char *prefix, uint32_t id, const char *suffix)
{
    (void)snprintf(out, NAME_MAX_, "%s%08x%s", prefix, (unsigned)id, suffix);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Write all of @p len bytes (retrying EINTR and short writes). */
static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int pwrite_all(int fd, const uint8_t *data, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, data, len, off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += (size_t)n;
        len -= (size_t)n;
        off += (off_t)n;
    }
    return 0;
}

/* Read exactly @p len bytes; -1 on error or early EOF. */
static int pread_all(int fd, uint8_t *buf, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pread(fd, buf, len, off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (n == 0) {
            return -1;
        }
        buf += (size_t)n;
        len -= (size_t)n;
        off += (off_t)n;
    }
    return 0;
}

static int fsync_retry(int fd)
{
    int r;
    do {
        r = fsync(fd);
    } while (r != 0 && errno == EINTR);
    return r;
}

/*
 * Create NAME.tmp for writing: a stale one (crash leftover, or anything
 * planted there, symlinks included) is unlinked first, then the file is
 * created exclusively, never following a symlink. Returns the fd or -1.
 */
static int tmp_create(moat_port_posix *p, const char *tmp)
{
    if (unlinkat(p->dir_fd, tmp, 0) != 0 && errno != ENOENT) {
        return -1;
    }
    return openat(p->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  FILE_MODE);
}

/*
 * Atomically replace @p name with @p len bytes: tmp file, fsync, rename,
 * fsync(dir). A failure before the rename leaves the old file untouched and
 * removes the tmp. A failure of the final directory fsync returns
 * MOAT_ERR_PORT_IO with the new content possibly in place (it cannot be
 * undone; port.h documents what the caller may assume).
 */
static moat_err atomic_write(moat_port_posix *p, const char *name,
                             const uint8_t *data, size_t len)
{
    char tmp[NAME_MAX_ + sizeof(TMP_SUFFIX)];
    size_t half = len / 2u;
    int fd;
    (void)snprintf(tmp, sizeof(tmp), "%s%s", name, TMP_SUFFIX);
    fd = tmp_create(p, tmp);
    if (fd < 0) {
        return MOAT_ERR_PORT_IO;
    }
    if (fchmod(fd, FILE_MODE) != 0 || write_all(fd, data, half) != 0) {
        goto fail;
    }
    if (CRASH_POINT()) { /* step 1: half of the new bytes written */
        (void)close(fd);
        return MOAT_ERR_PORT_POWER_CUT;
    }
    if (len > half && write_all(fd, data + half, len - half) != 0) {
        goto fail;
    }
    if (CRASH_POINT()) { /* step 2: all written, not synced */
        (void)close(fd);
        return MOAT_ERR_PORT_POWER_CUT;
    }
    if (fsync_retry(fd) != 0) {
        goto fail;
    }
    if (close(fd) != 0) {
        (void)unlinkat(p->dir_fd, tmp, 0);
        return MOAT_ERR_PORT_IO;
    }
    if (CRASH_POINT()) { /* step 3: tmp durable, not renamed */
        return MOAT_ERR_PORT_POWER_CUT;
    }
    if (renameat(p->dir_fd, tmp, p->dir_fd, name) != 0) {
        (void)unlinkat(p->dir_fd, tmp, 0);
        return MOAT_ERR_PORT_IO;
    }
    if (CRASH_POINT()) { /* step 4: renamed, directory not synced */
        return MOAT_ERR_PORT_POWER_CUT;
    }
    /* The rename happened; if the directory sync fails the new content may
     * or may not survive a power loss: report the failure (the caller
     * re-reads or retries, see the MOAT_ERR_PORT_IO rule of port.h). */
    if (fsync_retry(p->dir_fd) != 0) {
        return MOAT_ERR_PORT_IO;
    }
    if (CRASH_POINT()) { /* step 5: complete, the caller never learns it */
        return MOAT_ERR_PORT_POWER_CUT;
    }
    return MOAT_OK;
fail:
    (void)close(fd);
    (void)unlinkat(p->dir_fd, tmp, 0);
    return MOAT_ERR_PORT_IO;
}

/* Delete @p name (absent is fine) and make the deletion durable. */
static moat_err durable_unlink(moat_port_posix *p, const char *name)
{
    if (unlinkat(p->dir_fd, name, 0) != 0 && errno != ENOENT) {
        return MOAT_ERR_PORT_IO;
    }
    if (CRASH_POINT()) { /* step 1: unlinked, directory not synced */
        return MOAT_ERR_PORT_POWER_CUT;
    }
    if (fsync_retry(p->dir_fd) != 0) {
        return MOAT_ERR_PORT_IO;
    }
    if (CRASH_POINT()) { /* step 2: complete */
        return MOAT_ERR_PORT_POWER_CUT;
    }
    return MOAT_OK;
}

/*
 * Read a whole small file into @p buf (at most @p cap bytes).
 * MOAT_ERR_PORT_NOT_FOUND if absent, MOAT_ERR_PORT_CORRUPT if larger than
 * @p cap or not a regular file. On failure @p buf is wiped.
 */
static moat_err read_small(moat_port_posix *p, const char *name, uint8_t *buf,
                           size_t cap, size_t *len)
{
    struct stat st;
    moat_err rc = MOAT_OK;
    /* O_NONBLOCK: a FIFO planted under a state name must not hang the open */
    int fd = openat(p->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    *len = 0;
    if (fd < 0) {
        if (errno == ENOENT) {
            return MOAT_ERR_PORT_NOT_FOUND;
        }
        return errno == ELOOP ? MOAT_ERR_PORT_CORRUPT : MOAT_ERR_PORT_IO;
    }
    if (fstat(fd, &st) != 0) {
        rc = MOAT_ERR_PORT_IO;
    } else if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
               (uint64_t)st.st_size > (uint64_t)cap) {
        rc = MOAT_ERR_PORT_CORRUPT;
    } else if (pread_all(fd, buf, (size_t)st.st_size, 0) != 0) {
        rc = MOAT_ERR_PORT_IO;
    } else {
        *len = (size_t)st.st_size;
    }
    (void)close(fd);
    if (rc != MOAT_OK) {
        moat_wipe(buf, cap);
        *len = 0;
    }
    return rc;
}

/* ---------------------------------------------------------------- envelope */

/* Build the envelope of @p data (kind, id) into @p env; returns its length. */
static size_t envelope_seal(env_kind kind, uint32_t id, const uint8_t *data, size_t len,
                            uint8_t *env)
{
    memcpy(env, kind_magic[kind], 4);
    put_le32(env + 4, id);
    put_le32(env + 8, (uint32_t)len);
    if (len > 0) {
        memcpy(env + ENV_HDR, data, len);
    }
    (void)moat_hash(MOAT_HASH_SHA256, env, ENV_HDR + len, env + ENV_HDR + len);
    return ENV_HDR + len + ENV_TAG;
}

/* Check an envelope of @p n bytes for (kind, id); payload/plen point inside. */
static moat_err envelope_open(env_kind kind, uint32_t id, const uint8_t *env, size_t n,
                              const uint8_t **payload, size_t *plen)
{
    uint8_t tag[ENV_TAG];
    uint32_t len;
    bool ok;
    if (n < ENV_HDR + ENV_TAG || memcmp(env, kind_magic[kind], 4) != 0 ||
        get_le32(env + 4) != id) {
        return MOAT_ERR_PORT_CORRUPT;
    }
    len = get_le32(env + 8);
    if (len > MOAT_PORT_RECORD_MAX || (size_t)len != n - ENV_HDR - ENV_TAG) {
        return MOAT_ERR_PORT_CORRUPT;
    }
    if (moat_hash(MOAT_HASH_SHA256, env, ENV_HDR + len, tag) != MOAT_OK) {
        return MOAT_ERR_INTERNAL;
    }
    ok = moat_ct_equal(tag, env + ENV_HDR + len, ENV_TAG);
    moat_wipe(tag, sizeof(tag));
    if (!ok) {
        return MOAT_ERR_PORT_CORRUPT;
    }
    *payload = env + ENV_HDR;
    *plen = len;
    return MOAT_OK;
}

/* Read and check the enveloped file of (kind, id); payload copied to @p out. */
static moat_err envelope_read(moat_port_posix *p, env_kind kind, uint32_t id, uint8_t *out,
                              size_t cap, size_t *len)
{
    uint8_t env[ENV_MAX];
    char name[NAME_MAX_];
    const uint8_t *payload = NULL;
    size_t n = 0;
    size_t plen = 0;
    moat_err rc;
    make_name(name, kind_prefix[kind], id, "");
    rc = read_small(p, name, env, sizeof(env), &n);
    *len = 0;
    if (rc == MOAT_OK) {
        rc = envelope_open(kind, id, env, n, &payload, &plen);
    }
    if (rc == MOAT_OK) {
        if (plen > cap) {
            *len = plen;
            rc = MOAT_ERR_BUFFER_TOO_SMALL;
        } else {
            if (plen > 0) {
                memcpy(out, payload, plen);
            }
            *len = plen;
        }
    }
    moat_wipe(env, sizeof(env));
    if (rc != MOAT_OK && out != NULL) {
        moat_wipe(out, cap);
    }
    return rc;
}

static moat_err envelope_write(moat_port_posix *p, env_kind kind, uint32_t id,
                               const uint8_t *data, size_t len)
{
    uint8_t env[ENV_MAX];
    char name[NAME_MAX_];
    size_t n = envelope_seal(kind, id, data, len, env);
    moat_err rc;
    make_name(name, kind_prefix[kind], id, "");
    rc = atomic_write(p, name, env, n);
    moat_wipe(env, sizeof(env));
    return rc;
}

/* ---------------------------------------------------------------- entropy */

static moat_err posix_entropy(void *ctx, uint8_t *out, size_t len)
{
    size_t done = 0;
    (void)ctx; /* getrandom needs no state; usable before open too */
    if (out == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
#ifdef MOAT_PORT_POSIX_CRASH_POINTS
    if (g_entropy_fail) {
        /* a source that fails part-way: the partial output must not leak */
        if (len / 2u > 0) {
            (void)getrandom(out, len / 2u, 0);
        }
        moat_wipe(out, len);
        return MOAT_ERR_PORT_ENTROPY;
    }
#endif
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            moat_wipe(out, len);
            return MOAT_ERR_PORT_ENTROPY;
        }
        if (n == 0) {
            moat_wipe(out, len);
            return MOAT_ERR_PORT_ENTROPY;
        }
        done += (size_t)n;
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------------- time */

static moat_err posix_time_now(void *ctx, int64_t *unix_seconds)
{
    moat_port_posix *p = ctx_of(ctx);
    struct timespec ts;
    if (unix_seconds == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *unix_seconds = 0;
    if (p == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (p->no_time || clock_gettime(CLOCK_REALTIME, &ts) != 0 ||
        (int64_t)ts.tv_sec < (int64_t)MOAT_PORT_POSIX_TIME_FLOOR) {
        return MOAT_ERR_PORT_NO_TIME;
    }
    *unix_seconds = (int64_t)ts.tv_sec;
    return MOAT_OK;
}

/* --------------------------------------------------------- device secret */

static moat_err posix_device_secret(void *ctx, uint8_t *uds, size_t len)
{
    moat_port_posix *p = ctx_of(ctx);
    size_t n = 0;
    moat_err rc;
    if (uds == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (p == NULL || len != MOAT_PORT_UDS_SIZE) {
        moat_wipe(uds, len);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = read_small(p, UDS_NAME, uds, len, &n);
    if (rc == MOAT_ERR_PORT_NOT_FOUND || (rc == MOAT_OK && n != MOAT_PORT_UDS_SIZE)) {
        rc = MOAT_ERR_PORT_CORRUPT; /* an initialised directory always has it */
    }
    if (rc != MOAT_OK) {
        moat_wipe(uds, len);
    }
    return rc;
}

/* ---------------------------------------------------- firmware measurement */

static moat_err posix_measure_firmware(void *ctx, moat_hash_alg alg, uint8_t *digest,
                                       size_t cap, size_t *len)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_hash_ctx h;
    uint8_t buf[IO_CHUNK];
    size_t need = moat_hash_size(alg);
    moat_err rc = MOAT_OK;
    off_t off = 0;
    int fd;
    if (digest == NULL || len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (p == NULL) {
        moat_wipe(digest, cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (need == 0) {
        moat_wipe(digest, cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    if (cap < need) {
        moat_wipe(digest, cap);
        *len = need;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    fd = open(p->firmware, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        moat_wipe(digest, cap);
        return MOAT_ERR_PORT_IO;
    }
    rc = moat_hash_init(&h, alg);
    while (rc == MOAT_OK) {
        ssize_t n = pread(fd, buf, sizeof(buf), off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = MOAT_ERR_PORT_IO;
        } else if (n == 0) {
            break;
        } else {
            moat_hash_update(&h, buf, (size_t)n);
            off += (off_t)n;
        }
    }
    (void)close(fd);
    if (rc == MOAT_OK) {
        moat_hash_final(&h, digest);
        *len = need;
    } else {
        moat_wipe(&h, sizeof(h));
        moat_wipe(digest, cap);
    }
    return rc;
}

/* --------------------------------------------------------------- counters */

static moat_err counter_store(moat_port_posix *p, uint32_t id, uint64_t value)
{
    uint8_t b[COUNTER_SIZE];
    put_le64(b, value);
    return envelope_write(p, KIND_COUNTER, id, b, sizeof(b));
}

static moat_err posix_counter_read(void *ctx, uint32_t id, uint64_t *value)
{
    moat_port_posix *p = ctx_of(ctx);
    uint8_t b[COUNTER_SIZE];
    size_t n = 0;
    moat_err rc;
    if (value == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *value = 0;
    if (p == NULL || id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = envelope_read(p, KIND_COUNTER, id, b, sizeof(b), &n);
    if (rc == MOAT_ERR_PORT_NOT_FOUND || rc == MOAT_ERR_BUFFER_TOO_SMALL ||
        (rc == MOAT_OK && n != COUNTER_SIZE)) {
        /* every counter file exists from initialisation on: a missing one
         * was deleted, and must never read as 0 again */
        return MOAT_ERR_PORT_CORRUPT;
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    *value = get_le64(b);
    return MOAT_OK;
}

static moat_err posix_counter_advance(void *ctx, uint32_t id, uint64_t new_value)
{
    moat_port_posix *p = ctx_of(ctx);
    uint64_t cur = 0;
    moat_err rc;
    if (p == NULL || id >= MOAT_PORT_COUNTER_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = posix_counter_read(p, id, &cur);
    if (rc != MOAT_OK) {
        return rc; /* corrupt or unreadable: fail closed, change nothing */
    }
    if (new_value < cur) {
        return MOAT_ERR_PORT_COUNTER_DECREASE;
    }
    if (new_value == cur) {
        return MOAT_OK;
    }
    return counter_store(p, id, new_value);
}

/* ---------------------------------------------------------------- records */

static moat_err posix_record_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                                  size_t *len)
{
    moat_port_posix *p = ctx_of(ctx);
    if (len == NULL || (buf == NULL && cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (p == NULL || id >= MOAT_PORT_RECORD_COUNT) {
        if (buf != NULL) {
            moat_wipe(buf, cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return envelope_read(p, KIND_RECORD, id, buf, cap, len);
}

static moat_err posix_record_write(void *ctx, uint32_t id, const uint8_t *data,
                                   size_t len)
{
    moat_port_posix *p = ctx_of(ctx);
    if (p == NULL || id >= MOAT_PORT_RECORD_COUNT || (data == NULL && len != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_PORT_RECORD_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    return envelope_write(p, KIND_RECORD, id, data, len);
}

static moat_err posix_record_erase(void *ctx, uint32_t id)
{
    moat_port_posix *p = ctx_of(ctx);
    char name[NAME_MAX_];
    if (p == NULL || id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    make_name(name, REC_PREFIX, id, "");
    return durable_unlink(p, name);
}

/* ------------------------------------------------------------------ slots */

static void slot_name(char *out, uint32_t slot)
{
    (void)snprintf(out, NAME_MAX_, SLOT_PREFIX "%u.bin", (unsigned)slot);
}

/* Validate @p slot; 0 = ok. */
static moat_err slot_check(moat_port_posix *p, uint32_t slot)
{
    if (p == NULL || slot >= MOAT_PORT_SLOT_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return p->slot_size[slot] == 0 ? MOAT_ERR_PORT_NOT_FOUND : MOAT_OK;
}

static moat_err slot_range(const moat_port_posix *p, uint32_t slot, size_t off, size_t len)
{
    size_t size = p->slot_size[slot];
    if (off > size || len > size - off) {
        return MOAT_ERR_PORT_RANGE;
    }
    return MOAT_OK;
}

static int slot_open(moat_port_posix *p, uint32_t slot, int flags)
{
    char name[NAME_MAX_];
    slot_name(name, slot);
    return openat(p->dir_fd, name, flags | O_CLOEXEC | O_NOFOLLOW);
}

/* Fill [0, size) of @p fd with 0xFF and sync it. */
static int slot_fill_erased(int fd, size_t size)
{
    uint8_t ff[IO_CHUNK];
    size_t off = 0;
    memset(ff, 0xFF, sizeof(ff));
    while (off < size) {
        size_t n = size - off < sizeof(ff) ? size - off : sizeof(ff);
        if (pwrite_all(fd, ff, n, (off_t)off) != 0) {
            return -1;
        }
        off += n;
    }
    return fsync_retry(fd);
}

static moat_err posix_slot_info(void *ctx, uint32_t slot, moat_port_slot_info *info)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_err rc;
    if (info == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(info, sizeof(*info));
    rc = slot_check(p, slot);
    if (rc != MOAT_OK) {
        return rc;
    }
    info->size = p->slot_size[slot];
    info->erase_size = p->erase_size;
    info->write_align = 1;
    info->erased_value = 0xFF;
    return MOAT_OK;
}

static moat_err posix_slot_read(void *ctx, uint32_t slot, size_t off, uint8_t *buf,
                                size_t len)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_err rc;
    int fd;
    if (buf == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = slot_check(p, slot);
    if (rc == MOAT_OK) {
        rc = slot_range(p, slot, off, len);
    }
    if (rc == MOAT_OK && len > 0) {
        fd = slot_open(p, slot, O_RDONLY);
        if (fd < 0) {
            rc = MOAT_ERR_PORT_IO;
        } else {
            if (pread_all(fd, buf, len, (off_t)off) != 0) {
                rc = MOAT_ERR_PORT_IO;
            }
            (void)close(fd);
        }
    }
    if (rc != MOAT_OK && buf != NULL) {
        moat_wipe(buf, len);
    }
    return rc;
}

static moat_err posix_slot_write(void *ctx, uint32_t slot, size_t off,
                                 const uint8_t *data, size_t len)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_err rc;
    int fd;
    if (data == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = slot_check(p, slot);
    if (rc == MOAT_OK) {
        rc = slot_range(p, slot, off, len);
    }
    if (rc != MOAT_OK || len == 0) {
        return rc;
    }
    fd = slot_open(p, slot, O_WRONLY);
    if (fd < 0) {
        return MOAT_ERR_PORT_IO;
    }
    if (pwrite_all(fd, data, len, (off_t)off) != 0 || fsync_retry(fd) != 0) {
        rc = MOAT_ERR_PORT_IO;
    }
    if (close(fd) != 0) {
        rc = MOAT_ERR_PORT_IO;
    }
    return rc;
}

static moat_err posix_slot_erase(void *ctx, uint32_t slot)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_err rc = slot_check(p, slot);
    int fd;
    if (rc != MOAT_OK) {
        return rc;
    }
    fd = slot_open(p, slot, O_WRONLY);
    if (fd < 0) {
        return MOAT_ERR_PORT_IO;
    }
    if (slot_fill_erased(fd, p->slot_size[slot]) != 0) {
        rc = MOAT_ERR_PORT_IO;
    }
    if (close(fd) != 0) {
        rc = MOAT_ERR_PORT_IO;
    }
    return rc;
}

/* Create slot files that are missing; check the size of existing ones. */
static moat_err slots_ensure(moat_port_posix *p)
{
    for (uint32_t s = 0; s < MOAT_PORT_SLOT_COUNT; s++) {
        char name[NAME_MAX_];
        char tmp[NAME_MAX_ + sizeof(TMP_SUFFIX)];
        struct stat st;
        int fd;
        if (p->slot_size[s] == 0) {
            continue;
        }
        slot_name(name, s);
        if (fstatat(p->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
                (uint64_t)st.st_size != (uint64_t)p->slot_size[s]) {
                return MOAT_ERR_PORT_CORRUPT;
            }
            continue;
        }
        if (errno != ENOENT) {
            return MOAT_ERR_PORT_IO;
        }
        (void)snprintf(tmp, sizeof(tmp), "%s%s", name, TMP_SUFFIX);
        fd = tmp_create(p, tmp);
        if (fd < 0) {
            return MOAT_ERR_PORT_IO;
        }
        if (fchmod(fd, FILE_MODE) != 0 || slot_fill_erased(fd, p->slot_size[s]) != 0) {
            (void)close(fd);
            (void)unlinkat(p->dir_fd, tmp, 0);
            return MOAT_ERR_PORT_IO;
        }
        if (close(fd) != 0 || renameat(p->dir_fd, tmp, p->dir_fd, name) != 0) {
            (void)unlinkat(p->dir_fd, tmp, 0);
            return MOAT_ERR_PORT_IO;
        }
        if (fsync_retry(p->dir_fd) != 0) {
            return MOAT_ERR_PORT_IO;
        }
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------------- keys */

/* Load device key @p key_id into @p priv (caller wipes it). */
static moat_err key_load(moat_port_posix *p, uint32_t key_id, moat_ec_private_key *priv)
{
    uint8_t der[MOAT_EC_PRIV_DER_MAX];
    size_t n = 0;
    moat_err rc = envelope_read(p, KIND_KEY, key_id, der, sizeof(der), &n);
    if (rc == MOAT_ERR_BUFFER_TOO_SMALL) {
        rc = MOAT_ERR_PORT_CORRUPT; /* a valid envelope of no key we wrote */
    }
    if (rc == MOAT_OK) {
        rc = moat_ec_private_from_der(der, n, priv);
        if (rc != MOAT_OK) {
            moat_ec_private_wipe(priv);
            rc = MOAT_ERR_PORT_CORRUPT;
        }
    }
    moat_wipe(der, sizeof(der));
    return rc;
}

static moat_err posix_key_generate(void *ctx, uint32_t key_id, moat_curve curve)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_ec_private_key priv;
    uint8_t der[MOAT_EC_PRIV_DER_MAX];
    size_t n = 0;
    moat_err rc;
    if (p == NULL || key_id >= MOAT_PORT_KEY_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_curve_size(curve) == 0) {
        return MOAT_ERR_UNSUPPORTED;
    }
    moat_wipe(&priv, sizeof(priv));
    rc = moat_ec_generate(curve, posix_entropy, p, &priv);
    if (rc == MOAT_ERR_CRYPTO_RNG_FAILED) {
        rc = MOAT_ERR_PORT_ENTROPY;
    }
    if (rc == MOAT_OK) {
        rc = moat_ec_private_to_der(&priv, MOAT_KEY_PKCS8, der, sizeof(der), &n);
    }
    if (rc == MOAT_OK) {
        rc = envelope_write(p, KIND_KEY, key_id, der, n);
    }
    moat_ec_private_wipe(&priv);
    moat_wipe(der, sizeof(der));
    return rc;
}

static moat_err posix_key_public(void *ctx, uint32_t key_id, moat_ec_public_key *pub)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_ec_private_key priv;
    moat_err rc;
    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(pub, sizeof(*pub));
    if (p == NULL || key_id >= MOAT_PORT_KEY_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(&priv, sizeof(priv));
    rc = key_load(p, key_id, &priv);
    if (rc == MOAT_OK) {
        rc = moat_ec_public_from_private(&priv, pub);
    }
    moat_ec_private_wipe(&priv);
    if (rc != MOAT_OK) {
        moat_wipe(pub, sizeof(*pub));
    }
    return rc;
}

/* Every failure wipes sig_raw over MOAT_ECDSA_RAW_MAX (port.h contract):
 * the curve of a key that cannot be loaded is unknown. */
static moat_err posix_key_sign(void *ctx, uint32_t key_id, moat_hash_alg hash_alg,
                               const uint8_t *hash, size_t hash_len, uint8_t *sig_raw)
{
    moat_port_posix *p = ctx_of(ctx);
    moat_ec_private_key priv;
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    size_t sig_len = 0;
    size_t want = 0;
    moat_err rc;
    if (sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (p == NULL || key_id >= MOAT_PORT_KEY_COUNT || hash == NULL) {
        moat_wipe(sig_raw, MOAT_ECDSA_RAW_MAX);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(&priv, sizeof(priv));
    rc = key_load(p, key_id, &priv);
    if (rc == MOAT_OK) {
        want = 2u * moat_curve_size(priv.curve);
        if (want == 0 || want > sizeof(sig)) {
            rc = MOAT_ERR_PORT_CORRUPT;
        } else if (moat_hash_size(hash_alg) == 0 || hash_len != moat_hash_size(hash_alg)) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
        } else {
            rc = moat_ecdsa_sign_digest(&priv, hash_alg, hash, hash_len, MOAT_SIG_RAW, sig,
                                        sizeof(sig), &sig_len);
            if (rc == MOAT_OK && sig_len != want) {
                rc = MOAT_ERR_INTERNAL;
            }
        }
    }
    moat_ec_private_wipe(&priv);
    if (rc == MOAT_OK) {
        memcpy(sig_raw, sig, want);
    } else {
        moat_wipe(sig_raw, MOAT_ECDSA_RAW_MAX);
    }
    moat_wipe(sig, sizeof(sig));
    return rc;
}

/* ------------------------------------------------------------ open/close */

static const moat_port_ops posix_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = posix_entropy,
    .time_now = posix_time_now,
    .device_secret = posix_device_secret,
    .measure_firmware = posix_measure_firmware,
    .counter_read = posix_counter_read,
    .counter_advance = posix_counter_advance,
    .record_read = posix_record_read,
    .record_write = posix_record_write,
    .record_erase = posix_record_erase,
    .slot_info = posix_slot_info,
    .slot_read = posix_slot_read,
    .slot_write = posix_slot_write,
    .slot_erase = posix_slot_erase,
    .key_generate = posix_key_generate,
    .key_public = posix_key_public,
    .key_sign = posix_key_sign,
};

const moat_port_ops *moat_port_posix_ops(void)
{
    return &posix_ops;
}

/* What a scan of the state directory found. */
typedef struct dir_scan {
    bool uds;      /* the UDS file */
    bool marker;   /* an interrupted initialisation */
    bool counters; /* any ctr-* file */
    bool others;   /* any rec-*, key-* or slot-* file */
} dir_scan;

/*
 * Delete NAME.tmp leftovers of an interrupted atomic write and classify
 * the remaining state files (other names are ignored).
 */
static moat_err scan_dir(moat_port_posix *p, dir_scan *scan)
{
    int fd = dup(p->dir_fd);
    DIR *d;
    struct dirent *e;
    moat_err rc = MOAT_OK;
    size_t suf = strlen(TMP_SUFFIX);
    memset(scan, 0, sizeof(*scan));
    if (fd < 0) {
        return MOAT_ERR_PORT_IO;
    }
    d = fdopendir(fd);
    if (d == NULL) {
        (void)close(fd);
        return MOAT_ERR_PORT_IO;
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t n = strlen(nm);
        if (n > suf && strcmp(nm + n - suf, TMP_SUFFIX) == 0) {
            if (unlinkat(p->dir_fd, nm, 0) != 0 && errno != ENOENT) {
                rc = MOAT_ERR_PORT_IO;
            }
        } else if (strcmp(nm, UDS_NAME) == 0) {
            scan->uds = true;
        } else if (strcmp(nm, INIT_MARKER) == 0) {
            scan->marker = true;
        } else if (has_prefix(nm, CTR_PREFIX)) {
            scan->counters = true;
        } else if (has_prefix(nm, REC_PREFIX) || has_prefix(nm, KEY_PREFIX) ||
                   has_prefix(nm, SLOT_PREFIX)) {
            scan->others = true;
        }
    }
    (void)closedir(d);
    return rc;
}

/*
 * Initialise a fresh directory (or redo an interrupted initialisation):
 * marker, every counter at 0, a new UDS, marker removed. Each step is
 * durable; a crash anywhere leaves the marker, so the next open redoes it.
 */
static moat_err state_init(moat_port_posix *p)
{
    static const char marker[] = INIT_MARKER_TEXT;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_err rc = atomic_write(p, INIT_MARKER, (const uint8_t *)marker, sizeof(marker) - 1u);
    for (uint32_t id = 0; rc == MOAT_OK && id < MOAT_PORT_COUNTER_COUNT; id++) {
        rc = counter_store(p, id, 0);
    }
    if (rc == MOAT_OK) {
        rc = posix_entropy(p, uds, sizeof(uds));
    }
    if (rc == MOAT_OK) {
        rc = atomic_write(p, UDS_NAME, uds, sizeof(uds));
    }
    moat_wipe(uds, sizeof(uds));
    if (rc == MOAT_OK) {
        rc = durable_unlink(p, INIT_MARKER);
    }
    return rc;
}

/* With the marker present, only counters at 0 (and a UDS) may exist. */
static moat_err check_interrupted_init(moat_port_posix *p, const dir_scan *scan)
{
    if (scan->others) {
        return MOAT_ERR_PORT_CORRUPT;
    }
    for (uint32_t id = 0; scan->counters && id < MOAT_PORT_COUNTER_COUNT; id++) {
        uint8_t b[COUNTER_SIZE];
        size_t n = 0;
        moat_err rc = envelope_read(p, KIND_COUNTER, id, b, sizeof(b), &n);
        if (rc == MOAT_ERR_PORT_NOT_FOUND) {
            continue;
        }
        if (rc != MOAT_OK) {
            return rc == MOAT_ERR_BUFFER_TOO_SMALL ? MOAT_ERR_PORT_CORRUPT : rc;
        }
        if (n != COUNTER_SIZE || get_le64(b) != 0) {
            return MOAT_ERR_PORT_CORRUPT; /* initialisation never writes that */
        }
    }
    return MOAT_OK;
}

/* Initialise a fresh directory; check an initialised one. */
static moat_err state_ensure(moat_port_posix *p)
{
    dir_scan scan;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    size_t n = 0;
    moat_err rc = scan_dir(p, &scan);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (scan.marker) {
        rc = check_interrupted_init(p, &scan);
        return rc == MOAT_OK ? state_init(p) : rc;
    }
    if (!scan.uds) {
        /* fresh only if no state at all: never regenerate the identity of
         * a device that has state (the UDS was deleted) */
        return (scan.counters || scan.others) ? MOAT_ERR_PORT_CORRUPT : state_init(p);
    }
    rc = read_small(p, UDS_NAME, uds, sizeof(uds), &n);
    if (rc == MOAT_OK && n != MOAT_PORT_UDS_SIZE) {
        rc = MOAT_ERR_PORT_CORRUPT;
    } else if (rc == MOAT_ERR_PORT_NOT_FOUND) {
        rc = MOAT_ERR_PORT_CORRUPT;
    }
    moat_wipe(uds, sizeof(uds));
    return rc;
}

static moat_err config_apply(moat_port_posix *p, const moat_port_posix_config *cfg)
{
    const char *fw = DEFAULT_FIRMWARE;
    size_t es = MOAT_PORT_POSIX_DEFAULT_ERASE_SIZE;
    if (cfg == NULL) {
        p->slot_size[0] = MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE;
        p->slot_size[1] = MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE;
    } else {
        if (cfg->firmware_path != NULL) {
            fw = cfg->firmware_path;
        }
        if (cfg->erase_size != 0) {
            es = cfg->erase_size;
        }
        if ((es & (es - 1u)) != 0 || es > MOAT_PORT_POSIX_SLOT_SIZE_MAX) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        for (unsigned s = 0; s < MOAT_PORT_SLOT_COUNT; s++) {
            size_t sz = cfg->slot_size[s];
            if (sz > MOAT_PORT_POSIX_SLOT_SIZE_MAX || sz % es != 0) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            p->slot_size[s] = sz;
        }
        p->no_time = cfg->no_time;
    }
    p->erase_size = es;
    if (strlen(fw) >= sizeof(p->firmware)) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(p->firmware, fw, strlen(fw) + 1u);
    return MOAT_OK;
}

/* fsync() the parent directory of @p path, so a new entry in it is durable. */
static moat_err sync_parent(const char *path)
{
    char parent[MOAT_PORT_POSIX_PATH_MAX];
    size_t n = strlen(path);
    int fd;
    int r;
    memcpy(parent, path, n + 1u);
    while (n > 1u && parent[n - 1u] == '/') {
        parent[--n] = '\0'; /* "a/b/" names the same entry as "a/b" */
    }
    while (n > 0u && parent[n - 1u] != '/') {
        n--;
    }
    if (n == 0u) {
        parent[0] = '.';
        parent[1] = '\0';
    } else {
        while (n > 1u && parent[n - 1u] == '/') {
            n--;
        }
        parent[n] = '\0'; /* "/x" -> "/" */
    }
    fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return MOAT_ERR_PORT_IO;
    }
    r = fsync_retry(fd);
    (void)close(fd);
    return r == 0 ? MOAT_OK : MOAT_ERR_PORT_IO;
}

/* Open the state directory without following a final symlink and check
 * that only its owner (the effective user) can change it. */
static moat_err dir_open_checked(moat_port_posix *p)
{
    struct stat st;
    p->dir_fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (p->dir_fd < 0) {
        if (errno == ELOOP) {
            return MOAT_ERR_PORT_INSECURE;
        }
        if (errno == ENOTDIR && lstat(p->dir, &st) == 0 && S_ISLNK(st.st_mode)) {
            return MOAT_ERR_PORT_INSECURE;
        }
        return MOAT_ERR_PORT_IO;
    }
    if (fstat(p->dir_fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return MOAT_ERR_PORT_IO;
    }
    if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return MOAT_ERR_PORT_INSECURE;
    }
    return MOAT_OK;
}

moat_err moat_port_posix_open(moat_port_posix *p, const char *state_dir,
                              const moat_port_posix_config *cfg, moat_port *out)
{
    moat_err rc;
    size_t n;
    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (p == NULL || state_dir == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(p, sizeof(*p));
    p->dir_fd = -1;
    n = strlen(state_dir);
    if (n == 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (n >= sizeof(p->dir)) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(p->dir, state_dir, n + 1u);
    rc = config_apply(p, cfg);
    if (rc == MOAT_OK) {
        if (mkdir(p->dir, DIR_MODE) == 0) {
            rc = sync_parent(p->dir); /* the new directory entry is durable */
        } else if (errno != EEXIST) {
            rc = MOAT_ERR_PORT_IO;
        }
    }
    if (rc == MOAT_OK) {
        rc = dir_open_checked(p);
    }
    if (rc == MOAT_OK && flock(p->dir_fd, LOCK_EX | LOCK_NB) != 0) {
        rc = (errno == EWOULDBLOCK) ? MOAT_ERR_PORT_BUSY : MOAT_ERR_PORT_IO;
    }
    if (rc != MOAT_OK) {
        if (p->dir_fd >= 0) {
            (void)close(p->dir_fd);
        }
        moat_wipe(p, sizeof(*p));
        p->dir_fd = -1;
        return rc;
    }
    p->open = true;
    rc = state_ensure(p);
    if (rc == MOAT_OK) {
        rc = slots_ensure(p);
    }
    if (rc != MOAT_OK) {
        moat_port_posix_close(p);
        return rc;
    }
    out->ops = &posix_ops;
    out->ctx = p;
    return MOAT_OK;
}

void moat_port_posix_close(moat_port_posix *p)
{
    if (p == NULL) {
        return;
    }
    if (p->open && p->dir_fd >= 0) {
        (void)flock(p->dir_fd, LOCK_UN);
        (void)close(p->dir_fd);
    }
    moat_wipe(p, sizeof(*p));
    p->dir_fd = -1;
}
