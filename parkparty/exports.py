"""The Excel files the portal writes: every ledger list (its page's "Export to Excel" and its API's
`?format=xlsx`), the periodic reports' workbooks.

A list's columns are a `Sheet`: fields of the list's API serializer, read through the serializer's own
`to_representation`, so the page, the API's JSON and the API's Excel show the same values with the same
masking of personal data (`access.sees_personal_data`, decided in the serializer). Each value is then
written as a typed cell: dates as dates, amounts as numbers, choices by their label, text never as a
formula. Rows come from `.iterator(chunk_size=…)` into openpyxl's write-only workbook, which keeps each
sheet in a temporary file, and the finished file is streamed from a temporary file: memory stays
bounded whatever the number of rows (devtools/bench/export.py measures 100,000 enterprises).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from tempfile import TemporaryFile

from django.db.models import F, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework import serializers

from parkparty import security

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched per round trip: big enough that a chunk's prefetches are few, small enough to stay light.
CHUNK_SIZE = 2000
# Excel refuses sheet names longer than 31 characters or holding any of these.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell that stays text: openpyxl stores a string starting with "=" as a formula, and names and
    notes are typed by people (a secretary names the members), so "=HYPERLINK(…)" would run in Excel."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def number_cell(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


@dataclass(frozen=True)
class Sheet:
    """The columns of one ledger list, shared by its page's export and its API's `?format=xlsx`.

    `fields` are names of the serializer's fields, in the order of the columns; a related field listed
    in `names` shows the related row's name (a lookup annotated on the queryset, so no query per row)
    instead of its id; `rates` are fields answered as decimal strings and written as percentages;
    `labels` name the columns whose serializer field has no label; `choices` label the values of a
    column that the serializer answers as plain text (an annotation of a choice field). `prepare` gives a queryset of the
    model what the serializer reads on each row (annotations, prefetches): the API's own queryset has
    them already, a page's is prepared. `personal` names the columns of personal data, each with the
    attribute of its masked form, and `park` the lookup of a row's park: a file in which any of them
    left unmasked is recorded in the security log (parkparty.security), with the parks and the rows.
    """

    title: str  # lazy: the sheet's name and the start of the file's name
    serializer: type[serializers.Serializer]
    fields: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    rates: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, list[tuple[str, str]]] = field(default_factory=dict)
    prepare: Callable[[QuerySet], QuerySet] | None = None
    personal: Mapping[str, str] = field(default_factory=dict)
    park: str = ""

    def bound(self, context: dict) -> serializers.Serializer:
        """The serializer with only the exported fields (nested lists and files are left out)."""
        serializer = self.serializer(context=context)
        for name in list(serializer.fields):
            if name not in self.fields:
                del serializer.fields[name]
        return serializer

    def headers(self, serializer: serializers.Serializer) -> list[str]:
        return [str(self.labels.get(name) or serializer.fields[name].label or name) for name in self.fields]

    def annotated(self, queryset: QuerySet) -> QuerySet:
        names = {_name_alias(name): F(lookup) for name, lookup in self.names.items()}
        if self.personal:
            names[PARK_ALIAS] = F(self.park)
        return queryset.annotate(**names)

    def rows(
        self, queryset: QuerySet, serializer: serializers.Serializer, sheet, unmasked: Counter | None = None
    ) -> Iterator[list]:
        """The cells of each row, in the queryset's order; the queryset is read in chunks. `unmasked`
        counts, by park, the rows whose personal data went out unmasked."""
        writers = [self._writer(name, serializer.fields[name], sheet) for name in self.fields]
        for instance in self.annotated(queryset).iterator(chunk_size=CHUNK_SIZE):
            data = serializer.to_representation(instance)
            if unmasked is not None and self.carries_personal_data(instance, data):
                unmasked[getattr(instance, PARK_ALIAS)] += 1
            yield [write(instance, data) for write in writers]

    def carries_personal_data(self, instance, data: dict) -> bool:
        """Whether the row as written holds a personal field unmasked: decided on what is written (a
        value that is not its masked form), not on who asked, so a masking that failed counts too."""
        return any(data.get(name) and data[name] != getattr(instance, masked) for name, masked in self.personal.items())

    def _writer(self, name: str, spec: serializers.Field, sheet) -> Callable:
        """How the column's value is written: chosen once per column, not per cell."""
        if name in self.names:
            alias = _name_alias(name)
            return lambda instance, data: _text(sheet, getattr(instance, alias))
        if name in self.rates:
            return lambda instance, data: _number(sheet, data[name], "0.00%")
        if name in self.choices:
            labels = {value: str(label) for value, label in self.choices[name]}
            return lambda instance, data: _text(sheet, labels.get(data[name], data[name]))
        typed = _typed(spec)
        if typed is not None:
            return lambda instance, data: None if data[name] is None else typed(data[name])
        if isinstance(spec, serializers.DecimalField):
            number_format = "0" if not spec.decimal_places else "0." + "0" * spec.decimal_places
            return lambda instance, data: _number(sheet, data[name], number_format)
        if isinstance(spec, serializers.ChoiceField):
            labels = {value: str(label) for value, label in spec.choices.items()}
            return lambda instance, data: _text(sheet, labels.get(data[name], data[name]))
        if isinstance(spec, serializers.BooleanField):
            yes, no = _("Yes"), _("No")
            return lambda instance, data: None if data[name] is None else (yes if data[name] else no)
        if isinstance(spec, serializers.IntegerField | serializers.FloatField | serializers.RelatedField):
            return lambda instance, data: data[name]
        return lambda instance, data: _text(sheet, data[name])


def _typed(spec: serializers.Field) -> Callable | None:
    """Dates and times come ISO-formatted from the serializer (in the portal's time zone): read them
    back, since Excel wants a date, and a time without its offset (it has none)."""
    if isinstance(spec, serializers.DateTimeField):
        return lambda value: datetime.fromisoformat(value).replace(tzinfo=None)
    if isinstance(spec, serializers.DateField):
        return date.fromisoformat
    return None


PARK_ALIAS = "export_park_id"


def _name_alias(name: str) -> str:
    return f"export_{name}_name"


# What a cell holds at most; Excel reports a longer text as a damaged file.
CELL_LENGTH = 32767


def _text(sheet, value) -> WriteOnlyCell | None:
    return None if value is None else text_cell(sheet, str(value)[:CELL_LENGTH])


def _number(sheet, value, number_format: str) -> WriteOnlyCell | None:
    return None if value is None else number_cell(sheet, Decimal(value), number_format)


def sheet_name(title: str) -> str:
    return str(title).translate(SHEET_NAME_FORBIDDEN)[:SHEET_NAME_LENGTH]


def workbook_response(sheet: Sheet, queryset: QuerySet, *, context: dict) -> StreamingHttpResponse:
    """The rows as an .xlsx attachment named like 企业台账-2026-12-06.xlsx (RFC 5987 `filename*`, which
    Django writes for a name that is not ASCII). `context` is the serializer's (it holds the request)."""
    serializer = sheet.bound(context)
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet_name(sheet.title))
    worksheet.append(sheet.headers(serializer))
    unmasked = Counter()
    for row in sheet.rows(queryset, serializer, worksheet, unmasked):
        worksheet.append(row)
    if unmasked:
        _record_unmasked(context["request"], queryset, unmasked)
    return xlsx_response(book, f"{sheet.title}-{timezone.localdate():%Y-%m-%d}.xlsx")


def _record_unmasked(request, queryset: QuerySet, unmasked: Counter) -> None:
    """Personal data left the portal in a file: the security log says who, which parks' and how many
    rows (every export, page or API, is written here, so this is the one place that records it)."""
    security.record(
        security.Kind.EXPORT_UNMASKED,
        user=request.user,
        parks=unmasked.keys(),
        detail={"export": queryset.model._meta.label_lower, "rows": sum(unmasked.values())},
        request=request,
    )


def xlsx_response(book: Workbook, filename: str) -> StreamingHttpResponse:
    """Save the workbook to a temporary file and stream it from there."""
    handle = TemporaryFile()  # noqa: SIM115 -- closed by _chunks, read or not
    book.save(handle)
    size = handle.seek(0, os.SEEK_END)
    handle.seek(0)
    response = StreamingHttpResponse(_chunks(handle), content_type=XLSX)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _chunks(handle, size: int = FileResponse.block_size) -> Iterator[bytes]:
    """The file's bytes, then the file closed. Not a FileResponse: it closes its file only when the
    server calls the response's close(), and a client that drops the response unread (a WSGI caller
    that never closes the iterable) would leave it open; a generator's `with` also runs when the
    generator is collected."""
    with handle:
        while chunk := handle.read(size):
            yield chunk


def page_export(request, sheet: Sheet, queryset: QuerySet) -> StreamingHttpResponse:
    """A list page's export: its own filtered queryset, prepared as the API's, with the API's columns."""
    if sheet.prepare is not None:
        queryset = sheet.prepare(queryset)
    return workbook_response(sheet, queryset, context={"request": request})
