"""`python -m helpdesk loyalty codes import|count`: the merchant fills the rewards' code pools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from helpdesk.clock import Clock
from helpdesk.database import in_one_session
from helpdesk.errors import HelpdeskError
from helpdesk.loyalty import codes
from helpdesk.policies.loading import Policies, load_policies
from helpdesk.settings import Settings


def add_commands(commands) -> None:
    loyalty = commands.add_parser("loyalty", help="the loyalty programme").add_subparsers(
        dest="loyalty_command", required=True, metavar="LOYALTY_COMMAND"
    )
    pools = loyalty.add_parser("codes", help="the rewards' pools of discount codes")
    actions = pools.add_subparsers(dest="codes_command", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import",
        help="add the codes of a CSV (one a line, a header optional) to a reward's pool; "
        "codes already imported are skipped, a file with a bad line adds nothing",
    )
    importer.add_argument("reward", help="a reward name of policies/loyalty.yml")
    importer.add_argument("file", type=Path)
    importer.set_defaults(handler=_import)
    actions.add_parser("count", help="free and given-out codes per reward").set_defaults(
        handler=_count
    )


def _policies(settings: Settings) -> Policies:
    policies = load_policies(settings.policies_dir)
    if isinstance(policies, list):
        raise HelpdeskError("\n".join(map(str, policies)))
    return policies


def _import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        codes.check_reward(_policies(settings).loyalty, args.reward)
        read = codes.read_code_file(args.file.read_bytes(), args.file.name)

        async def work(session) -> codes.Imported:
            imported = await codes.add_codes(session, args.reward, read, now=Clock().now())
            await session.commit()
            return imported

        imported = asyncio.run(in_one_session(settings.database, work))
    except (HelpdeskError, OSError) as error:
        print(f"error: {getattr(error, 'message', error)}", file=sys.stderr)
        return 1
    print(imported)
    return 0


def _count(settings: Settings, _args: argparse.Namespace) -> int:
    try:
        loyalty = _policies(settings).loyalty
    except HelpdeskError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    counts = asyncio.run(in_one_session(settings.database, lambda s: codes.count_codes(s, loyalty)))
    for pool in counts:
        print(f"{pool.reward}\t{pool.free} free\t{pool.given} given out")
    return 0
