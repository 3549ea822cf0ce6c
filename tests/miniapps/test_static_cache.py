"""A page names its script with a `?v=` of its content, and the ES modules that script imports
are asked for without one: those must be revalidated on every load, so that after a deploy a
new page never runs beside an old module a browser kept."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient, TestServer

from services import Services
from webapp.app import create_app


async def test_imported_modules_are_revalidated_and_versioned_scripts_cached(
    services: Services,
) -> None:
    app = create_app(services, own_database=False)
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get("/app/board")).text()
        versioned = re.search(r'src="(/app/static/js/board\.js\?v=[^"]+)"', page)
        assert versioned, "the board names its script with a version"
        entry = await client.get(versioned[1])
        assert entry.status == 200
        assert "no-cache" not in entry.headers.get("Cache-Control", "")
        imports = re.findall(r"""from\s+["'](\.{1,2}/[^"']+\.js)["']""", await entry.text())
        assert imports, "the board's script imports its modules"
        module_path = "/app/static/js/" + imports[0].removeprefix("./")
        module = await client.get(module_path)
        assert module.status == 200, module_path
        assert module.headers.get("Cache-Control") == "no-cache"
