"""`rasa run`, with Rasa's API token taken from the environment (RASA_AUTH_TOKEN).

Run by the bot environment's Python (helpdesk/rasa/process.py). A token on the command line is
shown by `ps` to every user of the machine, and one that starts with '-' is read as an option
(`rasa run --auth-token -Xab…` exits). This script hands the token to Rasa's own argument parser
inside the process, in the one form that cannot be mistaken for an option, and drops it from the
environment so that nothing Rasa starts inherits it.
"""

import os
import sys


def main() -> None:
    token = os.environ.pop("RASA_AUTH_TOKEN", "")
    if not token:
        sys.exit("RASA_AUTH_TOKEN is not set: the Rasa API would be open to anyone on this machine")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "run", *sys.argv[1:], f"--auth-token={token}"]
    rasa_main()


if __name__ == "__main__":
    main()
