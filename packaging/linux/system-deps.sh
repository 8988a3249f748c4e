#!/usr/bin/env bash
# Install the Debian/Ubuntu system packages Coverage Reader needs to build and run:
# Python's venv module, and the libraries Qt's xcb and offscreen platforms load.
#   packaging/linux/system-deps.sh          install what is missing (needs root or sudo)
#   packaging/linux/system-deps.sh --check  only say what is missing (exit 1 if anything)
#   packaging/linux/system-deps.sh --print  print the package list
set -euo pipefail

PACKAGES=(
  python3-venv make
  # Qt's GUI libraries (offscreen and xcb)
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  # Qt's xcb platform plugin
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxcb-xinerama0
  libxcb-xfixes0 libx11-xcb1 libx11-6 libxcb1 libxcb-render0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libwayland-client0 libwayland-cursor0 libsqlite3-0
  # fonts: Latin, Cyrillic and CJK text in the reader
  fonts-dejavu-core fonts-noto-cjk
  # a virtual screen for screenshots and the xcb smoke test
  xvfb xauth
  # checks of the Linux packages (make dist): desktop entry and AppStream metainfo
  desktop-file-utils appstream
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != *"install ok installed"* ]]; then
    missing+=("$pkg")
  fi
done

case "${1:-}" in
  --print) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
  --check)
    if [ ${#missing[@]} -gt 0 ]; then echo "missing: ${missing[*]}"; exit 1; fi
    exit 0 ;;
esac

[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: run as root to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
