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
  # TLS: the openssl command line makes the demo's certificates (scripts/run); glib-networking is
  # GIO's TLS backend, which patenctl and paten-desk load at run time to speak TLS
  openssl glib-networking
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
  # the scaleout test: two patend behind HAProxy (deploy/haproxy/haproxy.cfg)
  haproxy
)

# Also to benchmark (bench/run, never run by CI): clang for the release build, pgbench (in the
# postgresql-15 server package), gnuplot without X for the latency plot.
BENCH_PACKAGES=(
  "${RUN_PACKAGES[@]}"
  clang python3 postgresql-15 gnuplot-nox
  # the scale-out runs: N patend behind HAProxy
  haproxy
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

# make_demo_tls DIR HOST: on first use, a demo CA (DIR/ca.pem) and a server certificate it
# signed (DIR/server.pem, DIR/server.key) for localhost, 127.0.0.1, ::1 and HOST (an IP address,
# when it is another one). Kept for later runs: the desks that trust ca.pem keep working.
make_demo_tls() {
  local dir=$1 host=$2 san="DNS:localhost,IP:127.0.0.1,IP:::1"
  if [ -s "$dir/ca.pem" ] && [ -s "$dir/server.pem" ] && [ -s "$dir/server.key" ]; then
    return 0
  fi
  case "$host" in
    127.0.0.1|::1|0.0.0.0|::|localhost|"") ;;
    *) san="$san,IP:$host" ;;
  esac
  mkdir -p "$dir"
  chmod 700 "$dir"
  (
    set -e
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3650 -subj "/CN=PATEN demo CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=localhost"
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" \
      >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -out "$dir/server.pem" -days 825 -extfile "$dir/server.ext"
    rm -f "$dir/server.csr" "$dir/server.ext"
  ) >"$dir/openssl.log" 2>&1 || {
    echo "cannot create the demo TLS certificates in $dir (see $dir/openssl.log)" >&2
    exit 1
  }
  chmod 644 "$dir/ca.pem" "$dir/server.pem"
  echo "created a demo CA and a server certificate for $san in $dir"
}
