/**
 * @file moat_port_posix.h
 * @brief The POSIX (Linux) port: state kept in a directory.
 *
 * Layout of the state directory (created with mode 0700 if missing; its
 * parent must exist):
 * - `uds`            the 64-byte Unique Device Secret, created on first open
 *                    from getrandom(), mode 0600;
 * - `rec-XXXXXXXX`   record XXXXXXXX (hex id), mode 0600;
 * - `ctr-XXXXXXXX`   counter XXXXXXXX, mode 0600;
 * - `key-XXXXXXXX.p8` device key, PKCS#8 DER (RFC 5208/5958), mode 0600;
 * - `slot-N.bin`     update slot N, a file of the configured size, 0600.
 *
 * Records and counters are stored in an envelope: magic "MOR1", 4-byte
 * little-endian payload length, payload, SHA-256 of everything before it;
 * a file failing that check reads ::MOAT_ERR_PORT_CORRUPT.
 *
 * Atomic replace (records, counters, keys, the UDS): write a temporary file
 * `NAME.tmp`, fsync() it, rename() it over NAME (POSIX guarantees the name
 * then refers to the old or the new file, never neither), fsync() the
 * directory so the rename itself is durable. Leftover `*.tmp` files from a
 * crash are deleted at open.
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
 * @brief Open (creating if needed) the port state in @p state_dir.
 *
 * Creates the directory (0700) if missing, locks it, deletes leftover
 * temporary files, creates the UDS on first open, and creates each
 * configured slot (filled with 0xFF) if missing.
 *
 * @param p    caller-owned context; must stay valid until moat_port_posix_close()
 * @param state_dir directory path, shorter than ::MOAT_PORT_POSIX_PATH_MAX
 * @param cfg  options, or NULL for defaults (time on, /proc/self/exe,
 *             slots 0 and 1 of ::MOAT_PORT_POSIX_DEFAULT_SLOT_SIZE)
 * @param[out] out the port to hand to moat
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL, bad config);
 *         ::MOAT_ERR_INPUT_TOO_LARGE (path too long);
 *         ::MOAT_ERR_PORT_BUSY (directory opened by another instance);
 *         ::MOAT_ERR_PORT_CORRUPT (UDS of the wrong size, existing slot of
 *         another size than configured); ::MOAT_ERR_PORT_ENTROPY (creating
 *         the UDS); ::MOAT_ERR_PORT_IO. On failure @p p and @p out are wiped.
 */
moat_err moat_port_posix_open(moat_port_posix *p, const char *state_dir,
                              const moat_port_posix_config *cfg, moat_port *out);

/**
 * @brief Release the directory lock and wipe @p p. Safe on a context that
 *        is wiped or already closed; NULL is ignored.
 */
void moat_port_posix_close(moat_port_posix *p);

/** @brief The POSIX port's function table (for ports that wrap it). */
const moat_port_ops *moat_port_posix_ops(void);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_POSIX_H */
