/* moat_strerror(): messages from the one X-macro list in moat/error.h. */
#include "moat/error.h"

const char *moat_strerror(moat_err err)
{
    switch (err) {
#define MOAT_ERR_MSG_(name, value, msg) case name: return msg;
        MOAT_ERR_LIST(MOAT_ERR_MSG_)
#undef MOAT_ERR_MSG_
    default:
        return "unknown error";
    }
}

const char *moat_strerror_name(moat_err err)
{
    switch (err) {
#define MOAT_ERR_NAME_(name, value, msg) case name: return #name;
        MOAT_ERR_LIST(MOAT_ERR_NAME_)
#undef MOAT_ERR_NAME_
    default:
        return "MOAT_ERR_UNKNOWN";
    }
}
