"""Plain text: the bundled seeds, wire copy, headlines, by-lines, date lines, datelines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reader.core.ingest import parse_bytes, parse_file
from reader.core.models import Article, ArticleDate

SEEDS = Path(__file__).parents[3] / "seeds"

WIRE_STORY = """\
Russia and China sign gas deal

MOSCOW (Reuters) - Russia and China signed a long-awaited gas supply deal on Wednesday,
ending a decade of talks over the price of Siberian gas.

The contract runs for thirty years, officials said.
"""


def one(text: str, name: str = "story.txt") -> Article:
    parsed = parse_bytes(text.encode("utf-8"), name)
    assert parsed.format == "text"
    assert parsed.problems == ()
    [article] = parsed.articles
    return article


# -- the seeds ---------------------------------------------------------------------


def test_seed_000_date_dateline_and_credit_line() -> None:
    parsed = parse_file(SEEDS / "000_bd3a1e522d0c0aaa.txt")
    assert parsed.format == "text"
    assert parsed.problems == ()
    [article] = parsed.articles
    assert article.date == ArticleDate(date(2019, 1, 2))
    assert not article.date.has_time
    assert article.dateline == "BEIJING"
    assert article.source == "China Daily/Asia News Network"
    assert article.author is None
    assert article.external_id == "bd3a1e522d0c0aaa"
    assert len(article.paragraphs) == 10
    assert article.paragraphs[0].startswith("Chinese President Xi Jinping and Russian")
    assert article.paragraphs[-1].startswith("China's Foreign Ministry confirmed")
    assert not any("CHINA DAILY" in p or "BEIJING •" in p for p in article.paragraphs)
    assert "date 2019" not in article.text
    # No headline: the title is the first sentence, cut at a word boundary.
    assert article.title_derived
    assert article.title.startswith("Chinese President Xi Jinping")
    assert len(article.title) <= 80
    assert article.title.endswith("…")
    assert article.paragraphs[0].startswith(article.title.removesuffix("…"))


def test_seed_001_headline_and_updated_line() -> None:
    parsed = parse_file(SEEDS / "001_ae1c278737ac3d91.txt")
    [article] = parsed.articles
    assert article.title == "Xi and Putin vow to enhance ties between China and Russia"
    assert not article.title_derived
    assert article.date == ArticleDate(datetime(2018, 9, 14, 21, 9))
    assert article.date.isoformat() == "2018-09-14T21:09"
    assert article.source is None
    assert article.dateline is None
    assert article.external_id == "ae1c278737ac3d91"
    assert len(article.paragraphs) == 20
    assert article.paragraphs[0].startswith("Chinese President Xi Jinping and his Russian")
    assert article.paragraphs[-1].endswith("a shared future for mankind.")
    assert "Updated" not in article.text
    for paragraph in article.paragraphs:
        assert "\u00a0" not in paragraph
        assert paragraph == paragraph.strip()
        assert "  " not in paragraph
    assert "Vladimir Putin vowed" in article.paragraphs[0]


def test_the_wire_story() -> None:
    article = one(WIRE_STORY, "gas.txt")
    assert article.title == "Russia and China sign gas deal"
    assert not article.title_derived
    assert article.dateline == "MOSCOW"
    assert article.source == "Reuters"
    assert article.paragraphs == (
        "Russia and China signed a long-awaited gas supply deal on Wednesday, ending a "
        "decade of talks over the price of Siberian gas.",
        "The contract runs for thirty years, officials said.",
    )
    assert article.date is None  # never invented
    assert article.external_id is None


# -- headline, by-line, date lines -------------------------------------------------


def test_headline_byline_and_published_line() -> None:
    article = one(
        "Floods close schools across the region\n"
        "By Jane Doe\n"
        "Published: March 3, 2020\n"
        "\n"
        "Heavy rain closed more than two hundred schools on Tuesday, officials said.\n"
        "\n"
        "Rivers are expected to peak on Thursday.\n"
    )
    assert article.title == "Floods close schools across the region"
    assert article.author == "Jane Doe"
    assert article.date == ArticleDate(date(2020, 3, 3))
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("date 2019-01-02", date(2019, 1, 2)),
        ("2019-01-02", date(2019, 1, 2)),
        ("January 2, 2019", date(2019, 1, 2)),
        ("Updated 21:09, 14-Sep-2018", datetime(2018, 9, 14, 21, 9)),
        ("Posted 2019-01-02 10:30 UTC", datetime(2019, 1, 2, 10, 30, tzinfo=UTC)),
        ("Published: March 3, 2020", date(2020, 3, 3)),
    ],
)
def test_date_line_variants(line: str, expected: date) -> None:
    article = one(
        f"Storm hits the coast\n{line}\n"
        "A storm hit the coast on Monday, cutting power to thousands of homes.\n"
        "Repairs will take a week, the utility said.\n"
    )
    assert article.title == "Storm hits the coast"
    assert article.date == ArticleDate(expected)
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].startswith("A storm hit the coast")


def test_a_first_line_that_is_a_date_is_not_a_headline() -> None:
    article = one(
        "January 2, 2019\n\n"
        "The central bank left interest rates unchanged on Wednesday.\n\n"
        "Markets had expected the decision.\n"
    )
    assert article.date == ArticleDate(date(2019, 1, 2))
    assert article.title_derived
    assert article.title == "The central bank left interest rates unchanged on Wednesday"
    assert article.paragraphs[0].startswith("The central bank")


def test_xinhua_dateline_with_a_date() -> None:
    article = one(
        "WASHINGTON, Jan 3 (Xinhua) -- The U.S. Senate passed the bill on Thursday.\n\n"
        "The vote was 68 to 31.\n"
    )
    assert article.dateline == "WASHINGTON"
    assert article.source == "Xinhua"
    assert article.paragraphs[0] == "The U.S. Senate passed the bill on Thursday."
    assert article.date is None  # "Jan 3" has no year: nothing is invented


def test_dateline_with_region_and_dash() -> None:
    article = one(
        "SAN FRANCISCO, Calif. — Tech shares rallied on Friday after strong earnings.\n\n"
        "The index closed at a record.\n"
    )
    assert article.dateline == "SAN FRANCISCO, Calif."
    assert article.source is None
    assert article.paragraphs[0] == "Tech shares rallied on Friday after strong earnings."


def test_a_hyphenated_place_is_one_dateline() -> None:
    article = one(
        "PORT-AU-PRINCE, Haiti (AP) — Aid convoys reached the capital on Sunday.\n\n"
        "More are expected.\n"
    )
    assert article.dateline == "PORT-AU-PRINCE, Haiti"
    assert article.source == "AP"
    assert article.paragraphs[0] == "Aid convoys reached the capital on Sunday."


def test_a_long_hyphenated_opening_is_read_at_once() -> None:
    # The fuzz tests found it: the dateline pattern took hours on such a paragraph.
    # (No timing here; before the fix this test did not finish.)
    opening = "AB-" * 2_000 + "x"
    article = one(f"Title line\n\n{opening} and then the story.\n\nMore text.\n")
    assert article.dateline is None
    assert article.paragraphs[0].startswith("AB-AB-")


def test_a_credit_line_keeps_acronyms() -> None:
    article = one(
        "Talks resume in Geneva\n\n"
        "Negotiators met again on Monday after a two-week pause.\n\n"
        "AP/BBC NEWS\n"
    )
    assert article.source == "AP/BBC News"
    assert article.paragraphs == ("Negotiators met again on Monday after a two-week pause.",)


def test_hard_wrapped_text_is_joined_and_a_long_first_line_is_no_headline() -> None:
    article = one(
        "The government announced on Monday that it would raise the minimum wage by five\n"
        "percent next year, a move welcomed by unions.\n\n"
        "Employers' groups said the rise was too steep.\n"
    )
    assert article.title_derived
    assert article.paragraphs[0] == (
        "The government announced on Monday that it would raise the minimum wage by five "
        "percent next year, a move welcomed by unions."
    )
    assert len(article.paragraphs) == 2


def test_a_single_line_is_the_body_not_a_headline() -> None:
    article = one("Officials said the bridge would reopen next week")
    assert article.paragraphs == ("Officials said the bridge would reopen next week",)
    assert article.title == "Officials said the bridge would reopen next week"
    assert article.title_derived


def test_crlf_and_unicode_spaces_are_normalised() -> None:
    article = one(
        "Markets\u00a0rally\r\n\r\nShares\u2003rose\u200b on\tFriday.  \r\n\r\nBonds fell.\r\n"
    )
    assert article.title == "Markets rally"
    assert article.paragraphs == ("Shares rose on Friday.", "Bonds fell.")


def test_external_id_only_for_the_corpus_naming() -> None:
    story = "Headline here\n\nBody text of the story.\n"
    assert one(story, "/x/042_0123456789abcdef.txt").external_id == "0123456789abcdef"
    assert one(story, "/x/story.txt").external_id is None
    assert one(story, "/x/042_0123456789ABCDEZ.txt").external_id is None


def test_one_paragraph_per_line_inside_a_block() -> None:
    article = one(
        "Council approves budget\n\n"
        "The council approved the budget on Monday.\n"
        "Spending on schools rises by four percent.\n"
        "The opposition voted against it.\n"
    )
    assert article.title == "Council approves budget"
    assert article.paragraphs == (
        "The council approved the budget on Monday.",
        "Spending on schools rises by four percent.",
        "The opposition voted against it.",
    )


def test_a_chinese_sentence_is_not_a_headline() -> None:
    article = one(
        "国家主席习近平同俄罗斯总统普京互致新年贺电。\n"
        "两国元首表示，将以建交70周年为契机，推动中俄关系取得新的发展。\n"
    )
    assert article.title_derived
    assert article.title == "国家主席习近平同俄罗斯总统普京互致新年贺电"
    assert len(article.paragraphs) == 2


def test_a_punctuated_headline_before_a_byline() -> None:
    article = one(
        "Is the euro finished?\n"
        "By John Smith, Reuters\n\n"
        "The single currency has survived many crises since its launch in 1999, and most "
        "economists expect it to survive this one too, despite the gloomy headlines.\n\n"
        "Investors remain cautious about the outlook for the coming months, however.\n"
    )
    assert article.title == "Is the euro finished?"
    assert article.author == "John Smith"
    assert article.source == "Reuters"
    assert len(article.paragraphs) == 2


def test_a_body_sentence_starting_with_by_is_not_a_byline() -> None:
    article = one(
        "Budget plans\n\nBy 2030 the city wants to halve its emissions.\n\nIt will cost a lot.\n"
    )
    assert article.author is None
    assert article.paragraphs[0] == "By 2030 the city wants to halve its emissions."
