"""The portal's dates in Danish: one format per kind, month names in lower case.

Templates use the names (|date:"DATE_FORMAT", "SHORT_DATE_FORMAT", …), never a pattern of
their own: Django's "M" capitalises the abbreviation ("Jan"), which is English, not Danish.
"""

DATE_FORMAT = "j. F Y"  # 31. januar 2027
DATETIME_FORMAT = r"j. F Y \k\l. H:i"  # 31. januar 2027 kl. 12:00
SHORT_DATE_FORMAT = "j. N Y"  # 31. jan. 2027, 3. maj 2027 (tables)
SHORT_DATETIME_FORMAT = r"j. N Y \k\l. H:i"  # 31. jan. 2027 kl. 12:00, as DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"  # 31. januar (the yearly cycle)
YEAR_MONTH_FORMAT = "F Y"  # januar 2027
