#!/usr/bin/env bash
# make-samples.sh: makes the bundled sample images and their truth with the
# simulator (fixed seeds, so the files are the same on every machine).
#   data/samples/make-samples.sh [path/to/atomlens-cli]
# Parameters and their reasons: README.md, section "Simulated images".
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
CLI=${1:-../../build/src/cli/atomlens-cli}

# MoS2, 2048×2048 at 0.03 nm/px (61 nm field of view, ≈ 6 px per Mo–S2
# distance), 5·10⁴ e⁻/Å²: every TMD point defect, a 1T patch and a grain
# boundary. A dark offset of 20 counts keeps the noise of empty pixels
# above zero in the 16-bit file.
"$CLI" simulate --material mos2 --size 2048 --seed 20261125 \
  --defects V_S=0.02,V_S2=0.005,V_Mo=0.003,Mo_S2=0.003,W_Mo=0.01,grain_boundary=1,phase_1T=1 \
  --offset 20 --uint16 --out mos2.tif --truth mos2-truth.csv

# Graphene, 1024×1024 at 0.012 nm/px (12 nm, ≈ 12 px per C–C bond),
# 5·10⁶ e⁻/Å² at a 60 kV-like 0.04 nm probe: Si dopants (three- and
# four-fold), Stone–Wales, mono- and divacancies, an edge.
"$CLI" simulate --material graphene --size 1024 --seed 20261126 \
  --defects V1=0.002,V2_585=0.001,SW=0.002,Si_C3=0.002,Si_C4=0.001,edge=1 \
  --offset 20 --uint16 --out graphene.tif --truth graphene-truth.csv

# 512×512 previews at full resolution (ImageMagick, when installed).
if command -v convert >/dev/null; then
  convert mos2.tif -crop 512x512+1024+1334 +repage -contrast-stretch 0.3%x0.1% -depth 8 mos2-preview.png
  convert graphene.tif -crop 512x512+512+400 +repage -contrast-stretch 0.3%x0.1% -depth 8 graphene-preview.png
fi
