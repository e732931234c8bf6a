#!/usr/bin/env bash
# Start-up benchmark: time from `java` to the first 200 of /q/health/ready for the packaged app in production mode,
# against a PostgreSQL server that is already running (the embedded database's own start-up is left out), with and
# without the AOT cache that ./mvnw package trains (bench/aot-cache.sh first when it is missing or older than the jar). Prints a table.
#
#   bench/startup.sh                      # 5 starts each way against 127.0.0.1:5432 (user postgres, trust auth)
#   bench/startup.sh --runs 10 --pin      # 10 each, the app pinned to the last CPU as in bench/proxy.sh
#   PGHOST=... PGPORT=... PGUSER=... bench/startup.sh
#
# Each start uses the database switchboard_startup (dropped and created first, then migrated by the first start).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
# shellcheck source=bench/lib.sh
. bench/lib.sh
CACHE=target/quarkus-app/app.aot
RUNS=5
PIN=
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=switchboard_startup
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --pin) PIN=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT"
if [ ! -s "$CACHE" ] || [ ! -f "$JAR" ] || [ "$JAR" -nt "$CACHE" ] \
    || [ -n "$(find src/main db pom.xml -newer "$CACHE" -type f -print -quit)" ]; then
  ./mvnw package
fi
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
[ -n "$PIN" ] && pin_cpus

APP_PID=
trap 'stop_pid "$APP_PID"' EXIT
# one_start [JVM options...]: prints the milliseconds from launch to ready
one_start() {
  local port start end
  port=$(free_port)
  start=$(date +%s%N)
  "${GW_TASKSET[@]}" "$JAVA" "$@" -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" -Dquarkus.datasource.username="$PGUSER" \
    -Dswitchboard.auth.master-key=sk-startup-master-key -Dswitchboard.demo=off -Dswitchboard.probe.enabled=false \
    -jar "$JAR" > "$OUT/startup.log" 2>&1 &
  APP_PID=$!
  wait_ready "http://127.0.0.1:$port/q/health/ready" "$APP_PID" "$OUT/startup.log" 1200
  end=$(date +%s%N)
  if grep -q "AOTCache\|\[aot\].*error" "$OUT/startup.log"; then
    log "the JVM says of the cache: $(grep -m1 "AOTCache\|\[aot\]" "$OUT/startup.log")"
  fi
  stop_pid "$APP_PID"
  APP_PID=
  echo $(((end - start) / 1000000))
}
stats() { sort -n | awk '{a[NR]=$1} END {printf "%d | %d | %d", a[1], a[int((NR+1)/2)], a[NR]}'; }

log "Migrating $DB (first start, not counted) ..."
one_start >/dev/null
without=() with=()
for i in $(seq 1 "$RUNS"); do
  without+=("$(one_start)")
  with+=("$(one_start -XX:AOTCache="$CACHE")")
  log "run $i: ${without[-1]} ms without the cache, ${with[-1]} ms with it"
done
echo
echo "| start-up to ready, ms ($RUNS runs) | min | median | max |"
echo "| --- | ---: | ---: | ---: |"
echo "| without AOT cache | $(printf '%s\n' "${without[@]}" | stats) |"
echo "| with AOT cache | $(printf '%s\n' "${with[@]}" | stats) |"
echo
echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)), JDK $("$JAVA" -version 2>&1 \
  | head -1 | cut -d'"' -f2), PostgreSQL at $PGHOST:$PGPORT, ${GW_TASKSET[*]:-not pinned}"
