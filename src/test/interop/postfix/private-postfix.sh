# Shared by the scripts that run a private Postfix (interop tests, the audit's weak Postfix, the benchmark):
# sourced, not run. The system instance (/etc/postfix) is never read nor started.

# write_confined_main_cf DIR DOMAIN: creates DIR/etc, DIR/queue and DIR/data and starts DIR/etc/main.cf with
# what confines the instance to DIR and to loopback, as mx.DOMAIN. The caller appends the rest.
write_confined_main_cf() {
    # the postfix user must reach the queue through every parent directory
    chmod 755 "$1"
    mkdir -p "$1/etc" "$1/queue" "$1/data"
    cat > "$1/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $1/queue
data_directory = $1/data
maillog_file = $1/maillog
maillog_file_prefixes = $1
myhostname = mx.$2
mydomain = $2
myorigin = $2
inet_interfaces = loopback-only
inet_protocols = ipv4
CF
}

# write_master_cf ETC LISTEN PROCS: master.cf with smtpd on LISTEN (ip:port, PROCS processes at most, "-"
# for Postfix's default) and the standard services, every one unchrooted.
write_master_cf() {
    cat > "$1/master.cf" <<CF
$2 inet n - n - $3 smtpd
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
}

# start_instance ETC: creates the queue directories with the owners and modes Postfix insists on, checks
# the configuration and starts the instance. postfix(1) writes its errors to syslog, and to stderr only
# when that is a terminal: script(1) gives it one, so that a caller sees why a start failed.
start_instance() {
    script -qec "postfix -c $1 set-permissions" /dev/null >/dev/null
    script -qec "postfix -c $1 check" /dev/null
    script -qec "postfix -c $1 start" /dev/null
}
