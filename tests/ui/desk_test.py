"""Harness of the paten-desk UI tests: a patend on a real PostgreSQL with the demo data (the
server tests' harness, tests/lib/paten_test.py), a paten-desk started against it, and dogtail
driving the desk through the accessibility tree (AT-SPI), as a person with a screen reader would.

Run under a display and a D-Bus session of their own (tests/ui/meson.build: xvfb-run -a
dbus-run-session), with GTK_MODULES=gail:atk-bridge.

Waiting: nothing here sleeps for a fixed time. Every wait is a condition on the accessibility
tree polled by dogtail's own retry loop (tree.Node.findChild with retry, dogtail's search
back-off), or a process/log condition waited for by the server harness.

Environment (tests/meson.build and tests/ui/meson.build set it):
  PATEN_DESK         path of the paten-desk binary
  PATEN_SOURCE_ROOT  the source tree
  PATEN_BUILD_SCREENSHOTS / PATEN_SCREENSHOT_DIR  where screenshots go (the second wins)
  and what paten_test.py needs (PATEND, PATEN_PROTO_PY, PATEN_TEST_PG).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import paten_test as pt  # noqa: E402

# dogtail reads its configuration at import; keep its chatter off stdout (TAP lives there).
from dogtail import config as dtconfig  # noqa: E402

dtconfig.config.logDebugToStdOut = False
dtconfig.config.logDebugToFile = False
dtconfig.config.defaultDelay = 0.05
dtconfig.config.actionDelay = 0.05
dtconfig.config.typingDelay = 0.02
# A search polls every searchBackoffDuration seconds, at most searchCutoffCount times: 30 s.
dtconfig.config.searchBackoffDuration = 0.25
dtconfig.config.searchCutoffCount = 120
dtconfig.config.checkForA11y = True

from dogtail import predicate, rawinput, tree  # noqa: E402
from gi.repository import GLib  # noqa: E402

DEMO_PASSWORD = pt.DEMO_PASSWORD
HERE = os.path.dirname(os.path.abspath(__file__))
LSAN_SUPPRESSIONS = os.path.join(HERE, "lsan.supp")


class Where(predicate.Predicate):
    """A dogtail predicate from a Python function of the node (for conditions dogtail's
    GenericPredicate cannot say, such as "a label whose name starts with ...")."""

    def __init__(self, fn, description):
        self.fn = fn
        self.description = description

    def satisfiedByNode(self, node):
        try:
            return bool(self.fn(node))
        except Exception:  # a node that vanished while being looked at
            return False

    def describeSearchResult(self):
        return self.description

    def makeScriptMethodCall(self, isRecursive):
        return "findChild(%s)" % self.description

    def makeScriptVariableName(self):
        return "node"


def free_port():
    """A TCP port free on the loopback now (patend binds it moments later)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Desk:
    """A paten-desk process with a fresh HOME and configuration directory (so that the remembered
    server address of one test never leaks into another)."""

    def __init__(self, server, env=None):
        self.home = tempfile.mkdtemp(prefix="paten-desk-home-")
        self.env = dict(os.environ)
        self.env.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            "GTK_MODULES": "gail:atk-bridge",
            # A critical warning is a bug: make it fail the test that triggered it.
            "G_DEBUG": "fatal-criticals",
            "GSETTINGS_BACKEND": "memory",
            # Whole stacks for every allocation (fast_unwind_on_malloc=0): Debian's GLib has no
            # frame pointers, so the fast unwinder stops at g_malloc, and a leak GLib makes on
            # purpose (its quark table, see lsan.supp) could not be told from one of ours. It
            # costs the ui suite about twice its time. PATEN_DESK_ASAN_OPTIONS replaces these.
            "ASAN_OPTIONS": os.environ.get(
                "PATEN_DESK_ASAN_OPTIONS",
                "detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0"),
            "LSAN_OPTIONS": "suppressions=%s:print_suppressions=0" % LSAN_SUPPRESSIONS,
            "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
        })
        self.env.pop("NO_AT_BRIDGE", None)  # it would turn the accessibility bridge off
        if env:
            self.env.update(env)
        self.server = server
        self.proc = None
        self.stderr = []

    def start(self):
        argv = [os.environ["PATEN_DESK"], "--server", self.server]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=self.env)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        # dogtail's search retries until the application shows up on the accessibility bus.
        self.app = tree.root.findChild(
            Where(lambda n: n.roleName == "application" and n.name == "paten-desk"
                  and self._pid_matches(n), "paten-desk application"),
            recursive=False)
        return self

    def _pid_matches(self, node):
        try:
            return node.get_process_id() == self.proc.pid
        except Exception:
            return True

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr.append(line)
            if os.environ.get("PATEN_TEST_VERBOSE"):
                sys.stderr.write("desk: " + line + "\n")

    def log_text(self):
        return "\n".join(self.stderr)

    def stop(self, timeout=60):
        """Asks the desk to quit (SIGTERM, handled like closing it) and returns its exit status;
        under AddressSanitizer the exit is where leaks are reported."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.reader.join(timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)
        return rc

    # ---- finding things --------------------------------------------------------------------

    def find(self, fn, description, root=None, recursive=True):
        """The first node under root (the application) for which fn(node) holds, waiting for it
        with dogtail's polling (recursive=False: among root's children only, which is much
        cheaper for long lists). Raises when it does not appear within the search cut-off."""
        root = root or self.app
        for _ in range(4):
            try:
                return root.findChild(Where(fn, description), recursive=recursive)
            except GLib.GError:
                # A node went away while the tree was being walked (the desk changed it under
                # us): walk it again.
                continue
        return root.findChild(Where(fn, description), recursive=recursive)

    def window(self, title_prefix):
        return self.find(lambda n: n.roleName == "frame" and n.name.startswith(title_prefix),
                         "window %r" % title_prefix)

    def named(self, name, role=None, root=None):
        return self.find(lambda n: n.name == name and (role is None or n.roleName == role),
                         "%s %r" % (role or "node", name), root)

    def label_with(self, text, root=None):
        return self.find(lambda n: n.roleName == "label" and text in n.name and n.showing,
                         "label containing %r" % text, root)

    def wait_gone(self, fn, description, root=None, recursive=True):
        """Waits (dogtail polling) until no node under root satisfies fn."""
        root = root or self.app
        # findChild on the negation of "exists": the root itself satisfies it once nothing
        # below it matches. Searching root's parent keeps the root in the candidates.
        def none_left(n):
            if n != root:
                return False
            return not root.findChildren(Where(fn, description), recursive=recursive)
        root.parent.findChild(Where(none_left, "no more " + description), recursive=False)

    def wait_between(self, node, above, below):
        """Waits until node lies under above and over below on the screen (an error label under
        its field): polled, since the layout settles a moment after the label appears."""
        def between(n):
            return n == node and above.position[1] < n.position[1] < below.position[1]
        try:
            self.find(between, "%r between %r and %r" % (node.name, above.name, below.name),
                      root=node.parent, recursive=False)
        except Exception as e:
            raise AssertionError("%s (y: %s, %s, %s)" % (e, above.position[1], node.position[1],
                                                         below.position[1])) from None

    # ---- acting ----------------------------------------------------------------------------

    def set_text(self, entry, text):
        """Types into an entry through its editable text interface (exact, whatever the
        keyboard layout)."""
        entry.grabFocus()
        entry.text = text

    def activate(self, node):
        """Presses a button, check box or radio button through its accessible action (as a
        screen reader does: it works whether or not the widget is scrolled into view)."""
        self.find(lambda n: n == node and n.sensitive, "%s sensitive" % node.name,
                  root=node.parent)
        node.doActionNamed("click")

    def press_enter(self, node):
        node.grabFocus()
        self.find(lambda n: n == node and n.focused, "focus on %s" % node.name, root=node.parent)
        rawinput.pressKey("Return")

    def login(self, user, password=DEMO_PASSWORD, keyboard=True):
        """Fills the login window and submits it with Enter (keyboard=True) or the button."""
        win = self.window("PATEN — Masuk")
        self.set_text(self.named("NIP atau nama pengguna", "text", win), user)
        pw = self.named("Kata sandi", "password text", win)
        self.set_text(pw, password)
        if keyboard:
            self.press_enter(pw)
        else:
            self.activate(self.named("Masuk", "push button", win))
        return win

    def main_window(self, user_name):
        return self.window("PATEN — " + user_name)

    def workspace(self, main, title):
        """Switches main to the workspace called title ("Akun") through its switcher."""
        self.activate(self.named(title, "radio button", self.named("Ruang kerja", root=main)))
        return main


class DeskTestCase(unittest.TestCase):
    """A fresh database with the demo data and a patend on a port of its own; start_desk()
    starts a paten-desk pointed at it. Both are stopped at the end, and the desk must exit
    cleanly (no sanitizer report, status 0)."""

    desk_env = None

    def setUp(self):
        self.db = pt.Database()
        self.port = free_port()
        self.server = self.new_server()
        self.server.start()
        self.desks = []
        self.clients = []

    def new_server(self):
        return pt.Patend(self.db.patend_args() + ["--demo", "--listen", "127.0.0.1:%d" % self.port],
                         env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})

    def restart_server(self):
        """A new patend on the same database and port (the old one must be gone)."""
        self.server = self.new_server()
        self.server.start()

    def start_desk(self, env=None):
        d = Desk("127.0.0.1:%d" % self.port, env=env or self.desk_env).start()
        self.desks.append(d)
        return d

    def client(self):
        c = self.server.client()
        self.clients.append(c)
        return c

    def tearDown(self):
        failures = []
        for d in self.desks:
            rc = d.stop()
            if rc != 0 or "Sanitizer" in d.log_text():
                failures.append("paten-desk exited with %s:\n%s" % (rc, d.log_text()))
        for c in self.clients:
            c.close()
        if self.server.proc and self.server.proc.poll() is None:
            rc = self.server.stop()
            if rc != 0:
                failures.append("patend exited with %s:\n%s" % (rc, self.server.log_text()))
        self.db.drop()
        if failures:
            self.fail("\n".join(failures))


main = pt.main


def screenshot(node, path):
    """Saves what the screen shows of node (a window) as a PNG at path: real pixels from the X
    server, as a person would see them."""
    import gi
    gi.require_version("Gdk", "3.0")
    from gi.repository import Gdk

    x, y = node.position
    w, h = node.size
    pixbuf = Gdk.pixbuf_get_from_window(Gdk.get_default_root_window(), x, y, w, h)
    if pixbuf is None:
        raise AssertionError("cannot read the screen at %s+%s %sx%s" % (x, y, w, h))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pixbuf.savev(path, "png", [], [])
    return path


def choose(combo, item_name):
    """Chooses the item item_name of a combo box through its accessible selection (what a
    screen reader user does), then waits until the combo box shows it."""
    menu = combo.findChild(predicate.GenericPredicate(roleName="menu"))
    items = [c.name for c in menu.children]
    if item_name not in items:
        raise AssertionError("%r is not among %r" % (item_name, items))
    combo.querySelection().selectChild(items.index(item_name))

    def chosen(n):
        sel = n.querySelection()
        return sel.nSelectedChildren > 0 and sel.getSelectedChild(0).name == item_name
    combo.parent.findChild(Where(lambda n: n == combo and chosen(n), "%r chosen" % item_name),
                           recursive=False)
