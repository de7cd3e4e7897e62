"""Compile every gettext catalogue in the repository (.po -> .mo) without GNU gettext.

`make run` and `make test` call this, so a fresh clone needs nothing but
Python. Catalogues: `locale/` (portal, notify and error templates) and each
app's own `<app>/locale/`, so engineers on different apps edit different files.
Only .mo files older than their .po are rewritten. Fuzzy entries are left out,
as msgfmt does, so an unchecked translation never reaches a patient.

Run: python -m vpm.devtools.compile_messages [--check]
  --check: fail if any Spanish entry is untranslated or fuzzy.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", "staticfiles", ".git"}


def catalogues():
    for po in sorted(ROOT.rglob("LC_MESSAGES/*.po")):
        if not SKIP.intersection(po.relative_to(ROOT).parts):
            yield po


def compile_one(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return False
    with po.open("rb") as source:
        catalog = read_po(source)
    with mo.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    return True


def missing_translations(po: Path) -> list[str]:
    with po.open("rb") as source:
        catalog = read_po(source)
    return [str(m.id) for m in catalog if m.id and (m.fuzzy or not _translated(m))]


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def main(argv) -> int:
    compiled = [po for po in catalogues() if compile_one(po)]
    if compiled:
        print(f"compiled {len(compiled)} message catalogue(s)")
    if "--check" in argv:
        gaps = {po: missing_translations(po) for po in catalogues() if "/es/" in str(po)}
        gaps = {po: ids for po, ids in gaps.items() if ids}
        for po, ids in gaps.items():
            print(f"{po.relative_to(ROOT)}: {len(ids)} untranslated, e.g. {ids[:3]}")
        return 1 if gaps else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
