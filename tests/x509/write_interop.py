#!/usr/bin/python3
"""Interop of moat's certificate and CSR writers with the OpenSSL CLI.

Drives x509_write_cli (moat) to run a small 3-level PKI (root CA P-384 ->
intermediate P-256 -> leaf P-256, all issued by moat) and checks, with an
independent implementation:
  * `openssl req -verify` accepts every CSR moat creates;
  * `openssl verify -x509_strict -CAfile root -untrusted inter leaf` accepts
    the moat-issued chain (also with -purpose sslserver / sslclient);
  * `openssl x509` shows the same subject, issuer, serial, validity, SANs,
    key usage, EKU, basic constraints, SKI and AKI as moat's parser reports
    (field by field), and the SKI is SHA-1 of the public key bits
    (RFC 5280 4.2.1.2 method 1), recomputed here;
  * a CSR made by openssl is accepted by moat's CSR parser (and a tampered
    one is rejected), and moat can issue a certificate from it that openssl
    verifies.
Exit status 0 only if every check passed.
"""
import argparse
import base64
import calendar
import hashlib
import ipaddress
import os
import shutil
import subprocess
import sys
import time

FAILURES = []

KU_NAMES = {
    "Digital Signature": 1 << 0,
    "Non Repudiation": 1 << 1,
    "Key Encipherment": 1 << 2,
    "Data Encipherment": 1 << 3,
    "Key Agreement": 1 << 4,
    "Certificate Sign": 1 << 5,
    "CRL Sign": 1 << 6,
    "Encipher Only": 1 << 7,
    "Decipher Only": 1 << 8,
}
EKU_NAMES = {
    "TLS Web Server Authentication": "1.3.6.1.5.5.7.3.1",
    "TLS Web Client Authentication": "1.3.6.1.5.5.7.3.2",
    "Code Signing": "1.3.6.1.5.5.7.3.3",
    "E-mail Protection": "1.3.6.1.5.5.7.3.4",
}


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILURES.append(what)


def run(args, expect_ok=True, stdin=None):
    p = subprocess.run(args, capture_output=True, text=True, input=stdin)
    if expect_ok and p.returncode != 0:
        print("command failed: %s\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p


class Cli:
    def __init__(self, path, workdir):
        self.path = path
        self.wd = workdir

    def f(self, name):
        return os.path.join(self.wd, name)

    def __call__(self, *args, expect_ok=True):
        p = run([self.path] + [str(a) for a in args], expect_ok)
        if expect_ok and p.returncode != 0:
            raise SystemExit("x509_write_cli %s failed" % args[0])
        return p


def der_to_pem(der_path, pem_path, label):
    with open(der_path, "rb") as f:
        b = base64.b64encode(f.read()).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    with open(pem_path, "w") as f:
        f.write("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label))


def openssl_time(s):
    # "Nov 23 17:38:46 2026 GMT"
    return calendar.timegm(time.strptime(s.strip(), "%b %d %H:%M:%S %Y GMT"))


def norm_ip(s):
    return str(ipaddress.ip_address(s))


def openssl_fields(pem):
    """The fields of a certificate as openssl prints them, normalized."""
    out = {}
    p = run(["openssl", "x509", "-in", pem, "-noout", "-nameopt", "RFC2253", "-subject",
             "-issuer", "-serial", "-startdate", "-enddate"])
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    fields = {
        "subject": out["subject"],
        "issuer": out["issuer"],
        "serial": "%X" % int(out["serial"], 16),
        "not_before": openssl_time(out["notBefore"]),
        "not_after": openssl_time(out["notAfter"]),
    }
    p = run(["openssl", "x509", "-in", pem, "-noout", "-text"])
    lines = p.stdout.splitlines()
    crit = {}
    for i, line in enumerate(lines):
        s = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if s.startswith("X509v3 "):
            crit[s.split(":")[0]] = s.endswith("critical")
        if s.startswith("X509v3 Basic Constraints"):
            fields["basic_constraints"] = nxt.replace(", ", ",")
        elif s.startswith("X509v3 Key Usage"):
            fields["key_usage"] = sum(KU_NAMES[n.strip()] for n in nxt.split(","))
        elif s.startswith("X509v3 Extended Key Usage"):
            fields["eku"] = [EKU_NAMES.get(n.strip(), n.strip()) for n in nxt.split(",")]
        elif s.startswith("X509v3 Subject Alternative Name"):
            sans = []
            for n in nxt.split(", "):
                kind, _, val = n.partition(":")
                if kind == "IP Address":
                    sans.append("IP:" + norm_ip(val))
                else:
                    sans.append(kind + ":" + val)
            fields["san"] = sans
        elif s.startswith("X509v3 Subject Key Identifier"):
            fields["ski"] = nxt.replace(":", "").upper()
        elif s.startswith("X509v3 Authority Key Identifier"):
            fields["aki"] = nxt.replace("keyid:", "").replace(":", "").upper()
        elif s.startswith("Signature Algorithm:") and "sig_alg" not in fields:
            fields["sig_alg"] = s.split(":", 1)[1].strip()
        elif s.startswith("NIST CURVE:"):
            fields["curve"] = s.split(":", 1)[1].strip()
    fields["critical"] = crit
    return fields


def moat_fields(cli, der):
    p = cli("dump", der)
    fields = {"eku": [], "san": []}
    for line in p.stdout.splitlines():
        k, _, v = line.partition("=")
        if k in ("not_before", "not_after", "key_usage"):
            fields[k] = int(v)
        elif k == "serial":
            fields[k] = "%X" % int(v, 16)
        elif k == "eku":
            fields["eku"].append(v)
        elif k == "san":
            if v.startswith("IP:"):
                v = "IP:" + norm_ip(v[3:])
            fields["san"].append(v)
        else:
            fields[k] = v
    if not fields["eku"]:
        del fields["eku"]
    if not fields["san"]:
        del fields["san"]
    return fields


def spki_point(pem):
    p = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-pubkey"],
                       capture_output=True, check=True)
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=p.stdout,
                         capture_output=True, check=True).stdout
    # RFC 5480: the point is the end of the SPKI (uncompressed, 65 or 97 bytes).
    n = 97 if len(der) == 120 else 65
    return der[-n:]


def compare(cli, name, expect):
    der = cli.f(name + ".der")
    pem = cli.f(name + ".pem")
    o = openssl_fields(pem)
    m = moat_fields(cli, der)
    for k in ("subject", "issuer", "serial", "not_before", "not_after", "sig_alg", "curve",
              "basic_constraints", "key_usage", "eku", "san", "ski", "aki"):
        check(o.get(k) == m.get(k), "%s: %s openssl=%r moat=%r" % (name, k, o.get(k), m.get(k)))
    for k, v in expect.items():
        check(m.get(k) == v, "%s: %s is %r (moat %r)" % (name, k, v, m.get(k)))
    check(o["critical"].get("X509v3 Basic Constraints") is True,
          name + ": basicConstraints critical")
    if "key_usage" in o:
        check(o["critical"].get("X509v3 Key Usage") is True, name + ": keyUsage critical")
    ski = hashlib.sha1(spki_point(pem)).hexdigest().upper()
    check(m.get("ski") == ski, name + ": SKI is SHA-1 of the key bits (RFC 5280 4.2.1.2 (1))")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    if shutil.which("openssl") is None:
        print("openssl not found")
        return 1
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    cli = Cli(a.cli, a.workdir)
    f = cli.f
    now = int(time.time())

    root_na = calendar.timegm((2060, 1, 1, 0, 0, 0))        # GeneralizedTime
    inter_na = calendar.timegm((2049, 12, 31, 23, 59, 59))  # last UTCTime second
    leaf_nb, leaf_na = now - 60, now + 365 * 86400

    cli("genkey", "p384", f("root.key"))
    cli("genkey", "p256", f("inter.key"))
    cli("genkey", "p256", f("leaf.key"))
    cli("make-ca", f("root.key"), "CN=Moat Test Root,O=moat,C=FR", f("root.der"), root_na)

    cli("make-csr", f("inter.key"), "CN=Moat Test Intermediate,O=moat,OU=devices",
        f("inter.csr.der"), "--ca")
    cli("make-csr", f("leaf.key"), "CN=device-0001,O=moat,serialNumber=SN-0001",
        f("leaf.csr.der"), "--dns", "dev.example.com", "--dns", "*.dev.example.com",
        "--ip", "192.0.2.7", "--ip", "2001:db8::7", "--uri", "urn:moat:device:0001",
        "--ku", "0x11", "--eku", "1.3.6.1.5.5.7.3.2", "--eku", "1.3.6.1.5.5.7.3.1")
    # A CSR signed by a key held inside the POSIX port (never exported).
    shutil.rmtree(f("port-state"), ignore_errors=True)
    cli("make-csr-port", f("port-state"), "CN=port-device-0001,O=moat", f("port.csr.der"))
    der_to_pem(f("port.csr.der"), f("port.csr.pem"), "CERTIFICATE REQUEST")
    p = run(["openssl", "req", "-verify", "-noout", "-in", f("port.csr.pem")])
    check(p.returncode == 0 and "verify OK" in (p.stdout + p.stderr),
          "openssl req -verify accepts a CSR signed by a port-held key")
    for c in ("inter", "leaf"):
        der_to_pem(f(c + ".csr.der"), f(c + ".csr.pem"), "CERTIFICATE REQUEST")
        p = run(["openssl", "req", "-verify", "-noout", "-in", f(c + ".csr.pem")])
        check(p.returncode == 0 and "verify OK" in (p.stdout + p.stderr),
              "openssl req -verify accepts moat's %s CSR" % c)
        p = run(["openssl", "req", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
                 f(c + ".csr.pem")])
        want = {"inter": "OU=devices,O=moat,CN=Moat Test Intermediate",
                "leaf": "serialNumber=SN-0001,O=moat,CN=device-0001"}[c]
        check(p.stdout.strip() == "subject=" + want, "%s CSR subject as openssl reads it" % c)

    cli("issue-from-csr", f("inter.csr.der"), f("root.der"), f("root.key"), f("inter.der"),
        "7F01", now - 60, inter_na, "--ca", "0")
    cli("issue-from-csr", f("leaf.csr.der"), f("inter.der"), f("inter.key"), f("leaf.der"),
        "00C0FFEE", leaf_nb, leaf_na)

    # A CSR made by openssl: moat parses it, rejects a tampered copy, issues from it.
    p = run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
             "-nodes", "-keyout", f("ossl.key.pem"), "-subj", "/CN=openssl-made/O=peer",
             "-addext", "subjectAltName=DNS:peer.example.net,IP:198.51.100.9",
             "-addext", "keyUsage=critical,digitalSignature",
             "-outform", "DER", "-out", f("ossl.csr.der")])
    check(p.returncode == 0, "openssl creates a P-384 CSR")
    check(cli("check-csr", f("ossl.csr.der"), expect_ok=False).returncode == 0,
          "moat accepts openssl's CSR (signature verifies)")
    with open(f("ossl.csr.der"), "rb") as fh:
        bad = bytearray(fh.read())
    bad[-5] ^= 0x01
    with open(f("ossl-bad.csr.der"), "wb") as fh:
        fh.write(bad)
    p = cli("check-csr", f("ossl-bad.csr.der"), expect_ok=False)
    check(p.returncode == 1 and "(513)" in p.stderr,
          "moat rejects a tampered CSR with MOAT_ERR_X509_CSR_SIGNATURE: " + p.stderr.strip())
    cli("issue-from-csr", f("ossl.csr.der"), f("inter.der"), f("inter.key"), f("ossl.der"),
        "0102030405060708090A0B0C0D0E0F1011121314", leaf_nb, leaf_na)

    for c in ("root", "inter", "leaf", "ossl"):
        der_to_pem(f(c + ".der"), f(c + ".pem"), "CERTIFICATE")

    for leaf in ("leaf", "ossl"):
        p = run(["openssl", "verify", "-x509_strict", "-CAfile", f("root.pem"), "-untrusted",
                 f("inter.pem"), f(leaf + ".pem")])
        check(p.returncode == 0 and p.stdout.strip().endswith(": OK"),
              "openssl verify accepts the moat-issued 3-level chain to %s" % leaf)
    for purpose in ("sslserver", "sslclient"):
        p = run(["openssl", "verify", "-x509_strict", "-purpose", purpose, "-CAfile",
                 f("root.pem"), "-untrusted", f("inter.pem"), f("leaf.pem")])
        check(p.returncode == 0, "openssl verify -purpose %s" % purpose)
    p = run(["openssl", "verify", "-x509_strict", "-CAfile", f("root.pem"), f("inter.pem")])
    check(p.returncode == 0, "openssl verify accepts the intermediate")
    # Negative control: without the intermediate the chain must not verify.
    p = run(["openssl", "verify", "-CAfile", f("root.pem"), f("leaf.pem")], expect_ok=False)
    check(p.returncode != 0, "openssl verify fails without the intermediate (control)")

    compare(cli, "root", {"subject": "C=FR,O=moat,CN=Moat Test Root",
                          "basic_constraints": "CA:TRUE", "key_usage": 0x60,
                          "not_after": root_na, "sig_alg": "ecdsa-with-SHA384"})
    compare(cli, "inter", {"basic_constraints": "CA:TRUE,pathlen:0", "key_usage": 0x60,
                           "not_after": inter_na, "serial": "7F01",
                           "sig_alg": "ecdsa-with-SHA384"})
    compare(cli, "leaf", {"basic_constraints": "CA:FALSE", "key_usage": 0x11,
                          "serial": "C0FFEE", "not_before": leaf_nb, "not_after": leaf_na,
                          "eku": ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"],
                          "san": ["DNS:dev.example.com", "DNS:*.dev.example.com",
                                  "IP:192.0.2.7", "IP:2001:db8::7",
                                  "URI:urn:moat:device:0001"],
                          "sig_alg": "ecdsa-with-SHA256"})
    compare(cli, "ossl", {"san": ["DNS:peer.example.net", "IP:198.51.100.9"],
                          "key_usage": 0x01, "curve": "P-384",
                          "serial": "%X" % 0x0102030405060708090A0B0C0D0E0F1011121314})
    # The AKI of each certificate is its issuer's SKI.
    mf = {c: moat_fields(cli, f(c + ".der")) for c in ("root", "inter", "leaf")}
    check(mf["inter"].get("aki") == mf["root"].get("ski"), "inter AKI = root SKI")
    check(mf["leaf"].get("aki") == mf["inter"].get("ski"), "leaf AKI = inter SKI")

    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
