#!/usr/bin/python3
"""reference_unet.py: the reference U-Net of AtomLens's inference engine.

Defines a U-Net of the kind AtomAI trains for atom finding (Ziatdinov et al.,
ACS Nano 11, 12742 (2017); AtomAI's `Unet`): 4 resolution levels with
16/32/64/128 filters, two 3x3 conv + BatchNorm + ReLU per block, 2x2 max-pool
down, bilinear 2x up-sampling + concatenation of the skip, a 1x1 head.

It exports the network to ONNX with AtomLens metadata (DESIGN.md section 4)
and writes the golden input/output pairs and per-operator micro-models that
tests/core/nn reads. A development tool only: nothing at run time needs torch.

  /usr/bin/python3 models/train/reference_unet.py --out tests/data/0001-unet-golden
"""
import argparse
import os
import sys
import struct

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261125
FILTERS = (16, 32, 64, 128)


class ConvBlock(nn.Module):
    """Two 3x3 convolutions, each followed by BatchNorm and ReLU."""

    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.b2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(x)))


class UNet(nn.Module):
    """AtomAI-style U-Net: 3 max-pools, so inputs must be multiples of 8."""

    def __init__(self, in_channels=1, n_classes=3, filters=FILTERS):
        super().__init__()
        f = filters
        self.down = nn.ModuleList([ConvBlock(in_channels, f[0]), ConvBlock(f[0], f[1]),
                                   ConvBlock(f[1], f[2])])
        self.bottom = ConvBlock(f[2], f[3])
        self.up = nn.ModuleList([ConvBlock(f[3] + f[2], f[2]), ConvBlock(f[2] + f[1], f[1]),
                                 ConvBlock(f[1] + f[0], f[0])])
        self.head = nn.Conv2d(f[0], n_classes, 1)

    def forward(self, x):
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for block, skip in zip(self.up, reversed(skips)):
            # scale_factor (not size=skip.shape) keeps the export free of
            # Shape/Gather chains: Resize gets constant scales.
            x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], dim=1))
        return torch.softmax(self.head(x), dim=1)


def randomise_batchnorm(model, gen):
    """Untrained BatchNorm is the identity; give it real statistics so the
    export (and our folding of it) is actually exercised."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def make_unet(in_channels=1, n_classes=3):
    gen = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)
    model = UNet(in_channels, n_classes)
    randomise_batchnorm(model, gen)
    return model.eval()


def add_metadata(path, props):
    m = onnx.load(path)
    for k, v in props.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, path)


def export(model, example, path, opset=14, metadata=None, **kw):
    torch.onnx.export(model, example, path, opset_version=opset,
                      input_names=["input"], output_names=["output"], **kw)
    if metadata:
        add_metadata(path, metadata)


def write_tensor(path, array):
    """The golden format tests read: magic 'ALT1', u32 ndim, u32 dims[ndim],
    then float32 little-endian values, C order."""
    a = np.ascontiguousarray(array, dtype="<f4")
    with open(path, "wb") as f:
        f.write(b"ALT1")
        f.write(struct.pack("<I", a.ndim))
        f.write(struct.pack("<%dI" % a.ndim, *a.shape))
        f.write(a.tobytes())


UNET_METADATA = {
    "atomlens.task": "atoms",
    "atomlens.classes": "background,Mo,S2",
    "atomlens.material": "MoS2",
    "atomlens.pixel_size_nm": "0.02",
    "atomlens.normalisation": "none",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/0001-unet-golden")
    ap.add_argument("--model-out", default=None,
                    help="also write the U-Net here (e.g. a bench model)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)

    model = make_unet()
    gen = torch.Generator().manual_seed(SEED + 1)
    # PRESERVE keeps BatchNormalization in the file (plain eval export folds
    # it), so the engine's own folding is what the golden test checks.
    # Height and width are dynamic: the engine runs any size.
    kw = dict(metadata=UNET_METADATA, training=torch.onnx.TrainingMode.PRESERVE,
              dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}})
    export(model, torch.zeros(1, 1, 64, 64), os.path.join(args.out, "unet.onnx"), **kw)
    if args.model_out:
        export(model, torch.zeros(1, 1, 64, 64), args.model_out, **kw)
    with torch.no_grad():
        for h, w in ((64, 64), (96, 80)):
            x = torch.rand(1, 1, h, w, generator=gen)
            y = model(x)
            write_tensor(os.path.join(args.out, "unet-in-%dx%d.bin" % (h, w)), x.numpy())
            write_tensor(os.path.join(args.out, "unet-out-%dx%d.bin" % (h, w)), y.numpy())

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import micro_models
    micro_models.write_all(args.out, write_tensor, export)


if __name__ == "__main__":
    main()
