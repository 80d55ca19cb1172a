/**
 * @file moat_port_posix.h
 * @brief The POSIX (Linux) port: state kept in a directory.
 *
 * Layout of the state directory (created with mode 0700 if missing; its
 * parent must exist):
 * - `uds`            the 64-byte Unique Device Secret, mode 0600, created
 *                    from getrandom() only when the directory is initialised
 *                    (see below), never afterwards;
 * - `ctr-NNNNNNNN`    counter NNNNNNNN (8 hex digits), mode 0600; all
 *                    ::MOAT_PORT_COUNTER_COUNT counters are created (value
 *                    0) when the directory is initialised;
 * - `rec-NNNNNNNN`    record NNNNNNNN, mode 0600;
 * - `key-NNNNNNNN`    device key: PKCS#8 DER (RFC 5208/5958) in the
 *                    envelope below, mode 0600;
 * - `slot-N.bin`     update slot N, a file of the configured size, 0600;
 * - `initializing`   present only while the directory is being initialised.
 *
 * Envelope of records, counters and keys: a 4-byte magic naming the kind
 * ("MRC1" record, "MCT1" counter, "MKY1" key), the 4-byte little-endian id,
 * the 4-byte little-endian payload length, the payload, then SHA-256 of
 * everything before it (FIPS 180-4). Kind and id are inside the hashed data,
 * so a file copied over another kind or id reads ::MOAT_ERR_PORT_CORRUPT, as
 * does any file that fails the check. The hash is unkeyed: it detects
 * corruption and misplaced files, not deliberate forgery.
 *
 * Initialisation. A directory is *fresh* when it holds none of the files
 * above (other files are ignored). Opening a fresh directory initialises it:
 * create `initializing`, create every counter at 0, create the UDS, delete
 * `initializing` (each step durable). An interrupted initialisation (the
 * marker is present, only counters at 0 and possibly a UDS exist) is redone
 * at the next open. Once initialised, a missing UDS or counter file is
 * corruption (::MOAT_ERR_PORT_CORRUPT at open, or at counter_read), never
 * silently replaced: a deleted counter never reads 0 again and the device
 * identity never changes behind the caller's back.
 *
 * Atomic replace (records, counters, keys, the UDS): delete a stale
 * `NAME.tmp`, create `NAME.tmp` with O_CREAT|O_EXCL|O_NOFOLLOW, write it,
 * fsync() it, rename() it over NAME (POSIX.1-2017 rename(): the name then
 * refers to the old or the new file, never neither), fsync() the directory
 * so the rename itself is durable. Leftover `*.tmp` files from a crash are
 * deleted at open. If the final directory fsync fails, the call returns
 * ::MOAT_ERR_PORT_IO although the new content may already be in place (see
 * the ::MOAT_ERR_PORT_IO rule in port.h).
 *
 * Directory safety: the state directory is opened with
 * O_DIRECTORY|O_NOFOLLOW (a symlink as the last path component gives
 * ::MOAT_ERR_PORT_INSECURE; symlinks in parent components are followed),
 * and must be owned by the effective user with no group or other write
 * permission, else ::MOAT_ERR_PORT_INSECURE. State files are opened with
 * O_NOFOLLOW. A newly created directory is made durable by an fsync() of
 * its parent.
 *
 * NOT rollback-resistant: anyone who can write the state directory (the
 * owning user, root, a backup restore) can put back an old copy of the
 * whole directory, and the counters then go back with it. The POSIX port
 * defends against accidents, misplaced files and torn writes; rollback
 * resistance is what a hardware port's monotonic counters (OTP/fuses, RPMB)
 * must provide.
 *
 * One instance at a time per directory: open takes an exclusive flock() on
 * the directory and fails with ::MOAT_ERR_PORT_BUSY if another holds it.
 *
 * Entropy: getrandom(2) (blocking until the kernel pool is initialized,
 * retried on EINTR and short reads; any other failure wipes the output and
 * returns ::MOAT_ERR_PORT_ENTROPY). Time: clock_gettime(CLOCK_REALTIME);
 * a clock before ::MOAT_PORT_POSIX_TIME_FLOOR is reported as no time.
 * Firmware measurement: the hash of a configured image file, by default
 * /proc/self/exe. Private keys are read into a stack buffer only for the
 * duration of one operation and wiped before return.
 *
 * Memory: the ::moat_port_posix context is caller-owned, no heap; each call
 * uses up to about 9 KiB of stack. Thread safety: none; serialize calls.
 */
#ifndef MOAT_PORT_POSIX_H
#define MOAT_PORT_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Largest path (directory or firmware image), NUL included. */
#define MOAT_PORT_POSIX_PATH_MAX 256u
/** @brief Default size of each default slot (slots 0 and 1). */
#define MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE (256u * 1024u)
/** @brief Default erase block size. */
#define MOAT_PORT_POSIX_DEFAULT_ERASE_SIZE 4096u
/** @brief Clock values before this (2020-01-01T00:00:00Z) are "no time". */
#define MOAT_PORT_POSIX_TIME_FLOOR 1577836800
/** @brief Largest slot size accepted in a configuration (64 MiB). */
#define MOAT_PORT_POSIX_SLOT_SIZE_MAX (64u * 1024u * 1024u)

/** @brief Options for moat_port_posix_open(). Zero-initialize, then set. */
typedef struct moat_port_posix_config {
    /** Image hashed by measure_firmware; NULL means /proc/self/exe. */
    const char *firmware_path;
    /** true: time_now always reports ::MOAT_ERR_PORT_NO_TIME. */
    bool no_time;
    /** Size of each slot in bytes; 0 means the slot does not exist.
     *  Must be a multiple of erase_size and at most
     *  ::MOAT_PORT_POSIX_SLOT_SIZE_MAX. */
    size_t slot_size[MOAT_PORT_SLOT_COUNT];
    /** Erase block size (power of two, 0 means
     *  ::MOAT_PORT_POSIX_DEFAULT_ERASE_SIZE). */
    size_t erase_size;
} moat_port_posix_config;

/** @brief POSIX port context (caller-owned; treat the fields as private). */
typedef struct moat_port_posix {
    char dir[MOAT_PORT_POSIX_PATH_MAX];      /**< state directory */
    char firmware[MOAT_PORT_POSIX_PATH_MAX]; /**< image to measure */
    int dir_fd;                              /**< open directory (locked) */
    bool no_time;                            /**< time disabled */
    bool open;                               /**< between open and close */
    size_t slot_size[MOAT_PORT_SLOT_COUNT];  /**< slot sizes, 0 = absent */
    size_t erase_size;                       /**< erase block size */
} moat_port_posix;

/**
 * @brief Open (creating and initialising if needed) the port state in
 *        @p state_dir.
 *
 * Creates the directory (0700, parent fsync'ed) if missing, checks its
 * owner and mode, locks it, deletes leftover temporary files, initialises
 * a fresh directory (counters at 0, a new UDS), checks the UDS of an
 * initialised one, and creates each configured slot (filled with 0xFF) if
 * missing.
 *
 * @param p    caller-owned context; must stay valid until moat_port_posix_close()
 * @param state_dir directory path, shorter than ::MOAT_PORT_POSIX_PATH_MAX
 * @param cfg  options, or NULL for defaults (time on, /proc/self/exe,
 *             slots 0 and 1 of ::MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE)
 * @param[out] out the port to hand to moat
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL, bad config);
 *         ::MOAT_ERR_INPUT_TOO_LARGE (path too long);
 *         ::MOAT_ERR_PORT_INSECURE (the directory is a symlink, is owned by
 *         another user, or is group/other writable);
 *         ::MOAT_ERR_PORT_BUSY (directory opened by another instance);
 *         ::MOAT_ERR_PORT_CORRUPT (UDS missing from an initialised
 *         directory or of the wrong size, an interrupted initialisation
 *         next to other state, existing slot of another size than
 *         configured); ::MOAT_ERR_PORT_ENTROPY (creating the UDS; the
 *         initialisation is redone at the next open);
 *         ::MOAT_ERR_PORT_IO (a file system call failed);
 *         ::MOAT_ERR_INTERNAL (the hash backend failed while checking an
 *         interrupted initialisation; not expected);
 *         ::MOAT_ERR_PORT_POWER_CUT (test build only: an armed crash point
 *         fired during initialisation). On failure @p p and @p out are
 *         wiped.
 *
 * Memory: no heap; up to about 9 KiB of stack. Thread safety: not
 * thread-safe; one open per directory (enforced across processes by the
 * lock).
 */
moat_err moat_port_posix_open(moat_port_posix *p, const char *state_dir,
                              const moat_port_posix_config *cfg, moat_port *out);

/**
 * @brief Release the directory lock and wipe @p p. Safe on a context that
 *        is wiped or already closed; NULL is ignored.
 * @param p the context from moat_port_posix_open(), or NULL
 *
 * Never fails. Memory: no heap, no stack to speak of. Thread safety: not
 * concurrently with any other call on @p p.
 */
void moat_port_posix_close(moat_port_posix *p);

/**
 * @brief The POSIX port's function table (for ports that wrap it).
 * @return the constant table (never NULL); its functions take a
 *         ::moat_port_posix opened by moat_port_posix_open() as context.
 *
 * Memory: none. Thread safety: reentrant.
 */
const moat_port_ops *moat_port_posix_ops(void);

#ifdef MOAT_PORT_POSIX_CRASH_POINTS
/*
 * Test hooks, compiled only into the test build of the port sources
 * (tests/port: library moat_port_posix_crashpoints). Process-global, not
 * thread-safe; never present in the installed library.
 */

/**
 * @brief Test build only: arm a crash at persistent step @p step (1-based,
 *        counted from this call; 0 disarms).
 *
 * Steps of one atomic replace: 1 half of the temporary file written,
 * 2 all of it written, 3 fsync'ed and closed, 4 renamed over the target,
 * 5 directory fsync'ed. Steps of a record erase: 1 unlinked, 2 directory
 * fsync'ed. Initialisation: its atomic replaces, then marker unlinked,
 * then directory fsync'ed. At the armed step the operation stops dead,
 * leaves every file as it is (no clean-up) and returns
 * ::MOAT_ERR_PORT_POWER_CUT; the test then closes and re-opens the port.
 * @param step the step at which to crash (1-based); 0 disarms
 */
void moat_port_posix_test_crash_at(uint32_t step);

/**
 * @brief Test build only: steps counted since the last moat_port_posix_test_crash_at().
 * @return the number of persistent steps taken (saturating).
 */
uint32_t moat_port_posix_test_steps(void);

/**
 * @brief Test build only: true once the armed crash fired (until re-armed).
 * @return true after the crash fired, false otherwise.
 */
bool moat_port_posix_test_crashed(void);

/**
 * @brief Test build only: @p fail true makes the port's entropy source
 *        fail (half of the output is filled first, to prove it is wiped).
 * @param fail true: entropy fails with ::MOAT_ERR_PORT_ENTROPY; false: normal
 */
void moat_port_posix_test_entropy_fail(bool fail);
#endif /* MOAT_PORT_POSIX_CRASH_POINTS */

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_POSIX_H */
