from django.shortcuts import redirect, render
from django.templatetags.static import static


def home(request):
    return render(request, "home.html")


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send them to the
    icon the pages link (its address is resolved per request: the static files' manifest is
    read only once the portal runs, not when the URLs load)."""
    return redirect(static("img/favicon.svg"), permanent=True)
