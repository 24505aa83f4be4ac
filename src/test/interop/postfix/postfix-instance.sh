#!/bin/sh
# A private Postfix instance for interop tests, confined to one directory and to loopback.
#
#   postfix-instance.sh certificates DIR
#   postfix-instance.sh start DIR LISTEN_PORT RELAY_PORT
#   postfix-instance.sh stop DIR
#
# certificates writes a test CA (DIR/tls/ca.pem) and a certificate for mx.postfix.test issued by it,
# so that the other side can be told to trust the CA before Postfix starts. start makes them too if
# they are missing, writes DIR/etc/{main.cf,master.cf}, creates the queue and data directories under DIR, and starts the
# instance. It listens on 127.0.0.2:LISTEN_PORT only, delivers mail for postfix.test into Maildirs
# under DIR/mail/, and relays everything else to [127.0.0.1]:RELAY_PORT with opportunistic STARTTLS.
# The log is DIR/maillog. The system instance (/etc/postfix) is neither read nor started.
set -eu
. "$(dirname "$0")/private-postfix.sh"

usage() {
    echo "usage: $0 certificates DIR | start DIR LISTEN_PORT RELAY_PORT | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$(cd "$2" && pwd)
etc=$dir/etc

# A test CA and a certificate for mx.postfix.test, valid for a day.
certificates() {
    tls=$dir/tls
    mkdir -p "$tls"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj "/CN=Postfix interop test CA" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/CN=mx.postfix.test" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:mx.postfix.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 1 \
        -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
    chmod 600 "$tls/ca.key" "$tls/server.key"
}

case $action in
certificates)
    certificates
    exit 0
    ;;
stop)
    if [ -f "$etc/main.cf" ]; then
        postfix -c "$etc" stop || true
    fi
    exit 0
    ;;
start)
    [ $# -eq 4 ] || usage
    listen_port=$3
    relay_port=$4
    ;;
*)
    usage
    ;;
esac

write_confined_main_cf "$dir" postfix.test
mkdir -p "$dir/mail"
tls=$dir/tls

if [ ! -f "$dir/tls/ca.pem" ]; then
    certificates
fi

# virtual(8) delivers as this user; it refuses uids below virtual_minimum_uid (100 by default).
mail_uid=$(id -u postfix)
mail_gid=$(id -g postfix)
chown "$mail_uid:$mail_gid" "$dir/mail"
printf 'bob@postfix.test bob/\n' > "$etc/vmailbox"

cat >> "$etc/main.cf" <<EOF
mydestination =
# Postfix accepts only addresses an interface carries, and lo carries 127.0.0.1/8 alone: 127.0.0.2
# works for bind(2) but not for inet_interfaces. The listener and the client's source address say 127.0.0.2.
mynetworks = 127.0.0.0/8
smtp_bind_address = 127.0.0.2
alias_maps =
alias_database =
biff = no

# Mail for postfix.test goes to Maildirs (a trailing slash in the map means Maildir)
virtual_mailbox_domains = postfix.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$etc/vmailbox
virtual_uid_maps = static:$mail_uid
virtual_gid_maps = static:$mail_gid

# Everything else goes to Bastion; the brackets mean no MX lookup
relayhost = [127.0.0.1]:$relay_port
smtp_tls_security_level = may
smtp_tls_loglevel = 1
smtp_host_lookup = native
smtp_dns_support_level = disabled

smtpd_tls_cert_file = $tls/server.pem
smtpd_tls_key_file = $tls/server.key
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination

# Fast queue runs: a test waits for them
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF

write_master_cf "$etc" "127.0.0.2:$listen_port" "-"
start_instance "$etc"
