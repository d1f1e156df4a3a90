"""Fetch MathJax 3 from the npm registry into _static_local/mathjax, for the book to serve.

The website then renders its mathematics without any CDN, so it works offline and the
browser test needs no internet. The tarball is pinned by version and checked against the
registry's sha512 integrity hash before anything is extracted. Run by ``make`` (it is a
prerequisite of building the book); safe to re-run.

Usage: python scripts/fetch_mathjax.py [destination]   (default: _static_local/mathjax)
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "3.2.2"
URL = f"https://registry.npmjs.org/mathjax/-/mathjax-{VERSION}.tgz"
SHA512 = "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
ROOT = Path(__file__).resolve().parent.parent
# What tex-mml-chtml.js loads: itself, the CHTML fonts, and the components it may load
# on demand (TeX extensions such as boldsymbol, the context menu, accessibility).
KEEP = (
    "tex-mml-chtml.js",
    "output/chtml/fonts/woff-v2/",
    "input/tex/extensions/",
    "ui/",
    "a11y/",
    "sre/",
)


def main() -> None:
    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_static_local" / "mathjax"
    stamp = dest / f".mathjax-{VERSION}"
    if stamp.exists():
        stamp.touch()  # up to date; tell make so
        return
    with urllib.request.urlopen(URL, timeout=60) as response:
        data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != SHA512:
        sys.exit(f"mathjax-{VERSION}.tgz: sha512 {digest} does not match the pinned {SHA512}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            if name == "package/LICENSE":
                target = dest / "LICENSE"
            elif name.startswith("package/es5/") and member.isfile():
                relative = name.removeprefix("package/es5/")
                if not relative.startswith(KEEP):
                    continue
                target = dest / relative
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    stamp.write_text(URL + "\n")
    print(f"MathJax {VERSION} ready in {dest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
