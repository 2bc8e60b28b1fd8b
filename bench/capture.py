"""Runs inside Django (the bench database, production-like settings): warms the process with a
few searches, then asks each benchmark path once while recording every SQL statement, and writes
for each path its status, the number of SQL queries of the whole request, and the statements the
search layer (services.search.search) issued, fully bound, for floor.py to replay without Django.

Usage: python bench/capture.py PATHS.json OUT.json
       python bench/capture.py --seal PATHS.json OUT.json   (results pages at sealed addresses)
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

import services.api.views as api_views  # noqa: E402
import services.public.views as page_views  # noqa: E402


class Recorder:
    """Every statement of the request; those run inside search() flagged as the search layer's."""

    def __init__(self) -> None:
        self.in_search = 0
        self.statements: list[tuple[str, bool]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        result = execute(sql, params, many, context)
        bound = connection.ops.last_executed_query(context["cursor"], sql, params)
        self.statements.append((bound, self.in_search > 0))
        return result

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.in_search += 1
            try:
                return function(*args, **kwargs)
            finally:
                self.in_search -= 1

        return wrapper


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[None]:
    with connection.execute_wrapper(recorder):
        yield


def main(paths_file: str, out_file: str) -> None:
    recorder = Recorder()
    # The views call search() by the name they imported.
    page_views.search = recorder.wrap(page_views.search)
    api_views.search = recorder.wrap(api_views.search)
    client = Client()
    items = json.loads(Path(paths_file).read_text())
    for item in items:
        item["path"] = sealed(client, item["path"])
    out = []
    for n, item in enumerate(items[:8]):
        # Warm, as a worker is: first-use look-ups (spatial reference, URL resolver, templates).
        client.get(item["path"], HTTP_X_FORWARDED_FOR=f"10.251.0.{n}")
    for n, item in enumerate(items):
        headers = {
            "HTTP_X_FORWARDED_FOR": f"10.250.{n // 256 % 256}.{n % 256}",
            "HTTP_ACCEPT_LANGUAGE": "es",
        }
        recorder.statements = []
        with recording(recorder):
            response = client.get(item["path"], **headers)
        out.append(
            {
                **item,
                "status": response.status_code,
                "queries": len(recorder.statements),
                "statements": recorder.statements,
            }
        )
    Path(out_file).write_text(json.dumps(out))


def sealed(client: Client, path: str) -> str:
    """A results page is asked by its sealed address, as a browser asks it after the search
    form's 303 (services/public/tokens.py); the API's paths stay as they are."""
    if not path.startswith("/es/buscar/?"):
        return path
    response = client.get(path, HTTP_X_FORWARDED_FOR="10.252.0.1")
    return response["Location"] if response.status_code == 303 else path


def seal_all(paths_file: str, out_file: str) -> None:
    """Each results-page path of the driven pools at its sealed address, sealed as the page
    itself seals an old link (without asking the server once per path: the pools are long)."""
    from django.http import QueryDict
    from django.utils import translation

    paths = json.loads(Path(paths_file).read_text())
    out = {}
    with translation.override("es"):
        for path in paths:
            if path.startswith("/es/buscar/?"):
                query = page_views._clean_query(QueryDict(path.split("?", 1)[1]))
                out[path] = page_views._sealed_url(query)
            else:
                out[path] = path
    Path(out_file).write_text(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "--seal":
        seal_all(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1], sys.argv[2])
