"""Number formats where Django's locale data leaves amounts ungrouped (FORMAT_MODULE_PATH):
Chinese and Arabic readers of UN documents read 2,774,805.50 (grouped by thousands, as the UN's
Chinese and Arabic documents print figures in Western digits)."""
