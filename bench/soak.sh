#!/usr/bin/env bash
# Memory soak: the gateway (production mode, pinned to the last CPU, AOT cache when up to date) under closed-loop load
# from the Java load client for a long run, half plain and half streamed calls, with its RSS sampled every 10 s. Prints
# the RSS at start, end and peak and the trend (least-squares slope, MB per minute) over the second half of the run,
# when the heap has found its size: a flat line is what a gateway without leaks shows.
#
#   bench/soak.sh                         # 600 s at 64 connections
#   bench/soak.sh --duration 1800 --conns 16
#
# RSS samples: target/bench/soak-rss.tsv (seconds, RSS MB, anonymous RSS MB). JVM options: GATEWAY_JAVA_OPTS
# (bench/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench
# shellcheck source=bench/lib.sh
. bench/lib.sh
MASTER_KEY=sk-bench-master-key
DURATION=600
CONNS=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
build_app_if_needed
build_client_if_needed
pin_cpus

SIM_PID= APP_PID= SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_started
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_simulator
aot=$(aot_cache_opts)
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of JVM options
start_gateway soak-app $GATEWAY_JAVA_OPTS $aot
log "Gateway pid $APP_PID (${GW_TASKSET[*]:-unpinned}, $GATEWAY_JAVA_OPTS ${aot:-no AOT cache}); $DURATION s at \
$CONNS connections"

# RSS every 10 s, from the moment load starts: all of it, and its anonymous part (heap, code, threads: what the process
# itself allocated, without the AOT cache and jars mapped from files, which the page cache can share and drop)
started=$(date +%s)
( while kill -0 "$APP_PID" 2>/dev/null; do
    printf '%d\t%s\n' $(($(date +%s) - started)) \
      "$(awk '/^VmRSS:/ {r = int($2 / 1024)} /^RssAnon:/ {a = int($2 / 1024)} END {print r "\t" a}' \
        "/proc/$APP_PID/status")"
    sleep 10
  done ) > "$OUT/soak-rss.tsv" &
SAMPLER_PID=$!

# rounds of 30 s plain then 30 s streamed, so that both kinds of call run all through the soak
half=$((DURATION / 2))
rounds=$(((DURATION + 59) / 60))
for round in $(seq 1 "$rounds"); do
  load_client --target "switchboard=http://127.0.0.1:$APP_PORT/v1,$MASTER_KEY,openai/gpt-4.1" \
    --pid "switchboard=$APP_PID" --scenarios "conns:$CONNS" --modes plain,stream --duration 30 --slices 1 --warmup 0 \
    --clock-ticks "$(getconf CLK_TCK)" --out "$OUT/soak.md" > "$OUT/soak-load.log" 2>&1 \
    || { log "The load client failed:"; tail -20 "$OUT/soak-load.log" >&2; exit 1; }
  rss=$(tail -1 "$OUT/soak-rss.tsv")
  log "round $round/$rounds: $(grep '^| plain' "$OUT/soak.md" | cut -d'|' -f4,11 | xargs) req/s, errors (plain);" \
    "$(grep '^| stream' "$OUT/soak.md" | cut -d'|' -f4,11 | xargs) (stream);" \
    "RSS $(echo "$rss" | cut -f2) MB (anonymous $(echo "$rss" | cut -f3))"
done
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
echo
summary() { # column label
  awk -F'\t' -v half="$half" -v col="$1" -v label="$2" '
    { t[NR] = $1; r[NR] = $col; if ($col > peak) peak = $col }
    END {
      n = 0; sx = sy = sxx = sxy = 0
      for (i = 1; i <= NR; i++)
        if (t[i] >= half) { n++; sx += t[i]; sy += r[i]; sxx += t[i] * t[i]; sxy += t[i] * r[i] }
      slope = (n > 1 && n * sxx - sx * sx != 0) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 60 : 0
      printf "%s MB: %d at start of load, %d at the end, peak %d;", label, r[1], r[NR], peak
      printf " trend over the second half: %+.2f MB/min (%d samples)\n", slope, n
    }' "$OUT/soak-rss.tsv"
}
summary 2 "RSS"
summary 3 "RSS anonymous"
