#!/usr/bin/env bash
# Trains the JDK's AOT cache of the packaged app again (JDK 25: JEP 483 class loading and linking, JEP 515 method
# profiles), the same way the build does: `./mvnw package` already runs dev.switchboard.aot.AotTraining after Quarkus
# packaged the app (pom.xml, exec-maven-plugin), so this is only for a build made with -Dswitchboard.aot.skip=true or
# for another JDK than the build's:
#
#   bench/aot-cache.sh            # writes target/quarkus-app/app.aot (about 120 MB, about a minute)
#   java -XX:+IgnoreUnrecognizedVMOptions -XX:AOTCache=target/quarkus-app/app.aot -jar target/quarkus-app/quarkus-run.jar
#
# The cache holds to one build and one JDK build: the JVM refuses a stale or foreign one and then starts as without it.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
if [ ! -f "$JAR" ] || [ -n "$(find src/main db pom.xml -newer "$JAR" -type f -print -quit)" ]; then
  log "Building (./mvnw -q -B package -DskipTests; trains the cache too) ..."
  ./mvnw -q -B package -DskipTests
  exit 0
fi
"$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Dio.netty.noUnsafe=true \
  -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*' dev.switchboard.aot.AotTraining \
  --app-dir target/quarkus-app "$@"
