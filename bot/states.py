"""FSM states, one group per flow. Data kept beside them is JSON-safe (ids, strings, numbers)."""

from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    contact = State()
    zone = State()  # registered; where they are comes before the first menu


class ZoneAsk(StatesGroup):
    answer = State()  # a typed city or local time; city buttons work in any state


class Booking(StatesGroup):
    requests = State()
    preferences = State()
    choosing = State()  # psychologist cards, weeks and the hold: all by buttons


class Cancelling(StatesGroup):
    reason = State()


class HelpHand(StatesGroup):
    request = State()


class Reviewing(StatesGroup):
    text = State()
