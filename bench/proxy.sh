#!/usr/bin/env bash
# Proxy overhead benchmark (not a test; `mvn verify` never runs it). Builds if needed, starts the standalone simulated
# upstream (fixed 5 ms TTFT, 16 tokens at 1000 tok/s, no faults), starts the packaged app in production mode in front
# of it (provider `openai` pointed at the simulator, a master key, no prober, no demo mode, a throw-away embedded
# PostgreSQL under target/bench), then runs the Java load client (src/test/java/dev/switchboard/bench/ProxyLoad.java,
# Vert.x client + HdrHistogram) against the simulator directly and through the gateway, interleaved in time slices,
# and prints a Markdown table: req/s, latency p50/p90/p99/p99.9, stream TTFT p50/p99, errors, CPU per request and
# RSS peak of the gateway (from /proc), and the overhead (gateway minus direct) per percentile.
#
#   bench/proxy.sh                      # all scenarios: plain and stream x 100/500/2000 req/s, 16/64 connections
#   bench/proxy.sh --guard              # regression guard (< 2 min): exits 3 when overhead p99 at 500 req/s > 2 ms
#   bench/proxy.sh --duration 30        # seconds per scenario, mode and target (default 10)
#   bench/proxy.sh --settle 0           # no extra warm-up until the gateway's JIT is quiet (default: up to 120 s)
#   bench/proxy.sh --scenarios rate:500,conns:64 --modes plain
#   bench/proxy.sh --jfr                # also records a JFR profile of the gateway: target/bench/gateway.jfr
#   bench/proxy.sh --no-aot             # without the AOT cache of bench/aot-cache.sh (used when up to date)
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
JFR=
PIN=1
SWITCHBOARD=1
OTHER_URL= OTHER_KEY= OTHER_MODEL=
AOT=1

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --guard) GUARD=1; SCENARIOS=rate:500; DURATION=10; WARMUP=5; SLICES=4; SETTLE=8 ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --slices) SLICES=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --jfr) JFR=1 ;;
    --no-pin) PIN= ;;
    --no-aot) AOT= ;;
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

start_app() {
  local opts=()
  [ -n "$JFR" ] && opts+=(-XX:+FlightRecorder)
  if [ -n "$AOT" ]; then
    if [ -n "$(aot_cache_opts)" ]; then
      opts+=("$(aot_cache_opts)")
      log "With the AOT cache target/quarkus-app/app.aot (faster start and JIT warm-up; --no-aot: without)"
    else
      log "No up-to-date AOT cache (bench/aot-cache.sh builds one): the gateway's JIT starts cold"
    fi
  fi
  log "Starting the gateway (${GW_TASKSET[*]:-unpinned}) ..."
  # shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of JVM options
  start_gateway app $GATEWAY_JAVA_OPTS "${opts[@]}"
  # the embedded PostgreSQL inherited the gateway's CPU: move it (and its backends) off the gateway's core
  if [ ${#OTHER_TASKSET[@]} -gt 0 ] && [ -f "$OUT/app-pg/postmaster.pid" ]; then
    local pg_pid
    pg_pid=$(head -1 "$OUT/app-pg/postmaster.pid")
    for p in $pg_pid $(ps -o pid= --ppid "$pg_pid" 2>/dev/null); do
      taskset -a -p -c "${OTHER_TASKSET[2]}" "$p" >/dev/null 2>&1 || true
    done
  fi
  local status
  status=$(curl -s -o "$OUT/check.json" -w '%{http_code}' "http://127.0.0.1:$APP_PORT/v1/chat/completions" \
    -H "authorization: Bearer $MASTER_KEY" -H 'content-type: application/json' \
    -d "{\"model\":\"$GATEWAY_MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
  if [ "$status" != 200 ]; then
    log "A request through the gateway failed ($status):"; cat "$OUT/check.json" >&2; exit 1
  fi
  log "Gateway: http://127.0.0.1:$APP_PORT/v1 (pid $APP_PID), ready"
}

build_app_if_needed
build_client_if_needed
start_simulator
targets=(--target "direct=http://127.0.0.1:$SIM_PORT/v1,$SIM_KEY,$SIM_MODEL" --pid "direct=$SIM_PID")
if [ -n "$SWITCHBOARD" ]; then
  start_app
  targets+=(--target "switchboard=http://127.0.0.1:$APP_PORT/v1,$MASTER_KEY,$GATEWAY_MODEL"
    --pid "switchboard=$APP_PID")
  if [ -n "$JFR" ]; then
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
  --out "$OUT/proxy.md" --tsv "$OUT/proxy.tsv" "${guard_opts[@]}"
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
