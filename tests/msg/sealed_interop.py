#!/usr/bin/python3
"""Sealed-message interop between moat (tests/msg/sealed_cli) and python3-jwcrypto.

Run by ctest with Debian's /usr/bin/python3 (jwcrypto 1.1):

  sealed_interop.py --cli PATH --direction moat-to-jwcrypto|jwcrypto-to-moat --workdir DIR

Format (docs/messages.md): a compact JWE (alg ECDH-ES, enc A256GCM, cty
"moat-msg+jws", header iss/aud/msg_type) whose plaintext is a compact JWS
(ES256, kid = RFC 7638 thumbprint, typ "moat-msg+jws") over
{"v":1,"from","to","type","seq","iat","body":base64url}.

moat-to-jwcrypto: messages sealed by moat decrypt under jwcrypto with the
recipient key, and their inner JWS verifies under the sender key.
jwcrypto-to-moat: messages built by jwcrypto open under moat (also with
apu/apv in the header), a replay is refused, and a tampered message is
refused, so the test can fail.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys

from jwcrypto import jwe, jwk, jws

CTY = "moat-msg+jws"
FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run(cli, *args):
    return subprocess.run([cli] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)


def make_keys(wd):
    keys = {}
    for name in ("dev-a", "dev-b"):
        k = jwk.JWK.generate(kty="EC", crv="P-256")
        keys[name] = k
        write(os.path.join(wd, name + ".jwk"), k.export_private())
        write(os.path.join(wd, name + ".pub.jwk"), k.export_public())
    return keys


def moat_to_jwcrypto(cli, wd, keys):
    for seq, size in ((1, 0), (2, 64), (3, 1024), (4, 4096)):
        body = os.urandom(size)
        bpath = write(os.path.join(wd, "body%d" % seq), body)
        out = os.path.join(wd, "msg%d" % seq)
        p = run(cli, "seal", os.path.join(wd, "dev-a.jwk"),
                os.path.join(wd, "dev-b.pub.jwk"), "dev-a", "dev-b", "telemetry",
                str(seq), bpath, out)
        check(p.returncode == 0, "moat seals %d-byte body (%s)" % (size, p.stdout.decode().strip()))
        if p.returncode != 0:
            continue
        token = read(out).decode()
        outer = jwe.JWE()
        outer.deserialize(token, key=keys["dev-b"])
        hdr = json.loads(outer.objects["protected"])
        check(hdr.get("alg") == "ECDH-ES" and hdr.get("enc") == "A256GCM",
              "outer header alg/enc (seq %d)" % seq)
        check(hdr.get("cty") == CTY and hdr.get("iss") == "dev-a" and
              hdr.get("aud") == "dev-b" and hdr.get("msg_type") == "telemetry",
              "outer header cty/iss/aud/msg_type (seq %d)" % seq)
        inner = jws.JWS()
        inner.deserialize(outer.payload.decode())
        inner.verify(keys["dev-a"].public())  # raises on failure
        ih = inner.jose_header
        check(ih.get("alg") == "ES256" and ih.get("typ") == CTY and
              ih.get("kid") == keys["dev-a"].thumbprint(),
              "inner header alg/typ/kid=thumbprint (seq %d)" % seq)
        claims = json.loads(inner.payload)
        check(claims["v"] == 1 and claims["from"] == "dev-a" and claims["to"] == "dev-b" and
              claims["type"] == "telemetry" and claims["seq"] == seq,
              "inner payload fields (seq %d)" % seq)
        check(unb64u(claims["body"]) == body, "jwcrypto recovers the body (seq %d)" % seq)
        # Negative: the wrong recipient key fails under jwcrypto too.
        try:
            other = jwe.JWE()
            other.deserialize(token, key=keys["dev-a"])
            check(False, "jwcrypto refuses the wrong key (seq %d)" % seq)
        except Exception:  # noqa: BLE001 - any jwcrypto failure is a refusal
            check(True, "jwcrypto refuses the wrong key (seq %d)" % seq)


def jwcrypto_seal(keys, seq, body, mtype="cmd", extra=None, signer="dev-a"):
    payload = json.dumps({"v": 1, "from": "dev-a", "to": "dev-b", "type": mtype,
                          "seq": seq, "iat": 1700000000, "body": b64u(body)},
                         separators=(",", ":"))
    sk = keys[signer]
    inner = jws.JWS(payload.encode())
    inner.add_signature(sk, None, json.dumps({"alg": "ES256", "kid": sk.thumbprint(),
                                              "typ": CTY}))
    prot = {"alg": "ECDH-ES", "enc": "A256GCM", "cty": CTY, "iss": "dev-a",
            "aud": "dev-b", "msg_type": mtype}
    if extra:
        prot.update(extra)
    outer = jwe.JWE(inner.serialize(compact=True).encode(), json.dumps(prot))
    outer.add_recipient(keys["dev-b"].public())
    return outer.serialize(compact=True)


def moat_open(cli, wd, name, token):
    mpath = write(os.path.join(wd, name), token)
    bout = os.path.join(wd, name + ".body")
    p = run(cli, "open", os.path.join(wd, "state"), "dev-b", os.path.join(wd, "dev-b.jwk"),
            "cmd", mpath, bout, "dev-a=" + os.path.join(wd, "dev-a.pub.jwk"))
    body = read(bout) if p.returncode == 0 else None
    return p.returncode, p.stdout.decode().strip(), body


def jwcrypto_to_moat(cli, wd, keys):
    seq = 0
    for size in (0, 64, 1024, 4096):
        seq += 1
        body = os.urandom(size)
        token = jwcrypto_seal(keys, seq, body)
        rc, out, got = moat_open(cli, wd, "j%d" % seq, token)
        check(rc == 0 and got == body, "moat opens jwcrypto's %d-byte message (%s)" % (size, out))
    # Party info in the Concat KDF (apu/apv).
    seq += 1
    body = b"with party info"
    token = jwcrypto_seal(keys, seq, body, extra={"apu": b64u(b"Alice"), "apv": b64u(b"Bob")})
    rc, out, got = moat_open(cli, wd, "japu", token)
    check(rc == 0 and got == body, "moat opens a message with apu/apv (%s)" % out)
    # Replay of the same message.
    rc, out, _ = moat_open(cli, wd, "jreplay", token)
    check(rc == 1 and out == "MOAT_ERR_MSG_REPLAY", "moat refuses the replay (%s)" % out)
    # Tampered ciphertext.
    seq += 1
    parts = jwcrypto_seal(keys, seq, b"tamper me").split(".")
    c = parts[3]
    parts[3] = c[:4] + ("A" if c[4] != "A" else "B") + c[5:]
    rc, out, _ = moat_open(cli, wd, "jtamper", ".".join(parts))
    check(rc == 1 and out == "MOAT_ERR_JWE_AUTH", "moat refuses a tampered message (%s)" % out)
    # Disallowed enc produced by jwcrypto itself.
    seq += 1
    token = jwcrypto_seal(keys, seq, b"x", extra={"enc": "A128GCM"})
    rc, out, _ = moat_open(cli, wd, "jenc", token)
    check(rc == 1 and out == "MOAT_ERR_JWE_ENC_NOT_ALLOWED", "moat refuses A128GCM (%s)" % out)
    # Signed by the recipient's key instead of the sender's: substitution.
    seq += 1
    token = jwcrypto_seal(keys, seq, b"x", signer="dev-b")
    rc, out, _ = moat_open(cli, wd, "jsubst", token)
    check(rc == 1 and out == "MOAT_ERR_MSG_SENDER_MISMATCH",
          "moat refuses sender substitution (%s)" % out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--direction", required=True,
                    choices=["moat-to-jwcrypto", "jwcrypto-to-moat"])
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir, mode=0o700)
    os.chmod(a.workdir, 0o700)
    keys = make_keys(a.workdir)
    if a.direction == "moat-to-jwcrypto":
        moat_to_jwcrypto(a.cli, a.workdir, keys)
    else:
        jwcrypto_to_moat(a.cli, a.workdir, keys)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
