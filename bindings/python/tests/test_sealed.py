"""Sealed messages from Python (moat.seal_message / moat.open_message).

Round trip through moat's C code, the replay window and its persisted
record, exact error names for attacks, and a cross-check with
python3-jwcrypto (the outer JWE decrypts, the inner JWS verifies).
"""

import base64
import json

import pytest

import moat

from cryptography.hazmat.primitives import serialization
from jwcrypto import jwe, jwk, jws


def _keys():
    return {n: moat.PrivateKey.generate("P-256") for n in ("dev-a", "dev-b", "dev-c")}


def _open(msg, keys, replay, me="dev-b", types=("telemetry",)):
    directory = {"dev-a": keys["dev-a"].public_key(), "dev-c": keys["dev-c"].public_key()}
    return moat.open_message(msg, keys[me], me, directory, replay, types)


def _seal(keys, seq, body=b"t=21.5", frm="dev-a", to="dev-b", mtype="telemetry", signer=None):
    return moat.seal_message(keys[signer or frm], keys[to].public_key(), frm, to, mtype, seq,
                             body, iat=1700000000)


def test_round_trip_and_window():
    keys = _keys()
    replay = moat.MessageReplayState()
    assert replay.record == b""
    for seq, size in ((1, 0), (2, 64), (3, 1024), (4, moat.MESSAGE_BODY_MAX)):
        body = bytes(range(256)) * (size // 256) + bytes(size % 256)
        res = _open(_seal(keys, seq, body), keys, replay)
        assert res == {"from": "dev-a", "type": "telemetry", "seq": seq, "iat": 1700000000,
                       "body": body}
    assert replay.window("dev-a") == (4, 0xF)
    assert replay.window("dev-x") is None


def test_replay_and_restart():
    keys = _keys()
    replay = moat.MessageReplayState()
    m1, m2 = _seal(keys, 1), _seal(keys, 2)
    _open(m2, keys, replay)
    _open(m1, keys, replay)  # reordered within the window: accepted
    with pytest.raises(moat.MoatError) as e:
        _open(m1, keys, replay)
    assert e.value.name == "MOAT_ERR_MSG_REPLAY"
    # Restart from the persisted record: still refused.
    restarted = moat.MessageReplayState(replay.record)
    with pytest.raises(moat.MoatError) as e:
        _open(m2, keys, restarted)
    assert e.value.name == "MOAT_ERR_MSG_REPLAY"
    old = _seal(keys, 3)
    _open(_seal(keys, 3 + 64), keys, restarted)
    with pytest.raises(moat.MoatError) as e:
        _open(old, keys, restarted)
    assert e.value.name == "MOAT_ERR_MSG_REPLAY_OLD"
    with pytest.raises(moat.MoatError) as e:
        moat.MessageReplayState(b"MRP1\x01\x00")
    assert e.value.name == "MOAT_ERR_MSG_REPLAY_RECORD"


def test_replay_forget_retired_sender():
    keys = _keys()
    replay = moat.MessageReplayState()
    m1 = _seal(keys, 1)
    _open(m1, keys, replay)
    _open(_seal(keys, 1, frm="dev-c"), keys, replay)
    before = replay.record
    with pytest.raises(moat.MoatError) as e:
        replay.forget("dev-x")
    assert e.value.name == "MOAT_ERR_NOT_FOUND"
    assert replay.record == before
    replay.forget("dev-a")
    assert replay.window("dev-a") is None
    assert replay.window("dev-c") == (1, 1)
    restarted = moat.MessageReplayState(replay.record)
    assert restarted.window("dev-a") is None
    # dev-a retired: removed from the directory, its old message is refused.
    with pytest.raises(moat.MoatError) as e:
        moat.open_message(m1, keys["dev-b"], "dev-b", {"dev-c": keys["dev-c"].public_key()},
                          restarted, ("telemetry",))
    assert e.value.name == "MOAT_ERR_MSG_UNKNOWN_SENDER"


@pytest.mark.parametrize("case,error", [
    ("wrong_recipient", "MOAT_ERR_MSG_WRONG_RECIPIENT"),
    ("substitution", "MOAT_ERR_MSG_SENDER_MISMATCH"),
    ("unknown_sender", "MOAT_ERR_MSG_UNKNOWN_SENDER"),
    ("type", "MOAT_ERR_MSG_TYPE_NOT_ALLOWED"),
    ("tampered", "MOAT_ERR_JWE_AUTH"),
])
def test_attacks(case, error):
    keys = _keys()
    replay = moat.MessageReplayState()
    me = "dev-b"
    if case == "wrong_recipient":
        msg, me = _seal(keys, 1), "dev-c"
    elif case == "substitution":
        msg = _seal(keys, 1, signer="dev-c")
    elif case == "unknown_sender":
        msg = _seal(keys, 1, frm="dev-x", signer="dev-a")
    elif case == "type":
        msg = _seal(keys, 1, mtype="cmd")
    else:
        parts = _seal(keys, 1).split(".")
        parts[3] = parts[3][:3] + ("A" if parts[3][3] != "A" else "B") + parts[3][4:]
        msg = ".".join(parts)
    with pytest.raises(moat.MoatError) as e:
        _open(msg, keys, replay, me=me)
    assert e.value.name == error
    assert replay.record == b""  # nothing accepted, nothing persisted


def test_oversized_and_bad_arguments():
    keys = _keys()
    with pytest.raises(moat.MoatError) as e:
        _seal(keys, 1, body=bytes(moat.MESSAGE_BODY_MAX + 1))
    assert e.value.name == "MOAT_ERR_MSG_TOO_LARGE"
    with pytest.raises(moat.MoatError) as e:
        _seal(keys, 0)
    assert e.value.name == "MOAT_ERR_MSG_SEQ"
    with pytest.raises(TypeError):
        moat.open_message("x", keys["dev-b"], "dev-b", {}, moat.MessageReplayState(), ["t"])


def test_jwcrypto_reads_moat_messages():
    keys = _keys()
    body = b"\x00\x01 interop \xff"
    msg = _seal(keys, 7, body)
    b = jwk.JWK.from_pyca(serialization.load_der_private_key(keys["dev-b"].to_der("pkcs8"),
                                                             password=None))
    outer = jwe.JWE()
    outer.deserialize(msg, key=b)
    hdr = json.loads(outer.objects["protected"])
    assert (hdr["alg"], hdr["enc"], hdr["iss"], hdr["aud"], hdr["msg_type"]) == \
        ("ECDH-ES", "A256GCM", "dev-a", "dev-b", "telemetry")
    inner = jws.JWS()
    inner.deserialize(outer.payload.decode())
    inner.verify(jwk.JWK.from_json(keys["dev-a"].public_key().jwk()))
    claims = json.loads(inner.payload)
    assert claims["seq"] == 7
    assert base64.urlsafe_b64decode(claims["body"] + "=" * (-len(claims["body"]) % 4)) == body
