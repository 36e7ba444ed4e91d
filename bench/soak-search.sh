#!/usr/bin/env bash
# Soak: BOMBS concurrent VALUES bombs in a loop + steady ingest and searches, against the real CLI with a file store.
set -u
SECS=${SECS:-60}; BOMBS=${BOMBS:-4}; PORT=${PORT:-4777}; DIR=$(mktemp -d)
node_modules/.bin/node src/cli/main.ts -m mock/demo --port $PORT --trace_store $DIR/traces.db >$DIR/log 2>&1 & GW=$!
until curl -sf localhost:$PORT/health/liveliness >/dev/null; do sleep 0.2; done
V='(VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10))'
BOMB="{\"query\":{\"sql\":\"SELECT count(*) AS n FROM $V a, $V b, $V c, $V d, $V e, $V f, $V g, $V h, $V i, $V j\",\"start_time\":0,\"end_time\":1152921504606846976}}"
END=$((SECONDS + SECS))
for b in $(seq $BOMBS); do (while [ $SECONDS -lt $END ]; do curl -s -o /dev/null -w 'bomb %{http_code} %{time_total}\n' -H 'content-type: application/json' -d "$BOMB" localhost:$PORT/api/default/_search?type=traces; done) & done
(i=0; while [ $SECONDS -lt $END ]; do i=$((i+1)); ns=$(date +%s%N); curl -s -o /dev/null -w 'ingest %{http_code} %{time_total}\n' -H 'content-type: application/json' -d "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"$(printf %032x $i)\",\"spanId\":\"$(printf %016x $i)\",\"name\":\"soak\",\"startTimeUnixNano\":\"$ns\",\"endTimeUnixNano\":\"$ns\"}]}]}]}" localhost:$PORT/api/default/v1/traces; sleep 0.1; done) &
(while [ $SECONDS -lt $END ]; do curl -s -o /dev/null -w 'search %{http_code} %{time_total}\n' -H 'content-type: application/json' -d '{"query":{"sql":"SELECT count(*) AS n FROM \"default\"","start_time":0,"end_time":1152921504606846976}}' localhost:$PORT/api/default/_search?type=traces; sleep 0.5; done) &
wait $(jobs -p | grep -v "^$GW$") 2>/dev/null
ps -o pid=,rss=,args= --ppid $GW | grep search-process
kill $GW; wait $GW; sleep 1; pgrep -f "$DIR/traces.db" && echo "LEFTOVER search processes" || echo "no search process left"
