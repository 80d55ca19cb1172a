#!/usr/bin/python3
"""Generate the X.509 interop corpus with the OpenSSL command-line tool.

Usage: gen_corpus.py OUTDIR

Every chain is a directory OUTDIR/<name>/ holding:
  leaf.pem       the certificate to validate
  untrusted.pem  the bag of candidate intermediates (possibly shuffled, with
                 unrelated extras; may be empty)
  roots.pem      the trust anchors
  params         key=value lines:
                   time=<unix seconds>      validation time (openssl -attime)
                   purpose=sslserver|sslclient|any
                   hostname=<name>          optional (openssl -verify_hostname)
                   ip=<address>             optional (openssl -verify_ip)
                   strict=1                 optional (openssl -x509_strict)
                   expect=ok|reject         what the chain was built to test
                   desc=<text>              one line of description

Certificates are issued with `openssl ca` so that validity dates are explicit
(-startdate/-enddate): the corpus does not depend on the clock of the
machine that generates it. Keys are fresh for every run (nothing generated
is committed). Only the Python standard library and the `openssl` binary are
used; the whole run takes a few seconds.
"""

import base64
import os
import random
import re
import shutil
import subprocess
import sys

OPENSSL = os.environ.get("OPENSSL", "openssl")

#: Validation time of every chain: 2025-06-01T00:00:00Z.
T_NOW = 1748736000
#: Default validity window (UTCTime, around T_NOW).
NB_DEFAULT = "20240101000000Z"
NA_DEFAULT = "20340101000000Z"
#: A window that ended before T_NOW, and one that starts after it.
NA_PAST = "20250101000000Z"
NB_FUTURE = "20260101000000Z"

HOST = "server.example.com"

CA_CONF = """[ ca ]
default_ca = corpus
[ corpus ]
database = {work}/index.txt
new_certs_dir = {work}/new
serial = {work}/serial
default_md = sha256
policy = pol
unique_subject = no
email_in_dn = no
copy_extensions = none
[ pol ]
commonName = optional
"""


class Gen:
    """Issues certificates into a scratch directory."""

    def __init__(self, out):
        self.out = out
        self.work = os.path.join(out, ".work")
        if os.path.isdir(self.work):
            shutil.rmtree(self.work)
        os.makedirs(os.path.join(self.work, "new"))
        open(os.path.join(self.work, "index.txt"), "w").close()
        self.conf = os.path.join(self.work, "ca.cnf")
        with open(self.conf, "w") as f:
            f.write(CA_CONF.format(work=self.work))
        self.n = 0
        self.rng = random.Random(0x6d6f6174)

    def _run(self, args):
        p = subprocess.run([OPENSSL] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=self.work)
        if p.returncode != 0:
            sys.stderr.write("openssl %s failed:\n%s\n" % (" ".join(args),
                                                           p.stderr.decode(errors="replace")))
            raise SystemExit(2)
        return p.stdout

    def _path(self, stem):
        self.n += 1
        return os.path.join(self.work, "%03d-%s" % (self.n, stem))

    def key(self, kind="p256"):
        path = self._path("key.pem")
        if kind == "p256":
            self._run(["genpkey", "-algorithm", "EC", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-out", path])
        elif kind == "p384":
            self._run(["genpkey", "-algorithm", "EC", "-pkeyopt",
                       "ec_paramgen_curve:P-384", "-out", path])
        elif kind == "rsa2048":
            self._run(["genpkey", "-algorithm", "RSA", "-pkeyopt",
                       "rsa_keygen_bits:2048", "-out", path])
        else:
            raise ValueError(kind)
        return Key(path, kind)

    def cert(self, cn, key, issuer=None, ext=(), nb=NB_DEFAULT, na=NA_DEFAULT,
             ski=True, aki=True, md=None):
        """Issue a certificate for ``key`` with subject CN=cn,O=moat corpus.

        issuer: a Cert (signed with issuer.key, issuer name = its subject) or
        None (self-signed). ext: extension lines. ski/aki: add
        subjectKeyIdentifier=hash / authorityKeyIdentifier=keyid.
        md: signature digest (default: sha384 for a P-384 issuer, else sha256).
        """
        subj = "/CN=%s/O=moat corpus" % cn
        csr = self._path("req.pem")
        self._run(["req", "-new", "-key", key.path, "-subj", subj, "-out", csr])
        lines = list(ext)
        if ski:
            lines.append("subjectKeyIdentifier=hash")
        if aki and issuer is not None:
            lines.append("authorityKeyIdentifier=keyid:always")
        extfile = self._path("ext.cnf")
        with open(extfile, "w") as f:
            f.write("[v3]\n" + "".join(l + "\n" for l in lines))
        with open(os.path.join(self.work, "serial"), "w") as f:
            f.write("%02X%s\n" % (self.rng.randrange(1, 0x80),
                                  "".join("%02X" % self.rng.randrange(256)
                                          for _ in range(8))))
        signer = key if issuer is None else issuer.key
        if md is None:
            md = "sha384" if signer.kind == "p384" else "sha256"
        out = self._path("cert.pem")
        args = ["ca", "-batch", "-config", self.conf, "-in", csr, "-out", out,
                "-startdate", nb, "-enddate", na, "-extfile", extfile,
                "-extensions", "v3", "-notext", "-preserveDN", "-md", md]
        if issuer is None:
            args += ["-selfsign", "-keyfile", key.path]
        else:
            args += ["-cert", issuer.path, "-keyfile", issuer.key.path]
        self._run(args)
        with open(out) as f:
            pem = f.read()
        m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", pem, re.S)
        return Cert(out, m.group(0), key, cn)


class Key:
    def __init__(self, path, kind):
        self.path = path
        self.kind = kind


class Cert:
    def __init__(self, path, pem, key, cn):
        self.path = path
        self.pem = pem if pem.endswith("\n") else pem + "\n"
        self.key = key
        self.cn = cn

    def with_flipped_signature(self):
        """The same certificate with the last byte of the signature value
        (the last octet of the DER, inside ECDSA's s or RSA's signature)
        changed: the encoding stays valid, the signature does not."""
        body = "".join(self.pem.strip().splitlines()[1:-1])
        der = bytearray(base64.b64decode(body))
        der[-1] ^= 0x01
        b = base64.b64encode(bytes(der)).decode("ascii")
        pem = ("-----BEGIN CERTIFICATE-----\n" +
               "".join(b[i:i + 64] + "\n" for i in range(0, len(b), 64)) +
               "-----END CERTIFICATE-----\n")
        return Cert(self.path, pem, self.key, self.cn)


# ------------------------------------------------------------ extensions

def ca_ext(pathlen=None, ku="critical,keyCertSign,cRLSign", bc="critical,CA:TRUE",
           extra=()):
    lines = []
    if bc is not None:
        lines.append("basicConstraints=" + bc + ("" if pathlen is None
                                                 else ",pathlen:%d" % pathlen))
    if ku is not None:
        lines.append("keyUsage=" + ku)
    return lines + list(extra)


def leaf_ext(san="DNS:" + HOST, eku="serverAuth", ku="critical,digitalSignature",
             bc="critical,CA:FALSE", extra=()):
    lines = []
    if bc is not None:
        lines.append("basicConstraints=" + bc)
    if ku is not None:
        lines.append("keyUsage=" + ku)
    if eku is not None:
        lines.append("extendedKeyUsage=" + eku)
    if san is not None:
        lines.append("subjectAltName=" + san)
    return lines + list(extra)


# ---------------------------------------------------------------- chains

class Corpus:
    def __init__(self, out):
        self.out = out
        self.g = Gen(out)
        self.names = []
        self.rng = random.Random(0x636f7270)

    def emit(self, name, leaf, bag, roots, expect, desc, purpose="sslserver",
             hostname=None, ip=None, strict=False, shuffle=False, t=T_NOW):
        assert name not in self.names, name
        self.names.append(name)
        d = os.path.join(self.out, name)
        os.makedirs(d, exist_ok=True)
        bag = list(bag)
        if shuffle:
            self.rng.shuffle(bag)
        with open(os.path.join(d, "leaf.pem"), "w") as f:
            f.write(leaf.pem)
        with open(os.path.join(d, "untrusted.pem"), "w") as f:
            f.write("".join(c.pem for c in bag))
        with open(os.path.join(d, "roots.pem"), "w") as f:
            f.write("".join(c.pem for c in roots))
        with open(os.path.join(d, "params"), "w") as f:
            f.write("time=%d\npurpose=%s\n" % (t, purpose))
            if hostname:
                f.write("hostname=%s\n" % hostname)
            if ip:
                f.write("ip=%s\n" % ip)
            if strict:
                f.write("strict=1\n")
            f.write("expect=%s\ndesc=%s\n" % (expect, desc))

    # Building blocks -------------------------------------------------

    def root(self, cn="Root", kind="p256", **kw):
        k = self.g.key(kind)
        ext = kw.pop("ext", None) or ca_ext(pathlen=kw.pop("pathlen", None))
        return self.g.cert(cn, k, None, ext, **kw)

    def ca(self, cn, issuer, kind="p256", ext=None, **kw):
        k = self.g.key(kind)
        return self.g.cert(cn, k, issuer, ext if ext is not None else ca_ext(), **kw)

    def leaf(self, issuer, cn="leaf", ext=None, kind="p256", **kw):
        k = self.g.key(kind)
        return self.g.cert(cn, k, issuer, ext if ext is not None else leaf_ext(), **kw)

    def std(self, depth, kind="p256", aki=True, ca_extra=(), **leafkw):
        """root -> (depth-2 intermediates) -> leaf; returns (leaf, ints, root)."""
        root = self.root("Root", kind, ski=aki)
        ints, up = [], root
        for i in range(depth - 2):
            c = self.ca("Int %d" % (i + 1), up, kind, ext=ca_ext(extra=ca_extra),
                        ski=aki, aki=aki)
            ints.append(c)
            up = c
        leaf = self.leaf(up, ski=aki, aki=aki, **leafkw)
        return leaf, ints, root

    # The corpus ------------------------------------------------------

    def build(self):
        S = dict(hostname=HOST)

        # ---- valid chains
        leaf, ints, root = self.std(2)
        self.emit("valid_2deep", leaf, ints, [root], "ok", "root -> leaf", **S)
        leaf, ints, root = self.std(3)
        self.emit("valid_3deep", leaf, ints, [root], "ok", "root -> int -> leaf", **S)
        leaf, ints, root = self.std(4)
        self.emit("valid_4deep", leaf, ints, [root], "ok", "root -> 2 ints -> leaf", **S)
        self.emit("valid_4deep_shuffled", leaf, list(reversed(ints)), [root], "ok",
                  "4-deep, intermediates in reverse order", **S)
        self.emit("valid_4deep_no_hostname", leaf, ints, [root], "ok",
                  "4-deep, no host name requested")
        leaf, ints, root = self.std(5)
        other_leaf, other_ints, other_root = self.std(4)
        self.emit("valid_5deep_shuffled_extras", leaf, ints + other_ints + [other_root],
                  [root], "ok",
                  "5-deep; bag shuffled with unrelated intermediates and an unrelated root "
                  "of the same names", shuffle=True, **S)
        self.emit("valid_two_roots", leaf, ints, [other_root, root], "ok",
                  "two anchors, the right one second", shuffle=True, **S)

        root = self.root("Root P-384", "p384")
        i1 = self.ca("Int P-384", root, "p384")
        leaf = self.leaf(i1)
        self.emit("valid_p384", leaf, [i1], [root], "ok",
                  "P-384 root and intermediate (ecdsa-with-SHA384) -> P-256 leaf", **S)

        root = self.root("Root RSA", "rsa2048")
        i1 = self.ca("Int EC", root)
        leaf = self.leaf(i1)
        self.emit("valid_rsa2048_root", leaf, [i1], [root], "ok",
                  "RSA-2048 root (sha256WithRSAEncryption) -> P-256 int -> leaf", **S)

        leaf, ints, root = self.std(3, aki=False)
        self.emit("valid_no_ski_aki", leaf, ints, [root], "ok",
                  "3-deep without SKI/AKI (name chaining only)", **S)

        leaf, ints, root = self.std(3, ext=leaf_ext(eku="clientAuth", san="DNS:dev-1"))
        self.emit("valid_client", leaf, ints, [root], "ok",
                  "clientAuth leaf for purpose sslclient", purpose="sslclient")
        leaf, ints, root = self.std(3, ext=leaf_ext(eku=None, san="DNS:dev-1"))
        self.emit("valid_no_eku_any", leaf, ints, [root], "ok",
                  "leaf without EKU, purpose any", purpose="any")
        self.emit("valid_no_eku_server", leaf, ints, [root], "ok",
                  "leaf without EKU, purpose sslserver (no EKU = any use)")
        leaf, ints, root = self.std(3, ext=leaf_ext(ku=None))
        self.emit("valid_leaf_no_ku", leaf, ints, [root], "ok",
                  "leaf without keyUsage", **S)

        leaf, ints, root = self.std(3, ext=leaf_ext(san="DNS:*.example.com"))
        self.emit("valid_wildcard", leaf, ints, [root], "ok",
                  "*.example.com matches a.example.com", hostname="a.example.com")
        self.emit("wildcard_two_labels", leaf, ints, [root], "reject",
                  "*.example.com does not match a.b.example.com",
                  hostname="a.b.example.com")
        self.emit("wildcard_apex", leaf, ints, [root], "reject",
                  "*.example.com does not match example.com", hostname="example.com")

        leaf, ints, root = self.std(3, ext=leaf_ext(
            san="DNS:other.example.net,DNS:%s,IP:192.0.2.10,IP:2001:db8::1" % HOST))
        self.emit("valid_san_second_dns", leaf, ints, [root], "ok",
                  "host name is the second DNS SAN", **S)
        self.emit("valid_ipv4", leaf, ints, [root], "ok", "IPv4 SAN match",
                  ip="192.0.2.10")
        self.emit("valid_ipv6", leaf, ints, [root], "ok", "IPv6 SAN match",
                  ip="2001:db8::1")
        self.emit("ip_mismatch", leaf, ints, [root], "reject", "IPv4 SAN mismatch",
                  ip="192.0.2.11")
        self.emit("wrong_hostname", leaf, ints, [root], "reject",
                  "host name not in the SANs", hostname="www.example.com")
        self.emit("hostname_is_ip_san_only", leaf, ints, [root], "reject",
                  "host name requested that only appears as an IP", hostname="192.0.2.10")

        root = self.root()
        i1 = self.ca("Int NC", root, ext=ca_ext(
            extra=["nameConstraints=critical,permitted;DNS:example.com,"
                   "permitted;IP:192.0.2.0/255.255.255.0"]))
        ok = self.leaf(i1, ext=leaf_ext(san="DNS:%s,IP:192.0.2.10" % HOST))
        bad_dns = self.leaf(i1, ext=leaf_ext(san="DNS:server.example.org"))
        bad_ip = self.leaf(i1, ext=leaf_ext(san="DNS:%s,IP:198.51.100.7" % HOST))
        self.emit("valid_nc_permitted", ok, [i1], [root], "ok",
                  "DNS and IP inside the permitted subtrees", **S)
        self.emit("nc_dns_permitted_violation", bad_dns, [i1], [root], "reject",
                  "DNS SAN outside the permitted DNS subtree",
                  hostname="server.example.org")
        self.emit("nc_ip_permitted_violation", bad_ip, [i1], [root], "reject",
                  "IP SAN outside the permitted IP subtree", **S)

        root = self.root()
        i1 = self.ca("Int NCX", root, ext=ca_ext(
            extra=["nameConstraints=critical,excluded;DNS:bad.example.com,"
                   "excluded;IP:203.0.113.0/255.255.255.0"]))
        ok = self.leaf(i1, ext=leaf_ext(san="DNS:%s,IP:192.0.2.10" % HOST))
        bad_dns = self.leaf(i1, ext=leaf_ext(san="DNS:host.bad.example.com"))
        bad_ip = self.leaf(i1, ext=leaf_ext(san="DNS:%s,IP:203.0.113.9" % HOST))
        self.emit("valid_nc_excluded_not_hit", ok, [i1], [root], "ok",
                  "names outside the excluded subtrees", **S)
        self.emit("nc_dns_excluded_violation", bad_dns, [i1], [root], "reject",
                  "DNS SAN inside an excluded DNS subtree", hostname="host.bad.example.com")
        self.emit("nc_ip_excluded_violation", bad_ip, [i1], [root], "reject",
                  "IP SAN inside an excluded IP subtree", **S)

        root = self.root()
        i1 = self.ca("Int 1", root, ext=ca_ext(
            extra=["nameConstraints=critical,permitted;DNS:example.com"]))
        i2 = self.ca("Int 2", i1)
        bad = self.leaf(i2, ext=leaf_ext(san="DNS:server.example.org"))
        self.emit("nc_two_levels_up_violation", bad, [i1, i2], [root], "reject",
                  "DNS SAN outside a constraint set two CAs above the leaf",
                  hostname="server.example.org")

        root = self.root(pathlen=1)
        i1 = self.ca("Int 1", root)
        leaf = self.leaf(i1)
        self.emit("valid_root_pathlen1", leaf, [i1], [root], "ok",
                  "root pathLen 1, one intermediate", **S)
        i2 = self.ca("Int 2", i1)
        leaf = self.leaf(i2)
        self.emit("root_pathlen1_exceeded", leaf, [i1, i2], [root], "reject",
                  "root pathLen 1, two intermediates", **S)

        root = self.root()
        i1 = self.ca("Int 1", root, ext=ca_ext(pathlen=0))
        leaf = self.leaf(i1)
        self.emit("valid_pathlen0", leaf, [i1], [root], "ok",
                  "intermediate pathLen 0 issuing a leaf", **S)
        i2 = self.ca("Int 2", i1)
        leaf = self.leaf(i2)
        self.emit("pathlen0_exceeded", leaf, [i1, i2], [root], "reject",
                  "intermediate pathLen 0 above another CA", **S)

        # depth: moat's bound is 8 certificates (leaf and anchor included);
        # compare.py runs openssl with -verify_depth 6 to match.
        root = self.root()
        chain, up = [], root
        for i in range(8):
            c = self.ca("Deep %d" % (i + 1), up)
            chain.append(c)
            up = c
        leaves = {}
        for nint in (6, 7, 8):
            leaves[nint] = self.leaf(chain[nint - 1])
        self.emit("valid_depth8", leaves[6], chain[:6], [root], "ok",
                  "8 certificates: leaf, 6 intermediates, root (the bound)", shuffle=True,
                  **S)
        self.emit("too_deep_9", leaves[7], chain[:7], [root], "reject",
                  "9 certificates (one over the bound)", shuffle=True, **S)
        self.emit("too_deep_10", leaves[8], chain, [root], "reject",
                  "10 certificates", **S)

        # same-name intermediates with different keys (backtracking)
        root = self.root()
        right = self.ca("Int Twin", root)
        wrong = self.ca("Int Twin", root)
        leaf = self.leaf(right)
        self.emit("valid_twins_aki", leaf, [wrong, right], [root], "ok",
                  "two intermediates with the same name, different keys; the wrong "
                  "one first (AKI/SKI tell them apart)", **S)
        self.emit("twins_only_wrong", leaf, [wrong], [root], "reject",
                  "only the same-name intermediate with the wrong key is offered", **S)
        root = self.root(ski=False)
        right = self.ca("Int Twin", root, ski=False, aki=False)
        wrong_exp = self.ca("Int Twin", root, ski=False, aki=False, na=NA_PAST)
        leaf = self.leaf(right, ski=False, aki=False)
        self.emit("valid_twins_expired_wrong", leaf, [wrong_exp, right], [root], "ok",
                  "same-name intermediates without AKI/SKI; the wrong one (other key, "
                  "expired) first", **S)
        wrong = self.ca("Int Twin", root, ski=False, aki=False)
        self.emit("valid_twins_no_aki_backtrack", leaf, [wrong, right], [root], "ok",
                  "same-name intermediates without AKI/SKI, both time-valid; the wrong "
                  "one first: needs backtracking over a failed signature", **S)

        # ---- invalid chains: time
        root = self.root()
        i1 = self.ca("Int 1", root)
        self.emit("expired_leaf", self.leaf(i1, na=NA_PAST), [i1], [root], "reject",
                  "leaf notAfter before the validation time", **S)
        self.emit("not_yet_valid_leaf", self.leaf(i1, nb=NB_FUTURE), [i1], [root],
                  "reject", "leaf notBefore after the validation time", **S)
        i_exp = self.ca("Int 1", root, na=NA_PAST)
        self.emit("expired_intermediate", self.leaf(i_exp), [i_exp], [root], "reject",
                  "intermediate expired", **S)
        i_nyv = self.ca("Int 1", root, nb=NB_FUTURE)
        self.emit("not_yet_valid_intermediate", self.leaf(i_nyv), [i_nyv], [root],
                  "reject", "intermediate not yet valid", **S)
        root_exp = self.root(na=NA_PAST)
        i1 = self.ca("Int 1", root_exp)
        self.emit("expired_root", self.leaf(i1), [i1], [root_exp], "reject",
                  "trust anchor expired", **S)

        # ---- names and signatures
        root = self.root()
        i1 = self.ca("Int 1", root)
        fake = self.g.cert("Int Renamed", i1.key, root, ca_ext())
        leaf = self.leaf(fake)
        self.emit("wrong_issuer_name", leaf, [i1], [root], "reject",
                  "leaf signed by the intermediate's key under another issuer name", **S)
        self.emit("missing_intermediate", self.leaf(i1), [], [root], "reject",
                  "the intermediate is not offered", **S)
        good = self.leaf(i1)
        self.emit("bad_signature_leaf", good.with_flipped_signature(), [i1], [root],
                  "reject", "leaf signature altered", **S)
        self.emit("bad_signature_intermediate", good, [i1.with_flipped_signature()],
                  [root], "reject", "intermediate signature altered", **S)

        # ---- basicConstraints and keyUsage
        root = self.root()
        i1 = self.ca("Int 1", root, ext=ca_ext(bc="critical,CA:FALSE"))
        self.emit("ca_false_intermediate", self.leaf(i1), [i1], [root], "reject",
                  "intermediate with basicConstraints cA FALSE", **S)
        i1 = self.ca("Int 1", root, ext=ca_ext(bc=None, ku=None))
        self.emit("no_bc_intermediate", self.leaf(i1), [i1], [root], "reject",
                  "intermediate without basicConstraints nor keyUsage", **S)
        i1 = self.ca("Int 1", root, ext=ca_ext(bc=None))
        self.emit("no_bc_intermediate_certsign", self.leaf(i1), [i1], [root], "reject",
                  "intermediate without basicConstraints but keyUsage keyCertSign "
                  "(openssl -x509_strict)", strict=True, **S)
        self.emit("no_bc_intermediate_certsign_lax", self.leaf(i1), [i1], [root], "reject",
                  "intermediate without basicConstraints but keyUsage keyCertSign "
                  "(openssl without -x509_strict)", **S)
        i1 = self.ca("Int 1", root, ext=ca_ext(ku="critical,digitalSignature,cRLSign"))
        self.emit("ku_no_certsign_intermediate", self.leaf(i1), [i1], [root], "reject",
                  "intermediate keyUsage without keyCertSign", **S)
        i1 = self.ca("Int 1", root)
        self.emit("leaf_ku_no_digsig", self.leaf(i1, ext=leaf_ext(
            ku="critical,nonRepudiation")), [i1], [root], "reject",
            "leaf keyUsage nonRepudiation only (no digitalSignature)", **S)
        self.emit("leaf_ku_key_agreement_only", self.leaf(i1, ext=leaf_ext(
            ku="critical,keyAgreement")), [i1], [root], "reject",
            "leaf keyUsage keyAgreement only, purpose sslserver", **S)

        # ---- extended key usage
        self.emit("leaf_eku_client_for_server", self.leaf(i1, ext=leaf_ext(
            eku="clientAuth")), [i1], [root], "reject",
            "clientAuth-only leaf for purpose sslserver", **S)
        self.emit("leaf_eku_server_for_client", self.leaf(i1, ext=leaf_ext(
            eku="serverAuth")), [i1], [root], "reject",
            "serverAuth-only leaf for purpose sslclient", purpose="sslclient")
        i_eku = self.ca("Int 1", root, ext=ca_ext(extra=["extendedKeyUsage=clientAuth"]))
        self.emit("intermediate_eku_excludes", self.leaf(i_eku), [i_eku], [root],
                  "reject", "intermediate EKU clientAuth only, leaf serverAuth, "
                  "purpose sslserver", **S)
        i_eku2 = self.ca("Int 1", root,
                         ext=ca_ext(extra=["extendedKeyUsage=serverAuth,clientAuth"]))
        self.emit("valid_intermediate_eku_includes", self.leaf(i_eku2), [i_eku2], [root],
                  "ok", "intermediate EKU serverAuth+clientAuth, purpose sslserver", **S)

        # ---- critical extensions
        self.emit("unknown_critical_leaf", self.leaf(i1, ext=leaf_ext(
            extra=["1.3.6.1.4.1.55555.1=critical,ASN1:NULL"])), [i1], [root], "reject",
            "leaf with an unknown critical extension", **S)
        i_uc = self.ca("Int 1", root, ext=ca_ext(
            extra=["1.3.6.1.4.1.55555.1=critical,ASN1:NULL"]))
        self.emit("unknown_critical_intermediate", self.leaf(i_uc), [i_uc], [root],
                  "reject", "intermediate with an unknown critical extension", **S)
        self.emit("valid_unknown_noncritical", self.leaf(i1, ext=leaf_ext(
            extra=["1.3.6.1.4.1.55555.1=ASN1:NULL"])), [i1], [root], "ok",
            "leaf with an unknown non-critical extension", **S)
        self.emit("dice_tcbinfo_critical_leaf", self.leaf(i1, ext=leaf_ext(
            extra=["2.23.133.5.4.1=critical,DER:3000"])), [i1], [root], "ok",
            "leaf with a critical TCG DiceTcbInfo (empty SEQUENCE): understood by moat",
            **S)

        # ---- self-signed leaf, loops
        k = self.g.key()
        ss = self.g.cert("self", k, None, leaf_ext())
        self.emit("self_signed_leaf", ss, [], [root], "reject",
                  "self-signed leaf, not an anchor", **S)
        self.emit("self_signed_leaf_in_bag", ss, [ss, i1], [root], "reject",
                  "self-signed leaf also offered in the bag", **S)

        ka, kb = self.g.key(), self.g.key()
        a0 = self.g.cert("Loop A", ka, None, ca_ext())
        b0 = self.g.cert("Loop B", kb, None, ca_ext())
        a1 = self.g.cert("Loop A", ka, b0, ca_ext())
        b1 = self.g.cert("Loop B", kb, a0, ca_ext())
        leaf = self.leaf(a1)
        self.emit("issuer_loop", leaf, [a1, b1], [root], "reject",
                  "two CAs cross-signing each other, no path to the anchor", **S)
        self.emit("valid_loop_with_anchor", leaf, [a1, b1], [b0], "ok",
                  "the same cross-signed pair, with B's self-signed certificate trusted",
                  **S)

    def finish(self):
        shutil.rmtree(self.g.work)
        with open(os.path.join(self.out, "INDEX"), "w") as f:
            f.write("".join(n + "\n" for n in self.names))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: gen_corpus.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    if os.path.isdir(out):
        for name in os.listdir(out):
            p = os.path.join(out, name)
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
    os.makedirs(out, exist_ok=True)
    c = Corpus(out)
    c.build()
    c.finish()
    print("gen_corpus: %d chains in %s" % (len(c.names), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
