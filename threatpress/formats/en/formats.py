"""English dates and numbers as the site writes them: "10 March 2026", 24-hour times.

Only what differs from Django's own `en` formats is here; Django fills in the rest. Templates
and code ask for a named format (`|date:"DATE_FORMAT"`, `date_format(value)`), never a pattern.
"""

DATE_FORMAT = "j F Y"  # 10 March 2026
DATETIME_FORMAT = "j F Y, H:i"  # 10 March 2026, 14:30
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"  # 10 March
YEAR_MONTH_FORMAT = "F Y"  # March 2026
SHORT_DATE_FORMAT = "j M Y"  # 10 Mar 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
