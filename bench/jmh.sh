#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths (SMTP commands, DATA unstuffing, header and MIME parsing, DKIM
# verification, SPF evaluation), kept out of the main build. Builds Bastion's jar when it is missing or
# older than the sources, compiles bench/jmh against it and runs JMH; arguments go to JMH
# (e.g. bench/jmh.sh SpfBench -f 1 -wi 2 -i 3). Results: bench/results/jmh-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
jar=target/bastion-0.1.0-SNAPSHOT-all.jar
if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    ./mvnw -B -ntp -q -o -DskipTests -Djacoco.skip=true package || ./mvnw -B -ntp -q -DskipTests -Djacoco.skip=true package
fi
(cd bench/jmh && ../../mvnw -B -ntp -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
cp="bench/jmh/target/classes:$(cat bench/jmh/target/classpath.txt):$jar"
mkdir -p bench/results
out="bench/results/jmh-$(date -u +%Y%m%d-%H%M).txt"
# defaults keep a full run near 10 minutes on 2 cores; pass -f/-wi/-i/-w/-r to change them
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
java --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main "${args[@]}" -rf text -rff "$out.raw" | tee "$out.log"
{ echo "# JMH, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"; cat "$out.raw"; } > "$out"
rm -f "$out.raw" "$out.log"
echo "written to $out"
