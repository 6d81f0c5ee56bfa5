#!/usr/bin/python3
"""score_misses.py: what detection misses and adds, by kind, on a simulated
image (a development tool, like the other scripts here; the product does
not need it).

    score_misses.py TRUTH.csv atoms.csv [--list FILE.csv]

Matches found atoms to true columns one-to-one (optimal assignment within a
quarter of the nearest-neighbour distance, as `atomlens-cli score` does),
then sorts every missed true column and every false positive into buckets,
so the biggest ones can be fixed first:

  missed:  species × where (1T/1T' patch, grain boundary, edge, near a
           vacancy, image border, bulk), and whether a found atom sits
           within half a neighbour distance (mislocated) or not (absent).
  false:   duplicate (the nearest true column is matched to another atom
           within half a neighbour distance), mislocated (the nearest true
           column is unmatched), off-site (no true column within half a
           neighbour distance), each with the found species and where.

The truth's true_defect_type gives the place (phase_1T, grain_boundary,
edge...); TRUTH-defects.csv next to the truth gives the vacancy centres.
"""
import argparse
import collections
import csv
import os
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

VACANCIES = ("V_S", "V_S2", "V_Mo", "V1", "V2_585")
# A column within this many neighbour distances of a vacancy is "near" it.
NEAR_VACANCY_NN = 1.3
# Within this many neighbour distances of the image side is the "border".
BORDER_NN = 0.7


def read_atoms(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    xy = np.array([[float(r["x_px"]), float(r["y_px"])] for r in rows]).reshape(-1, 2)
    return rows, xy


def neighbour_distance(xy):
    d, _ = cKDTree(xy).query(xy, k=2)
    return float(np.median(d[:, 1]))


def match(txy, fxy, radius):
    """Optimal one-to-one matching within radius: truth index -> found index."""
    tree = cKDTree(fxy)
    pairs = tree.query_ball_point(txy, radius)
    ti = [i for i, p in enumerate(pairs) if p]
    fj = sorted({j for p in pairs for j in p})
    col = {j: k for k, j in enumerate(fj)}
    big = 1e6
    cost = np.full((len(ti), len(fj)), big)
    for r, i in enumerate(ti):
        for j in pairs[i]:
            cost[r, col[j]] = np.hypot(*(txy[i] - fxy[j]))
    rows, cols = linear_sum_assignment(cost)
    m = {}
    for r, c in zip(rows, cols):
        if cost[r, c] < big:
            m[ti[r]] = fj[c]
    return m


def truth_places(rows, txy, truth_path, nn, size):
    """A place per true column: its defect type when it is in a patch, a
    grain boundary or an edge; near_vacancy; border; or bulk."""
    places = []
    vac = []
    dpath = truth_path[:-4] + "-defects.csv" if truth_path.endswith(".csv") else None
    if dpath and os.path.exists(dpath):
        with open(dpath, newline="") as f:
            for r in csv.DictReader(f):
                if r["type"] in VACANCIES:
                    vac.append((float(r["x_px"]), float(r["y_px"])))
    vtree = cKDTree(np.array(vac)) if vac else None
    w, h = size
    for r, (x, y) in zip(rows, txy):
        t = r.get("true_defect_type", "none")
        if t.startswith("phase") or t in ("grain_boundary", "edge", "amorphous", "hole"):
            places.append(t)
        elif vtree is not None and vtree.query((x, y))[0] < NEAR_VACANCY_NN * nn:
            places.append("near_vacancy")
        elif min(x, y, w - 1 - x, h - 1 - y) < BORDER_NN * nn:
            places.append("border")
        else:
            places.append("bulk")
    return places


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("truth")
    ap.add_argument("found")
    ap.add_argument("--list", help="write every miss and false positive to this CSV")
    a = ap.parse_args()

    trows, txy = read_atoms(a.truth)
    frows, fxy = read_atoms(a.found)
    if len(txy) == 0:
        sys.exit("no true columns")
    nn = neighbour_distance(txy)
    radius = 0.25 * nn
    size = (np.ceil(txy[:, 0].max()) + 1, np.ceil(txy[:, 1].max()) + 1)
    places = truth_places(trows, txy, a.truth, nn, size)
    m = match(txy, fxy, radius) if len(fxy) else {}
    matched_found = set(m.values())
    ftree = cKDTree(fxy) if len(fxy) else None
    ttree = cKDTree(txy)

    listing = []
    missed = collections.Counter()
    for i in range(len(txy)):
        if i in m:
            continue
        how = "absent"
        if ftree is not None:
            d, j = ftree.query(txy[i])
            if d < 0.5 * nn and j not in matched_found:
                how = "mislocated"
            elif d < 0.5 * nn:
                how = "taken"
        missed[(trows[i]["species"], places[i], how)] += 1
        listing.append(("missed", trows[i]["id"], txy[i][0], txy[i][1], trows[i]["species"],
                        places[i], how))
    false = collections.Counter()
    for j in range(len(fxy)):
        if j in matched_found:
            continue
        d, i = ttree.query(fxy[j])
        if d >= 0.5 * nn:
            how = "off_site"
        elif i in m:
            how = "duplicate"
        else:
            how = "mislocated"
        false[(frows[j]["species"], places[i], how)] += 1
        listing.append(("false", frows[j]["id"], fxy[j][0], fxy[j][1], frows[j]["species"],
                        places[i], how))

    tp = len(m)
    prec = tp / max(len(fxy), 1)
    rec = tp / len(txy)
    f1 = 2 * prec * rec / max(prec + rec, 1e-12)
    print(f"truth {len(txy)}  found {len(fxy)}  matched {tp}  "
          f"(radius {radius:.2f} px)  P {prec:.4f}  R {rec:.4f}  F1 {f1:.4f}")
    print(f"missed {len(txy) - tp}:")
    for (sp, pl, how), n in missed.most_common():
        print(f"  {n:5d}  {sp:4s} {pl:15s} {how}")
    print(f"false positives {len(fxy) - tp}:")
    for (sp, pl, how), n in false.most_common():
        print(f"  {n:5d}  {sp:4s} {pl:15s} {how}")
    if a.list:
        with open(a.list, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["kind", "id", "x_px", "y_px", "species", "place", "how"])
            for row in listing:
                w.writerow([row[0], row[1], f"{row[2]:.2f}", f"{row[3]:.2f}", *row[4:]])


if __name__ == "__main__":
    main()
