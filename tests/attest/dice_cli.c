/*
 * Test-only CLI for the DICE interop test: builds a fresh chain (random
 * manufacturer CA and UDS) and writes ca.der, deviceid.der, cdi1.der,
 * cdi2.der and alias.der into the directory given as argument, for
 * dice_interop.sh to check with the OpenSSL CLI.
 */
#include <stdio.h>
#include <string.h>

#include "moat/core.h"
#include "moat/dice.h"
#include "dice_chain.h"

static int write_file(const char *dir, const char *name, const uint8_t *der, size_t len)
{
    char path[1024];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL) {
        return 1;
    }
    ok = fwrite(der, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : 1;
}

int main(int argc, char **argv)
{
    static dice_chain c;
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_err err;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: dice_cli OUTDIR\n");
        return 2;
    }
    if (chain_urandom(NULL, uds, sizeof(uds)) != MOAT_OK) {
        return 1;
    }
    err = chain_build(&c, uds);
    moat_wipe(uds, sizeof(uds));
    if (err != MOAT_OK) {
        fprintf(stderr, "chain: %s\n", moat_strerror(err));
        return 1;
    }
    rc |= write_file(argv[1], "ca.der", c.ca, c.ca_len);
    rc |= write_file(argv[1], "deviceid.der", c.device_id, c.device_id_len);
    rc |= write_file(argv[1], "cdi1.der", c.cdi1, c.cdi1_len);
    rc |= write_file(argv[1], "cdi2.der", c.cdi2, c.cdi2_len);
    rc |= write_file(argv[1], "alias.der", c.alias, c.alias_len);
    moat_wipe(&c.cdis, sizeof(c.cdis));
    return rc;
}
