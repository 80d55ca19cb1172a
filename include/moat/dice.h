/**
 * @file dice.h
 * @brief DICE device identity (Open Profile for DICE, P-256 / X.509
 *        variant): CDI derivation, CDI key pairs and identifiers, CDI
 *        certificates, the DeviceID (UDS) key and its CSR, the moat alias
 *        (attestation) key with its TCG DiceTcbInfo certificate, and sealing
 *        under CDI_Seal.
 *
 * Formulas (Open Profile for DICE, google/open-dice docs/specification.md;
 * every KDF is HKDF-SHA-512 (RFC 5869) as KDF(length, ikm, salt, info),
 * every H is SHA-512; details and the full layering in docs/dice.md):
 * - CDI_Attest[n+1] = KDF(32, CDI_Attest[n], H(code || config || authority
 *   || mode || hidden), "CDI_Attest") where config is the 64-byte inline
 *   value or H(config descriptor); for the first layer CDI_Attest[n] is the
 *   UDS ("Computing CDI Values", "Layering Details").
 * - CDI_Seal[n+1] = KDF(32, CDI_Seal[n], H(authority || mode || hidden),
 *   "CDI_Seal").
 * - key pair = P-256 from seed = KDF(32, CDI_Attest or UDS, ASYM_SALT,
 *   "Key Pair") ("Asymmetric Key Pair Derivation"); the P-256 scalar is
 *   drawn from the seed with HMAC-SHA-512 in the RFC 6979 section 3.2
 *   manner, as the open-dice P-256 reference does (see
 *   moat_dice_keypair_from_seed()).
 * - ID = KDF(20, X || Y, ID_SALT, "ID") with the top bit cleared
 *   ("Deriving Identifiers").
 * - Alias (attestation) key, moat-specific: seed = KDF(32, CDI_Attest,
 *   ASYM_SALT, "moat alias key"), then the same P-256 derivation.
 * - Sealing key, moat-specific: HKDF-SHA-256(ikm = CDI_Seal, no salt,
 *   info = "moat seal v1" || label), AES-256-GCM.
 *
 * Secrets: every CDI, seed, private scalar and key temporary is wiped with
 * moat_wipe() on every exit path; outputs are wiped on failure. No heap.
 * All functions are reentrant (no global state); stack figures are whole-call
 * peaks on x86-64 (docs/dice.md "Stack use").
 */
#ifndef MOAT_DICE_H
#define MOAT_DICE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/crypto.h"
#include "moat/port.h"
#include "moat/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================ sizes */

/** @brief Size of one CDI (CDI_Attest or CDI_Seal). */
#define MOAT_DICE_CDI_SIZE 32u
/** @brief Size of the code, authority and config-hash inputs (SHA-512). */
#define MOAT_DICE_HASH_SIZE 64u
/** @brief Size of an inline configuration value. */
#define MOAT_DICE_INLINE_CONFIG_SIZE 64u
/** @brief Size of the hidden input. */
#define MOAT_DICE_HIDDEN_SIZE 64u
/** @brief Size of a DICE identifier (UDS_ID, CDI_ID). */
#define MOAT_DICE_ID_SIZE 20u
/** @brief Size of the private-key seed derived from a CDI or UDS. */
#define MOAT_DICE_SEED_SIZE 32u
/** @brief Shortest UDS accepted (the profile requires at least 256 bits). */
#define MOAT_DICE_UDS_MIN 32u
/** @brief Longest UDS accepted (the port's ::MOAT_PORT_UDS_SIZE). */
#define MOAT_DICE_UDS_MAX 64u
/** @brief Longest code, config or authority descriptor accepted. */
#define MOAT_DICE_DESCRIPTOR_MAX 512u
/** @brief Longest profile name (bytes, without the NUL). */
#define MOAT_DICE_PROFILE_NAME_MAX 64u
/**
 * @brief A buffer of this size always holds a CDI certificate (largest
 *        descriptors and profile name) or an alias certificate.
 */
#define MOAT_DICE_CERT_MAX 2560u
/** @brief A buffer of this size always holds the DeviceID CSR. */
#define MOAT_DICE_CSR_MAX 512u
/** @brief The profile name open-dice writes in its reference certificates
 *         (and in the known-answer vectors). */
#define MOAT_DICE_PROFILE_OPENDICE_EXAMPLE "opendice.example"

/* ================================================================ inputs */

/** @brief Mode decision input (Open Profile for DICE "Mode Value Details"). */
typedef enum moat_dice_mode {
    MOAT_DICE_MODE_NOT_CONFIGURED = 0, /**< a security mechanism not configured */
    MOAT_DICE_MODE_NORMAL = 1,         /**< secure configuration */
    MOAT_DICE_MODE_DEBUG = 2,          /**< not in a secure state */
    MOAT_DICE_MODE_RECOVERY = 3        /**< recovery / maintenance */
} moat_dice_mode;

/** @brief How the configuration input is given. */
typedef enum moat_dice_config_type {
    MOAT_DICE_CONFIG_INLINE = 0,    /**< config_value (64 bytes) is the input */
    MOAT_DICE_CONFIG_DESCRIPTOR = 1 /**< H(config_descriptor) is the input */
} moat_dice_config_type;

/**
 * @brief The DICE input values of one layer transition (Open Profile for
 *        DICE "Input Values"). Zero-initialize, then fill. Descriptors are
 *        borrowed (not copied) and only read during the call.
 */
typedef struct moat_dice_input {
    uint8_t code_hash[MOAT_DICE_HASH_SIZE];        /**< code input (hash of the next layer's code) */
    const uint8_t *code_descriptor;                /**< optional, certified only (NULL: none) */
    size_t code_descriptor_len;                    /**< 0 .. ::MOAT_DICE_DESCRIPTOR_MAX */
    moat_dice_config_type config_type;             /**< inline value or descriptor */
    uint8_t config_value[MOAT_DICE_INLINE_CONFIG_SIZE]; /**< used when inline */
    const uint8_t *config_descriptor;              /**< used when descriptor (required then) */
    size_t config_descriptor_len;                  /**< 1 .. ::MOAT_DICE_DESCRIPTOR_MAX when used */
    uint8_t authority_hash[MOAT_DICE_HASH_SIZE];   /**< verified-boot authority input */
    const uint8_t *authority_descriptor;           /**< optional, certified only (NULL: none) */
    size_t authority_descriptor_len;               /**< 0 .. ::MOAT_DICE_DESCRIPTOR_MAX */
    moat_dice_mode mode;                           /**< 0..3 */
    uint8_t hidden[MOAT_DICE_HIDDEN_SIZE];         /**< hidden input (never certified; zeros if unused) */
    /** profileName [7] written in the CDI certificate; NULL omits the field.
     *  1 .. ::MOAT_DICE_PROFILE_NAME_MAX bytes of UTF-8 without NUL. */
    const char *profile_name;
} moat_dice_input;

/** @brief The two CDIs a layer holds (secrets: wipe with moat_wipe()). */
typedef struct moat_dice_cdis {
    uint8_t attest[MOAT_DICE_CDI_SIZE]; /**< CDI_Attest */
    uint8_t seal[MOAT_DICE_CDI_SIZE];   /**< CDI_Seal */
} moat_dice_cdis;

/* ============================================================ derivation */

/**
 * @brief Compute the next layer's CDIs from the current ones (Open Profile
 *        for DICE "Computing Layered CDI Values").
 *
 * @p next may be the same object as @p current: the previous CDIs are then
 * overwritten, so the caller never keeps them (recommended).
 * @param current the current CDIs (secret)
 * @param in the input values of the next layer
 * @param[out] next receives the next CDIs; wiped on failure (when it is
 *        @p current, the current CDIs are then gone too: fail closed)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_DICE_BAD_INPUT (mode above 3, unknown config type, a NULL
 *   descriptor with a non-zero length, a missing config descriptor, a
 *   descriptor longer than ::MOAT_DICE_DESCRIPTOR_MAX, a profile name empty,
 *   longer than ::MOAT_DICE_PROFILE_NAME_MAX or not valid UTF-8);
 *   ::MOAT_ERR_INTERNAL (a hash or KDF failed; not expected).
 *
 * Memory: no heap; about 2.8 KiB of stack (hash and KDF state, wiped). Thread safety: reentrant.
 */
moat_err moat_dice_derive(const moat_dice_cdis *current, const moat_dice_input *in,
                          moat_dice_cdis *next);

/**
 * @brief The first transition: compute the first mutable layer's CDIs with
 *        the UDS as the input key material of both KDFs, exactly as the
 *        Open Profile for DICE writes CDI_Attest = KDF(32, UDS, H(...),
 *        "CDI_Attest") and CDI_Seal = KDF(32, UDS, H(...), "CDI_Seal").
 *        A 32-byte UDS gives the same result as moat_dice_derive() with
 *        both current CDIs set to the UDS (open-dice's convention).
 * @param uds the Unique Device Secret (secret), e.g. from
 *        moat_port_device_secret()
 * @param uds_len ::MOAT_DICE_UDS_MIN .. ::MOAT_DICE_UDS_MAX
 * @param in the input values of the first mutable layer
 * @param[out] next receives its CDIs; wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer, or
 *   @p uds_len out of range); ::MOAT_ERR_DICE_BAD_INPUT (as
 *   moat_dice_derive()); ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: as moat_dice_derive(). Thread safety: reentrant.
 */
moat_err moat_dice_cdis_from_uds(const uint8_t *uds, size_t uds_len,
                                 const moat_dice_input *in, moat_dice_cdis *next);

/* ========================================================= keys and IDs */

/**
 * @brief P-256 key pair from a 32-byte seed, as the open-dice P-256
 *        reference implementation derives it (the profile's "ECDSA" section
 *        recommends RFC 6979 style HMAC_DRBG): K = 0^64, V = 1^64;
 *        K = HMAC(K, V || 0x00 || seed); V = HMAC(K, V);
 *        K = HMAC(K, V || 0x01 || seed); then repeat { V = HMAC(K, V);
 *        V = HMAC(K, V); d = first 32 bytes of V; if 1 <= d < n stop;
 *        K = HMAC(K, V || 0x00) }, HMAC being HMAC-SHA-512.
 *        The known-answer vectors pin this choice (docs/dice.md).
 * @param seed the seed (secret)
 * @param[out] priv receives the private key; wiped on failure
 * @param[out] pub receives the public key (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p seed or @p priv NULL);
 *   ::MOAT_ERR_INTERNAL (no valid scalar after 64 rounds: probability
 *   about 2^-2048; or a backend failure).
 *
 * Memory: no heap; about 3 KiB of stack (HMAC state, scalar multiplication),
 * wiped. Thread safety: reentrant.
 */
moat_err moat_dice_keypair_from_seed(const uint8_t seed[MOAT_DICE_SEED_SIZE],
                                     moat_ec_private_key *priv, moat_ec_public_key *pub);

/**
 * @brief The CDI key pair: ASYM_KDF(CDI_Attest) (seed "Key Pair", then
 *        moat_dice_keypair_from_seed()).
 * @param cdi_attest the CDI_Attest (secret)
 * @param[out] priv receives the private key; wiped on failure
 * @param[out] pub receives the public key (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p cdi_attest or @p priv
 *   NULL); ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 3 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_keypair_from_cdi(const uint8_t cdi_attest[MOAT_DICE_CDI_SIZE],
                                    moat_ec_private_key *priv, moat_ec_public_key *pub);

/**
 * @brief The identifier of a DICE public key: KDF(20, X || Y, ID_SALT, "ID")
 *        with the high bit of the first byte cleared (so it is a positive
 *        20-byte serial number). X and Y are the 32-byte coordinates.
 * @param pub a P-256 public key
 * @param[out] id receives ::MOAT_DICE_ID_SIZE bytes; wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_UNSUPPORTED (not P-256, or not an uncompressed point of 65
 *   bytes); ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 1 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_id(const moat_ec_public_key *pub, uint8_t id[MOAT_DICE_ID_SIZE]);

/* ===================================================== CDI certificates */

/**
 * @brief The TBSCertificate of the CDI certificate that
 *        moat_dice_cdi_cert() would sign, byte for byte (known-answer
 *        checks; signers outside moat). The issuer is the key pair of
 *        @p current->attest, the subject the key pair of the next
 *        CDI_Attest computed from @p current and @p in.
 *
 * Certificate contents (Open Profile for DICE "X.509 CDI Certificates"):
 * v3; serial = CDI_ID of the subject; signature ecdsa-with-SHA256; issuer
 * and subject = one RDN serialNumber (PrintableString) with the lowercase
 * hex ID; validity 180322235959Z .. 99991231235959Z; P-256 SPKI; extensions
 * in this order: authorityKeyIdentifier (keyIdentifier = issuer ID),
 * subjectKeyIdentifier (subject ID), keyUsage keyCertSign (critical),
 * basicConstraints cA (critical), and the critical OpenDiceInput extension
 * 1.3.6.1.4.1.11129.2.1.24: SEQUENCE { [0] codeHash, [1] codeDescriptor
 * (if any), [2] configurationHash (descriptor form only), [3]
 * configurationDescriptor (the descriptor, or the 64-byte inline value),
 * [4] authorityHash, [5] authorityDescriptor (if any), [6] mode ENUMERATED,
 * [7] profileName UTF8String (if any) }, each EXPLICIT.
 * @param current the current CDIs (only @c attest is used)
 * @param in the next layer's input values
 * @param[out] out the DER (may be NULL when @p out_cap is 0); wiped over
 *        @p out_cap on failure
 * @param out_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] out_len the size written; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        exact size needed; 0 on other failures
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p current, @p in or
 *   @p out_len NULL, @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_DICE_BAD_INPUT (as moat_dice_derive());
 *   ::MOAT_ERR_BUFFER_TOO_SMALL; ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 6.5 KiB of stack; every CDI and private key
 * temporary is wiped. Thread safety: reentrant.
 */
moat_err moat_dice_cdi_tbs(const moat_dice_cdis *current, const moat_dice_input *in,
                           uint8_t *out, size_t out_cap, size_t *out_len);

/**
 * @brief The CDI certificate for the next layer, signed (ECDSA P-256,
 *        SHA-256; RFC 6979 deterministic nonces) by the key pair of
 *        @p current->attest through a ::moat_signer and moat_x509_issue().
 *        Contents as moat_dice_cdi_tbs().
 * @param current the current CDIs (only @c attest is used)
 * @param in the next layer's input values
 * @param[out] out the DER certificate; wiped over @p out_cap on failure
 * @param out_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] out_len size written; on ::MOAT_ERR_BUFFER_TOO_SMALL the size
 *        needed (see moat_x509_issue()); 0 on other failures
 * @return as moat_dice_cdi_tbs(), plus the errors of moat_x509_issue().
 *
 * Memory: no heap; about 8 KiB of stack peak (signing). Thread safety:
 * reentrant.
 */
moat_err moat_dice_cdi_cert(const moat_dice_cdis *current, const moat_dice_input *in,
                            uint8_t *out, size_t out_cap, size_t *out_len);

/**
 * @brief One DICE layer transition: the next CDIs and the CDI certificate
 *        (open-dice's DiceMainFlow). @p next may be @p current (in place: the
 *        previous CDIs are overwritten and never kept).
 * @param current the current CDIs
 * @param in the next layer's input values
 * @param[out] next the next CDIs; wiped on failure (see moat_dice_derive())
 * @param[out] cert the certificate; wiped over @p cert_cap on failure
 * @param cert_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] cert_len its size (see moat_dice_cdi_cert())
 * @return the errors of moat_dice_derive() and moat_dice_cdi_cert().
 *
 * Memory: no heap; about 8 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_dice_layer(const moat_dice_cdis *current, const moat_dice_input *in,
                         moat_dice_cdis *next, uint8_t *cert, size_t cert_cap,
                         size_t *cert_len);

/**
 * @brief The first transition from the UDS: the first mutable layer's CDIs
 *        (moat_dice_cdis_from_uds()) and its CDI certificate, issued by the
 *        DeviceID key (UDS_Private) with issuer serialNumber = UDS_ID.
 * @param uds the UDS (secret)
 * @param uds_len ::MOAT_DICE_UDS_MIN .. ::MOAT_DICE_UDS_MAX
 * @param in the first mutable layer's input values
 * @param[out] next its CDIs; wiped on failure
 * @param[out] cert the certificate; wiped over @p cert_cap on failure
 * @param cert_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] cert_len its size
 * @return as moat_dice_layer(); ::MOAT_ERR_INVALID_ARGUMENT also for
 *   @p uds_len out of range.
 *
 * Memory: no heap; about 8 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_dice_layer_from_uds(const uint8_t *uds, size_t uds_len,
                                  const moat_dice_input *in, moat_dice_cdis *next,
                                  uint8_t *cert, size_t cert_cap, size_t *cert_len);

/**
 * @brief moat_dice_layer_from_uds() with the UDS read from @p port
 *        (moat_port_device_secret(); the copy is wiped before return).
 * @param port the port
 * @param in the first mutable layer's input values
 * @param[out] next its CDIs; wiped on failure
 * @param[out] cert the certificate; wiped over @p cert_cap on failure
 * @param cert_cap its capacity
 * @param[out] cert_len its size
 * @return as moat_dice_layer_from_uds(), plus the errors of
 *   moat_port_device_secret() (::MOAT_ERR_PORT_NO_SECRET,
 *   ::MOAT_ERR_PORT_CORRUPT, ...).
 *
 * Memory: as moat_dice_layer_from_uds() plus 64 bytes. Thread safety: as
 * the port.
 */
moat_err moat_dice_layer_from_port(const moat_port *port, const moat_dice_input *in,
                                   moat_dice_cdis *next, uint8_t *cert,
                                   size_t cert_cap, size_t *cert_len);

/* ============================================================== DeviceID */

/**
 * @brief The DeviceID key pair: UDS_Private, UDS_Public = ASYM_KDF(UDS)
 *        ("Deriving Asymmetric Key Pairs"), and UDS_ID. It depends on the
 *        UDS only, so it is stable across firmware updates.
 * @param uds the UDS (secret)
 * @param uds_len ::MOAT_DICE_UDS_MIN .. ::MOAT_DICE_UDS_MAX
 * @param[out] priv the private key (may be NULL when not needed); wiped on
 *        failure
 * @param[out] pub the public key (may be NULL)
 * @param[out] id UDS_ID (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p uds NULL or
 *   @p uds_len out of range); ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 3 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_device_id(const uint8_t *uds, size_t uds_len,
                             moat_ec_private_key *priv, moat_ec_public_key *pub,
                             uint8_t id[MOAT_DICE_ID_SIZE]);

/**
 * @brief moat_dice_device_id() with the UDS read from @p port; gives the
 *        public part only (the private key never leaves moat).
 * @param port the port
 * @param[out] pub the DeviceID public key (may be NULL)
 * @param[out] id UDS_ID (may be NULL)
 * @return as moat_dice_device_id() plus the errors of
 *   moat_port_device_secret().
 *
 * Memory: about 3 KiB of stack. Thread safety: as the port.
 */
moat_err moat_dice_device_id_from_port(const moat_port *port, moat_ec_public_key *pub,
                                       uint8_t id[MOAT_DICE_ID_SIZE]);

/**
 * @brief A PKCS#10 CSR for the DeviceID key, signed by it (proof of
 *        possession), for a manufacturer CA (provisioning scheme 2 of the
 *        profile). Subject: serialNumber = lowercase hex UDS_ID (so it
 *        matches the issuer of the first CDI certificate). Requested
 *        extensions: basicConstraints cA (critical), keyUsage keyCertSign
 *        (critical), subjectKeyIdentifier = UDS_ID ("X.509 UDS
 *        Certificates"). See moat_dice_device_id_certify().
 * @param uds the UDS (secret)
 * @param uds_len ::MOAT_DICE_UDS_MIN .. ::MOAT_DICE_UDS_MAX
 * @param[out] out the DER CSR; wiped over @p out_cap on failure
 * @param out_cap its capacity (::MOAT_DICE_CSR_MAX suffices)
 * @param[out] out_len size written (or needed, see moat_x509_csr_create())
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT; the errors of
 *   moat_x509_csr_create() (::MOAT_ERR_BUFFER_TOO_SMALL, ...).
 *
 * Memory: no heap; about 5 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_dice_device_id_csr(const uint8_t *uds, size_t uds_len, uint8_t *out,
                                 size_t out_cap, size_t *out_len);

/**
 * @brief moat_dice_device_id_csr() with the UDS read from @p port (wiped).
 * @param port the port
 * @param[out] out the DER CSR; wiped on failure
 * @param out_cap its capacity
 * @param[out] out_len size written
 * @return as moat_dice_device_id_csr() plus the errors of
 *   moat_port_device_secret().
 *
 * Memory: about 8 KiB of stack peak. Thread safety: as the port.
 */
moat_err moat_dice_device_id_csr_from_port(const moat_port *port, uint8_t *out,
                                           size_t out_cap, size_t *out_len);

/**
 * @brief Service side (manufacturer CA): check a DeviceID CSR and issue the
 *        DeviceID ("UDS") certificate: subject = the CSR's subject, which
 *        must be serialNumber = hex ID of the CSR key; serial as given;
 *        extensions AKI = the CA's subjectKeyIdentifier (when it has one),
 *        SKI = ID of the key, keyUsage keyCertSign and basicConstraints cA
 *        (both critical), exactly the profile's "UDS Standard Extensions".
 * @param csr the CSR DER (verified: self-signature, P-256 key, subject)
 * @param csr_len its length
 * @param ca_cert the CA certificate DER (its subject becomes the issuer)
 * @param ca_cert_len its length
 * @param ca_signer signs with the CA key (must match @p ca_cert's key)
 * @param serial positive big-endian serial number, 1..20 bytes
 * @param serial_len its length
 * @param not_before validity start (seconds since the epoch)
 * @param not_after validity end (253402300799 = 99991231235959Z)
 * @param[out] out the certificate; wiped over @p out_cap on failure
 * @param out_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] out_len size written (or needed)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   the errors of moat_x509_csr_parse() and moat_x509_parse();
 *   ::MOAT_ERR_UNSUPPORTED (CSR key not P-256);
 *   ::MOAT_ERR_X509_BAD_NAME (the CSR subject is not serialNumber = hex ID
 *   of its key); ::MOAT_ERR_X509_KEY_MISMATCH (@p ca_signer's key is not
 *   @p ca_cert's key); ::MOAT_ERR_X509_NOT_CA (@p ca_cert not a CA);
 *   the errors of moat_x509_issue().
 *
 * Memory: no heap; about 12 KiB of stack peak (a parsed certificate and
 * signing). Thread safety: reentrant.
 */
moat_err moat_dice_device_id_certify(const uint8_t *csr, size_t csr_len,
                                     const uint8_t *ca_cert, size_t ca_cert_len,
                                     const moat_signer *ca_signer,
                                     const uint8_t *serial, size_t serial_len,
                                     int64_t not_before, int64_t not_after,
                                     uint8_t *out, size_t out_cap, size_t *out_len);

/* ============================================================ DiceTcbInfo */

/** @brief Most FWIDs kept in a ::moat_dice_tcb_info. */
#define MOAT_DICE_TCB_MAX_FWIDS 4u
/** @brief Longest vendor, model and version string (bytes, without NUL). */
#define MOAT_DICE_TCB_STRING_MAX 64u
/** @brief Longest vendorInfo and type octet strings. */
#define MOAT_DICE_TCB_OCTETS_MAX 64u
/** @brief Largest encoded DiceTcbInfo accepted by the parser. */
#define MOAT_DICE_TCB_DER_MAX 1024u

/** @name DiceTcbInfo presence bits (::moat_dice_tcb_info::present).
 *  @{ */
#define MOAT_DICE_TCB_VENDOR (1u << 0)      /**< vendor [0] */
#define MOAT_DICE_TCB_MODEL (1u << 1)       /**< model [1] */
#define MOAT_DICE_TCB_VERSION (1u << 2)     /**< version [2] */
#define MOAT_DICE_TCB_SVN (1u << 3)         /**< svn [3] */
#define MOAT_DICE_TCB_LAYER (1u << 4)       /**< layer [4] */
#define MOAT_DICE_TCB_INDEX (1u << 5)       /**< index [5] */
#define MOAT_DICE_TCB_FWIDS (1u << 6)       /**< fwids [6] */
#define MOAT_DICE_TCB_FLAGS (1u << 7)       /**< flags [7] */
#define MOAT_DICE_TCB_VENDOR_INFO (1u << 8) /**< vendorInfo [8] */
#define MOAT_DICE_TCB_TYPE (1u << 9)        /**< type [9] */
/** @} */

/** @name OperationalFlags bits (::moat_dice_tcb_info::flags; bit n of the
 *  named BIT STRING is (1u << n)).
 *  @{ */
#define MOAT_DICE_FLAG_NOT_CONFIGURED (1u << 0) /**< notConfigured (0) */
#define MOAT_DICE_FLAG_NOT_SECURE (1u << 1)     /**< notSecure (1) */
#define MOAT_DICE_FLAG_RECOVERY (1u << 2)       /**< recovery (2) */
#define MOAT_DICE_FLAG_DEBUG (1u << 3)          /**< debug (3) */
/** @} */

/** @brief One FWID: SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }. */
typedef struct moat_dice_fwid {
    moat_hash_alg alg;                    /**< SHA-256, SHA-384 or SHA-512 */
    uint8_t digest[MOAT_HASH_MAX_SIZE];   /**< the measurement */
    size_t digest_len;                    /**< moat_hash_size(alg) */
} moat_dice_fwid;

/**
 * @brief TCG DiceTcbInfo (DICE Attestation Architecture, OID
 *        2.23.133.5.4.1), an owned copy (no pointers). Zero-initialize,
 *        set the fields and their ::MOAT_DICE_TCB_VENDOR ... bits in
 *        @c present. ASN.1 (module with IMPLICIT TAGS):
 *        DiceTcbInfo ::= SEQUENCE { vendor [0] UTF8String OPTIONAL,
 *        model [1] UTF8String OPTIONAL, version [2] UTF8String OPTIONAL,
 *        svn [3] INTEGER OPTIONAL, layer [4] INTEGER OPTIONAL,
 *        index [5] INTEGER OPTIONAL, fwids [6] FWIDLIST OPTIONAL,
 *        flags [7] OperationalFlags OPTIONAL, vendorInfo [8] OCTET STRING
 *        OPTIONAL, type [9] OCTET STRING OPTIONAL };
 *        FWIDLIST ::= SEQUENCE SIZE (1..MAX) OF FWID.
 */
typedef struct moat_dice_tcb_info {
    uint32_t present;                               /**< MOAT_DICE_TCB_* bits */
    char vendor[MOAT_DICE_TCB_STRING_MAX + 1u];     /**< NUL-terminated UTF-8 */
    char model[MOAT_DICE_TCB_STRING_MAX + 1u];      /**< NUL-terminated UTF-8 */
    char version[MOAT_DICE_TCB_STRING_MAX + 1u];    /**< NUL-terminated UTF-8 */
    uint64_t svn;                                   /**< security version number */
    uint64_t layer;                                 /**< DICE layer */
    uint64_t index;                                 /**< index within the layer */
    size_t fwid_count;                              /**< 1 .. ::MOAT_DICE_TCB_MAX_FWIDS when present */
    moat_dice_fwid fwids[MOAT_DICE_TCB_MAX_FWIDS];  /**< firmware measurements */
    uint32_t flags;                                 /**< OperationalFlags bits 0..31 */
    uint8_t vendor_info[MOAT_DICE_TCB_OCTETS_MAX];  /**< vendorInfo */
    size_t vendor_info_len;                         /**< its length */
    uint8_t type[MOAT_DICE_TCB_OCTETS_MAX];         /**< type */
    size_t type_len;                                /**< its length */
} moat_dice_tcb_info;

/**
 * @brief DER-encode @p tcb (the extnValue of the DiceTcbInfo extension):
 *        present fields in tag order, INTEGERs minimal, flags as a DER named
 *        bit list (trailing zero bits removed, X.690 11.2.2).
 * @param tcb the values; strings must be valid UTF-8 of at most
 *        ::MOAT_DICE_TCB_STRING_MAX bytes, FWIDs 1..::MOAT_DICE_TCB_MAX_FWIDS
 *        with digest_len = moat_hash_size(alg)
 * @param[out] out the DER (may be NULL when @p out_cap is 0); wiped over
 *        @p out_cap on failure
 * @param out_cap its capacity
 * @param[out] out_len size written, or the exact size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p tcb or @p out_len NULL,
 *   @p out NULL with @p out_cap != 0); ::MOAT_ERR_DICE_TCB_INFO (a field
 *   out of its bounds, unknown present bits, an unsupported FWID hash, a
 *   string not NUL-terminated within bounds or not UTF-8);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL.
 *
 * Memory: no heap; about 0.3 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_tcb_info_encode(const moat_dice_tcb_info *tcb, uint8_t *out,
                                   size_t out_cap, size_t *out_len);

/**
 * @brief Parse a DiceTcbInfo strictly: one DER SEQUENCE, nothing after it;
 *        fields in increasing tag order, each at most once, with their
 *        IMPLICIT tags and primitive/constructed form; no unknown field;
 *        strings valid UTF-8 without NUL, at most ::MOAT_DICE_TCB_STRING_MAX
 *        bytes; INTEGERs minimal, non-negative, below 2^64; FWIDLIST
 *        non-empty, at most ::MOAT_DICE_TCB_MAX_FWIDS, hashAlg SHA-256/384/512
 *        (NIST OIDs 2.16.840.1.101.3.4.2.1/2/3) with a digest of that size;
 *        flags a BIT STRING of at most 32 bits whose unused bits are zero;
 *        octet strings at most ::MOAT_DICE_TCB_OCTETS_MAX.
 * @param der the encoding
 * @param len its length, at most ::MOAT_DICE_TCB_DER_MAX
 * @param[out] tcb the values; wiped (zeroed) on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p der or @p tcb NULL);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above ::MOAT_DICE_TCB_DER_MAX);
 *   ::MOAT_ERR_DICE_TCB_INFO (anything else wrong, including non-DER
 *   encodings and trailing data).
 *
 * Memory: no heap; about 0.3 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_tcb_info_parse(const uint8_t *der, size_t len,
                                  moat_dice_tcb_info *tcb);

/**
 * @brief Parse the DiceTcbInfo extension of a parsed certificate.
 * @param cert a certificate from moat_x509_parse()
 * @param[out] tcb the values; wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_NOT_FOUND (no DiceTcbInfo extension);
 *   the errors of moat_dice_tcb_info_parse().
 *
 * Memory: as moat_dice_tcb_info_parse(). Thread safety: reentrant.
 */
moat_err moat_dice_tcb_info_from_cert(const moat_x509_cert *cert, moat_dice_tcb_info *tcb);

/**
 * @brief Field-by-field equality (present bits, then every present field;
 *        unused bytes are ignored). Not constant time (public data).
 * @param a first value
 * @param b second value
 * @return true when equal; false otherwise or when either is NULL.
 *
 * Memory: no heap. Thread safety: reentrant.
 */
bool moat_dice_tcb_info_equal(const moat_dice_tcb_info *a, const moat_dice_tcb_info *b);

/* ======================================================= OpenDiceInput */

/** @brief Largest OpenDiceInput extension value the parser accepts (every
 *         descriptor at ::MOAT_DICE_DESCRIPTOR_MAX and the longest profile
 *         name). */
#define MOAT_DICE_OPEN_INPUT_DER_MAX 1848u

/**
 * @brief What a CDI certificate certifies about the layer it names as
 *        subject (the OpenDiceInput extension 1.3.6.1.4.1.11129.2.1.24,
 *        written by the layer BELOW, which holds the issuing key): an owned
 *        copy without the descriptors (they are checked, not kept).
 */
typedef struct moat_dice_open_input {
    uint8_t code_hash[MOAT_DICE_HASH_SIZE];      /**< codeHash [0] */
    /** The 64-byte configuration input of the CDI formula: the inline value
     *  ([3] of 64 bytes, no [2]) or configurationHash [2] (then equal to
     *  SHA-512 of the descriptor [3]). */
    uint8_t config[MOAT_DICE_INLINE_CONFIG_SIZE];
    bool config_is_hash;                         /**< true: @c config is configurationHash */
    uint8_t authority_hash[MOAT_DICE_HASH_SIZE]; /**< authorityHash [4] */
    moat_dice_mode mode;                         /**< mode [6] */
    char profile_name[MOAT_DICE_PROFILE_NAME_MAX + 1u]; /**< profileName [7]; "" when absent */
} moat_dice_open_input;

/**
 * @brief Parse an OpenDiceInput extension value strictly (Open Profile for
 *        DICE "Custom Extension Format"): one DER SEQUENCE and nothing after
 *        it; fields [0]..[7] EXPLICIT, in increasing tag order, each at most
 *        once, each holding exactly one value of its type (OCTET STRING for
 *        [0]..[5], ENUMERATED for [6], UTF8String for [7]); codeHash [0],
 *        authorityHash [4] (64 bytes each) and mode [6] (0..3, one content
 *        octet) required; the configuration either inline ([3] of 64 bytes
 *        without [2]) or a descriptor [3] with configurationHash [2] = its
 *        SHA-512; descriptors at most ::MOAT_DICE_DESCRIPTOR_MAX bytes; the
 *        profile name 1..::MOAT_DICE_PROFILE_NAME_MAX bytes of UTF-8
 *        without NUL.
 * @param der the extension value
 * @param len its length, at most ::MOAT_DICE_OPEN_INPUT_DER_MAX
 * @param[out] out the values; zeroed on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p der or @p out NULL);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above the bound);
 *   ::MOAT_ERR_DICE_OPEN_INPUT (anything else: not DER, an unknown,
 *   repeated or misordered field, a wrong type or size, a missing required
 *   field, a configurationHash that is not the descriptor's hash).
 *
 * Memory: no heap; about 0.5 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_open_input_parse(const uint8_t *der, size_t len,
                                    moat_dice_open_input *out);

/**
 * @brief Parse the OpenDiceInput extension of a parsed CDI certificate.
 * @param cert a certificate from moat_x509_parse()
 * @param[out] out the values; zeroed on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_NOT_FOUND (no OpenDiceInput extension); the errors of
 *   moat_dice_open_input_parse().
 *
 * Memory: as moat_dice_open_input_parse(). Thread safety: reentrant.
 */
moat_err moat_dice_input_from_cert(const moat_x509_cert *cert, moat_dice_open_input *out);

/**
 * @brief Is @p cert's subject exactly the DICE identifier Name of its own
 *        key, serialNumber = lowercase hex of moat_dice_id() (one RDN,
 *        PrintableString), as moat_dice_device_id_certify() writes the
 *        DeviceID certificate?
 * @param cert a certificate from moat_x509_parse()
 * @return true when it is; false otherwise (NULL, not a P-256 key, any
 *   other subject). Cannot fail otherwise.
 *
 * Memory: no heap; about 1 KiB of stack. Thread safety: reentrant.
 */
bool moat_dice_subject_is_key_id(const moat_x509_cert *cert);

/* ============================================================ alias key */

/**
 * @brief The alias (attestation) key pair of the layer holding @p cdis:
 *        seed = KDF(32, CDI_Attest, ASYM_SALT, "moat alias key") then
 *        moat_dice_keypair_from_seed(). moat-specific (docs/dice.md); it
 *        changes with every input of every layer, like CDI_Attest.
 * @param cdis the layer's CDIs (only @c attest is used)
 * @param[out] priv the private key; wiped on failure
 * @param[out] pub the public key (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p cdis or @p priv NULL);
 *   ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 3 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_dice_alias_keypair(const moat_dice_cdis *cdis, moat_ec_private_key *priv,
                                 moat_ec_public_key *pub);

/**
 * @brief The alias certificate, issued by the CDI key of @p cdis (the
 *        last layer's CDI certificate subject): v3, serial = ID of the alias
 *        key, issuer serialNumber = CDI_ID, subject serialNumber = alias ID
 *        (lowercase hex), validity 180322235959Z .. 99991231235959Z,
 *        ecdsa-with-SHA256; extensions AKI = CDI_ID, SKI = alias ID,
 *        keyUsage digitalSignature (critical), basicConstraints cA FALSE
 *        (critical), and DiceTcbInfo (2.23.133.5.4.1, critical, as the TCG
 *        DICE Attestation Architecture recommends for DiceTcbInfo).
 * @param cdis the layer's CDIs (only @c attest is used)
 * @param tcb the TCB information to certify (vendor, model, version, svn,
 *        fwids = the firmware measurement, ...)
 * @param[out] out the DER certificate; wiped over @p out_cap on failure
 * @param out_cap its capacity (::MOAT_DICE_CERT_MAX suffices)
 * @param[out] out_len size written (or needed, as moat_x509_issue())
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer, @p out NULL
 *   with @p out_cap != 0); the errors of moat_dice_tcb_info_encode()
 *   (::MOAT_ERR_DICE_TCB_INFO) and of moat_x509_issue().
 *
 * Memory: no heap; about 7 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_dice_alias_cert(const moat_dice_cdis *cdis, const moat_dice_tcb_info *tcb,
                              uint8_t *out, size_t out_cap, size_t *out_len);

/* ============================================================== sealing */

/** @brief Sealed blob format version (first byte). */
#define MOAT_DICE_SEAL_VERSION 1u
/** @brief AES-GCM nonce size in a sealed blob. */
#define MOAT_DICE_SEAL_NONCE_SIZE 12u
/** @brief Bytes a sealed blob adds to the plaintext: version, nonce, tag. */
#define MOAT_DICE_SEAL_OVERHEAD (1u + MOAT_DICE_SEAL_NONCE_SIZE + 16u)
/** @brief Longest caller label. */
#define MOAT_DICE_SEAL_LABEL_MAX 64u
/** @brief Largest plaintext that can be sealed. */
#define MOAT_DICE_SEAL_MAX_PLAINTEXT 65536u

/**
 * @brief Seal device-local data under CDI_Seal: key = HKDF-SHA-256(ikm =
 *        @p cdis->seal, no salt, info = "moat seal v1" || @p label, 32);
 *        AES-256-GCM with a fresh 12-byte nonce from @p rng and the version
 *        byte as AAD. Blob = version (0x01) || nonce || ciphertext || tag
 *        (16). Only firmware with the same CDI_Seal, i.e. the same
 *        authority, mode, hidden inputs and UDS along the chain, can unseal
 *        (code changes do not alter CDI_Seal).
 * @param cdis the layer's CDIs (only @c seal is used)
 * @param label caller context binding the key (may be NULL when
 *        @p label_len is 0), at most ::MOAT_DICE_SEAL_LABEL_MAX bytes
 * @param label_len its length
 * @param pt the plaintext (may be NULL when @p pt_len is 0)
 * @param pt_len at most ::MOAT_DICE_SEAL_MAX_PLAINTEXT
 * @param rng nonce source
 * @param rng_ctx its context
 * @param[out] out the blob (must not overlap @p pt); wiped over @p out_cap
 *        on failure
 * @param out_cap its capacity, at least @p pt_len + ::MOAT_DICE_SEAL_OVERHEAD
 * @param[out] out_len size written, or needed on ::MOAT_ERR_BUFFER_TOO_SMALL
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer where one
 *   is required); ::MOAT_ERR_INPUT_TOO_LARGE (@p label_len or @p pt_len
 *   above its bound); ::MOAT_ERR_BUFFER_TOO_SMALL;
 *   ::MOAT_ERR_CRYPTO_RNG_FAILED (@p rng failed; nothing sealed);
 *   ::MOAT_ERR_INTERNAL (not expected).
 *
 * Memory: no heap; about 2 KiB of stack (key and cipher state wiped).
 * Thread safety: reentrant; @p rng is called on the calling thread.
 */
moat_err moat_dice_seal(const moat_dice_cdis *cdis, const uint8_t *label, size_t label_len,
                        const uint8_t *pt, size_t pt_len, moat_rng_fn rng, void *rng_ctx,
                        uint8_t *out, size_t out_cap, size_t *out_len);

/**
 * @brief Open a blob from moat_dice_seal() (tag checked in constant time
 *        before any plaintext is released).
 * @param cdis the layer's CDIs (only @c seal is used)
 * @param label the label used to seal (may be NULL when @p label_len is 0)
 * @param label_len its length, at most ::MOAT_DICE_SEAL_LABEL_MAX
 * @param blob the sealed blob
 * @param blob_len its length
 * @param[out] out the plaintext (must not overlap @p blob); wiped over
 *        @p out_cap on failure
 * @param out_cap its capacity, at least @p blob_len - ::MOAT_DICE_SEAL_OVERHEAD
 * @param[out] out_len size written, or needed on ::MOAT_ERR_BUFFER_TOO_SMALL
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p label_len above its bound, or the blob
 *   longer than the largest sealed plaintext allows);
 *   ::MOAT_ERR_DICE_SEAL_FORMAT (shorter than ::MOAT_DICE_SEAL_OVERHEAD, or
 *   an unknown version byte); ::MOAT_ERR_BUFFER_TOO_SMALL;
 *   ::MOAT_ERR_DICE_SEAL_AUTH (the tag does not verify: another CDI_Seal,
 *   another label, or a modified blob).
 *
 * Memory: no heap; about 2 KiB of stack (key and cipher state wiped).
 * Thread safety: reentrant.
 */
moat_err moat_dice_unseal(const moat_dice_cdis *cdis, const uint8_t *label,
                          size_t label_len, const uint8_t *blob, size_t blob_len,
                          uint8_t *out, size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_DICE_H */
