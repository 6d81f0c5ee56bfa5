#!/usr/bin/python3
"""atom_eval.py: atom-level scores of a trained atom network on the held-out
sets of train.py (same seeds, so the same images): atoms are the local maxima
of the foreground probability (1 - background) above 0.5, none within half
the nearest-neighbour distance of a stronger one, placed at the
probability-weighted centroid of their 5x5 neighbourhood; they are matched
one-to-one to true columns within a quarter of the nearest-neighbour
distance (as `atomlens-cli score`); species is the class with the largest
summed probability in the 3x3 pixels around the peak. This scores the
network alone, not the detect stage (its refinement and species model).

  /usr/bin/python3 models/train/atom_eval.py --task tmd-atoms
"""
import argparse
import json
import os
import sys

import numpy as np
import scipy.ndimage as ndi
import torch
from scipy.spatial import cKDTree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_data  # noqa: E402
import train  # noqa: E402

NEIGHBOUR_NM = {"tmd-atoms": 0.183, "graphene-atoms": 0.142}
MARGIN_PX = 3
NMS_FRACTION = 0.5        # of the nearest-neighbour distance


def find_atoms(prob, min_dist):
    """Peaks of the foreground probability, strongest first, none within
    min_dist pixels of a stronger one (as the detect stage's non-maximum
    suppression: a flat-topped disc has several equal local maxima)."""
    fg = 1.0 - prob[0]
    peaks = (fg == ndi.maximum_filter(fg, size=3)) & (fg > 0.5)
    h, w = fg.shape
    found = []
    taken = np.zeros((h, w), bool)
    r = int(np.ceil(min_dist))
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    disc = dy ** 2 + dx ** 2 <= min_dist ** 2
    ys, xs = np.nonzero(peaks)
    for k in np.argsort(-fg[ys, xs], kind="stable"):
        y, x = ys[k], xs[k]
        if taken[y, x]:
            continue
        y0, x0 = max(y - r, 0), max(x - r, 0)
        taken[y0:y + r + 1, x0:x + r + 1] |= disc[y0 - (y - r):disc.shape[0] - max(y + r + 1 - h, 0),
                                                  x0 - (x - r):disc.shape[1] - max(x + r + 1 - w, 0)]
        y0, y1, x0, x1 = max(y - 2, 0), min(y + 3, h), max(x - 2, 0), min(x + 3, w)
        win = fg[y0:y1, x0:x1]
        yy, xx = np.mgrid[y0:y1, x0:x1]
        cls = prob[1:, max(y - 1, 0):y + 2, max(x - 1, 0):x + 2].sum((1, 2)).argmax() + 1
        found.append(((yy * win).sum() / win.sum(), (xx * win).sum() / win.sum(), cls))
    return found


def score_image(prob, rows, class_of, px, task, shape):
    h, w = shape
    truth = [(float(r["y_px"]), float(r["x_px"]), class_of(r)) for r in rows]
    truth = [t for t in truth if MARGIN_PX <= t[0] < h - MARGIN_PX and MARGIN_PX <= t[1] < w - MARGIN_PX
             and t[2] is not None]
    found = [f for f in find_atoms(prob, NMS_FRACTION * NEIGHBOUR_NM[task] / px)
             if MARGIN_PX <= f[0] < h - MARGIN_PX and MARGIN_PX <= f[1] < w - MARGIN_PX]
    tol = 0.25 * NEIGHBOUR_NM[task] / px
    pairs = []
    if truth and found:
        tt = cKDTree([t[:2] for t in truth])
        for j, f in enumerate(found):
            for d, i in zip(*tt.query(f[:2], k=3, distance_upper_bound=tol)):
                if np.isfinite(d):
                    pairs.append((d, i, j))
    pairs.sort()
    used_t, used_f, tp, right = set(), set(), 0, 0
    for d, i, j in pairs:
        if i in used_t or j in used_f:
            continue
        used_t.add(i)
        used_f.add(j)
        tp += 1
        right += truth[i][2] == found[j][2]
    return tp, len(found), len(truth), right


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", required=True, choices=sorted(NEIGHBOUR_NM))
    ap.add_argument("--n-eval", type=int, default=24)
    ap.add_argument("--pt", default=None, help="weights (default: out/TASK.pt)")
    ap.add_argument("--cli", default=None)
    ap.add_argument("--filters", default=None, help="e.g. 8,16,32,64 for weights of an older config")
    ap.add_argument("--out", default=None, help="metrics file (default: out/TASK-atom-metrics.json)")
    a = ap.parse_args()
    torch.set_num_threads(train.THREADS)
    cfg = dict(train.TASKS[a.task])
    if a.filters:
        cfg["filters"] = tuple(int(v) for v in a.filters.split(","))
    net = train.make_net(cfg)
    net.load_state_dict(torch.load(a.pt or os.path.join(HERE, "out", a.task + ".pt")))
    net.eval()
    cli = make_data.find_cli(a.cli)
    doses = train.GRAPHENE_EVAL_DOSES if a.task == "graphene-atoms" else train.EVAL_DOSES
    results = {}
    for k, dose in enumerate(doses):
        x, y, infos = make_data.make_set(cli, a.task, a.n_eval, train.SEED + 1000 + k, 128, dose,
                                         augment_on=False, hrtem_share=0.0, keep_truth=True)
        prob = train.predict(net, x)
        tp = nf = nt = right = 0
        for i, (material, px, _, rows) in enumerate(infos):
            if a.task == "tmd-atoms":
                names = make_data.TMD_SPECIES[material]

                def class_of(r):
                    return names.index(r["species"]) + 1 if r["species"] in names else None
            else:
                def class_of(r):
                    return make_data.GRAPHENE_CLASSES.get(r["species"])
            s = score_image(prob[i], rows, class_of, px, a.task, x[i].shape)
            tp, nf, nt, right = tp + s[0], nf + s[1], nt + s[2], right + s[3]
        p, r = tp / max(nf, 1), tp / max(nt, 1)
        results["%g" % dose] = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9),
                                "species_accuracy": right / max(tp, 1), "true_atoms": nt}
        print("dose %g: %s" % (dose, json.dumps(results["%g" % dose])), flush=True)
    with open(a.out or os.path.join(HERE, "out", a.task + "-atom-metrics.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| dose (e⁻/Å²) | atoms | precision | recall | F1 | species accuracy |")
    print("|---|---|---|---|---|---|")
    for dose, m in results.items():
        print("| %s | %d | %.3f | %.3f | %.3f | %.3f |" % (dose, m["true_atoms"], m["precision"],
                                                          m["recall"], m["f1"], m["species_accuracy"]))


if __name__ == "__main__":
    main()
