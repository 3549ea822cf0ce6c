"""Texts the page scripts show, by key; translated when a page is rendered and handed to the
script as JSON (placeholders like {reason} are filled in the browser)."""

from domain.i18n import N_

SCRIPT_TEXTS = {
    "offline": N_("No connection to the server. Check the network and try again."),
    "sign_in_needed": N_("Open this page from the bot, or use the sign-in link the bot sent."),
    "managers_only": N_("This page is for managers. Open it from the bot's manager menu."),
    "psychologists_only": N_(
        "This page is for psychologists. Open it from the bot, or use your editor link."
    ),
    "no_name": N_("No name"),
    "yes": N_("yes"),
    "no": N_("no"),
    # the page's own confirmation dialog (outside Telegram)
    "confirm_yes": N_("Yes"),
    "confirm_no": N_("No"),
    # the board
    "confirmed": N_("Confirmed"),
    "unreachable": N_("unreachable"),
    "unreachable_hint": N_(
        "The client has blocked the bot: messages do not reach them. Call them instead."
    ),
    "booked_by_manager": N_("Booked by a manager"),
    "series": N_("Series"),
    "series_place": N_("Weekly series, {number} of {count}"),
    "move_refused": N_("The card cannot move there: {reason}"),
    "move_to": N_("Move to"),
    "cancel_confirm": N_("Cancel the session of {name} on {when}? The client is told at once."),
    "no_free_slot_there": N_("{name} has no free slot at this time"),
    "when": N_("When"),
    "status": N_("Status"),
    "psychologist": N_("Psychologist"),
    "service": N_("Service"),
    "price": N_("Price"),
    "phone": N_("Phone"),
    "meeting_link": N_("Video link"),
    "created_by": N_("Booked by"),
    "created_at": N_("Created"),
    "updated_at": N_("Changed"),
    "status_new": N_("New"),
    "status_confirmed": N_("Confirmed"),
    "status_completed": N_("Completed"),
    "status_cancelled": N_("Cancelled"),
    "status_no_show": N_("No-show"),
    "actor_client": N_("the client"),
    "actor_psychologist": N_("the psychologist"),
    "actor_manager": N_("a manager"),
    "actor_admin": N_("an admin"),
    "actor_integration": N_("an integration"),
    "actor_system": N_("the system"),
    "history": N_("History"),
    "history_empty": N_("No changes recorded yet."),
    "history_created": N_("Booked"),
    "history_confirmed": N_("Marked as confirmed"),
    "history_status": N_("Moved from «{previous}» to «{status}»"),
    "history_rescheduled": N_("Moved from {from} to {to}"),
    "history_cancelled": N_("Cancelled"),
    "history_cancelled_auto": N_("Cancelled automatically: not confirmed in time"),
    "history_cancelled_late": N_("Cancelled by the client at short notice (a late cancellation)"),
    "history_review_client": N_("The client rated the session"),
    "history_review_psychologist": N_("The psychologist rated the session"),
    "history_meeting_link": N_("Video link created"),
    "history_events_planned": N_("Reminders planned"),
    "history_reason": N_("Reason: {reason}"),
    "live": N_("Live updates are on"),
    "reconnecting": N_("Connection lost, reconnecting…"),
    "access_revoked": N_(
        "Your access to the board has been withdrawn. Ask an admin if this is a mistake."
    ),
    "booked": N_("Booked"),
    # the client's card in the board's drawer, and the client search
    "msk": N_("MSK"),
    "client_card": N_("Client card"),
    "client_reach": N_("Messages"),
    "client_reachable": N_("reach the client"),
    "client_phone_unverified": N_("not verified"),
    "client_zone": N_("Time zone"),
    "client_since": N_("Client since"),
    "late_cancellations": N_("Late cancels: {count}"),
    "no_shows": N_("No-shows: {count}"),
    "client_sessions": N_("Sessions"),
    "client_no_sessions": N_("No sessions yet."),
    "late_cancel_mark": N_("late cancel"),
    "client_reviews": N_("Reviews"),
    "review_by_client": N_("The client's review"),
    "review_by_psychologist": N_("The psychologist's review"),
    "client_notes": N_("Notes (staff only)"),
    "note_placeholder": N_("A note about the client, seen by staff only"),
    "add_note": N_("Add note"),
    "note_added": N_("The note is saved."),
    "no_notes": N_("No notes yet."),
    "search_nothing": N_("Nobody found."),
    # import and reports
    "no_problems": N_("Every row was read."),
    "chart_new_requests": N_("New requests"),
    "chart_sessions": N_("Sessions"),
    # the booking calendar
    "clients_only": N_("This page is for clients. Open it from the bot's booking button."),
    "held_until": N_("This time is held for you until {time}."),
    "hold_ran_out": N_("The hold has run out: choose the time again."),
    "booked_text": N_("{when}, psychologist {name}."),
    "contact_not_shared": N_("The number was not shared. You can share it now or later."),
    "contact_saved": N_("Thank you, your number is saved."),
    # the schedule editor
    "times_in_zone": N_("Times in {zone}"),
    "slot_empty": N_("No slot: tap to open one"),
    "slot_free": N_("Open: tap to close"),
    "slot_held": N_("A client is booking this slot right now"),
    "slot_booked": N_("Booked: tap to see who is coming"),
    "refused_slot_booked": N_(
        "This slot is booked, so it cannot be removed. Ask a manager to cancel the session first."
    ),
    "refused_slot_held": N_(
        "A client is booking this slot right now, so it cannot be removed. Try again in 5 minutes."
    ),
    "refused_slot_in_past": N_("This time has passed."),
    "refused_slot_exists": N_("There is already a slot at this time."),
    "refused_slot_overlap": N_("This time overlaps another slot."),
    "client": N_("Client"),
    "confirmation": N_("Confirmation"),
    "confirmed_yes": N_("confirmed"),
    "confirmed_not_yet": N_("not confirmed yet"),
    "requests": N_("Requests"),
    "lead_number": N_("Request number"),
    "remove_slot": N_("Remove the slot"),
    "added_skipped": N_("Slots added: {added}, skipped: {skipped}."),
    "nothing_to_copy": N_("Last week has no slots to copy."),
    "refused_rule_exists": N_("This weekday and time already repeat every week."),
    "weekly_rule": N_("Every week: {weekday} {time}"),
    "weekly_added": N_("The slot repeats every week: open for the next 4 weeks."),
    "rule_remove": N_("Stop repeating"),
    "rule_remove_confirm": N_(
        "Stop repeating {weekday} {time}? Its upcoming open slots are removed; booked ones stay."
    ),
    "rule_removed": N_("Open slots removed: {removed}; booked ones kept: {kept}."),
    "slot_weekly": N_("repeats every week"),
    # the board's staff tab (admins)
    "staff_role_admin": N_("admin"),
    "staff_role_manager": N_("manager"),
    "staff_active": N_("active"),
    "staff_inactive": N_("deactivated"),
    "staff_deactivate": N_("Deactivate"),
    "staff_activate": N_("Activate"),
    "staff_confirm_manager": N_(
        "Deactivate {name}? They lose access to the board at once. "
        "You can activate them again later."
    ),
    "staff_confirm_psychologist": N_(
        "Deactivate {name}? Clients will no longer find or book them, and their open times "
        "are removed; sessions already booked stay. You can activate them again later."
    ),
    "staff_deactivated": N_("{name} is deactivated."),
    "staff_activated": N_("{name} is active again."),
    "staff_refused": N_("Not changed: {reason}"),
    "staff_nobody": N_("Nobody yet."),
    "staff_invite_manager": N_("Send this link to the new manager. It works once, until {time}."),
    "staff_invite_psychologist": N_(
        "Send this link to the new psychologist. It works once, until {time}."
    ),
    "staff_link_copied": N_("The link is copied."),
    "staff_copy_by_hand": N_("Select the link and copy it by hand."),
    # the psychologist's anketa
    "profile_saved": N_("Your profile is saved."),
    "profile_not_saved": N_("Not saved: check the marked field."),
    "profile_name_taken": N_("Another psychologist already has this name."),
    "profile_psychologists_only": N_(
        "This page is for psychologists. Open it from the bot's psychologist menu."
    ),
    # the board's waitlist tab
    "waitlist_any": N_("any psychologist"),
    "waitlist_empty": N_("Nobody is waiting."),
    "waitlist_offer_until": N_("a time is held for them until {time}"),
    "waitlist_state_waiting": N_("waiting"),
    "waitlist_state_offered": N_("offered a time"),
}
