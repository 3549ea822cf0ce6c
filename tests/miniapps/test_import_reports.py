"""The import page (upload, the report table) and the reports page (KPIs and charts)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from db.enums import AppointmentStatus
from db.models import Appointment, Client
from domain.timerules import utcnow
from tests.harness.builders import make_client, make_psychologist
from tests.harness.mini_apps import Screen, Site

CSV = "phone;name\n+79161234567;Иванова Анна\nnot a phone;Кто-то\n+79035554433;Петров Пётр\n"


async def test_the_import_page_uploads_a_file_and_shows_the_report(
    site: Site, screen: Screen, tmp_path: Path
) -> None:
    upload = tmp_path / "clients.csv"
    upload.write_text(CSV, encoding="utf-8")
    url = site.url("/app/import?lang=ru") + f"#token={await site.manager_token()}"

    def import_file(page: Page) -> None:
        page.goto(url)
        page.set_input_files('input[name="file"]', str(upload))
        page.click("#import-form button[type=submit]")
        report = page.locator("#import-report")
        expect(report.locator('[data-field="created"]')).to_have_text("2")
        expect(report.locator('[data-field="skipped"]')).to_have_text("0")
        expect(report.locator("tbody tr")).to_have_count(1)
        expect(report.locator("tbody")).to_contain_text("'not a phone' is not a valid phone")
        expect(report).to_contain_text("Создано")

    await screen.run(import_file)
    assert await Client.filter(phone__in=["+79161234567", "+79035554433"]).count() == 2
    await screen.screenshot("import-report")


async def test_the_reports_page_draws_its_charts(site: Site, screen: Screen) -> None:
    anna, client = await make_psychologist("Анна Иванова"), await make_client()
    yesterday = utcnow() - timedelta(days=1)
    for status, late in (
        (AppointmentStatus.CANCELLED, True),
        (AppointmentStatus.COMPLETED, False),
    ):
        await Appointment.create(
            client=client, psychologist=anna, starts_at=yesterday, status=status, late_cancel=late
        )
    url = site.url("/app/reports?lang=ru") + f"#token={await site.manager_token()}"

    def open_reports(page: Page) -> None:
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-loaded", "true")
        expect(page.locator('#kpis [data-field="new_requests"]')).to_have_text("0")
        late = page.locator("#kpis div", has_text="Поздние отмены, %")
        expect(late.locator('[data-field="late_cancel_percent"]')).to_have_text("50")
        for chart in ("daily-chart", "funnel-chart", "load-chart", "late-chart"):
            assert page.evaluate(f"Chart.getChart('{chart}') !== undefined")
        expect(page.locator("section", has=page.locator("#late-chart"))).to_contain_text(
            "Поздние отмены по психологам, %"
        )
        drawn = "Chart.getChart('late-chart').data"
        assert page.evaluate(f"[{drawn}.labels, {drawn}.datasets[0].data]") == [
            ["Анна Иванова"],
            [50],
        ]

    await screen.run(open_reports)
    await screen.screenshot("reports")


async def test_a_page_without_a_session_asks_to_sign_in(site: Site, screen: Screen) -> None:
    def open_board_bare(page: Page) -> None:
        page.goto(site.url("/app/board?lang=en"))
        expect(page.locator("#signin")).to_contain_text("This page is for managers")

    await screen.run(open_board_bare)
