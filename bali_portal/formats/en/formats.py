# Dates as UN documents write them in English (3 Dec 2026): the day before the month, never the
# American order Django's English default uses (12/03/2026 reads as 12 March in most countries).
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
