"""The gazetteer: people, places and organisations named in English, Russian and Chinese
text, on hand-written articles whose entities were listed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.analysis.entities import Gazetteer, display_name, person_key
from reader.core.resources import resource_path
from reader.core.search.aliases import load_shipped


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    groups = load_shipped(resource_path("resources/aliases.yaml"))
    return Gazetteer((g.key, g.kind, g.names) for g in groups.values())


def named(gazetteer: Gazetteer, text: str, **kwargs: object) -> dict[str, int]:
    return {e.key: e.mentions for e in gazetteer.find(text, **kwargs)}  # type: ignore[arg-type]


#: Articles written for these tests, and what a careful reader lists as named in each
#: (the name table's keys and how often each is named).
LABELLED: list[tuple[str, dict[str, int]]] = [
    (
        "VLADIVOSTOK, Russia (Reuters) - Russian President Vladimir Putin and Chinese leader "
        "Xi Jinping met at the Eastern Economic Forum on Tuesday. Putin said Moscow and "
        "Beijing would trade more in national currencies. Xi's visit came as Gazprom and "
        "CNPC discussed the Power of Siberia pipeline, which starts in Siberia.",
        {"vladivostok": 1, "russia": 1, "putin": 2, "xi": 2, "eef": 1, "moscow": 1,
         "beijing": 1, "gazprom": 1, "cnpc": 1, "power-of-siberia": 1, "siberia": 1},
    ),
    (
        "The U.S. and the European Union urged restraint at the UN Security Council, while "
        "NATO said the SCO was no threat. Sergei Lavrov told reporters in New York that "
        "the Shanghai Cooperation Organisation was open to all.",
        {"usa": 1, "eu": 1, "unsc": 1, "nato": 1, "sco": 2, "lavrov": 1},
    ),
    (
        "Президент России Владимир Путин провёл переговоры с Си Цзиньпином в Москве. "
        "Путину показали новый участок газопровода «Сила Сибири». Лавров встретился с "
        "Ван И в Пекине.",
        {"russia": 1, "putin": 2, "xi": 1, "moscow": 1, "power-of-siberia": 1,
         "lavrov": 1, "wang-yi": 1, "beijing": 1},
    ),
    (
        "国家主席习近平在北京会见俄罗斯总统普京。双方讨论了上海合作组织和中国石油天然气集团的项目。",
        {"xi": 1, "beijing": 1, "russia": 1, "putin": 1, "sco": 1, "cnpc": 1},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), LABELLED)
def test_labelled_articles(shipped: Gazetteer, text: str, expected: dict[str, int]) -> None:
    found = named(shipped, text)
    # Exactly these keys (precision and recall both 1 on these) with these counts.
    assert found == expected


def test_kinds_and_shown_names(shipped: Gazetteer) -> None:
    found = {e.key: e for e in shipped.find(LABELLED[0][0])}
    assert (found["putin"].kind, found["putin"].name) == ("person", "Vladimir Putin")
    assert (found["moscow"].kind, found["moscow"].name) == ("place", "Moscow")
    assert (found["cnpc"].kind, found["cnpc"].name) == ("organisation", "CNPC")
    # The most named first; then by the first mention.
    keys = [e.key for e in shipped.find(LABELLED[0][0])]
    assert keys[:2] == ["putin", "xi"]


def test_case_and_whole_words(shipped: Gazetteer) -> None:
    # Proper nouns only: "china" plates, a French "un", "eu" inside a word, "Xiamen".
    assert named(shipped, "She collects china. C'est un peu. Reuters. Xiamen, Putinism.") == {}
    # Possessives and sentence ends are still the name.
    assert named(shipped, "Putin's aide met Xi. Then China's envoy left Russia.") == {
        "putin": 1, "xi": 1, "china": 1, "russia": 1,
    }  # fmt: skip


def test_longest_name_wins(shipped: Gazetteer) -> None:
    # "UN Security Council" is not also the UN; "Xi Jinping" is one mention of Xi.
    assert named(shipped, "The UN Security Council met. Xi Jinping spoke.") == {
        "unsc": 1,
        "xi": 1,
    }
    assert named(shipped, "中国石油天然气集团") == {"cnpc": 1}


def test_russian_names_are_inflected(shipped: Gazetteer) -> None:
    assert named(shipped, "Путина, Путину, Путиным и о Путине") == {"putin": 4}
    assert named(shipped, "в Москве, из Москвы, Москву") == {"moscow": 3}
    # A lower-case word is not a name, even with the same stem.
    assert named(shipped, "москвичи любят москву") == {}


def test_title_mentions_count(shipped: Gazetteer) -> None:
    found = {e.key: e for e in shipped.find("Talks went on.", title="Putin visits Beijing")}
    assert set(found) == {"putin", "beijing"}
    assert found["putin"].first >= len("Talks went on.")


def test_speakers_are_people(shipped: Gazetteer) -> None:
    text = "Ivan Petrov, a trade official, said exports grew. Petrov added more. Putin agreed."
    found = {e.key: e for e in shipped.find(text, people=["Ivan Petrov", "Vladimir Putin"])}
    assert set(found) == {person_key("Ivan Petrov"), "putin"}
    petrov = found[person_key("Ivan Petrov")]
    assert (petrov.kind, petrov.name, petrov.mentions, petrov.first) == (
        "person", "Ivan Petrov", 2, 0,
    )  # fmt: skip
    # A speaker the table knows is its group, counted once.
    assert found["putin"].mentions == 1


def test_user_names_and_digest() -> None:
    base = Gazetteer([("ussr", "place", ["Soviet Union", "СССР"])])
    assert named(base, "The Soviet Union and СССР.") == {"ussr": 2}
    assert base.key_of("Soviet  Union") == "ussr"
    assert base.key_of("СССР") == "ussr"
    more = Gazetteer([("ussr", "place", ["Soviet Union", "СССР", "USSR"])])
    assert base.digest != more.digest
    same = Gazetteer([("ussr", "place", ["Soviet Union", "СССР"])])
    assert base.digest == same.digest
    # A group without a kind is a spelling list, not an entity.
    assert len(Gazetteer([("misc", None, ["Foo"])])) == 0


def test_display_name() -> None:
    assert display_name("person", ["Putin", "Vladimir Putin", "Путин"]) == "Vladimir Putin"
    assert display_name("place", ["China", "People's Republic of China"]) == "China"
    assert display_name("organisation", ["ШОС", "SCO"]) == "SCO"


def test_seeds(shipped: Gazetteer) -> None:
    seeds = {p.name: p.read_text(encoding="utf-8") for p in Path("seeds").glob("*.txt")}
    assert len(seeds) == 2
    found = [named(shipped, text) for text in seeds.values()]
    for entities in found:
        assert {"putin", "xi", "china", "russia"} <= set(entities)
    assert any("vladivostok" in e for e in found)
    assert any("denisov" in e for e in found)


def test_datelines_in_capitals(shipped: Gazetteer) -> None:
    assert named(shipped, "MOSCOW (Reuters) - BEIJING, Sept 12 (Xinhua) -") == {
        "moscow": 1,
        "beijing": 1,
    }
    # Acronyms are not read as capitals of other words.
    assert named(shipped, "KREMLIN SCO") == {"kremlin": 1, "sco": 1}
