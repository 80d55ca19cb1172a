"""Doxygen input filter for include/moat/error.h.

The error codes are defined once, by the X-macro list MOAT_ERR_LIST, so that
the enum and moat_strerror() cannot disagree. Doxygen does not expand that
macro into documented enumerators, so this filter rewrites the enum body, for
Doxygen only, as explicit enumerators each documented with its message.
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
entries = re.findall(r'X\((MOAT_\w+),\s*(\d+),\s*"((?:[^"\\]|\\.)*)"\)', text)
body = "\n".join(f"    {n} = {v}, /**< {m} */" for n, v, m in entries)
text = re.sub(r"#define MOAT_ERR_ENUM_.*?#undef MOAT_ERR_ENUM_\n", lambda _m: body + "\n", text, flags=re.S)
text = text.replace("    MOAT_ERR_FORCE_INT_ = 0x7fffffff", "    MOAT_ERR_FORCE_INT_ = 0x7fffffff /**< forces an int-sized enum */")
sys.stdout.write(text)
