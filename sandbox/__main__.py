"""``python -m sandbox [--host H] [--port P]``: serve the Bot API emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.emulator import SANDBOX_TOKEN, run_emulator

logger = logging.getLogger("sandbox")


async def _serve(host: str, port: int) -> None:
    async with run_emulator(host, port) as emu:
        logger.info("Bot API emulator at %s (sandbox token %s)", emu.base_url, SANDBOX_TOKEN)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()
