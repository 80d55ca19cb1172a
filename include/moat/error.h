/**
 * @file error.h
 * @brief The one error enumeration of moat, and its messages.
 *
 * Every moat function that can fail returns a ::moat_err. ::MOAT_OK is zero;
 * every failure is a distinct positive code naming the check that failed, so
 * that a caller (or a log) can tell *why* something was rejected without a
 * debugger. Codes are stable: new codes are only ever appended inside their
 * module's range, never renumbered.
 *
 * Ranges: 1-99 general, 100-199 core (base64url, hex, JSON), 200-299 crypto,
 * 300-399 JOSE, 400-499 port, 500+ reserved for the service modules
 * (x509, attest, update, msg, report).
 *
 * Thread safety: moat_strerror() is reentrant (returns static strings).
 */
#ifndef MOAT_ERROR_H
#define MOAT_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The error codes, as an X-macro list X(name, value, message).
 *
 * Kept in one place so that the enum and moat_strerror() cannot disagree.
 * To add a code, append an X(...) line inside its module's range.
 */
#define MOAT_ERR_LIST(X)                                                          \
    X(MOAT_OK, 0, "success")                                                      \
    /* general */                                                                 \
    X(MOAT_ERR_INVALID_ARGUMENT, 1, "invalid argument (NULL pointer or bad size)") \
    X(MOAT_ERR_BUFFER_TOO_SMALL, 2, "output buffer too small (size needed reported)") \
    X(MOAT_ERR_UNSUPPORTED, 3, "unsupported algorithm, curve or option")          \
    X(MOAT_ERR_INTERNAL, 4, "internal error (a backend failed unexpectedly)")     \
    X(MOAT_ERR_INPUT_TOO_LARGE, 5, "input exceeds the documented size bound")     \
    X(MOAT_ERR_OUT_OF_MEMORY, 6, "caller-sized workspace exhausted")              \
    X(MOAT_ERR_NOT_FOUND, 7, "item not found")                                    \
    /* core: base64url, hex */                                                    \
    X(MOAT_ERR_B64_PADDING, 100, "base64url: padding '=' is not allowed")         \
    X(MOAT_ERR_B64_CHAR, 101, "base64url: character outside the alphabet")        \
    X(MOAT_ERR_B64_TRAILING_BITS, 102, "base64url: non-zero trailing bits (non-canonical)") \
    X(MOAT_ERR_B64_LENGTH, 103, "base64url: impossible length (1 mod 4)")         \
    X(MOAT_ERR_HEX_CHAR, 104, "hex: character outside [0-9a-fA-F]")               \
    X(MOAT_ERR_HEX_LENGTH, 105, "hex: odd length")                                \
    /* core: bounded JSON */                                                      \
    X(MOAT_ERR_JSON_SYNTAX, 110, "JSON: syntax error")                            \
    X(MOAT_ERR_JSON_DEPTH, 111, "JSON: nesting deeper than the bound")            \
    X(MOAT_ERR_JSON_TOO_LARGE, 112, "JSON: input larger than the bound")          \
    X(MOAT_ERR_JSON_TOO_MANY_MEMBERS, 113, "JSON: more members/elements than the bound") \
    X(MOAT_ERR_JSON_DUPLICATE_KEY, 114, "JSON: duplicate member name")            \
    X(MOAT_ERR_JSON_UTF8, 115, "JSON: invalid UTF-8")                             \
    X(MOAT_ERR_JSON_SURROGATE, 116, "JSON: lone or mismatched UTF-16 surrogate escape") \
    X(MOAT_ERR_JSON_NUMBER, 117, "JSON: number not allowed (NaN, Infinity, bad form)") \
    X(MOAT_ERR_JSON_TRAILING, 118, "JSON: trailing data after the value")         \
    X(MOAT_ERR_JSON_TYPE, 119, "JSON: member has the wrong type")                 \
    X(MOAT_ERR_JSON_RANGE, 120, "JSON: integer not exact or out of range")        \
    X(MOAT_ERR_JSON_MISSING, 121, "JSON: required member missing")                \
    X(MOAT_ERR_JSON_ARENA, 122, "JSON: caller's arena too small for this document") \
    X(MOAT_ERR_JSON_STRING_TOO_LONG, 123, "JSON: string longer than the bound")   \
    X(MOAT_ERR_JSON_NUL_CHAR, 124, "JSON: U+0000 (NUL) in a string is not accepted") \
    /* crypto */                                                                  \
    X(MOAT_ERR_CRYPTO_BAD_KEY, 200, "crypto: invalid key (out of range, wrong length)") \
    X(MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE, 201, "crypto: public point not on the curve") \
    X(MOAT_ERR_CRYPTO_POINT_ENCODING, 202, "crypto: public point encoding not accepted") \
    X(MOAT_ERR_CRYPTO_SIG_ENCODING, 203, "crypto: signature encoding invalid (not DER / wrong length)") \
    X(MOAT_ERR_CRYPTO_SIG_RANGE, 204, "crypto: signature r or s is zero or not below n") \
    X(MOAT_ERR_CRYPTO_SIG_INVALID, 205, "crypto: signature does not verify")      \
    X(MOAT_ERR_CRYPTO_TAG_MISMATCH, 206, "crypto: AEAD authentication tag mismatch") \
    X(MOAT_ERR_CRYPTO_IV_LENGTH, 207, "crypto: IV/nonce length not accepted")     \
    X(MOAT_ERR_CRYPTO_TAG_LENGTH, 208, "crypto: tag length not accepted")         \
    X(MOAT_ERR_CRYPTO_LOW_ORDER_POINT, 209, "crypto: low-order point (all-zero shared secret)") \
    X(MOAT_ERR_CRYPTO_KEY_ENCODING, 210, "crypto: key DER/SPKI encoding invalid") \
    X(MOAT_ERR_CRYPTO_CURVE_MISMATCH, 211, "crypto: keys or inputs on different curves") \
    X(MOAT_ERR_CRYPTO_RNG_FAILED, 212, "crypto: random source failed (failing closed)") \
    X(MOAT_ERR_CRYPTO_DRBG_RESEED, 213, "crypto: DRBG needs reseeding")           \
    X(MOAT_ERR_CRYPTO_OUTPUT_LENGTH, 214, "crypto: requested output length out of range") \
    X(MOAT_ERR_DER_TRUNCATED, 220, "DER: truncated input")                        \
    X(MOAT_ERR_DER_TAG, 221, "DER: unexpected tag")                               \
    X(MOAT_ERR_DER_LENGTH, 222, "DER: bad length (indefinite, non-minimal, or too long)") \
    X(MOAT_ERR_DER_INTEGER, 223, "DER: non-minimal or negative INTEGER")          \
    X(MOAT_ERR_DER_TRAILING, 224, "DER: trailing data")                           \
    X(MOAT_ERR_DER_DEPTH, 225, "DER: nesting deeper than the bound")              \
    /* JOSE */                                                                    \
    X(MOAT_ERR_JOSE_FORMAT, 300, "JOSE: malformed serialization (segments, members)") \
    X(MOAT_ERR_JOSE_ALG_NOT_ALLOWED, 301, "JOSE: alg not in the allow-list (none, HS*, ...)") \
    X(MOAT_ERR_JOSE_ALG_KEY_MISMATCH, 302, "JOSE: alg does not match the key's curve") \
    X(MOAT_ERR_JOSE_CRIT_UNKNOWN, 303, "JOSE: crit names a header parameter not understood") \
    X(MOAT_ERR_JOSE_HEADER_TOO_LARGE, 304, "JOSE: protected header larger than the bound") \
    X(MOAT_ERR_JOSE_HEADER_INVALID, 305, "JOSE: header not an object, a member of the wrong type, or protected/unprotected overlap") \
    X(MOAT_ERR_JOSE_SIG_INVALID, 306, "JOSE: signature does not verify")          \
    X(MOAT_ERR_JOSE_THRESHOLD, 307, "JOSE: fewer distinct valid signers than the threshold") \
    X(MOAT_ERR_JOSE_KID_UNKNOWN, 308, "JOSE: no key with this kid")               \
    X(MOAT_ERR_JOSE_ALG_MISSING, 309, "JOSE: protected header has no string \"alg\"") \
    X(MOAT_ERR_JWK_INVALID, 310, "JWK: not an object, or a member of the wrong type") \
    X(MOAT_ERR_JWK_PRIVATE_MEMBER, 311, "JWK: private member present where a public key is expected") \
    X(MOAT_ERR_JWK_KTY, 312, "JWK: kty/crv not supported")                        \
    X(MOAT_ERR_JWK_MEMBER_MISSING, 313, "JWK: required member (kty, crv, x, y, d) missing") \
    X(MOAT_ERR_JWK_COORD_LENGTH, 314, "JWK: coordinate or d of the wrong length for the curve") \
    X(MOAT_ERR_JWK_KEY_MISMATCH, 315, "JWK: x/y do not match the private key d") \
    X(MOAT_ERR_JOSE_CRIT_MALFORMED, 316, "JOSE: crit not a non-empty array of distinct, present, non-registered names") \
    X(MOAT_ERR_JWT_EXPIRED, 320, "JWT: exp is in the past (beyond skew)")         \
    X(MOAT_ERR_JWT_NOT_YET_VALID, 321, "JWT: nbf is in the future (beyond skew)") \
    X(MOAT_ERR_JWT_IAT_FUTURE, 322, "JWT: iat is in the future (beyond skew)")    \
    X(MOAT_ERR_JWT_CLAIM, 323, "JWT: claim malformed")                            \
    X(MOAT_ERR_JWE_FORMAT, 340, "JWE: not a compact serialization of five segments") \
    X(MOAT_ERR_JWE_ALG_NOT_ALLOWED, 341, "JWE: alg not in the allow-list (ECDH-ES only)") \
    X(MOAT_ERR_JWE_ENC_NOT_ALLOWED, 342, "JWE: enc missing or not in the allow-list (A256GCM only)") \
    X(MOAT_ERR_JWE_ZIP, 343, "JWE: zip (compression before encryption) is refused") \
    X(MOAT_ERR_JWE_EPK_INVALID, 344, "JWE: epk missing or not a public EC JWK (kty, members, lengths)") \
    X(MOAT_ERR_JWE_EPK_CURVE, 345, "JWE: epk on a curve other than the recipient's (P-256)") \
    X(MOAT_ERR_JWE_EPK_NOT_ON_CURVE, 346, "JWE: epk point not on the curve") \
    X(MOAT_ERR_JWE_ENCRYPTED_KEY, 347, "JWE: encrypted key segment not empty (ECDH-ES direct agreement)") \
    X(MOAT_ERR_JWE_IV_LENGTH, 348, "JWE: IV not exactly 96 bits") \
    X(MOAT_ERR_JWE_TAG_LENGTH, 349, "JWE: authentication tag not exactly 128 bits") \
    X(MOAT_ERR_JWE_AUTH, 350, "JWE: authentication failed (ciphertext, IV, tag, header or recipient key)") \
    X(MOAT_ERR_JWE_TOO_LARGE, 351, "JWE: serialization or plaintext larger than the bound") \
    X(MOAT_ERR_JWE_HEADER_INVALID, 352, "JWE: header member of the wrong type, or apu/apv too long") \
    /* port */                                                                    \
    X(MOAT_ERR_PORT_ENTROPY, 400, "port: entropy source failed")                  \
    X(MOAT_ERR_PORT_NO_TIME, 401, "port: no trusted time available")              \
    X(MOAT_ERR_PORT_IO, 402, "port: persistent storage I/O failed")               \
    X(MOAT_ERR_PORT_NOT_FOUND, 403, "port: record, counter or slot not found")    \
    X(MOAT_ERR_PORT_COUNTER_DECREASE, 404, "port: counter may not decrease")      \
    X(MOAT_ERR_PORT_COUNTER_OVERFLOW, 405, "port: counter at its maximum")        \
    X(MOAT_ERR_PORT_RANGE, 406, "port: offset/length outside the slot or record bound") \
    X(MOAT_ERR_PORT_POWER_CUT, 407, "port: simulated power cut (fault port)")     \
    X(MOAT_ERR_PORT_NO_SECRET, 408, "port: device secret unavailable")            \
    X(MOAT_ERR_PORT_CORRUPT, 409, "port: stored record failed its integrity check") \
    X(MOAT_ERR_PORT_BUSY, 410, "port: state already opened by another instance") \
    X(MOAT_ERR_PORT_INSECURE, 411, "port: state storage has an unsafe owner, mode or symlink") \
    /* x509: parsing (500-519) */                                                 \
    X(MOAT_ERR_X509_BAD_VERSION, 500, "X.509: version not v1-v3, or extensions outside v3") \
    X(MOAT_ERR_X509_SIG_ALG_MISMATCH, 501, "X.509: outer and TBS signature algorithms differ") \
    X(MOAT_ERR_X509_UNSUPPORTED_ALG, 502, "X.509: signature or key algorithm not supported") \
    X(MOAT_ERR_X509_DUPLICATE_EXTENSION, 503, "X.509: extension present twice")  \
    X(MOAT_ERR_X509_BAD_EXTENSION, 504, "X.509: known extension malformed")       \
    X(MOAT_ERR_X509_BAD_TIME, 505, "X.509: validity time malformed")              \
    X(MOAT_ERR_X509_BAD_SERIAL, 506, "X.509: serial number negative, zero or longer than 20 octets") \
    X(MOAT_ERR_X509_TOO_MANY, 507, "X.509: more entries than the MOAT_X509_MAX_* bound") \
    X(MOAT_ERR_X509_BAD_NAME, 508, "X.509: Name malformed")                       \
    X(MOAT_ERR_X509_BAD_OID, 509, "X.509: OBJECT IDENTIFIER malformed (non-minimal arc, truncated, bad text)") \
    X(MOAT_ERR_PEM_FORMAT, 510, "PEM: no well-formed BEGIN/END block")            \
    X(MOAT_ERR_PEM_LABEL, 511, "PEM: label not the expected one, or BEGIN/END labels differ") \
    X(MOAT_ERR_PEM_BASE64, 512, "PEM: invalid base64 body")                       \
    X(MOAT_ERR_X509_CSR_SIGNATURE, 513, "CSR: self-signature does not verify")    \
    /* x509: path validation (520-549) */                                         \
    X(MOAT_ERR_X509_EXPIRED, 520, "X.509: certificate expired")                   \
    X(MOAT_ERR_X509_NOT_YET_VALID, 521, "X.509: certificate not yet valid")       \
    X(MOAT_ERR_X509_NO_ISSUER, 522, "X.509: no path to a trust anchor (issuer not found)") \
    X(MOAT_ERR_X509_BAD_SIGNATURE, 523, "X.509: certificate signature does not verify") \
    X(MOAT_ERR_X509_NOT_CA, 524, "X.509: issuer is not a CA (basicConstraints)")  \
    X(MOAT_ERR_X509_PATH_LEN, 525, "X.509: pathLenConstraint exceeded")           \
    X(MOAT_ERR_X509_KEY_USAGE, 526, "X.509: keyUsage does not allow this use")    \
    X(MOAT_ERR_X509_EKU, 527, "X.509: extKeyUsage does not allow the purpose")    \
    X(MOAT_ERR_X509_NAME_MISMATCH, 528, "X.509: host name or IP does not match the leaf") \
    X(MOAT_ERR_X509_NAME_CONSTRAINTS, 529, "X.509: name constraints violated")    \
    X(MOAT_ERR_X509_UNKNOWN_CRITICAL, 530, "X.509: unknown critical extension")   \
    X(MOAT_ERR_X509_TOO_DEEP, 531, "X.509: path longer than the depth bound")     \
    X(MOAT_ERR_X509_PIN_MISMATCH, 532, "X.509: no certificate of the path matches a pinned key") \
    X(MOAT_ERR_X509_KEY_MISMATCH, 533, "X.509: certificate key is not the device key") \
    X(MOAT_ERR_X509_NO_TIME, 534, "X.509: no trusted time and the policy requires it") \
    X(MOAT_ERR_X509_SELF_SIGNED_LEAF, 535, "X.509: self-signed leaf is not a trust anchor") \
    X(MOAT_ERR_X509_SEARCH_LIMIT, 545, "X.509: path building exceeded its work bound (MOAT_X509_MAX_SIG_CHECKS / MAX_BUILD_STEPS)") \
    X(MOAT_ERR_X509_LEAF_IS_CA, 546, "X.509: the leaf is a CA certificate and the caller forbids it") \
    /* attest: DICE (600-619) */                                                  \
    X(MOAT_ERR_DICE_BAD_INPUT, 600, "DICE: input values malformed (mode, sizes, descriptors)") \
    X(MOAT_ERR_DICE_TCB_INFO, 601, "DICE: DiceTcbInfo malformed")                 \
    X(MOAT_ERR_DICE_SEAL_AUTH, 602, "DICE: sealed blob does not open under this firmware's sealing key") \
    X(MOAT_ERR_DICE_SEAL_FORMAT, 603, "DICE: sealed blob malformed")              \
    X(MOAT_ERR_DICE_OPEN_INPUT, 604, "DICE: OpenDiceInput extension (1.3.6.1.4.1.11129.2.1.24) malformed") \
    /* attest: evidence and verification (620-659) */                            \
    X(MOAT_ERR_EAT_CLAIM, 620, "EAT: claim missing, malformed or of the wrong type") \
    X(MOAT_ERR_EAT_PROFILE, 621, "EAT: unknown eat_profile")                      \
    X(MOAT_ERR_EAT_NONCE_MISSING, 622, "EAT: eat_nonce missing or not 8-64 bytes") \
    X(MOAT_ERR_EAT_NONCE_UNKNOWN, 623, "EAT: eat_nonce was never issued (or expired)") \
    X(MOAT_ERR_EAT_NONCE_USED, 624, "EAT: eat_nonce already used (replay)")       \
    X(MOAT_ERR_EAT_NONCE_DEVICE, 625, "EAT: eat_nonce was issued to another device") \
    X(MOAT_ERR_EAT_IAT, 626, "EAT: iat outside the accepted window")              \
    X(MOAT_ERR_EAT_X5C, 627, "EAT: x5c header missing or malformed")              \
    X(MOAT_ERR_EAT_TCB_MISMATCH, 628, "EAT: measurements differ from the alias certificate's DiceTcbInfo") \
    X(MOAT_ERR_EAT_NOT_ALIAS, 629, "EAT: signer is not an alias (attestation) key certified by the DeviceID chain") \
    X(MOAT_ERR_EAT_DEBUG, 630, "EAT: debug-enabled device (dbgstat, or a DICE layer not in normal mode) refused by policy")     \
    X(MOAT_ERR_EAT_UEID, 631, "EAT: ueid does not match the DeviceID key of the chain") \
    X(MOAT_ERR_EAT_TOO_LARGE, 632, "EAT: token larger than the bound")            \
    X(MOAT_ERR_EAT_NONCE_STORE_FULL, 633, "EAT: nonce store full")                \
    X(MOAT_ERR_EAT_SVN, 634, "EAT: firmware svn below the policy minimum")       \
    X(MOAT_ERR_EAT_TCB_FLAGS, 635, "EAT: alias TcbInfo flags notConfigured, notSecure or recovery refused by policy") \
    X(MOAT_ERR_REFVAL_INVALID, 640, "appraisal: reference values document malformed") \
    X(MOAT_ERR_REFVAL_UNKNOWN_MODEL, 641, "appraisal: no reference values for this hwmodel") \
    /* update: metadata (700-749) */                                              \
    X(MOAT_ERR_UPDATE_WRONG_TYPE, 700, "update: payload is not of the expected document type (moat_root / moat_manifest marker)") \
    X(MOAT_ERR_UPDATE_ROOT_FORMAT, 701, "update: trust root payload malformed (member missing, unknown, wrong type or out of range)") \
    X(MOAT_ERR_UPDATE_ROOT_KEYS, 702, "update: trust root keys invalid (count, duplicate, kid not the thumbprint, shared by roles, threshold)") \
    X(MOAT_ERR_UPDATE_ROOT_VERSION, 703, "update: new trust root version is not exactly the current version + 1") \
    X(MOAT_ERR_UPDATE_ROOT_EXPIRED, 704, "update: trust root expired") \
    X(MOAT_ERR_UPDATE_ROOT_OLD_SIGS, 705, "update: new trust root lacks a threshold of the current root keys' signatures") \
    X(MOAT_ERR_UPDATE_ROOT_NEW_SIGS, 706, "update: trust root lacks a threshold of its own root keys' signatures") \
    X(MOAT_ERR_UPDATE_ROOT_EPOCH, 707, "update: sequence epoch decreased, or increased without replacing every targets key") \
    X(MOAT_ERR_UPDATE_ROOT_EXISTS, 708, "update: a trust root is already stored (bootstrap refused)") \
    X(MOAT_ERR_UPDATE_ROOT_STALE, 709, "update: the current trust root given is not the stored one") \
    X(MOAT_ERR_UPDATE_ROOT_RECORD, 710, "update: stored trust root record malformed") \
    X(MOAT_ERR_UPDATE_MANIFEST_FORMAT, 720, "update: manifest payload malformed (member missing, wrong type or out of range)") \
    X(MOAT_ERR_UPDATE_CRITICAL_UNKNOWN, 721, "update: manifest marks critical a member this verifier does not understand") \
    X(MOAT_ERR_UPDATE_EXPIRED, 722, "update: manifest expired") \
    X(MOAT_ERR_UPDATE_VENDOR, 723, "update: manifest vendor_id is not the device's") \
    X(MOAT_ERR_UPDATE_CLASS, 724, "update: manifest class_id is not the device's") \
    X(MOAT_ERR_UPDATE_COMPONENT, 725, "update: manifest component is not one of the device's") \
    X(MOAT_ERR_UPDATE_SLOT, 726, "update: manifest slot is not a staging slot of the component on this device") \
    X(MOAT_ERR_UPDATE_SIZE, 727, "update: image size zero, out of range or larger than the slot") \
    X(MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK, 728, "update: manifest sequence not above the stored sequence") \
    X(MOAT_ERR_UPDATE_SVN_ROLLBACK, 729, "update: security version below the component's svn counter") \
    X(MOAT_ERR_UPDATE_VERSION_ROLLBACK, 730, "update: version lower than the installed version") \
    X(MOAT_ERR_UPDATE_VERSION_EQUAL, 731, "update: version equal to the installed version (refused by policy)") \
    X(MOAT_ERR_UPDATE_DEPENDENCY, 732, "update: a dependency is not installed at its minimum version") \
    X(MOAT_ERR_UPDATE_EPOCH, 733, "update: manifest sequence_epoch is not the trust root's sequence epoch") \
    X(MOAT_ERR_UPDATE_COUNTER_RANGE, 734, "update: counter value (epoch * 2^32 + value) above the device's counter maximum") \
    /* update: image and install (750-789) */                                     \
    X(MOAT_ERR_UPDATE_STATE, 750, "update: operation not allowed in the current install state") \
    X(MOAT_ERR_UPDATE_SLOT_ACTIVE, 751, "update: the staging slot holds the running or fallback image") \
    X(MOAT_ERR_UPDATE_IMAGE_LONG, 752, "update: more image bytes than the manifest size (nothing beyond it hashed or written)") \
    X(MOAT_ERR_UPDATE_IMAGE_SHORT, 753, "update: image ended before the manifest size") \
    X(MOAT_ERR_UPDATE_DIGEST, 754, "update: image SHA-256 does not match the manifest digest") \
    X(MOAT_ERR_UPDATE_READBACK, 755, "update: slot content re-read from storage does not hash to the manifest digest") \
    X(MOAT_ERR_UPDATE_INSTALL_RECORD, 756, "update: install state record malformed") \
    X(MOAT_ERR_UPDATE_STREAM_DONE, 757, "update: image stream already failed or finished (begin again)") \
    X(MOAT_ERR_UPDATE_NO_IMAGE, 758, "update: no image that verifies against its manifest digest to boot") \
    /* msg: TLS channel (800-819) */                                              \
    X(MOAT_ERR_TLS_TIMEOUT, 800, "TLS: the transport timed out") \
    X(MOAT_ERR_TLS_WOULD_BLOCK, 801, "TLS: non-blocking transport not ready; call again") \
    X(MOAT_ERR_TLS_IO, 802, "TLS: transport I/O failed") \
    X(MOAT_ERR_TLS_EOF, 803, "TLS: transport closed without close_notify (possible truncation)") \
    X(MOAT_ERR_TLS_CLOSED, 804, "TLS: the connection was closed (close_notify)") \
    X(MOAT_ERR_TLS_ALERT, 805, "TLS: fatal alert received from the peer (number in moat_tls_status)") \
    X(MOAT_ERR_TLS_PROTOCOL, 806, "TLS: protocol violation (malformed, unexpected or unauthenticated message)") \
    X(MOAT_ERR_TLS_NO_COMMON_SUITE, 807, "TLS: no cipher suite, curve or signature algorithm in common") \
    X(MOAT_ERR_TLS_VERSION, 808, "TLS: the peer does not speak TLS 1.2") \
    X(MOAT_ERR_TLS_CERTIFICATE, 809, "TLS: peer certificate chain rejected (X.509 code in moat_tls_status)") \
    X(MOAT_ERR_TLS_NO_PEER_CERT, 810, "TLS: the peer sent no certificate and one is required") \
    X(MOAT_ERR_TLS_BAD_SIGNATURE, 811, "TLS: the peer's handshake signature does not verify") \
    X(MOAT_ERR_TLS_STATE, 812, "TLS: operation not allowed in the current state") \
    X(MOAT_ERR_TLS_SIGNER, 813, "TLS: own signer failed (its error in moat_tls_status)") \
    /* msg: sealed messages (820-849) */                                        \
    X(MOAT_ERR_MSG_FORMAT, 820, "message: signed payload malformed (member missing, unknown, wrong type or value)") \
    X(MOAT_ERR_MSG_TOO_LARGE, 821, "message: message or body larger than the bound") \
    X(MOAT_ERR_MSG_HEADER, 822, "message: protected header lacks string iss/aud/msg_type or the moat cty") \
    X(MOAT_ERR_MSG_WRONG_RECIPIENT, 823, "message: addressed to another recipient") \
    X(MOAT_ERR_MSG_UNKNOWN_SENDER, 824, "message: sender not in the directory") \
    X(MOAT_ERR_MSG_SENDER_MISMATCH, 825, "message: inner signature by a key other than the sender's (sender substitution)") \
    X(MOAT_ERR_MSG_BINDING, 826, "message: protected header from/to/type differ from the signed payload") \
    X(MOAT_ERR_MSG_TYPE_NOT_ALLOWED, 827, "message: type not in the receiver's allow-list") \
    X(MOAT_ERR_MSG_SEQ, 828, "message: sequence number zero or above 2^53-1") \
    X(MOAT_ERR_MSG_REPLAY, 829, "message: sequence number already accepted from this sender (replay)") \
    X(MOAT_ERR_MSG_REPLAY_OLD, 830, "message: sequence number older than the replay window") \
    X(MOAT_ERR_MSG_REPLAY_FULL, 831, "message: replay table full (a new sender is refused)") \
    X(MOAT_ERR_MSG_REPLAY_RECORD, 832, "message: stored replay record malformed") \
    X(MOAT_ERR_MSG_REPLAY_STALE, 833, "message: replay state not loaded, or a persistent write failed (reopen it)") \
    /* report (850-879) */                                                        \
    X(MOAT_ERR_REPORT_FIELD, 850, "report: kind unknown, or component/version/device id empty, too long or not printable ASCII") \
    X(MOAT_ERR_REPORT_STORE, 851, "report: a stored ring record is malformed or inconsistent with the ring") \
    X(MOAT_ERR_REPORT_STATE, 852, "report: context not open, or a persistent write failed (reopen to re-read the ring)") \
    X(MOAT_ERR_REPORT_EMPTY, 853, "report: no unacknowledged event to export") \
    X(MOAT_ERR_REPORT_TYPE, 854, "report: token is not of the expected type (typ header or marker claim)") \
    X(MOAT_ERR_REPORT_CLAIMS, 855, "report: batch claims malformed (member missing, unknown, wrong type or out of range)") \
    X(MOAT_ERR_REPORT_EVENTS, 856, "report: batch events inconsistent (order, count, ids outside first_id..last_id)") \
    X(MOAT_ERR_REPORT_DEVICE, 857, "report: token names another device") \
    X(MOAT_ERR_REPORT_ACK_CLAIMS, 858, "report: acknowledgement claims malformed") \
    X(MOAT_ERR_REPORT_ACK_RANGE, 859, "report: acknowledgement beyond the last exported id") \
    X(MOAT_ERR_REPORT_ID_EXHAUSTED, 860, "report: record ids exhausted (2^53-1)")

/** @brief The one error type. ::MOAT_OK (0) is success. */
typedef enum moat_err {
#define MOAT_ERR_ENUM_(name, value, msg) name = value,
    MOAT_ERR_LIST(MOAT_ERR_ENUM_)
#undef MOAT_ERR_ENUM_
    MOAT_ERR_FORCE_INT_ = 0x7fffffff
} moat_err;

/**
 * @brief A static, human-readable message for an error code.
 * @param err any value; unknown values give "unknown error".
 * @return a NUL-terminated static string; never NULL.
 * No heap; reentrant.
 */
const char *moat_strerror(moat_err err);

/**
 * @brief The symbolic name of an error code ("MOAT_ERR_B64_PADDING").
 * @param err any value; unknown values give "MOAT_ERR_UNKNOWN".
 * @return a NUL-terminated static string; never NULL.
 * No heap; reentrant.
 */
const char *moat_strerror_name(moat_err err);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_ERROR_H */
