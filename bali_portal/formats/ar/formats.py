DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Django's Arabic formats leave the date with a time undefined (it would fall back to English).
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
