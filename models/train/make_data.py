#!/usr/bin/python3
"""make_data.py: training and evaluation data for AtomLens's networks.

Every sample is an image made by `atomlens-cli simulate` (exact truth) with
randomised material, dose, pixel size, rotation, probe, scan distortion,
defects, phases, holes, edges and grain boundaries, then turned into an
(image, target) pair for one task:

  tmd-atoms       per-pixel classes background, metal, full chalcogen column,
                  half chalcogen column, 4th species (the material's species
                  order of al-material.h: MoS2 Mo,S2,S,W; WS2 W,S2,S,Mo;
                  WSe2 W,Se2,Se,Te), column cells (paint_cells) at true sites
  graphene-atoms  background, C or B, N, Si (graphene and hBN together)
  tmd-phase       2H, 1T, 1T', amorphous, vacuum from the atoms'
                  true_defect_type, nearest atom within PHASE_RADIUS_NM
  tmd-denoise     the noisy image and the simulator's noiseless one (same seed)

Images are then augmented the way real data differ from the simulator
(gamma, background gradients, contamination blobs, blur) and normalised as
the engine does for atomlens.normalisation=zscore (whole-image mean and
standard deviation, al_nn_model_normalise_input).

A development tool: nothing at run time needs it.
  /usr/bin/python3 models/train/make_data.py --task tmd-atoms --n 400 --seed 1 --out /tmp/tmd.npz
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.ndimage as ndi
import tifffile

DISC_NM = 0.075           # session-2 TMD label disc radius (0.4 of the M-X distance), for comparison
CELL_CLIP_NM = 0.10       # TMD label cells: clipped at 0.54 of the MoS2 M-X distance (0.184 nm)
CELL_GAP_NM = 0.03        # background line between touching cells (1 px at 0.03 nm/px)
CELL_NEIGHBOURS = 4       # columns tested for a nearby bisector (3 nearest neighbours + self)
GRAPHENE_DISC_NM = 0.045  # graphene/hBN: 0.3 of the 0.142 nm bond, so discs never touch
PHASE_RADIUS_NM = 0.30    # farther than this from any atom is vacuum
PHASE_MIN_DOSE = 500.0    # e/A2: phase training images; below, phases cannot be seen
TMDS = ("mos2", "ws2", "wse2")
TMD_SPECIES = {"mos2": ("Mo", "S2", "S", "W"), "ws2": ("W", "S2", "S", "Mo"),
               "wse2": ("W", "Se2", "Se", "Te")}
GRAPHENE_CLASSES = {"C": 1, "B": 1, "N": 2, "Si": 3}
PHASE_CLASSES = ("2H", "1T", "1Tp", "amorphous", "vacuum")
PHASE_OF_DEFECT = {"phase_1T": 1, "phase_1Tp": 2, "amorphous": 3}

TASK_PIXEL_NM = {"tmd-atoms": 0.03, "tmd-phase": 0.03, "tmd-denoise": 0.03,
                 "graphene-atoms": 0.015}


def find_cli(path=None):
    here = os.path.dirname(os.path.abspath(__file__))
    for p in (path, os.environ.get("ATOMLENS_CLI"),
              os.path.join(here, "..", "..", "build", "src", "cli", "atomlens-cli")):
        if p and os.path.exists(p):
            return os.path.abspath(p)
    sys.exit("make_data.py: build atomlens-cli first (or pass --cli PATH)")


def read_truth(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def simulate(cli, workdir, args, noiseless_too=False):
    """Runs the simulator; returns (image, truth rows, noiseless image or None)."""
    tif, truth = os.path.join(workdir, "s.tif"), os.path.join(workdir, "s.csv")
    subprocess.run([cli, "simulate"] + args + ["--out", tif, "--truth", truth],
                   check=True, stdout=subprocess.DEVNULL)
    image = tifffile.imread(tif).astype(np.float32)
    clean = None
    if noiseless_too:
        subprocess.run([cli, "simulate"] + args + ["--noiseless", "--out", tif],
                       check=True, stdout=subprocess.DEVNULL)
        clean = tifffile.imread(tif).astype(np.float32)
    return image, read_truth(truth), clean


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def random_scene(rng, task, size, dose=None, hrtem_share=0.15):
    """Simulator arguments for one random scene of TASK."""
    px = TASK_PIXEL_NM[task] * rng.uniform(0.87, 1.15)
    if task == "graphene-atoms":
        material = "graphene" if rng.random() < 0.6 else "hbn"
        d = rng.uniform(0, 0.03, 5)
        defects = ("V1=%.4f,V2_585=%.4f,SW=%.4f,Si_C3=%.4f,Si_C4=%.4f" % tuple(d)
                   if material == "graphene" else "V1=%.4f" % d[0])
        dose = dose or log_uniform(rng, 1e4, 1e7)
        probe = rng.uniform(0.03, 0.06)
    else:
        material = TMDS[rng.integers(3)]
        d = rng.uniform(0, 1, 5) * np.array([0.08, 0.03, 0.02, 0.02, 0.06])
        defects = "V_S=%.4f,V_S2=%.4f,V_Mo=%.4f,Mo_S2=%.4f,W_Mo=%.4f" % tuple(d)
        dose = dose or log_uniform(rng, PHASE_MIN_DOSE if task == "tmd-phase" else 1e2, 1e5)
        probe = rng.uniform(0.04, 0.07)
    planar = []
    for key, p in (("grain_boundary", 0.15), ("edge", 0.1), ("hole", 0.1)):
        if rng.random() < p:
            planar.append("%s=1" % key)
    if task != "graphene-atoms":
        pphase = 0.7 if task == "tmd-phase" else 0.3
        for key in ("phase_1T", "phase_1Tp", "amorphous"):
            if rng.random() < pphase / 2:
                planar.append("%s=1" % key)
    if planar:
        defects += "," + ",".join(planar)
    strain = "exx=%.4f,eyy=%.4f,exy=%.4f" % tuple(rng.normal(0, 0.01, 3))
    if rng.random() < 0.2:
        strain += ",bump=%.3f:%.2f" % (rng.uniform(0.01, 0.04), rng.uniform(1, 3))
    scan = "jitter=%.2f,drift=%.3f:%.3f" % (rng.uniform(0, 0.6), *rng.normal(0, 0.05, 2))
    if rng.random() < 0.3:
        scan += ",wobble=%.2f:%d" % (rng.uniform(0, 1.0), rng.integers(20, 80))
    args = ["--material", material, "--size", str(size), "--pixel-size", "%.5f" % px,
            "--dose", "%.4g" % dose, "--defects", defects, "--strain", strain,
            "--scan", scan, "--seed", str(int(rng.integers(1, 2**31))),
            "--rotation", "%.2f" % rng.uniform(0, 360),
            "--probe-sigma", "%.4f" % probe,
            "--tail-fraction", "%.3f" % rng.uniform(0.1, 0.3),
            "--background", "%.3g" % log_uniform(rng, 1e-6, 3e-4)]
    if task == "tmd-denoise":
        hrtem_share = 0.0
    if rng.random() < hrtem_share:
        args += ["--mode", "hrtem", "--defocus", "%.2f" % rng.uniform(-12, -2)]
    return material, px, args


def disc_offsets(radius_px):
    r = int(np.ceil(radius_px))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return yy, xx


def paint_discs(label, rows, radius_px, class_of):
    """Sets every pixel within radius_px of a true site to its class."""
    h, w = label.shape
    r = int(np.ceil(radius_px)) + 1
    for row in rows:
        c = class_of(row)
        if c is None:
            continue
        x, y = float(row["x_px"]), float(row["y_px"])
        x0, x1 = max(int(x) - r, 0), min(int(x) + r + 2, w)
        y0, y1 = max(int(y) - r, 0), min(int(y) + r + 2, h)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        inside = (xx - x) ** 2 + (yy - y) ** 2 <= radius_px ** 2
        label[y0:y1, x0:x1][inside] = c
    return label


def paint_cells(label, rows, clip_px, gap_px, class_of):
    """Column cells: every pixel within clip_px of its nearest true column
    and at least gap_px / 2 from the perpendicular bisector with each other
    column near it takes that column's class (a Voronoi cell clipped to a
    disc, with a thin background line between touching cells, as in the
    U-Net paper's separation of touching objects)."""
    from scipy.spatial import cKDTree
    if not rows:
        return label
    h, w = label.shape
    pts = np.array([[float(r["y_px"]), float(r["x_px"])] for r in rows])
    cls = np.array([class_of(r) or 0 for r in rows], np.int64)
    yy, xx = np.mgrid[0:h, 0:w]
    q = np.stack([yy.ravel(), xx.ravel()], 1).astype(np.float64)
    k = min(CELL_NEIGHBOURS, len(pts))
    dist, idx = cKDTree(pts).query(q, k=k)
    dist, idx = dist.reshape(len(q), k), idx.reshape(len(q), k)
    inside = dist[:, 0] <= clip_px
    for j in range(1, k):
        sep = np.linalg.norm(pts[idx[:, j]] - pts[idx[:, 0]], axis=1)
        to_bisector = (dist[:, j] ** 2 - dist[:, 0] ** 2) / (2 * np.maximum(sep, 1e-9))
        inside &= to_bisector >= gap_px / 2
    flat = label.reshape(-1)
    flat[inside] = cls[idx[inside, 0]]
    return label


def tmd_atoms_label(shape, rows, material, px):
    names = TMD_SPECIES[material]
    return paint_cells(np.zeros(shape, np.uint8), rows, CELL_CLIP_NM / px, CELL_GAP_NM / px,
                       lambda r: names.index(r["species"]) + 1 if r["species"] in names else None)


def graphene_label(shape, rows, px):
    return paint_discs(np.zeros(shape, np.uint8), rows, GRAPHENE_DISC_NM / px,
                       lambda r: GRAPHENE_CLASSES.get(r["species"]))


# Phase labels by coordination (session 4). The simulator turns every
# column within a patch's disc to 1T or 1T' (al-sim-planar.c); a metal just
# inside the disc whose chalcogen columns lie outside it still has the
# trigonal-prismatic (2H) surroundings in the image, and one just outside
# may be ringed by 1T columns. A metal therefore takes the phase of most of
# the chalcogen atoms around it: S2 / Se2 columns (2H sites, two atoms) and
# the patch's single columns within METAL_CHALCOGEN_NM (projected M-X is
# 0.18-0.19 nm, the next chalcogens are 0.37 nm away); ties keep the disc's
# label.
METAL_CHALCOGEN_NM = 0.25
TMD_METALS = ("Mo", "W")
CHALCOGEN_ATOMS = {"S2": 2, "Se2": 2, "Te": 2, "S": 1, "Se": 1}
PHASE_LABELS = "coordination"   # or "disc": each atom its own true_defect_type


def phase_of_atoms(rows, px, scheme=None):
    """Each atom's phase class (PHASE_CLASSES index, vacuum excluded)."""
    from scipy.spatial import cKDTree
    cls = np.array([PHASE_OF_DEFECT.get(r["true_defect_type"], 0) for r in rows], np.uint8)
    if (scheme or PHASE_LABELS) == "disc" or not rows:
        return cls
    pts = np.array([[float(r["y_px"]), float(r["x_px"])] for r in rows])
    atoms = np.array([CHALCOGEN_ATOMS.get(r["species"], 0) for r in rows])
    is_metal = np.array([r["species"] in TMD_METALS for r in rows])
    tree = cKDTree(pts)
    out = cls.copy()
    amorphous = PHASE_CLASSES.index("amorphous")
    for k in np.flatnonzero(is_metal & (cls != amorphous)):
        near = [j for j in tree.query_ball_point(pts[k], METAL_CHALCOGEN_NM / px)
                if atoms[j] and cls[j] != amorphous]
        if not near:
            continue
        votes = np.zeros(len(PHASE_CLASSES))
        for j in near:
            votes[cls[j]] += atoms[j]
        patch = int(np.argmax(votes[1:3])) + 1
        if votes[patch] > votes[0]:
            out[k] = patch
        elif votes[0] > votes[patch]:
            out[k] = 0
    return out


def phase_label(shape, rows, px, scheme=None):
    """Each pixel takes the phase of its nearest atom (phase_of_atoms);
    vacuum beyond PHASE_RADIUS_NM."""
    from scipy.spatial import cKDTree
    h, w = shape
    label = np.full(shape, PHASE_CLASSES.index("vacuum"), np.uint8)
    if not rows:
        return label
    pts = np.array([[float(r["y_px"]), float(r["x_px"])] for r in rows])
    cls = phase_of_atoms(rows, px, scheme)
    yy, xx = np.mgrid[0:h, 0:w]
    dist, idx = cKDTree(pts).query(np.stack([yy.ravel(), xx.ravel()], 1))
    near = dist <= PHASE_RADIUS_NM / px
    label.ravel()[near] = cls[idx[near]]
    return label


def augment(rng, image, blobs=True):
    """What real detectors and samples add: a non-linear response, a smooth
    background, contamination (unless not blobs), extra blur and an
    arbitrary gain."""
    h, w = image.shape
    img = np.maximum(image, 0)
    if rng.random() < 0.5:
        img = img ** rng.uniform(0.7, 1.4)
    scale = max(float(np.percentile(img, 99)), 1e-6)
    if rng.random() < 0.5:
        yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
        img = img + scale * rng.uniform(0, 0.3) * (rng.normal() * xx + rng.normal() * yy)
    if blobs and rng.random() < 0.25:
        c = ndi.gaussian_filter(rng.normal(size=(h, w)), rng.uniform(4, 12))
        c = np.maximum(c / (c.std() + 1e-9) - 1.0, 0)
        img = img + scale * rng.uniform(0.1, 0.5) * c
    if rng.random() < 0.3:
        img = ndi.gaussian_filter(img, rng.uniform(0.3, 1.0))
    return (img * rng.uniform(0.5, 2.0)).astype(np.float32)


def zscore(image):
    """As al_nn_model_normalise_input for "zscore": whole-image mean and std."""
    img = image.astype(np.float64)
    sd = img.std()
    return ((img - img.mean()) / sd if sd > 0 else img * 0).astype(np.float32)


def make_sample(cli, workdir, rng, task, size, dose=None, augment_on=True, hrtem_share=0.15,
                phase_scheme=None):
    """One (input, target, info) triple; input already normalised.
    phase_scheme: tmd-phase label definition (phase_of_atoms)."""
    material, px, args = random_scene(rng, task, size, dose, hrtem_share)
    image, rows, clean = simulate(cli, workdir, args, noiseless_too=(task == "tmd-denoise"))
    if task == "tmd-denoise":
        # Target in the input's normalised units: the engine's output can be
        # mapped back to counts with the input's mean and std.
        mean, sd = float(image.mean()), float(image.std()) or 1.0
        return ((image - mean) / sd).astype(np.float32), ((clean - mean) / sd).astype(np.float32), \
            (material, px, args, rows)
    if augment_on:
        image = augment(rng, image)
    if task == "tmd-atoms":
        target = tmd_atoms_label(image.shape, rows, material, px)
    elif task == "graphene-atoms":
        target = graphene_label(image.shape, rows, px)
    else:
        target = phase_label(image.shape, rows, px, phase_scheme)
    return zscore(image), target, (material, px, args, rows)


def make_set(cli, task, n, seed, size, dose=None, augment_on=True, hrtem_share=0.15,
             keep_truth=False, phase_scheme=None):
    """N samples; infos are the simulator arguments (with keep_truth:
    (material, pixel size, arguments, truth rows))."""
    rng = np.random.default_rng(seed)
    xs, ys, infos = [], [], []
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(n):
            x, y, info = make_sample(cli, workdir, rng, task, size, dose, augment_on, hrtem_share,
                                     phase_scheme)
            xs.append(x)
            ys.append(y)
            infos.append(info if keep_truth else " ".join(info[2]))
    return np.stack(xs), np.stack(ys), infos


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", required=True, choices=sorted(TASK_PIXEL_NM))
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dose", type=float, default=None, help="fixed dose (evaluation sets)")
    ap.add_argument("--cli", default=None)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    x, y, infos = make_set(find_cli(a.cli), a.task, a.n, a.seed, a.size, a.dose)
    np.savez_compressed(a.out, x=x, y=y, info=np.array(infos))


if __name__ == "__main__":
    main()
