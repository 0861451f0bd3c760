"""Static briefing-site generator: curated YAML about news articles in, Markdown for MkDocs out.

Stages, one module each: load -> validate -> index -> render (pages) -> write, then the site engine.
"""

__version__ = "0.1.0"
