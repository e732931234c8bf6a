#!/usr/bin/env bash
# Builds the JDK's ahead-of-time cache for the packaged app (JDK 25: JEP 483 class loading and linking, JEP 515 method
# profiles) with one training run: starts the app (production mode, throw-away embedded PostgreSQL, provider `openai`
# pointed at the standalone simulator), sends it the traffic it serves in production (pages, the Models search, OpenAI
# and Anthropic calls, streamed and not, pass-through and translated), and stops it; the JVM writes the cache at exit.
#
#   bench/aot-cache.sh            # writes target/quarkus-app/app.aot (about 100 MB, 1-2 minutes)
#   java -XX:AOTCache=target/quarkus-app/app.aot -jar target/quarkus-app/quarkus-run.jar
#
# The cache holds to one build and one JDK: rebuild it after every build (a stale or foreign cache is refused by the
# JVM with a warning, and the app then starts as without it). It needs the aot-jar packaging, which the build uses.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/aot-training
# shellcheck source=bench/lib.sh
. bench/lib.sh
CACHE=target/quarkus-app/app.aot
MASTER_KEY=sk-training-master-key
ROUNDS=${ROUNDS:-300}

build_app_if_needed
rm -rf "$OUT" "$CACHE"
mkdir -p "$OUT"

SIM_PID= APP_PID=
trap stop_started EXIT
trap 'exit 130' INT TERM

start_simulator
log "Training run ..."
start_gateway app -XX:AOTCacheOutput="$CACHE"

BASE="http://127.0.0.1:$APP_PORT"
MESSAGES='"messages":[{"role":"user","content":"Say hello"}]'
# one round: every kind of call the gateway serves, each checked for success
round() {
  local h=(-sf -o /dev/null -H "authorization: Bearer $MASTER_KEY" -H 'content-type: application/json')
  curl "${h[@]}" "$BASE/v1/chat/completions" -d "{\"model\":\"openai/gpt-4.1\",$MESSAGES}" &&
  curl "${h[@]}" "$BASE/v1/chat/completions" -d "{\"model\":\"openai/gpt-4.1\",\"stream\":true,$MESSAGES}" &&
  curl "${h[@]}" "$BASE/v1/messages" -d "{\"model\":\"openai/gpt-4.1\",\"max_tokens\":64,$MESSAGES}" &&
  curl "${h[@]}" "$BASE/v1/messages" -d "{\"model\":\"openai/gpt-4.1\",\"max_tokens\":64,\"stream\":true,$MESSAGES}" &&
  curl "${h[@]}" "$BASE/v1/models"
}
pages() {
  local p
  for p in / /models '/models?q=gpt&sort=price' '/models?sort=latency' /models/openai/gpt-4.1 /providers/openai; do
    curl -sf -o /dev/null "$BASE$p" || { log "page $p failed"; return 1; }
    curl -sf -o /dev/null -H 'hx-request: true' "$BASE$p" || { log "fragment $p failed"; return 1; }
  done
}
export -f round
export BASE MASTER_KEY MESSAGES
log "Training traffic: $ROUNDS rounds of OpenAI and Anthropic calls, streamed and not, and the portal's pages ..."
for _ in $(seq 1 20); do pages; done
if ! seq 1 "$ROUNDS" | xargs -P 4 -I{} bash -c round; then
  log "A training call failed; last lines of $OUT/app.log:"; tail -30 "$OUT/app.log" >&2; exit 1
fi
log "Stopping the training run; the JVM writes the cache as it exits ..."
stop_pid "$APP_PID" 300
APP_PID=
if [ ! -s "$CACHE" ]; then
  log "No cache written; last lines of $OUT/app.log:"; tail -30 "$OUT/app.log" >&2; exit 1
fi
log "AOT cache: $CACHE ($(du -h "$CACHE" | cut -f1)); start with:" \
  "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX $JAVA -XX:AOTCache=$CACHE $GATEWAY_JAVA_OPTS -jar $JAR"
