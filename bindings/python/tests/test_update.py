"""Verified updates from Python: the service side (keys, trust root,
rotation, manifests, k-of-n signing one signer at a time) and offline bundle
verification on a simulated device running moat's C code, through the API
and through the CLI (python3 -m moat update ...)."""

import base64
import json
import os
import subprocess
import sys

import pytest

import moat
import moat.update as up
from conftest import assert_moat_error, b64u, b64u_decode

VENDOR = "8f2d3a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6"
CLASS = "0c1d2e3f-4a5b-4c6d-9e8f-102132435465"
OTHER = "11111111-2222-4333-8444-555555555555"
NOW = 1767225600          # 2026-01-01T00:00:00Z
DAY = 86400
DEVICE_SUBCOMMANDS = ("device-init", "device-install", "device-trial", "device-boot",
                      "device-confirm", "device-revert", "device-status")
SUBCOMMANDS = ("keygen", "root-create", "root-rotate", "root-sign", "manifest-create",
               "manifest-sign", "verify") + DEVICE_SUBCOMMANDS


def _env():
    """The environment of a child process, with this moat package first on
    its path whatever its working directory."""
    env = dict(os.environ)
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(moat.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([pkg] + [p for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p])
    return env


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-B", "-m", "moat", "update", *[str(a) for a in args]],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                          env=_env(), timeout=120, check=False)


def ok(r):
    assert r.returncode == 0, r.stderr.decode()
    return r


def fails(r, name):
    """The CLI failed with exit status 1 and exactly this error name."""
    assert r.returncode == 1, (r.returncode, r.stderr.decode())
    assert ("moat: %s:" % name).encode() in r.stderr, r.stderr.decode()
    assert r.stdout == b""


# ----------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def keys():
    """Root keys r0..r2 and targets keys t0..t2 (API objects)."""
    return {n: moat.PrivateKey.generate() for n in ("r0", "r1", "r2", "t0", "t1", "t2",
                                                     "n0", "n1")}


def _root1(keys, expires=NOW + 365 * DAY, signers=("r0", "r1")):
    p = up.root_payload(1, expires, [keys["r0"], keys["r1"], keys["r2"]], 2,
                        [keys["t0"], keys["t1"], keys["t2"]], 2)
    doc = p
    for s in signers:
        doc = up.sign(keys[s], doc)
    return doc


def _manifest(keys, image, signers=("t0", "t2"), sequence=1, version="1.1.0", svn=1, slot=1,
              expires=NOW + 30 * DAY, vendor=VENDOR, **kw):
    doc = up.manifest_payload(image, sequence, expires, vendor, CLASS, "app", version, svn,
                              slot, **kw)
    for s in signers:
        doc = up.sign(keys[s], doc)
    return doc


def _device(now=NOW, installed="1.0.0"):
    return up.Device(VENDOR, CLASS, [{"name": "app", "installed": installed, "slots": [0, 1]},
                                     {"name": "radio", "installed": "2.0.0", "slots": [2]}],
                     slot_sizes=(64 * 1024, 64 * 1024, 16 * 1024), now=now)


IMAGE = bytes((i * 31 + 7) & 0xFF for i in range(40000))


# ------------------------------------------------------------ API


def test_root_payload_format(keys):
    p = json.loads(up.root_payload(1, NOW, [keys["r0"]], 1, [keys["t0"], keys["t1"]], 2,
                                   sequence_epoch=0))
    assert list(p)[:1] == ["moat_root"] and p["moat_root"] == 1
    assert p["version"] == 1 and p["expires"] == NOW and p["sequence_epoch"] == 0
    assert p["roles"]["root"]["threshold"] == 1
    assert [k["kid"] for k in p["roles"]["targets"]["keys"]] == \
        [keys["t0"].public_key().thumbprint(), keys["t1"].public_key().thumbprint()]
    for bad in (dict(root_threshold=2), dict(targets_threshold=0)):
        args = dict(version=1, expires=NOW, root_keys=[keys["r0"]], root_threshold=1,
                    targets_keys=[keys["t0"]], targets_threshold=1)
        args.update(bad)
        with pytest.raises(ValueError):
            up.root_payload(**args)
    with pytest.raises(ValueError):  # one key, two roles
        up.root_payload(1, NOW, [keys["r0"]], 1, [keys["r0"]], 1)


def test_round_trip_stage_trial_confirm(keys):
    root = _root1(keys)
    r = up.root_check(root, now=NOW)
    assert r["version"] == 1 and r["root_threshold"] == 2 and r["targets_threshold"] == 2
    assert r["targets_keys"] == [keys[n].public_key() for n in ("t0", "t1", "t2")]
    dev = _device()
    dev.bootstrap(root)
    m = dev.verify_manifest(_manifest(keys, IMAGE))
    assert m["component"] == "app" and m["version"] == "1.1.0" and m["size"] == len(IMAGE)
    assert m["digest"] == moat.sha256(IMAGE) and m["slot"] == 1 and m["root_version"] == 1
    assert dev.status() == "none"
    assert dev.stage(m, IMAGE, chunk_size=777) == "staged"
    assert dev.slot_read(1, 0, len(IMAGE)) == IMAGE
    assert dev.sequence == 0 and dev.svn("app") == 0     # nothing moves before confirm
    dev.trial()
    assert dev.boot() == 1 and dev.status() == "trial"
    assert dev.sequence == 0
    dev.confirm()
    assert dev.status() == "confirmed" and dev.sequence == 1 and dev.svn("app") == 1
    # the same manifest again is a rollback now
    dev.set_installed("app", "1.1.0")
    with pytest.raises(moat.MoatError) as e:
        dev.verify_manifest(_manifest(keys, IMAGE))
    assert_moat_error(e, "MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK")


def test_unconfirmed_trial_reverts(keys):
    dev = _device()
    dev.bootstrap(_root1(keys))
    dev.stage(dev.verify_manifest(_manifest(keys, IMAGE)), IMAGE)
    dev.trial()
    assert dev.boot() == 1
    assert dev.boot() == 0                     # the trial never confirmed
    assert dev.status() == "reverted" and dev.sequence == 0 and dev.svn("app") == 0


def test_revert_before_confirm_and_not_after(keys):
    dev = _device()
    dev.bootstrap(_root1(keys))
    dev.stage(dev.verify_manifest(_manifest(keys, IMAGE)), IMAGE)
    dev.trial()
    dev.revert()
    assert dev.status() == "reverted" and dev.boot() == 0 and dev.sequence == 0
    with pytest.raises(moat.MoatError) as e:
        dev.confirm()
    assert_moat_error(e, "MOAT_ERR_UPDATE_STATE")
    assert dev.sequence == 0 and dev.svn("app") == 0


def test_stage_into_the_active_slot_refused(keys):
    dev = _device()
    dev.bootstrap(_root1(keys))
    m = dev.verify_manifest(_manifest(keys, IMAGE, slot=0))   # slot 0: the factory image
    writes = dev.writes
    with pytest.raises(moat.MoatError) as e:
        dev.stage(m, IMAGE)
    assert_moat_error(e, "MOAT_ERR_UPDATE_SLOT_ACTIVE")
    assert dev.writes == writes and dev.status() == "none"


def test_verify_bundle_api(keys):
    out = up.verify_bundle([_root1(keys)], _manifest(keys, IMAGE), IMAGE, VENDOR, CLASS, now=NOW)
    assert out["state"] == "staged" and out["root_version"] == 1
    assert b64u_decode(out["digest"]) == moat.sha256(IMAGE)


@pytest.mark.parametrize("signers", [("t0", "t1"), ("t1", "t2"), ("t2", "t0"), ("t0", "t1", "t2")])
def test_two_of_three_any_pair(keys, signers):
    r = up.root_check(_root1(keys), now=NOW)
    m = up.manifest_check(_manifest(keys, IMAGE, signers=signers), r, VENDOR, CLASS,
                          [("app", "1.0.0", [0, 1])], slot_sizes=[65536, 65536], now=NOW)
    assert m["sequence"] == 1


def test_sign_refuses_the_same_key_twice(keys):
    doc = up.sign(keys["t0"], up.manifest_payload(IMAGE, 1, NOW, VENDOR, CLASS, "app", "1.1.0",
                                                  1, 1))
    with pytest.raises(ValueError):
        up.sign(keys["t0"], doc)


# ------------------------------------------------- attacks (API)


def _verify(doc_or_exc, keys, image=IMAGE, name=None, **kw):
    dev = kw.pop("device", None) or _device()
    dev.bootstrap(kw.pop("root", None) or _root1(keys))
    before = (dev.sequence, dev.svn("app"), dev.status(), dev.slot_read(1, 0, 64))
    with pytest.raises(moat.MoatError) as e:
        dev.stage(dev.verify_manifest(doc_or_exc), image)
    assert_moat_error(e, name)
    assert (dev.sequence, dev.svn("app")) == before[:2]
    return dev, before


def test_attack_unsigned(keys):
    m = json.loads(_manifest(keys, IMAGE))
    _verify(json.dumps(dict(m, signatures=[])), keys, name="MOAT_ERR_JOSE_FORMAT")
    _verify(b64u_decode(m["payload"]), keys, name="MOAT_ERR_JOSE_FORMAT")


def test_attack_k_minus_one_signatures(keys):
    _verify(_manifest(keys, IMAGE, signers=("t1",)), keys, name="MOAT_ERR_JOSE_THRESHOLD")


def test_attack_root_key_signs_manifest(keys):
    _verify(_manifest(keys, IMAGE, signers=("r0", "r1")), keys, name="MOAT_ERR_JOSE_THRESHOLD")


def test_attack_rollback(keys):
    dev = _device()
    dev.advance_counter(up.COUNTER_SEQUENCE, 5)
    _verify(_manifest(keys, IMAGE, sequence=5), keys, device=dev,
            name="MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK")
    _verify(_manifest(keys, IMAGE, version="0.9.0"), keys,
            name="MOAT_ERR_UPDATE_VERSION_ROLLBACK")
    dev = _device()
    dev.advance_counter(up.COUNTER_SVN_BASE, 3)
    _verify(_manifest(keys, IMAGE, svn=2), keys, device=dev, name="MOAT_ERR_UPDATE_SVN_ROLLBACK")


def test_attack_expired_and_no_time_policy(keys):
    doc = _manifest(keys, IMAGE, expires=NOW - 1)
    _verify(doc, keys, name="MOAT_ERR_UPDATE_EXPIRED")
    dev = _device()
    dev.bootstrap(_root1(keys))
    dev.now = NOW + 400 * DAY                     # the root expired meanwhile
    with pytest.raises(moat.MoatError) as e:
        dev.verify_manifest(_manifest(keys, IMAGE, expires=NOW + 500 * DAY))
    assert_moat_error(e, "MOAT_ERR_UPDATE_ROOT_EXPIRED")
    # without trusted time expiry is not checked (docs/update.md), rollback still is
    dev = _device(now=None)
    dev.bootstrap(_root1(keys))
    assert dev.stage(dev.verify_manifest(doc), IMAGE) == "staged"


def test_attack_wrong_vendor(keys):
    _verify(_manifest(keys, IMAGE, vendor=OTHER), keys, name="MOAT_ERR_UPDATE_VENDOR")


def test_attack_tampered_image(keys):
    doc = _manifest(keys, IMAGE)
    for pos in (0, len(IMAGE) // 2, len(IMAGE) - 1):
        bad = bytearray(IMAGE)
        bad[pos] ^= 0x01
        dev, before = _verify(doc, keys, image=bytes(bad), name="MOAT_ERR_UPDATE_DIGEST")
        assert dev.status() == "none"
    _verify(doc, keys, image=IMAGE + b"\0", name="MOAT_ERR_UPDATE_IMAGE_LONG")
    _verify(doc, keys, image=IMAGE[:-1], name="MOAT_ERR_UPDATE_IMAGE_SHORT")


def test_attack_payload_byte_flipped(keys):
    d = json.loads(_manifest(keys, IMAGE))
    raw = bytearray(b64u_decode(d["payload"]))
    raw[len(raw) // 2] ^= 0x01
    d["payload"] = b64u(bytes(raw))
    _verify(json.dumps(d), keys, name="MOAT_ERR_JOSE_THRESHOLD")


def test_attack_old_manifest_replayed_in_new_epoch(keys):
    """Root 2 retires targets keys t*, root 3 raises the epoch and takes them
    back: an OLD t-signed manifest (sequence 5, svn 1) must not count as
    epoch 1 (where it would pass the epoch-0 counters 100 / 7): it is bound
    to epoch 0 by its signed sequence_epoch."""
    t = [keys["t0"], keys["t1"], keys["t2"]]
    r = [keys["r0"], keys["r1"], keys["r2"]]
    root1 = _root1(keys)
    root2 = up.root_payload_next(root1, NOW + 400 * DAY, targets_keys=[keys["n0"], keys["n1"]],
                                 targets_threshold=2)
    root2 = up.sign(keys["r1"], up.sign(keys["r0"], root2))
    root3 = up.root_payload(3, NOW + 400 * DAY, r, 2, t, 2, sequence_epoch=1)
    root3 = up.sign(keys["r1"], up.sign(keys["r0"], root3))
    assert up.root_epoch(root1) == 0 and up.root_epoch(root3) == 1
    old = _manifest(keys, IMAGE, sequence=5, svn=1, version="2.0.0")
    dev = _device()
    dev.advance_counter(up.COUNTER_SEQUENCE, 100)
    dev.advance_counter(up.COUNTER_SVN_BASE, 7)
    dev.bootstrap(root1)
    dev.rotate(root2)
    assert dev.rotate(root3)["epoch"] == 1
    writes = dev.writes
    with pytest.raises(moat.MoatError) as e:
        dev.verify_manifest(old)
    assert_moat_error(e, "MOAT_ERR_UPDATE_EPOCH")
    assert (dev.writes, dev.sequence, dev.svn("app"), dev.status()) == (writes, 100, 7, "none")
    # issued for the root's epoch, the same release installs
    new = _manifest(keys, IMAGE, sequence=5, svn=1, version="2.0.0",
                    sequence_epoch=up.root_epoch(root3))
    m = dev.verify_manifest(new)
    assert m["sequence_counter"] == (1 << 32) | 5 and m["svn_counter"] == (1 << 32) | 1
    assert json.loads(b64u_decode(json.loads(new)["payload"]))["sequence_epoch"] == 1


def test_attack_non_integer_literals(keys):
    """2.0 / 2e0 are not integers, for the C verifier as for Python's json."""
    base = up.manifest_payload(IMAGE, 2, NOW + 30 * DAY, VENDOR, CLASS, "app", "1.1.0", 1, 1)
    assert b'"sequence":2,' in base
    for form in (b"2.0", b"2e0", b"2.0000000000000001"):
        doc = base.replace(b'"sequence":2,', b'"sequence":' + form + b",")
        doc = up.sign(keys["t2"], up.sign(keys["t0"], doc))
        _verify(doc, keys, name="MOAT_ERR_UPDATE_MANIFEST_FORMAT")
        assert not isinstance(json.loads(b64u_decode(json.loads(doc)["payload"]))["sequence"],
                              int)


def test_boot_reports_counter_status(keys):
    dev = _device()
    dev.bootstrap(_root1(keys))
    dev.stage(dev.verify_manifest(_manifest(keys, IMAGE)), IMAGE)
    dev.trial()
    assert dev.boot() == 1 and dev.counter_status == 0
    dev.confirm()
    assert dev.boot() == 1 and dev.counter_status == 0 and dev.sequence == 1


def test_manifest_epoch_argument(keys):
    p = json.loads(up.manifest_payload(IMAGE, 1, NOW, VENDOR, CLASS, "app", "1.1.0", 1, 1))
    assert p["sequence_epoch"] == 0
    p = json.loads(up.manifest_payload(IMAGE, 1, NOW, VENDOR, CLASS, "app", "1.1.0", 1, 1,
                                       sequence_epoch=7))
    assert p["sequence_epoch"] == 7
    for bad in (-1, 1 << 31, "1", 1.0):
        with pytest.raises((TypeError, ValueError)):
            up.manifest_payload(IMAGE, 1, NOW, VENDOR, CLASS, "app", "1.1.0", 1, 1,
                                sequence_epoch=bad)
    with pytest.raises(ValueError):
        up.root_epoch(up.manifest_payload(IMAGE, 1, NOW, VENDOR, CLASS, "app", "1.1.0", 1, 1))


def test_attack_unknown_critical_member(keys):
    doc = _manifest(keys, IMAGE, extra={"x-boot-hook": "run"}, critical=["x-boot-hook"])
    _verify(doc, keys, name="MOAT_ERR_UPDATE_CRITICAL_UNKNOWN")


def test_rotation_api(keys):
    root1 = _root1(keys)
    nxt = up.root_payload_next(root1, NOW + 400 * DAY, root_keys=[keys["n0"], keys["n1"]],
                               root_threshold=2)
    assert json.loads(nxt)["version"] == 2
    both = up.sign(keys["n1"], up.sign(keys["n0"], up.sign(keys["r2"], up.sign(keys["r0"], nxt))))
    old_only = up.sign(keys["r2"], up.sign(keys["r0"], nxt))
    new_only = up.sign(keys["n1"], up.sign(keys["n0"], nxt))
    dev = _device()
    dev.bootstrap(root1)
    for doc, name in ((old_only, "MOAT_ERR_UPDATE_ROOT_NEW_SIGS"),
                      (new_only, "MOAT_ERR_UPDATE_ROOT_OLD_SIGS")):
        with pytest.raises(moat.MoatError) as e:
            dev.rotate(doc)
        assert_moat_error(e, name)
        assert dev.load_root()["version"] == 1
    assert dev.rotate(both)["version"] == 2
    assert dev.load_root()["root_keys"] == [keys["n0"].public_key(), keys["n1"].public_key()]
    # targets unchanged: manifests still verify
    assert dev.verify_manifest(_manifest(keys, IMAGE))["root_version"] == 2
    # skipping a version: 1 -> 3
    skip = up.root_payload(3, NOW + DAY, [keys["n0"], keys["n1"]], 2,
                           [keys["t0"], keys["t1"], keys["t2"]], 2)
    for s in ("r0", "r1", "n0", "n1"):
        skip = up.sign(keys[s], skip)
    with pytest.raises(moat.MoatError) as e:
        up.root_check(skip, current=up.root_check(root1, now=NOW), now=NOW)
    assert_moat_error(e, "MOAT_ERR_UPDATE_ROOT_VERSION")


def test_progress_bar_api(tmp_path, capsys):
    big = tmp_path / "big.bin"
    big.write_bytes(b"\xa5" * (8 << 20))
    size, digest = up.hash_file(big)
    assert size == 8 << 20 and digest == moat.sha256(big.read_bytes())
    err = capsys.readouterr().err
    assert "hashing big.bin [" in err and "100%" in err and err.endswith("\n")
    up.hash_file(big, progress=False)
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    up.hash_file(small)
    assert capsys.readouterr().err == ""


def test_parse_time():
    assert up.parse_time("2026-01-01T00:00:00Z") == NOW
    assert up.parse_time("2026-01-01") == NOW
    assert up.parse_time(str(NOW)) == NOW
    assert up.parse_time("+2d", now=NOW) == NOW + 2 * DAY
    with pytest.raises(ValueError):
        up.parse_time("tomorrow")


# ------------------------------------------------------------ CLI


def test_cli_help_for_every_subcommand():
    r = ok(run("--help"))
    for s in SUBCOMMANDS:
        assert s.encode() in r.stdout
        h = ok(run(s, "--help"))
        assert h.stdout.startswith(b"usage: python3 -m moat update " + s.encode())
    r = run()
    assert r.returncode == 2 and b"SUBCOMMAND" in r.stderr


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    """Six "machines", each a directory holding one key created by the CLI;
    only public JWKs leave them."""
    base = tmp_path_factory.mktemp("machines")
    out = {}
    for name in ("root-a", "root-b", "root-c", "tgt-a", "tgt-b", "tgt-c", "root-d", "root-e"):
        d = base / name
        d.mkdir()
        r = ok(run("keygen", "-o", d / "key.pem", "--pub", d / "pub.jwk"))
        assert oct((d / "key.pem").stat().st_mode & 0o777) == "0o600"
        assert r.stdout.decode().strip() == json.loads((d / "pub.jwk").read_text())["kid"]
        out[name] = d
    out["base"] = base
    return out


def _sign_at(machine, cmd, path):
    """Copy the document to the signer's machine, sign there, copy back."""
    there = machine / path.name
    there.write_bytes(path.read_bytes())
    ok(run(cmd, "--key", machine / "key.pem", there))
    path.write_bytes(there.read_bytes())
    there.unlink()


@pytest.fixture(scope="module")
def bundle(machines):
    m = machines
    w = m["base"] / "release"
    w.mkdir()
    ok(run("root-create", *sum([["--root-key", m[k] / "pub.jwk"] for k in
                                 ("root-a", "root-b", "root-c")], []),
           "--root-threshold", 2,
           *sum([["--targets-key", m[k] / "pub.jwk"] for k in ("tgt-a", "tgt-b", "tgt-c")], []),
           "--targets-threshold", 2, "--expires", "2030-01-01T00:00:00Z", "-o", w / "root-1.json"))
    for k in ("root-a", "root-c"):
        _sign_at(m[k], "root-sign", w / "root-1.json")
    (w / "fw.bin").write_bytes(IMAGE)
    ok(run("manifest-create", "--image", w / "fw.bin", "--sequence", 7, "--expires",
           "2027-01-01", "--vendor-id", VENDOR, "--class-id", CLASS, "--component", "app",
           "--version", "1.1.0", "--svn", 2, "--slot", 1, "-o", w / "manifest.json"))
    (w / "manifest-1of3.json").write_bytes((w / "manifest.json").read_bytes())
    _sign_at(m["tgt-b"], "manifest-sign", w / "manifest-1of3.json")
    for k in ("tgt-b", "tgt-c"):
        _sign_at(m[k], "manifest-sign", w / "manifest.json")
    return w


def _verify_cli(w, *extra, manifest="manifest.json", image="fw.bin", roots=("root-1.json",),
                now=NOW):
    args = ["verify"]
    for r in roots:
        args += ["--root", w / r]
    args += ["--manifest", w / manifest, "--image", w / image, "--vendor-id", VENDOR,
             "--class-id", CLASS] + ([] if now is None else ["--now", now])
    return run(*args, *extra)


def test_cli_two_of_three_on_different_machines(bundle, machines):
    kids = up.document_kids((bundle / "manifest.json").read_bytes())
    assert kids == [json.loads((machines[k] / "pub.jwk").read_text())["kid"]
                    for k in ("tgt-b", "tgt-c")]
    r = ok(_verify_cli(bundle, "--component", "app=1.0.0@0,1", "--sequence", 6))
    out = json.loads(r.stdout)
    assert out["state"] == "staged" and out["sequence"] == 7 and out["svn"] == 2
    assert out["size"] == len(IMAGE) and out["root_version"] == 1
    assert b"OK: app 1.1.0" in r.stderr


def test_cli_sign_refusals(bundle, machines, tmp_path):
    doc = tmp_path / "m.json"
    doc.write_bytes((bundle / "manifest.json").read_bytes())
    r = run("manifest-sign", "--key", machines["tgt-b"] / "key.pem", doc)
    assert r.returncode == 1 and b"already carries a signature by this key" in r.stderr
    r = run("root-sign", "--key", machines["root-a"] / "key.pem", doc)
    assert r.returncode == 1 and b"is not a root document" in r.stderr
    assert doc.read_bytes() == (bundle / "manifest.json").read_bytes()


def test_cli_failures_exact_names(bundle, tmp_path):
    fails(_verify_cli(bundle, manifest="manifest-1of3.json"), "MOAT_ERR_JOSE_THRESHOLD")
    fails(_verify_cli(bundle, "--sequence", 7), "MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK")
    fails(_verify_cli(bundle, "--svn", "app=3"), "MOAT_ERR_UPDATE_SVN_ROLLBACK")
    fails(_verify_cli(bundle, "--component", "app=1.1.0"), "MOAT_ERR_UPDATE_VERSION_EQUAL")
    fails(_verify_cli(bundle, now="2027-06-01"), "MOAT_ERR_UPDATE_EXPIRED")
    r = ok(_verify_cli(bundle, "--no-time", now=None))              # freeze policy: no time, no expiry
    assert json.loads(r.stdout)["now"] is None
    r = run("verify", "--root", bundle / "root-1.json", "--manifest", bundle / "manifest.json",
            "--image", bundle / "fw.bin", "--vendor-id", OTHER, "--class-id", CLASS,
            "--now", NOW)
    fails(r, "MOAT_ERR_UPDATE_VENDOR")
    # unsigned: the bare payload, and a document without signatures
    d = json.loads((bundle / "manifest.json").read_text())
    (bundle / "unsigned.json").write_bytes(b64u_decode(d["payload"]))
    fails(_verify_cli(bundle, manifest="unsigned.json"), "MOAT_ERR_JOSE_FORMAT")
    (bundle / "nosig.json").write_text(json.dumps(dict(d, signatures=[])))
    fails(_verify_cli(bundle, manifest="nosig.json"), "MOAT_ERR_JOSE_FORMAT")
    # tampered image
    bad = bytearray(IMAGE)
    bad[len(bad) // 2] ^= 0x80
    (bundle / "bad.bin").write_bytes(bytes(bad))
    fails(_verify_cli(bundle, image="bad.bin"), "MOAT_ERR_UPDATE_DIGEST")
    # usage errors are exit status 2
    assert run("verify", "--manifest", bundle / "manifest.json").returncode == 2


def test_cli_manifest_create_sequence_epoch(bundle, machines, tmp_path):
    """manifest-create writes the root's sequence_epoch (--root), or the one
    given (--sequence-epoch), or 0; the two options exclude each other."""
    base = ("manifest-create", "--image", bundle / "fw.bin", "--sequence", 1, "--expires",
            "2027-01-01", "--vendor-id", VENDOR, "--class-id", CLASS, "--component", "app",
            "--version", "1.1.0", "--svn", 1, "--slot", 1)
    m = machines
    ok(run("root-create", "--root-key", m["root-a"] / "pub.jwk", "--root-threshold", 1,
           "--targets-key", m["tgt-a"] / "pub.jwk", "--targets-threshold", 1,
           "--sequence-epoch", 3, "--expires", "2030-01-01", "-o", tmp_path / "root-e3.json"))
    _sign_at(m["root-a"], "root-sign", tmp_path / "root-e3.json")
    for extra, want in (((), 0), (("--sequence-epoch", 5), 5),
                        (("--root", bundle / "root-1.json"), 0),
                        (("--root", tmp_path / "root-e3.json"), 3)):
        out = tmp_path / "m.json"
        r = ok(run(*base, *extra, "-o", out))
        assert json.loads(out.read_text())["sequence_epoch"] == want
        assert ("epoch %d sequence 1" % want).encode() in r.stderr
    r = run(*base, "--root", bundle / "root-1.json", "--sequence-epoch", 1, "-o", tmp_path / "x")
    assert r.returncode == 2
    # signed for epoch 3 and verified under the epoch-3 root: accepted; epoch 0: refused
    ok(run(*base, "--root", tmp_path / "root-e3.json", "-o", tmp_path / "m3.json"))
    _sign_at(m["tgt-a"], "manifest-sign", tmp_path / "m3.json")
    (tmp_path / "fw.bin").write_bytes(IMAGE)
    ok(_verify_cli(tmp_path, manifest="m3.json", roots=("root-e3.json",)))
    ok(run(*base, "-o", tmp_path / "m0.json"))
    _sign_at(m["tgt-a"], "manifest-sign", tmp_path / "m0.json")
    fails(_verify_cli(tmp_path, manifest="m0.json", roots=("root-e3.json",)),
          "MOAT_ERR_UPDATE_EPOCH")


def test_cli_rotation(bundle, machines):
    m = machines
    ok(run("root-rotate", "--from", bundle / "root-1.json", "--root-key", m["root-d"] / "pub.jwk",
           "--root-key", m["root-e"] / "pub.jwk", "--root-threshold", 2,
           "--expires", "2031-01-01", "-o", bundle / "root-2.json"))
    p = json.loads((bundle / "root-2.json").read_text())
    assert p["version"] == 2 and p["roles"]["targets"] == \
        json.loads(b64u_decode(json.loads((bundle / "root-1.json").read_text())["payload"]))[
            "roles"]["targets"]
    for k in ("root-b", "root-c"):                  # a threshold of root 1's keys
        _sign_at(m[k], "root-sign", bundle / "root-2.json")
    (bundle / "root-2-old-only.json").write_bytes((bundle / "root-2.json").read_bytes())
    fails(_verify_cli(bundle, roots=("root-1.json", "root-2-old-only.json")),
          "MOAT_ERR_UPDATE_ROOT_NEW_SIGS")
    for k in ("root-d", "root-e"):                  # and a threshold of its own
        _sign_at(m[k], "root-sign", bundle / "root-2.json")
    out = json.loads(ok(_verify_cli(bundle, roots=("root-1.json", "root-2.json"))).stdout)
    assert out["root_version"] == 2
    # root 2 alone as the provisioned root is fine; root 1 after root 2 is not
    fails(_verify_cli(bundle, roots=("root-2.json", "root-1.json")),
          "MOAT_ERR_UPDATE_ROOT_OLD_SIGS")


def test_cli_progress_bar(tmp_path, machines):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 << 20))
    args = ("manifest-create", "--image", big, "--sequence", 1, "--expires", "+1d",
            "--vendor-id", VENDOR, "--class-id", CLASS, "--component", "app", "--version",
            "1.0.1", "--svn", 0, "--slot", 1, "-o", tmp_path / "m.json")
    r = ok(run(*args))
    assert b"\rhashing big.bin [" in r.stderr and b"] 100%    8.0/8.0 MiB" in r.stderr
    r = ok(run(*args, "--quiet"))
    assert r.stderr == b""
    small = tmp_path / "small.bin"
    small.write_bytes(b"s" * 4096)
    r = ok(run(*args[:2], small, *args[3:]))
    assert b"hashing" not in r.stderr
    p = json.loads((tmp_path / "m.json").read_text())
    assert p["size"] == 4096 and b64u_decode(p["digest"]["value"]) == moat.sha256(b"s" * 4096)


# ------------------------------------------- CLI: simulated device


def _dev(*args):
    """A device-* subcommand that succeeded: its status JSON."""
    return json.loads(ok(run(*args)).stdout)


def _init_device(path, *extra):
    return _dev("device-init", path, "--vendor-id", VENDOR, "--class-id", CLASS,
                "--component", "app", "--version", "1.0.0", "--slot-size", 65536, *extra)


def _install(w, state, manifest="manifest.json", image="fw.bin", roots=("root-1.json",)):
    args = ["device-install", state]
    for r in roots:
        args += ["--root", w / r]
    return run(*args, "--manifest", w / manifest, "--image", w / image, "--now", NOW)


def test_cli_device_help_and_usage(tmp_path):
    for s in DEVICE_SUBCOMMANDS:
        h = ok(run(s, "--help"))
        assert h.stdout.startswith(b"usage: python3 -m moat update " + s.encode())
        assert b"STATE.json" in h.stdout and b"journal" in h.stdout
        assert run(s).returncode == 2                     # no state file named: usage
    assert run("device-init", tmp_path / "d.json", "--vendor-id", VENDOR).returncode == 2
    assert not (tmp_path / "d.json").exists()


def test_cli_device_lifecycle(bundle, tmp_path):
    """init (app 1.0.0) -> install 1.1.0 -> trial -> boot -> confirm: the
    status shows 1.1.0 confirmed and the counters at the manifest's values;
    the same manifest again is a rollback and leaves the state file as it
    was."""
    st = tmp_path / "dev.json"
    s = _init_device(st)
    assert s["state"] == "none" and s["root_version"] is None
    assert s["counters"] == {"sequence": 0, "svn": {"app": 0}}
    s = json.loads(ok(_install(bundle, st)).stdout)
    assert s["state"] == "staged" and s["root_version"] == 1 and s["now"] == NOW
    assert s["manifest"] == {"component": "app", "version": "1.1.0", "sequence": 7, "svn": 2,
                             "slot": 1, "size": len(IMAGE)}
    assert s["counters"] == {"sequence": 0, "svn": {"app": 0}}     # staging moves nothing
    assert _dev("device-trial", st)["state"] == "trial"
    s = _dev("device-boot", st)
    assert (s["slot"], s["state"], s["counter_status"]) == (1, "trial", "MOAT_OK")
    assert s["counters"] == {"sequence": 0, "svn": {"app": 0}}
    s = _dev("device-confirm", st)
    assert s["state"] == "confirmed" and s["pending"] is None
    s = _dev("device-status", st)
    assert s["state"] == "confirmed" and s["root_version"] == 1 and s["sequence_epoch"] == 0
    assert s["components"] == [{"name": "app", "installed": "1.1.0", "slots": [0, 1]}]
    assert s["counters"] == {"sequence": 7, "svn": {"app": 2}}
    s = _dev("device-boot", st)                       # the confirmed image, from now on
    assert (s["slot"], s["state"], s["counter_status"]) == (1, "confirmed", "MOAT_OK")
    before = st.read_bytes()
    fails(_install(bundle, st), "MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK")
    assert st.read_bytes() == before
    fails(run("device-revert", st), "MOAT_ERR_UPDATE_STATE")          # after confirm: no
    assert _dev("device-status", st)["counters"] == {"sequence": 7, "svn": {"app": 2}}


def test_cli_device_unconfirmed_trial_reverts(bundle, tmp_path):
    st = tmp_path / "dev.json"
    _init_device(st)
    ok(_install(bundle, st))
    ok(run("device-trial", st))
    assert _dev("device-boot", st)["slot"] == 1                     # the trial, once
    s = _dev("device-boot", st)                                      # never confirmed
    assert (s["slot"], s["state"]) == (0, "reverted")
    assert s["counters"] == {"sequence": 0, "svn": {"app": 0}}
    assert s["components"][0]["installed"] == "1.0.0" and s["pending"] is None
    fails(run("device-confirm", st), "MOAT_ERR_UPDATE_STATE")
    assert _dev("device-boot", st)["slot"] == 0
    # the same manifest can be installed again: nothing was counted
    assert json.loads(ok(_install(bundle, st, roots=())).stdout)["state"] == "staged"


def test_cli_device_next_update_reverted_before_boot(bundle, machines, tmp_path):
    """After 1.1.0 is confirmed in slot 1, 1.2.0 is built for slot 0; it is
    staged, put in trial and reverted (device-revert): slot 1 still boots,
    counters unchanged; then installed again and confirmed."""
    st = tmp_path / "dev.json"
    _init_device(st)
    ok(_install(bundle, st))
    for c in ("device-trial", "device-boot", "device-confirm"):
        ok(run(c, st))
    ok(run("manifest-create", "--image", bundle / "fw.bin", "--sequence", 8, "--expires",
           "2027-01-01", "--vendor-id", VENDOR, "--class-id", CLASS, "--component", "app",
           "--version", "1.2.0", "--svn", 2, "--slot", 0, "-o", tmp_path / "m12.json"))
    for k in ("tgt-a", "tgt-c"):
        _sign_at(machines[k], "manifest-sign", tmp_path / "m12.json")
    r = run("device-install", st, "--manifest", tmp_path / "m12.json", "--image",
            bundle / "fw.bin", "--now", NOW)
    assert json.loads(ok(r).stdout)["manifest"]["slot"] == 0
    ok(run("device-trial", st))
    assert _dev("device-revert", st)["state"] == "reverted"
    s = _dev("device-boot", st)
    assert s["slot"] == 1 and s["counters"] == {"sequence": 7, "svn": {"app": 2}}
    ok(run("device-install", st, "--manifest", tmp_path / "m12.json", "--image",
           bundle / "fw.bin", "--now", NOW))
    ok(run("device-trial", st))
    assert _dev("device-boot", st)["slot"] == 0
    s = _dev("device-confirm", st)
    assert s["counters"] == {"sequence": 8, "svn": {"app": 2}}
    assert s["components"][0]["installed"] == "1.2.0"
    assert _dev("device-boot", st)["slot"] == 0


def test_cli_device_refusals(bundle, tmp_path):
    st = tmp_path / "dev.json"
    _init_device(st)
    fails(run("device-trial", st), "MOAT_ERR_UPDATE_STATE")          # nothing staged
    fails(run("device-install", st, "--manifest", bundle / "manifest.json", "--image",
              bundle / "fw.bin", "--now", NOW), "MOAT_ERR_PORT_NOT_FOUND")   # no root yet
    fails(_install(bundle, st, manifest="manifest-1of3.json"), "MOAT_ERR_JOSE_THRESHOLD")
    s = _dev("device-status", st)
    assert s["state"] == "none" and s["counters"]["sequence"] == 0
    # the root was bootstrapped before the manifest was refused: the device
    # keeps it (as a real one would) and the state file says so
    assert s["root_version"] == 1 and s["journal"] == 1
    # an existing state file is not replaced without --force
    r = run("device-init", st, "--vendor-id", VENDOR, "--class-id", CLASS, "--component", "app")
    assert r.returncode == 1 and b"exists" in r.stderr
    assert _init_device(st, "--force")["root_version"] is None
    # provisioning at init: the root, and a bad root leaves no file
    assert _init_device(tmp_path / "p.json", "--root", bundle / "root-1.json", "--now",
                        NOW)["root_version"] == 1
    (tmp_path / "bad-root.json").write_bytes((bundle / "manifest.json").read_bytes())
    fails(run("device-init", tmp_path / "q.json", "--vendor-id", VENDOR, "--class-id", CLASS,
              "--component", "app", "--root", tmp_path / "bad-root.json", "--now", NOW),
          _root_refusal(bundle))
    assert not (tmp_path / "q.json").exists()


def _root_refusal(bundle):
    """The exact error moat gives for a manifest offered as a first root."""
    with pytest.raises(moat.MoatError) as e:
        up.root_check((bundle / "manifest.json").read_bytes(), now=NOW)
    return e.value.name


def test_cli_device_state_file_checked(bundle, tmp_path):
    """The state file is replayed through the C code: an edited journal or
    summary is refused (exit 1, message), the original still works."""
    st = tmp_path / "dev.json"
    _init_device(st)
    ok(_install(bundle, st))
    ok(run("device-trial", st))
    ok(run("device-boot", st))
    d = json.loads(st.read_text())
    assert [e["op"] for e in d["journal"]] == ["bootstrap", "install", "trial", "boot"]
    assert d["journal"][3]["slot"] == 1
    for edit in (lambda d: d["journal"][3].update(slot=0),
                 lambda d: d["summary"].update(writes=d["summary"]["writes"] + 1),
                 lambda d: d["summary"].update(state="confirmed"),
                 lambda d: d["journal"].pop(2),
                 lambda d: d.update(moat_sim_device=2)):
        bad = json.loads(st.read_text())
        edit(bad)
        (tmp_path / "bad.json").write_text(json.dumps(bad))
        r = run("device-status", tmp_path / "bad.json")
        assert r.returncode == 1 and r.stdout == b"", r.stderr.decode()
        assert b"bad.json: " in r.stderr
    # an image changed in the file: its staging no longer replays
    bad = json.loads(st.read_text())
    k = next(iter(bad["images"]))
    raw = bytearray(base64.b64decode(bad["images"][k]))
    raw[0] ^= 1
    bad["images"][k] = base64.b64encode(bytes(raw)).decode()
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    r = run("device-status", tmp_path / "bad.json")
    assert r.returncode == 1 and b"MOAT_ERR_UPDATE_DIGEST" in r.stderr
    assert _dev("device-status", st)["state"] == "trial"


def test_simulated_device_api_survives_reload(keys, tmp_path):
    """SimulatedDevice: a save/load between every step gives what one
    in-memory Device gives (slots, counters, records)."""
    st = tmp_path / "dev.json"
    comps = [{"name": "app", "installed": "1.0.0", "slots": [0, 1]}]

    def step(f):
        d = up.SimulatedDevice.load(st)
        out = f(d)
        d.save(st)
        return out, d

    up.SimulatedDevice(VENDOR, CLASS, comps, (65536, 65536)).save(st)
    step(lambda d: d.apply_roots([_root1(keys)], NOW))
    m, _ = step(lambda d: d.install(_manifest(keys, IMAGE), IMAGE, NOW))
    assert m["version"] == "1.1.0" and m["slot"] == 1
    step(lambda d: d.trial())
    (slot, counters), d = step(lambda d: d.boot())
    assert (slot, counters) == (1, "MOAT_OK") and d.device.slot_read(1, 0, len(IMAGE)) == IMAGE
    step(lambda d: d.confirm())
    d = up.SimulatedDevice.load(st)
    s = d.status()
    assert s["state"] == "confirmed" and s["counters"] == {"sequence": 1, "svn": {"app": 1}}
    assert d.device.components[0]["installed"] == "1.1.0" and not d.changed
    with pytest.raises(moat.MoatError) as e:
        d.install(_manifest(keys, IMAGE), IMAGE, NOW)
    assert_moat_error(e, "MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK")
    assert not d.changed                  # a refusal that changed nothing is not journaled


# --------------------------------------------------- docs/python.md


def _docs_section():
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "python.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("## Updates")
    return text[start:text.index("\n## ", start + 1)]


def test_docs_walkthrough_runs_as_written(tmp_path):
    """The shell walk-through of docs/python.md "Updates" runs as written
    (python3 -m moat -> this interpreter) and every verify succeeds."""
    sec = _docs_section()
    start = sec.index("```sh") + len("```sh")
    script = sec[start:sec.index("```", start)]
    assert script.count("python3 -m moat update verify") == 2
    script = script.replace("python3 -m moat", "%s -B -m moat" % sys.executable)
    r = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=_env(), timeout=300, check=False)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr.count(b"OK: app 1.1.0 verified under root") == 2
    assert b"verified under root 2" in r.stderr
    assert b"\rhashing fw.bin [" in r.stderr     # 3 MB image: the bar shows


def test_docs_python_example_runs():
    sec = _docs_section()
    start = sec.index("```python") + len("```python")
    code = sec[start:sec.index("```", start)]
    exec(compile(code, "docs/python.md#updates", "exec"), {"__name__": "docs_example"})


def _sh_block(sec, heading):
    start = sec.index("```sh", sec.index(heading)) + len("```sh")
    return sec[start:sec.index("```", start)]


def test_docs_device_walkthrough_runs_as_written(tmp_path):
    """The simulated-device walk-through of docs/python.md "Updates" runs as
    written after the first one, in the same directory: install, trial,
    boot, confirm; the rollback refused; a trial reverted on the next boot."""
    sec = _docs_section()
    script = _sh_block(sec, "### Command-line walk-through") + \
        _sh_block(sec, "### Simulated device on the command line")
    assert script.count("python3 -m moat update device-boot") == 3
    script = script.replace("python3 -m moat", "%s -B -m moat" % sys.executable)
    r = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=_env(), timeout=300, check=False)
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert "trust root now version 2" in err
    assert "boot: slot 1, state trial, counters MOAT_OK" in err
    assert "confirmed: sequence counter 1" in err
    assert "moat: MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK:" in err and b"refused: exit 1" in r.stdout
    assert "boot: slot 0, state trial" in err and "boot: slot 1, state reverted" in err
    s = up.SimulatedDevice.load(tmp_path / "dev.json").status()
    assert s["state"] == "reverted" and s["root_version"] == 2 and s["last_boot_slot"] == 1
    assert s["counters"] == {"sequence": 1, "svn": {"app": 1}}
    assert s["components"][0]["installed"] == "1.1.0"
