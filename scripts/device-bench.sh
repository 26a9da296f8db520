#!/bin/bash
# Runs on a GPU machine with no Node, no node_modules and no network, from the repository root,
# with tmp/device/ carried there (prepare it here first: `node scripts/device-prepare.mjs --debs`).
# Every golden case on the real adapter (both training paths), then the WebGPU bench
# (ours / tfjs / roofline rows, batched corr2d included). Results go to $OUT (or tmp/device-out).
#   scripts/device-bench.sh [--quick]
set -euo pipefail
DEV="$(pwd)/tmp/device"
OUT="${OUT:-$(pwd)/tmp/device-out}"
RUN=/tmp/ks-device
mkdir -p "$OUT" "$RUN"
cp -r "$DEV/." "$RUN/"
xz -d -f "$RUN/node.xz" && chmod +x "$RUN/node"
xz -d -f "$RUN/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
# NVIDIA's Vulkan driver needs the GL/EGL loaders next to libvulkan1, else vkCreateInstance fails.
if [ -d "$RUN/debs" ] && ! ldconfig -p | grep -q libEGL.so.1; then
  for deb in "$RUN"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; fi
done
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-<loader default>}" | tee "$OUT/env.txt"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >> "$OUT/env.txt" 2>/dev/null || true
cd "$RUN"
status=0
timeout 540 ./node harness.mjs golden "$@" > "$OUT/device.json" 2> "$OUT/device.log" || status=$?
tail -c 2000 "$OUT/device.log"
head -c 3000 "$OUT/device.json"
exit $status
