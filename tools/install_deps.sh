#!/usr/bin/env bash
# Installs what netc needs from Debian 12's packages, skipping what is already there.
set -euo pipefail
packages=(cmake g++ make clang-14 libclang-rt-14-dev libhalide14-0-dev qemu-user llvm-14 nlohmann-json3-dev libgtest-dev libonnx-dev libonnx-testdata python3-onnx python3-torchvision python3-numpy python3-pil python3-skimage libprotobuf-dev protobuf-compiler nodejs libjpeg-dev libpng-dev parallel)
# Cross compilers for the ARM targets (docs/targets.md), except for this machine's own kind.
case "$(dpkg --print-architecture)" in
  amd64) packages+=(gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf) ;;
  arm64) packages+=(gcc-arm-linux-gnueabihf) ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
# npm is not in the list above: NodeSource's nodejs package bundles npm and
# conflicts with Debian's npm package, so Debian's npm is installed only when no
# npm command exists.
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing: npm"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm
fi
# TF.js (pure JS) and nsfwjs's trained models (tools/tfjs: the TF.js importer's oracle).
tfjs_tools="$(dirname "$0")/tfjs"
if [ ! -d "$tfjs_tools/node_modules/@tensorflow/tfjs" ] || [ ! -d "$tfjs_tools/node_modules/nsfwjs" ]; then
  echo "== installing: @tensorflow/tfjs, nsfwjs (npm ci in $tfjs_tools)"
  # The demo has an offline fallback (NETC_NPM_OPTIONAL=1); the tests need these packages.
  if ! (cd "$tfjs_tools" && npm ci --no-audit --no-fund); then
    [ "${NETC_NPM_OPTIONAL:-0}" = 1 ] || exit 1
    rm -rf "$tfjs_tools/node_modules"
    echo "WARNING: npm could not install the TF.js packages (no registry?): going on without them"
  fi
fi
# ONNX Runtime for node (tools/onnx, reference outputs for the ONNX importer).
# Setting ONNXRUNTIME_NODE_INSTALL=skip keeps its install script from fetching GPU
# binaries; the package already contains the CPU build.
onnx_tools="$(dirname "$0")/onnx"
if [ ! -d "$onnx_tools/node_modules/onnxruntime-node" ]; then
  echo "== installing: onnxruntime-node (npm ci in $onnx_tools)"
  if ! (cd "$onnx_tools" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund); then
    [ "${NETC_NPM_OPTIONAL:-0}" = 1 ] || exit 1
    rm -rf "$onnx_tools/node_modules"
    echo "WARNING: npm could not install ONNX Runtime (no registry?): going on without it"
  fi
fi
