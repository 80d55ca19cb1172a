/**
 * @file enroll.c
 * @brief Enrollment and renewal of the device's operational certificate:
 *        the renewal window, installation of an issued chain into a port
 *        record (atomic replace), and reading it back.
 *
 * Record format: the chain's DER certificates concatenated, leaf first.
 * Each certificate is a self-delimiting SEQUENCE TLV, so the record splits
 * without any framing of its own.
 */
#include <string.h>

#include "moat/core.h"
#include "x509/internal.h"

/* The verify workspace doubles as the scratch buffer of the record. */
_Static_assert(sizeof(moat_x509_verify_work) >= MOAT_PORT_RECORD_MAX,
               "the verify workspace must hold a whole record");

bool moat_x509_renewal_due(const moat_x509_cert *cert, int64_t now,
                           int64_t window_seconds, unsigned percent)
{
    int64_t nb;
    int64_t na;

    if (cert == NULL) {
        return true; /* fail closed: nothing to keep */
    }
    nb = cert->not_before;
    na = cert->not_after;
    if (na < nb || now >= na) {
        return true;
    }
    /* now < na here, so na - now cannot overflow to a negative value. */
    if (window_seconds > 0 && (uint64_t)na - (uint64_t)now <= (uint64_t)window_seconds) {
        return true;
    }
    if (percent > 0u) {
        uint64_t period = (uint64_t)na - (uint64_t)nb;
        uint64_t elapsed;
        uint64_t threshold;
        if (percent >= 100u) {
            return false; /* 100 %: notAfter itself, checked above */
        }
        if (now <= nb) {
            return false;
        }
        elapsed = (uint64_t)now - (uint64_t)nb;
        /* period * percent / 100 without overflow. */
        threshold = (period / 100u) * percent + ((period % 100u) * percent) / 100u;
        if (elapsed >= threshold) {
            return true;
        }
    }
    return false;
}

/* True when @p der is exactly one SEQUENCE TLV (a certificate's shape). */
static moat_err check_one_sequence(const uint8_t *der, size_t len)
{
    moat_der_reader r;
    const uint8_t *v;
    size_t vl;
    moat_err err;

    moat_der_reader_init(&r, der, len);
    err = moat_der_expect(&r, MOAT_DER_TAG_SEQUENCE, &v, &vl);
    if (err == MOAT_OK) {
        err = moat_der_finish(&r);
    }
    return err;
}

static bool same_key(const moat_ec_public_key *a, const moat_ec_public_key *b)
{
    return a->curve == b->curve && a->q_len == b->q_len && a->q_len <= sizeof(a->q) &&
           moat_ct_equal(a->q, b->q, a->q_len);
}

moat_err moat_x509_install(const moat_port *port, uint32_t key_id,
                           uint32_t record_id, const moat_x509_store *store,
                           const uint8_t *const *chain, const size_t *lens, size_t n,
                           const moat_x509_verify_params *params,
                           moat_x509_verify_work *work)
{
    moat_ec_public_key dev;
    uint8_t *scratch;
    size_t total = 0;
    size_t off;
    size_t i;
    moat_err err;

    if (port == NULL || store == NULL || chain == NULL || lens == NULL || params == NULL ||
        work == NULL || n == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (n > MOAT_X509_MAX_CANDIDATES) {
        return MOAT_ERR_X509_TOO_MANY;
    }
    for (i = 0; i < n; i++) {
        if (chain[i] == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (lens[i] > MOAT_PORT_RECORD_MAX - total) {
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
        total += lens[i];
        err = check_one_sequence(chain[i], lens[i]);
        if (err != MOAT_OK) {
            return err;
        }
    }

    /* 1. The leaf certifies the device key. */
    memset(work, 0, sizeof(*work));
    err = moat_x509_parse(chain[0], lens[0], &work->certs[0]);
    if (err != MOAT_OK) {
        moat_wipe(work, sizeof(*work));
        return err;
    }
    err = moat_port_key_public(port, key_id, &dev);
    if (err == MOAT_OK && (work->certs[0].key_type != MOAT_X509_KEY_EC ||
                           !same_key(&work->certs[0].ec_key, &dev))) {
        err = MOAT_ERR_X509_KEY_MISMATCH;
    }
    moat_wipe(&dev, sizeof(dev));
    if (err != MOAT_OK) {
        moat_wipe(work, sizeof(*work));
        return err;
    }

    /* 2. The chain validates to the store (the one security decision). */
    err = moat_x509_verify(store, chain, lens, n, params, work, NULL);
    if (err != MOAT_OK) {
        moat_wipe(work, sizeof(*work));
        return err;
    }

    /* 3. One atomic record replace of the concatenated chain; the port
     *    guarantees old-or-new after a power loss. */
    scratch = (uint8_t *)work;
    off = 0;
    for (i = 0; i < n; i++) {
        memcpy(scratch + off, chain[i], lens[i]);
        off += lens[i];
    }
    err = moat_port_record_write(port, record_id, scratch, total);
    moat_wipe(work, sizeof(*work));
    return err;
}

moat_err moat_x509_installed(const moat_port *port, uint32_t record_id,
                             uint8_t *buf, size_t buf_cap,
                             const uint8_t **certs, size_t *lens, size_t max,
                             size_t *count)
{
    size_t len = 0;
    size_t n = 0;
    moat_der_reader r;
    moat_err err;

    if (count == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *count = 0;
    if (port == NULL || buf == NULL || certs == NULL || lens == NULL || max == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(certs, 0, max * sizeof(*certs));
    memset(lens, 0, max * sizeof(*lens));
    err = moat_port_record_read(port, record_id, buf, buf_cap, &len);
    if (err != MOAT_OK) {
        return err; /* the wrapper wiped buf */
    }
    if (len == 0u) {
        err = MOAT_ERR_DER_TRUNCATED; /* an installed chain holds a certificate */
    }
    moat_der_reader_init(&r, buf, len);
    while (err == MOAT_OK && !moat_der_at_end(&r)) {
        size_t start = r.pos;
        const uint8_t *v;
        size_t vl;
        err = moat_der_expect(&r, MOAT_DER_TAG_SEQUENCE, &v, &vl);
        if (err != MOAT_OK) {
            break;
        }
        if (n == max) {
            err = MOAT_ERR_X509_TOO_MANY;
            break;
        }
        certs[n] = buf + start;
        lens[n] = r.pos - start;
        n++;
    }
    if (err != MOAT_OK) {
        moat_wipe(buf, buf_cap);
        memset(certs, 0, max * sizeof(*certs));
        memset(lens, 0, max * sizeof(*lens));
        return err;
    }
    *count = n;
    return MOAT_OK;
}
