"""Which case a letter belongs to (R-THR-*): the route stage and the matching it is made of.

`route` reads and never writes; see `bot.route.stage`.
"""

from bot.route.stage import PinMatch, Route, Thread, route, same_owner, thread_of

__all__ = ["PinMatch", "Route", "Thread", "route", "same_owner", "thread_of"]
