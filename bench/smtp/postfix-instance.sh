#!/bin/sh
# A private Postfix for the benchmark, confined to one directory and to 127.0.0.1. The system's instance
# (/etc/postfix, /var/spool/postfix) is neither read nor started.
#
#   postfix-instance.sh start DIR PORT [SMTPD_PROCESSES]
#   postfix-instance.sh stop DIR
#
# Mail for bench@postfix.bench goes by virtual(8) into the Maildir DIR/mail/bench/. Everything else is
# refused (no relaying, no DNS). Logs go to DIR/maillog.
set -eu

usage() {
    echo "usage: $0 start DIR PORT [SMTPD_PROCESSES] | stop DIR" >&2
    exit 2
}
[ $# -ge 2 ] || usage
action=$1
dir=$(cd "$2" && pwd)
etc=$dir/etc

case $action in
stop)
    [ -f "$etc/main.cf" ] && postfix -c "$etc" stop >/dev/null 2>&1 || true
    exit 0
    ;;
start)
    [ $# -ge 3 ] || usage
    port=$3
    procs=${4:-100}
    ;;
*) usage ;;
esac

chmod 755 "$dir"
mkdir -p "$etc" "$dir/queue" "$dir/data" "$dir/mail/bench"
mail_uid=$(id -u postfix)
mail_gid=$(id -g postfix)
chown "$mail_uid:$mail_gid" "$dir/mail" "$dir/mail/bench"
printf 'bench@postfix.bench bench/\n' > "$etc/vmailbox"

# Defaults everywhere except what confines the instance: Postfix fsyncs the queue file before its 250
# and virtual(8) fsyncs the Maildir file before the queue file is removed.
cat > "$etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = mx.postfix.bench
mydomain = postfix.bench
myorigin = postfix.bench
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
virtual_mailbox_domains = postfix.bench
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$etc/vmailbox
virtual_uid_maps = static:$mail_uid
virtual_gid_maps = static:$mail_gid
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtp_dns_support_level = disabled
smtp_host_lookup = native
default_process_limit = $procs
CF

cat > "$etc/master.cf" <<CF
127.0.0.1:$port inet n - n - $procs smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF

# postfix(1) reports errors to stderr only on a terminal: script(1) gives it one.
run() {
    script -qec "$*" /dev/null
}
run postfix -c "$etc" set-permissions >/dev/null
run postfix -c "$etc" check
run postfix -c "$etc" start
