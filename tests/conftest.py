"""Settings shared by every test module.

Hypothesis's per-example deadline (200 ms by default) would make the property tests timed
tests: on a loaded machine (``make test`` runs its checks two at a time on two cores) a
correct example can take longer. Speed is measured by ``make bench``, so no deadline here.
"""

from hypothesis import settings

settings.register_profile("book", deadline=None)
settings.load_profile("book")
