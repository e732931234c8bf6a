#!/usr/bin/env bash
# Proxy overhead benchmark (not a test; `mvn verify` never runs it). Builds if needed, starts an upstream (by default
# bench/mock-upstream.js, a few lines of Node that answer at once, so no JVM timer of a simulator is in the figure;
# --upstream sim: the project's standalone simulator, fixed 5 ms TTFT, 16 tokens at 1000 tok/s, no faults), starts the
# packaged app in production mode in front of it (provider `openai` pointed at the upstream, a master key, no prober,
# no demo mode, a throw-away embedded PostgreSQL under target/bench), then runs the Java load client
# (src/test/java/dev/switchboard/bench/ProxyLoad.java, Vert.x client + HdrHistogram) against the upstream directly and
# through the gateway, interleaved in time slices, and prints a Markdown table: req/s, latency p50/p90/p99/p99.9,
# stream TTFT p50/p99, errors, CPU per request and RSS peak of the gateway (from /proc), and the overhead (gateway
# minus direct) per percentile.
#
#   bench/proxy.sh                      # all scenarios: plain and stream x 100/500/2000 req/s, 16/64 connections
#   bench/proxy.sh --cold               # the issue's figures in one run (~6 min): a fresh gateway's first 60 s at
#                                       # 500 req/s (overhead per 5 s window) and a saturation probe, then the warm
#                                       # figures of the same JVM: 500 req/s and 64 conns, JSON and streams, 8 s each
#   bench/proxy.sh --guard              # regression guard (< 2 min): exits 3 when overhead p99 at 500 req/s > 2 ms
#   bench/proxy.sh --duration 30        # seconds per scenario, mode and target (default 10)
#   bench/proxy.sh --settle 0           # no extra warm-up until the gateway's JIT is quiet (default: up to 120 s)
#   bench/proxy.sh --scenarios rate:500,conns:64 --modes plain
#   bench/proxy.sh --jfr                # also records a JFR profile of the gateway: target/bench/gateway.jfr
#   bench/proxy.sh --no-aot             # without the AOT cache of bench/aot-cache.sh (used when up to date)
#   bench/proxy.sh --upstream sim       # the project's simulator as the upstream (5 ms TTFT, 1000 tok/s) instead of
#                                       # the default bench/mock-upstream.js (Node, answers at once, no JVM timers)
#   bench/proxy.sh --no-pin             # no taskset (default: gateway on CPU 1; simulator, client and database on 0)
#   bench/proxy.sh --target URL --key K --model M [--no-switchboard]
#                                       # also (or only) another OpenAI-compatible gateway; point it at the
#                                       # simulator, whose URL is printed (SIM_PORT=8090 fixes its port)
#
# Everything runs on one machine: the client and the simulator compete with the gateway for CPU unless pinned, and
# on a shared machine other processes do too; compare numbers of the same run (the overhead rows), not across runs.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
# shellcheck source=bench/lib.sh
. bench/lib.sh
MASTER_KEY=sk-bench-master-key
SIM_MODEL=gpt-4.1              # the upstream id of the catalog's openai/gpt-4.1 on provider openai
GATEWAY_MODEL=openai/gpt-4.1

DURATION=10
WARMUP=8
SETTLE=120
SLICES=2
SCENARIOS=rate:100,rate:500,rate:2000,conns:16,conns:64
MODES=plain,stream
GUARD=
COLD=
JFR=
PIN=1
SWITCHBOARD=1
OTHER_URL= OTHER_KEY= OTHER_MODEL=
AOT=1
UPSTREAM=node

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --guard) GUARD=1; SCENARIOS=rate:500; DURATION=10; WARMUP=5; SLICES=4; SETTLE=8 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --slices) SLICES=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --cold) COLD=60; SCENARIOS=rate:500,conns:64; DURATION=8 ;;
    --jfr) JFR=1 ;;
    --no-pin) PIN= ;;
    --no-aot) AOT= ;;
    --upstream) UPSTREAM=$2; shift ;;
    --target) OTHER_URL=$2; shift ;;
    --key) OTHER_KEY=$2; shift ;;
    --model) OTHER_MODEL=$2; shift ;;
    --no-switchboard) SWITCHBOARD= ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$OTHER_URL" ] && { [ -z "$OTHER_KEY" ] || [ -z "$OTHER_MODEL" ]; }; then
  echo "--target needs --key and --model" >&2; exit 2
fi

[ -n "$PIN" ] && pin_cpus

SIM_PID= APP_PID=
cleanup() {
  stop_started # the embedded PostgreSQL stops with the gateway (shutdown hook); a killed one leaves it behind
  if [ -f "$OUT/app-pg/postmaster.pid" ]; then
    local pg_pid
    pg_pid=$(head -1 "$OUT/app-pg/postmaster.pid")
    [ -n "$pg_pid" ] && kill -TERM "$pg_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gateway_opts() {
  GATEWAY_OPTS=()
  if [ -n "$JFR" ] && [ -n "$COLD" ]; then
    # recording from the JVM's start, so the cold minute is in the profile
    GATEWAY_OPTS+=("-XX:StartFlightRecording=name=bench,settings=profile,filename=$PWD/$OUT/gateway.jfr")
  elif [ -n "$JFR" ]; then
    GATEWAY_OPTS+=(-XX:+FlightRecorder)
  fi
  if [ -n "$AOT" ]; then
    if [ -n "$(aot_cache_opts)" ]; then
      # shellcheck disable=SC2207 # two JVM options
      GATEWAY_OPTS+=($(aot_cache_opts))
      log "With the AOT cache target/quarkus-app/app.aot (faster start and JIT warm-up; --no-aot: without)"
    else
      log "No up-to-date AOT cache (./mvnw package or bench/aot-cache.sh trains one): the gateway's JIT starts cold"
    fi
  fi
  # shellcheck disable=SC2206 # GATEWAY_JAVA_OPTS is a list of JVM options
  GATEWAY_OPTS+=($GATEWAY_JAVA_OPTS)
}

start_app() {
  gateway_opts
  log "Starting the gateway (${GW_TASKSET[*]:-unpinned}): java ${GATEWAY_OPTS[*]} -jar $JAR ..."
  start_gateway app "${GATEWAY_OPTS[@]}"
  move_gateway_db app
  local status
  status=$(curl -s -o "$OUT/check.json" -w '%{http_code}' "http://127.0.0.1:$APP_PORT/v1/chat/completions" \
    -H "authorization: Bearer $MASTER_KEY" -H 'content-type: application/json' \
    -d "{\"model\":\"$GATEWAY_MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
  if [ "$status" != 200 ]; then
    log "A request through the gateway failed ($status):"; cat "$OUT/check.json" >&2; exit 1
  fi
  log "Gateway: http://127.0.0.1:$APP_PORT/v1 (pid $APP_PID), ready"
}

# --cold: a fresh JVM started as the README starts it, not waited for: the load client polls its readiness and
# starts the cold profile on the first 200; a watcher moves the embedded PostgreSQL off the gateway's core once the
# gateway is ready (before, its start-up is part of the gateway's).
launch_app_cold() {
  gateway_opts
  log "Starting a fresh gateway (${GW_TASKSET[*]:-unpinned}): MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX java \
${GATEWAY_OPTS[*]} -jar $JAR ..."
  launch_gateway app "${GATEWAY_OPTS[@]}"
  (
    for _ in $(seq 1 3000); do
      curl -sf "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null 2>&1 && break
      kill -0 "$APP_PID" 2>/dev/null || exit 0
      sleep 0.1
    done
    move_gateway_db app
  ) &
}

build_app_if_needed
build_client_if_needed
case "$UPSTREAM" in
  node) start_node_upstream ;;
  sim) start_simulator ;;
  *) echo "--upstream node|sim" >&2; exit 2 ;;
esac
targets=(--target "direct=http://127.0.0.1:$SIM_PORT/v1,$SIM_KEY,$SIM_MODEL" --pid "direct=$SIM_PID")
cold_opts=()
if [ -n "$SWITCHBOARD" ] && [ -n "$COLD" ]; then
  launch_app_cold
  cold_opts=(--cold "$COLD" --ready-url "http://127.0.0.1:$APP_PORT/q/health/ready")
elif [ -n "$SWITCHBOARD" ]; then
  start_app
fi
if [ -n "$SWITCHBOARD" ]; then
  targets+=(--target "switchboard=http://127.0.0.1:$APP_PORT/v1,$MASTER_KEY,$GATEWAY_MODEL"
    --pid "switchboard=$APP_PID")
  if [ -n "$JFR" ] && [ -z "$COLD" ]; then
    jcmd "$APP_PID" JFR.start name=bench settings=profile filename="$PWD/$OUT/gateway.jfr" >/dev/null
    log "JFR recording to $OUT/gateway.jfr"
  fi
fi
[ -n "$OTHER_URL" ] && targets+=(--target "other=$OTHER_URL,$OTHER_KEY,$OTHER_MODEL")

guard_opts=()
[ -n "$GUARD" ] && guard_opts=(--guard-ms 2)
set +e
load_client "${targets[@]}" --scenarios "$SCENARIOS" --modes "$MODES" \
  --duration "$DURATION" --slices "$SLICES" --warmup "$WARMUP" --settle "$SETTLE" --clock-ticks "$(getconf CLK_TCK)" \
  --out "$OUT/proxy.md" --tsv "$OUT/proxy.tsv" "${guard_opts[@]}" "${cold_opts[@]}"
code=$?
set -e
if [ -n "$JFR" ] && [ -n "$APP_PID" ]; then
  jcmd "$APP_PID" JFR.stop name=bench >/dev/null && log "JFR profile: $OUT/gateway.jfr (jfr summary / jfr print)"
fi
echo
echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)), JDK $("$JAVA" -version 2>&1 \
  | head -1 | cut -d'"' -f2), pinning: ${GW_TASKSET[*]:-none} for the gateway, ${OTHER_TASKSET[*]:-none} for the \
rest; CPU ms/req (and the JIT compiler threads' part of it) and RSS: the simulator's on direct rows, the gateway's \
on switchboard rows (JVM only, not its PostgreSQL)"
exit $code
