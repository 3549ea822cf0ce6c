"""The seed of a fuzzing test: it changes with each commit and is printed, so CI stays
reproducible and no landing depends on one lucky seed. FUZZ_SEED from the environment if set
(replay a failure with FUZZ_SEED=<seed>), else derived from `git rev-parse HEAD`, else random."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fuzz_seed() -> int:
    if given := os.environ.get("FUZZ_SEED"):
        return int(given)
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        return int(head[:12], 16)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return random.SystemRandom().getrandbits(48)
