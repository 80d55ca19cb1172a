"""Failure reporting from Python: a simulated device (moat's C ring over an
in-memory port) records events and exports a signed batch; the service side
verifies and decodes it, acknowledges it, and the device frees what was
acknowledged. Cross-checked with python3-jwcrypto (an independent JOSE
implementation): moat's batches verify under jwcrypto, and an acknowledgement
signed by jwcrypto is accepted by the device."""

import base64
import json

import pytest

import moat

from jwcrypto import jwk as jcjwk
from jwcrypto import jws as jcjws


def _b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def keys():
    return moat.PrivateKey.generate("P-256"), moat.PrivateKey.generate("P-256")


def _device(now=1700000000):
    dev = moat.ReportDevice("dev-py-1", now=now)
    dev.boot()
    return dev


def test_round_trip(keys):
    dev_key, svc_key = keys
    dev = _device()
    assert dev.record("crash", "app", "1.0.0", -11) == 1
    dev.now = None  # no trusted time: the event carries the boot counter
    assert dev.record("security_violation", "mpu", "1.0.0", 7) == 2
    assert dev.pending == 2

    token = dev.export(dev_key)
    header = json.loads(_b64u_decode(token.split(".")[0]))
    assert header["typ"] == "moat-report+jwt"
    assert header["alg"] == "ES256"
    assert header["kid"] == dev_key.public_key().thumbprint()

    batch = moat.report_batch_verify(token, dev_key.public_key(), device_id="dev-py-1")
    assert batch["iss"] == "dev-py-1"
    assert batch["moat_report"] == 1
    assert "iat" not in batch  # exported without trusted time
    assert (batch["first_id"], batch["last_id"], batch["dropped"]) == (1, 2, 0)
    assert batch["events"] == [
        {"id": 1, "kind": "crash", "component": "app", "version": "1.0.0", "code": -11,
         "time": 1700000000},
        {"id": 2, "kind": "security_violation", "component": "mpu", "version": "1.0.0",
         "code": 7, "boot": 1},
    ]

    ack = moat.report_ack(batch, svc_key, iat=1700000100)
    ack_claims = json.loads(_b64u_decode(ack.split(".")[1]))
    assert ack_claims == {"moat_report_ack": 1, "device": "dev-py-1", "ack_through": 2,
                          "iat": 1700000100}
    assert dev.apply_ack(ack, svc_key.public_key()) == 2
    assert dev.pending == 0
    dev.reopen()  # freed for good
    assert dev.pending == 0
    with pytest.raises(moat.MoatError) as e:
        dev.export(dev_key)
    assert e.value.name == "MOAT_ERR_REPORT_EMPTY"


def test_ring_full_drop_count(keys):
    dev_key, _ = keys
    dev = _device()
    for i in range(20):
        dev.record("watchdog_reset", "wdt", code=i)
    assert dev.pending == 16 and dev.dropped == 4
    dev.reopen()
    assert dev.pending == 16 and dev.dropped == 4
    batch = moat.report_batch_verify(dev.export(dev_key, max_events=5), dev_key.public_key())
    assert (batch["first_id"], batch["last_id"], batch["dropped"]) == (5, 9, 4)
    assert [ev["code"] for ev in batch["events"]] == [4, 5, 6, 7, 8]


def test_tampered_and_misdirected_batches_rejected(keys):
    dev_key, svc_key = keys
    dev = _device()
    dev.record("update_failure", "updater", "2.0", 728)
    token = dev.export(dev_key)
    h, p, s = token.split(".")
    claims = json.loads(_b64u_decode(p))
    claims["events"][0]["code"] = 0
    forged = ".".join([h, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
                       .decode(), s])
    with pytest.raises(moat.MoatError) as e:
        moat.report_batch_verify(forged, dev_key.public_key())
    assert e.value.name == "MOAT_ERR_CRYPTO_SIG_INVALID"
    with pytest.raises(moat.MoatError) as e:
        moat.report_batch_verify(token, svc_key.public_key())
    assert e.value.name == "MOAT_ERR_CRYPTO_SIG_INVALID"
    with pytest.raises(moat.MoatError) as e:
        moat.report_batch_verify(token, dev_key.public_key(), device_id="dev-py-2")
    assert e.value.name == "MOAT_ERR_REPORT_DEVICE"
    # A JWS of the same claims without the report typ.
    other = moat.jws_sign_compact(dev_key, _b64u_decode(p))
    with pytest.raises(moat.MoatError) as e:
        moat.report_batch_verify(other, dev_key.public_key())
    assert e.value.name == "MOAT_ERR_REPORT_TYPE"


def test_bad_acks_free_nothing(keys):
    dev_key, svc_key = keys
    dev = _device()
    dev.record("attestation_failure", "attest", "1", 629)
    dev.record("crash", "app", "1", 1)
    batch = moat.report_batch_verify(dev.export(dev_key, max_events=1), dev_key.public_key())
    # Signed by the device key instead of the service's.
    with pytest.raises(moat.MoatError) as e:
        dev.apply_ack(moat.report_ack(batch, dev_key), svc_key.public_key())
    assert e.value.name == "MOAT_ERR_CRYPTO_SIG_INVALID"
    # For another device.
    with pytest.raises(moat.MoatError) as e:
        dev.apply_ack(moat.report_ack(dict(batch, iss="dev-py-2"), svc_key),
                      svc_key.public_key())
    assert e.value.name == "MOAT_ERR_REPORT_DEVICE"
    # Beyond the last exported id (2 was recorded, not exported).
    with pytest.raises(moat.MoatError) as e:
        dev.apply_ack(moat.report_ack(dict(batch, last_id=2), svc_key), svc_key.public_key())
    assert e.value.name == "MOAT_ERR_REPORT_ACK_RANGE"
    assert dev.pending == 2
    assert dev.apply_ack(moat.report_ack(batch, svc_key), svc_key.public_key()) == 1
    assert dev.pending == 1


def test_jwcrypto_interop(keys):
    dev_key, svc_key = keys
    dev = _device()
    dev.record("crash", "app", "3.1", 5)
    token = dev.export(dev_key)
    # moat's batch verifies under jwcrypto with the device's public JWK.
    verifier = jcjws.JWS()
    verifier.deserialize(token)
    verifier.verify(jcjwk.JWK.from_json(dev_key.public_key().jwk()))
    assert json.loads(verifier.payload)["events"][0]["code"] == 5
    # An acknowledgement signed by jwcrypto is accepted by the device.
    batch = moat.report_batch_verify(token, dev_key.public_key())
    signer = jcjws.JWS(json.dumps({"moat_report_ack": 1, "device": batch["iss"],
                                   "ack_through": batch["last_id"]}).encode())
    signer.add_signature(jcjwk.JWK.from_pem(moat.private_key_pem(svc_key).encode()),
                         alg="ES256",
                         protected=json.dumps({"alg": "ES256", "typ": "moat-report-ack+jwt"}))
    assert dev.apply_ack(signer.serialize(compact=True), svc_key.public_key()) == 1
    assert dev.pending == 0
