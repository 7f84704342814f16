"""Percentages as people read them: whole numbers, a half rounded up, the same on every page
and in every file (the student's results, the teacher's dashboard, the CSV and JSON exports).

Python's round() rounds a half to the even number (12.5 to 12, 13.5 to 14), and a share like
0.285 is stored as 0.28499…, so neither is used on its own: a teacher and a student who see
the same 1 of 8 both read 13 %.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

PLACES = 9  # decimal places kept before rounding: drops float noise, keeps every real share
# Shares kept with their percentage, per process (a Decimal each is slow, and the dashboard
# shows the same few hundred shares at every poll):
PERCENTAGES_KEPT = 65536


@functools.lru_cache(maxsize=PERCENTAGES_KEPT)
def whole_percent(fraction: float) -> int:
    """Return a share (0.125) as a whole percentage (13), a half rounded away from zero."""
    scaled = Decimal(f"{fraction * 100:.{PLACES}f}")
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> int | None:
    """Return part of whole as a whole percentage (2 of 3 is 67); None for 0 of 0, which is
    no percentage at all."""
    return whole_percent(part / whole) if whole else None
