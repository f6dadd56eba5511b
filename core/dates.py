"""The dates an address may ask for: what a Python date holds, checked before any query.

Django turns a year filter (`?submitted_at__year=0`, `__year__gte=10000`) into a Python
datetime when the query is compiled, so a year outside 1 to 9999 was a 500 wherever it was read.
The admin's filters (`core.middleware.AdminQueryMiddleware`) and the reader's date archives
(`blog.archives`) both check against these ranges first.
"""

import re
from datetime import MAXYEAR, MINYEAR

YEARS = range(MINYEAR, MAXYEAR + 1)
# A period shown as a page (a year archive, the admin's date drill-down) also needs the date
# that ends it, the first day of the next period: so its year stops one short of the last.
# So does an ISO year, whose last week may end in the next calendar year.
PERIOD_YEARS = range(MINYEAR, MAXYEAR)
# The parts of a date Django's lookups extract, and the values each can hold.
PARTS = {
    "year": YEARS,
    "iso_year": PERIOD_YEARS,
    "month": range(1, 13),
    "day": range(1, 32),
    "week": range(1, 54),
    "week_day": range(1, 8),
    "iso_week_day": range(1, 8),
    "quarter": range(1, 5),
    "hour": range(24),
    "minute": range(60),
    "second": range(60),
}
LIST_LOOKUPS = {"in", "range"}
NUMBER = re.compile(r"[0-9]{1,4}")


def is_possible_lookup(name: str, value: str) -> bool:
    """Return whether a filter such as `submitted_at__year__gte=2026` asks for a possible date."""
    # The first part names a field, which may itself be called `day`.
    parts = name.split("__")[1:]
    date_parts = [part for part in parts if part in PARTS]
    if not date_parts or parts[-1] == "isnull":
        return True
    # An exact year is also the admin's date drill-down, a period.
    allowed = PERIOD_YEARS if parts[-1] == "year" else PARTS[date_parts[-1]]
    values = value.split(",") if parts[-1] in LIST_LOOKUPS else [value]
    return all(NUMBER.fullmatch(each) and int(each) in allowed for each in values)
