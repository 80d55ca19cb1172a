/*
 * Internal helpers shared by the DICE sources (src/attest/dice*.c,
 * tcb_info.c, seal.c). Not a public header.
 */
#ifndef MOAT_ATTEST_DICE_INTERNAL_H
#define MOAT_ATTEST_DICE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/dice.h"

/* Open Profile for DICE, "Salt": the 64-byte ASYM_SALT and ID_SALT. */
extern const uint8_t moat_dicei_asym_salt[64];
extern const uint8_t moat_dicei_id_salt[64];

/* OIDs (content octets). */
extern const uint8_t moat_dicei_oid_aki[3];        /* 2.5.29.35 */
extern const uint8_t moat_dicei_oid_ski[3];        /* 2.5.29.14 */
extern const uint8_t moat_dicei_oid_ku[3];         /* 2.5.29.15 */
extern const uint8_t moat_dicei_oid_bc[3];         /* 2.5.29.19 */
extern const uint8_t moat_dicei_oid_open_dice[10]; /* 1.3.6.1.4.1.11129.2.1.24 */
extern const uint8_t moat_dicei_oid_tcb_info[6];   /* 2.23.133.5.4.1 */

/* notBefore 180322235959Z and notAfter 99991231235959Z ("X.509 CDI
 * Certificates", validity). */
#define MOAT_DICEI_NOT_BEFORE ((int64_t)1521763199)
#define MOAT_DICEI_NOT_AFTER ((int64_t)253402300799)

/* Length of the lowercase hex ID plus NUL. */
#define MOAT_DICEI_ID_HEX_SIZE (2u * MOAT_DICE_ID_SIZE + 1u)

/* True when [s, s+len) is well-formed UTF-8 (RFC 3629: no overlong form, no
 * surrogate, at most U+10FFFF) without a NUL character. */
bool moat_dicei_utf8_valid(const uint8_t *s, size_t len);

/* strnlen() (not in C11): length of s, at most max. */
size_t moat_dicei_strnlen(const char *s, size_t max);

/* ASYM_KDF(secret) with the given KDF info: the key pair from
 * KDF(32, secret, ASYM_SALT, info). */
moat_err moat_dicei_keypair(const uint8_t *secret, size_t secret_len,
                            const char *info, moat_ec_private_key *priv,
                            moat_ec_public_key *pub);

/* Check input values: ::MOAT_ERR_INVALID_ARGUMENT (NULL) or
 * ::MOAT_ERR_DICE_BAD_INPUT, as moat_dice_derive(). */
moat_err moat_dicei_check_input(const moat_dice_input *in);

/* The lowercase hex of an ID. */
void moat_dicei_id_hex(const uint8_t id[MOAT_DICE_ID_SIZE], char hex[MOAT_DICEI_ID_HEX_SIZE]);

#endif /* MOAT_ATTEST_DICE_INTERNAL_H */
