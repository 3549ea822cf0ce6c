"""Who the demo is made of: psychologists with their anketas and working hours, the manager,
the clients who have booked, and the catalogue.

Demo people have Telegram ids above 2**52: Telegram's own ids have at most 52 significant
bits, so no real account is ever one of them, even if a sandbox database is later run with a
real bot. They stay below 2**53, exact in JavaScript too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from domain.people.psychologists import EducationItem

ID_BASE = 2**52


@dataclass(frozen=True, slots=True)
class Person:
    telegram_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Hours:
    """A working window on some weekdays (0 is Monday), Moscow time."""

    weekdays: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DemoPsychologist:
    person: Person
    anketa: dict[str, Any]
    education: tuple[EducationItem, ...]
    hours: tuple[Hours, ...]


@dataclass(frozen=True, slots=True)
class DemoBooking:
    """A demo client's session with a psychologist, on the `nth` free time from tomorrow."""

    client: Person
    phone: str
    psychologist: int  # index in PSYCHOLOGISTS
    nth: int
    queries: tuple[str, ...]
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class DemoService:
    name: str
    price: int
    duration_min: int


def _anketa(name: str, **fields: Any) -> dict[str, Any]:
    """An anketa by the psychologist's columns, as /psychologist-form saves it."""
    return {
        "name": name,
        "sex_client": "",
        "min_client_age": 18,
        "max_client_age": 65,
        "telegram_link": "",
        "site_link": "",
        "vk_link": "",
        "is_married": False,
        "has_children": False,
        "all_with_price_mode": False,
        "first_free_mode": False,
        "help_hand_mode": False,
        **fields,
    }


def _psychologist(number: int, name: str) -> Person:
    return Person(ID_BASE + 100 + number, name)


WEEKDAYS = (0, 1, 2, 3, 4)

PSYCHOLOGISTS: tuple[DemoPsychologist, ...] = (
    DemoPsychologist(
        _psychologist(1, "Ольга Смирнова"),
        _anketa(
            "Ольга Смирнова",
            about=(
                "Помогаю справиться с тревогой и паническими атаками, вернуть опору и сон. "
                "Работаю бережно и структурно: у каждой встречи есть цель, между встречами "
                "— небольшие упражнения."
            ),
            age=38,
            personal_therapy_type="Когнитивно-поведенческая терапия",
            personal_therapy_duration="3 года",
            main_modal="Когнитивно-поведенческая терапия",
            additional_modals=["Терапия принятия и ответственности", "Майндфулнес"],
            skills=["Работа с паническими атаками", "Техники саморегуляции", "Работа со сном"],
            queries=["Тревога", "Панические атаки", "Стресс"],
            min_price=3000,
            max_price=3500,
            has_children=True,
            is_married=True,
        ),
        (
            EducationItem("Клиническая психология", "МГУ им. М. В. Ломоносова", "Высшее", 2010),
            EducationItem("КПТ тревожных расстройств", "Институт КПТ", "Повышение", 2019),
        ),
        (Hours(WEEKDAYS, time(10), time(14)),),
    ),
    DemoPsychologist(
        _psychologist(2, "Дмитрий Волков"),
        _anketa(
            "Дмитрий Волков",
            about=(
                "Гештальт-терапевт. Работаю с отношениями, кризисами и самооценкой: "
                "помогаю замечать, что происходит здесь и сейчас, и делать выбор осознанно."
            ),
            age=44,
            sex_client="Мужчины и женщины",
            personal_therapy_type="Гештальт-терапия",
            personal_therapy_duration="6 лет",
            main_modal="Гештальт-терапия",
            additional_modals=["Экзистенциальная терапия"],
            skills=["Работа с кризисами", "Парное консультирование"],
            queries=["Отношения в паре", "Кризис", "Самооценка"],
            min_price=4000,
            max_price=5000,
            all_with_price_mode=True,
            is_married=True,
        ),
        (
            EducationItem("Психология", "СПбГУ", "Высшее", 2004),
            EducationItem(
                "Гештальт-терапия", "Московский гештальт институт", "Переподготовка", 2012
            ),
        ),
        (Hours((0, 2, 4), time(15), time(20)),),
    ),
    DemoPsychologist(
        _psychologist(3, "Анна Кузнецова"),
        _anketa(
            "Анна Кузнецова",
            about=(
                "Психоаналитически ориентированный психотерапевт. Помогаю пережить утрату, "
                "выйти из депрессии и понять, откуда берутся повторяющиеся сценарии."
            ),
            age=51,
            personal_therapy_type="Психоанализ",
            personal_therapy_duration="10 лет",
            main_modal="Психоаналитическая психотерапия",
            additional_modals=["Работа со сновидениями"],
            skills=["Работа с горем", "Долгосрочная терапия"],
            queries=["Депрессия", "Горе и утрата", "Самооценка"],
            min_price=5500,
            max_price=6000,
            min_client_age=21,
            has_children=True,
        ),
        (
            EducationItem("Психология", "РГГУ", "Высшее", 1997),
            EducationItem("Психоаналитическая психотерапия", "ВЕИП", "Переподготовка", 2003),
        ),
        (Hours((1, 3), time(11), time(17)),),
    ),
    DemoPsychologist(
        _psychologist(4, "Игорь Лебедев"),
        _anketa(
            "Игорь Лебедев",
            about=(
                "Семейный психолог. Помогаю родителям и детям слышать друг друга, "
                "а парам — договариваться без войны."
            ),
            age=41,
            personal_therapy_type="Системная семейная терапия",
            personal_therapy_duration="4 года",
            main_modal="Системная семейная терапия",
            additional_modals=["Нарративная практика"],
            skills=["Детско-родительские отношения", "Работа с парами"],
            queries=["Детско-родительские отношения", "Отношения в паре"],
            min_price=3500,
            max_price=4500,
            is_married=True,
            has_children=True,
        ),
        (EducationItem("Педагогика и психология", "МПГУ", "Высшее", 2006),),
        (Hours((0, 1, 2, 3), time(17), time(21)),),
    ),
    DemoPsychologist(
        _psychologist(5, "Мария Соколова"),
        _anketa(
            "Мария Соколова",
            about=(
                "Беру запросы «Руки помощи»: первая встреча бесплатно, дальше — по "
                "возможностям клиента. Работаю с выгоранием, стрессом и тревогой."
            ),
            age=29,
            personal_therapy_type="КПТ",
            personal_therapy_duration="2 года",
            main_modal="Когнитивно-поведенческая терапия",
            additional_modals=["Схема-терапия"],
            skills=["Профилактика выгорания", "Работа со стрессом"],
            queries=["Выгорание", "Стресс", "Тревога"],
            min_price=1000,
            max_price=2000,
            first_free_mode=True,
            help_hand_mode=True,
        ),
        (
            EducationItem("Психология", "НИУ ВШЭ", "Высшее", 2019),
            EducationItem("Схема-терапия", "Институт схема-терапии", "Повышение", 2023),
        ),
        (Hours((5, 6), time(10), time(14)), Hours((2,), time(18), time(21))),
    ),
    DemoPsychologist(
        _psychologist(6, "Елена Морозова"),
        _anketa(
            "Елена Морозова",
            about=(
                "Телесно-ориентированный терапевт: когда тело болит от переживаний, "
                "помогаю услышать его и найти ресурс."
            ),
            age=47,
            personal_therapy_type="Телесно-ориентированная терапия",
            personal_therapy_duration="5 лет",
            main_modal="Телесно-ориентированная терапия",
            additional_modals=["Арт-терапия"],
            skills=["Психосоматика", "Работа с зависимостями"],
            queries=["Психосоматика", "Зависимость", "Выгорание"],
            min_price=2500,
            max_price=3000,
        ),
        (EducationItem("Клиническая психология", "РНИМУ им. Пирогова", "Высшее", 2001),),
        (Hours((1, 2, 3, 5), time(9), time(13)),),
    ),
)

# The sandbox's psychologist persona; none of the demo clients is booked with her, so what
# she finds booked in her editor is the newcomer's own session.
PERSONA_PSYCHOLOGIST = PSYCHOLOGISTS[0].person
MANAGER = Person(ID_BASE + 201, "Демо-менеджер")
# The client persona is left unregistered: a newcomer registers through the bot.
CLIENT = Person(ID_BASE + 401, "Анна (клиент)")

BOOKINGS: tuple[DemoBooking, ...] = (
    DemoBooking(Person(ID_BASE + 301, "Павел Егоров"), "+79010000301", 1, 0, ("Кризис",)),
    DemoBooking(
        Person(ID_BASE + 302, "Светлана Орлова"),
        "+79010000302",
        2,
        1,
        ("Депрессия", "Самооценка"),
        confirmed=True,
    ),
    DemoBooking(
        Person(ID_BASE + 303, "Кирилл Новиков"),
        "+79010000303",
        3,
        0,
        ("Детско-родительские отношения",),
    ),
    DemoBooking(Person(ID_BASE + 304, "Ирина Белова"), "+79010000304", 4, 2, ("Выгорание",)),
)

SERVICES: tuple[DemoService, ...] = (
    DemoService("Индивидуальная консультация", 3500, 50),
    DemoService("Первая встреча-знакомство", 2000, 30),
    DemoService("Консультация для пары", 6000, 90),
    DemoService("Рука помощи: консультация по низкой цене", 1000, 50),
)
