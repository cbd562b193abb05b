"""The glossary content and the plain-language tools built on it."""

from pathlib import Path

import pytest

from waymark.glossary import service


def test_glossary_loads_with_at_least_30_terms_each_sourced_and_checked():
    terms = service.glossary()
    assert len(terms) >= 30
    for term in terms.values():
        assert term.sources and all(s.startswith("https://") for s in term.sources), term.slug
        assert term.last_checked.year >= 2026, term.slug


@pytest.mark.parametrize("slug", sorted(service.glossary()))
def test_every_explanation_reads_at_age_12_or_below(slug):
    term = service.glossary()[slug]
    for text in (term.plain, term.body):
        age = service.reading_age(text)
        assert age is None or age <= 12, f"{slug}: reading age {age}: {text[:60]}"


def test_a_bad_file_fails_loudly_naming_the_file_and_field(tmp_path: Path):
    (tmp_path / "broken.md").write_text(
        "---\nterm: Broken\naliases: [broke]\nplain: x\nlast_checked: 2026-11-24\n---\nBody.\n"
    )
    with pytest.raises(service.ContentError, match=r"broken\.md: missing 'sources'"):
        service.glossary(tmp_path)
    (tmp_path / "broken.md").write_text(
        "---\nterm: Broken\naliases: [broke]\nplain: x\nsources: [http://insecure.example]\nlast_checked: 2026-11-24\n"
        "---\nBody.\n"
    )
    with pytest.raises(service.ContentError, match=r"broken\.md: 'sources'"):
        service.glossary(tmp_path)


def test_jargon_is_found_and_linked_once_each_and_escaped():
    text = "Your PA will update your pathway plan. <b>Staying Put</b> is in your Pathway Plan too."
    linked = str(service.link_jargon(text))
    assert linked.count('href="/glossary/pathway-plan"') == 1
    assert 'href="/glossary/staying-put"' in linked
    assert "&lt;b&gt;" in linked and "<b>" not in linked
    assert [t.slug for t in service.jargon_in(text)][:2] == ["pathway-plan", "staying-put"]


def test_words_inside_other_words_are_not_jargon():
    assert "eet" not in [t.slug for t in service.jargon_in("The meeting will be in a sheet of paper.")]
    assert "eet" not in [t.slug for t in service.jargon_in("We can eet later")]  # abbreviations match in capitals only
    assert "eet" in [t.slug for t in service.jargon_in("Are you in EET right now?")]


def test_reading_age():
    assert service.reading_age("We will meet on Tuesday.") <= 9
    assert (
        service.reading_age(
            "The local authority must undertake a comprehensive assessment of accommodation suitability."
        )
        > 12
    )
    assert service.reading_age("Hi") is None
