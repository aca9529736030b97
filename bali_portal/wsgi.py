import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")
application = get_wsgi_application()

# A full pass of the garbage collector over a web worker's heap took ~110 ms here and found
# next to nothing (the cycles a request leaves die young), one in ten search answers delayed
# by one. Full passes one tenth as often; the younger generations as Python's defaults.
gc.set_threshold(700, 10, 100)
