"""Interactive explorer in the browser: ``simsim explore SCENARIO`` (optional extra ``explore``).

A leaf like :mod:`simsim.plotting`: nothing in simsim imports it except the ``explore``
command. :mod:`simsim.explore.inputs` and :mod:`simsim.explore.session` hold what the page
computes (the controls of a scenario, the runs, the figures, the results zip) and need only
the core install; :mod:`simsim.explore.app` is the Solara page and :mod:`simsim.explore.server`
starts it, and both need ``pip install simsim[explore]``.
"""

from __future__ import annotations

#: Packages the page needs beyond the core install (the ``explore`` extra).
REQUIRED_MODULES: tuple[str, ...] = ("solara", "mesa.visualization")
