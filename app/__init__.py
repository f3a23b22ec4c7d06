"""frontline: a terminal desk for live conflict news.

This package is the core: it never imports Textual or the widgets, so
``frontline refresh`` starts fast under cron.
"""

__version__ = "0.1.0"
