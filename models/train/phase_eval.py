#!/usr/bin/python3
"""phase_eval.py: the phase network's held-out evaluation under both label
definitions, with the errors broken down where they happen.

The held-out images are train.py's (24 HAADF images of 256x256 per dose,
seeds SEED + 1000 + k, no augmentation); each is labelled twice:
  disc          every atom its own true_defect_type (the simulator's patch
                disc; session 2-3 labels)
  coordination  metals take the phase of most chalcogen atoms around them
                (make_data.phase_of_atoms; session 4)
For each checkpoint it prints pixel accuracy and IoU per class for both,
the confusion matrix at 10^4 and where the wrong pixels lie: how far from
the nearest pixel of another true class (label border), and for vacuum
errors how far from the nearest atom.

  /usr/bin/python3 models/train/phase_eval.py models/train/out/tmd-phase.pt [more.pt]
      [--dose=1e4] [--n=24] [--base=1000]
--n and --base give another held-out set (seeds SEED + base + k; train.py
uses 1000, none of its training seeds is near 3000).
Sets are cached in models/train/out/phase-eval-DOSE.npz.
"""
import json
import os
import sys

import numpy as np
import scipy.ndimage as ndi
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_data  # noqa: E402
import train  # noqa: E402

TASK = "tmd-phase"
SCHEMES = ("disc", "coordination")
BORDER_BINS_PX = (0, 2, 4, 6, 10, 1000)   # distance of a wrong pixel to a label border


def eval_set(cli, k, dose, n, base=1000):
    cfg = train.TASKS[TASK]
    path = os.path.join(HERE, "out", "phase-eval-%g-%d%s.npz" % (dose, n, "" if base == 1000 else "-%d" % base))
    if os.path.exists(path):
        d = np.load(path)
        return d["x"], {s: d["y_" + s] for s in SCHEMES}, d["dist"]
    x, _, infos = make_data.make_set(cli, TASK, n, train.SEED + base + k, cfg["eval_size"], dose,
                                     augment_on=False, hrtem_share=0.0, keep_truth=True)
    ys = {s: np.stack([make_data.phase_label(x.shape[1:], rows, px, s)
                       for (_, px, _, rows) in infos]) for s in SCHEMES}
    dist = np.stack([atom_distance(x.shape[1:], rows) for (_, _, _, rows) in infos])
    np.savez_compressed(path, x=x, dist=dist, **{"y_" + s: y for s, y in ys.items()})
    return x, ys, dist


def atom_distance(shape, rows):
    """Distance in pixels from each pixel to the nearest true atom."""
    from scipy.spatial import cKDTree
    if not rows:
        return np.full(shape, 1e3, np.float32)
    pts = np.array([[float(r["y_px"]), float(r["x_px"])] for r in rows])
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    d, _ = cKDTree(pts).query(np.stack([yy.ravel(), xx.ravel()], 1))
    return d.reshape(shape).astype(np.float32)


def border_distance(y):
    """Per pixel, distance to the nearest pixel of a different class."""
    out = np.empty(y.shape, np.float32)
    for i in range(len(y)):
        best = np.full(y.shape[1:], 1e3, np.float32)
        for c in np.unique(y[i]):
            best = np.where(y[i] == c, np.minimum(best, ndi.distance_transform_edt(y[i] == c)), best)
        out[i] = best
    return out


def load(path):
    net = train.make_net(train.TASKS[TASK])
    net.load_state_dict(torch.load(path))
    net.eval()
    return net


def report(name, prob, ys, dist, dose, detail):
    pred = prob.argmax(1)
    row = {}
    for s in SCHEMES:
        m = train.seg_metrics(prob, ys[s], 5)
        row[s] = m
        print("%-28s %-12s dose %-6g acc %.3f IoU %s" % (
            name, s, dose, m["pixel_accuracy"],
            " ".join("%.3f" % m["iou"][c] if m["iou"][c] is not None else "  -  " for c in range(5))))
    if not detail:
        return row
    y = ys["coordination"]
    conf = np.zeros((5, 5), np.int64)
    np.add.at(conf, (y.ravel(), pred.ravel()), 1)
    print("confusion (coordination labels; rows true 2H 1T 1T' am vac):")
    for r in conf:
        print("   " + " ".join("%9d" % v for v in r))
    bd = border_distance(y)
    wrong = pred != y
    hist = np.histogram(bd[wrong], BORDER_BINS_PX)[0]
    print("wrong pixels by distance to a label border (px) %s: %s" % (
        list(BORDER_BINS_PX), hist.tolist()))
    vac = (pred == 4) & (y != 4)
    print("non-vacuum called vacuum, by distance to the nearest atom (px; vacuum beyond %.1f):"
          % (make_data.PHASE_RADIUS_NM / 0.03), np.histogram(dist[vac], (0, 3, 6, 8, 9, 10, 1000))[0].tolist())
    per_img = [(int(((pred[i] == 4) != (y[i] == 4)).sum()), i) for i in range(len(y))]
    print("vacuum errors per image (count, index):", sorted(per_img, reverse=True)[:6])
    return row


def main():
    torch.set_num_threads(1)
    cli = make_data.find_cli()
    paths = [a for a in sys.argv[1:] if a.endswith(".pt")]
    doses = [float(a[7:]) for a in sys.argv[1:] if a.startswith("--dose=")] or train.EVAL_DOSES
    opts = dict(a[2:].split("=") for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    n, base = int(opts.get("n", 24)), int(opts.get("base", 1000))
    results = {}
    for k, dose in enumerate(train.EVAL_DOSES):
        if dose not in doses:
            continue
        x, ys, dist = eval_set(cli, k, dose, n, base)
        for p in paths:
            prob = train.predict(load(p), x)
            results.setdefault(os.path.basename(p), {})["%g" % dose] = report(
                os.path.basename(p), prob, ys, dist, dose, dose == 1e4)
    with open(os.path.join(HERE, "out", "phase-eval-%d-%d.json" % (n, base)), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
