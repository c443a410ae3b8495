#!/usr/bin/env bash
# Command-line behaviour of neuron-run, neuron-dump and neuron-ls.
# usage: tools.sh NEURON_RUN NEURON_DUMP FIXTURES TMPDIR NEURON_LS
set -u
RUN=$1 DUMP=$2 FIX=$3 T=$4 LS=$5
rm -rf "$T" && mkdir -p "$T/out"
"$FIX" "$T" || exit 1
fails=0
check() { # check NAME EXPECTED_STATUS PATTERN -- command...
  local name=$1 want=$2 pat=$3; shift 4
  local out status
  out=$("$@" 2>&1); status=$?
  if [ "$status" != "$want" ] || ! grep -qE -- "$pat" <<<"$out"; then
    echo "FAIL: $name (status $status, want $want; pattern '$pat')"; echo "$out" | sed 's/^/  | /'
    fails=$((fails + 1))
  else
    echo "ok: $name"
  fi
}
check "run writes outputs" 0 "output 1 'hidden': f32\[2, 16\]" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --output-dir "$T/out"
[ -f "$T/out/output0.npy" ] && [ -f "$T/out/output1.npy" ] || { echo "FAIL: output files missing"; fails=$((fails + 1)); }
check "check passes" 0 "output 0 'probs': OK" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/expected0.npy" --check "$T/expected1.npy"
check "written outputs match" 0 "OK" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/out/output0.npy" --check "$T/out/output1.npy" --rtol 0 --atol 0
check "check fails with worst element" 1 "MISMATCH \(1 of 8 elements.*worst at \[1, 1\]" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/wrong.npy" --check "$T/expected1.npy"
check "atol scales with the output" 0 "output 0 'y': OK \(0 of 4 elements outside rtol 0.0001 atol 0.03\)" -- "$RUN" "$T/scale.neff" --input "$T/scale-x.npy" --check "$T/scale-ref.npy"
check "an explicit atol is absolute" 1 "output 0 'y': MISMATCH \(1 of 4 elements.*worst at \[0, 0\]" -- "$RUN" "$T/scale.neff" --input "$T/scale-x.npy" --check "$T/scale-ref.npy" --atol 1e-5
check "json check" 1 '"check": \{"ok": false' -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/wrong.npy" --check "$T/expected1.npy" --json
check "named outputs" 0 "probs.npy" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --output-dir "$T/out" --name-outputs
check "bench" 0 "throughput: .* inferences/s" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 20
check "bench json" 0 '"p99"' -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 5 --json
# Pipeline runs reserve NeuronCores: use a private lock directory and 4 logical cores.
export NEURON_RT_LOCK_DIR="$T/locks" NEURON_RT_HOST_CORES=4
check "pipeline check" 0 "output 0 'probs': OK" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/expected0.npy" --check "$T/expected1.npy" --pipeline
check "pipeline bench" 0 "pipeline, 2 stage\(s\) x 2 replica\(s\)" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 50 --pipeline --num-cores 4 --concurrency 3
check "pipeline bad group" 1 "must be a multiple of 2" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline --num-cores 3
check "pipeline cores taken" 1 "NeuronCore\(s\) not available - Requested:0-1 Available:0,2-3" -- env NEURON_RT_VISIBLE_CORES=0-1 bash -c 'exec 9>"$NEURON_RT_LOCK_DIR/core1.lock"; flock -n 9 && "$0" "$@"' "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline
check "pipeline malformed env" 1 "NEURON_RT_NUM_CORES: malformed value 'two'" -- env NEURON_RT_NUM_CORES=two "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline
check "concurrency needs a mode" 2 "--concurrency needs --mode pipeline or data-parallel" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --concurrency 2
check "mode pipeline" 0 "pipeline, 2 stage\(s\) x 1 replica\(s\)" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 20 --mode pipeline
check "pipeline busy per core" 0 "core busy %: nc:0 \(cpu [0-9]+\) [0-9.]+ nc:1 \(cpu [0-9]+\) [0-9.]+$" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 20 --mode pipeline
check "dp check" 0 "output 0 'probs': OK" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/expected0.npy" --check "$T/expected1.npy" --mode data-parallel --device-ids 0,nc:1
check "dp bench batch" 0 "data-parallel, 2 device\(s\) nc:1,nc:3, batch 7" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 10 --mode data-parallel --device-ids nc:1,3 --batch 7 --concurrency 3
check "dp busy per core" 0 "core busy %: nc:0 .* nc:3 " -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 10 --mode data-parallel
check "dp bench json" 0 '"core_busy": \[\{"core": 0, "cpu": [0-9]+, "busy_pct": [0-9.e+-]+\}, \{"core": 1' -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 10 --mode data-parallel --device-ids 0,1 --batch 3 --json
check "dp samples" 0 "inferences/s \([0-9.e+]+ samples/s\)" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 10 --mode data-parallel --batch 5
check "dp batch tiles rows" 0 "output 0 'probs': f32\[5, 4\]" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel --batch 5
check "dp bad device" 1 "device id 'gpu:1' is not an index or 'nc:#'" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel --device-ids 0,gpu:1
check "dp device not visible" 1 "device nc:9 is not visible" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel --device-ids 9
check "dp devices of 2 cores" 0 "data-parallel, 2 device\(s\) nc:0-1,nc:2-3, batch 6" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --bench --requests 10 --mode data-parallel --cores-per-device 0 --batch 6
check "dp devices of 2 cores check" 0 "output 0 'probs': OK" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --check "$T/expected0.npy" --check "$T/expected1.npy" --mode data-parallel --cores-per-device 2 --device-ids 1
check "dp device group does not fit" 1 "3 cores per device do not fit model 'mlp' of 2 stages" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel --cores-per-device 3
check "cores-per-device needs dp" 2 "--cores-per-device needs --mode data-parallel" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline --cores-per-device 2
check "bad mode" 2 "--mode expects pipeline, data-parallel or single" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode model-parallel
check "conflicting modes" 2 "conflicting modes" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline --mode data-parallel
check "batch needs dp" 2 "--device-ids and --batch need --mode data-parallel" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --pipeline --batch 4
check "num-cores needs pipeline" 2 "--num-cores needs --mode pipeline" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --num-cores 2
# neuron-ls: who holds which core. A flock holder that writes its pid like
# the runtime does, then a real neuron-run holding core 1 while it benchmarks.
check "ls all free" 0 "^3 +[0-9]+ +free +-" -- "$LS"
bash -c 'exec 9>"$NEURON_RT_LOCK_DIR/core2.lock"; flock -n 9 && echo $$ >&9 && exec sleep 60' &
holder=$!
bash -c 'exec 9>"$NEURON_RT_LOCK_DIR/core3.lock"; echo 999999 >&9' # stale: a dead pid, no lock
NEURON_RT_VISIBLE_CORES=1 "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel --bench --requests 100000000 >/dev/null 2>&1 &
runner=$!
for _ in $(seq 100); do "$LS" | grep -q "^1 .* $runner " && "$LS" | grep -q "^2 .* $holder " && break; sleep 0.1; done
check "ls shows the holder" 0 "^2 +[0-9]+ +held +$holder +sleep 60$" -- "$LS"
check "ls shows neuron-run" 0 "^1 +[0-9]+ +held +$runner +[^ ]*neuron-run $T/mlp.neff --input" -- "$LS"
check "ls stale file is free" 0 "^3 +[0-9]+ +free +-" -- "$LS"
check "ls json" 0 "\{\"core\": 1, \"cpu\": [0-9]+, \"held\": true, \"pid\": $runner, \"command\": \"[^\"]*neuron-run " -- "$LS" --json
check "core held by neuron-run is refused" 1 "Requested:1 Available:0,3" -- env NEURON_RT_VISIBLE_CORES=1 "$RUN" "$T/mlp.neff" --input "$T/x.npy" --mode data-parallel
kill "$runner" "$holder"; wait "$runner" "$holder" 2>/dev/null
check "ls released after kill" 0 "^1 +[0-9]+ +free +-" -- "$LS"
check "ls usage" 2 "usage: neuron-ls" -- "$LS" --bogus
unset NEURON_RT_LOCK_DIR NEURON_RT_HOST_CORES
check "wrong input count" 1 "has 1 inputs, 2 --input given" -- "$RUN" "$T/mlp.neff" --input "$T/x.npy" --input "$T/x.npy"
check "wrong input shape" 1 "expected f32\[2, 8\], got f32\[2, 16\]" -- "$RUN" "$T/mlp.neff" --input "$T/expected1.npy"
check "truncated npy" 1 "truncated data" -- "$RUN" "$T/mlp.neff" --input "$T/bad.npy"
check "missing npy" 1 "cannot open" -- "$RUN" "$T/mlp.neff" --input "$T/nope.npy"
check "missing model" 1 "cannot open" -- "$RUN" "$T/nope.neff" --input "$T/x.npy"
check "usage" 2 "usage:" -- "$RUN" --bogus
check "dump" 0 "stage  core" -- "$DUMP" "$T/mlp.neff"
check "dump options" 0 "neuroncore-pipeline-cores = 2" -- "$DUMP" "$T/mlp.neff"
check "dump json" 0 '"stages": \[\{"index": 0, "core": 0, "ops": 2' -- "$DUMP" "$T/mlp.neff" --json
check "dump verify" 0 "verify: OK" -- "$DUMP" "$T/mlp.neff" --verify
cp "$T/mlp.neff" "$T/corrupt.neff"
printf '\xff' | dd of="$T/corrupt.neff" bs=1 seek=700 conv=notrunc status=none
check "dump corrupt" 1 "checksum mismatch" -- "$DUMP" "$T/corrupt.neff"
check "run corrupt" 1 "checksum mismatch" -- "$RUN" "$T/corrupt.neff" --input "$T/x.npy"
head -c 100 "$T/mlp.neff" > "$T/short.neff"
check "dump truncated" 1 "truncated" -- "$DUMP" "$T/short.neff"
[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
