"""Template hygiene a page cannot show by itself."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_comment_spans_lines():
    """Django's {# … #} ends at the line's end: one spanning lines prints as text on the page."""
    opened = re.compile(r"\{#(?!.*#\})")
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if opened.search(line)
    ]
    assert offenders == []
