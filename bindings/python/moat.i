/*
 * moat.i - SWIG interface for the moat Python bindings.
 *
 * The generated low-level module is moat.lowlevel (Python proxy) over the
 * extension moat._moat. It is deliberately flat and C-shaped: every entry
 * point returns the moat_err code first, followed by its outputs, and never
 * raises for a moat failure. The Pythonic package (moat/__init__.py) turns
 * non-zero codes into moat.MoatError and wraps keys in classes.
 *
 * Conventions of this layer:
 * - Byte inputs are any object with the buffer protocol (bytes, bytearray,
 *   memoryview); None is passed as (NULL, 0). str is refused (TypeError):
 *   the Python layer encodes text explicitly.
 * - Byte outputs are allocated here (calloc), sized with the header's size
 *   macros or by retrying once with the size a MOAT_ERR_BUFFER_TOO_SMALL
 *   reports, copied into a new bytes object, then wiped and freed. On
 *   failure the output is None.
 * - A private key lives in a heap-allocated struct moatpy_key owned by the
 *   Python PrivateKey object; moatpy_key_free() wipes it with
 *   moat_ec_private_wipe() before freeing. Python never sees the scalar
 *   except through an explicit to_der() export.
 * - Key generation uses moat's HMAC-DRBG (SP 800-90A) instantiated from a
 *   seed the caller passes (the Python layer passes os.urandom(48), i.e.
 *   getrandom(2)), with a fixed personalization string; the DRBG state is
 *   wiped before returning.
 *
 * Thread safety: every helper is reentrant; a moatpy_key may be used for
 * signing from several threads at once (signing only reads it) but must not
 * be freed concurrently (the Python object's lifetime guarantees that).
 */
%module(package="moat") lowlevel

%{
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "moat/moat.h"

/** A private key owned by a Python object. */
struct moatpy_key {
    moat_ec_private_key key;
};
typedef struct moatpy_key moatpy_key;

/** Personalization string of the key-generation DRBG. */
static const char moatpy_keygen_pers[] = "moat-python keygen v1";

/** Largest output any helper allocates (bounds a reported size). */
#define MOATPY_OUT_MAX ((size_t)1 << 30)

/* One attempt at producing output into (out, cap); *len receives the length
 * or, on MOAT_ERR_BUFFER_TOO_SMALL, the size needed. */
typedef moat_err (*moatpy_fill_fn)(void *ctx, uint8_t *out, size_t cap, size_t *len);

/* Run fill with a first capacity guess; on MOAT_ERR_BUFFER_TOO_SMALL retry
 * once with the reported size. Every buffer is wiped before it is freed. */
static moat_err moatpy_fill(moatpy_fill_fn fill, void *ctx, size_t guess,
                            uint8_t **out, size_t *out_len)
{
    size_t cap = guess;
    int attempt;
    moat_err rc = MOAT_ERR_INTERNAL;

    *out = NULL;
    *out_len = 0;
    for (attempt = 0; attempt < 2; ++attempt) {
        size_t len = 0;
        uint8_t *buf;

        if (cap > MOATPY_OUT_MAX) {
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
        buf = (uint8_t *)calloc(1, cap ? cap : 1);
        if (buf == NULL) {
            return MOAT_ERR_OUT_OF_MEMORY;
        }
        rc = fill(ctx, buf, cap, &len);
        if (rc == MOAT_OK) {
            *out = buf;
            *out_len = len;
            return MOAT_OK;
        }
        moat_wipe(buf, cap ? cap : 1);
        free(buf);
        if (rc != MOAT_ERR_BUFFER_TOO_SMALL || len <= cap) {
            return rc;
        }
        cap = len;
    }
    return rc;
}

static moatpy_key *moatpy_key_new(void)
{
    return (moatpy_key *)calloc(1, sizeof(moatpy_key));
}

static void moatpy_key_release(moatpy_key *k)
{
    if (k != NULL) {
        moat_ec_private_wipe(&k->key);
        moat_wipe(k, sizeof(*k));
        free(k);
    }
}

/* Import a public key from its curve and uncompressed point. */
static moat_err moatpy_pub(int curve, const uint8_t *pt, size_t pt_len,
                           moat_ec_public_key *pub)
{
    return moat_ec_public_from_point((moat_curve)curve, pt, pt_len, pub);
}

/* ------------------------------------------------------ fill closures */

typedef struct { const moat_ec_private_key *k; moat_key_format fmt; } moatpy_der_ctx;
static moat_err moatpy_fill_der(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_der_ctx *x = (const moatpy_der_ctx *)c;
    return moat_ec_private_to_der(x->k, x->fmt, o, cap, len);
}

typedef struct { const moat_ec_public_key *pub; } moatpy_pubctx;
static moat_err moatpy_fill_spki(void *c, uint8_t *o, size_t cap, size_t *len)
{
    return moat_ec_public_to_spki(((const moatpy_pubctx *)c)->pub, o, cap, len);
}
static moat_err moatpy_fill_jwk(void *c, uint8_t *o, size_t cap, size_t *len)
{
    return moat_jwk_emit(((const moatpy_pubctx *)c)->pub, (char *)o, cap, len);
}

typedef struct {
    const moat_signer *signer; const char *kid;
    const uint8_t *payload; size_t payload_len;
} moatpy_sign_ctx;
static moat_err moatpy_fill_compact(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_sign_ctx *x = (const moatpy_sign_ctx *)c;
    return moat_jws_sign_compact(x->signer, x->kid, x->payload, x->payload_len,
                                 (char *)o, cap, len);
}

typedef struct {
    const char *tok; size_t tok_len; const moat_ec_public_key *pub;
} moatpy_vrfy_ctx;
static moat_err moatpy_fill_verify(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_vrfy_ctx *x = (const moatpy_vrfy_ctx *)c;
    return moat_jws_verify_compact(x->tok, x->tok_len, x->pub, o, cap, len);
}

typedef struct {
    const char *doc; size_t doc_len;
    const uint8_t *payload; size_t payload_len;
    const moat_signer *signer; const char *kid;
    void *work; size_t work_size;
} moatpy_jsign_ctx;
static moat_err moatpy_fill_jsign(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_jsign_ctx *x = (const moatpy_jsign_ctx *)c;
    return moat_jws_json_sign(x->doc, x->doc_len, x->payload, x->payload_len,
                              x->signer, x->kid, x->work, x->work_size,
                              (char *)o, cap, len);
}

typedef struct {
    const char *doc; size_t doc_len;
    const moat_jwk *keys; size_t nkeys; size_t threshold;
    void *work; size_t work_size; size_t valid;
} moatpy_jvrfy_ctx;
static moat_err moatpy_fill_jverify(void *c, uint8_t *o, size_t cap, size_t *len)
{
    moatpy_jvrfy_ctx *x = (moatpy_jvrfy_ctx *)c;
    return moat_jws_json_verify(x->doc, x->doc_len, x->keys, x->nkeys, x->threshold,
                                NULL, x->work, x->work_size, o, cap, len, &x->valid);
}
%}

/* ------------------------------------------------------------ typemaps */

%include "typemaps.i"

/* Byte input: any buffer-protocol object, or None for (NULL, 0). */
%typemap(in) (const uint8_t *IN, size_t IN_LEN) (Py_buffer view, int have_view = 0) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0) {
            SWIG_fail;
        }
        have_view = 1;
        $1 = ($1_ltype)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const uint8_t *IN, size_t IN_LEN) {
    if (have_view$argnum) {
        PyBuffer_Release(&view$argnum);
    }
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_POINTER) (const uint8_t *IN, size_t IN_LEN) {
    $1 = ($input == Py_None || PyObject_CheckBuffer($input)) ? 1 : 0;
}

/* Byte output: allocated by the helper, returned as bytes (None if NULL),
 * wiped and freed here. */
%typemap(in, numinputs=0) (uint8_t **out, size_t *out_len) (uint8_t *obuf = NULL, size_t olen = 0) {
    $1 = &obuf;
    $2 = &olen;
}
%typemap(argout) (uint8_t **out, size_t *out_len) {
    PyObject *o;
    if (*$1 != NULL) {
        o = PyBytes_FromStringAndSize((const char *)*$1, (Py_ssize_t)*$2);
        moat_wipe(*$1, *$2);
        free(*$1);
        *$1 = NULL;
        if (o == NULL) {
            SWIG_fail;
        }
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_AppendOutput($result, o);
}
%typemap(freearg) (uint8_t **out, size_t *out_len) {
    if ($1 != NULL && *$1 != NULL) {
        moat_wipe(*$1, *$2);
        free(*$1);
    }
}

/* Private key handle output. */
%typemap(in, numinputs=0) moatpy_key **OUT_KEY (moatpy_key *kout = NULL) {
    $1 = &kout;
}
%typemap(argout) moatpy_key **OUT_KEY {
    PyObject *o;
    if (*$1 != NULL) {
        o = SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, 0);
    } else {
        Py_INCREF(Py_None);
        o = Py_None;
    }
    $result = SWIG_AppendOutput($result, o);
}

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *seed, size_t seed_len),
    (const uint8_t *der, size_t der_len),
    (const uint8_t *d, size_t d_len),
    (const uint8_t *json, size_t json_len),
    (const uint8_t *pt, size_t pt_len),
    (const uint8_t *payload, size_t payload_len),
    (const uint8_t *tok, size_t tok_len),
    (const uint8_t *doc, size_t doc_len),
    (const uint8_t *keyblob, size_t keyblob_len),
    (const uint8_t *data, size_t data_len)
};

%apply int *OUTPUT { int *curve_out, int *valid_out };

/* The Python names drop the C prefix: moatpy_key_free -> key_free. */
%rename("%(strip:[moatpy_])s") "";

/* moatpy_key is opaque to Python: only handles cross the boundary. */
typedef struct moatpy_key moatpy_key;

%inline %{
/** Library version string. */
const char *moatpy_version(void)
{
    return moat_version();
}

/** Symbolic name of an error code ("MOAT_ERR_..."). */
const char *moatpy_error_name(int code)
{
    return moat_strerror_name((moat_err)code);
}

/** Message of an error code. */
const char *moatpy_error_message(int code)
{
    return moat_strerror((moat_err)code);
}

/** Curve numbers (MOAT_CURVE_*). */
int moatpy_curve_p256(void) { return (int)MOAT_CURVE_P256; }
int moatpy_curve_p384(void) { return (int)MOAT_CURVE_P384; }
/** Key formats (MOAT_KEY_*). */
int moatpy_format_sec1(void) { return (int)MOAT_KEY_SEC1; }
int moatpy_format_pkcs8(void) { return (int)MOAT_KEY_PKCS8; }

/** Wipe and free a private key handle (NULL is ignored). */
void moatpy_key_free(moatpy_key *key)
{
    moatpy_key_release(key);
}

/**
 * Generate a key: HMAC-DRBG instantiated from @p seed (at least
 * MOAT_DRBG_MIN_SEED bytes of fresh entropy), then moat_ec_generate().
 */
int moatpy_key_generate(int curve, const uint8_t *seed, size_t seed_len,
                        moatpy_key **OUT_KEY)
{
    moat_drbg_ctx drbg;
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    if (moat_curve_size((moat_curve)curve) == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_drbg_init(&drbg, seed, seed_len, (const uint8_t *)moatpy_keygen_pers,
                        sizeof(moatpy_keygen_pers) - 1u);
    if (rc == MOAT_OK) {
        rc = moat_ec_generate((moat_curve)curve, moat_drbg_generate, &drbg, &k->key);
    }
    moat_drbg_wipe(&drbg);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a DER private key (SEC1 ECPrivateKey or PKCS#8). */
int moatpy_key_from_der(const uint8_t *der, size_t der_len, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_ec_private_from_der(der, der_len, &k->key);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a private key from a big-endian scalar. */
int moatpy_key_from_scalar(int curve, const uint8_t *d, size_t d_len,
                           moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_ec_private_from_scalar((moat_curve)curve, d, d_len, &k->key);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** Import a private EC JWK (with "d"). */
int moatpy_key_from_jwk(const uint8_t *json, size_t json_len, moatpy_key **OUT_KEY)
{
    moatpy_key *k;
    moat_err rc;

    *OUT_KEY = NULL;
    k = moatpy_key_new();
    if (k == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_jwk_parse_private((const char *)json, json_len, &k->key, NULL);
    if (rc != MOAT_OK) {
        moatpy_key_release(k);
        return rc;
    }
    *OUT_KEY = k;
    return MOAT_OK;
}

/** The key's curve (MOAT_CURVE_*), 0 for NULL. */
int moatpy_key_curve(moatpy_key *key)
{
    return key != NULL ? (int)key->key.curve : 0;
}

/** Export the private key as DER (secret output, wiped after copy). */
int moatpy_key_to_der(moatpy_key *key, int fmt, uint8_t **out, size_t *out_len)
{
    moatpy_der_ctx c;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    c.k = &key->key;
    c.fmt = (moat_key_format)fmt;
    return moatpy_fill(moatpy_fill_der, &c, MOAT_EC_PRIV_DER_MAX, out, out_len);
}

/** The public point (0x04 || X || Y) of a private key. */
int moatpy_key_public(moatpy_key *key, uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_ec_public_from_private(&key->key, &pub);
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, pub.q_len);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, pub.q, pub.q_len);
    *out_len = pub.q_len;
    return MOAT_OK;
}

/** Validate an uncompressed point on @p curve. */
int moatpy_pub_check(int curve, const uint8_t *pt, size_t pt_len)
{
    moat_ec_public_key pub;
    return moatpy_pub(curve, pt, pt_len, &pub);
}

static int moatpy_pub_out(const moat_ec_public_key *pub, int *curve_out,
                          uint8_t **out, size_t *out_len)
{
    *out = (uint8_t *)calloc(1, pub->q_len);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, pub->q, pub->q_len);
    *out_len = pub->q_len;
    *curve_out = (int)pub->curve;
    return MOAT_OK;
}

/** Parse a public EC JWK: returns the curve and the point. */
int moatpy_pub_from_jwk(const uint8_t *json, size_t json_len, int *curve_out,
                        uint8_t **out, size_t *out_len)
{
    moat_jwk jwk;
    moat_err rc;

    *curve_out = 0;
    rc = moat_jwk_parse((const char *)json, json_len, &jwk);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moatpy_pub_out(&jwk.key, curve_out, out, out_len);
}

/** Parse a DER SubjectPublicKeyInfo: returns the curve and the point. */
int moatpy_pub_from_spki(const uint8_t *der, size_t der_len, int *curve_out,
                         uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moat_err rc;

    *curve_out = 0;
    rc = moat_ec_public_from_spki(der, der_len, &pub);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moatpy_pub_out(&pub, curve_out, out, out_len);
}

/** Export a public key as DER SubjectPublicKeyInfo. */
int moatpy_pub_to_spki(int curve, const uint8_t *pt, size_t pt_len,
                       uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_pubctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_spki, &c, MOAT_EC_SPKI_MAX, out, out_len);
}

/** Emit a public key as JWK text (kid = RFC 7638 thumbprint). */
int moatpy_pub_jwk(int curve, const uint8_t *pt, size_t pt_len,
                   uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_pubctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_jwk, &c, MOAT_JWK_EMIT_MAX, out, out_len);
}

/** RFC 7638 SHA-256 thumbprint (base64url text). */
int moatpy_pub_thumbprint(int curve, const uint8_t *pt, size_t pt_len,
                          uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    char kid[MOAT_JWK_KID_SIZE];
    size_t n;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_jwk_thumbprint(&pub, kid);
    if (rc != MOAT_OK) {
        return rc;
    }
    n = strlen(kid);
    *out = (uint8_t *)calloc(1, n + 1u);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, kid, n);
    *out_len = n;
    return MOAT_OK;
}

/** Compact JWS (ES256/ES384 by curve); @p kid NULL: thumbprint, "": none. */
int moatpy_jws_sign_compact(moatpy_key *key, const uint8_t *payload,
                            size_t payload_len, const char *kid,
                            uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_sign_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (payload_len > MOATPY_OUT_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.signer = &signer;
    c.kid = kid;
    c.payload = payload;
    c.payload_len = payload_len;
    rc = moatpy_fill(moatpy_fill_compact, &c, moat_jws_compact_size(payload_len),
                     out, out_len);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}

/** Verify a compact JWS under one public key; returns the payload. */
int moatpy_jws_verify_compact(const uint8_t *tok, size_t tok_len, int curve,
                              const uint8_t *pt, size_t pt_len,
                              uint8_t **out, size_t *out_len)
{
    moat_ec_public_key pub;
    moatpy_vrfy_ctx c;
    moat_err rc = moatpy_pub(curve, pt, pt_len, &pub);

    if (rc != MOAT_OK) {
        return rc;
    }
    c.tok = (const char *)tok;
    c.tok_len = tok_len;
    c.pub = &pub;
    return moatpy_fill(moatpy_fill_verify, &c, MOAT_B64URL_DEC_MAX(tok_len), out,
                       out_len);
}

/**
 * Add one signature to a General JSON Serialization (@p doc NULL: start one
 * over @p payload).
 */
int moatpy_jws_json_sign(moatpy_key *key, const uint8_t *doc, size_t doc_len,
                         const uint8_t *payload, size_t payload_len,
                         const char *kid, uint8_t **out, size_t *out_len)
{
    moat_signer signer;
    moatpy_jsign_ctx c;
    size_t guess;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (doc_len > MOAT_JWS_JSON_MAX_INPUT || payload_len > MOATPY_OUT_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_signer_from_private(&signer, &key->key);
    if (rc != MOAT_OK) {
        return rc;
    }
    c.doc = (const char *)doc;
    c.doc_len = doc_len;
    c.payload = payload;
    c.payload_len = payload_len;
    c.signer = &signer;
    c.kid = kid;
    c.work_size = moat_jws_json_work_size(doc_len);
    c.work = calloc(1, c.work_size);
    if (c.work == NULL) {
        moat_wipe(&signer, sizeof(signer));
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    guess = doc_len + moat_jws_compact_size(payload_len) + 64u;
    rc = moatpy_fill(moatpy_fill_jsign, &c, guess, out, out_len);
    moat_wipe(c.work, c.work_size);
    free(c.work);
    moat_wipe(&signer, sizeof(signer));
    return rc;
}

/**
 * Verify a General JSON Serialization against a threshold. @p keyblob is a
 * sequence of records: curve (1 byte), point length (1 byte), point,
 * kid length (1 byte), kid (an empty kid means the RFC 7638 thumbprint).
 */
int moatpy_jws_json_verify(const uint8_t *doc, size_t doc_len,
                           const uint8_t *keyblob, size_t keyblob_len,
                           int threshold, int *valid_out,
                           uint8_t **out, size_t *out_len)
{
    moatpy_jvrfy_ctx c;
    moat_jwk *keys;
    size_t n = 0, pos = 0;
    moat_err rc = MOAT_OK;

    *valid_out = 0;
    if (threshold < 0 || doc_len > MOAT_JWS_JSON_MAX_INPUT) {
        return threshold < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_ERR_INPUT_TOO_LARGE;
    }
    /* A record is at least 3 bytes, so keyblob_len / 3 bounds the count. */
    keys = (moat_jwk *)calloc(keyblob_len / 3u + 1u, sizeof(moat_jwk));
    if (keys == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    while (rc == MOAT_OK && pos < keyblob_len) {
        size_t plen, klen;
        if (keyblob_len - pos < 2u) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        plen = keyblob[pos + 1u];
        if (keyblob_len - pos - 2u < plen + 1u) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
            break;
        }
        {
            moat_ec_public_key pub;
            rc = moatpy_pub(keyblob[pos], keyblob + pos + 2u, plen, &pub);
            if (rc == MOAT_OK) {
                rc = moat_jwk_from_public(&pub, &keys[n]);
            }
        }
        pos += 2u + plen;
        klen = keyblob[pos];
        pos += 1u;
        if (rc == MOAT_OK && (klen > MOAT_JWS_KID_MAX || keyblob_len - pos < klen)) {
            rc = MOAT_ERR_INVALID_ARGUMENT;
        }
        if (rc == MOAT_OK && klen > 0u) {
            memset(keys[n].kid, 0, sizeof(keys[n].kid));
            memcpy(keys[n].kid, keyblob + pos, klen);
        }
        pos += klen;
        ++n;
    }
    if (rc != MOAT_OK) {
        free(keys);
        return rc;
    }
    c.doc = (const char *)doc;
    c.doc_len = doc_len;
    c.keys = keys;
    c.nkeys = n;
    c.threshold = (size_t)threshold;
    c.valid = 0;
    c.work_size = moat_jws_json_work_size(doc_len);
    c.work = calloc(1, c.work_size);
    if (c.work == NULL) {
        free(keys);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_fill(moatpy_fill_jverify, &c, MOAT_B64URL_DEC_MAX(doc_len), out,
                     out_len);
    *valid_out = (int)c.valid;
    moat_wipe(c.work, c.work_size);
    free(c.work);
    free(keys);
    return rc;
}

/** One-shot hash (MOAT_HASH_SHA256 = 1, SHA384 = 2, SHA512 = 3). */
int moatpy_hash(int alg, const uint8_t *data, size_t data_len,
                uint8_t **out, size_t *out_len)
{
    size_t n = moat_hash_size((moat_hash_alg)alg);
    moat_err rc;

    if (n == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    *out = (uint8_t *)calloc(1, n);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_hash((moat_hash_alg)alg, data, data_len, *out);
    if (rc != MOAT_OK) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *out_len = n;
    return MOAT_OK;
}
%}

/* ================================================================ X.509
 *
 * Certificates, CSRs and path validation (include/moat/x509.h). Structured
 * values cross the boundary as small record blobs, decoded or encoded by
 * moat/__init__.py:
 *
 *   record  = tag (1 byte) || length (2 bytes, big-endian) || value
 *
 * Certificate fields (moatpy_x509_fields output), one record each, repeated
 * tags for lists:
 *   'V' version (1)            'S' serial magnitude as encoded
 *   'I' issuer RFC 4514 text   'U' subject RFC 4514 text
 *   'B' notBefore, 'A' notAfter: int64 big-endian two's complement
 *   'P' key: key type (1) || curve (1) || EC point (empty unless EC)
 *   'G' signature algorithm (1)
 *   'C' basicConstraints: present (1) || cA (1) || pathLen (int16 BE)
 *   'K' keyUsage: present (1) || bits (uint16 BE)
 *   'E' one extKeyUsage OID (dotted text)
 *   'N' one subjectAltName: GeneralName type (1) || value
 *   'X' one extension: critical (1) || understood (1) || dotted OID
 *
 * Names to write (moat_x509_name), one record per attribute in order:
 *   tag = moat_x509_attr value (1..5), value = UTF-8 text (no NUL);
 *   or a single record 'R' whose value is a Name TLV used verbatim.
 *
 * Extensions to write (moat_x509_ext_params):
 *   'b' basicConstraints: cA (1) || pathLen (int16 BE, -1 none)
 *   'k' keyUsage bits (uint16 BE)     'e' extKeyUsage OID (dotted text)
 *   'd' SAN dNSName   'u' SAN URI     'i' SAN iPAddress (4 or 16 bytes)
 *   's' write subjectKeyIdentifier (empty value)
 *   'a' authorityKeyIdentifier keyIdentifier bytes
 *
 * Certificate lists (bag and roots of moatpy_x509_verify): each DER
 * preceded by its length as 4 bytes big-endian.
 */

%{
#include "moat/x509.h"

/** Bounds of the X.509 helpers. */
#define MOATPY_X509_FIELDS_MAX (4u * MOAT_X509_MAX_CERT_SIZE + 4096u)
#define MOATPY_OID_MAX 64u
#define MOATPY_OID_TEXT_MAX 128u
#define MOATPY_X509_OUT_MAX (MOAT_X509_MAX_CERT_SIZE + 1024u)

/** A record writer over a fixed buffer. */
typedef struct { uint8_t *buf; size_t cap; size_t len; int overflow; } moatpy_rec;

static void moatpy_rec_put(moatpy_rec *r, uint8_t tag, const void *v, size_t n)
{
    if (n > 0xFFFFu || r->cap - r->len < 3u + n) {
        r->overflow = 1;
        return;
    }
    r->buf[r->len] = tag;
    r->buf[r->len + 1u] = (uint8_t)(n >> 8);
    r->buf[r->len + 2u] = (uint8_t)n;
    if (n > 0u) {
        memcpy(r->buf + r->len + 3u, v, n);
    }
    r->len += 3u + n;
}

static void moatpy_be64(int64_t v, uint8_t out[8])
{
    uint64_t u = (uint64_t)v;
    int i;
    for (i = 7; i >= 0; --i) {
        out[i] = (uint8_t)u;
        u >>= 8;
    }
}

/** A record reader. Returns 1 and the next record, 0 at the end, -1 malformed. */
static int moatpy_rec_next(const uint8_t *b, size_t len, size_t *pos, uint8_t *tag,
                           const uint8_t **v, size_t *n)
{
    if (*pos == len) {
        return 0;
    }
    if (len - *pos < 3u) {
        return -1;
    }
    *tag = b[*pos];
    *n = ((size_t)b[*pos + 1u] << 8) | b[*pos + 2u];
    if (len - *pos - 3u < *n) {
        return -1;
    }
    *v = b + *pos + 3u;
    *pos += 3u + *n;
    return 1;
}

/** Text storage for names: NUL-terminated copies of record values. */
typedef struct {
    char text[MOAT_X509_MAX_NAME_ATTRS][MOATPY_OID_TEXT_MAX * 2u];
} moatpy_name_store;

/** Decode a name blob into @p name (values copied into @p st). */
static moat_err moatpy_name_in(const uint8_t *b, size_t len, moat_x509_name *name,
                               moatpy_name_store *st)
{
    size_t pos = 0, v_len;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(name, 0, sizeof(*name));
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &v_len)) == 1) {
        if (tag == 'R') {
            name->raw.ptr = v;
            name->raw.len = v_len;
            continue;
        }
        if (tag < 1u || tag > 5u || name->count == MOAT_X509_MAX_NAME_ATTRS) {
            return name->count == MOAT_X509_MAX_NAME_ATTRS ? MOAT_ERR_X509_TOO_MANY
                                                           : MOAT_ERR_INVALID_ARGUMENT;
        }
        if (v_len >= sizeof(st->text[0]) || memchr(v, 0, v_len) != NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        memcpy(st->text[name->count], v, v_len);
        st->text[name->count][v_len] = '\0';
        name->type[name->count] = (moat_x509_attr)tag;
        name->value[name->count] = st->text[name->count];
        name->count++;
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/** OID storage for extKeyUsage entries. */
typedef struct {
    uint8_t oid[MOAT_X509_MAX_EKU][MOATPY_OID_MAX];
} moatpy_ext_store;

/** Decode an extensions blob into @p ext (pointing into @p b and @p st). */
static moat_err moatpy_ext_in(const uint8_t *b, size_t len, moat_x509_ext_params *ext,
                              moatpy_ext_store *st)
{
    size_t pos = 0, v_len;
    const uint8_t *v;
    uint8_t tag;
    int more;

    memset(ext, 0, sizeof(*ext));
    ext->path_len = -1;
    while ((more = moatpy_rec_next(b, len, &pos, &tag, &v, &v_len)) == 1) {
        switch (tag) {
        case 'b':
            if (v_len != 3u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            ext->basic_constraints = true;
            ext->is_ca = v[0] != 0u;
            ext->path_len = (int)(int16_t)(uint16_t)(((unsigned)v[1] << 8) | v[2]);
            break;
        case 'k':
            if (v_len != 2u) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            ext->key_usage = (uint16_t)(((unsigned)v[0] << 8) | v[1]);
            break;
        case 'e': {
            char dotted[MOATPY_OID_TEXT_MAX];
            size_t olen = 0;
            moat_err rc;
            if (ext->eku_count == MOAT_X509_MAX_EKU) {
                return MOAT_ERR_X509_TOO_MANY;
            }
            if (v_len >= sizeof(dotted) || memchr(v, 0, v_len) != NULL) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            memcpy(dotted, v, v_len);
            dotted[v_len] = '\0';
            rc = moat_x509_oid_encode(dotted, st->oid[ext->eku_count], MOATPY_OID_MAX, &olen);
            if (rc != MOAT_OK) {
                return rc;
            }
            ext->eku[ext->eku_count].ptr = st->oid[ext->eku_count];
            ext->eku[ext->eku_count].len = olen;
            ext->eku_count++;
            break;
        }
        case 'd':
        case 'u':
        case 'i':
            if (ext->san_count == MOAT_X509_MAX_SAN) {
                return MOAT_ERR_X509_TOO_MANY;
            }
            ext->san[ext->san_count].type = tag == 'd' ? MOAT_X509_GN_DNS
                                          : tag == 'u' ? MOAT_X509_GN_URI : MOAT_X509_GN_IP;
            ext->san[ext->san_count].value.ptr = v;
            ext->san[ext->san_count].value.len = v_len;
            ext->san_count++;
            break;
        case 's':
            ext->ski = true;
            break;
        case 'a':
            ext->aki.ptr = v;
            ext->aki.len = v_len;
            break;
        default:
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return more < 0 ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/** Split a length-prefixed certificate list into @p ptrs / @p lens. */
static moat_err moatpy_list_in(const uint8_t *b, size_t len, const uint8_t **ptrs,
                               size_t *lens, size_t max, size_t *count)
{
    size_t pos = 0;
    *count = 0;
    while (pos < len) {
        size_t n;
        if (len - pos < 4u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        n = ((size_t)b[pos] << 24) | ((size_t)b[pos + 1u] << 16) |
            ((size_t)b[pos + 2u] << 8) | b[pos + 3u];
        pos += 4u;
        if (len - pos < n) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (*count == max) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        ptrs[*count] = b + pos;
        lens[*count] = n;
        (*count)++;
        pos += n;
    }
    return MOAT_OK;
}

/** Copy @p r's buffer out as the helper's output (or fail on overflow). */
static moat_err moatpy_rec_out(moatpy_rec *r, uint8_t **out, size_t *out_len)
{
    if (r->overflow) {
        return MOAT_ERR_INTERNAL;
    }
    *out = r->buf;
    *out_len = r->len;
    r->buf = NULL;
    return MOAT_OK;
}

typedef struct {
    const moat_x509_name *subject; const moat_x509_ext_params *ext;
    const moat_signer *signer;
} moatpy_csr_ctx;
static moat_err moatpy_fill_csr(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_csr_ctx *x = (const moatpy_csr_ctx *)c;
    return moat_x509_csr_create(x->subject, x->ext, x->signer, o, cap, len);
}

typedef struct {
    const moat_x509_issue_params *p; const moat_signer *signer;
} moatpy_issue_ctx;
static moat_err moatpy_fill_issue(void *c, uint8_t *o, size_t cap, size_t *len)
{
    const moatpy_issue_ctx *x = (const moatpy_issue_ctx *)c;
    return moat_x509_issue(x->p, x->signer, o, cap, len);
}
%}

%apply (const uint8_t *IN, size_t IN_LEN) {
    (const uint8_t *pem, size_t pem_len),
    (const uint8_t *bag, size_t bag_len),
    (const uint8_t *roots, size_t roots_len),
    (const uint8_t *subject, size_t subject_len),
    (const uint8_t *issuer, size_t issuer_len),
    (const uint8_t *issuer_der, size_t issuer_der_len),
    (const uint8_t *ext, size_t ext_len),
    (const uint8_t *serial, size_t serial_len),
    (const uint8_t *ipaddr, size_t ipaddr_len),
    (const uint8_t *oid, size_t oid_len)
};
%apply (uint8_t **out, size_t *out_len) { (uint8_t **out2, size_t *out2_len) };
%apply int *OUTPUT { int *failed_out };
%apply long long *OUTPUT { long long *next_out };

%inline %{
/** MOAT_ERR_NOT_FOUND (end of a PEM bundle). */
int moatpy_err_not_found(void) { return (int)MOAT_ERR_NOT_FOUND; }

/** Parse a DER certificate and return its fields as records (see above). */
int moatpy_x509_fields(const uint8_t *der, size_t der_len, uint8_t **out, size_t *out_len)
{
    moat_x509_cert *cert;
    moatpy_rec r;
    char text[MOAT_X509_NAME_STRING_MAX];
    uint8_t tmp[8];
    size_t i, n;
    moat_err rc;

    cert = (moat_x509_cert *)calloc(1, sizeof(*cert));
    r.buf = (uint8_t *)calloc(1, MOATPY_X509_FIELDS_MAX);
    r.cap = MOATPY_X509_FIELDS_MAX;
    r.len = 0;
    r.overflow = 0;
    if (cert == NULL || r.buf == NULL) {
        free(cert);
        free(r.buf);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_x509_parse(der, der_len, cert);
    if (rc == MOAT_OK) {
        tmp[0] = (uint8_t)cert->version;
        moatpy_rec_put(&r, 'V', tmp, 1);
        moatpy_rec_put(&r, 'S', cert->serial.ptr, cert->serial.len);
        rc = moat_x509_name_string(&cert->issuer, text, sizeof(text), &n);
    }
    if (rc == MOAT_OK) {
        moatpy_rec_put(&r, 'I', text, n);
        rc = moat_x509_name_string(&cert->subject, text, sizeof(text), &n);
    }
    if (rc == MOAT_OK) {
        moatpy_rec_put(&r, 'U', text, n);
        moatpy_be64(cert->not_before, tmp);
        moatpy_rec_put(&r, 'B', tmp, 8);
        moatpy_be64(cert->not_after, tmp);
        moatpy_rec_put(&r, 'A', tmp, 8);
        {
            uint8_t kb[2 + MOAT_EC_PUB_MAX];
            size_t kn = 2;
            kb[0] = (uint8_t)cert->key_type;
            kb[1] = 0;
            if (cert->key_type == MOAT_X509_KEY_EC) {
                kb[1] = (uint8_t)cert->ec_key.curve;
                memcpy(kb + 2, cert->ec_key.q, cert->ec_key.q_len);
                kn += cert->ec_key.q_len;
            }
            moatpy_rec_put(&r, 'P', kb, kn);
        }
        tmp[0] = (uint8_t)cert->sig_alg;
        moatpy_rec_put(&r, 'G', tmp, 1);
        tmp[0] = cert->has_basic_constraints ? 1u : 0u;
        tmp[1] = cert->is_ca ? 1u : 0u;
        tmp[2] = (uint8_t)((uint16_t)(int16_t)cert->path_len >> 8);
        tmp[3] = (uint8_t)(uint16_t)(int16_t)cert->path_len;
        moatpy_rec_put(&r, 'C', tmp, 4);
        tmp[0] = cert->has_key_usage ? 1u : 0u;
        tmp[1] = (uint8_t)(cert->key_usage >> 8);
        tmp[2] = (uint8_t)cert->key_usage;
        moatpy_rec_put(&r, 'K', tmp, 3);
        for (i = 0; rc == MOAT_OK && i < cert->eku_count; ++i) {
            rc = moat_x509_oid_string(&cert->eku[i], text, sizeof(text), &n);
            if (rc == MOAT_OK) {
                moatpy_rec_put(&r, 'E', text, n);
            }
        }
    }
    for (i = 0; rc == MOAT_OK && i < cert->san_count; ++i) {
        uint8_t sb[1 + 0x400];
        if (cert->san[i].value.len > sizeof(sb) - 1u) {
            rc = MOAT_ERR_INPUT_TOO_LARGE;
            break;
        }
        sb[0] = (uint8_t)cert->san[i].type;
        if (cert->san[i].value.len > 0u) {
            memcpy(sb + 1, cert->san[i].value.ptr, cert->san[i].value.len);
        }
        moatpy_rec_put(&r, 'N', sb, 1u + cert->san[i].value.len);
    }
    for (i = 0; rc == MOAT_OK && i < cert->ext_count; ++i) {
        uint8_t xb[2 + MOAT_X509_NAME_STRING_MAX];
        rc = moat_x509_oid_string(&cert->ext[i].oid, (char *)xb + 2, sizeof(xb) - 2u, &n);
        if (rc == MOAT_OK) {
            xb[0] = cert->ext[i].critical ? 1u : 0u;
            xb[1] = cert->ext[i].understood ? 1u : 0u;
            moatpy_rec_put(&r, 'X', xb, 2u + n);
        }
    }
    if (rc == MOAT_OK) {
        rc = moatpy_rec_out(&r, out, out_len);
    }
    moat_wipe(cert, sizeof(*cert));
    free(cert);
    free(r.buf);
    return rc;
}

/**
 * Decode the next CERTIFICATE PEM block of @p pem from @p offset. Returns
 * MOAT_ERR_NOT_FOUND when no block is left; *next_out is the offset after
 * the block.
 */
int moatpy_pem_decode_cert(const uint8_t *pem, size_t pem_len, long long offset,
                           long long *next_out, uint8_t **out, size_t *out_len)
{
    size_t off;
    uint8_t *buf;
    moat_err rc;

    *next_out = offset;
    if (offset < 0 || (unsigned long long)offset > pem_len) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    off = (size_t)offset;
    buf = (uint8_t *)calloc(1, MOAT_X509_MAX_CERT_SIZE);
    if (buf == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moat_pem_decode((const char *)pem, pem_len, "CERTIFICATE", &off, buf,
                         MOAT_X509_MAX_CERT_SIZE, out_len);
    if (rc != MOAT_OK) {
        free(buf);
        *out_len = 0;
        return rc;
    }
    *next_out = (long long)off;
    *out = buf;
    return MOAT_OK;
}

/**
 * Build and validate a path from @p der (the leaf) through @p bag to an
 * anchor of @p roots (both length-prefixed lists). @p purpose is a
 * moat_x509_purpose; for MOAT_X509_PURPOSE_CUSTOM, @p oid is the dotted
 * OID text. @p host (NULL: none), @p ipaddr (empty: none). Returns the
 * failing index in *failed_out and the path as int32 big-endian entries.
 */
int moatpy_x509_verify(const uint8_t *der, size_t der_len,
                       const uint8_t *bag, size_t bag_len,
                       const uint8_t *roots, size_t roots_len,
                       long long now, int purpose, const uint8_t *oid, size_t oid_len,
                       const char *host, const uint8_t *ipaddr, size_t ipaddr_len,
                       int *failed_out, uint8_t **out, size_t *out_len)
{
    const uint8_t *ptrs[MOAT_X509_MAX_CANDIDATES];
    size_t lens[MOAT_X509_MAX_CANDIDATES];
    const uint8_t *rptrs[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t rlens[MOAT_X509_MAX_RUNTIME_ANCHORS];
    size_t nbag = 0, nroots = 0, i;
    uint8_t oidbuf[MOATPY_OID_MAX];
    char dotted[MOATPY_OID_TEXT_MAX];
    moat_x509_store store;
    moat_x509_verify_params vp;
    moat_x509_verify_result res;
    moat_x509_verify_work *work;
    moat_err rc;

    *failed_out = -1;
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ptrs[0] = der;
    lens[0] = der_len;
    rc = moatpy_list_in(bag, bag_len, ptrs + 1, lens + 1, MOAT_X509_MAX_CANDIDATES - 1u,
                        &nbag);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moatpy_list_in(roots, roots_len, rptrs, rlens, MOAT_X509_MAX_RUNTIME_ANCHORS,
                        &nroots);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = moat_x509_store_init(&store, NULL, 0);
    for (i = 0; rc == MOAT_OK && i < nroots; ++i) {
        rc = moat_x509_store_add(&store, rptrs[i], rlens[i]);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    memset(&vp, 0, sizeof(vp));
    vp.now = (int64_t)now;
    vp.purpose = (moat_x509_purpose)purpose;
    if (purpose == (int)MOAT_X509_PURPOSE_CUSTOM) {
        size_t olen = 0;
        if (oid == NULL || oid_len >= sizeof(dotted) || memchr(oid, 0, oid_len) != NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        memcpy(dotted, oid, oid_len);
        dotted[oid_len] = '\0';
        rc = moat_x509_oid_encode(dotted, oidbuf, sizeof(oidbuf), &olen);
        if (rc != MOAT_OK) {
            return rc;
        }
        vp.purpose_oid.ptr = oidbuf;
        vp.purpose_oid.len = olen;
    }
    vp.dns_name = host;
    if (ipaddr_len > 0u) {
        vp.ip = ipaddr;
        vp.ip_len = ipaddr_len;
    }
    work = (moat_x509_verify_work *)calloc(1, sizeof(*work));
    if (work == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memset(&res, 0, sizeof(res));
    rc = moat_x509_verify(&store, ptrs, lens, 1u + nbag, &vp, work, &res);
    free(work);
    *failed_out = res.failed_index;
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, 4u * MOAT_X509_MAX_DEPTH);
    if (*out == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    for (i = 0; i < res.path_len && i < MOAT_X509_MAX_DEPTH; ++i) {
        uint32_t u = (uint32_t)res.path[i];
        (*out)[4u * i] = (uint8_t)(u >> 24);
        (*out)[4u * i + 1u] = (uint8_t)(u >> 16);
        (*out)[4u * i + 2u] = (uint8_t)(u >> 8);
        (*out)[4u * i + 3u] = (uint8_t)u;
    }
    *out_len = 4u * i;
    return MOAT_OK;
}

/** Create a CSR signed by @p key (subject and ext: record blobs). */
int moatpy_csr_create(moatpy_key *key, const uint8_t *subject, size_t subject_len,
                      const uint8_t *ext, size_t ext_len, uint8_t **out, size_t *out_len)
{
    moatpy_name_store *ns;
    moatpy_ext_store *es;
    moat_x509_name name;
    moat_x509_ext_params ep;
    moat_signer signer;
    moatpy_csr_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ns = (moatpy_name_store *)calloc(1, sizeof(*ns));
    es = (moatpy_ext_store *)calloc(1, sizeof(*es));
    if (ns == NULL || es == NULL) {
        free(ns);
        free(es);
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    rc = moatpy_name_in(subject, subject_len, &name, ns);
    if (rc == MOAT_OK) {
        rc = moatpy_ext_in(ext, ext_len, &ep, es);
    }
    if (rc == MOAT_OK) {
        rc = moat_signer_from_private(&signer, &key->key);
    }
    if (rc == MOAT_OK) {
        c.subject = &name;
        c.ext = &ep;
        c.signer = &signer;
        rc = moatpy_fill(moatpy_fill_csr, &c, 1024u, out, out_len);
        moat_wipe(&signer, sizeof(signer));
    }
    free(ns);
    free(es);
    return rc;
}

/** Parse a CSR (and verify its self-signature): subject text and key. */
int moatpy_csr_parse(const uint8_t *der, size_t der_len, int *curve_out,
                     uint8_t **out, size_t *out_len, uint8_t **out2, size_t *out2_len)
{
    moat_x509_csr csr;
    char text[MOAT_X509_NAME_STRING_MAX];
    size_t n = 0;
    moat_err rc;

    *curve_out = 0;
    rc = moat_x509_csr_parse(der, der_len, &csr);
    if (rc == MOAT_OK) {
        rc = moat_x509_name_string(&csr.subject, text, sizeof(text), &n);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    *out = (uint8_t *)calloc(1, n + 1u);
    *out2 = (uint8_t *)calloc(1, csr.key.q_len);
    if (*out == NULL || *out2 == NULL) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    memcpy(*out, text, n);
    *out_len = n;
    memcpy(*out2, csr.key.q, csr.key.q_len);
    *out2_len = csr.key.q_len;
    *curve_out = (int)csr.key.curve;
    return MOAT_OK;
}

/**
 * Issue a certificate signed by @p key. Issuer name: the subject of
 * @p issuer_der when given (and its SKI as the AKI unless @p ext has one),
 * else the @p issuer name blob.
 */
int moatpy_x509_issue(moatpy_key *key, const uint8_t *issuer_der, size_t issuer_der_len,
                      const uint8_t *issuer, size_t issuer_len,
                      int curve, const uint8_t *pt, size_t pt_len,
                      const uint8_t *subject, size_t subject_len,
                      const uint8_t *serial, size_t serial_len,
                      long long not_before, long long not_after,
                      const uint8_t *ext, size_t ext_len,
                      uint8_t **out, size_t *out_len)
{
    moatpy_name_store *ns_sub, *ns_iss;
    moatpy_ext_store *es;
    moat_x509_cert *icert;
    moat_x509_issue_params p;
    moat_ec_public_key sub_key;
    moat_signer signer;
    moatpy_issue_ctx c;
    moat_err rc;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moatpy_pub(curve, pt, pt_len, &sub_key);
    if (rc != MOAT_OK) {
        return rc;
    }
    ns_sub = (moatpy_name_store *)calloc(1, sizeof(*ns_sub));
    ns_iss = (moatpy_name_store *)calloc(1, sizeof(*ns_iss));
    es = (moatpy_ext_store *)calloc(1, sizeof(*es));
    icert = (moat_x509_cert *)calloc(1, sizeof(*icert));
    if (ns_sub == NULL || ns_iss == NULL || es == NULL || icert == NULL) {
        rc = MOAT_ERR_OUT_OF_MEMORY;
        goto done;
    }
    memset(&p, 0, sizeof(p));
    rc = moatpy_name_in(subject, subject_len, &p.subject, ns_sub);
    if (rc == MOAT_OK) {
        rc = moatpy_ext_in(ext, ext_len, &p.ext, es);
    }
    if (rc == MOAT_OK && issuer_der != NULL) {
        rc = moat_x509_parse(issuer_der, issuer_der_len, icert);
        if (rc == MOAT_OK) {
            p.issuer.raw = icert->subject;
            if (p.ext.aki.ptr == NULL && icert->ski.ptr != NULL) {
                p.ext.aki = icert->ski;
            }
        }
    } else if (rc == MOAT_OK) {
        rc = moatpy_name_in(issuer, issuer_len, &p.issuer, ns_iss);
    }
    if (rc == MOAT_OK) {
        p.serial.ptr = serial;
        p.serial.len = serial_len;
        p.not_before = (int64_t)not_before;
        p.not_after = (int64_t)not_after;
        p.subject_key = &sub_key;
        rc = moat_signer_from_private(&signer, &key->key);
        if (rc == MOAT_OK) {
            c.p = &p;
            c.signer = &signer;
            rc = moatpy_fill(moatpy_fill_issue, &c, 2048u, out, out_len);
            moat_wipe(&signer, sizeof(signer));
        }
    }
done:
    free(ns_sub);
    free(ns_iss);
    free(es);
    free(icert);
    return rc;
}
%}
