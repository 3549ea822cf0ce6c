"""Importing a client base: messy real-world files, merging, and files that cannot be read."""

from __future__ import annotations

import io

import aiohttp
from openpyxl import Workbook

from db.enums import Actor, ClientSource
from db.models import AuditLog, Client
from tests.harness.api_callers import Api

MESSY_CSV = (
    "\ufeffФИО;Телефон;Telegram ID;Ник\r\n"
    "Иванова Анна;8 (916) 123-45-67;111;@anna\r\n"  # 2 created
    "Петров Пётр;+7 903 555 44 33;;\r\n"  # 3 created
    "Анна Иванова;+79161234567;;\r\n"  # 4 the same Anna, nothing new: skipped
    ";9031112233;222;\r\n"  # 5 created, no name
    "Сидоров;not a phone;;\r\n"  # 6 error
    ";;;\r\n"  # 7 blank: skipped
    "Петров П.;89035554433;333;petya\r\n"  # 8 Пётр again, with Telegram: updated
    "Ольга Смирнова;+7 925 000-11-22;444;\r\n"  # 9 already in the base: updated
    ";;abc;\r\n"  # 10 error
    "Без контактов;;;\r\n"  # 11 error
)


async def _import(
    api: Api, content: bytes, filename: str = "clients.csv", headers: dict | None = None
) -> tuple[int, dict]:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=filename)
    answer = await api.http.post(
        "/api/v1/system/import", data=form, headers=headers or await api.manager()
    )
    return answer.status, await answer.json()


async def test_a_messy_file_is_merged_and_reported_exactly(api: Api) -> None:
    olga = await Client.create(phone="+79250001122", name="Ольга", source=ClientSource.BOT)

    status, report = await _import(api, MESSY_CSV.encode("utf-8"))

    assert status == 200
    assert report == {
        "created": 3,
        "updated": 2,
        "skipped": 2,
        "errors": [
            {"row": 6, "reason": "phone 'not a phone' is not a valid phone number"},
            {"row": 10, "reason": "telegram_id 'abc' is not a Telegram id"},
            {"row": 11, "reason": "the row has neither a phone nor a telegram_id"},
        ],
    }
    people = {
        c.phone: (c.telegram_id, c.name, c.username, c.source)
        for c in await Client.all().order_by("id")
    }
    assert people == {
        "+79250001122": (444, "Ольга", None, ClientSource.BOT),
        "+79161234567": (111, "Иванова Анна", "anna", ClientSource.IMPORT),
        "+79035554433": (333, "Петров Пётр", "petya", ClientSource.IMPORT),
        "+79031112233": (222, "", None, ClientSource.IMPORT),
    }
    assert (await Client.get(phone="+79250001122")).id == olga.id

    again_status, again = await _import(api, MESSY_CSV.encode("utf-8"))
    assert (again_status, again["created"], again["updated"], again["skipped"]) == (200, 0, 0, 7)
    audit = await AuditLog.filter(action="clients.imported").first()
    assert audit is not None
    assert (audit.actor, audit.data["created"], audit.data["errors"]) == (Actor.MANAGER, 3, 3)


async def test_cp1251_with_commas_and_english_headers(api: Api) -> None:
    text = (
        "First name,Last name,Phone,Telegram\n"
        "Иван,Кузнецов,+7 (912) 000-00-01,\n"
        '"Мария","Орлова","8-912-000-00-02","555"\n'
    )
    status, report = await _import(api, text.encode("cp1251"))
    assert (status, report) == (200, {"created": 2, "updated": 0, "skipped": 0, "errors": []})
    assert await Client.filter(telegram_id=555).values_list("name", flat=True) == ["Мария Орлова"]


async def test_xlsx_with_numeric_cells(api: Api) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Имя клиента", "Номер телефона", "telegram_id"])
    sheet.append(["Глеб", 79120000003, 777.0])
    sheet.append(["Глеб", "+7 912 000 00 03", None])
    buffer = io.BytesIO()
    book.save(buffer)

    status, report = await _import(api, buffer.getvalue(), "base.xlsx")

    assert (status, report) == (200, {"created": 1, "updated": 0, "skipped": 1, "errors": []})
    assert (await Client.get(phone="+79120000003")).telegram_id == 777


async def test_files_that_cannot_be_read_write_nothing(api: Api) -> None:
    """Any bytes are a file the call takes (the document cannot say which bytes make a
    table); the report names the problem as row 0, the file as a whole."""
    cases = [
        (b"", "the file is empty"),
        ("name;email\nАнна;a@b.c\n".encode(), "no phone or telegram_id column"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old .xls files are not supported"),
        (b"PK\x03\x04 broken zip", "the Excel file cannot be opened"),
        (b"phone\n\x98\x98\n", "neither UTF-8 nor cp1251"),
        ("Телефон\n+79161234567\n".encode("utf-16"), "no phone or telegram_id column"),
    ]
    for content, reason in cases:
        status, report = await _import(api, content)
        assert status == 200, report
        assert (report["created"], report["updated"], report["skipped"]) == (0, 0, 0)
        [problem] = report["errors"]
        assert problem["row"] == 0
        assert reason in problem["reason"]
    assert await Client.all().count() == 0


async def test_limits_roles_and_the_form(api: Api) -> None:
    api.settings.import_max_rows = 2
    rows = "phone\n+79161234567\n+79161234568\n+79161234569\n"
    status, report = await _import(api, rows.encode())
    assert (status, report["errors"]) == (
        200,
        [{"row": 0, "reason": "the file has 3 rows; at most 2 are taken"}],
    )
    api.settings.import_max_bytes = 10
    status, refusal = await _import(api, rows.encode())
    assert (status, refusal["error"]) == (413, "too_large")
    assert await Client.all().count() == 0

    status, _ = await _import(api, rows.encode(), headers=api.auth(Actor.CLIENT, 1))
    assert status == 403
    not_a_form = await api.http.post(
        "/api/v1/system/import", json={"file": "x"}, headers=await api.manager()
    )
    assert (not_a_form.status, (await not_a_form.json())["field"]) == (415, "file")
    form = aiohttp.FormData()
    form.add_field("document", b"phone\n", filename="a.csv")
    wrong_field = await api.http.post(
        "/api/v1/system/import", data=form, headers=await api.manager()
    )
    assert (wrong_field.status, (await wrong_field.json())["field"]) == (400, "document")
    form = aiohttp.FormData()
    form.add_field("file", b"phone\n", filename="a.csv")
    form.add_field("note", "x")
    extra_field = await api.http.post(
        "/api/v1/system/import", data=form, headers=await api.manager()
    )
    assert (extra_field.status, (await extra_field.json())["field"]) == (400, "note")
    assert await Client.all().count() == 0
