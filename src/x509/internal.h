/**
 * @file internal.h
 * @brief Helpers shared inside src/x509 (internal; not installed).
 *
 * Writing side (write.c): the pieces of a TBSCertificate and of a
 * CertificationRequestInfo, each prepended to a backward DER writer
 * (src/core/der.h), so that one pass both measures and writes. Every
 * function validates what it writes and returns the precise error; on an
 * error the caller wipes its output. Used by issue.c, csr.c and by the DICE
 * certificate builder of src/attest.
 *
 * Memory: no heap; each helper uses at most a few hundred bytes of stack.
 * Thread safety: reentrant.
 */
#ifndef MOAT_X509_INTERNAL_H
#define MOAT_X509_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/x509.h"
#include "core/der.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ constants */

/** @brief Longest serialNumber content (RFC 5280 section 4.1.2.2). */
#define MOAT_X509I_SERIAL_MAX 20u
/** @brief Upper bound of CN, O, OU and serialNumber values, in characters
 *         (RFC 5280 Appendix A.1: ub-common-name etc. = 64). */
#define MOAT_X509I_ATTR_MAX_CHARS 64u
/** @brief Longest dNSName / URI written in a subjectAltName (bytes). */
#define MOAT_X509I_SAN_TEXT_MAX 255u
/** @brief Earliest time writable: 0000-01-01T00:00:00Z. */
#define MOAT_X509I_TIME_MIN (-62167219200LL)
/** @brief Latest time writable: 9999-12-31T23:59:59Z (RFC 5280 4.1.2.5). */
#define MOAT_X509I_TIME_MAX 253402300799LL
/** @brief Largest signatureAlgorithm + signature BIT STRING tail (P-384). */
#define MOAT_X509I_SIG_TAIL_MAX 128u

/** @name OID content octets used by the writers and parsers.
 *  @{ */
extern const uint8_t moat_x509i_oid_ecdsa_sha256[8];  /**< 1.2.840.10045.4.3.2 */
extern const uint8_t moat_x509i_oid_ecdsa_sha384[8];  /**< 1.2.840.10045.4.3.3 */
extern const uint8_t moat_x509i_oid_ext_request[9];   /**< 1.2.840.113549.1.9.14 */
extern const uint8_t moat_x509i_oid_basic_constraints[3]; /**< 2.5.29.19 */
extern const uint8_t moat_x509i_oid_key_usage[3];     /**< 2.5.29.15 */
extern const uint8_t moat_x509i_oid_ext_key_usage[3]; /**< 2.5.29.37 */
extern const uint8_t moat_x509i_oid_san[3];           /**< 2.5.29.17 */
extern const uint8_t moat_x509i_oid_ski[3];           /**< 2.5.29.14 */
extern const uint8_t moat_x509i_oid_aki[3];           /**< 2.5.29.35 */
/** @} */

/* ---------------------------------------------------------------- time */

/** @brief A broken-down UTC time (proleptic Gregorian calendar). */
typedef struct moat_x509i_civil {
    int year;    /**< 0..9999 */
    int month;   /**< 1..12 */
    int day;     /**< 1..31 */
    int hour;    /**< 0..23 */
    int minute;  /**< 0..59 */
    int second;  /**< 0..59 */
} moat_x509i_civil;

/**
 * @brief Seconds since 1970-01-01T00:00:00Z to a civil date.
 * @return ::MOAT_ERR_X509_BAD_TIME outside
 *         [::MOAT_X509I_TIME_MIN, ::MOAT_X509I_TIME_MAX] (@p out wiped).
 */
moat_err moat_x509i_civil_from_epoch(int64_t t, moat_x509i_civil *out);

/**
 * @brief Prepend a Time (RFC 5280 4.1.2.5): UTCTime YYMMDDHHMMSSZ for
 *        1950..2049, GeneralizedTime YYYYMMDDHHMMSSZ otherwise.
 * @return ::MOAT_ERR_X509_BAD_TIME (out of range).
 */
moat_err moat_x509i_put_time(moat_der_writer *w, int64_t t);

/**
 * @brief Prepend Validity ::= SEQUENCE { notBefore, notAfter }.
 * @return ::MOAT_ERR_X509_BAD_TIME (a time out of range, or
 *         not_before > not_after).
 */
moat_err moat_x509i_put_validity(moat_der_writer *w, int64_t not_before,
                                 int64_t not_after);

/* ---------------------------------------------------------------- names */

/**
 * @brief Check that @p der is exactly one Name TLV: SEQUENCE OF
 *        RelativeDistinguishedName (non-empty SET OF SEQUENCE { OID, value }).
 * @param[out] empty true when the Name has no RDN (may be NULL)
 * @return ::MOAT_ERR_X509_BAD_NAME for anything else.
 */
moat_err moat_x509i_check_name_der(const uint8_t *der, size_t len, bool *empty);

/**
 * @brief Prepend a Name from @p name: the raw TLV verbatim (checked with
 *        moat_x509i_check_name_der()), or one RDN per attribute in order:
 *        CN/O/OU as UTF8String (valid UTF-8, 1..64 characters), C as a
 *        2-letter PrintableString (A-Z), serialNumber as PrintableString
 *        (X.680 section 41.4 character set, 1..64 characters).
 * @param[out] empty true when the Name written has no RDN (may be NULL)
 * @return ::MOAT_ERR_INVALID_ARGUMENT (NULL), ::MOAT_ERR_X509_TOO_MANY
 *         (count > ::MOAT_X509_MAX_NAME_ATTRS), ::MOAT_ERR_X509_BAD_NAME.
 */
moat_err moat_x509i_put_name(moat_der_writer *w, const moat_x509_name *name,
                             bool *empty);

/* ------------------------------------------------------ keys, algorithms */

/**
 * @brief Prepend AlgorithmIdentifier { ecdsa-with-SHA256 | -SHA384 } with
 *        the parameters absent (RFC 5758 section 3.2), chosen by @p curve
 *        (P-256: SHA-256, P-384: SHA-384).
 * @return ::MOAT_ERR_UNSUPPORTED for another curve.
 */
moat_err moat_x509i_put_sig_alg(moat_der_writer *w, moat_curve curve);

/**
 * @brief Check @p key (known curve, uncompressed point on the curve).
 * @return ::MOAT_ERR_INVALID_ARGUMENT (NULL), ::MOAT_ERR_UNSUPPORTED, or the
 *         point errors of moat_ec_public_from_point().
 */
moat_err moat_x509i_check_key(const moat_ec_public_key *key);

/** @brief Prepend the SubjectPublicKeyInfo of @p key (checked first). */
moat_err moat_x509i_put_spki(moat_der_writer *w, const moat_ec_public_key *key);

/** @brief Check OID content octets (non-empty, minimal base-128 arcs,
 *         last octet complete). */
bool moat_x509i_oid_valid(const uint8_t *oid, size_t len);

/* ----------------------------------------------------------- extensions */

/**
 * @brief Prepend Extensions ::= SEQUENCE OF Extension for @p ext (when it
 *        asks for at least one; else nothing is written and *count = 0), in
 *        the order basicConstraints, keyUsage, extKeyUsage, subjectAltName,
 *        subjectKeyIdentifier, authorityKeyIdentifier, raw extensions.
 * @param subject_key the key the SKI is computed from (SHA-1 of the
 *        subjectPublicKey bits, RFC 5280 4.2.1.2 method 1)
 * @param san_critical mark subjectAltName critical (RFC 5280 4.2.1.6: when
 *        the subject Name is empty)
 * @param[out] count extensions written
 * @return ::MOAT_ERR_X509_BAD_EXTENSION (bad value: pathLen without cA,
 *         unknown keyUsage bits, bad OID, bad GeneralName, bad raw value),
 *         ::MOAT_ERR_X509_TOO_MANY (more than the MOAT_X509_MAX_* bounds),
 *         ::MOAT_ERR_X509_DUPLICATE_EXTENSION (an OID twice),
 *         ::MOAT_ERR_INVALID_ARGUMENT (NULL arrays).
 */
moat_err moat_x509i_put_extensions(moat_der_writer *w, const moat_x509_ext_params *ext,
                                   const moat_ec_public_key *subject_key,
                                   bool san_critical, size_t *count);

/* ------------------------------------------------------------- signing */

/**
 * @brief Upper bound of SEQUENCE { body, AlgorithmIdentifier, BIT STRING
 *        signature } for a body of @p body_len bytes signed on @p curve
 *        (largest DER ECDSA signature).
 */
size_t moat_x509i_signed_size_max(size_t body_len, moat_curve curve);

/**
 * @brief The first @p body_len bytes of @p out hold a TBSCertificate or a
 *        CertificationRequestInfo: sign them with @p signer (hash by its
 *        curve, DER signature) and rewrite @p out in place as
 *        SEQUENCE { body, AlgorithmIdentifier, BIT STRING signature }.
 * @return ::MOAT_OK with *out_len; ::MOAT_ERR_BUFFER_TOO_SMALL with
 *         *out_len the exact size needed (the signature was made) and
 *         @p out wiped; signer errors (@p out wiped).
 */
moat_err moat_x509i_sign_wrap(const moat_signer *signer, uint8_t *out, size_t out_cap,
                              size_t body_len, size_t *out_len);

/**
 * @brief Host-name syntax (RFC 1034 preferred name syntax as RFC 5280
 *        4.2.1.6 requires for dNSName): dot-separated labels of 1..63
 *        letters, digits, '-' (and '_', tolerated for deployed names), at
 *        most 253 bytes, no empty label (so no leading/trailing dot).
 *        With @p wildcard_ok, '*' is also accepted as a label character
 *        (certificates carry wildcards; matching honours only a whole
 *        left-most "*" label, see verify.c).
 */
bool moat_x509i_dns_name_ok(const uint8_t *s, size_t len, bool wildcard_ok);

/** @brief True when @p s (len bytes) is an IPv4 dotted quad or contains ':' (IPv6). */
bool moat_x509i_is_ip_literal(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_X509_INTERNAL_H */
