#!/usr/bin/env bash
# Fills one INBOX with N small messages through the store API (in a temporary data dir, or in DATA_DIR
# if given, which is then reused on the next run), serves it over IMAP on loopback and times SELECT,
# FETCH 1:* (FLAGS), UID SEARCH and a full-message FETCH with Python's imaplib.
# Usage: bench/imap-large-mailbox.sh [N=100000] [DATA_DIR]. Writes bench/results/imap-large-mailbox-<date>-<N>.txt.
# Timings are for reading, not asserted anywhere: compare runs on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DATA=${2:-$(mktemp -d)}
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

./mvnw -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"

mkdir -p bench/results
RESULT="bench/results/imap-large-mailbox-$(date -u +%Y%m%d)-$N.txt"
LOG=$(mktemp)
start=$(date +%s)
java --enable-native-access=ALL-UNNAMED -cp "$CP" \
    org.bastionmail.imap.LargeMailboxBench "$DATA" "$N" </dev/null >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
until grep -q '^READY ' "$LOG"; do
    kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 1
done
filled=$(( $(date +%s) - start ))
read -r _ PORT CERT < <(grep '^READY ' "$LOG")
{
    echo "# IMAP large mailbox: $N messages, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
    echo "# filling and starting took ${filled}s ($(grep -o 'filled [0-9]* messages, [0-9]*/s' "$LOG" | tail -1))"
    python3 bench/imap_bench.py "$PORT" "$CERT" bench@example.test "bench password" 5
} | tee "$RESULT"
echo "written to $RESULT"
