"""The import pages (park admins only): upload and preview, the preview's report, the confirmation
and its result, and each kind's template."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkparty import access
from parkparty.forms import ServiceErrorsMixin
from parkparty.imports import kind_of, kinds, services, template
from parkparty.imports.run import KEPT_ROWS
from parkparty.models import ImportBatch
from parkparty.pages import save_form

RECENT = 10


class ImportForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the workbook holds"))
    park = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Park"))
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=gettext_lazy("At most 10 MB and 20,000 rows; the first sheet is read."),
    )

    def __init__(self, *args, parks: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {park.pk: park for park in parks}
        self.fields["kind"].choices = [(kind.key, kind.label) for kind in kinds()]
        self.fields["park"].choices = [(park.pk, park.name) for park in parks]


def _require_some_park(user) -> None:
    if not access.scope_of(user).is_admin:
        raise PermissionDenied(str(services.ONLY_ADMINS))


@login_required
def import_start(request):
    user = request.user
    _require_some_park(user)
    parks = list(access.administered(user, apps.get_model(access.PARK_MODEL)))
    form = ImportForm(request.POST or None, request.FILES or None, parks=parks)

    def preview(data):
        kind = services.kind_or_error(data["kind"])
        return services.batch_preview(kind=kind, park=form.parks[data["park"]], upload=data["file"], actor=user)

    batch = save_form(request, form, preview)
    if batch is not None:
        return redirect("import-batch", pk=batch.pk)
    context = {
        "form": form,
        "kinds": kinds(),
        "batches": list(services.batches_of(user)[:RECENT]),
    }
    return render(request, "imports/start.html", context)


@login_required
def import_batch(request, pk: int):
    """The preview of a batch, or once confirmed its result: counts, then at most 200 rows, errors first."""
    _require_some_park(request.user)
    batch = get_object_or_404(services.batches_of(request.user), pk=pk)
    report = batch.report
    errors = report.get("errors", [])[:KEPT_ROWS]
    context = {
        "batch": batch,
        "kind": kind_of(batch.kind),
        "report": report,
        "errors": errors,
        "rows": report.get("rows", [])[: max(0, KEPT_ROWS - len(errors))],
        "more_errors": len(report.get("errors", [])) > len(errors),
        "confirmable": batch.status == ImportBatch.Status.PREVIEWED and not batch.has_errors,
    }
    return render(request, "imports/batch.html", context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    _require_some_park(request.user)
    batch = get_object_or_404(services.batches_of(request.user), pk=pk)
    try:
        batch = services.batch_confirm(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import-batch", pk=batch.pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        messages.success(request, _("The workbook was imported."))
    else:
        messages.error(request, _("The ledger changed since the preview: nothing was imported. See the errors below."))
    return redirect("import-batch", pk=batch.pk)


@login_required
def import_template(request, kind: str):
    _require_some_park(request.user)
    chosen = kind_of(kind)
    if chosen is None:
        raise Http404
    return template.response(chosen)
