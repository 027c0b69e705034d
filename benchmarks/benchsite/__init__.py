"""A settings module and URLconf for HTTP benchmarks, usable with any tree of the project.

``benchsite.settings`` is the project's own settings plus one URL: ``/__bench__/minimal/``,
a view with no template and no query that answers the path of the ``kennisschakel``
package it runs. It goes through the same server and the whole middleware stack as the
real pages, so it is the floor a page is compared with; and its answer proves which
tree (this one or the baseline at /work/baseline) the server imported. Only reachable
when a benchmark starts the server with ``DJANGO_SETTINGS_MODULE=benchsite.settings``
(and ``benchmarks/`` on PYTHONPATH): production never loads it.
"""
