"""Workbooks for the import tests, written with openpyxl as a person's Excel would save them."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.factories import credit_code

ENTERPRISE_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "行业",
    "规上企业",
    "职工人数",
    "年产值（万元）",
    "入园日期",
    "所在片区",
    "覆盖党组织",
]


def workbook(header: list, rows: list[list], name: str = "台账.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def enterprise_rows(count: int = 3, start: int = 9000) -> list[list]:
    return [
        [
            f"导入企业{n}",
            credit_code(n),
            "制造",
            "是",
            10 + n - start,
            "100.5",
            "2020-01-0" + str(1 + n % 9),
            "一片区",
            "甲支部",
        ]
        for n in range(start, start + count)
    ]
