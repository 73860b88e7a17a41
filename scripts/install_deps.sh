#!/usr/bin/env bash
# Installs the Debian 12 packages hjbench needs; does nothing (and prints nothing) when all are present.
#   scripts/install_deps.sh [--with-torch]   (--with-torch: also python3-torch, for examples/torch_pendulum.py)
set -euo pipefail
extra=()
for arg in "$@"; do
  case "$arg" in
    --with-torch) extra+=(python3-torch) ;;
    *) echo "install_deps.sh: unknown option '$arg' (only --with-torch)" >&2; exit 2 ;;
  esac
done
packages=(g++ make cmake pkg-config libpetsc-real-dev libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
          libboost-program-options-dev libgtest-dev libeigen3-dev clang-format python3 python3-numpy python3-h5py
          python3-matplotlib python3-scipy python3-pytest python3-dev pybind11-dev "${extra[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
