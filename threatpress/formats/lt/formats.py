"""Lithuanian dates and numbers: "2026 m. kovo 10 d.", a decimal comma, thousands apart.

Only what differs from (or must not change in) Django's own `lt` formats is here. `E` is the
month's name in the genitive ("kovo"), which a Lithuanian date needs after the year. Thousands
are separated by a no-break space, as Lithuanian writes them ("1 234 567"), not by Django's
full stop. The dates keep "m." (metai, year) and "d." (diena, day) on the line of their
number.
"""

# A no-break space (NBSP) ties "m." and "d." to their numbers: a line never starts with them.
NBSP = "\u00a0"
DATE_FORMAT = rf"Y{NBSP}\m. E j{NBSP}\d."  # 2026 m. kovo 10 d.
DATETIME_FORMAT = rf"Y{NBSP}\m. E j{NBSP}\d. H:i"  # 2026 m. kovo 10 d. 14:30
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = rf"E j{NBSP}\d."  # kovo 10 d.
YEAR_MONTH_FORMAT = rf"Y{NBSP}\m. F"  # 2026 m. kovas
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-03-10
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
