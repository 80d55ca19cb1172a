#!/bin/sh
# TLS 1.2 interop with the OpenSSL CLI on 127.0.0.1 (test_tls_interop, label
# interop). usage: tls_interop.sh TLS_CLI WORKDIR   (OPENSSL may name openssl)
#
# All keys and certificates are generated here, at test time, by openssl
# (req/ca; "openssl ca" also writes the expired certificate with explicit
# dates). Positive cases use mutual authentication and data both ways:
#   1. moat client  <-> openssl s_server -Verify 1 -tls1_2
#   2. openssl s_client -cert <-> moat server
# Negative cases assert moat's exact error:
#   3. openssl server with an untrusted / expired / wrong-name / wrong-EKU
#      certificate -> moat client MOAT_ERR_TLS_CERTIFICATE + the X.509 code
#   4. openssl client without a certificate -> moat server
#      MOAT_ERR_TLS_NO_PEER_CERT
#   5. openssl client offering only suites moat does not allow ->
#      MOAT_ERR_TLS_NO_COMMON_SUITE; openssl server allowing only such a
#      suite -> moat client receives handshake_failure (alert 40)
#   6. openssl client speaking TLS 1.1 -> MOAT_ERR_TLS_VERSION
# Every openssl process is bounded by `timeout` and killed at the end.
set -u
CLI=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$2
OPENSSL=${OPENSSL:-openssl}
HOST=tls.test
rm -rf "$DIR"
mkdir -p "$DIR/newcerts"
cd "$DIR" || exit 1
FAILED=0
PIDS=""

cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  for p in $PIDS; do wait "$p" 2>/dev/null; done
  PIDS=""
}
trap cleanup EXIT INT TERM

ok() { echo "PASS: $1"; }
ko() { echo "FAIL: $1"; FAILED=1; }

# ------------------------------------------------------------------ material
: > index.txt
echo 1000 > serial
cat > ca.cnf <<'EOF'
[ ca ]
default_ca = moatca
[ moatca ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = pol_any
unique_subject = no
email_in_dn = no
[ pol_any ]
commonName = supplied
[ ext_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:tls.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ext_server_wrong_eku ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:tls.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

key() { "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
mkca() { # name cn
  key "$1" &&
  "$OPENSSL" req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem" 2>/dev/null
}
issue() { # name ca ext [startdate enddate]
  key "$1" &&
  "$OPENSSL" req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" 2>/dev/null || return 1
  if [ $# -ge 5 ]; then dates="-startdate $4 -enddate $5"; else dates="-days 30"; fi
  # shellcheck disable=SC2086
  "$OPENSSL" ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" \
    -out "$1.pem" -extensions "$3" -notext $dates >/dev/null 2>&1
}
mkca ca "moat interop CA" && mkca other "moat interop other CA" &&
issue server ca ext_server && issue client ca ext_client &&
issue untrusted other ext_server &&
issue expired ca ext_server 20200101000000Z 20210101000000Z &&
issue wrongeku ca ext_server_wrong_eku || { echo "FAIL: material"; exit 1; }

freeport() { "$CLI" freeport; }

# Start openssl s_server in the background (bounded), stdin = a line later.
start_s_server() { # port cert extra...
  port=$1; cert=$2; shift 2
  ( sleep 1; printf 'hello-from-openssl\n'; sleep 6 ) |
    timeout 30 "$OPENSSL" s_server -accept "127.0.0.1:$port" -tls1_2 -naccept 1 \
      -cert "$cert.pem" -key "$cert.key" -CAfile ca.pem "$@" > "s_server-$cert.log" 2>&1 &
  PIDS="$PIDS $!"
}

# Start the moat server; wait for its port file.
start_moat_server() { # log extra...
  log=$1; shift
  rm -f port
  timeout 30 "$CLI" server --ca ca.pem --cert server.pem --key server.key --port-file port \
    --timeout 10000 "$@" > "$log" 2>&1 &
  MOAT_PID=$!
  PIDS="$PIDS $MOAT_PID"
  i=0
  while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  PORT=$(cat port 2>/dev/null)
}

# ------------------------------------------------- 1. moat client <-> s_server
P=$(freeport)
start_s_server "$P" server -Verify 1 -verify_return_error
if "$CLI" client --ca ca.pem --cert client.pem --key client.key --host $HOST --port "$P" \
     --send 'hello-from-moat' --expect 'hello-from-openssl' > c1.log 2>&1 \
   && grep -q "result=MOAT_OK" c1.log; then
  sleep 0.5
  if grep -q "hello-from-moat" s_server-server.log; then
    ok "moat client <-> openssl s_server (mutual auth, data both ways)"
  else ko "s_server did not receive moat's data"; cat s_server-server.log; fi
else ko "moat client <-> openssl s_server"; cat c1.log s_server-server.log; fi
cleanup

# ------------------------------------------------- 2. s_client <-> moat server
start_moat_server s1.log --expect hello-from-openssl --send hello-from-moat
( printf 'hello-from-openssl\n'; sleep 4 ) |
  timeout 20 "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_2 -cert client.pem \
    -key client.key -CAfile ca.pem -verify_return_error -verify_hostname $HOST \
    -servername $HOST > s_client.log 2>&1
wait "$MOAT_PID"; rc=$?
if [ $rc -eq 0 ] && grep -q "result=MOAT_OK" s1.log && grep -q "received: hello-from-openssl" s1.log \
   && grep -q "hello-from-moat" s_client.log && grep -q "Verify return code: 0" s_client.log; then
  ok "openssl s_client -cert <-> moat server (mutual auth, data both ways)"
else ko "openssl s_client <-> moat server (rc=$rc)"; cat s1.log s_client.log; fi
cleanup

# ------------------------------------------ 3. bad server certificates
bad_server() { # cert host expected-x509-code
  P=$(freeport)
  start_s_server "$P" "$1"
  "$CLI" client --ca ca.pem --cert client.pem --key client.key --host "$2" --port "$P" \
    --timeout 5000 > "bad-$1-$2.log" 2>&1
  rc=$?
  if [ $rc -eq 1 ] && grep -q "result=MOAT_ERR_TLS_CERTIFICATE x509=$3 " "bad-$1-$2.log"; then
    ok "openssl server with $1 certificate (host $2) -> $3"
  else ko "server $1/$2: expected $3"; cat "bad-$1-$2.log"; fi
  cleanup
}
bad_server untrusted $HOST MOAT_ERR_X509_NO_ISSUER
bad_server expired $HOST MOAT_ERR_X509_EXPIRED
bad_server server wrong.test MOAT_ERR_X509_NAME_MISMATCH
bad_server wrongeku $HOST MOAT_ERR_X509_EKU

# ------------------------------------------ 4. client without a certificate
start_moat_server s4.log
( sleep 3 ) | timeout 20 "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_2 \
  -CAfile ca.pem -servername $HOST > s_client-nocert.log 2>&1
wait "$MOAT_PID"; rc=$?
if [ $rc -eq 1 ] && grep -q "result=MOAT_ERR_TLS_NO_PEER_CERT " s4.log; then
  ok "openssl client without a certificate -> MOAT_ERR_TLS_NO_PEER_CERT"
else ko "client without certificate (rc=$rc)"; cat s4.log; fi
cleanup

# ------------------------------------------ 5. suites moat does not allow
for c in AES128-SHA256 ECDHE-ECDSA-AES128-SHA256 ECDHE-RSA-AES128-GCM-SHA256; do
  start_moat_server "s5-$c.log"
  ( sleep 3 ) | timeout 20 "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_2 \
    -cipher "$c" -cert client.pem -key client.key -CAfile ca.pem > "s_client-$c.log" 2>&1
  wait "$MOAT_PID"; rc=$?
  if [ $rc -eq 1 ] && grep -q "result=MOAT_ERR_TLS_NO_COMMON_SUITE .*alert_sent=40" "s5-$c.log"; then
    ok "openssl client offering only $c -> MOAT_ERR_TLS_NO_COMMON_SUITE"
  else ko "client suite $c (rc=$rc)"; cat "s5-$c.log"; fi
  cleanup
done
P=$(freeport)
start_s_server "$P" server -cipher ECDHE-RSA-AES128-GCM-SHA256
"$CLI" client --ca ca.pem --cert client.pem --key client.key --host $HOST --port "$P" \
  --timeout 5000 > c5.log 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "result=MOAT_ERR_TLS_ALERT .*alert_received=40 " c5.log; then
  ok "openssl server allowing only ECDHE-RSA-AES128-GCM-SHA256 -> alert 40"
else ko "server suite (rc=$rc)"; cat c5.log "s_server-server.log"; fi
cleanup

# ------------------------------------------ 6. a TLS 1.1 peer
start_moat_server s6.log
( sleep 3 ) | timeout 20 "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_1 \
  -cipher 'DEFAULT@SECLEVEL=0' -cert client.pem -key client.key > s_client-tls11.log 2>&1
wait "$MOAT_PID"; rc=$?
if [ $rc -eq 1 ] && grep -q "result=MOAT_ERR_TLS_VERSION .*alert_sent=70" s6.log; then
  ok "openssl client speaking TLS 1.1 -> MOAT_ERR_TLS_VERSION (protocol_version)"
else ko "TLS 1.1 client (rc=$rc)"; cat s6.log; fi
cleanup

if [ $FAILED -ne 0 ]; then
  echo "tls interop: FAILED"
  exit 1
fi
echo "tls interop: all passed"
exit 0
