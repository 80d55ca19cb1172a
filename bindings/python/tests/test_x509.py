"""X.509 from Python: a small CA run with moat (root -> intermediate ->
device CSR -> issued leaf), validated by moat and, independently, by the
OpenSSL command-line tool; certificate inspection compared with OpenSSL's
view of the same certificate; and error cases with their exact names."""

import os
import shutil
import subprocess
import time

import pytest

import moat
from conftest import assert_moat_error

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")

NOW = int(time.time())
DAY = 86400
HOST = "device-1.example.com"


class SmallCA:
    """root (self-signed) -> intermediate (pathLen 0) -> leaves."""

    def __init__(self, curve="P-256"):
        self.root_key = moat.PrivateKey.generate(curve)
        self.root_name = [("O", "moat test"), ("CN", "Test Root")]
        self.root = moat.issue_certificate(
            self.root_key, self.root_name, self.root_key, self.root_name, serial=1,
            not_before=NOW - DAY, not_after=NOW + 3650 * DAY, is_ca=True)
        self.int_key = moat.PrivateKey.generate("P-256")
        self.int = moat.issue_certificate(
            self.root_key, self.root, self.int_key,
            [("O", "moat test"), ("CN", "Test Issuing CA")], serial=0x1000,
            not_before=NOW - DAY, not_after=NOW + 1825 * DAY, is_ca=True, path_len=0)

    def enroll(self, device_key, serial=0x5eed, eku=("serverAuth", "clientAuth"),
               san=(("DNS", HOST), ("IP", "192.0.2.7")), not_before=NOW - 60,
               not_after=NOW + 365 * DAY, **kw):
        """Device CSR -> parse (proof of possession) -> issued certificate."""
        csr = moat.create_csr(device_key, subject=[("O", "moat test"), ("CN", "device-1")],
                              san=list(san))
        subject, pub = moat.parse_csr(csr)
        assert pub == device_key.public_key()
        return moat.issue_certificate(
            self.int_key, self.int, pub, [("O", "moat test"), ("CN", "device-1")],
            serial=serial, not_before=not_before, not_after=not_after, eku=list(eku),
            san=list(san), **kw)


@pytest.fixture(scope="module")
def ca():
    return SmallCA()


@pytest.fixture(scope="module")
def device():
    return moat.PrivateKey.generate("P-256")


@pytest.fixture(scope="module")
def leaf(ca, device):
    return ca.enroll(device)


def _write(tmp_path, name, ders):
    p = tmp_path / name
    p.write_text("".join(moat.cert_pem(d) for d in ders))
    return str(p)


def _openssl_verify(tmp_path, leaf, bag, roots, extra=()):
    args = [OPENSSL, "verify", "-no-CApath", "-no-CAstore",
            "-CAfile", _write(tmp_path, "roots.pem", roots)]
    if bag:
        args += ["-untrusted", _write(tmp_path, "bag.pem", bag)]
    args += ["-attime", str(NOW)] + list(extra) + [_write(tmp_path, "leaf.pem", [leaf])]
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)


# ----------------------------------------------------------- the small CA

def test_chain_verifies_in_moat(ca, leaf):
    path = moat.verify_chain(leaf, [ca.int], [ca.root], NOW, purpose="serverAuth",
                             hostname=HOST)
    assert path == [0, 1, -1]
    assert moat.verify_chain(leaf, [ca.int], [ca.root], NOW, purpose="clientAuth",
                             ip="192.0.2.7") == [0, 1, -1]


def test_chain_from_shuffled_bag_with_extras(ca, leaf):
    other = SmallCA()
    bag = [other.int, other.root, ca.root, ca.int]
    path = moat.verify_chain(leaf, bag, [other.root, ca.root], NOW)
    assert path[:2] == [0, 4] and path[-1] == -2


@needs_openssl
def test_chain_verifies_in_openssl(ca, leaf, tmp_path):
    r = _openssl_verify(tmp_path, leaf, [ca.int], [ca.root],
                        ["-purpose", "sslserver", "-verify_hostname", HOST,
                         "-x509_strict"])
    assert r.returncode == 0, r.stdout
    assert r.stdout.strip().endswith(": OK")


@needs_openssl
def test_csr_verifies_in_openssl(device, tmp_path):
    csr = moat.create_csr(device, subject=[("O", "moat test"), ("CN", "device-1")],
                          san=[("DNS", HOST)], eku=["clientAuth"])
    p = tmp_path / "csr.der"
    p.write_bytes(csr)
    r = subprocess.run([OPENSSL, "req", "-inform", "DER", "-in", str(p), "-noout",
                        "-verify", "-text"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    assert r.returncode == 0, r.stdout
    assert "verify OK" in r.stdout
    assert "DNS:" + HOST in r.stdout
    assert "TLS Web Client Authentication" in r.stdout


def test_parse_csr_fields(device):
    csr = moat.create_csr(device, subject=[("O", "moat test"), ("CN", "device-1")])
    subject, pub = moat.parse_csr(csr)
    assert subject == "CN=device-1,O=moat test"
    assert pub == device.public_key()


def test_p384_root(device):
    ca384 = SmallCA("P-384")
    leaf = ca384.enroll(device)
    assert moat.Certificate(ca384.root).public_key.curve == "P-384"
    assert moat.verify_chain(leaf, [ca384.int], [ca384.root], NOW,
                             purpose="serverAuth", hostname=HOST) == [0, 1, -1]


# ------------------------------------------------------------- inspection

def test_certificate_fields(ca, leaf, device):
    c = moat.Certificate.from_der(leaf)
    assert c.version == 3
    assert c.serial == 0x5eed
    assert c.subject == "CN=device-1,O=moat test"
    assert c.issuer == "CN=Test Issuing CA,O=moat test"
    assert c.not_after - c.not_before == 365 * DAY + 60
    assert c.public_key == device.public_key()
    assert c.key_type == "EC"
    assert c.signature_algorithm == "ecdsa-with-SHA256"
    assert c.is_ca is False and c.path_len == -1
    assert c.key_usage == moat.KEY_USAGE["digitalSignature"]
    assert c.eku == [moat.EKU["serverAuth"], moat.EKU["clientAuth"]]
    assert c.san == [("DNS", HOST), ("IP", "192.0.2.7")]
    oids = [o for o, _ in c.extensions]
    assert "2.5.29.19" in oids and "2.5.29.17" in oids and "2.5.29.37" in oids
    assert ("2.5.29.19", True) in c.extensions
    ic = moat.Certificate.from_pem(moat.cert_pem(ca.int))
    assert ic.is_ca is True and ic.path_len == 0
    assert ic.key_usage == moat.KEY_USAGE["keyCertSign"] | moat.KEY_USAGE["cRLSign"]


@needs_openssl
def test_fields_match_openssl(leaf, tmp_path):
    p = tmp_path / "leaf.pem"
    p.write_text(moat.cert_pem(leaf))
    out = subprocess.run([OPENSSL, "x509", "-in", str(p), "-noout", "-subject",
                          "-issuer", "-serial", "-nameopt", "RFC2253"],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    c = moat.Certificate(leaf)
    assert "subject=" + c.subject in out
    assert "issuer=" + c.issuer in out
    assert "SERIAL=%X\n" % c.serial in out.upper()


@needs_openssl
def test_parse_openssl_certificate(tmp_path):
    """A certificate made by OpenSSL, inspected by moat."""
    key = tmp_path / "k.pem"
    cert = tmp_path / "c.pem"
    ext = tmp_path / "req.cnf"
    ext.write_text("[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:2\n"
                   "keyUsage=critical,keyCertSign\nextendedKeyUsage=serverAuth\n"
                   "subjectAltName=DNS:a.example,IP:2001:db8::5,URI:https://x.example/\n"
                   "1.3.6.1.4.1.55555.1=ASN1:NULL\n")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-subj", "/C=DE/O=Acme/CN=Acme Root", "-days", "30",
                    "-set_serial", "0x7F0102", "-config", str(ext), "-extensions", "v3"],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    c = moat.Certificate.from_pem(cert.read_text())
    assert c.serial == 0x7F0102
    assert c.subject == "CN=Acme Root,O=Acme,C=DE" == c.issuer
    assert c.is_ca and c.path_len == 2
    assert c.key_usage == moat.KEY_USAGE["keyCertSign"]
    assert c.eku == ["1.3.6.1.5.5.7.3.1"]
    assert c.san == [("DNS", "a.example"), ("IP", "2001:db8::5"),
                     ("URI", "https://x.example/")]
    assert ("1.3.6.1.4.1.55555.1", False) in c.extensions
    assert "1.3.6.1.4.1.55555.1" not in c.understood


def test_pem_certs_bundle(ca, leaf):
    text = moat.cert_pem(leaf) + "junk between\n" + moat.cert_pem(ca.int) + moat.cert_pem(ca.root)
    assert moat.pem_certs(text) == [leaf, ca.int, ca.root]
    assert moat.pem_certs(text.encode("ascii")) == [leaf, ca.int, ca.root]
    assert moat.pem_certs("no PEM here") == []


# ------------------------------------------------------------- error cases

def _fails(name, fn, *args, **kw):
    with pytest.raises(moat.MoatError) as e:
        fn(*args, **kw)
    assert_moat_error(e, name)
    return e.value


def test_expired_leaf(ca, device):
    old = ca.enroll(device, not_before=NOW - 10 * DAY, not_after=NOW - DAY)
    e = _fails("MOAT_ERR_X509_EXPIRED", moat.verify_chain, old, [ca.int], [ca.root], NOW)
    assert e.failed_index == 0


def test_not_yet_valid(ca, device):
    new = ca.enroll(device, not_before=NOW + DAY, not_after=NOW + 10 * DAY)
    e = _fails("MOAT_ERR_X509_NOT_YET_VALID", moat.verify_chain, new, [ca.int],
               [ca.root], NOW)
    assert e.failed_index == 0


def test_wrong_hostname(ca, leaf):
    e = _fails("MOAT_ERR_X509_NAME_MISMATCH", moat.verify_chain, leaf, [ca.int], [ca.root],
               NOW, hostname="other.example.com")
    assert e.failed_index == 0
    _fails("MOAT_ERR_X509_NAME_MISMATCH", moat.verify_chain, leaf, [ca.int], [ca.root],
           NOW, ip="192.0.2.8")


def test_wrong_purpose(ca, device):
    client_only = ca.enroll(device, eku=("clientAuth",))
    e = _fails("MOAT_ERR_X509_EKU", moat.verify_chain, client_only, [ca.int], [ca.root],
               NOW, purpose="serverAuth")
    assert e.failed_index == 0
    assert moat.verify_chain(client_only, [ca.int], [ca.root], NOW,
                             purpose="1.3.6.1.5.5.7.3.2") == [0, 1, -1]
    _fails("MOAT_ERR_X509_EKU", moat.verify_chain, client_only, [ca.int], [ca.root], NOW,
           purpose="1.3.6.1.5.5.7.3.3")


def test_missing_intermediate(ca, leaf):
    _fails("MOAT_ERR_X509_NO_ISSUER", moat.verify_chain, leaf, [], [ca.root], NOW)


def test_untrusted_root(leaf, ca):
    other = SmallCA()
    _fails("MOAT_ERR_X509_NO_ISSUER", moat.verify_chain, leaf, [ca.int], [other.root], NOW)


def test_leaf_used_as_issuer(ca, leaf, device):
    """A certificate signed by a non-CA (the leaf's key) does not chain."""
    k = moat.PrivateKey.generate()
    sub = moat.issue_certificate(device, leaf, k, [("CN", "sub")], serial=9,
                                 not_before=NOW - 60, not_after=NOW + DAY)
    e = _fails("MOAT_ERR_X509_NOT_CA", moat.verify_chain, sub, [leaf, ca.int], [ca.root],
               NOW)
    assert e.failed_index == 1


def test_path_len_exceeded(ca):
    """The intermediate has pathLen 0: a CA below it may not issue."""
    k2 = moat.PrivateKey.generate()
    int2 = moat.issue_certificate(ca.int_key, ca.int, k2, [("CN", "Sub CA")], serial=77,
                                  not_before=NOW - 60, not_after=NOW + DAY, is_ca=True)
    k3 = moat.PrivateKey.generate()
    leaf = moat.issue_certificate(k2, int2, k3, [("CN", "deep leaf")], serial=78,
                                  not_before=NOW - 60, not_after=NOW + DAY)
    _fails("MOAT_ERR_X509_PATH_LEN", moat.verify_chain, leaf, [int2, ca.int], [ca.root],
           NOW)


def test_bad_signature(ca, leaf):
    bad = bytearray(leaf)
    bad[-1] ^= 0x01
    e = _fails("MOAT_ERR_X509_BAD_SIGNATURE", moat.verify_chain, bytes(bad), [ca.int],
               [ca.root], NOW)
    assert e.failed_index == 0


def test_tampered_csr(device):
    csr = bytearray(moat.create_csr(device, subject=[("CN", "dev")]))
    i = csr.find(b"dev")
    csr[i] ^= 0x20  # "dev" -> "Dev": still well-formed, signature broken
    _fails("MOAT_ERR_X509_CSR_SIGNATURE", moat.parse_csr, bytes(csr))


def test_bad_pem():
    _fails("MOAT_ERR_PEM_BASE64", moat.pem_certs,
           "-----BEGIN CERTIFICATE-----\nMII*notbase64*\n-----END CERTIFICATE-----\n")
    _fails("MOAT_ERR_PEM_LABEL", moat.pem_certs,
           "-----BEGIN CERTIFICATE-----\nMAA=\n-----END PUBLIC KEY-----\n")


def test_bad_der():
    _fails("MOAT_ERR_DER_TRUNCATED", moat.Certificate.from_der, b"\x30\x10\x30\x00")
    _fails("MOAT_ERR_DER_TAG", moat.Certificate.from_der, b"\x31\x00")


def test_bad_serial(ca, device):
    with pytest.raises(ValueError):
        moat.issue_certificate(ca.int_key, ca.int, device, [("CN", "x")], serial=0,
                               not_before=NOW, not_after=NOW + DAY)


def test_argument_types(ca, leaf):
    with pytest.raises(TypeError):
        moat.verify_chain("not bytes", [], [ca.root], NOW)
    with pytest.raises(ValueError):
        moat.verify_chain(leaf, [ca.int], [ca.root], NOW, purpose="bogus")
    with pytest.raises(ValueError):
        moat.create_csr(moat.PrivateKey.generate(), subject=[("XX", "dev")])
    with pytest.raises(TypeError):
        moat.create_csr(b"not a key")
