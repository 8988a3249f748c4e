#!/usr/bin/env bash
# Build the Linux bundle (PyInstaller, one folder), smoke-test it, and pack it as a
# .tar.gz and a .deb. Run from anywhere; uses the project's .venv (or $PYTHON).
#
#   packaging/linux/build.sh             build, test, pack
#   packaging/linux/build.sh --install   also install the .deb (needs root), run the
#                                        installed app's self-test, and remove it again
#
# Prints the bundle size and the frozen app's cold-start time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
APP_ID="io.github.coverage_reader.CoverageReader"
MAX_MB=140  # 128 MB before Chinese (jieba dictionary 5 MB, CLD3 2 MB)
INSTALL_TEST=0
[[ "${1:-}" == "--install" ]] && INSTALL_TEST=1

VERSION="$("$PYTHON" -c 'import reader; print(reader.__version__)')"
ARCH_DEB="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
ARCH="$(uname -m)"
DIST="$ROOT/dist"
BUNDLE="$DIST/coverage-reader"

echo "== PyInstaller bundle (coverage-reader $VERSION)"
rm -rf "$BUNDLE" "$ROOT/build/coverage-reader"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$ROOT/build" packaging/pyinstaller/coverage-reader.spec

# libstdc++ must come from the system (built on the oldest supported glibc).
# (No `| grep -q` or `| head` under pipefail: the writer dies of SIGPIPE, exit 141.)
if [[ -n "$(find "$BUNDLE" -name 'libstdc++*' -print -quit)" ]]; then
  echo "error: libstdc++ was bundled" >&2
  exit 1
fi

echo "== smoke test of the frozen app"
smoke() {  # $1: the program to test
  local out err
  out="$(mktemp)"
  err="$(mktemp)"
  if ! env -u QT_QPA_PLATFORM "$1" --self-test >"$out" 2>"$err"; then
    cat "$out" "$err" >&2
    echo "error: the self-test of $1 failed" >&2
    exit 1
  fi
  if [[ -s "$err" ]]; then
    echo "error: unexpected output on stderr from $1 --self-test:" >&2
    cat "$err" >&2
    exit 1
  fi
  cat "$out"
  rm -f "$out" "$err"
}
smoke "$BUNDLE/coverage-reader"

SIZE_BYTES="$(du -sb "$BUNDLE" | cut -f1)"
SIZE_MB="$(( (SIZE_BYTES + 1048575) / 1048576 ))"
echo "bundle size: ${SIZE_MB} MB unpacked ($(find "$BUNDLE" -type f | wc -l) files)"
if (( SIZE_BYTES > MAX_MB * 1024 * 1024 )); then
  echo "error: the bundle is larger than ${MAX_MB} MB" >&2
  exit 1
fi
"$PYTHON" - "$BUNDLE/coverage-reader" <<'PY'
import statistics, subprocess, sys, time
program = sys.argv[1]
def timed(*args):
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([program, *args], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)
print(f"cold start (--version), median of 5: {timed('--version') * 1000:.0f} ms")
print(f"self-test (seeds, search, window), median of 5: {timed('--self-test') * 1000:.0f} ms")
PY

echo "== .tar.gz"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
TAR_DIR="coverage-reader-$VERSION"
mkdir -p "$STAGE/$TAR_DIR"
cp -a "$BUNDLE/." "$STAGE/$TAR_DIR/"
cp packaging/linux/$APP_ID.desktop "$STAGE/$TAR_DIR/"
cp resources/icons/coverage-reader.svg "$STAGE/$TAR_DIR/$APP_ID.svg"
cat >"$STAGE/$TAR_DIR/README.txt" <<EOF
Coverage Reader $VERSION for Linux ($ARCH)

Run ./coverage-reader to open the window (./coverage-reader --help for the command
line). Nothing needs installing, but Qt needs the system's X11/xcb libraries: on Debian
and Ubuntu, install the .deb instead, or these packages:
  libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  libfontconfig1 libdbus-1-3 libsqlite3-0
EOF
TARBALL="$DIST/coverage-reader-$VERSION-linux-$ARCH.tar.gz"
tar -C "$STAGE" --owner=0 --group=0 --numeric-owner -czf "$TARBALL" "$TAR_DIR"
echo "built $TARBALL ($(du -h "$TARBALL" | cut -f1))"

echo "== .deb"
DEB_ROOT="$STAGE/deb"
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt/coverage-reader" "$DEB_ROOT/usr/bin" \
  "$DEB_ROOT/usr/share/applications" "$DEB_ROOT/usr/share/metainfo" \
  "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE/." "$DEB_ROOT/opt/coverage-reader/"
ln -s /opt/coverage-reader/coverage-reader "$DEB_ROOT/usr/bin/coverage-reader"
cp packaging/linux/$APP_ID.desktop "$DEB_ROOT/usr/share/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" \
  packaging/linux/$APP_ID.metainfo.xml >"$DEB_ROOT/usr/share/metainfo/$APP_ID.metainfo.xml"
cp resources/icons/coverage-reader.svg "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$DEB_ROOT/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "resources/icons/coverage-reader-$size.png" \
    "$DEB_ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
GLIBC="$(ldd --version | awk 'NR == 1 { print $NF }')"
INSTALLED_KB="$(du -sk "$DEB_ROOT" | cut -f1)"
cat >"$DEB_ROOT/DEBIAN/control" <<EOF
Package: coverage-reader
Version: $VERSION
Architecture: $ARCH_DEB
Maintainer: Coverage Reader developers <coverage-reader@users.noreply.github.com>
Installed-Size: $INSTALLED_KB
Section: text
Priority: optional
Homepage: https://github.com/coverage-reader/coverage-reader
Depends: libc6 (>= $GLIBC), libstdc++6, libgcc-s1, zlib1g, libzstd1, libpng16-16,
 libsqlite3-0, libglib2.0-0, libdbus-1-3, libfontconfig1, libfreetype6, libegl1, libgl1,
 libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0,
 libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0,
 libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1, libxkbcommon0,
 libxkbcommon-x11-0, libwayland-client0, libwayland-cursor0
Recommends: fonts-noto-cjk, fonts-dejavu-core
Description: read, search and annotate news coverage offline
 Coverage Reader imports saved web pages, feeds, text, Markdown and JSON Lines,
 searches them (two words, boolean queries or a pasted sentence) and keeps
 highlights and notes that survive new versions of an article. Nothing is
 fetched from the network.
EOF
DEB="$DIST/coverage-reader_${VERSION}_${ARCH_DEB}.deb"
dpkg-deb --root-owner-group -Zxz --build "$DEB_ROOT" "$DEB" >/dev/null
echo "built $DEB ($(du -h "$DEB" | cut -f1))"
dpkg-deb --info "$DEB" | sed -n '1,12p'

if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "packaging/linux/$APP_ID.desktop"
  echo "desktop entry: valid"
else
  echo "warning: desktop-file-validate not found (packaging/linux/system-deps.sh installs it)"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$DEB_ROOT/usr/share/metainfo/$APP_ID.metainfo.xml"
else
  echo "warning: appstreamcli not found (packaging/linux/system-deps.sh installs it)"
fi

if (( INSTALL_TEST )); then
  echo "== install test of the .deb"
  SUDO=""
  [[ "$(id -u)" != 0 ]] && SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends "$DEB" >/dev/null
  smoke /usr/bin/coverage-reader
  if command -v xvfb-run >/dev/null; then
    # The installed app on a (virtual) X screen with the xcb platform: it must start,
    # show its window on the seeds and keep running, saying nothing on stderr.
    RUN_HOME="$(mktemp -d)"
    mkdir -m 700 "$RUN_HOME/runtime"
    set +e
    HOME="$RUN_HOME" XDG_RUNTIME_DIR="$RUN_HOME/runtime" \
      COVERAGE_READER_LIBRARY="$RUN_HOME/library" QT_QPA_PLATFORM=xcb \
      xvfb-run -a -s "-screen 0 1280x800x24" timeout 8 /usr/bin/coverage-reader \
      >"$RUN_HOME/out" 2>"$RUN_HOME/err"
    status=$?
    set -e
    if [[ $status -ne 124 ]] || [[ -s "$RUN_HOME/err" ]]; then
      echo "error: the installed app did not keep running on X (exit $status):" >&2
      cat "$RUN_HOME/err" >&2
      exit 1
    fi
    test -f "$RUN_HOME/library/library.sqlite"
    rm -rf "$RUN_HOME"
    echo "installed app ran on an X screen (xcb) with the seeds for 8 s"
  fi
  test -f "/usr/share/applications/$APP_ID.desktop"
  test -f "/usr/share/icons/hicolor/256x256/apps/$APP_ID.png"
  $SUDO dpkg --remove coverage-reader >/dev/null
  echo "installed, ran and removed the .deb"
fi
