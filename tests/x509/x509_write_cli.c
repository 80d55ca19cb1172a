/*
 * x509_write_cli: a small CA and device built on moat's X.509 writers, driven
 * by write_interop.py against the OpenSSL CLI. Files are DER; the script
 * converts to PEM for openssl.
 *
 *   genkey p256|p384 KEY.der                    fresh PKCS#8 key
 *   make-ca KEY.der SUBJECT OUT.der NOT_AFTER   self-signed root CA (serial 01)
 *   make-csr KEY.der SUBJECT OUT.der [opts]     PKCS#10 request
 *       opts: --dns NAME --uri URI --ip A.B.C.D --ku MASK --eku DOTTED --ca
 *   make-csr-port STATE_DIR SUBJECT OUT.der     PKCS#10 request signed by
 *                                               device key 0 of a POSIX port
 *                                               (created if missing): the
 *                                               private key never leaves it
 *   check-csr CSR.der                           moat_x509_csr_parse verdict
 *   issue-from-csr CSR.der ISSUER.der ISSUER_KEY.der OUT.der SERIAL_HEX
 *                  NOT_BEFORE NOT_AFTER [--ca PATHLEN]
 *       subject and key from the CSR; requested extensions copied verbatim,
 *       except basicConstraints / SKI / AKI, which the CA decides; --ca makes
 *       an intermediate CA (keyCertSign | cRLSign).
 *   dump CERT.der                               fields as moat parses them
 *
 * SUBJECT is "CN=a,O=b,OU=c,C=FR,serialNumber=123" (no escaping). Exit code
 * 0 on success; the moat error is printed on failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "moat/moat.h"
#include "moat/x509.h"
#include "core/der.h"
#include "moat_port_posix.h"

#define FILE_MAX 16384u
#define SUBJECT_MAX 512u

static moat_err urandom(void *ctx, uint8_t *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got;
    (void)ctx;
    if (f == NULL) {
        return MOAT_ERR_PORT_ENTROPY;
    }
    got = fread(out, 1, len, f);
    fclose(f);
    return got == len ? MOAT_OK : MOAT_ERR_PORT_ENTROPY;
}

static int fail(const char *what, moat_err err)
{
    fprintf(stderr, "%s: %s (%d)\n", what, moat_strerror(err), (int)err);
    return 1;
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    *len = fread(buf, 1, cap, f);
    fclose(f);
    if (*len == cap) {
        fprintf(stderr, "%s: too large\n", path);
        return 1;
    }
    return 0;
}

static int write_file(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len) {
        perror(path);
        if (f != NULL) {
            fclose(f);
        }
        return 1;
    }
    return fclose(f) == 0 ? 0 : 1;
}

/* Parse "CN=a,O=b" into @p name (pointers into @p storage). */
static int parse_subject(const char *s, char *storage, moat_x509_name *name)
{
    char *tok;
    char *save = NULL;

    memset(name, 0, sizeof(*name));
    if (strlen(s) >= SUBJECT_MAX) {
        return 1;
    }
    strcpy(storage, s);
    for (tok = strtok_r(storage, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        moat_x509_attr t;
        if (eq == NULL || name->count == MOAT_X509_MAX_NAME_ATTRS) {
            return 1;
        }
        *eq = '\0';
        if (strcmp(tok, "CN") == 0) {
            t = MOAT_X509_ATTR_CN;
        } else if (strcmp(tok, "O") == 0) {
            t = MOAT_X509_ATTR_O;
        } else if (strcmp(tok, "OU") == 0) {
            t = MOAT_X509_ATTR_OU;
        } else if (strcmp(tok, "C") == 0) {
            t = MOAT_X509_ATTR_C;
        } else if (strcmp(tok, "serialNumber") == 0) {
            t = MOAT_X509_ATTR_SERIAL_NUMBER;
        } else {
            return 1;
        }
        name->type[name->count] = t;
        name->value[name->count] = eq + 1;
        name->count++;
    }
    return 0;
}

static int load_signer(const char *path, moat_ec_private_key *priv, moat_signer *signer)
{
    uint8_t der[MOAT_EC_PRIV_DER_MAX * 2];
    size_t len;
    moat_err err;

    if (read_file(path, der, sizeof(der), &len) != 0) {
        return 1;
    }
    err = moat_ec_private_from_der(der, len, priv);
    moat_wipe(der, sizeof(der));
    if (err == MOAT_OK) {
        err = moat_signer_from_private(signer, priv);
    }
    return err == MOAT_OK ? 0 : fail(path, err);
}

static void key_id(const moat_ec_public_key *k, uint8_t id[20])
{
    uint8_t h[MOAT_HASH_MAX_SIZE];
    (void)moat_hash(MOAT_HASH_SHA1, k->q, k->q_len, h);
    memcpy(id, h, 20);
}

static int cmd_genkey(int argc, char **argv)
{
    moat_ec_private_key priv;
    uint8_t der[MOAT_EC_PRIV_DER_MAX];
    size_t len = 0;
    moat_err err;
    int rc;

    if (argc != 4) {
        return 2;
    }
    err = moat_ec_generate(strcmp(argv[2], "p384") == 0 ? MOAT_CURVE_P384 : MOAT_CURVE_P256,
                           urandom, NULL, &priv);
    if (err == MOAT_OK) {
        err = moat_ec_private_to_der(&priv, MOAT_KEY_PKCS8, der, sizeof(der), &len);
    }
    moat_ec_private_wipe(&priv);
    if (err != MOAT_OK) {
        return fail("genkey", err);
    }
    rc = write_file(argv[3], der, len);
    moat_wipe(der, sizeof(der));
    return rc;
}

static int cmd_make_ca(int argc, char **argv)
{
    static uint8_t out[FILE_MAX];
    static const uint8_t serial[1] = {0x01};
    char storage[SUBJECT_MAX];
    moat_ec_private_key priv;
    moat_signer signer;
    moat_x509_issue_params p;
    uint8_t id[20];
    size_t len = 0;
    moat_err err;

    if (argc != 6) {
        return 2;
    }
    if (load_signer(argv[2], &priv, &signer) != 0) {
        return 1;
    }
    memset(&p, 0, sizeof(p));
    if (parse_subject(argv[3], storage, &p.subject) != 0) {
        return 2;
    }
    p.issuer = p.subject;
    p.serial.ptr = serial;
    p.serial.len = sizeof(serial);
    p.not_before = (int64_t)time(NULL) - 3600;
    p.not_after = strtoll(argv[5], NULL, 10);
    p.subject_key = &signer.pub;
    p.ext.basic_constraints = true;
    p.ext.is_ca = true;
    p.ext.path_len = -1;
    p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN;
    p.ext.ski = true;
    key_id(&signer.pub, id);
    p.ext.aki.ptr = id;
    p.ext.aki.len = sizeof(id);
    err = moat_x509_issue(&p, &signer, out, sizeof(out), &len);
    moat_ec_private_wipe(&priv);
    if (err != MOAT_OK) {
        return fail("make-ca", err);
    }
    return write_file(argv[4], out, len);
}

static int cmd_make_csr(int argc, char **argv)
{
    static uint8_t out[FILE_MAX];
    static uint8_t ekus[MOAT_X509_MAX_EKU][32];
    static uint8_t ips[MOAT_X509_MAX_SAN][16];
    char storage[SUBJECT_MAX];
    moat_ec_private_key priv;
    moat_signer signer;
    moat_x509_name subject;
    moat_x509_ext_params ext;
    size_t len = 0;
    moat_err err;
    int i;

    if (argc < 5) {
        return 2;
    }
    if (load_signer(argv[2], &priv, &signer) != 0) {
        return 1;
    }
    if (parse_subject(argv[3], storage, &subject) != 0) {
        return 2;
    }
    memset(&ext, 0, sizeof(ext));
    ext.path_len = -1;
    for (i = 5; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (strcmp(opt, "--ca") == 0) {
            ext.basic_constraints = true;
            ext.is_ca = true;
            continue;
        }
        if (val == NULL || ext.san_count == MOAT_X509_MAX_SAN) {
            return 2;
        }
        i++;
        if (strcmp(opt, "--dns") == 0 || strcmp(opt, "--uri") == 0) {
            ext.san[ext.san_count].type = opt[2] == 'd' ? MOAT_X509_GN_DNS : MOAT_X509_GN_URI;
            ext.san[ext.san_count].value.ptr = (const uint8_t *)val;
            ext.san[ext.san_count].value.len = strlen(val);
            ext.san_count++;
        } else if (strcmp(opt, "--ip") == 0) {
            size_t l = 4;
            if (inet_pton(AF_INET, val, ips[ext.san_count]) != 1) {
                if (inet_pton(AF_INET6, val, ips[ext.san_count]) != 1) {
                    return 2;
                }
                l = 16;
            }
            ext.san[ext.san_count].type = MOAT_X509_GN_IP;
            ext.san[ext.san_count].value.ptr = ips[ext.san_count];
            ext.san[ext.san_count].value.len = l;
            ext.san_count++;
        } else if (strcmp(opt, "--ku") == 0) {
            ext.key_usage = (uint16_t)strtoul(val, NULL, 0);
        } else if (strcmp(opt, "--eku") == 0) {
            size_t l = 0;
            if (ext.eku_count == MOAT_X509_MAX_EKU) {
                return 2;
            }
            err = moat_x509_oid_encode(val, ekus[ext.eku_count], sizeof(ekus[0]), &l);
            if (err != MOAT_OK) {
                return fail("eku", err);
            }
            ext.eku[ext.eku_count].ptr = ekus[ext.eku_count];
            ext.eku[ext.eku_count].len = l;
            ext.eku_count++;
        } else {
            return 2;
        }
    }
    err = moat_x509_csr_create(&subject, &ext, &signer, out, sizeof(out), &len);
    moat_ec_private_wipe(&priv);
    if (err != MOAT_OK) {
        return fail("make-csr", err);
    }
    return write_file(argv[4], out, len);
}

static int cmd_make_csr_port(int argc, char **argv)
{
    static uint8_t out[FILE_MAX];
    char storage[SUBJECT_MAX];
    moat_port_posix posix;
    moat_port port;
    moat_port_key key;
    moat_signer signer;
    moat_ec_public_key pub;
    moat_x509_name subject;
    moat_x509_ext_params ext;
    size_t len = 0;
    moat_err err;

    if (argc != 5 || parse_subject(argv[3], storage, &subject) != 0) {
        return 2;
    }
    err = moat_port_posix_open(&posix, argv[2], NULL, &port);
    if (err != MOAT_OK) {
        return fail("port open", err);
    }
    err = moat_port_key_public(&port, 0, &pub);
    if (err == MOAT_ERR_PORT_NOT_FOUND) {
        err = moat_port_key_generate(&port, 0, MOAT_CURVE_P256);
    }
    if (err == MOAT_OK) {
        err = moat_port_signer(&key, &port, 0, &signer);
    }
    memset(&ext, 0, sizeof(ext));
    ext.path_len = -1;
    ext.key_usage = MOAT_X509_KU_DIGITAL_SIGNATURE;
    if (err == MOAT_OK) {
        err = moat_x509_csr_create(&subject, &ext, &signer, out, sizeof(out), &len);
    }
    moat_port_posix_close(&posix);
    if (err != MOAT_OK) {
        return fail("make-csr-port", err);
    }
    return write_file(argv[4], out, len);
}

static int cmd_check_csr(int argc, char **argv)
{
    static uint8_t in[FILE_MAX];
    moat_x509_csr csr;
    size_t len;
    moat_err err;

    if (argc != 3 || read_file(argv[2], in, sizeof(in), &len) != 0) {
        return 2;
    }
    err = moat_x509_csr_parse(in, len, &csr);
    if (err != MOAT_OK) {
        return fail("check-csr", err);
    }
    printf("ok\n");
    return 0;
}

static int cmd_issue(int argc, char **argv)
{
    static uint8_t csr_der[FILE_MAX];
    static uint8_t issuer_der[FILE_MAX];
    static uint8_t out[FILE_MAX];
    static moat_x509_cert issuer;
    moat_x509_raw_ext raw[MOAT_X509_MAX_EXTENSIONS];
    uint8_t serial[20];
    uint8_t id[20];
    size_t serial_len = 0;
    moat_ec_private_key priv;
    moat_signer signer;
    moat_x509_csr csr;
    moat_x509_issue_params p;
    moat_der_reader r;
    moat_der_reader seq;
    size_t csr_len;
    size_t issuer_len;
    size_t len = 0;
    moat_err err;

    if (argc != 9 && argc != 11) {
        return 2;
    }
    if (read_file(argv[2], csr_der, sizeof(csr_der), &csr_len) != 0 ||
        read_file(argv[3], issuer_der, sizeof(issuer_der), &issuer_len) != 0 ||
        load_signer(argv[4], &priv, &signer) != 0) {
        return 1;
    }
    err = moat_x509_csr_parse(csr_der, csr_len, &csr);
    if (err != MOAT_OK) {
        return fail("csr", err);
    }
    err = moat_x509_parse(issuer_der, issuer_len, &issuer);
    if (err != MOAT_OK) {
        return fail("issuer", err);
    }
    err = moat_hex_decode(argv[6], strlen(argv[6]), serial, sizeof(serial), &serial_len);
    if (err != MOAT_OK) {
        return fail("serial", err);
    }
    memset(&p, 0, sizeof(p));
    p.serial.ptr = serial;
    p.serial.len = serial_len;
    p.not_before = strtoll(argv[7], NULL, 10);
    p.not_after = strtoll(argv[8], NULL, 10);
    p.subject.raw = csr.subject;
    p.issuer.raw = issuer.subject;
    p.subject_key = &csr.key;
    p.ext.path_len = -1;
    p.ext.basic_constraints = true;
    if (argc == 11 && strcmp(argv[9], "--ca") == 0) {
        p.ext.is_ca = true;
        p.ext.path_len = atoi(argv[10]);
        p.ext.key_usage = MOAT_X509_KU_KEY_CERT_SIGN | MOAT_X509_KU_CRL_SIGN;
    }
    p.ext.ski = true;
    key_id(&issuer.ec_key, id);
    p.ext.aki.ptr = issuer.ski.len != 0 ? issuer.ski.ptr : id;
    p.ext.aki.len = issuer.ski.len != 0 ? issuer.ski.len : sizeof(id);
    p.ext.raw = raw;
    /* Requested extensions, verbatim, except those the CA decides. */
    if (csr.extensions.len != 0) {
        moat_der_reader_init(&r, csr.extensions.ptr, csr.extensions.len);
        if (moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &seq) != MOAT_OK) {
            return 1;
        }
        while (!moat_der_at_end(&seq)) {
            moat_der_reader e;
            const uint8_t *oid;
            size_t oid_len;
            const uint8_t *v;
            size_t vl;
            uint8_t tag = 0;
            bool critical = false;
            if (moat_der_enter(&seq, MOAT_DER_TAG_SEQUENCE, &e) != MOAT_OK ||
                moat_der_read_oid(&e, &oid, &oid_len) != MOAT_OK ||
                moat_der_peek_tag(&e, &tag) != MOAT_OK) {
                return 1;
            }
            if (tag == MOAT_DER_TAG_BOOLEAN) {
                (void)moat_der_expect(&e, MOAT_DER_TAG_BOOLEAN, &v, &vl);
                critical = true;
            }
            if (moat_der_expect(&e, MOAT_DER_TAG_OCTET_STRING, &v, &vl) != MOAT_OK) {
                return 1;
            }
            if (oid_len == 3 && oid[0] == 0x55 && oid[1] == 0x1D &&
                (oid[2] == 0x13 || oid[2] == 0x0E || oid[2] == 0x23 ||
                 (p.ext.is_ca && oid[2] == 0x0F))) {
                continue;
            }
            raw[p.ext.raw_count].oid.ptr = oid;
            raw[p.ext.raw_count].oid.len = oid_len;
            raw[p.ext.raw_count].critical = critical;
            raw[p.ext.raw_count].value.ptr = v;
            raw[p.ext.raw_count].value.len = vl;
            p.ext.raw_count++;
        }
    }
    err = moat_x509_issue(&p, &signer, out, sizeof(out), &len);
    moat_ec_private_wipe(&priv);
    if (err != MOAT_OK) {
        return fail("issue", err);
    }
    return write_file(argv[5], out, len);
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    size_t i;
    printf("%s=", label);
    for (i = 0; i < n; i++) {
        printf("%02X", p[i]);
    }
    printf("\n");
}

static int cmd_dump(int argc, char **argv)
{
    static uint8_t in[FILE_MAX];
    static moat_x509_cert c;
    char text[MOAT_X509_NAME_STRING_MAX];
    size_t len;
    size_t tl;
    size_t i;
    moat_err err;

    if (argc != 3 || read_file(argv[2], in, sizeof(in), &len) != 0) {
        return 2;
    }
    err = moat_x509_parse(in, len, &c);
    if (err != MOAT_OK) {
        return fail("parse", err);
    }
    err = moat_x509_name_string(&c.subject, text, sizeof(text), &tl);
    if (err != MOAT_OK) {
        return fail("subject", err);
    }
    printf("subject=%s\n", text);
    err = moat_x509_name_string(&c.issuer, text, sizeof(text), &tl);
    if (err != MOAT_OK) {
        return fail("issuer", err);
    }
    printf("issuer=%s\n", text);
    print_hex("serial", c.serial.ptr, c.serial.len);
    printf("not_before=%lld\nnot_after=%lld\n", (long long)c.not_before, (long long)c.not_after);
    printf("curve=%s\n", c.ec_key.curve == MOAT_CURVE_P384 ? "P-384" : "P-256");
    printf("sig_alg=%s\n", c.sig_alg == MOAT_X509_SIG_ECDSA_SHA384 ? "ecdsa-with-SHA384"
                                                                   : "ecdsa-with-SHA256");
    if (c.has_basic_constraints) {
        printf("basic_constraints=CA:%s", c.is_ca ? "TRUE" : "FALSE");
        if (c.path_len >= 0) {
            printf(",pathlen:%d", c.path_len);
        }
        printf("\n");
    }
    if (c.has_key_usage) {
        printf("key_usage=%u\n", (unsigned)c.key_usage);
    }
    for (i = 0; i < c.eku_count; i++) {
        err = moat_x509_oid_string(&c.eku[i], text, sizeof(text), &tl);
        if (err != MOAT_OK) {
            return fail("eku", err);
        }
        printf("eku=%s\n", text);
    }
    for (i = 0; i < c.san_count; i++) {
        const moat_x509_general_name *g = &c.san[i];
        if (g->type == MOAT_X509_GN_DNS) {
            printf("san=DNS:%.*s\n", (int)g->value.len, (const char *)g->value.ptr);
        } else if (g->type == MOAT_X509_GN_URI) {
            printf("san=URI:%.*s\n", (int)g->value.len, (const char *)g->value.ptr);
        } else if (g->type == MOAT_X509_GN_IP) {
            char ip[64];
            if (inet_ntop(g->value.len == 4 ? AF_INET : AF_INET6, g->value.ptr, ip,
                          sizeof(ip)) == NULL) {
                return 1;
            }
            printf("san=IP:%s\n", ip);
        }
    }
    if (c.ski.len != 0) {
        print_hex("ski", c.ski.ptr, c.ski.len);
    }
    if (c.aki.len != 0) {
        print_hex("aki", c.aki.ptr, c.aki.len);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc < 2) {
        fprintf(stderr, "usage: see the file comment\n");
        return 2;
    }
    if (strcmp(argv[1], "genkey") == 0) {
        rc = cmd_genkey(argc, argv);
    } else if (strcmp(argv[1], "make-ca") == 0) {
        rc = cmd_make_ca(argc, argv);
    } else if (strcmp(argv[1], "make-csr") == 0) {
        rc = cmd_make_csr(argc, argv);
    } else if (strcmp(argv[1], "make-csr-port") == 0) {
        return cmd_make_csr_port(argc, argv);
    } else if (strcmp(argv[1], "check-csr") == 0) {
        rc = cmd_check_csr(argc, argv);
    } else if (strcmp(argv[1], "issue-from-csr") == 0) {
        rc = cmd_issue(argc, argv);
    } else if (strcmp(argv[1], "dump") == 0) {
        rc = cmd_dump(argc, argv);
    }
    if (rc == 2) {
        fprintf(stderr, "%s: bad usage\n", argv[1]);
    }
    return rc;
}
