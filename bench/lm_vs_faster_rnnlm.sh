#!/usr/bin/env bash
# vecrnn's language models beside yandex/faster-rnnlm on the nlp-corpus split, one thread each, one
# after the other on the same CPU (a lock file keeps timed runs from overlapping).
#
# Usage: [OUTPUT=hs|class|full] bench/lm_vs_faster_rnnlm.sh [EPOCHS] [LR]
#   OUTPUT is vecrnn's output layer (train-lm --output; default hs, the peer's kind)
#   needs ../shared/peers (corpora/prepare-nlp-corpus.sh, faster-rnnlm/build.sh and run.sh) and a
#   faster-rnnlm binary built by build.sh; the corpus is made in $NLP (default /tmp/nlp).
# The peer's run.sh maps training singletons and unseen valid/test words to <unk> in a copy of the data;
# vecrnn trains on that same copy, so both have the same vocabulary (29,760 words + end of sentence).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-12}"
LR="${2:-10}"
PEERS="${PEERS:-../shared/peers}"
NLP="${NLP:-/tmp/nlp}"
CPU="${CPU:-1}"
OUTPUT="${OUTPUT:-hs}"
LOCK="${CPU_LOCK:-/tmp/bench.lock}"
export CPU_LOCK="$LOCK" CPU
[ -f "$NLP/train.txt" ] || bash "$PEERS/corpora/prepare-nlp-corpus.sh" "$NLP"
for model in scrn sigmoid; do
  bash "$PEERS/faster-rnnlm/run.sh" "$NLP" "$model" > "/tmp/frnn-$model.log" 2>&1
  grep SUMMARY "/tmp/frnn-$model.log" | sed "s/^/faster-rnnlm $model: /"
  data="/tmp/frnn/runs/$(basename "$NLP")-$model/data"
  if [ "$model" = scrn ]; then args=(--model scrn --hidden 60 --context 40); else args=(--model elman --hidden 100); fi
  start=$(date +%s.%N)
  flock "$LOCK" taskset -c "$CPU" ./vecrnn train-lm "${args[@]}" --output "$OUTPUT" --threads 1 --epochs "$EPOCHS" --lr "$LR" \
      --train "$data/train.txt" --valid "$data/valid.txt" --test "$data/test.txt" --out "/tmp/vecrnn-$model.vrnn" \
      --json --quiet > "/tmp/vecrnn-$model.json" 2> "/tmp/vecrnn-$model.err"
  end=$(date +%s.%N)
  python3 - "$model" "$start" "$end" "/tmp/vecrnn-$model.json" "/tmp/vecrnn-$model.err" "$OUTPUT" "/tmp/frnn-$model.log" <<'PY'
import json, re, sys
model, start, end, js, err = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
epochs = [json.loads(l) for l in open(js) if l.startswith("{")]
# When the peer's final valid perplexity is first reached: epoch and training seconds so far (the
# peer's final test perplexity is measured once, so its valid one is the yardstick per epoch).
peer_log = open(sys.argv[7]).read()
peer = re.search(r"final-model valid entropy [0-9.]+ ppl ([0-9.]+)", peer_log)
peer_train = re.search(r"train time ([0-9.]+)s \| wall time ([0-9.]+)s", peer_log)
if peer and peer_train:
    goal, so_far, reached = float(peer.group(1)), 0.0, None
    for e in epochs:
        so_far += e["seconds"]
        if reached is None and e["valid_perplexity"] <= goal:
            reached = (e["epoch"], so_far)
    print(f"  peer's final valid ppl {goal:.2f} (peer train {peer_train.group(1)}s, wall {peer_train.group(2)}s): "
          + (f"reached by vecrnn at epoch {reached[0]} after {reached[1]:.1f}s of training" if reached
             else "not reached by vecrnn"))
rates = sorted(e["tokens_per_s"] for e in epochs)
test = re.search(r"test perplexity ([0-9.]+)", open(err).read())
print(f"vecrnn {model} ({sys.argv[6]}): epochs {len(epochs)} | tokens/s median {rates[len(rates)//2]:,.0f} "
      f"(min {rates[0]:,.0f}, max {rates[-1]:,.0f}) | train time {sum(e['seconds'] for e in epochs):.1f}s "
      f"| wall time {end - start:.1f}s | best valid ppl {min(e['valid_perplexity'] for e in epochs):.2f} "
      f"| test ppl {test.group(1) if test else '?'}")
PY
done
