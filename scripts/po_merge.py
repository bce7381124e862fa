"""Merge a fresh .pot into a language .po: new entries come in untranslated,
vanished ones go, existing translations stay (like msgmerge, without gettext)."""

import sys

import polib


def merge(pot_path, po_path, lang="zh_CN"):
    pot = polib.pofile(pot_path)
    try:
        old = {(e.msgctxt, e.msgid): e for e in polib.pofile(po_path)}
    except OSError:
        old = {}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update({"Language": lang, "Content-Type": "text/plain; charset=UTF-8"})
    untranslated = 0
    for entry in pot:
        previous = old.get((entry.msgctxt, entry.msgid))
        entry.msgstr = previous.msgstr if previous else ""
        untranslated += not entry.msgstr
        po.append(entry)
    po.save(po_path)
    print(f"{po_path}: {len(po)} entries, {untranslated} untranslated")


if __name__ == "__main__":
    merge(sys.argv[1], sys.argv[2])
