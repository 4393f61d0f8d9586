"""`python -m bot.cli`: the `partnerdesk` command."""

import sys

from bot.cli import main

sys.exit(main())
