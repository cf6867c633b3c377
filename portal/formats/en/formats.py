"""The portal's dates in English (British order, as on other Danish public sites in English)."""

DATE_FORMAT = "j F Y"  # 31 January 2027
DATETIME_FORMAT = "j F Y, H:i"  # 31 January 2027, 12:00
SHORT_DATE_FORMAT = "j M Y"  # 31 Jan 2027
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 31 Jan 2027 12:00
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"  # 31 January
YEAR_MONTH_FORMAT = "F Y"  # January 2027

# Numbers and amounts are written the Danish way in English too (12,5 and 150.000 kr.): the
# forms read Danish numbers whatever the language, and one page mixing "100.000 kr." with
# "12.5" left an English reader guessing (fresh eyes round 10).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
