/**
 * @file install_internal.h
 * @brief Internal helpers shared by image.c and install.c (the image
 *        stream and the install state machine). Not installed.
 */
#ifndef MOAT_UPDATE_INSTALL_INTERNAL_H
#define MOAT_UPDATE_INSTALL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/update.h"

/**
 * @brief SHA-256 of the first @p size bytes of @p slot, read back through
 *        the port in ::MOAT_UPDATE_READ_CHUNK pieces.
 * @param port the port
 * @param slot the slot
 * @param size bytes to hash (checked against the slot by the port)
 * @param[out] digest ::MOAT_UPDATE_DIGEST_SIZE bytes; wiped on failure
 * @return ::MOAT_OK; the port's slot_read errors.
 */
moat_err moat_update_slot_hash_(const moat_port *port, uint32_t slot, uint64_t size,
                                uint8_t digest[MOAT_UPDATE_DIGEST_SIZE]);

/**
 * @brief True when @p img is valid and its slot re-hashes to its digest
 *        (port errors and mismatches are both reported as false, with the
 *        port error, if any, in @p rc_out).
 * @param port the port
 * @param img the image
 * @param[out] rc_out ::MOAT_OK, ::MOAT_ERR_UPDATE_READBACK or a port error
 * @return true when the slot verifies.
 */
bool moat_update_image_verifies_(const moat_port *port, const moat_update_image *img,
                                 moat_err *rc_out);

/**
 * @brief Persist @p st as record ::MOAT_UPDATE_RECORD_INSTALL (one atomic
 *        write) after checking its consistency.
 * @param port the port
 * @param st the state to write
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (inconsistent state);
 *         moat_port_record_write() errors.
 */
moat_err moat_update_install_write_(const moat_port *port, const moat_update_install *st);

/**
 * @brief The slot of the active image (::MOAT_UPDATE_SLOT_FACTORY when none).
 * @param st the install state
 * @return the slot number.
 */
uint32_t moat_update_active_slot_(const moat_update_install *st);

/**
 * @brief Advance the sequence and svn counters up to the values of the
 *        active image when they are below (a confirm cut after its record
 *        write). No-op without an active image.
 * @param port the port
 * @param st the install state
 * @return ::MOAT_OK; the port's counter errors.
 */
moat_err moat_update_counters_catch_up_(const moat_port *port, const moat_update_install *st);

#endif /* MOAT_UPDATE_INSTALL_INTERNAL_H */
