"""What the tests drive and build, shared by every folder of tests: people in Telegram, the
product's bot on the Bot API emulator, API callers, Chromium and the mini apps in it, callers
of the integration API, and rows in the database. Conftest modules declare fixtures from these;
test modules import these, never a conftest module nor another test module."""
