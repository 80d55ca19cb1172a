#!/usr/bin/env bash
# tests/x509/verify_fixtures.sh OUTDIR [BUILD_CA_DIR]
#
# Generates, with the openssl CLI, the certificates test_x509_verify uses
# (ctest FIXTURES_SETUP; nothing generated is committed). Every certificate
# is written as OUTDIR/<name>.der. All validity periods are fixed dates
# (openssl ca -startdate/-enddate), so the test can validate at a fixed
# "now" (2030-01-01T00:00:00Z). BUILD_CA_DIR, when given, holds the CA
# generated at build time for moat_add_trust_anchors() (build_root.pem and
# build_root.key): a leaf "leaf_bt" is issued under it.
#
# tests/x509/verify_fixtures.sh --build-ca DIR
#
# Build-time mode: only the test CA fed to moat_add_trust_anchors()
# (DIR/build_root.pem and DIR/build_root.key).
set -euo pipefail
mode=fixtures
if [ "${1:-}" = --build-ca ]; then
  mode=ca
  shift
fi
out=${1:?usage: verify_fixtures.sh [--build-ca] OUTDIR [BUILD_CA_DIR]}
build_ca=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/work"
rm -rf "$work"
mkdir -p "$work/new"
cd "$work"
: > index.txt
echo 01 > serial.txt
cat > ca.cnf <<'EOF'
[ca]
default_ca = d
[d]
database = index.txt
serial = serial.txt
new_certs_dir = new
default_md = sha256
policy = pol
unique_subject = no
email_in_dn = no
copy_extensions = none
[pol]
commonName = optional
organizationName = optional
EOF

START=20200101000000Z
END=20400101000000Z

# key NAME [ec256|ec384|rsa]
key() {
  case ${2:-ec256} in
    ec256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null ;;
    ec384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" 2>/dev/null ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
  esac
}

# cert NAME ISSUER KEY SUBJECT EXTS [START END]
#   ISSUER: "self", or the name of a certificate made earlier (signed with
#   the key that certificate certifies). KEY: the certified key. EXTS: the
#   extension lines (printf %b, "\n" separated); "" gives a v1 certificate.
cert() {
  local name=$1 issuer=$2 k=$3 subj=$4 exts=$5 s=${6:-$START} e=${7:-$END}
  local extargs=()
  if [ -n "$exts" ]; then
    printf '[e]\n%b\n' "$exts" > "$name.ext"
    extargs=(-extfile "$name.ext" -extensions e)
  fi
  openssl req -new -key "$k.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  if [ "$issuer" = self ]; then
    openssl ca -config ca.cnf -batch -notext -selfsign -keyfile "$k.key" -in "$name.csr" \
      -out "$name.pem" -startdate "$s" -enddate "$e" -preserveDN -rand_serial "${extargs[@]}" 2>/dev/null
  else
    openssl ca -config ca.cnf -batch -notext -cert "$issuer.pem" -keyfile "$(cat "$issuer.k").key" \
      -in "$name.csr" -out "$name.pem" -startdate "$s" -enddate "$e" -preserveDN -rand_serial \
      "${extargs[@]}" 2>/dev/null
  fi
  echo "$k" > "$name.k"
  openssl x509 -in "$name.pem" -outform DER -out "$out/$name.der"
}

CA="basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
ROOT="basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash"
LEAFBASE="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
LEAF="$LEAFBASE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:dev.example.com,DNS:*.wild.example.com,IP:10.1.2.3"

if [ "$mode" = ca ]; then
  key build_root
  cert build_root self build_root "/O=moat test/CN=Moat Build-Time Root" "$ROOT"
  cp build_root.pem build_root.key "$out/"
  exit 0
fi

# ---- the main hierarchy: root -> int1 -> int2 -> leaf
key root; key int1; key int2; key leaf; key evil
cert root self root "/O=moat test/CN=Moat Test Root" "$ROOT"
cert int1 root int1 "/O=moat test/CN=Moat Test Int 1" "$CA"
cert int2 int1 int2 "/O=moat test/CN=Moat Test Int 2" "$CA"
cert leaf int2 leaf "/CN=dev.example.com" "$LEAF"

# ---- unrelated hierarchy, and a decoy named like int2 with another key
key oroot; key oint
cert other_root self oroot "/CN=Other Root" "$ROOT"
cert other_int other_root oint "/CN=Other Int" "$CA"
cert decoy_int2 int1 evil "/O=moat test/CN=Moat Test Int 2" "$ROOT\nauthorityKeyIdentifier=keyid"
# the same decoy without SKI (so key identifiers cannot rule it out)
cert decoy_int2_noski int1 evil "/O=moat test/CN=Moat Test Int 2" "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign"

# ---- validity
cert leaf_expired int2 leaf "/CN=dev.example.com" "$LEAF" 20200101000000Z 20210101000000Z
cert leaf_future int2 leaf "/CN=dev.example.com" "$LEAF" 20350101000000Z 20400101000000Z
cert int2_expired int1 int2 "/O=moat test/CN=Moat Test Int 2" "$CA" 20200101000000Z 20210101000000Z
cert root_expired self root "/O=moat test/CN=Moat Test Root" "$ROOT" 20200101000000Z 20210101000000Z

# ---- wrong issuer name: signed with int2's key under another issuer name
cert fake_int2 self int2 "/CN=Nonexistent CA" "$ROOT"
cert leaf_wrongname fake_int2 leaf "/CN=dev.example.com" "$LEAF"

# ---- signature by the wrong key, no AKI (so int2 is a candidate)
cert evil_int2 self evil "/O=moat test/CN=Moat Test Int 2" "$ROOT"
cert leaf_badsig evil_int2 leaf "/CN=dev.example.com" "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nauthorityKeyIdentifier=none"

# ---- basicConstraints, pathLen, keyUsage
key ica
cert int_noca int1 ica "/CN=Not A CA" "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
cert leaf_noca int_noca leaf "/CN=dev.example.com" "$LEAF"
cert int_nobc int1 ica "/CN=No Basic Constraints" "keyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
cert leaf_nobc int_nobc leaf "/CN=dev.example.com" "$LEAF"
cert int1_pl0 root int1 "/O=moat test/CN=Moat Test Int 1" "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
cert int1_pl1 root int1 "/O=moat test/CN=Moat Test Int 1" "basicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
cert int_noku int1 ica "/CN=No keyCertSign" "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid"
cert leaf_noku int_noku leaf "/CN=dev.example.com" "$LEAF"
cert leaf_ku_ke int2 leaf "/CN=dev.example.com" "basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\nauthorityKeyIdentifier=keyid"

# ---- extKeyUsage
cert leaf_client int2 leaf "/CN=dev.example.com" "$LEAFBASE\nextendedKeyUsage=clientAuth"
cert leaf_anyeku int2 leaf "/CN=dev.example.com" "$LEAFBASE\nextendedKeyUsage=anyExtendedKeyUsage"
cert int_eku_client int1 ica "/CN=Client Only CA" "$CA\nextendedKeyUsage=clientAuth"
cert leaf_eku_chain int_eku_client leaf "/CN=dev.example.com" "$LEAFBASE\nextendedKeyUsage=serverAuth"

# ---- name constraints
NC="nameConstraints=critical,permitted;DNS:example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.com,excluded;IP:10.9.0.0/255.255.0.0"
cert int_nc int1 ica "/CN=Constrained CA" "$CA\n$NC"
cert nc_ok int_nc leaf "/CN=ok" "$LEAFBASE\nsubjectAltName=DNS:a.example.com,DNS:EXAMPLE.com,IP:10.1.1.1"
cert nc_dns_outside int_nc leaf "/CN=outside" "$LEAFBASE\nsubjectAltName=DNS:notexample.com"
cert nc_dns_excluded int_nc leaf "/CN=excluded" "$LEAFBASE\nsubjectAltName=DNS:x.Bad.example.com"
cert nc_ip_outside int_nc leaf "/CN=ip outside" "$LEAFBASE\nsubjectAltName=DNS:a.example.com,IP:192.168.1.1"
cert nc_ip_excluded int_nc leaf "/CN=ip excluded" "$LEAFBASE\nsubjectAltName=IP:10.9.1.1"
cert nc_wild_excluded int_nc leaf "/CN=wildcard" "$LEAFBASE\nsubjectAltName=DNS:*.example.com"
cert nc_wild_ok int_nc leaf "/CN=wildcard ok" "$LEAFBASE\nsubjectAltName=DNS:*.good.example.com"
cert int_nc_email int1 ica "/CN=Email Constrained CA" "$CA\nnameConstraints=critical,permitted;email:example.com"
cert nc_email_leaf int_nc_email leaf "/CN=email" "$LEAF"

# ---- host names and wildcards
cert leaf_wild int2 leaf "/CN=wild" "$LEAFBASE\nsubjectAltName=DNS:*.com,DNS:f*.example.com,DNS:*.wild.example.com"
# a trailing-dot dNSName (not a host name: would defeat name-constraint suffixes)
cert leaf_trailing_dot int2 leaf "/CN=dot" "$LEAFBASE\nsubjectAltName=DNS:www.example.com."
cert leaf_nosan int2 leaf "/CN=dev.example.com" "$LEAFBASE"

# ---- critical extensions
cert leaf_crit int2 leaf "/CN=dev.example.com" "$LEAF\n1.2.3.4=critical,ASN1:NULL"
cert leaf_dice int2 leaf "/CN=dev.example.com" "$LEAF\n2.23.133.5.4.1=critical,DER:30:06:80:04:6d:6f:61:74"

# ---- self-signed leaf
key self
cert selfleaf self self "/CN=dev.example.com" "$LEAF"

# ---- issuer loop: A signs B, B signs A; the leaf is issued by A
key loopa; key loopb
cert loopa_tmp self loopa "/CN=Loop A" "$ROOT"
cert loopb_tmp self loopb "/CN=Loop B" "$ROOT"
cert loopa loopb_tmp loopa "/CN=Loop A" "$ROOT"
cert loopb loopa_tmp loopb "/CN=Loop B" "$ROOT"
cert leaf_loop loopa leaf "/CN=dev.example.com" "$LEAFBASE"

# ---- a 30-deep chain: root -> deep1 -> ... -> deep29 -> leaf_deep
prev=root
for i in $(seq 1 29); do
  key "deep$i"
  cert "deep$i" "$prev" "deep$i" "/CN=Deep $i" "$CA"
  prev="deep$i"
done
cert leaf_deep deep29 leaf "/CN=dev.example.com" "$LEAF"

# ---- a mesh: 30 self-issued CAs of one name and key (every pair verifies)
key mesh
cert mesh_tmp self mesh "/CN=Mesh" "basicConstraints=critical,CA:TRUE"
for i in $(seq 1 30); do
  cert "mesh$i" mesh_tmp mesh "/CN=Mesh" "basicConstraints=critical,CA:TRUE"
done
cert leaf_mesh mesh_tmp leaf "/CN=dev.example.com" "$LEAFBASE"

# ---- RSA root with EC intermediates
key rsaroot rsa; key rsaint ec384
cert rsa_root self rsaroot "/CN=RSA Root" "$ROOT"
cert rsa_int rsa_root rsaint "/CN=EC Int under RSA" "$CA"
cert rsa_leaf rsa_int leaf "/CN=dev.example.com" "$LEAF"

# ---- v1 certificates: a v1 self-signed root and a v1 intermediate
key v1root; key v1int
cert v1_root self v1root "/CN=V1 Root" ""
LEAF_NOAKI="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:dev.example.com"
cert v1_leaf v1_root leaf "/CN=dev.example.com" "$LEAF_NOAKI"
cert v1_int root v1int "/CN=V1 Int" ""
cert v1_int_leaf v1_int leaf "/CN=dev.example.com" "$LEAF_NOAKI"

# ---- the build-time anchor (moat_add_trust_anchors)
if [ -n "$build_ca" ]; then
  cp "$build_ca/build_root.pem" build_root.pem
  cp "$build_ca/build_root.key" build_root_key.key
  echo build_root_key > build_root.k
  cert leaf_bt build_root leaf "/CN=dev.example.com" "$LEAF"
fi

echo "verify fixtures: $(ls "$out"/*.der | wc -l) certificates in $out"
