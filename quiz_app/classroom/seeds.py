"""The seed of each new attempt: it fixes which questions the attempt draws and in what order.

Every route that starts an attempt asks `new_seed()`, so one place says how big a seed is and
where it comes from. The app draws from the operating system's randomness; a test chooses the
draw instead by replacing `source` (`monkeypatch.setattr(seeds, "source", lambda: 7)`), so no
test depends on a lucky draw. `source` is a test hook, not a setting: nothing else sets it.
"""

import secrets
from collections.abc import Callable

SEED_BITS = 62  # fits a signed BIGINT on every database


def random_seed() -> int:
    """Return a fresh seed drawn from the operating system's randomness."""
    return secrets.randbits(SEED_BITS)


# Where new_seed takes its seeds from; tests replace it to choose the draw.
source: Callable[[], int] = random_seed


def new_seed() -> int:
    """Return the seed of a new attempt: a non-negative int of at most SEED_BITS bits."""
    seed = source()
    if not 0 <= seed < 2**SEED_BITS:
        raise ValueError(f"an attempt's seed must fit in {SEED_BITS} bits, not {seed}")
    return seed
