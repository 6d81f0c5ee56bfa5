#!/usr/bin/python3
"""metrics_table.py: the held-out metrics that train.py wrote
(models/train/out/TASK-metrics.json) as the Markdown table of a model card.
  /usr/bin/python3 models/train/metrics_table.py models/train/out/tmd-atoms-metrics.json
"""
import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import train  # noqa: E402

# The network's own channels where the exported files merge some.
CHANNELS = {"graphene-atoms": ["background", "C or B", "N", "Si"]}


def main():
    m = json.load(open(sys.argv[1]))
    classes = CHANNELS.get(m["task"]) or train.EXPORTS[m["task"]][0][2].split(",")
    ev = m["eval"]
    if m["task"] == "tmd-denoise":
        print("| dose (e⁻/Å²) | PSNR noisy (dB) | PSNR denoised (dB) | gain (dB) |")
        print("|---|---|---|---|")
        for dose, r in ev.items():
            print("| %s | %.1f | %.1f | %.1f |" % (dose, r["psnr_in"], r["psnr_out"], r["psnr_gain_db"]))
        return
    # Atoms tasks also report every atom class against background.
    any_atom = m["task"].endswith("-atoms") and all("iou_any_atom" in r for r in ev.values())
    print("| dose (e⁻/Å²) | pixel accuracy | " + " | ".join("IoU %s" % c for c in classes)
          + (" | IoU any atom" if any_atom else "") + " |")
    print("|---" * (len(classes) + 2 + any_atom) + "|")
    for dose, r in ev.items():
        ious = [r["iou"][str(i)] for i in range(len(classes))]
        if any_atom:
            ious.append(r["iou_any_atom"])
        print("| %s | %.3f | " % (dose, r["pixel_accuracy"])
              + " | ".join("–" if v is None else "%.3f" % v for v in ious) + " |")


if __name__ == "__main__":
    main()
