#!/bin/sh
# run-ui-test.sh: runs one UI test (a Python file driving paten-desk with dogtail) under an X
# server of its own (Xvfb) and a D-Bus session of its own, in this order: dbus-run-session inside
# xvfb-run, so that the session bus, the accessibility bus it starts and the desk all see the
# same display (the other order breaks synthesized input).
#
#   run-ui-test.sh test_x.py [test name filters]
set -eu
# The accessibility bridge: GTK 3 loads it for the desk (gail:atk-bridge is also what dogtail
# checks for); NO_AT_BRIDGE, set in some CI environments, would turn it off.
unset NO_AT_BRIDGE
export GTK_MODULES=gail:atk-bridge
# A HOME of its own, so that nothing of the user's desktop (settings, remembered server) and
# nothing of another test leaks in; each desk the test starts gets a fresh one again.
HOME=$(mktemp -d "${TMPDIR:-/tmp}/paten-ui-home.XXXXXX")
export HOME
export XDG_CONFIG_HOME="$HOME/.config" XDG_RUNTIME_DIR="$HOME/run"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$HOME"' EXIT
status=0
# The test's TAP goes to fd 3 (this script's stdout); everything else that writes to stdout (the
# accessibility registry announcing itself, Xvfb) goes to stderr, where it cannot be taken for
# TAP lines.
exec 3>&1
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  dbus-run-session -- sh -c 'exec /usr/bin/python3 -B "$@" >&3' run-ui-test "$@" >&2 || status=$?
exit $status
