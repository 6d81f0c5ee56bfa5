#!/usr/bin/python3
"""iou_ceiling.py: how high the pixel IoU of the TMD atom labels can be at
a dose, whatever the network. The labels are make_data's column cells
(--labels cells: Voronoi cells clipped at CELL_CLIP_NM with a CELL_GAP_NM
line between touching cells) or session 2's discs (--labels discs) around
the true columns; no estimator can place a column better than its
Cramer-Rao bound (CRLB) from the image's counts, so discs drawn at the true
positions moved by that bound (Gaussian, per species, from `atomlens-cli
score`) with every species right are an upper bound on what a network's map
can reach, up to the luck of a single noise draw.

  /usr/bin/python3 models/train/iou_ceiling.py [--cli build/src/cli/atomlens-cli]

Simulates 512x512 MoS2 at 0.03 nm/px (seeds 7 and 8, the defects of the
README's detector comparison) at 1e3, 1e4, 1e5 e/A2 and prints per-class IoU.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_data  # noqa: E402

NAMES = make_data.TMD_SPECIES["mos2"]
DEFECTS = "V_S=0.03,V_S2=0.01,V_Mo=0.005,Mo_S2=0.005,W_Mo=0.02,grain_boundary=1,phase_1T=1"
SIZE, PIXEL_NM = 512, 0.03


def paint(rows, a):
    def class_of(r):
        return NAMES.index(r["species"]) + 1 if r["species"] in NAMES else None
    label = np.zeros((SIZE, SIZE), np.uint8)
    if a.labels == "discs":
        return make_data.paint_discs(label, rows, a.radius_nm / PIXEL_NM, class_of)
    return make_data.paint_cells(label, rows, a.clip_nm / PIXEL_NM, a.gap_nm / PIXEL_NM, class_of)


def ious(pred, truth):
    per = [float(np.logical_and(pred == c, truth == c).sum()
                 / max(np.logical_or(pred == c, truth == c).sum(), 1)) for c in range(len(NAMES) + 1)]
    a, b = pred > 0, truth > 0
    return per, float((a & b).sum() / (a | b).sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=None)
    ap.add_argument("--labels", choices=("cells", "discs"), default="cells")
    ap.add_argument("--radius-nm", type=float, default=make_data.DISC_NM, help="discs")
    ap.add_argument("--clip-nm", type=float, default=make_data.CELL_CLIP_NM, help="cells")
    ap.add_argument("--gap-nm", type=float, default=make_data.CELL_GAP_NM, help="cells")
    ap.add_argument("--doses", default="1e3,1e4,1e5")
    a = ap.parse_args()
    cli = make_data.find_cli(a.cli)
    rng = np.random.default_rng(0)
    print("| dose (e⁻/Å²) | IoU background | " + " | ".join("IoU %s" % n for n in NAMES)
          + " | IoU any atom |")
    print("|---" * (len(NAMES) + 3) + "|")
    with tempfile.TemporaryDirectory() as d:
        for dose in [float(v) for v in a.doses.split(",")]:
            sums = np.zeros(len(NAMES) + 2)
            for seed in (7, 8):
                tif, csv_path, js = (os.path.join(d, n) for n in ("s.tif", "s.csv", "s.json"))
                subprocess.run([cli, "simulate", "--material", "mos2", "--size", str(SIZE),
                                "--pixel-size", str(PIXEL_NM), "--dose", "%g" % dose, "--seed", str(seed),
                                "--defects", DEFECTS, "--out", tif, "--truth", csv_path],
                               check=True, stdout=subprocess.DEVNULL)
                subprocess.run([cli, "score", "--truth", csv_path, "--found", csv_path, "--json", js],
                               check=True, stdout=subprocess.DEVNULL)
                crlb = {k: v.get("crlb_px") or 0.0 for k, v in json.load(open(js))["species"].items()}
                rows = list(csv.DictReader(open(csv_path)))
                moved = []
                for r in rows:
                    dx, dy = rng.normal(0, crlb.get(r["species"], 0.0) / np.sqrt(2), 2)
                    moved.append(dict(r, x_px=float(r["x_px"]) + dx, y_px=float(r["y_px"]) + dy))
                per, anyatom = ious(paint(moved, a), paint(rows, a))
                sums += np.array(per + [anyatom])
            sums /= 2
            print("| %g | " % dose + " | ".join("%.3f" % v for v in sums) + " |")


if __name__ == "__main__":
    main()
