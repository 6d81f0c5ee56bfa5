#!/usr/bin/python3
"""train.py: trains one of AtomLens's networks from scratch, exports it to
ONNX with the metadata of DESIGN.md section 4 and evaluates it on held-out
simulated images (seeds the training never used), per dose.

One command per model (fixed seeds; CPU; see models/NAME.md for the time):
  /usr/bin/python3 models/train/train.py --task tmd-atoms
  /usr/bin/python3 models/train/train.py --task tmd-denoise
  /usr/bin/python3 models/train/train.py --task tmd-phase
  /usr/bin/python3 models/train/train.py --task graphene-atoms

Writes models/<file>.onnx (see EXPORTS) and models/train/out/<task>-metrics.json.
The phase net's held-out figures under both label definitions, with its
errors broken down: models/train/phase_eval.py.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_data  # noqa: E402
from reference_unet import ConvBlock, UNet, add_metadata  # noqa: E402

SEED = 20261125
FILTERS = (8, 16, 32, 64)
CROP = 64                 # training patch, cropped from 128-pixel images
# One thread: on the shared 2-core machine two threads ran 10-30x slower
# per step (contention), and the run is reproducible either way.
THREADS = 1
EVAL_DOSES = (1e2, 1e3, 1e4, 1e5)
GRAPHENE_EVAL_DOSES = (1e4, 1e5, 1e6, 1e7)

# task: n classes (0: regression), training images, steps, batch, crop side
TASKS = {
    # Stage 3 (both segmentation nets) fine-tunes with unweighted cross-entropy
    # plus soft Dice: the class weights of stage 1 pull every boundary
    # outwards into the frequent class (discs drawn too big, background IoU
    # lost), while Dice scores overlap the way the IoU metric does. The atom
    # net is the reference U-Net's width (16-128 filters, 0.49 M parameters):
    # 8-64 filters scored 1-10 points lower per class at 1e4-1e5 e/A2.
    "tmd-atoms": dict(n_out=5, n_train=640, steps=2000, batch=8, filters=(16, 32, 64, 128),
                      stage3=1200),
    # Phase is a mesoscale property, but 1T' differs from 1T only by a
    # 0.018 nm shift of the metal rows (0.6 px at 0.03 nm/px, 0.3 px after
    # a 2x average pool), and patch borders are sharp to a column. So the
    # phase net (PhaseNet below) keeps a full-resolution stem whose features
    # are max-pooled into a 5-level U-Net at 0.06 nm/px (receptive field
    # about 12 nm, the session-2 net's 4 levels reached about 6 nm) and are
    # joined again before the head. It trains on 128-px crops of 256-px
    # images (3.8 nm, as much as the shared CPU allows), doses 500-1e5 e/A2
    # (below, phases cannot be seen), with the simulator's amorphous patches
    # (lattice removed, random atoms; the session-2 simulator drew carbon
    # over an intact lattice, which no network can call amorphous) and with
    # contamination blobs (real images have them, over any phase). Stage 1
    # weighs classes by 1/frequency^0.25; stage 3 fine-tunes with
    # cross-entropy + Dice.
    "tmd-phase": dict(n_out=5, n_train=640, size=256, steps=2400, batch=4, crop=128,
                      arch="phase", filters=(16, 32, 64, 128, 128), stem=8,
                      stage1_weight_power=0.25, stage3=1000, stage4=800, eval_size=256,
                      stage5=4000),
    "tmd-denoise": dict(n_out=0, n_train=480, steps=1600, batch=8, crop=96),
    "graphene-atoms": dict(n_out=4, n_train=480, steps=1000, batch=8),
}

# One network may be exported under several names: the TMD atom network is
# the same weights for MoS2, WS2 and WSe2, with each material's species names
# (the detect stage maps class names to species with al_material_species_index).
EXPORTS = {
    "tmd-atoms": [("mos2-atoms", "MoS2", "background,Mo,S2,S,W"),
                  ("ws2-atoms", "WS2", "background,W,S2,S,Mo"),
                  ("wse2-atoms", "WSe2", "background,W,Se2,Se,Te")],
    # The graphene/hBN network's channels are background, C or B, N, Si;
    # each file sums them into its material's species (MERGE below).
    "graphene-atoms": [("graphene-atoms", "graphene", "background,C,Si"),
                       ("hbn-atoms", "hBN", "background,B,N")],
    "tmd-phase": [("tmd-phase", "MoS2,WS2,WSe2", "2H,1T,1Tp,amorphous,vacuum")],
    "tmd-denoise": [("tmd-denoise", "MoS2,WS2,WSe2", "clean")],
}
# Output channels summed per exported class (a fixed 1x1 convolution after
# the softmax): graphene has no N (C and N columns differ by one proton, so
# their probabilities add up to "C"), hBN has no Si (nothing heavier than N).
MERGE = {"graphene-atoms": [[[0], [1, 2], [3]], [[0], [1], [2, 3]]]}
TASK_NAME = {"tmd-atoms": "atoms", "graphene-atoms": "atoms", "tmd-phase": "phase",
             "tmd-denoise": "denoise"}


class Merged(nn.Module):
    """A trained network followed by a fixed sum of its softmax channels."""

    def __init__(self, net, groups, n_in):
        super().__init__()
        self.net = net
        self.merge = nn.Conv2d(n_in, len(groups), 1, bias=False)
        with torch.no_grad():
            self.merge.weight.zero_()
            for o, group in enumerate(groups):
                for i in group:
                    self.merge.weight[o, i] = 1.0

    def forward(self, x):
        return self.merge(self.net(x))


def make_net(cfg):
    if cfg.get("arch") == "phase":
        return PhaseNet(cfg["n_out"], cfg["filters"], cfg["stem"])
    return Net(cfg["n_out"], cfg.get("downsample", 1), cfg.get("filters", FILTERS))


class PhaseNet(nn.Module):
    """A full-resolution stem (two 3x3 convolutions), max-pooled into a
    U-Net of len(filters) levels at half resolution; its last features,
    up-sampled 2x, are joined with the stem's before a 1x1 head. Softmax
    over classes on export (logits while training)."""

    def __init__(self, n_out, filters, stem):
        super().__init__()
        f = filters
        self.stem = ConvBlock(1, stem)
        self.down = nn.ModuleList([ConvBlock(stem if i == 0 else f[i - 1], f[i])
                                   for i in range(len(f) - 1)])
        self.bottom = ConvBlock(f[-2], f[-1])
        self.up = nn.ModuleList([ConvBlock(f[i + 1] + f[i], f[i]) for i in reversed(range(len(f) - 1))])
        self.head = nn.Conv2d(f[0] + stem, n_out, 1)
        self.export_mode = False

    def forward(self, x):
        s = self.stem(x)
        h = F.max_pool2d(s, 2)
        skips = []
        for block in self.down:
            h = block(h)
            skips.append(h)
            h = F.max_pool2d(h, 2)
        h = self.bottom(h)
        for block, skip in zip(self.up, reversed(skips)):
            h = F.interpolate(h, scale_factor=2.0, mode="bilinear", align_corners=False)
            h = block(torch.cat([h, skip], dim=1))
        h = F.interpolate(h, scale_factor=2.0, mode="bilinear", align_corners=False)
        y = self.head(torch.cat([h, s], dim=1))
        return torch.softmax(y, dim=1) if self.export_mode else y


class Net(nn.Module):
    """The reference U-Net (4 levels, 8/16/32/64 filters). Segmentation:
    softmax over classes (logits while training). Denoising: the input plus
    a learnt correction, so an untrained net starts at the identity."""

    def __init__(self, n_out, downsample=1, filters=FILTERS):
        super().__init__()
        self.regression = n_out == 0
        self.downsample = downsample
        self.unet = UNet(1, 1 if self.regression else n_out, filters)
        self.export_mode = False

    def forward(self, x):
        u = self.unet
        skips = []
        h = F.avg_pool2d(x, self.downsample) if self.downsample > 1 else x
        for block in u.down:
            h = block(h)
            skips.append(h)
            h = F.max_pool2d(h, 2)
        h = u.bottom(h)
        for block, skip in zip(u.up, reversed(skips)):
            h = F.interpolate(h, scale_factor=2.0, mode="bilinear", align_corners=False)
            h = block(torch.cat([h, skip], dim=1))
        y = u.head(h)
        if self.downsample > 1:
            y = F.interpolate(y, scale_factor=float(self.downsample), mode="bilinear",
                              align_corners=False)
        if self.regression:
            return x + y
        return torch.softmax(y, dim=1) if self.export_mode else y


def augment_batch(x, y, rng, crop=CROP):
    """Random crop-pixel crops, flips and quarter turns (labels too)."""
    i, j = rng.integers(0, x.shape[-2] - crop + 1), rng.integers(0, x.shape[-1] - crop + 1)
    x, y = x[..., i:i + crop, j:j + crop], y[..., i:i + crop, j:j + crop]
    k = int(rng.integers(4))
    x, y = np.rot90(x, k, axes=(-2, -1)), np.rot90(y, k, axes=(-2, -1))
    if rng.random() < 0.5:
        x, y = x[..., ::-1], y[..., ::-1]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def class_weights(y, n, power=0.5):
    freq = np.bincount(y.ravel(), minlength=n).astype(np.float64) / y.size
    w = np.maximum(freq, 1e-4) ** -power
    return torch.tensor(w / w.mean(), dtype=torch.float32)


def dice_loss(logits, target, n):
    """1 - mean over classes of the soft Dice coefficient over the batch."""
    p = torch.softmax(logits, dim=1)
    g = F.one_hot(target, n).permute(0, 3, 1, 2).to(p.dtype)
    inter = (p * g).sum(dim=(0, 2, 3))
    total = p.sum(dim=(0, 2, 3)) + g.sum(dim=(0, 2, 3))
    return 1.0 - ((2 * inter + 1.0) / (total + 1.0)).mean()


def train(task, cfg, x, y, log, net=None, stage=1):
    """Stage 1: from scratch, one cycle peaking at 3e-3 over cfg["steps"].
    Stage 2 (where cfg has "stage2"): from stage 1's weights, another cycle
    peaking at 1e-3 over cfg["stage2"] steps (the runs were cut in two to fit
    the shared machine; the one command does both). Stage 3 (where cfg has
    "stage3"): a cycle peaking at 5e-4 with unweighted cross-entropy + Dice."""
    torch.manual_seed(SEED + stage - 1)
    rng = np.random.default_rng(SEED + 2 if stage == 1 else SEED + 1 + stage)
    steps, lr = {1: (cfg["steps"], 3e-3), 2: (cfg.get("stage2"), 1e-3),
                 3: (cfg.get("stage3"), 5e-4), 4: (cfg.get("stage4"), 5e-4)}[stage]
    if net is None:
        net = make_net(cfg)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps,
                                                pct_start=0.1 if stage == 1 else 0.05)
    cfg = dict(cfg, steps=steps)
    power = cfg.get("stage2_weight_power", 0.5) if stage == 2 else cfg.get("stage1_weight_power", 0.5)
    weights = None if cfg["n_out"] == 0 or stage >= 3 else class_weights(y, cfg["n_out"], power)
    net.train()
    t0 = time.time()
    for step in range(cfg["steps"]):
        idx = rng.choice(len(x), cfg["batch"], replace=False)
        xb, yb = augment_batch(x[idx], y[idx], rng, cfg.get("crop", CROP))
        xt = torch.from_numpy(xb[:, None])
        out = net(xt)
        if cfg["n_out"] == 0:
            loss = F.l1_loss(out, torch.from_numpy(yb[:, None]))
        else:
            target = torch.from_numpy(yb.astype(np.int64))
            loss = F.cross_entropy(out, target, weight=weights)
            if stage >= 3:
                loss = loss + dice_loss(out, target, cfg["n_out"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == cfg["steps"] - 1:
            log("step %d loss %.4f (%.0f s)" % (step, loss.item(), time.time() - t0))
    net.eval()
    return net, time.time() - t0


def export(net, task, models_dir, pixel_nm):
    net.export_mode = True
    paths = []
    for k, (name, material, classes) in enumerate(EXPORTS[task]):
        path = os.path.join(models_dir, name + ".onnx")
        model = Merged(net, MERGE[task][k], TASKS[task]["n_out"]).eval() if task in MERGE else net
        torch.onnx.export(model, torch.zeros(1, 1, 64, 64), path, opset_version=14,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {2: "height", 3: "width"},
                                        "output": {2: "height", 3: "width"}})
        add_metadata(path, {"atomlens.task": TASK_NAME[task], "atomlens.classes": classes,
                            "atomlens.material": material,
                            "atomlens.pixel_size_nm": "%g" % pixel_nm,
                            "atomlens.normalisation": "zscore",
                            "atomlens.version": "1",
                            "atomlens.training": "models/train/train.py --task %s (seed %d)"
                            % (task, SEED)})
        paths.append(path)
    return paths


def predict(net, x):
    with torch.no_grad():
        net.export_mode = True
        out = torch.cat([net(torch.from_numpy(x[i:i + 8, None])) for i in range(0, len(x), 8)])
        return out.numpy()


def seg_metrics(prob, y, n):
    pred = prob.argmax(1)
    m = {"pixel_accuracy": float((pred == y).mean()), "iou": {}}
    for c in range(n):
        inter = np.logical_and(pred == c, y == c).sum()
        union = np.logical_or(pred == c, y == c).sum()
        m["iou"][c] = float(inter / union) if union else None
    # Atoms tasks: every atom class against background (is there a column
    # here at all, whatever its species).
    inter = np.logical_and(pred > 0, y > 0).sum()
    union = np.logical_or(pred > 0, y > 0).sum()
    m["iou_any_atom"] = float(inter / union) if union else None
    return m


def psnr(a, ref):
    peak = ref.max() - ref.min()
    return float(10 * np.log10(peak ** 2 / np.mean((a - ref) ** 2)))


def evaluate(net, task, cfg, cli, n_eval, log):
    doses = GRAPHENE_EVAL_DOSES if task == "graphene-atoms" else EVAL_DOSES
    results = {}
    for k, dose in enumerate(doses):
        x, y, _ = make_data.make_set(cli, task, n_eval, SEED + 1000 + k, cfg.get("eval_size", 128), dose,
                                     augment_on=False, hrtem_share=0.0)
        out = predict(net, x)
        if cfg["n_out"] == 0:
            gains = [psnr(out[i, 0], y[i]) - psnr(x[i], y[i]) for i in range(len(x))]
            results["%g" % dose] = {"psnr_in": float(np.mean([psnr(x[i], y[i]) for i in range(len(x))])),
                                    "psnr_out": float(np.mean([psnr(out[i, 0], y[i]) for i in range(len(x))])),
                                    "psnr_gain_db": float(np.mean(gains))}
        else:
            results["%g" % dose] = seg_metrics(out, y, cfg["n_out"])
        log("dose %g: %s" % (dose, json.dumps(results["%g" % dose])))
    return results


# Stage 5 (phase net, session 4): fine-tuning where stage 4 left its errors.
# At 1e4 e/A2 two thirds of the wrong pixels lay within 6 px of a label
# border (1T and 1T' patch edges, the vacuum line 0.30 nm beyond the last
# atoms, drawn about 0.15 nm too close), and the rare classes are in few
# images. So half the crops are centred on a border pixel of an image with
# 1T, 1T', amorphous or vacuum, pixels within BORDER_PX of a border weigh
# 1 + BORDER_WEIGHT in the cross-entropy (plus Dice as in stage 3), the
# labels are the coordination ones (make_data.phase_of_atoms) and the
# learning rate is lower.
# The focused crops hold 1.7 times the share of 1T, 1T' and amorphous
# pixels that the images have, and the net learns that prior (clusters of
# point defects in 2H called 1T). So after stage 5 each class's logit is
# moved by log(share in the images / share in the crops), the correction
# for a change of class priors (Saerens et al., Neural Comput. 14, 21
# (2002)), with the shares counted over PRIOR_CROPS crops of each kind.
# (Going on for 2000 steps with crops taken anywhere at 1e-4 instead lost
# 1T and 1T' at 1e4: IoU 0.68 and 0.71.)
STAGE5_LR = 2e-4
FOCUS_SHARE = 0.5
PRIOR_CROPS = 4000
BORDER_PX = 4
BORDER_WEIGHT = 2.0
PHASE_RARE = (1, 2, 3, 4)     # 1T, 1T', amorphous, vacuum


def border_distance(y):
    """Per pixel, distance (px, at most 255) to the nearest pixel of another class."""
    import scipy.ndimage as ndi
    out = np.empty(y.shape, np.uint8)
    for i in range(len(y)):
        best = np.full(y.shape[1:], 255.0, np.float32)
        for c in np.unique(y[i]):
            inside = y[i] == c
            if inside.all():
                continue
            best = np.where(inside, np.minimum(best, ndi.distance_transform_edt(inside)), best)
        out[i] = np.minimum(best, 255).astype(np.uint8)
    return out


def stage5_data(cli, task, cfg, log):
    """The training images again (same seeds), with coordination labels and
    each pixel's distance to a label border."""
    path = os.path.join(HERE, "out", "%s-train-%d-%d-coordination.npz" % (task, cfg["n_train"],
                                                                        cfg["size"]))
    if os.path.exists(path):
        d = np.load(path)
        return d["x"], d["y"], d["border"]
    t0 = time.time()
    x, y, _ = make_data.make_set(cli, task, cfg["n_train"], SEED, cfg["size"],
                                 phase_scheme="coordination")
    border = border_distance(y)
    np.savez(path, x=x, y=y, border=border)
    log("stage 5 data: %d images in %.0f s" % (len(x), time.time() - t0))
    return x, y, border


def focus_crop(x, y, border, rng, crop, rare_images, focus_share):
    """One crop: centred on a border pixel of an image with a rare class
    (focus_share of the time), else anywhere in any image."""
    n, h, w = x.shape
    if rare_images.size and rng.random() < focus_share:
        i = int(rng.choice(rare_images))
        cy, cx = np.nonzero(border[i] <= 1)
        k = int(rng.integers(len(cy)))
        top = int(np.clip(cy[k] - crop // 2, 0, h - crop))
        left = int(np.clip(cx[k] - crop // 2, 0, w - crop))
    else:
        i = int(rng.integers(n))
        top, left = int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))
    sl = (i, slice(top, top + crop), slice(left, left + crop))
    return x[sl], y[sl], border[sl]


def rare_image_list(y, border):
    return np.array([i for i in range(len(y))
                     if np.isin(y[i], PHASE_RARE).any() and (border[i] <= 1).any()])


def prior_correction(net, cfg, x, y, border, log):
    """Adds log(class share in the images / share in the focused crops) to
    the head's biases (see PRIOR_CROPS)."""
    rng = np.random.default_rng(SEED + 7)
    rare_images = rare_image_list(y, border)
    n = cfg["n_out"]
    counts = np.zeros(n)
    for _ in range(PRIOR_CROPS):
        counts += np.bincount(focus_crop(x, y, border, rng, cfg["crop"], rare_images,
                                         FOCUS_SHARE)[1].ravel(), minlength=n)
    images = np.bincount(y.ravel(), minlength=n) / y.size
    shift = np.log(images / (counts / counts.sum()))
    with torch.no_grad():
        net.head.bias += torch.tensor(shift, dtype=net.head.bias.dtype)
    log("prior correction of the logits: %s" % np.round(shift, 3).tolist())
    return net


def finetune_phase(cfg, x, y, border, net, log, checkpoint, stage=5):
    """Stage 5: one cycle peaking at STAGE5_LR over cfg["stage5"] steps,
    FOCUS_SHARE of the crops on rare-class borders."""
    torch.manual_seed(SEED + stage - 1)
    rng = np.random.default_rng(SEED + stage + 1)
    steps, crop = cfg["stage%d" % stage], cfg["crop"]
    lr, focus_share = STAGE5_LR, FOCUS_SHARE
    rare_images = rare_image_list(y, border)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps,
                                                pct_start=0.05)
    net.train()
    t0 = time.time()
    for step in range(steps):
        parts = [focus_crop(x, y, border, rng, crop, rare_images, focus_share)
                 for _ in range(cfg["batch"])]
        k = int(rng.integers(4))
        flip = rng.random() < 0.5
        arrs = []
        for a in zip(*parts):
            a = np.rot90(np.stack(a), k, axes=(-2, -1))
            arrs.append(np.ascontiguousarray(a[..., ::-1] if flip else a))
        xb, yb, bb = arrs
        target = torch.from_numpy(yb.astype(np.int64))
        weight = torch.from_numpy(1.0 + BORDER_WEIGHT * (bb <= BORDER_PX).astype(np.float32))
        out = net(torch.from_numpy(xb[:, None]))
        ce = F.cross_entropy(out, target, reduction="none")
        loss = (ce * weight).sum() / weight.sum() + dice_loss(out, target, cfg["n_out"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == steps - 1:
            log("stage %d step %d loss %.4f (%.0f s)" % (stage, step, loss.item(), time.time() - t0))
        if checkpoint and (step + 1) % 500 == 0:
            torch.save(net.state_dict(), checkpoint)
    net.eval()
    return net, time.time() - t0


ENGINE_CHECK_SIZE = 256
# The engine reflection-pads the image by the network's receptive radius
# (src/core/nn/al-nn-tiled.c) where PyTorch zero-pads every convolution, so
# the two agree to rounding only this far inside the border.
ENGINE_CHECK_MARGIN = 72
# Networks whose receptive radius is wider (the phase net's 5 levels at
# half resolution plus its stem): image side and margin for them.
ENGINE_CHECK_WIDE = {"tmd-phase": (512, 160)}
# The exact check: PyTorch on the image reflected as the engine reflects it
# (numpy's "reflect" is al-nn-tiled.c's reflect()), by at least every
# network's receptive radius (the phase net's is under 288 px), then cropped.
ENGINE_CHECK_REFLECT = 320


def engine_check(net, task, cli, path, log):
    """Runs one held-out image through our engine (atomlens-cli infer) and
    PyTorch; returns the largest absolute difference of their outputs over
    the whole image and away from the border."""
    import subprocess
    import tempfile
    import tifffile
    rng = np.random.default_rng(SEED + 77)
    n, m = ENGINE_CHECK_WIDE.get(task, (ENGINE_CHECK_SIZE, ENGINE_CHECK_MARGIN))
    with tempfile.TemporaryDirectory() as d:
        _, px, args = make_data.random_scene(rng, task, n, 1e4, 0.0)
        image, _, _ = make_data.simulate(cli, d, args)
        tifffile.imwrite(os.path.join(d, "in.tif"), image)
        subprocess.run([cli, "infer", "--model", path, os.path.join(d, "in.tif"),
                        "--out", os.path.join(d, "out.tif")], check=True)
        ours = tifffile.imread(os.path.join(d, "out.tif")).reshape(-1, n, n)
    if task in MERGE:
        net.export_mode = True
        net = Merged(net, MERGE[task][0], TASKS[task]["n_out"]).eval()
    z = make_data.zscore(image)
    theirs = predict(net, z[None])[0]
    diff = np.abs(ours - theirs)
    whole, inner = float(diff.max()), float(diff[:, m:-m, m:-m].max())
    r = ENGINE_CHECK_REFLECT
    side = -(-(n + 2 * r) // 32) * 32
    reflected = np.pad(z, ((r, side - n - r), (r, side - n - r)), mode="reflect")
    exact = float(np.abs(ours - predict(net, reflected[None])[0][:, r:r + n, r:r + n]).max())
    log("engine vs torch on a %dx%d image: max abs diff %.3g; %.3g farther than %d px "
        "from the border; %.3g against torch on the image reflected as the engine does"
        % (n, n, whole, inner, m, exact))
    return [whole, inner, exact]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", required=True, choices=sorted(TASKS))
    ap.add_argument("--cli", default=None)
    ap.add_argument("--models", default=os.path.join(HERE, ".."))
    ap.add_argument("--steps", type=int, default=None, help="override (quick trials only)")
    ap.add_argument("--stage3-steps", type=int, default=None, help="override stage 3's length")
    ap.add_argument("--n-eval", type=int, default=24)
    ap.add_argument("--from-stage2", action="store_true",
                    help="start at stage 2 from out/TASK-stage1.pt")
    ap.add_argument("--from-stage3", action="store_true",
                    help="start at stage 3 from out/TASK-stage2.pt (-stage1.pt without a stage 2)")
    ap.add_argument("--from-stage4", action="store_true",
                    help="start at stage 4 from out/TASK-stage3.pt")
    ap.add_argument("--from-stage5", action="store_true",
                    help="start at stage 5 from out/TASK-stage4.pt")
    ap.add_argument("--prior-only", action="store_true",
                    help="with --from-stage5: take out/TASK-stage5.pt as trained, "
                    "apply the prior correction, export and evaluate")
    ap.add_argument("--eval-only", action="store_true",
                    help="export out/TASK.pt, compare with the engine and evaluate")
    ap.add_argument("--export-only", action="store_true",
                    help="re-export out/TASK.pt (no training, no evaluation)")
    a = ap.parse_args()
    torch.set_num_threads(THREADS)
    cfg = dict(TASKS[a.task])
    if a.steps:
        cfg["steps"] = a.steps
    if a.stage3_steps:
        cfg["stage3"] = a.stage3_steps
    cli = make_data.find_cli(a.cli)
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    logf = open(os.path.join(HERE, "out", a.task + ".log"), "w")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    if a.export_only:
        net = make_net(cfg)
        net.load_state_dict(torch.load(os.path.join(HERE, "out", a.task + ".pt")))
        net.eval()
        for p in export(net, a.task, a.models, make_data.TASK_PIXEL_NM[a.task]):
            log("%s: %d bytes" % (p, os.path.getsize(p)))
        return
    t0 = time.time()
    size = cfg.get("size", 128)
    cache = os.path.join(HERE, "out", "%s-train-%d%s.npz" % (a.task, cfg["n_train"],
                                                          "" if size == 128 else "-%d" % size))
    if os.path.exists(cache):   # the same seeded set, kept from an earlier run
        d = np.load(cache)
        x, y = d["x"], d["y"]
    else:
        # Stages 1-4 of the phase net learnt the disc labels (session 3).
        x, y, _ = make_data.make_set(cli, a.task, cfg["n_train"], SEED, size, phase_scheme="disc")
        np.savez(cache, x=x, y=y)
    t_data = time.time() - t0
    log("data: %d images in %.0f s; classes %s" % (len(x), t_data,
        np.bincount(y.ravel()).tolist() if cfg["n_out"] else "-"))
    stage1 = os.path.join(HERE, "out", a.task + "-stage1.pt")
    t_train = 0.0
    if a.eval_only:
        net = make_net(cfg)
        net.load_state_dict(torch.load(os.path.join(HERE, "out", a.task + ".pt")))
        net.eval()
    elif a.from_stage5:
        net = make_net(cfg)
        net.load_state_dict(torch.load(os.path.join(HERE, "out", a.task + "-stage4.pt")))
    elif a.from_stage4:
        net = make_net(cfg)
        net.load_state_dict(torch.load(os.path.join(HERE, "out", a.task + "-stage3.pt")))
    elif a.from_stage3:
        net = make_net(cfg)
        s2 = os.path.join(HERE, "out", a.task + "-stage2.pt")
        net.load_state_dict(torch.load(s2 if "stage2" in cfg else stage1))
    elif a.from_stage2:
        net = make_net(cfg)
        net.load_state_dict(torch.load(stage1))
        net.eval()   # BatchNorm's running statistics where there is no stage 2
    else:
        net, t_train = train(a.task, cfg, x, y, log)
        torch.save(net.state_dict(), stage1)
    if "stage2" in cfg and not a.eval_only and not a.from_stage3:
        net.train()
        net, t2 = train(a.task, cfg, x, y, log, net, stage=2)
        t_train += t2
        log("stage 2: %.0f s" % t2)
        torch.save(net.state_dict(), os.path.join(HERE, "out", a.task + "-stage2.pt"))
    if "stage3" in cfg and not a.eval_only and not (a.from_stage4 or a.from_stage5):
        net.train()
        net, t3 = train(a.task, cfg, x, y, log, net, stage=3)
        t_train += t3
        log("stage 3: %.0f s" % t3)
        torch.save(net.state_dict(), os.path.join(HERE, "out", a.task + "-stage3.pt"))
    if "stage4" in cfg and not a.eval_only and not a.from_stage5:
        net.train()
        net, t4 = train(a.task, cfg, x, y, log, net, stage=4)
        t_train += t4
        log("stage 4: %.0f s" % t4)
        torch.save(net.state_dict(), os.path.join(HERE, "out", a.task + "-stage4.pt"))
    if "stage5" in cfg and not a.eval_only:
        x5, y5, b5 = stage5_data(cli, a.task, cfg, log)
        if a.prior_only:
            net.load_state_dict(torch.load(os.path.join(HERE, "out", a.task + "-stage5.pt")))
            net.eval()
        else:
            net, t5 = finetune_phase(cfg, x5, y5, b5, net, log,
                                     os.path.join(HERE, "out", a.task + "-stage5-partial.pt"))
            t_train += t5
            log("stage 5: %.0f s" % t5)
            torch.save(net.state_dict(), os.path.join(HERE, "out", a.task + "-stage5.pt"))
        net = prior_correction(net, cfg, x5, y5, b5, log)
    pixel_nm = make_data.TASK_PIXEL_NM[a.task]
    paths = export(net, a.task, a.models, pixel_nm)
    n_params = sum(p.numel() for p in net.parameters())
    if not a.eval_only:
        torch.save(net.state_dict(), os.path.join(HERE, "out", a.task + ".pt"))
    diff = engine_check(net, a.task, cli, paths[0], log)
    results = evaluate(net, a.task, cfg, cli, a.n_eval, log)
    meta = {"task": a.task, "seconds_data": t_data, "seconds_train": t_train,
            "threads": torch.get_num_threads(), "params": n_params, "steps": cfg["steps"],
            "stage2_steps": cfg.get("stage2", 0), "stage3_steps": cfg.get("stage3", 0),
            "stage4_steps": cfg.get("stage4", 0), "stage5_steps": cfg.get("stage5", 0),
            "batch": cfg["batch"], "n_train": cfg["n_train"],
            "engine_vs_torch_max_abs_diff": diff,
            "files": {os.path.basename(p): os.path.getsize(p) for p in paths},
            "eval": results}
    with open(os.path.join(HERE, "out", a.task + "-metrics.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log("done: %s" % json.dumps({k: v for k, v in meta.items() if k != "eval"}))


if __name__ == "__main__":
    main()
