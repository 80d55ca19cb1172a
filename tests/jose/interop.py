#!/usr/bin/python3
"""JOSE interop between moat (through tests/jose/jose_cli) and python3-jwcrypto.

Run by ctest with Debian's /usr/bin/python3 (jwcrypto 1.1, cryptography):

  interop.py --cli PATH --direction moat-to-jwcrypto|jwcrypto-to-moat --workdir DIR

moat-to-jwcrypto: keys generated and tokens signed by moat (compact and JWS
General JSON Serialization, ES256 and ES384) must verify under jwcrypto, and
moat's JWK thumbprints must equal jwcrypto's.
jwcrypto-to-moat: keys generated and tokens signed by jwcrypto must verify
under moat, including the k-of-n threshold over a jwcrypto multi-signature
document. Each direction also checks that a tampered token is rejected, so the
test can fail.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

CURVES = [("p256", "P-256", "ES256"), ("p384", "P-384", "ES384")]
FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def run(cli, *args, expect_ok=True):
    p = subprocess.run([cli] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if expect_ok and p.returncode != 0:
        print("command failed:", args, p.stderr.decode(errors="replace"))
    return p


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def payload_for(tag):
    # binary payload, including bytes that are not UTF-8 and a CRLF
    return b"moat interop " + tag.encode() + b"\r\n\x00\xff\xfe" + os.urandom(40)


def tamper_compact(tok):
    h, p, s = tok.split(".")
    c = "A" if p[5] != "A" else "B"
    return ".".join([h, p[:5] + c + p[6:], s])


# ------------------------------------------------------------ moat -> jwcrypto
def moat_to_jwcrypto(cli, wd):
    keys = {}
    for short, crv, alg in CURVES:
        priv = os.path.join(wd, "moat-%s.p8" % short)
        pub = os.path.join(wd, "moat-%s.jwk" % short)
        p = run(cli, "gen-key", short, priv, pub)
        check(p.returncode == 0, "moat gen-key %s" % crv)
        if p.returncode != 0:
            continue
        with open(pub) as f:
            pub_json = json.load(f)
        k = jwk.JWK(**{m: pub_json[m] for m in ("kty", "crv", "x", "y")})
        check(k.thumbprint() == pub_json["kid"],
              "%s: moat kid equals jwcrypto RFC 7638 thumbprint" % crv)
        with open(priv, "rb") as f:
            sk = serialization.load_der_private_key(f.read(), password=None)
        pk_from_der = jwk.JWK.from_pyca(sk.public_key())
        check(pk_from_der.thumbprint() == k.thumbprint(),
              "%s: moat PKCS#8 readable by cryptography, same public key" % crv)
        keys[short] = (priv, pub, k, crv, alg)

        # compact
        data = payload_for("compact " + crv)
        pf = write(os.path.join(wd, "payload-%s.bin" % short), data)
        p = run(cli, "sign-compact", priv, pf)
        tok = p.stdout.decode()
        s = jws.JWS()
        try:
            s.deserialize(tok)
            s.verify(k)
            good = s.payload == data and s.jose_header.get("alg") == alg \
                and s.jose_header.get("kid") == k.thumbprint()
        except Exception as e:  # noqa: BLE001 - report any failure
            print("  jwcrypto:", repr(e))
            good = False
        check(good, "%s: moat compact JWS verifies under jwcrypto" % crv)
        s = jws.JWS()
        try:
            s.deserialize(tamper_compact(tok))
            s.verify(k)
            rejected = False
        except Exception:  # noqa: BLE001
            rejected = True
        check(rejected, "%s: tampered moat compact JWS rejected by jwcrypto" % crv)

    if len(keys) != 2:
        return
    # General JSON serialization, signed by both keys (one call per signer)
    data = payload_for("json")
    pf = write(os.path.join(wd, "payload-json.bin"), data)
    p = run(cli, "sign-json", keys["p256"][0], pf)
    d1 = write(os.path.join(wd, "moat-doc1.json"), p.stdout)
    p = run(cli, "sign-json", keys["p384"][0], "-", "--in", d1)
    check(p.returncode == 0, "moat sign-json: second signer appended")
    doc = p.stdout.decode()
    try:
        parsed = json.loads(doc)
        check(len(parsed["signatures"]) == 2, "moat JSON document has 2 signatures")
    except ValueError:
        check(False, "moat JSON document is JSON")
    for short in ("p256", "p384"):
        _, _, k, crv, _ = keys[short]
        s = jws.JWS()
        try:
            s.deserialize(doc)
            s.verify(k)
            good = s.payload == data
        except Exception as e:  # noqa: BLE001
            print("  jwcrypto:", repr(e))
            good = False
        check(good, "%s: moat JSON general serialization verifies under jwcrypto" % crv)


# ------------------------------------------------------------ jwcrypto -> moat
def jwcrypto_to_moat(cli, wd):
    keys = {}
    for short, crv, alg in CURVES:
        k = jwk.JWK.generate(kty="EC", crv=crv)
        kid = k.thumbprint()
        pub = write(os.path.join(wd, "jwc-%s.jwk" % short), k.export_public())
        privjwk = write(os.path.join(wd, "jwc-%s.priv.jwk" % short), k.export_private())
        sk = k.get_op_key("sign")
        der = sk.private_bytes(serialization.Encoding.DER,
                               serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
        privder = write(os.path.join(wd, "jwc-%s.p8" % short), der)
        keys[short] = (k, kid, pub, crv, alg)

        for label, path in (("private JWK", privjwk), ("PKCS#8", privder), ("public JWK", pub)):
            p = run(cli, "pubjwk", path)
            ok = p.returncode == 0
            if ok:
                ok = json.loads(p.stdout.decode())["kid"] == kid
            check(ok, "%s: moat reads jwcrypto %s, kid == jwcrypto thumbprint" % (crv, label))

        data = payload_for("jwcrypto compact " + crv)
        s = jws.JWS(data)
        s.add_signature(k, None, json_encode({"alg": alg, "kid": kid}))
        tok = s.serialize(compact=True)
        tf = write(os.path.join(wd, "jwc-%s.jws" % short), tok)
        p = run(cli, "verify-compact", tf, pub)
        check(p.returncode == 0 and p.stdout == data,
              "%s: jwcrypto compact JWS verifies under moat (one key)" % crv)
        bad = write(os.path.join(wd, "jwc-%s-bad.jws" % short), tamper_compact(tok))
        p = run(cli, "verify-compact", bad, pub, expect_ok=False)
        check(p.returncode == 2 and b"MOAT_ERR_CRYPTO_SIG_INVALID" in p.stderr
              and p.stdout == b"",
              "%s: tampered jwcrypto compact JWS rejected by moat" % crv)

    # key-set selection by kid
    data = payload_for("keyset")
    k, kid, _, _, alg = keys["p384"]
    s = jws.JWS(data)
    s.add_signature(k, None, json_encode({"alg": alg, "kid": kid}))
    tf = write(os.path.join(wd, "jwc-keyset.jws"), s.serialize(compact=True))
    p = run(cli, "verify-compact", tf, keys["p256"][2], keys["p384"][2])
    check(p.returncode == 0 and p.stdout == data,
          "jwcrypto compact JWS verifies under moat (key set, selected by kid)")

    # General JSON serialization with two signers (ES256 + ES384)
    data = payload_for("jwcrypto json")
    s = jws.JWS(data)
    for short in ("p256", "p384"):
        k, kid, _, _, alg = keys[short]
        s.add_signature(k, None, json_encode({"alg": alg, "kid": kid}))
    doc = s.serialize()
    check("signatures" in json.loads(doc), "jwcrypto produced a general JSON serialization")
    df = write(os.path.join(wd, "jwc-doc.json"), doc)
    pubs = [keys["p256"][2], keys["p384"][2]]
    p = run(cli, "verify-json", df, "2", *pubs)
    check(p.returncode == 0 and p.stdout == data,
          "jwcrypto JSON general serialization verifies under moat (2-of-2)")
    # a third trusted key that did not sign: 3-of-3 must fail
    extra = jwk.JWK.generate(kty="EC", crv="P-256")
    ef = write(os.path.join(wd, "jwc-extra.jwk"), extra.export_public())
    p = run(cli, "verify-json", df, "3", pubs[0], pubs[1], ef, expect_ok=False)
    check(p.returncode == 2 and b"MOAT_ERR_JOSE_THRESHOLD" in p.stderr and p.stdout == b"",
          "jwcrypto JSON document: 3-of-3 threshold not met under moat")
    # moat can append its own signature to jwcrypto's document
    mpriv = os.path.join(wd, "moat-extra.p8")
    mpub = os.path.join(wd, "moat-extra.jwk")
    run(cli, "gen-key", "p256", mpriv, mpub)
    p = run(cli, "sign-json", mpriv, "-", "--in", df)
    df3 = write(os.path.join(wd, "jwc-doc3.json"), p.stdout)
    p = run(cli, "verify-json", df3, "3", pubs[0], pubs[1], mpub)
    check(p.returncode == 0 and p.stdout == data,
          "jwcrypto document + moat signature: 3-of-3 under moat")
    mk = jwk.JWK.from_json(open(mpub).read())
    s2 = jws.JWS()
    try:
        s2.deserialize(open(df3).read())
        s2.verify(mk)
        good = s2.payload == data
    except Exception as e:  # noqa: BLE001
        print("  jwcrypto:", repr(e))
        good = False
    check(good, "jwcrypto verifies the signature moat appended")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--direction", required=True,
                    choices=["moat-to-jwcrypto", "jwcrypto-to-moat"])
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    if a.direction == "moat-to-jwcrypto":
        moat_to_jwcrypto(a.cli, a.workdir)
    else:
        jwcrypto_to_moat(a.cli, a.workdir)
    if FAILURES:
        print("%d interop check(s) failed" % len(FAILURES))
        return 1
    print("all interop checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
