"""Telegram's phone app as a mini app sees it: `window.Telegram.WebApp` put in the page before
its scripts run (so telegram.js uses it and loads nothing from telegram.org), and the
`TelegramWebviewProxy` Telegram's apps provide. The stub records every call the page makes,
and the test plays Telegram's part: taps the main or back button, answers a confirmation,
switches the theme."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

from sandbox.chat import THEME_PARAMS
from tests.harness.mini_apps import PHONE

LIGHT = {**THEME_PARAMS, "section_bg_color": "#ffffff", "section_separator_color": "#e7e7e7"}
# Telegram's night theme on iOS.
DARK = {
    "bg_color": "#212121",
    "text_color": "#ffffff",
    "hint_color": "#aaaaaa",
    "link_color": "#8774e1",
    "button_color": "#8774e1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#0f0f0f",
    "section_bg_color": "#212121",
    "section_separator_color": "#3d3d3d",
    "header_bg_color": "#212121",
    "destructive_text_color": "#ff595a",
}
# An iPhone's home indicator under the page.
HOME_INDICATOR = 34

STUB = """
(() => {
  const calls = [];
  const record = (name, ...args) => calls.push([name, ...args]);
  const handlers = {};
  const [major, minor] = VERSION.split(".").map(Number);
  function button(name) {
    const state = { visible: false, active: true, progress: false, text: "", clicks: [] };
    const api = {
      state,
      setText(text) { record(`${name}.setText`, text); state.text = text; return api; },
      show() { record(`${name}.show`); state.visible = true; return api; },
      hide() { record(`${name}.hide`); state.visible = false; return api; },
      enable() { record(`${name}.enable`); state.active = true; return api; },
      disable() { record(`${name}.disable`); state.active = false; return api; },
      showProgress(leaveActive) {
        record(`${name}.showProgress`, leaveActive); state.progress = true; return api;
      },
      hideProgress() { record(`${name}.hideProgress`); state.progress = false; return api; },
      onClick(callback) { record(`${name}.onClick`); state.clicks.push(callback); return api; },
      offClick(callback) {
        state.clicks = state.clicks.filter((c) => c !== callback);
        return api;
      },
    };
    return api;
  }
  const webApp = {
    initData: INIT_DATA,
    initDataUnsafe: {},
    version: VERSION,
    platform: "ios",
    colorScheme: "light",
    themeParams: LIGHT,
    safeAreaInset: { top: 0, bottom: HOME_INDICATOR, left: 0, right: 0 },
    contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    ready() { record("ready"); },
    expand() { record("expand"); },
    isVersionAtLeast(version) {
      record("isVersionAtLeast", version);
      const [wantMajor, wantMinor = 0] = version.split(".").map(Number);
      return major > wantMajor || (major === wantMajor && minor >= wantMinor);
    },
    onEvent(event, callback) {
      record("onEvent", event);
      (handlers[event] ||= []).push(callback);
    },
    disableVerticalSwipes() { record("disableVerticalSwipes"); },
    showConfirm(message, callback) {
      record("showConfirm", message);
      telegram.confirming = callback;
    },
    HapticFeedback: {
      notificationOccurred(kind) { record("HapticFeedback.notificationOccurred", kind); },
      impactOccurred(style) { record("HapticFeedback.impactOccurred", style); },
      selectionChanged() { record("HapticFeedback.selectionChanged"); },
    },
    MainButton: button("MainButton"),
    BackButton: button("BackButton"),
  };
  const telegram = {
    calls,
    confirming: null,
    tap(name) { for (const callback of webApp[name].state.clicks) callback(); },
    answer(ok) { const callback = telegram.confirming; telegram.confirming = null; callback(ok); },
    retheme(scheme, params) {
      webApp.colorScheme = scheme;
      webApp.themeParams = params;
      for (const callback of handlers.themeChanged || []) callback.call(webApp);
    },
  };
  window.telegramStub = telegram;
  if (HOSTED) window.TelegramWebviewProxy = { postEvent() {} };
  window.Telegram = { WebApp: webApp };
})();
"""


def in_telegram(
    init_data: str, *, version: str = "8.0", hosted: bool = True
) -> Callable[[Page], None]:
    """A step that makes every page of the browser open as in Telegram's phone app, with
    `init_data` (signed for the user) and Bot API `version`; not `hosted`, the web app is
    there without a Telegram client around it (Telegram's script in the sandbox's frame)."""
    script = (
        STUB.replace("INIT_DATA", json.dumps(init_data))
        .replace("VERSION", json.dumps(version))
        .replace("LIGHT", json.dumps(LIGHT))
        .replace("HOME_INDICATOR", str(HOME_INDICATOR))
        .replace("HOSTED", json.dumps(hosted))
    )

    def install(page: Page) -> None:
        page.add_init_script(script)
        page.set_viewport_size(PHONE)

    return install


def calls(page: Page, name: str | None = None) -> list[list[Any]]:
    """The calls the page made to Telegram, in order (only those of `name` when given), each
    as [name, *arguments]."""
    made: list[list[Any]] = page.evaluate("window.telegramStub.calls")
    return [call for call in made if name is None or call[0] == name]


def button_state(page: Page, button: str) -> dict[str, Any]:
    """Telegram's MainButton or BackButton as the person sees it: visible, active, progress,
    text."""
    state: dict[str, Any] = page.evaluate(
        f"(({{ visible, active, progress, text }}) => ({{ visible, active, progress, text }}))"
        f"(window.Telegram.WebApp.{button}.state)"
    )
    return state


def tap(page: Page, button: str) -> None:
    """The person taps Telegram's MainButton or BackButton."""
    page.evaluate(f"window.telegramStub.tap({json.dumps(button)})")


def answer_confirmation(page: Page, ok: bool) -> None:
    """The person answers Telegram's confirmation popup: OK or Cancel."""
    page.evaluate(f"window.telegramStub.answer({json.dumps(ok)})")


def switch_theme(page: Page, scheme: str, params: dict[str, str]) -> None:
    """The person switches Telegram to another theme: Telegram sends themeChanged."""
    page.evaluate(f"window.telegramStub.retheme({json.dumps(scheme)}, {json.dumps(params)})")


def eventually(page: Page, check: Callable[[], object], timeout_ms: int = 5000) -> None:
    """Wait until `check()` holds: the page talks to Telegram after its own awaits."""
    waited = 0
    while not check():
        assert waited < timeout_ms, "the page did not get there in time"
        page.wait_for_timeout(50)
        waited += 50


def luminance(colour: str) -> float:
    """The relative luminance (WCAG) of a computed `rgb(r, g, b)` colour."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colours(page: Page, selector: str) -> tuple[str, str]:
    """The computed text colour and background of the first element of `selector`."""
    found: list[str] = page.locator(selector).first.evaluate(
        "(node) => [getComputedStyle(node).color, getComputedStyle(node).backgroundColor]"
    )
    return found[0], found[1]
