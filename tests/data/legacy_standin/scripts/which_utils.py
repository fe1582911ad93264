"""Stand-in legacy script: writes which `utils` package answered the import."""

from pathlib import Path

import utils

Path("output").mkdir(exist_ok=True)
Path("output/which_utils.txt").write_text(getattr(utils, "STANDIN", "not the stand-in") + "\n")
