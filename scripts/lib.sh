# scripts/lib.sh: shared by scripts/run and scripts/test (sourced, not run).
#
# The Debian 12 packages PATEN needs. A missing one is installed with apt-get when we are root;
# otherwise the exact apt-get line is printed and the script stops, so nothing is installed behind
# an operator's back.

# To build and run patend and patenctl.
RUN_PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev
  protobuf-compiler protobuf-c-compiler libprotobuf-c-dev
  libuv1-dev libpq-dev libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsodium-dev libssl-dev
  libcsv-dev
  postgresql
  # paten-desk: GTK 3, libqrencode, gettext; fonts and icons for its windows and documents
  libgtk-3-dev libqrencode-dev gettext fonts-dejavu-core adwaita-icon-theme librsvg2-common
)

# Also to test: clang with its sanitizer and libFuzzer runtimes, Python with protobuf for the
# protocol tests (Debian's python3, not a private one).
TEST_PACKAGES=(
  "${RUN_PACKAGES[@]}"
  clang libclang-rt-14-dev
  python3 python3-protobuf
  # the ui suite: a virtual X server, a D-Bus session with the accessibility bus, dogtail, and
  # pdftotext to read printed documents
  xvfb xauth dbus at-spi2-core python3-dogtail python3-pyatspi poppler-utils
)

# Also to benchmark (bench/run, never run by CI): clang for the release build, pgbench (in the
# postgresql-15 server package), gnuplot without X for the latency plot.
BENCH_PACKAGES=(
  "${RUN_PACKAGES[@]}"
  clang python3 postgresql-15 gnuplot-nox
)

missing_packages() {
  local p
  for p in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
      printf '%s ' "$p"
    fi
  done
}

# ensure_packages PKG...: installs what is missing (as root), or says how and exits.
ensure_packages() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "PATEN needs these Debian packages, which are not installed:" >&2
    echo "  sudo apt-get install -y $missing" >&2
    echo "Run that line (or this script as root), then run this script again." >&2
    exit 1
  fi
  echo "Installing: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # The package lists of a fresh machine may be empty or stale.
  if ! apt-get install -y --no-install-recommends $missing; then
    apt-get update
    apt-get install -y --no-install-recommends $missing
  fi
}

# meson_setup DIR ARGS...: configures DIR, or reconfigures it when it exists.
meson_setup() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}
