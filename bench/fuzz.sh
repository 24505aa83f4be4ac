#!/usr/bin/env bash
# Runs Jazzer fuzz campaigns on Bastion's parsers.
#
#   bench/fuzz.sh                          every target, 5 minutes each
#   bench/fuzz.sh 30m                      every target, 30 minutes each
#   bench/fuzz.sh 10m SmtpParsersFuzzTest#paths [Class#method ...]
#   bench/fuzz.sh --list                   the targets
#
# A target is a @FuzzTest method (class in src/test/java beside the parser it fuzzes). Jazzer keeps the
# corpus it grows in .cifuzz-corpus/ (gitignored) and writes any crashing input into
# src/test/resources/<package>/<Class>Inputs/<method>/, where the normal `./mvnw test` replays it:
# commit it with the fix. Logs go to target/fuzz/<Class>#<method>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

targets() {
    # every method annotated @FuzzTest, as Class#method
    grep -rl --include='*FuzzTest.java' '@FuzzTest' src/test/java | sort | while read -r file; do
        class=$(basename "$file" .java)
        grep -A1 '@FuzzTest' "$file" | grep -oE 'void [a-zA-Z0-9_]+' | sed "s/void /$class#/"
    done
}

if [[ "${1:-}" == "--list" ]]; then
    targets
    exit 0
fi

duration=${1:-5m}
[[ $# -gt 0 ]] && shift
if [[ $# -gt 0 ]]; then
    selected=("$@")
else
    mapfile -t selected < <(targets)
fi

mkdir -p target/fuzz
# compile once; each campaign then only runs surefire
./mvnw -B -ntp -o -q test-compile

status=0
for target in "${selected[@]}"; do
    log="target/fuzz/${target}.log"
    echo "== $target for $duration (log: $log)"
    # JAZZER_FUZZ turns replay into fuzzing; JAZZER_MAX_DURATION overrides @FuzzTest(maxDuration).
    # Only one @FuzzTest method is fuzzed per JVM, hence one surefire run per target.
    # -Xmx: libFuzzer keeps the corpus in the JVM heap, which otherwise grows to the default limit
    if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" ./mvnw -B -ntp -o surefire:test -DargLine=-Xmx1g \
            -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
        grep -E '^#[0-9]+ +DONE|Done [0-9]+ runs' "$log" | tail -1 || true
        echo "   no finding"
    else
        status=1
        echo "   FINDING or failure: see $log; crashing inputs are under src/test/resources"
        grep -E 'FuzzTestFindingException|Caused by|crash-' "$log" | head -5 || true
    fi
done
exit $status
