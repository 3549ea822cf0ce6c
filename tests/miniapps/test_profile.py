"""The psychologist's anketa in Chromium: every kind of field filled and saved, shown again
after a reload; a refused value marked at its field, with nothing saved."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.enums import Actor
from db.models import Education, Psychologist
from sandbox.chat import sign_web_app_init_data
from tests.harness.builders import make_psychologist
from tests.harness.mini_apps import Screen, Site
from tests.harness.telegram_stub import button_state, calls, eventually, in_telegram, tap


def field(name: str) -> str:
    return f'[data-field="{name}"]'


def chip(list_name: str, value: str) -> str:
    return f'{field(list_name)} .chip:has-text("{value}") input'


def fill_education(page: Page, row: int, values: tuple[str, str, str, str]) -> None:
    names = ("educationItemProgramTitle", "educationItemTitle", "educationItemType")
    for name, value in zip((*names, "educationItemYear"), values, strict=True):
        page.fill(f"{field(f'education.{row}.{name}')} input", value)


def fill_every_field(page: Page) -> None:
    page.fill(f"{field('name')} input", "Анна Смирнова-Белова")
    page.fill("textarea[name=about]", "Работаю с тревогой и выгоранием")
    page.fill("input[name=age]", "38")
    page.check("input[name=isMarried]")
    page.fill("input[name=psychologistPersonalTherapyType]", "Индивидуальная")
    page.fill("input[name=psychologistPersonalTherapyDuration]", "3 года")
    page.fill("input[name=sexClient]", "Не имеет значения")
    page.fill("input[name=minClientAge]", "20")
    page.fill("input[name=maxClientAge]", "65")
    # a request clients already choose from in the bot, and one typed in
    page.check(chip("queries", "Выгорание"))
    page.fill(f"{field('queries')} .add-item input", "Одиночество")
    page.click(f"{field('queries')} .add")
    page.fill("input[name=mainModal]", "КПТ")
    page.fill(f"{field('additionalModals')} .add-item input", "Гештальт")
    page.press(f"{field('additionalModals')} .add-item input", "Enter")
    page.fill(f"{field('skills')} .add-item input", "Кризисы")
    page.click(f"{field('skills')} .add")
    page.fill("input[name=minPrice]", "2500")
    page.fill("input[name=maxPrice]", "4000")
    page.check("input[name=firstFreeMode]")
    page.check("input[name=helpHandMode]")
    page.fill("input[name=telegram_link]", "https://t.me/anna_psy")
    page.click("#add-education")
    fill_education(page, 0, ("Клиническая психология", "МГУ", "Высшее", "2012"))
    page.click("#add-education")
    fill_education(page, 1, ("КПТ", "Институт КПТ", "Повышение квалификации", "2019"))


async def test_a_psychologist_fills_saves_and_sees_their_anketa(
    site: Site, screen: Screen
) -> None:
    await make_psychologist("Мария Иванова", queries=["Выгорание"])
    psychologist = await make_psychologist("Анна Смирнова", queries=["Тревога"])
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)

    def fill_and_save(page: Page) -> None:
        page.goto(site.url("/app/profile?lang=ru") + f"#token={token}")
        expect(page.locator(f"{field('name')} input")).to_have_value("Анна Смирнова")
        expect(page.locator(chip("queries", "Тревога"))).to_be_checked()
        expect(page.locator(chip("queries", "Выгорание"))).not_to_be_checked()
        fill_every_field(page)
        page.click("#save")
        expect(page.locator("#toast")).to_contain_text("Анкета сохранена")

    await screen.run(fill_and_save)
    await screen.screenshot("profile-saved")

    stored = await Psychologist.get(id=psychologist.id)
    assert (stored.name, stored.age, stored.is_married, stored.has_children) == (
        "Анна Смирнова-Белова",
        38,
        True,
        False,
    )
    assert (stored.min_client_age, stored.max_client_age) == (20, 65)
    assert stored.queries == ["Тревога", "Выгорание", "Одиночество"]
    assert (stored.additional_modals, stored.skills) == (["Гештальт"], ["Кризисы"])
    assert (stored.min_price, stored.max_price, stored.first_free_mode) == (2500, 4000, True)
    assert (stored.help_hand_mode, stored.telegram_link) == (True, "https://t.me/anna_psy")
    education = await Education.filter(psychologist_id=psychologist.id).order_by("position")
    assert [(row.title, row.kind, row.year) for row in education] == [
        ("МГУ", "Высшее", 2012),
        ("Институт КПТ", "Повышение квалификации", 2019),
    ]

    def reload_and_see(page: Page) -> None:
        page.reload()
        expect(page.locator(f"{field('name')} input")).to_have_value("Анна Смирнова-Белова")
        expect(page.locator("input[name=age]")).to_have_value("38")
        expect(page.locator("input[name=isMarried]")).to_be_checked()
        expect(page.locator("input[name=hasChildren]")).not_to_be_checked()
        expect(page.locator("input[name=maxPrice]")).to_have_value("4000")
        for value in ("Тревога", "Одиночество", "Выгорание"):
            expect(page.locator(chip("queries", value))).to_be_checked()
        expect(page.locator(chip("skills", "Кризисы"))).to_be_checked()
        expect(page.locator(".education-row")).to_have_count(2)
        year = f"{field('education.1.educationItemYear')} input"
        expect(page.locator(year)).to_have_value("2019")

    await screen.run(reload_and_see)


async def test_a_refused_value_is_shown_at_its_field_and_nothing_is_saved(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(400)
    psychologist = await make_psychologist("Анна Смирнова", about="Тревога")
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)

    def save_a_short_name(page: Page) -> None:
        page.goto(site.url("/app/profile?lang=ru") + f"#token={token}")
        expect(page.locator(f"{field('name')} input")).to_have_value("Анна Смирнова")
        page.fill(f"{field('name')} input", "Ян")
        page.fill("textarea[name=about]", "Другой текст")
        page.click("#save")
        expect(page.locator(f"{field('name')} .field-error")).to_have_text("От 3 до 200 символов.")
        expect(page.locator(f"{field('name')} input")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#toast")).to_contain_text("Не сохранено")

    await screen.run(save_a_short_name)
    await screen.screenshot("profile-refused")
    stored = await Psychologist.get(id=psychologist.id)
    assert (stored.name, stored.about) == ("Анна Смирнова", "Тревога")


async def test_the_editor_links_to_the_profile_and_others_are_turned_away(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(403)
    psychologist = await make_psychologist("Анна Смирнова")
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    manager = await site.manager_token()

    def follow_the_link(page: Page) -> None:
        page.goto(site.url("/app/editor?lang=ru") + f"#token={token}")
        page.click("#profile-link")
        expect(page.locator(f"{field('name')} input")).to_have_value("Анна Смирнова")

    def as_a_manager(page: Page) -> None:
        page.evaluate("sessionStorage.clear()")
        page.goto(site.url("/app/profile?lang=ru") + f"#token={manager}")
        expect(page.locator("#signin")).to_contain_text("из меню психолога")
        expect(page.locator("#profile")).to_be_hidden()

    await screen.run(follow_the_link)
    await screen.run(as_a_manager)


async def test_inside_telegram_the_main_button_saves_the_anketa(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist("Анна Смирнова", queries=["Тревога"])
    user = {"id": psychologist.telegram_id, "first_name": "Анна"}
    await screen.run(in_telegram(sign_web_app_init_data(site.settings.telegram_token, user)))
    screen.expected_refusals.add(400)  # the too-short name, refused on purpose

    def saves_from_telegram(page: Page) -> None:
        page.goto(site.url("/app/profile?lang=ru"))
        shown = {"visible": True, "active": True, "progress": False, "text": "Сохранить"}
        eventually(page, lambda: button_state(page, "MainButton") == shown)
        expect(page.locator("#save")).to_be_hidden()
        page.fill("input[name=minPrice]", "3100")
        tap(page, "MainButton")
        expect(page.locator("#toast")).to_contain_text("Анкета сохранена")
        assert ["HapticFeedback.notificationOccurred", "success"] in calls(page)
        page.fill(f"{field('name')} input", "Ан")
        tap(page, "MainButton")
        expect(page.locator(f"{field('name')} .field-error")).not_to_be_empty()
        assert ["HapticFeedback.notificationOccurred", "error"] in calls(page)

    await screen.run(saves_from_telegram)
    stored = await Psychologist.get(id=psychologist.id)
    assert (stored.name, stored.min_price) == ("Анна Смирнова", 3100)
