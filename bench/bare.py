"""The limit of the read benchmarks: a bare aiohttp server answering the very bytes the
product answered, from memory, with the product's Content-Type, Content-Encoding and Vary.
An answer recorded for a client that takes gzip is answered to one that says so.
python -m bench.bare PORT ANSWERS_JSON"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from aiohttp import hdrs, web

# the headers of a recorded answer the bare server answers with
KEPT_HEADERS = (hdrs.CONTENT_TYPE, hdrs.CONTENT_ENCODING, hdrs.VARY)

Answers = dict[str, tuple[bytes, dict[str, str]]]


def answer_key(path_qs: str, accept_encoding: str) -> str:
    """Where an answer to `path_qs` is kept: apart for clients that take gzip."""
    return f"{path_qs} gzip" if "gzip" in accept_encoding else path_qs


def write_answers(path: Path, answers: Answers) -> None:
    """Save {answer_key: (body, headers)} for the bare server."""
    encoded = {
        key: [base64.b64encode(body).decode(), headers] for key, (body, headers) in answers.items()
    }
    path.write_text(json.dumps(encoded))


def build_app(path: Path) -> web.Application:
    answers = {
        key: (base64.b64decode(body), headers)
        for key, (body, headers) in json.loads(path.read_text()).items()
    }

    async def answer(request: web.Request) -> web.Response:
        if request.path == "/healthz":
            return web.Response(text="ok")
        key = answer_key(request.path_qs, request.headers.get(hdrs.ACCEPT_ENCODING, ""))
        body, headers = answers[key]
        return web.Response(body=body, headers=headers)

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    return app


if __name__ == "__main__":
    web.run_app(build_app(Path(sys.argv[2])), host="127.0.0.1", port=int(sys.argv[1]), print=None)
