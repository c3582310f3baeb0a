#!/usr/bin/env python3
"""Checks that a safetensors file written by vecrnn (dev.vecrnn.io.Safetensors.write) is read by
Hugging Face's safetensors library with PyTorch, and writes a modified copy for vecrnn to read back.

    python bench/safetensors_roundtrip.py IN.safetensors [OUT.safetensors]

It loads IN with safetensors.torch.load_file, prints every tensor's name, dtype, shape and first
values, and the __metadata__; then saves OUT (default: IN with ".py.safetensors") with
save_file(..., metadata=...): every tensor plus one (so a reader can tell the copy was rewritten),
a new 2x3 tensor "python.added" = [[0, 1, 2], [3, 4, 5]], and the metadata plus
"written_by": "safetensors-python" and a non-ASCII entry "note": "été ✓". Not run by the tests:
it needs torch and safetensors, which the library does not depend on.
"""
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src = argv[1]
    dst = argv[2] if len(argv) == 3 else src.rsplit(".safetensors", 1)[0] + ".py.safetensors"

    tensors = load_file(src)
    with safe_open(src, framework="pt") as f:
        metadata = f.metadata() or {}
        order = list(f.keys())
    print(f"read {src}: {len(tensors)} tensors")
    for name in order:
        t = tensors[name]
        head = t.flatten()[:4].tolist()
        print(f"  {name!r}: dtype={t.dtype} shape={list(t.shape)} first={head}")
    print(f"  metadata: {metadata!r}")

    out = {name: (t + 1).contiguous() for name, t in tensors.items()}
    out["python.added"] = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    meta = dict(metadata)
    meta["written_by"] = "safetensors-python"
    meta["note"] = "été ✓"
    save_file(out, dst, metadata=meta)
    print(f"wrote {dst}: {len(out)} tensors (each input + 1, and python.added), metadata {meta!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
