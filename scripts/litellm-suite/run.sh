#!/usr/bin/env bash
# Runs LiteLLM's own end-to-end suite (v1.81.13) against Tollgate, the way LiteLLM's CI runs it against
# the LiteLLM Proxy: the proxy on port 4000 with master key sk-1234, started with LiteLLM's
# proxy_server_config.yaml for tests/*.py and with its otel_test_config.yaml for tests/otel_tests/, and
# pytest calling http://0.0.0.0:4000. Every upstream is a local mock (mock-upstream.ts). See
# docs/litellm-suite.md.
#
#   LITELLM_DIR=/path/to/litellm scripts/litellm-suite/run.sh [pytest -k expression]
#
# Get a checkout once (the script itself fetches nothing but the suite's Python packages, via pip):
#   git clone https://github.com/BerriAI/litellm && git -C litellm checkout v1.81.13
#
# Environment:
#   LITELLM_DIR   the LiteLLM checkout (required)
#   OUT_DIR       where results go (default: $TMPDIR/tollgate-litellm-suite); emptied first
#   SUITE_CACHE   the cached Python venv's parent (default: ~/.cache/tollgate-litellm-suite)
#   PHASES        which runs: "main otel" (default), "main" or "otel"
#   TEST_TIMEOUT  seconds a test may take (default 180: some tests sleep 70 s waiting for budget resets)
#   PORT_WAIT     seconds to wait for port 4000 to be free (default 60)
#   DATABASE_URL  passed to the gateway as is; unset, it keeps its own SQLite database (fresh each phase)
#   PYTHON        the Python that creates the venv (default python3, >= 3.9)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/litellm-suite"
NODE="$ROOT/node_modules/.bin/node"
[[ -x $NODE ]] || NODE=node
PORT=4000
MASTER_KEY=sk-1234
: "${OUT_DIR:=${TMPDIR:-/tmp}/tollgate-litellm-suite}"
: "${SUITE_CACHE:=$HOME/.cache/tollgate-litellm-suite}"
: "${PHASES:=main otel}"
: "${TEST_TIMEOUT:=180}"
: "${PORT_WAIT:=60}"
: "${PYTHON:=python3}"
K_EXPR=${1:-}

MAIN_TESTS=(tests/test_keys.py tests/test_users.py tests/test_team.py tests/test_team_members.py
  tests/test_organizations.py tests/test_end_users.py tests/test_budget_management.py tests/test_spend_logs.py
  tests/test_models.py tests/test_openai_endpoints.py tests/test_fallbacks.py tests/test_health.py)
OTEL_TESTS=(tests/otel_tests)
MAIN_CONFIG=proxy_server_config.yaml
OTEL_CONFIG=litellm/proxy/example_config_yaml/otel_test_config.yaml

die() {
  echo "litellm-suite: $*" >&2
  exit 1
}
log() { echo "litellm-suite: $*" >&2; }

[[ -n ${LITELLM_DIR:-} ]] || die "set LITELLM_DIR to a LiteLLM checkout at v1.81.13 (see the top of this script)"
LITELLM_DIR=$(cd "$LITELLM_DIR" && pwd)
for f in "${MAIN_TESTS[@]}" "$MAIN_CONFIG" "$OTEL_CONFIG" litellm/__init__.py; do
  [[ -e $LITELLM_DIR/$f ]] || die "$LITELLM_DIR/$f is missing: is LITELLM_DIR a LiteLLM checkout at v1.81.13?"
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$LITELLM_DIR/pyproject.toml" 2>/dev/null | head -1)
[[ $version == 1.81.13 ]] || log "warning: LITELLM_DIR is LiteLLM ${version:-of unknown version}, not 1.81.13"

# --- the suite's Python packages, in a cached venv -------------------------------------------------
# CI pins pytest 7.3.1 and pytest-asyncio 0.21.1; any pytest >= 7 and pytest-asyncio >= 0.21 run these
# tests alike (every async test is marked). The rest is what `import litellm` and the tests import.
VENV="$SUITE_CACHE/venv"
PACKAGES=(pytest pytest-asyncio pytest-timeout aiohttp 'openai>=2.8,<3' httpx pydantic tiktoken tokenizers
  jinja2 jsonschema python-dotenv click importlib-metadata requests fastapi pyyaml prometheus-client
  backoff orjson)
STAMP="$VENV/.tollgate-suite-packages"
if [[ ! -x $VENV/bin/python || $(cat "$STAMP" 2>/dev/null) != "${PACKAGES[*]}" ]]; then
  log "creating the Python venv in $VENV (once)"
  mkdir -p "$SUITE_CACHE"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "${PACKAGES[@]}"
  # litellm imports fastuuid for speed only; where no wheel of it can be had, the standard uuid serves.
  if ! "$VENV/bin/python" -c 'import fastuuid' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet fastuuid 2>/dev/null ||
      echo 'from uuid import *  # noqa: F403 (stand-in for fastuuid)' >"$("$VENV/bin/python" -c 'import site; print(site.getsitepackages()[0])')/fastuuid.py"
  fi
  echo "${PACKAGES[*]}" >"$STAMP"
fi
PY="$VENV/bin/python"

# --- processes we start, stopped on every exit -----------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_group() {
  local pid=$1 rest=()
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || rest+=("$p"); done
  PIDS=("${rest[@]}")
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
log "results in $OUT_DIR"

# --- the mock upstream ---------------------------------------------------------------------------
setsid "$NODE" "$HERE/mock-upstream.ts" --port 0 --log "$OUT_DIR/mock-requests.log" >"$OUT_DIR/mock.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q '^listening ' "$OUT_DIR/mock.out" && break; sleep 0.1; done
MOCK_PORT=$(sed -n 's/^listening //p' "$OUT_DIR/mock.out")
[[ -n $MOCK_PORT ]] || die "the mock upstream did not start: $(cat "$OUT_DIR/mock.out")"
MOCK="http://127.0.0.1:$MOCK_PORT"
log "mock upstream on $MOCK"

# Provider keys the config or the gateway read from the environment: placeholders where unset (every
# api_base points at the mock, so no key leaves this machine).
for name in OPENAI_API_KEY AZURE_API_KEY ANTHROPIC_API_KEY GROQ_API_KEY MISTRAL_API_KEY GEMINI_API_KEY \
  GOOGLE_API_KEY COHERE_API_KEY; do
  export "$name=${!name:-mock-key}"
done
# OpenAI itself, where LiteLLM calls it without a model_list entry (moderations for a model the list
# lacks): the mock too, so nothing leaves this machine.
export OPENAI_BASE_URL="$MOCK/openai/v1" OPENAI_API_BASE="$MOCK/openai/v1"

# Starts the gateway on the config derived from $1 (LiteLLM's), in directory $2. Entries the gateway
# refuses at start-up (a provider it does not support) are dropped one by one and listed in $2/dropped.txt.
start_gateway() {
  local source=$1 dir=$2 drops=() out idx orig
  : >"$dir/dropped.txt"
  for _ in $(seq 40); do
    "$NODE" "$HERE/make-config.ts" --in "$source" --out "$dir/config.yaml" --mock "$MOCK" "${drops[@]}"
    waited=0
    while port_busy "$PORT"; do
      ((waited < PORT_WAIT)) || die "port $PORT is still busy after ${PORT_WAIT}s; stop what listens there and rerun"
      ((waited == 0)) && log "port $PORT is busy; waiting up to ${PORT_WAIT}s"
      sleep 2
      waited=$((waited + 2))
    done
    (cd "$dir" && LITELLM_MASTER_KEY=$MASTER_KEY exec setsid "$NODE" "$ROOT/bin/tollgate.js" \
      --config "$dir/config.yaml" --host 127.0.0.1 --port "$PORT") >"$dir/tollgate.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 300); do
      kill -0 "$pid" 2>/dev/null || break
      # Its own banner, not just an answer on the port: another gateway may have taken the port between
      # the check above and this start, and the tests must not run against that one.
      grep -q 'is listening on' "$dir/tollgate.log" &&
        curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/liveliness" 2>/dev/null && return 0
      sleep 0.1
    done
    stop_group "$pid"
    out=$(head -c 2000 "$dir/tollgate.log")
    idx=$(grep -oE 'model_list\[[0-9]+\]' <<<"$out" | head -1 | tr -dc 0-9)
    [[ -n $idx ]] || die "the gateway did not start: $out"
    orig=$(sed -n "$((idx + 1))p" "$dir/config.yaml.entries")
    printf 'model_list[%s]: %s\n' "$orig" "$(grep -m1 'model_list\[' <<<"$out" | sed 's/^.*model_list\[[0-9]*\]\.//' | cut -c1-120)" \
      >>"$dir/dropped.txt"
    drops+=(--drop "$orig")
  done
  die "the gateway did not start after dropping ${#drops[@]} entries: $out"
}

run_phase() {
  local phase=$1 config=$2 && shift 2
  local dir="$OUT_DIR/$phase"
  mkdir -p "$dir"
  log "[$phase] starting the gateway with LiteLLM's $config"
  start_gateway "$LITELLM_DIR/$config" "$dir"
  [[ -s $dir/dropped.txt ]] && sed "s/^/litellm-suite: [$phase] left out (the gateway refuses it): /" "$dir/dropped.txt" >&2
  local pid=${PIDS[-1]}
  log "[$phase] pytest ${*}"
  local k_args=()
  [[ -n $K_EXPR ]] && k_args=(-k "$K_EXPR")
  (cd "$LITELLM_DIR" && PYTHONDONTWRITEBYTECODE=1 LITELLM_LOCAL_MODEL_COST_MAP=True \
    "$PY" -m pytest -vv -p no:cacheprovider -W ignore::DeprecationWarning --timeout="$TEST_TIMEOUT" \
    --junitxml="$dir/junit.xml" -o junit_family=xunit1 -o junit_logging=all "${k_args[@]}" "$@") >"$dir/pytest.log" 2>&1 || true
  tail -n 1 "$dir/pytest.log" | sed "s/^/litellm-suite: [$phase] /" >&2
  stop_group "$pid"
}

started=$(date +%s)
for phase in $PHASES; do
  case $phase in
  main) run_phase main "$MAIN_CONFIG" "${MAIN_TESTS[@]}" ;;
  otel) run_phase otel "$OTEL_CONFIG" "${OTEL_TESTS[@]}" ;;
  *) die "unknown phase $phase (main, otel)" ;;
  esac
done
cleanup

"$PY" "$HERE/summarize.py" "$OUT_DIR" "$(($(date +%s) - started))" $PHASES
