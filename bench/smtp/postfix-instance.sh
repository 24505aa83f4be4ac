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
. "$(dirname "$0")/../../src/test/interop/postfix/private-postfix.sh"

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

write_confined_main_cf "$dir" postfix.bench
mkdir -p "$dir/mail/bench"
mail_uid=$(id -u postfix)
mail_gid=$(id -g postfix)
chown "$mail_uid:$mail_gid" "$dir/mail" "$dir/mail/bench"
printf 'bench@postfix.bench bench/\n' > "$etc/vmailbox"

# Defaults everywhere except what confines the instance: Postfix fsyncs the queue file before its 250
# and virtual(8) fsyncs the Maildir file before the queue file is removed.
cat >> "$etc/main.cf" <<CF
mydestination =
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

write_master_cf "$etc" "127.0.0.1:$port" "$procs"
start_instance "$etc"
