#!/usr/bin/python3
"""Compare moat's path validation with `openssl verify` on the corpus.

Usage: compare.py --corpus DIR --cli PATH [--doc docs/x509-corpus.md]
                  [--generate gen_corpus.py] [--openssl-only]

With --generate, the corpus is first regenerated into DIR by running the
given generator with this interpreter.

For every chain directory listed in DIR/INDEX (written by gen_corpus.py) it
runs

  openssl verify -no-CApath -no-CAstore -CAfile roots.pem
                 [-untrusted untrusted.pem] -attime T -purpose P
                 -verify_depth 6 [-verify_hostname H] [-verify_ip I]
                 [-x509_strict] leaf.pem

and the moat driver (`x509_verify_cli DIR`, which calls moat_x509_verify()
with the same parameters and moat's default depth bound of 8 certificates:
leaf + 6 intermediates + anchor, which is what -verify_depth 6 means to
openssl). It fails unless, for every chain:

  * openssl's verdict equals the verdict the chain was built for (params
    "expect"), so that a generator mistake cannot hide behind agreement;
  * moat's verdict equals openssl's, or the chain is listed in the section
    "Differences from OpenSSL" of the document given with --doc, with a
    written reason, and moat's verdict is the intended one. A listed chain
    on which the two now agree also fails (the document would be stale).

For rejected chains, openssl's error and moat's error code are printed side
by side (informational: the error taxonomies differ).
"""

import argparse
import os
import re
import subprocess
import sys

OPENSSL = os.environ.get("OPENSSL", "openssl")
#: openssl -verify_depth matching MOAT_X509_MAX_DEPTH (8) = leaf + 6 + anchor.
VERIFY_DEPTH = "6"


def read_params(d):
    p = {}
    with open(os.path.join(d, "params")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            k, _, v = line.partition("=")
            p[k] = v
    return p


def has_cert(path):
    with open(path) as f:
        return "-----BEGIN CERTIFICATE-----" in f.read()


def run_openssl(d, p):
    args = [OPENSSL, "verify", "-no-CApath", "-no-CAstore",
            "-CAfile", os.path.join(d, "roots.pem")]
    if has_cert(os.path.join(d, "untrusted.pem")):
        args += ["-untrusted", os.path.join(d, "untrusted.pem")]
    args += ["-attime", p["time"], "-purpose", p["purpose"], "-verify_depth", VERIFY_DEPTH]
    if p.get("hostname"):
        args += ["-verify_hostname", p["hostname"]]
    if p.get("ip"):
        args += ["-verify_ip", p["ip"]]
    if p.get("strict") == "1":
        args.append("-x509_strict")
    args.append(os.path.join(d, "leaf.pem"))
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode(errors="replace")
    if r.returncode == 0 and re.search(r": OK\s*$", out):
        return "ok", ""
    m = re.search(r"error (\d+) at (\d+) depth lookup: ([^\n]*)", out)
    if m:
        return "reject", "%s@%s %s" % (m.group(1), m.group(2), m.group(3).strip())
    return "reject", out.strip().splitlines()[-1] if out.strip() else "rc=%d" % r.returncode


def run_moat(cli, d):
    r = subprocess.run([cli, d], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = r.stdout.decode(errors="replace").strip()
    if r.returncode == 0 and out.startswith("OK"):
        return "ok", out[2:].strip()
    if r.returncode == 1 and out:
        return "reject", out
    err = r.stderr.decode(errors="replace").strip()
    return "error", "rc=%d %s %s" % (r.returncode, out, err)


def read_allow_list(doc):
    """Chains listed as `- `name`: reason` under '## Differences from OpenSSL'."""
    allow = {}
    if not doc:
        return allow
    section = False
    current = None
    with open(doc) as f:
        for line in f:
            if line.startswith("## "):
                section = line.strip().lower() == "## differences from openssl"
                current = None
                continue
            if not section:
                continue
            m = re.match(r"^\s*[-*]\s+`([A-Za-z0-9_]+)`\s*(?:\(([^)]*)\))?\s*:\s*(\S.*)$", line)
            if m:
                current = m.group(1)
                allow[current] = m.group(3).strip()
            elif current and line.startswith((" ", "\t")) and line.strip():
                allow[current] += " " + line.strip()
            else:
                current = None
    for name, reason in allow.items():
        if len(reason.split()) < 5:
            raise SystemExit("%s: the difference %s needs a written reason" % (doc, name))
    return allow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cli")
    ap.add_argument("--doc")
    ap.add_argument("--generate", metavar="GEN_CORPUS_PY",
                    help="first (re)generate the corpus into --corpus with this script")
    ap.add_argument("--openssl-only", action="store_true",
                    help="only check openssl against the intended verdicts")
    a = ap.parse_args()
    if not a.openssl_only and not a.cli:
        ap.error("--cli is required unless --openssl-only")
    if a.generate:
        r = subprocess.run([sys.executable, a.generate, a.corpus])
        if r.returncode != 0:
            print("FAIL: corpus generation failed (rc=%d)" % r.returncode)
            return 1

    with open(os.path.join(a.corpus, "INDEX")) as f:
        names = [l.strip() for l in f if l.strip()]
    allow = read_allow_list(a.doc)
    unknown = sorted(set(allow) - set(names))

    failures = []
    rows = []
    for n in names:
        d = os.path.join(a.corpus, n)
        p = read_params(d)
        ov, oerr = run_openssl(d, p)
        if a.openssl_only:
            mv, merr = "-", ""
        else:
            mv, merr = run_moat(a.cli, d)
        exp = p.get("expect", "?")
        status = "agree"
        if mv == "error":
            status = "FAIL (driver error)"
        elif n in allow:
            if a.openssl_only:
                status = "listed"
            elif mv == ov:
                status = "FAIL (listed as a difference, but they agree)"
            elif mv != exp:
                status = "FAIL (listed difference, moat not as intended)"
            else:
                status = "documented difference"
        else:
            if ov != exp:
                status = "FAIL (openssl verdict is not the intended one: corpus bug)"
            elif not a.openssl_only and mv != ov:
                status = "FAIL (moat disagrees with openssl)"
        if status.startswith("FAIL"):
            failures.append(n)
        rows.append((n, exp, ov, mv, status, oerr, merr))

    w = max(len(r[0]) for r in rows)
    print("%-*s %-6s %-7s %-7s %s" % (w, "chain", "expect", "openssl", "moat", "status"))
    for n, exp, ov, mv, status, oerr, merr in rows:
        print("%-*s %-6s %-7s %-7s %s" % (w, n, exp, ov, mv, status))
    print()
    print("Rejected chains, openssl error vs moat error (informational):")
    for n, exp, ov, mv, status, oerr, merr in rows:
        if ov != "ok" or mv not in ("ok", "-"):
            print("  %-*s openssl: %-55s moat: %s" % (w, n, oerr or "OK", merr if mv != "ok" else "OK"))
    print()
    for n in unknown:
        print("FAIL: %s listed in %s is not a chain of the corpus" % (n, a.doc))
    for n in sorted(allow):
        if n in names:
            print("documented difference %s: %s" % (n, allow[n]))
    total = len(rows)
    print("%d chains, %d failures%s" % (total, len(failures) + len(unknown),
                                         "" if not failures else ": " + ", ".join(failures)))
    if total < 40:
        print("FAIL: the corpus must hold at least 40 chains")
        return 1
    return 1 if failures or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
