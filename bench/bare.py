"""The limit of the read benchmarks: a bare aiohttp server answering the very bytes the
product answered, from memory.  python -m bench.bare PORT ANSWERS_JSON"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from aiohttp import web


def write_answers(path: Path, answers: dict[str, tuple[bytes, str]]) -> None:
    """Save {path_qs: (body, content type)} for the bare server."""
    encoded = {
        key: [base64.b64encode(body).decode(), content_type]
        for key, (body, content_type) in answers.items()
    }
    path.write_text(json.dumps(encoded))


def build_app(path: Path) -> web.Application:
    answers = {
        key: (base64.b64decode(body), content_type)
        for key, (body, content_type) in json.loads(path.read_text()).items()
    }

    async def answer(request: web.Request) -> web.Response:
        if request.path == "/healthz":
            return web.Response(text="ok")
        body, content_type = answers[request.path_qs]
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    return app


if __name__ == "__main__":
    web.run_app(build_app(Path(sys.argv[2])), host="127.0.0.1", port=int(sys.argv[1]), print=None)
