"""An in-memory Telegram Bot API server over real HTTP, for running and testing bots offline.

The bot side talks HTTP exactly as to api.telegram.org (``{base}/bot{token}/{method}``); the
person side is a Python API (``send_text``, ``click``, ``sent``...) used by tests and by the
sandbox chat page. State lives in memory and every Bot API call is O(1) in the size of the chat.

Where things are: server.py puts ``BotApiEmulator`` together and serves it; core.py and
state.py hold the state; http.py answers the bot's calls with the methods of messages.py,
polling.py, webhook.py and bot_settings.py; person.py is the person side; observation.py is
what tests read and wait for; faults.py makes the API fail on purpose.
"""

# "X as X": each name is re-exported, for `from sandbox.emulator import X` (and from sandbox)
from sandbox.emulator.server import EMULATOR_KEY as EMULATOR_KEY
from sandbox.emulator.server import BotApiEmulator as BotApiEmulator
from sandbox.emulator.server import run_emulator as run_emulator
from sandbox.emulator.state import SANDBOX_TOKEN as SANDBOX_TOKEN
from sandbox.emulator.state import ApiError as ApiError
from sandbox.emulator.state import SandboxError as SandboxError
from sandbox.emulator.state import UploadedFile as UploadedFile
