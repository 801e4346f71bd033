"""The Indonesian catalog is complete: every msgid in the desk's sources and templates (extracted
afresh with xgettext, as `ninja paten-desk-pot` does) is in client-gtk/po/id.po, translated, and
nothing in it is fuzzy or malformed. Prints TAP.

  check_po.py CLIENT_GTK_PO_DIR
"""

import os
import re
import subprocess
import sys
import tempfile

po_dir = sys.argv[1]
top = os.path.dirname(os.path.dirname(os.path.abspath(po_dir)))
results = []


def check(name, ok, detail=""):
    results.append((name, ok, detail))


with open(os.path.join(po_dir, "POTFILES")) as f:
    sources = [l.strip() for l in f if l.strip() and not l.startswith("#")]

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "fresh.pot")
    # meson's 'glib' preset, as client-gtk/po/meson.build uses.
    cmd = ["xgettext", "--package-name=paten-desk", "-o", pot, "--from-code=UTF-8",
           "--add-comments", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
           "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
           "--keyword=g_dpgettext2:2c,3", "--flag=N_:1:pass-c-format",
           "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
           "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
           "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
           "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format"] + sources
    r = subprocess.run(cmd, cwd=top, capture_output=True, text=True)
    check("xgettext extracts the msgids", r.returncode == 0, r.stderr)
    n = 0
    if r.returncode == 0:
        with open(pot, encoding="utf-8") as f:
            n = len(re.findall(r'^msgid ', f.read(), re.M)) - 1
    check("the sources have msgids (%d)" % n, n > 50)
    r = subprocess.run(["msgcmp", os.path.join(po_dir, "id.po"), pot], capture_output=True,
                       text=True)
    check("every msgid of the sources is translated in id.po", r.returncode == 0, r.stderr)

r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull,
                    os.path.join(po_dir, "id.po")], capture_output=True, text=True)
stats = r.stderr.strip()
check("id.po compiles and its formats match the msgids", r.returncode == 0, stats)
check("nothing in id.po is fuzzy or untranslated: " + stats,
      "fuzzy" not in stats and "untranslated" not in stats, stats)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if not ok:
        for l in detail.splitlines():
            print("# " + l)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
