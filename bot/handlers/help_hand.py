"""Help hand for clients: a low-price request at a price tier, taken by a psychologist."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Menu, MenuCb, TierCb
from bot.filters import RegisteredClient
from bot.handlers.booking import initiator_of
from bot.keyboards.common import home_keyboard
from bot.states import HelpHand
from bot.views import show, tier_label, tiers_keyboard, typed
from domain.people.profiles import ClientProfile
from domain.tickets import help_hand, help_hand_requests


async def on_help_hand(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(None)
    text = _(
        "Help hand: sessions at a price you can afford, with psychologists who volunteer "
        "for it. Choose what you can pay per session:"
    )
    await show(callback, (text, tiers_keyboard(staff=False)))


async def on_tier(callback: CallbackQuery, callback_data: TierCb, state: FSMContext) -> None:
    if not 0 <= callback_data.index < len(help_hand.TIERS):
        await show(
            callback, (_("Choose what you can pay per session:"), tiers_keyboard(staff=False))
        )
        return
    await state.set_state(HelpHand.request)
    await state.update_data(tier=callback_data.index)
    await show(
        callback,
        (
            _("{tier}. Now describe in a message what you would like help with.").format(
                tier=tier_label(callback_data.index)
            ),
            home_keyboard(),
        ),
    )


async def process_help_request(message: Message, state: FSMContext, client: ClientProfile) -> None:
    index = int((await state.get_data()).get("tier", 0))
    await state.set_state(None)
    request = await help_hand_requests.open_request(
        client.id, help_hand.TIERS[index], [typed(message, 500)], initiator_of(client)
    )
    await message.answer(
        _(
            "Your help-hand request {number} ({tier}) is open. "
            "A psychologist will take it and contact you."
        ).format(number=request.number, tier=tier_label(index)),
        reply_markup=home_keyboard(),
    )


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.filter(RegisteredClient())
    routes.callback_query.filter(RegisteredClient())
    routes.callback_query.register(on_help_hand, MenuCb.filter(F.item == Menu.HELP_HAND))
    routes.callback_query.register(on_tier, TierCb.filter(~F.staff))
    routes.message.register(process_help_request, HelpHand.request, F.text)
    return routes
