"""Copy GOV.UK Frontend and MoJ Frontend from node_modules into build/static (run by `make`).

The precompiled CSS refers to its fonts and images at /assets/...; the copies are rewritten to point
at the assets beside them, so they work under any STATIC_URL. Nothing here is committed.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
OUTPUT = ROOT / "build" / "static"

PACKAGES = {
    # name in static/     source folder                                      stylesheet
    "govuk": (NODE_MODULES / "govuk-frontend" / "dist" / "govuk", "govuk-frontend.min.css"),
    "moj": (NODE_MODULES / "@ministryofjustice" / "frontend" / "moj", "moj-frontend.min.css"),
}
COPIED_FILES = {
    "govuk": ["govuk-frontend.min.js"],
    "moj": ["moj-frontend.min.js"],
}


def build() -> None:
    for name, (source, stylesheet) in PACKAGES.items():
        if not source.is_dir():
            sys.exit(f"{source} is missing: run `npm ci` first (make does this).")
        target = OUTPUT / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copytree(source / "assets", target / "assets")
        css = (source / stylesheet).read_text(encoding="utf-8")
        (target / stylesheet).write_text(css.replace("url(/assets/", "url(assets/"), encoding="utf-8")
        for filename in COPIED_FILES[name]:
            shutil.copy2(source / filename, target / filename)
    # MoJ Frontend's CSS borrows GOV.UK's fonts; give it the same ones.
    shutil.copytree(OUTPUT / "govuk" / "assets" / "fonts", OUTPUT / "moj" / "assets" / "fonts", dirs_exist_ok=True)
    print(f"Front-end assets copied to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
