"""micro_models.py: one tiny PyTorch network per operator (or operator
variant) the engine runs, exported to ONNX with golden input/output pairs.
Used by reference_unet.py; tests/core/nn/test-nn-onnx.c runs each and
compares with PyTorch to 1e-4."""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class Lambda(nn.Module):
    def __init__(self, fn, **mods):
        super().__init__()
        self.fn = fn
        for k, v in mods.items():
            setattr(self, k, v)

    def forward(self, x):
        return self.fn(self, x)


def bn(n):
    b = nn.BatchNorm2d(n)
    b.running_mean.uniform_(-0.5, 0.5)
    b.running_var.uniform_(0.5, 1.5)
    b.weight.data.uniform_(0.5, 1.5)
    b.bias.data.uniform_(-0.5, 0.5)
    return b


def models():
    """(name, module, input shape, opset, export kwargs)."""
    P = torch.onnx.TrainingMode.PRESERVE
    yield ("conv-stride-dil-groups",
           Lambda(lambda m, x: m.c(x), c=nn.Conv2d(4, 6, 3, stride=2, padding=(1, 2), dilation=2, groups=2)),
           (1, 4, 13, 11), 14, {})
    yield ("conv-5x5-bias-relu", Lambda(lambda m, x: F.relu(m.c(x)), c=nn.Conv2d(3, 5, 5, padding=2)),
           (1, 3, 17, 9), 14, {})
    yield ("conv-1x1", Lambda(lambda m, x: m.c(x), c=nn.Conv2d(7, 3, 1)), (1, 7, 9, 12), 14, {})
    yield ("conv-bn-fold", Lambda(lambda m, x: m.b(m.c(x)), c=nn.Conv2d(2, 4, 3, padding=1), b=bn(4)),
           (1, 2, 10, 10), 14, {"training": P})
    yield ("bn-after-relu", Lambda(lambda m, x: m.b(F.relu(x)), b=bn(3)), (1, 3, 7, 9), 14, {"training": P})
    yield ("conv-transpose",
           Lambda(lambda m, x: m.c(x), c=nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                                           groups=2)),
           (1, 4, 7, 9), 14, {})
    yield ("leaky-sigmoid-tanh",
           Lambda(lambda m, x: torch.tanh(m.c(F.leaky_relu(x, 0.2))) + torch.sigmoid(x),
                  c=nn.Conv2d(3, 3, 3, padding=1)), (1, 3, 8, 7), 14, {})
    yield ("softmax", Lambda(lambda m, x: torch.softmax(x * 3.0, dim=1)), (1, 5, 6, 7), 14, {})
    yield ("softmax-opset11", Lambda(lambda m, x: torch.softmax(x * 2.0, dim=1)), (1, 4, 5, 6), 11, {})
    yield ("maxpool-ceil", Lambda(lambda m, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)), (1, 2, 11, 14), 14, {})
    yield ("maxpool-dil", Lambda(lambda m, x: F.max_pool2d(x, 2, 1, 0, dilation=2)), (1, 2, 9, 8), 14, {})
    yield ("avgpool-pad", Lambda(lambda m, x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=True)), (1, 2, 9, 10),
           14, {})
    yield ("avgpool-nopad", Lambda(lambda m, x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False,
                                                             ceil_mode=True)), (1, 2, 10, 9), 14, {})
    yield ("resize-bilinear", Lambda(lambda m, x: F.interpolate(x, scale_factor=2.0, mode="bilinear",
                                                                align_corners=False)), (1, 2, 5, 7), 14, {})
    yield ("resize-bilinear-corners", Lambda(lambda m, x: F.interpolate(x, scale_factor=2.0, mode="bilinear",
                                                                        align_corners=True)), (1, 2, 5, 7), 14, {})
    yield ("resize-nearest", Lambda(lambda m, x: F.interpolate(x, scale_factor=3.0, mode="nearest")),
           (1, 2, 4, 5), 14, {})
    yield ("resize-size", Lambda(lambda m, x: F.interpolate(x, size=(11, 13), mode="bilinear",
                                                            align_corners=False)), (1, 1, 6, 5), 14, {})
    yield ("upsample-opset9", Lambda(lambda m, x: F.interpolate(x, scale_factor=2.0, mode="nearest")),
           (1, 2, 4, 5), 9, {})
    yield ("resize-opset11", Lambda(lambda m, x: F.interpolate(x, scale_factor=2.0, mode="bilinear",
                                                               align_corners=False)), (1, 2, 5, 6), 11, {})
    yield ("resize-opset17", Lambda(lambda m, x: F.interpolate(x, scale_factor=2.0, mode="bilinear",
                                                               align_corners=True)), (1, 2, 5, 6), 17, {})
    yield ("concat-add-mul", Lambda(lambda m, x: torch.cat([m.c(x) * x, x + 0.5, x * 2.0], dim=1),
                                    c=nn.Conv2d(2, 2, 3, padding=1)), (1, 2, 6, 9), 14, {})
    yield ("pad-reflect", Lambda(lambda m, x: F.pad(x, (1, 2, 3, 1), mode="reflect")), (1, 2, 6, 7), 14, {})
    yield ("pad-constant", Lambda(lambda m, x: F.pad(x, (2, 0, 1, 3), mode="constant", value=0.25)),
           (1, 2, 5, 4), 14, {})
    yield ("clip-opset14", Lambda(lambda m, x: torch.clamp(x, -0.3, 0.4)), (1, 2, 5, 4), 14, {})
    yield ("clip-opset10", Lambda(lambda m, x: torch.clamp(x, -0.3, 0.4)), (1, 2, 5, 4), 10, {})
    yield ("relu6-opset11", Lambda(lambda m, x: F.relu6(x * 8.0)), (1, 2, 5, 4), 11, {})
    yield ("dropout-identity", Lambda(lambda m, x: m.d(x) + 1.0, d=nn.Dropout(0.5)), (1, 2, 3, 4), 14, {})
    yield ("conv-opset17", Lambda(lambda m, x: F.relu(m.c(x)), c=nn.Conv2d(1, 4, 3, padding=1)), (1, 1, 9, 9),
           17, {})


def write_all(out, write_tensor, export):
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(8)
    names = []
    for name, module, shape, opset, kw in models():
        module.eval()
        x = torch.randn(*shape, generator=gen)
        with torch.no_grad():
            y = module(x)
        export(module, x, os.path.join(out, "op-%s.onnx" % name), opset=opset, **kw)
        write_tensor(os.path.join(out, "op-%s-in.bin" % name), x.numpy())
        write_tensor(os.path.join(out, "op-%s-out.bin" % name), y.numpy())
        names.append(name)
    with open(os.path.join(out, "micro-models.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
