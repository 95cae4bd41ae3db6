"""`python -m helpdesk agents add|list`: the accounts of the people who answer shoppers."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from helpdesk.agents import accounts as agents
from helpdesk.database import in_one_session
from helpdesk.errors import HelpdeskError
from helpdesk.settings import Settings


def add_commands(commands) -> None:
    group = commands.add_parser("agents", help="agent accounts").add_subparsers(
        dest="agents_command", required=True, metavar="ACTION"
    )
    add = group.add_parser(
        "add", help="create an agent (the password is prompted for, or read from --password-file)"
    )
    add.add_argument("email")
    add.add_argument("--name", required=True, help="shown to shoppers: 'Ana has joined the chat'")
    add.add_argument(
        "--languages",
        required=True,
        help="comma-separated ISO 639-1 codes; the first is the workspace language",
    )
    add.add_argument("--role", default="agent", choices=["agent", "admin"])
    add.add_argument(
        "--team", default=None, help="a team of policies/support.yml (default: its fallback team)"
    )
    add.add_argument("--capacity", type=int, default=3, help="conversations at once (default 3)")
    add.add_argument(
        "--password-file", type=Path, help="read the password from the first line of this file"
    )
    add.set_defaults(handler=_add)
    group.add_parser("list", help="one agent a line, email first").set_defaults(handler=_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_file:
        lines = args.password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    first = getpass.getpass(f"Password for {args.email}: ")
    if getpass.getpass("Again: ") != first:
        raise HelpdeskError("the two passwords differ; nothing was created")
    return first


def _team(settings: Settings, wanted: str | None) -> str:
    from helpdesk.policies import load_policies

    policies = load_policies(settings.policies_dir)
    if isinstance(policies, list):  # invalid policy files: take the team as given
        return wanted or "eu"
    teams = policies.support.teams
    if wanted is not None and wanted not in teams:
        raise HelpdeskError(
            f"no team {wanted!r} in policies/support.yml; teams: {', '.join(teams)}"
        )
    return wanted or policies.support.fallback_team


def _add(settings: Settings, args: argparse.Namespace) -> int:
    try:
        team = _team(settings, args.team)
        password = _password(args)
        agent = asyncio.run(
            in_one_session(
                settings.database,
                lambda session: agents.create_agent(
                    session,
                    email=args.email,
                    name=args.name,
                    password=password,
                    languages=args.languages.split(","),
                    role=args.role,
                    team=team,
                    capacity=args.capacity,
                ),
            )
        )
    except (HelpdeskError, OSError) as error:
        print(f"error: {getattr(error, 'message', error)}", file=sys.stderr)
        return 1
    print(f"added {agent.email} ({agent.role}, team {agent.team}, {agent.languages})")
    return 0


def _list(settings: Settings, _args: argparse.Namespace) -> int:
    everyone = asyncio.run(in_one_session(settings.database, agents.list_agents))
    for agent in everyone:
        state = "" if agent.active else " disabled"
        print(
            f"{agent.email}\t{agent.name}\t{agent.role}\t{agent.team}\t{agent.languages}\t"
            f"capacity {agent.capacity}{state}"
        )
    return 0
