#include "moat/version.h"

const char *moat_version(void);

const char *moat_version(void)
{
    return MOAT_VERSION_STRING;
}
