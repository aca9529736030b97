"""The coordinator's page of the divisions' BSP allocations (``/reports/allocations/``): the
table, and a form that records or corrects one allocation through the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import AllocationForm
from .models import DivisionAllocation


@login_required
def allocations(request):
    if not selectors.can_edit_allocations(request.user):
        raise PermissionDenied
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_division_allocation(
                actor=request.user,
                division=form.cleaned_data["division"].pk,
                first_year=form.cleaned_data["first_year"],
                amount_usd=form.cleaned_data["amount_usd"],
                note=form.cleaned_data["note"],
            )
        except services.ReportError as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The allocation has been recorded."))
            return redirect("reporting:allocations")
    rows = DivisionAllocation.objects.select_related("division", "updated_by")
    return render(request, "reporting/allocations.html", {"form": form, "allocations": rows})
