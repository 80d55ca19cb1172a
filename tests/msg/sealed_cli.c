/*
 * sealed_cli: a small front end over moat's sealed messages, driven by
 * sealed_interop.py (python3-jwcrypto interop). Keys are JWK files.
 *
 *   sealed_cli seal PRIV.jwk RECIPIENT_PUB.jwk FROM TO TYPE SEQ BODY_FILE OUT_FILE
 *   sealed_cli open STATE_DIR ME MY_PRIV.jwk TYPE MSG_FILE BODY_OUT PEER_ID=PUB.jwk...
 *
 * open prints "from=<id> type=<t> seq=<n>" on success; on failure it prints
 * the symbolic error name on stdout and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat/msg.h"
#include "moat_port_posix.h"

#define FILE_MAX (MOAT_MSG_MAX + 64u)
#define PEERS_MAX 8

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, cap, f);
    if (!feof(f)) {
        fprintf(stderr, "%s too large\n", path);
        exit(2);
    }
    fclose(f);
    return n;
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

static void load_private(const char *path, moat_ec_private_key *priv, moat_jwk *pub)
{
    uint8_t buf[MOAT_JWK_MAX_INPUT];
    size_t n = read_file(path, buf, sizeof(buf));
    moat_err e = moat_jwk_parse_private((const char *)buf, n, priv, pub);
    if (e != MOAT_OK) {
        fprintf(stderr, "%s: %s\n", path, moat_strerror_name(e));
        exit(2);
    }
}

static void load_public(const char *path, moat_jwk *pub)
{
    uint8_t buf[MOAT_JWK_MAX_INPUT];
    size_t n = read_file(path, buf, sizeof(buf));
    moat_err e = moat_jwk_parse((const char *)buf, n, pub);
    if (e != MOAT_OK) {
        fprintf(stderr, "%s: %s\n", path, moat_strerror_name(e));
        exit(2);
    }
}

static moat_err sys_rng(void *ctx, uint8_t *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n;
    (void)ctx;
    if (f == NULL) {
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    n = fread(out, 1, len, f);
    fclose(f);
    return n == len ? MOAT_OK : MOAT_ERR_CRYPTO_RNG_FAILED;
}

static int cmd_seal(int argc, char **argv)
{
    static uint8_t body[MOAT_MSG_BODY_MAX + 1u];
    static uint8_t work[MOAT_MSG_SEAL_WORK_SIZE(MOAT_MSG_BODY_MAX)];
    static char out[MOAT_MSG_SEALED_SIZE(MOAT_MSG_BODY_MAX)];
    moat_ec_private_key priv;
    moat_jwk me, rcpt;
    moat_signer signer;
    moat_msg_header h;
    size_t blen, olen = 0;
    moat_err e;

    if (argc != 10) {
        fprintf(stderr, "usage: seal PRIV PUB FROM TO TYPE SEQ BODY OUT\n");
        return 2;
    }
    load_private(argv[2], &priv, &me);
    load_public(argv[3], &rcpt);
    blen = read_file(argv[8], body, sizeof(body));
    h.from = argv[4];
    h.to = argv[5];
    h.type = argv[6];
    h.seq = strtoull(argv[7], NULL, 10);
    h.iat = 1700000000;
    e = moat_signer_from_private(&signer, &priv);
    if (e == MOAT_OK) {
        e = moat_msg_seal(&signer, &h, &rcpt.key, body, blen, sys_rng, NULL, work,
                          sizeof(work), out, sizeof(out), &olen);
    }
    moat_ec_private_wipe(&priv);
    if (e != MOAT_OK) {
        printf("%s\n", moat_strerror_name(e));
        return 1;
    }
    write_file(argv[9], out, olen);
    return 0;
}

static int cmd_open(int argc, char **argv)
{
    static uint8_t msg[FILE_MAX];
    static uint8_t work[MOAT_MSG_OPEN_WORK_SIZE(FILE_MAX)];
    static uint8_t body[MOAT_MSG_BODY_MAX];
    static moat_msg_peer peers[PEERS_MAX];
    static char ids[PEERS_MAX][MOAT_MSG_ID_MAX + 1u];
    moat_port_posix pp;
    moat_port port;
    moat_msg_replay replay;
    moat_ec_private_key priv;
    moat_jwk mypub;
    moat_jwe_decrypter dec;
    moat_msg_receiver rx;
    moat_msg_info info;
    const char *types[1];
    size_t mlen, blen = 0, npeers = 0;
    int i;
    moat_err e;

    if (argc < 9) {
        fprintf(stderr, "usage: open DIR ME PRIV TYPE MSG BODY_OUT ID=PUB...\n");
        return 2;
    }
    for (i = 8; i < argc && npeers < PEERS_MAX; i++) {
        char *eq = strchr(argv[i], '=');
        size_t n;
        if (eq == NULL || (n = (size_t)(eq - argv[i])) > MOAT_MSG_ID_MAX) {
            return 2;
        }
        memcpy(ids[npeers], argv[i], n);
        ids[npeers][n] = '\0';
        peers[npeers].id = ids[npeers];
        load_public(eq + 1, &peers[npeers].key);
        npeers++;
    }
    load_private(argv[4], &priv, &mypub);
    mlen = read_file(argv[6], msg, sizeof(msg));
    e = moat_port_posix_open(&pp, argv[2], NULL, &port);
    if (e == MOAT_OK) {
        e = moat_msg_replay_open(&replay, &port, MOAT_MSG_DEFAULT_REPLAY_RECORD);
    }
    if (e == MOAT_OK) {
        e = moat_jwe_decrypter_from_private(&dec, &priv);
    }
    if (e == MOAT_OK) {
        types[0] = argv[5];
        rx.me = argv[3];
        rx.key = &dec;
        rx.directory = peers;
        rx.directory_count = npeers;
        rx.types = types;
        rx.type_count = 1;
        rx.replay = &replay;
        e = moat_msg_open(&rx, (const char *)msg, mlen, work, sizeof(work), body,
                          sizeof(body), &blen, &info);
    }
    moat_ec_private_wipe(&priv);
    moat_msg_replay_close(&replay);
    moat_port_posix_close(&pp);
    if (e != MOAT_OK) {
        printf("%s\n", moat_strerror_name(e));
        return 1;
    }
    write_file(argv[7], body, blen);
    printf("from=%s type=%s seq=%llu\n", info.from, info.type, (unsigned long long)info.seq);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "seal") == 0) {
        return cmd_seal(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "open") == 0) {
        return cmd_open(argc, argv);
    }
    fprintf(stderr, "usage: sealed_cli seal|open ...\n");
    return 2;
}
