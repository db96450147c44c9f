"""The README's field reference is the models' own, and its examples are real."""

from __future__ import annotations

from tests.conftest import ROOT
from toolkit.reference import END, START, field_reference, update_readme


def test_readme_field_reference_matches_the_models() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme
    assert update_readme(readme) == readme, "run `make readme`"
    for field in ("`title`", "`resolves`", "`meeting_date`", "`word_limit`", "`colour`"):
        assert field in field_reference()
