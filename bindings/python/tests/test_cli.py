"""Smoke tests of the command line: python3 -m moat ..."""

import json
import os
import subprocess
import sys

import pytest

import moat


def run(*args, stdin=b""):
    return subprocess.run([sys.executable, "-B", "-m", "moat", *args], input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=dict(os.environ), timeout=60, check=False)


@pytest.fixture
def keyfiles(tmp_path):
    paths = []
    for i, curve in enumerate(("P-256", "P-384")):
        p = tmp_path / ("key%d.pem" % i)
        r = run("keygen", "--curve", curve, "-o", str(p))
        assert r.returncode == 0, r.stderr
        paths.append(p)
    return paths


def test_version():
    r = run("version")
    assert r.returncode == 0
    assert r.stdout.decode().strip() == moat.version()


def test_thumbprint_and_pubkey(keyfiles, tmp_path):
    key = moat.load_private_key(keyfiles[0].read_bytes())
    expected = key.public_key().thumbprint()
    r = run("jwk-thumbprint", str(keyfiles[0]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == expected
    r = run("pubkey", str(keyfiles[0]))
    assert r.returncode == 0
    jwk_path = tmp_path / "pub.jwk"
    jwk_path.write_bytes(r.stdout)
    assert json.loads(r.stdout)["kid"] == expected
    r = run("jwk-thumbprint", str(jwk_path))
    assert r.stdout.decode().strip() == expected


def test_sign_verify_compact(keyfiles, tmp_path):
    tok = tmp_path / "tok"
    r = run("sign", "--key", str(keyfiles[0]), "-o", str(tok), stdin=b"hello cli")
    assert r.returncode == 0, r.stderr
    r = run("verify", "--key", str(keyfiles[0]), str(tok))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"hello cli"
    # the other key: refused, with the error name on stderr
    r = run("verify", "--key", str(keyfiles[1]), str(tok))
    assert r.returncode == 1
    assert b"MOAT_ERR_JOSE_ALG_KEY_MISMATCH" in r.stderr
    assert r.stdout == b""


def test_sign_verify_json_threshold(keyfiles, tmp_path):
    doc = tmp_path / "doc.json"
    doc2 = tmp_path / "doc2.json"
    assert run("sign", "--json", "--key", str(keyfiles[0]), "-o", str(doc),
               stdin=b"manifest").returncode == 0
    assert run("sign", "--key", str(keyfiles[1]), "--doc", str(doc),
               "-o", str(doc2)).returncode == 0
    both = ["--key", str(keyfiles[0]), "--key", str(keyfiles[1])]
    r = run("verify", *both, "--threshold", "2", str(doc2))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"manifest"
    r = run("verify", *both, "--threshold", "2", str(doc))
    assert r.returncode == 1
    assert b"MOAT_ERR_JOSE_THRESHOLD" in r.stderr


def test_tampered_token(keyfiles, tmp_path):
    r = run("sign", "--key", str(keyfiles[0]), stdin=b"abc")
    h, _, s = r.stdout.decode().strip().split(".")
    r = run("verify", "--key", str(keyfiles[0]), stdin=("%s.%s.%s" % (h, "YWJk", s)).encode())
    assert r.returncode == 1
    assert b"MOAT_ERR_CRYPTO_SIG_INVALID" in r.stderr


def test_usage_error():
    assert run("sign").returncode == 2
    assert run("no-such-command").returncode == 2
