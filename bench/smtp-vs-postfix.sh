#!/usr/bin/env bash
# Bastion beside a private Postfix on loopback: messages/s (smtp-source, one connection per message) for
# 5 KiB and 100 KiB at 1, 20 and 100 sessions, the time until every message is in its mailbox, CPU per
# message, smtp-sink as the ceiling, and memory with 1,000 and 10,000 idle connections. Medians over
# --repeats runs, servers alternated; the table goes to bench/results/smtp-vs-postfix-<date>.md.
#
#   bench/smtp-vs-postfix.sh [--repeats 3] [--scale 1.0] [--sizes 5120,102400] [--sessions 1,20,100]
#                            [--idle 1000,10000] [--postfix-idle 1000] [--only Bastion,Postfix,smtp-sink]
#                            [--keep] [--out FILE]
#
# Needs root (Postfix's set-permissions and the chown of its Maildir). The default run takes about
# 10 minutes on 2 cores; --scale 3 --repeats 5 for steadier numbers. BASTION_JAVA_OPTS overrides the
# JVM options (default: those of ./bastion). The system's Postfix (/etc/postfix) is never started.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "$0: run as root (a private Postfix instance needs it)" >&2; exit 1; }
if ! command -v smtp-source >/dev/null || ! command -v postfix >/dev/null; then
    # policy-rc.d keeps the package from starting the system instance
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix >/dev/null
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
fi
command -v python3 >/dev/null || { echo "$0: needs python3" >&2; exit 1; }

: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
jar=target/bastion-0.1.0-SNAPSHOT-all.jar
if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    ./mvnw -B -ntp -q -o -DskipTests -Djacoco.skip=true package || ./mvnw -B -ntp -q -DskipTests -Djacoco.skip=true package
fi
# the launcher's JVM options and malloc setting, unless BASTION_JAVA_OPTS says otherwise
: "${BASTION_JAVA_OPTS:=$(sed -n 's/^default_jvm_opts="\(.*\)"$/\1/p' bastion)}"
export BASTION_JAVA_OPTS MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
ulimit -n "$(ulimit -Hn)"
exec python3 bench/smtp/smtp_bench.py --jar "$jar" "$@"
