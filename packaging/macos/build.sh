#!/usr/bin/env bash
# Build the macOS installer of Coverage Reader: dist/CoverageReader-<version>-macos-<arch>.dmg
# (<arch> is the build Python's: arm64 or x86_64). Run on macOS, from anywhere, with the
# build environment's Python (the lock file and the project installed: packaging/README.md):
#
#   packaging/macos/build.sh            # PYTHON=/path/to/python to choose the interpreter
#
# 1. The icon: packaging/make_icons.py --iconset, then iconutil -> packaging/macos/coverage-reader.icns
#    (the spec picks it up).
# 2. PyInstaller builds "dist/Coverage Reader.app" (the shared spec).
# 3. Smoke test of the frozen app: "coverage-reader --version", then "--self-test"; a
#    non-zero exit or anything on stderr fails the build. Bundle size and both (cold-start)
#    times are printed.
# 4. Only when the secrets are set: MACOS_CERT_P12 (base64 .p12), MACOS_CERT_PASSWORD and
#    MACOS_SIGN_IDENTITY ("Developer ID Application: …") sign the app (hardened runtime,
#    secure timestamp) from a temporary keychain, and the smoke test runs again on the signed
#    app; APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password) then
#    notarize it (notarytool submit --wait) and staple the ticket. Without them: a notice,
#    and an unsigned app.
# 5. The .dmg: the app and an /Applications link, hdiutil create (retried: hdiutil's
#    "Resource busy" is a known flake); signed, notarized and stapled like the app when the
#    secrets are there; then mounted, and the app inside run once.
#
# Written for the bash 3.2 that macOS ships as well as a newer one.
set -euo pipefail

cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
APP_NAME="Coverage Reader"
APP="dist/$APP_NAME.app"
SPEC=packaging/pyinstaller/coverage-reader.spec
ICNS=packaging/macos/coverage-reader.icns
ENTITLEMENTS=packaging/macos/entitlements.plist

log() { printf '\n==> %s\n' "$*"; }
die() {
  printf 'packaging/macos/build.sh: %s\n' "$*" >&2
  exit 1
}
# A notice in the GitHub Actions log (a plain line anywhere else).
notice() { printf '::notice::%s\n' "$*"; }

[ "$(uname -s)" = Darwin ] || die "this builds the macOS installer: run it on macOS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/coverage-reader-build.XXXXXX")
KEYCHAIN=""
MOUNT=""
ORIGINAL_KEYCHAINS=()

cleanup() {
  if [ -n "$MOUNT" ] && [ -d "$MOUNT" ]; then
    hdiutil detach -force "$MOUNT" >/dev/null 2>&1 || true
  fi
  if [ -n "$KEYCHAIN" ]; then
    security list-keychains -d user -s ${ORIGINAL_KEYCHAINS[@]+"${ORIGINAL_KEYCHAINS[@]}"} || true
    security delete-keychain "$KEYCHAIN" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# run_clean CMD...: run CMD with its stdout and stderr captured apart, and timed. Prints
# its stdout; fails the build if it exits non-zero or writes anything on stderr. Sets
# LAST_SECONDS (wall-clock seconds) and LAST_STDOUT (a file).
run_clean() {
  local out="$WORK/stdout" err="$WORK/stderr" timing="$WORK/time" rc=0
  local TIMEFORMAT=%R
  { time "$@" >"$out" 2>"$err"; } 2>"$timing" || rc=$?
  cat "$out"
  if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
    printf -- '--- stderr of %s ---\n' "$*" >&2
    cat "$err" >&2
    die "$* failed: exit code $rc, $(wc -c <"$err" | tr -d ' ') bytes on stderr"
  fi
  LAST_SECONDS=$(tail -n 1 "$timing")
  LAST_STDOUT=$out
}

# smoke_test APP: --version (the first start after a build is the cold one), then
# --self-test, of the app's console executable. Sets VERSION_SECONDS and SELFTEST_SECONDS.
smoke_test() {
  local exe="$1/Contents/MacOS/coverage-reader"
  [ -x "$exe" ] || die "$exe is missing"
  run_clean "$exe" --version
  VERSION_SECONDS=$LAST_SECONDS
  [ "$(cat "$LAST_STDOUT")" = "coverage-reader $VERSION" ] ||
    die "$exe --version printed '$(cat "$LAST_STDOUT")', expected 'coverage-reader $VERSION'"
  run_clean "$exe" --self-test
  SELFTEST_SECONDS=$LAST_SECONDS
  grep -q "self-test ok" "$LAST_STDOUT" || die "$exe --self-test did not print 'self-test ok'"
}

# with_retries N PAUSE CMD...: run CMD up to N times, PAUSE×attempt seconds apart.
with_retries() {
  local tries=$1 pause=$2 attempt=1
  shift 2
  until "$@"; do
    [ "$attempt" -lt "$tries" ] || return 1
    printf '%s failed (attempt %d of %d); retrying in %d s\n' "$1" "$attempt" "$tries" \
      $((pause * attempt)) >&2
    sleep $((pause * attempt))
    attempt=$((attempt + 1))
  done
}

size_mb() { du -sk "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }

# --- signing and notarization (only with the secrets) -------------------------------

can_sign() { [ -n "${MACOS_CERT_P12:-}" ] && [ -n "${MACOS_SIGN_IDENTITY:-}" ]; }
can_notarize() {
  [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]
}

# The certificate goes into a temporary keychain of its own, searched first while this
# runs and deleted at exit.
import_certificate() {
  local password line identities
  KEYCHAIN="$WORK/signing.keychain-db"
  password=$(uuidgen)
  while IFS= read -r line; do
    line=${line#*\"}
    ORIGINAL_KEYCHAINS+=("${line%\"*}")
  done < <(security list-keychains -d user)
  security create-keychain -p "$password" "$KEYCHAIN"
  security set-keychain-settings -lut 21600 "$KEYCHAIN"
  security unlock-keychain -p "$password" "$KEYCHAIN"
  printf '%s' "$MACOS_CERT_P12" | tr -d ' \r\n' | base64 --decode >"$WORK/certificate.p12"
  security import "$WORK/certificate.p12" -k "$KEYCHAIN" -P "${MACOS_CERT_PASSWORD:-}" \
    -T /usr/bin/codesign >/dev/null
  rm -f "$WORK/certificate.p12"
  security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$password" \
    "$KEYCHAIN" >/dev/null
  security list-keychains -d user -s "$KEYCHAIN" \
    ${ORIGINAL_KEYCHAINS[@]+"${ORIGINAL_KEYCHAINS[@]}"}
  identities=$(security find-identity -v -p codesigning "$KEYCHAIN")
  case "$identities" in
    *"$MACOS_SIGN_IDENTITY"*) ;;
    *) die "MACOS_CERT_P12 holds no code-signing identity matching MACOS_SIGN_IDENTITY" ;;
  esac
}

codesign_with() {
  codesign --force --timestamp --options runtime --keychain "$KEYCHAIN" \
    --sign "$MACOS_SIGN_IDENTITY" "$@"
}

# Every Mach-O file inside first (PyInstaller leaves its own ad-hoc signatures), the
# executables with the entitlements; then the whole bundle, --deep.
sign_app() {
  local file
  : >"$WORK/libraries"
  : >"$WORK/executables"
  while IFS= read -r -d '' file; do
    case "$(file -b "$file")" in
      *Mach-O*) ;;
      *) continue ;;
    esac
    if [ "$(dirname "$file")" = "$APP/Contents/MacOS" ]; then
      printf '%s\0' "$file" >>"$WORK/executables"
    else
      printf '%s\0' "$file" >>"$WORK/libraries"
    fi
  done < <(find "$APP" -type f -print0)
  printf 'signing %s Mach-O files\n' "$(tr -cd '\0' <"$WORK/libraries" | wc -c | tr -d ' ')"
  if [ -s "$WORK/libraries" ]; then
    xargs -0 -n 50 codesign --force --timestamp --options runtime --keychain "$KEYCHAIN" \
      --sign "$MACOS_SIGN_IDENTITY" <"$WORK/libraries"
  fi
  if [ -s "$WORK/executables" ]; then
    xargs -0 codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
      --keychain "$KEYCHAIN" --sign "$MACOS_SIGN_IDENTITY" <"$WORK/executables"
  fi
  codesign_with --deep --entitlements "$ENTITLEMENTS" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
}

# notarize FILE: submit (a .zip of the app, or the .dmg) and wait; print Apple's log and
# fail unless it is accepted.
notarize() {
  local result="$WORK/notary.json" status id
  xcrun notarytool submit "$1" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait --timeout 1h --output-format json \
    >"$result" || true
  status=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("status", ""))' \
    "$result" 2>/dev/null || true)
  id=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("id", ""))' \
    "$result" 2>/dev/null || true)
  echo "notarization of $1: ${status:-no answer} (submission ${id:-none})"
  if [ "$status" != "Accepted" ]; then
    cat "$result" >&2 || true
    if [ -n "$id" ]; then
      xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" >&2 || true
    fi
    die "notarization of $1 was not accepted"
  fi
}

# --- the build ----------------------------------------------------------------------

log "Version"
VERSION=$("$PYTHON" -c 'import reader; print(reader.__version__)')
ARCH=$("$PYTHON" -c 'import platform; print(platform.machine())')
DMG="dist/CoverageReader-$VERSION-macos-$ARCH.dmg"
echo "Coverage Reader $VERSION for macOS $ARCH ($(sw_vers -productVersion))"

log "Icon"
"$PYTHON" packaging/make_icons.py --iconset "$WORK/coverage-reader.iconset"
iconutil -c icns "$WORK/coverage-reader.iconset" -o "$ICNS"
echo "wrote $ICNS"

log "PyInstaller"
"$PYTHON" -m PyInstaller --noconfirm --clean "$SPEC"
[ -d "$APP" ] || die "PyInstaller did not make $APP"

log "Smoke test of the frozen app"
smoke_test "$APP"
SUMMARY="bundle $APP: $(size_mb "$APP") MB
cold start: --version ${VERSION_SECONDS} s, --self-test ${SELFTEST_SECONDS} s"
echo "$SUMMARY"

SIGNED=no
NOTARIZED=no
if can_sign; then
  log "Signing the app"
  import_certificate
  sign_app
  SIGNED=yes
  log "Smoke test of the signed app (hardened runtime)"
  smoke_test "$APP"
  if can_notarize; then
    log "Notarizing the app"
    ditto -c -k --keepParent "$APP" "$WORK/app.zip"
    notarize "$WORK/app.zip"
    with_retries 3 10 xcrun stapler staple "$APP"
    xcrun stapler validate "$APP"
    spctl --assess --type execute --verbose=2 "$APP"
    NOTARIZED=yes
  else
    notice "APPLE_ID, APPLE_TEAM_ID or APPLE_APP_PASSWORD is not set: the app is signed but not notarized"
  fi
else
  notice "MACOS_CERT_P12 or MACOS_SIGN_IDENTITY is not set: the app is not signed (Gatekeeper will warn; see packaging/README.md)"
fi

log "Disk image"
STAGE="$WORK/dmg"
mkdir -p "$STAGE"
ditto "$APP" "$STAGE/$APP_NAME.app"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
with_retries 5 10 hdiutil create -volname "$APP_NAME" -srcfolder "$STAGE" -ov -format UDZO "$DMG" ||
  die "hdiutil create failed 5 times"
if [ "$SIGNED" = yes ]; then
  codesign --force --timestamp --keychain "$KEYCHAIN" --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  codesign --verify --verbose=2 "$DMG"
  if [ "$NOTARIZED" = yes ]; then
    notarize "$DMG"
    with_retries 3 10 xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
  fi
fi
hdiutil verify "$DMG"

log "Checking the disk image"
MOUNT="$WORK/mount"
mkdir -p "$MOUNT"
with_retries 5 5 hdiutil attach -nobrowse -noautoopen -readonly -mountpoint "$MOUNT" "$DMG" >/dev/null ||
  die "hdiutil attach failed 5 times"
[ -L "$MOUNT/Applications" ] || die "the disk image has no Applications link"
run_clean "$MOUNT/$APP_NAME.app/Contents/MacOS/coverage-reader" --version
with_retries 5 5 hdiutil detach "$MOUNT" >/dev/null || hdiutil detach -force "$MOUNT" >/dev/null
MOUNT=""

SUMMARY="$SUMMARY
installer $DMG: $(size_mb "$DMG") MB (signed: $SIGNED, notarized: $NOTARIZED)"
log "Done"
echo "$SUMMARY"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### macOS $ARCH"
    echo "- ${SUMMARY//$'\n'/$'\n'- }"
  } >>"$GITHUB_STEP_SUMMARY"
fi
