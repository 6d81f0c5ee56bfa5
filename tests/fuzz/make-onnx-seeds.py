#!/usr/bin/python3
"""make-onnx-seeds.py: writes the cut-down networks of the fuzz-onnx corpus.

The shipped models (models/*.onnx, ~0.5 MB) are too large for a fuzzer to
mutate quickly. These seeds have the same graphs, as PyTorch exports them
(the training script's U-Net: Conv/BatchNorm/ReLU blocks, MaxPool, bilinear
Resize, Concat, Softmax; the denoiser's residual Add; the phase network's
AvgPool input and final Resize; graphene's merging 1x1 convolution) and the
same atomlens.* metadata, but 2 filters per level. The single-operator
models of tests/data/0001-unet-golden are copied beside them.

Development tool (needs torch and onnx): /usr/bin/python3 tests/fuzz/make-onnx-seeds.py
"""
import os
import sys

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models", "train"))
import train  # noqa: E402

OUT = os.path.join(HERE, "corpus", "fuzz-onnx")
TINY = (2, 2, 2, 2)
SEEDS = [  # seed name, shipped model whose metadata it copies, task, downsample
    ("tiny-mos2-atoms", "mos2-atoms", "tmd-atoms", 1),
    ("tiny-graphene-atoms", "graphene-atoms", "graphene-atoms", 1),
    ("tiny-tmd-denoise", "tmd-denoise", "tmd-denoise", 1),
    ("tiny-tmd-phase", "tmd-phase", "tmd-phase", 2),
]


def metadata(model_name):
    m = onnx.load(os.path.join(HERE, "..", "..", "models", model_name + ".onnx"))
    return {p.key: p.value for p in m.metadata_props}


def main():
    torch.manual_seed(1)
    train.FILTERS = TINY
    for seed, shipped, task, down in SEEDS:
        net = train.Net(train.TASKS[task]["n_out"], downsample=down).eval()
        net.export_mode = True
        model = net
        if task in train.MERGE:
            model = train.Merged(net, train.MERGE[task][0], train.TASKS[task]["n_out"]).eval()
        path = os.path.join(OUT, seed + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 1, 32, 32), path, opset_version=14,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {2: "height", 3: "width"},
                                        "output": {2: "height", 3: "width"}})
        m = onnx.load(path)
        for k, v in metadata(shipped).items():
            e = m.metadata_props.add()
            e.key, e.value = k, v
        onnx.save(m, path)
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
