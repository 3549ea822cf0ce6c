"""Make an aerich migration that runs on both SQLite and PostgreSQL.

aerich writes SQL for one dialect. This runs aerich offline once per dialect in a scratch copy
of `db/migrations/` and merges the two files into one whose `upgrade(db)` picks the SQL of the
database it runs on; the models state is the same for both.

    python -m db.makemigration NAME     write db/migrations/models/<n>_<time>_NAME.py
    python -m db.makemigration --check  exit 1 if the models differ from the last migration
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "db" / "migrations"
# Offline generation never connects; the URL only selects the dialect.
DIALECT_URLS = {"sqlite": "sqlite://:memory:", "postgres": "postgres://u:p@127.0.0.1:1/none"}

TEMPLATE = """from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {upgrade}

DOWNGRADE = {downgrade}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


"""


# aerich's command line, except that on SQLite a changed column comment (a CharEnumField
# gaining a member changes its comment) and a changed VARCHAR length are nothing to do instead
# of an error: SQLite keeps no comments and does not enforce VARCHAR lengths.
_AERICH_CLI = """
import sys
from aerich.cli import main
from aerich.ddl.sqlite import SqliteDDL
SqliteDDL.set_comment = lambda self, model, field_describe: ""
SqliteDDL.modify_column = lambda self, model, field_describe, is_pk=True: ""
sys.argv[0] = "aerich"
sys.exit(main())
"""


def _aerich(workdir: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    (workdir / "pyproject.toml").write_text(
        '[tool.aerich]\ntortoise_orm = "db.config.TORTOISE_ORM"\nlocation = "./migrations"\n'
        'src_folder = "./."\n',
        encoding="utf-8",
    )
    env = {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", _AERICH_CLI, "--app", "models", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _generate(dialect: str, name: str, scratch: Path) -> Path | None:
    """The file aerich writes for `dialect`, or None when there is no change."""
    workdir = scratch / dialect
    shutil.copytree(MIGRATIONS, workdir / "migrations", dirs_exist_ok=True)
    before = set((workdir / "migrations" / "models").glob("*.py"))
    if before:
        result = _aerich(
            workdir, DIALECT_URLS[dialect], "migrate", "--offline", "--no-input", "--name", name
        )
    else:
        result = _aerich(workdir, DIALECT_URLS[dialect], "init-migrations")
    if result.returncode != 0:
        raise SystemExit(f"aerich failed for {dialect}:\n{result.stdout}\n{result.stderr}")
    created = sorted(set((workdir / "migrations" / "models").glob("*.py")) - before)
    return created[-1] if created else None


def _sql(path: Path) -> tuple[str, str]:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return asyncio.run(module.upgrade(None)), asyncio.run(module.downgrade(None))


# SQLite has no ALTER TABLE ... ADD CONSTRAINT (nor DROP FOREIGN KEY): a new foreign-key
# column names its reference where the column is added.
_ADD_FOREIGN_KEY = re.compile(
    r'\n\s*ALTER TABLE "(?P<table>\w+)" ADD CONSTRAINT "\w+" FOREIGN KEY \("(?P<column>\w+)"\) '
    r"(?P<reference>REFERENCES [^;]+);"
)
_DROP_FOREIGN_KEY = re.compile(r'\n\s*ALTER TABLE "\w+" DROP FOREIGN KEY "\w+";')


def _inline_foreign_keys(upgrade: str, downgrade: str) -> tuple[str, str]:
    for match in list(_ADD_FOREIGN_KEY.finditer(upgrade)):
        added = upgrade.index(f'ALTER TABLE "{match["table"]}" ADD "{match["column"]}" ')
        end = upgrade.index(";", added)
        upgrade = f"{upgrade[:end]} {match['reference']}{upgrade[end:]}"
    return _ADD_FOREIGN_KEY.sub("", upgrade), _DROP_FOREIGN_KEY.sub("", downgrade)


def _literal(sql: dict[str, str]) -> str:
    """A readable dict literal: one triple-quoted SQL block per dialect."""
    lines = ["{"]
    for dialect, text in sql.items():
        escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        lines.append(f'    "{dialect}": """{escaped}""",')
    lines.append("}")
    return "\n".join(lines)


def _models_state(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("MODELS_STATE = (") :]


def make(name: str) -> Path | None:
    (MIGRATIONS / "models").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {dialect: _generate(dialect, name, Path(tmp)) for dialect in DIALECT_URLS}
        if not all(files.values()):
            return None
        sql = {dialect: _sql(path) for dialect, path in files.items() if path}
        sql["sqlite"] = _inline_foreign_keys(*sql["sqlite"])
        sqlite_file = files["sqlite"]
        assert sqlite_file is not None
        target = MIGRATIONS / "models" / sqlite_file.name
        target.write_text(
            TEMPLATE.format(
                upgrade=_literal({dialect: pair[0] for dialect, pair in sql.items()}),
                downgrade=_literal({dialect: pair[1] for dialect, pair in sql.items()}),
            )
            + _models_state(sqlite_file),
            encoding="utf-8",
        )
        return target


def check() -> bool:
    """True when the models match the last migration."""
    with tempfile.TemporaryDirectory() as tmp:
        return _generate("sqlite", "check", Path(tmp)) is None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="update")
    parser.add_argument("--check", action="store_true", help="only check for model changes")
    args = parser.parse_args()
    if args.check:
        if not check():
            sys.exit("models changed: run `python -m db.makemigration NAME`")
        print("no model change to migrate")  # noqa: T201 - a command-line tool's answer
        return
    made = make(args.name)
    print(f"wrote {made.relative_to(ROOT)}" if made else "no model change to migrate")  # noqa: T201


if __name__ == "__main__":
    main()
