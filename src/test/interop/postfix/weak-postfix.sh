#!/bin/sh
# A deliberately WEAK private Postfix instance for the audit's interop test (WeakPostfixAuditIT), confined to
# one directory and to 127.0.0.1. Never the system instance: everything is under DIR, started with -c DIR/etc.
#
#   weak-postfix.sh start DIR PORT plain|tls AUTH_PORT
#   weak-postfix.sh stop DIR
#
# Planted weaknesses, in both modes: a banner with the software and version ($mail_name $mail_version),
# VRFY enabled (252 for postmaster, 550 for unknown users), an open relay through mynetworks = 127.0.0.0/8,
# AUTH PLAIN/LOGIN offered before TLS (SASL through the Dovecot protocol to a fake auth server the test
# runs on 127.0.0.1:AUTH_PORT). plain: no STARTTLS at all. tls: STARTTLS with a self-signed RSA
# certificate, TLS 1.0 and 1.1 allowed, the "low" cipher grade with OpenSSL security level 0 (anonymous
# and static-RSA and CBC suites), a certificate valid for one day only (expiring). Every transport is discard(8): the instance never delivers or relays a
# message, whatever it accepts.
set -eu
. "$(dirname "$0")/private-postfix.sh"

usage() {
    echo "usage: $0 start DIR PORT plain|tls AUTH_PORT | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$(cd "$2" && pwd)
etc=$dir/etc

case $action in
stop)
    if [ -f "$etc/main.cf" ]; then
        postfix -c "$etc" stop || true
    fi
    exit 0
    ;;
start)
    [ $# -eq 5 ] || usage
    port=$3
    mode=$4
    auth_port=$5
    ;;
*)
    usage
    ;;
esac

write_confined_main_cf "$dir" weak.test
mkdir -p "$dir/tls"
printf 'postmaster root\n' > "$etc/aliases"

cat >> "$etc/main.cf" <<EOF
mydestination = weak.test, localhost
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
biff = no
alias_database =
alias_maps = texthash:$etc/aliases
local_recipient_maps = \$alias_maps

# nothing accepted ever leaves: every transport is discard(8)
default_transport = discard:weak audit instance delivers nothing
relay_transport = discard:weak audit instance delivers nothing
local_transport = discard:weak audit instance delivers nothing
virtual_transport = discard:weak audit instance delivers nothing

# WEAK: software and version in the banner
smtpd_banner = \$myhostname ESMTP \$mail_name \$mail_version
# WEAK: VRFY tells users apart
disable_vrfy_command = no
# WEAK: open relay for every loopback client
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# WEAK: AUTH before TLS
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$auth_port
smtpd_sasl_security_options = noanonymous
smtpd_tls_auth_only = no
EOF

if [ "$mode" = tls ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=mx.weak.test" \
        -addext "subjectAltName=DNS:mx.weak.test" -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
    chmod 600 "$dir/tls/key.pem"
    cat >> "$etc/main.cf" <<EOF
# WEAK: self-signed certificate, TLS 1.0/1.1, the low cipher grade at OpenSSL security level 0
smtpd_tls_security_level = may
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_protocols = >=TLSv1
smtpd_tls_mandatory_protocols = >=TLSv1
smtpd_tls_ciphers = low
smtpd_tls_mandatory_ciphers = low
tls_low_cipherlist = ALL:@SECLEVEL=0
smtpd_tls_exclude_ciphers =
smtpd_tls_loglevel = 1
EOF
elif [ "$mode" != plain ]; then
    usage
fi

write_master_cf "$etc" "127.0.0.1:$port" "-"
start_instance "$etc"
