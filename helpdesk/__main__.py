"""`python -m helpdesk <command>`: serve, run (bot + helpdesk), train, eval, db, demo, orders,
languages, agents, policies, insights, loyalty."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from helpdesk.agents.cli import add_commands as add_agent_commands
from helpdesk.insights.cli import add_commands as add_insights_commands
from helpdesk.loyalty.cli import add_commands as add_loyalty_commands
from helpdesk.settings import Settings


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    from aiohttp import web

    from helpdesk.app import create_app
    from helpdesk.web.access_log import AccessLogger

    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log_class=AccessLogger,
        print=lambda *_: logging.info("helpdesk listening on %s", settings.base_url),
    )
    return 0


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    from helpdesk.launcher import run

    return run(settings)


def _train(settings: Settings, _args: argparse.Namespace) -> int:
    from helpdesk.rasa.training import ensure_model

    print(ensure_model(settings.var_dir))
    return 0


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from helpdesk.database import migrated

    async def upgrade() -> None:
        async with migrated(settings.database):
            pass

    asyncio.run(upgrade())
    print("database is at the newest migration")
    return 0


def _demo_load(settings: Settings, _args: argparse.Namespace) -> int:
    from helpdesk.clock import Clock
    from helpdesk.database import in_one_session
    from helpdesk.orders.demo import load_demo_shop, stock_demo_codes
    from helpdesk.policies import load_policies

    policies = load_policies(settings.policies_dir)
    if isinstance(policies, list):
        print("\n".join(map(str, policies)))
        return 1

    from helpdesk.agents.accounts import (
        DEMO_AGENT,
        DEMO_PASSWORD_FILE,
        ensure_demo_agent,
    )

    async def load(session) -> tuple[int, str | None]:
        added = await load_demo_shop(session, policies, today=Clock().today())
        if added:
            await stock_demo_codes(session, policies, now=Clock().now())
            await session.commit()
        password = await ensure_demo_agent(session, settings.var_dir / DEMO_PASSWORD_FILE)
        return added, password

    added, password = asyncio.run(in_one_session(settings.database, load))
    print(f"example shop: {added} orders added" if added else "the shop has orders; nothing added")
    if password:
        print(
            f"agent workspace login: {DEMO_AGENT} / {password} (kept in var/{DEMO_PASSWORD_FILE})"
        )
    return 0


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    from helpdesk.rasa.evaluation import main as evaluate

    return evaluate(
        settings,
        Path(args.file),
        Path(args.json) if args.json else None,
        Path(args.rows) if args.rows else None,
    )


def _orders_import(settings: Settings, args: argparse.Namespace) -> int:
    from helpdesk.clock import Clock
    from helpdesk.database import migrated
    from helpdesk.orders.importing import run_import

    async def run() -> tuple[int, str]:
        async with migrated(settings.database) as database:
            return await run_import(database, args.file, now=Clock().now())

    code, text = asyncio.run(run())
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code


def _languages(settings: Settings, args: argparse.Namespace) -> int:
    from helpdesk.languages import argos

    argos.configure(settings.var_dir)
    if args.languages_command == "install":
        package = argos.install_file(args.file)
        print(f"installed {package.source} -> {package.target} ({package.name})")
    elif args.languages_command == "install-from-index":
        for source, target in zip(args.codes, args.codes[1:], strict=False):
            package = argos.install_from_index(source, target)
            print(f"installed {package.source} -> {package.target} ({package.name})")
    elif args.languages_command == "uninstall":
        found = argos.uninstall(args.source, args.target)
        print(f"removed {args.source} -> {args.target}" if found else "no such package")
    packages = argos.installed_packages()
    print(
        "\n".join(f"{p.source} -> {p.target}  {p.name}" for p in packages)
        or "no translation packages installed: the bot serves its native languages only"
    )
    return 0


def _policies_check(settings: Settings, args: argparse.Namespace) -> int:
    from helpdesk.policies import run_check

    code, report = run_check(args.directory or settings.policies_dir)
    print(report)
    return code


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m helpdesk", description="Support bot and helpdesk for cross-border shops."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "serve", help="run the helpdesk web service (HELPDESK_PORT, default 8080)"
    ).set_defaults(handler=_serve)
    commands.add_parser(
        "run", help="train if needed, run the Rasa bot and the helpdesk together"
    ).set_defaults(handler=_run)
    commands.add_parser(
        "train", help="train the bot if bot/ changed; prints the model path"
    ).set_defaults(handler=_train)
    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="DB_COMMAND"
    )
    db.add_parser("upgrade", help="apply the migrations").set_defaults(handler=_db_upgrade)
    evaluation = commands.add_parser(
        "eval",
        help="score a CSV of text,label,lang through the "
        "production path (starts a Rasa server if none runs)",
    )
    evaluation.add_argument("file", help="CSV with the columns text,label,lang")
    evaluation.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    evaluation.add_argument(
        "--rows",
        metavar="OUT",
        help="write every row as CSV, with the text that reached Rasa, the prediction and its confidence",
    )
    evaluation.set_defaults(handler=_eval)
    demo = commands.add_parser("demo", help="the example shop").add_subparsers(
        dest="demo_command", required=True, metavar="DEMO_COMMAND"
    )
    demo.add_parser(
        "load",
        help="add the example shop's orders and loyalty accounts, unless the "
        "shop already has orders",
    ).set_defaults(handler=_demo_load)
    orders = commands.add_parser("orders", help="the shop's orders").add_subparsers(
        dest="orders_command", required=True, metavar="ORDERS_COMMAND"
    )
    importer = orders.add_parser(
        "import",
        help="import orders from a .csv or .json file "
        "(all or nothing: a file with an error imports nothing)",
    )
    importer.add_argument("file", type=Path)
    importer.set_defaults(handler=_orders_import)
    languages = commands.add_parser(
        "languages", help="translation packages (argostranslate)"
    ).add_subparsers(dest="languages_command", required=True, metavar="LANGUAGES_COMMAND")
    languages.add_parser("list", help="installed language pairs").set_defaults(handler=_languages)
    install = languages.add_parser("install", help="install a .argosmodel file (works offline)")
    install.add_argument("file", type=Path)
    install.set_defaults(handler=_languages)
    from_index = languages.add_parser(
        "install-from-index",
        help="download packages from the Argos "
        "index (needs the internet): es en = es->en; es en es = both ways",
    )
    from_index.add_argument("codes", nargs="+", metavar="LANG")
    from_index.set_defaults(handler=_languages)
    remove = languages.add_parser("uninstall", help="remove the package of a language pair")
    remove.add_argument("source")
    remove.add_argument("target")
    remove.set_defaults(handler=_languages)
    add_agent_commands(commands)
    add_insights_commands(commands)
    add_loyalty_commands(commands)
    policies = commands.add_parser("policies", help="the merchant's policy files").add_subparsers(
        dest="policies_command", required=True, metavar="POLICIES_COMMAND"
    )
    check = policies.add_parser(
        "check", help="validate the policy files; every error, file and line"
    )
    check.add_argument("directory", nargs="?", help="default: policies/ (POLICIES_DIR)")
    check.set_defaults(handler=_policies_check)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return args.handler(Settings(), args)


if __name__ == "__main__":
    sys.exit(main())
