"""Hand-labelled articles for the statement extractor: every attributed statement a
careful reader finds, with its speaker and reporting verb.

Written for this project in the style of wire copy about China–Russia relations, with
the shapes that trip extractors up: quotations closed by the attribution, inverted "said
X", institutions and spokespeople, listeners after "told", pronouns after a second person
is named, plural and compound subjects, unnamed sources ("analysts said": not a named
speaker, so not a statement to find), and "according to". The two seeds are labelled too.

``evaluate`` scores an extractor: a found statement is right when its speaker is the
labelled one and its span overlaps the labelled text by at least half of the shorter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.analysis.statements import Statement

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@dataclass(frozen=True)
class Gold:
    speaker: str
    verb: str
    text: str


@dataclass(frozen=True)
class Labelled:
    name: str
    text: str
    statements: tuple[Gold, ...]


GAS = """Russia and China sign gas deal after talks in Moscow

MOSCOW (Reuters) - Russia and China signed a long-delayed agreement on the Power of \
Siberia 2 pipeline on Tuesday, the Kremlin said, after talks between President Vladimir \
Putin and Chinese Premier Li Qiang.

"This is a historic step for both our peoples," Putin told reporters after the signing \
ceremony.

Li said China valued Russia as a reliable energy partner and would increase purchases of \
liquefied natural gas over the next decade.

Kremlin spokesman Dmitry Peskov said on Wednesday that the price formula had been agreed \
but would not be made public.

Analysts said the deal could take years to complete. "The financing is still open," said \
Tatiana Mitrova, an energy expert at Columbia University.

According to Gazprom, the pipeline will carry 50 billion cubic metres a year.

Putin and Li also agreed to expand payments in roubles and yuan. They said the share of \
national currencies in bilateral trade already exceeds 90 percent.
"""

GAS_GOLD = (
    Gold("Kremlin", "said", "Russia and China signed a long-delayed agreement on the Power of"),
    Gold("Vladimir Putin", "told", "This is a historic step for both our peoples"),
    Gold("Li Qiang", "said", "China valued Russia as a reliable energy partner"),
    Gold("Dmitry Peskov", "said", "the price formula had been agreed but would not be made"),
    Gold("Tatiana Mitrova", "said", "The financing is still open"),
    Gold("Gazprom", "according to", "the pipeline will carry 50 billion cubic metres a year"),
)

FORUM = """Lavrov and Wang discuss Ukraine, Korean Peninsula in Beijing

BEIJING (Xinhua) - Chinese Foreign Minister Wang Yi met Russian Foreign Minister Sergei \
Lavrov in Beijing on Monday, the third meeting between the two diplomats this year.

Wang told his Russian counterpart that China was ready to deepen strategic coordination \
with Russia at the United Nations and the Shanghai Cooperation Organization.

Lavrov thanked China for its support. He said Moscow and Beijing shared the view that \
unilateral sanctions had no basis in international law.

The two ministers also discussed the situation on the Korean Peninsula. Lavrov stressed \
that dialogue remained the only way to settle the issue, the Russian Foreign Ministry \
said in a statement.

"China and Russia will keep in close contact," Wang said, adding that the two sides \
would prepare for a visit by President Xi Jinping.

Foreign Ministry spokesperson Mao Ning said on Tuesday that the talks were "candid and \
productive".

Officials from both countries said a new visa agreement could be signed in the spring.
"""

FORUM_GOLD = (
    Gold("Wang Yi", "told", "China was ready to deepen strategic coordination with Russia"),
    Gold("Sergei Lavrov", "said", "Moscow and Beijing shared the view that unilateral"),
    Gold("Sergei Lavrov", "stressed", "dialogue remained the only way to settle the issue"),
    Gold("Russian Foreign Ministry", "said", "Lavrov stressed that dialogue remained"),
    Gold("Wang Yi", "said", "China and Russia will keep in close contact"),
    Gold("Mao Ning", "said", "the talks were"),
)

ARCTIC = """Beijing eyes Arctic shipping as ice retreats

Chinese shipping companies plan to send more container ships along Russia's Northern Sea \
Route next summer, officials in both countries say.

Alexei Likhachev, head of the Russian state nuclear corporation Rosatom, said the route \
could carry 80 million tonnes of cargo a year by 2030. He added that Rosatom was building \
new icebreakers to keep it open for longer.

"We see Chinese partners as the main users of the route," Likhachev said at a forum in \
St Petersburg.

The Chinese embassy in Moscow declined to comment. A spokesman for COSCO, China's \
largest shipping group, said it was "studying the possibilities".

Environmental groups warned that more traffic would raise the risk of oil spills. \
Greenpeace Russia called for a ban on heavy fuel oil in Arctic waters.

Putin met Likhachev in the Kremlin last month. He said the route was a national priority.
"""

ARCTIC_GOLD = (
    Gold("Alexei Likhachev", "said", "the route could carry 80 million tonnes of cargo"),
    Gold("Alexei Likhachev", "added", "Rosatom was building new icebreakers"),
    Gold("Alexei Likhachev", "said", "We see Chinese partners as the main users of the route"),
    Gold("Greenpeace Russia", "called for", "a ban on heavy fuel oil in Arctic waters"),
    Gold("Vladimir Putin", "said", "the route was a national priority"),
)

TRADE = """China-Russia trade hits record, customs data show

BEIJING - Trade between China and Russia rose 26 percent to a record 240 billion dollars \
last year, China's General Administration of Customs said on Friday.

Russian Economic Development Minister Maxim Reshetnikov welcomed the figures. "Our trade \
has never been so balanced," the minister said in a statement.

Chinese Commerce Minister Wang Wentao said both sides would work to remove barriers to \
agricultural exports. Wang also urged Russian regulators to speed up approvals for \
Chinese cars.

Western officials have warned that some of the trade helps Russia get around sanctions. \
A US Treasury official, who asked not to be named, said banks in third countries were \
under pressure.

Mr Reshetnikov rejected the claims, saying the trade was in line with international \
rules. He said Russia would not be told whom to trade with.
"""

TRADE_GOLD = (
    Gold("China's General Administration of Customs", "said", "Trade between China and Russia"),
    Gold("Maxim Reshetnikov", "said", "Our trade has never been so balanced"),
    Gold("Wang Wentao", "said", "both sides would work to remove barriers to agricultural"),
    Gold("Wang Wentao", "urged", "Russian regulators to speed up approvals for Chinese cars"),
    Gold("Maxim Reshetnikov", "saying", "the trade was in line with international rules"),
    Gold("Maxim Reshetnikov", "said", "Russia would not be told whom to trade with"),
)


# -- held out: written and labelled after the extractor was built, never tuned on ----------

SUMMIT = """SCO leaders gather in Astana as Moscow and Beijing court Central Asia

ASTANA (AP) - Leaders of the Shanghai Cooperation Organization opened their annual \
summit in Astana on Thursday, with Russian President Vladimir Putin and Chinese \
President Xi Jinping both seeking closer ties with the region.

Kazakh President Kassym-Jomart Tokayev, who hosts the meeting, said the organisation \
should focus on trade and transport links rather than military matters.

"The SCO is not a bloc directed against anyone," Xi said in his opening remarks. He \
warned that attempts to draw the region into confrontation would fail.

Putin told the leaders that Russia was ready to supply more energy to Central Asian \
countries at "mutually beneficial" prices.

The summit's final declaration, which diplomats said had been negotiated for weeks, \
calls for an end to unilateral sanctions.

India's Ministry of External Affairs said Prime Minister Narendra Modi would not attend \
in person. Foreign Minister Subrahmanyam Jaishankar will lead the delegation instead, \
the ministry added.

Mr Tokayev later told reporters that he had asked both Putin and Xi to support a new \
railway across the Caspian Sea. "We need all the routes we can get," he said.
"""

SUMMIT_GOLD = (
    Gold("Kassym-Jomart Tokayev", "said", "the organisation should focus on trade and transport"),
    Gold("Xi Jinping", "said", "The SCO is not a bloc directed against anyone"),
    Gold("Xi Jinping", "warned", "attempts to draw the region into confrontation would fail"),
    Gold("Vladimir Putin", "told", "Russia was ready to supply more energy to Central Asian"),
    Gold(
        "India's Ministry of External Affairs",
        "said",
        "Prime Minister Narendra Modi would not attend in person",
    ),
    Gold(
        "India's Ministry of External Affairs",
        "added",
        "Foreign Minister Subrahmanyam Jaishankar will lead the delegation instead",
    ),
    Gold("Kassym-Jomart Tokayev", "told", "he had asked both Putin and Xi to support a new"),
    Gold("Kassym-Jomart Tokayev", "said", "We need all the routes we can get"),
)

BANKS = """Chinese banks tighten checks on Russian payments

SHANGHAI - Several large Chinese banks have slowed or refused payments from Russian \
companies since the start of the year, traders in both countries said.

Russian Finance Minister Anton Siluanov acknowledged the problem on Tuesday. He said \
the government was working with Beijing on "alternative channels" for settlements.

"Some payments now take weeks instead of days," said Sergei Katyrin, president of the \
Russian Chamber of Commerce and Industry.

China's central bank did not respond to a request for comment. Asked about the delays, \
Chinese foreign ministry spokesman Lin Jian said normal trade between China and Russia \
should not be disrupted.

Elvira Nabiullina, the head of Russia's central bank, said earlier this month that \
exporters had found ways to get paid. She added that the share of the yuan in Russian \
trade was still growing.

Bankers in Hong Kong say compliance teams are wary of secondary US sanctions.
"""

BANKS_GOLD = (
    Gold("Anton Siluanov", "said", "the government was working with Beijing on"),
    Gold("Sergei Katyrin", "said", "Some payments now take weeks instead of days"),
    Gold("Lin Jian", "said", "normal trade between China and Russia should not be disrupted"),
    Gold("Elvira Nabiullina", "said", "exporters had found ways to get paid"),
    Gold("Elvira Nabiullina", "added", "the share of the yuan in Russian trade was still growing"),
)


def _seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


SEED_NEW_YEAR_GOLD = (
    Gold("Xi Jinping", "said", "the two countries' relationship entered a new era"),
    Gold("Xi Jinping", "said", "high-level exchanges between China and Russia are even closer"),
    Gold("Xi Jinping", "added", "The two countries also actively coordinate in international"),
    Gold("Xi Jinping", "said", "he stands ready to work with Mr Putin"),
    Gold("Vladimir Putin", "said", "the Russia-China comprehensive strategic partnership"),
    Gold("Andrei Denisov", "said", "Mr Putin will be a key guest and participant"),
    Gold("China's Foreign Ministry", "confirmed", "the two sides are making preparations"),
)
SEED_VLADIVOSTOK_GOLD = (
    Gold("Vladimir Putin", "confirmed", "the two leaders exchanged views on several issues"),
    Gold("Vladimir Putin", "said", "he was excited about the cooperation"),
    Gold("Vladimir Putin", "added", "He expected the number to reach 100 billion US dollars"),
    Gold("Vladimir Putin", "stressed", "the importance of using both countries' currencies"),
    Gold("Vladimir Putin", "said", "the two sides signed contracts concerning oil and natural"),
    Gold("Vladimir Putin", "added", "Russia is willing to increase its exports"),
    Gold("Vladimir Putin", "mentioned", "the importance and potential of enhanced cooperation"),
    Gold("Vladimir Putin", "promised", "to keep close communication with China"),
    Gold("Vladimir Putin", "saying", "it has set a bench mark for bilateral cooperation"),
    Gold("Xi Jinping", "confirmed", "he and Putin exchanged views on regional"),
    Gold("Xi Jinping", "said", "this is the third time he's met with Putin"),
    Gold("Xi Jinping", "said", "bilateral ties have even more positive momentum this year"),
    Gold("Xi Jinping", "said", "He was pleased to see that the political closeness"),
    Gold("Xi Jinping", "pointed out", "2018 is the Year of China-Russia Local Cooperation"),
    Gold("Xi Jinping", "called on", "Russia to closely coordinate with China"),
    Gold("Xi Jinping", "expressed", "China's willingness to push for the political settlement"),
    Gold("Xi Jinping", "called for", "the creation of a new type of international relationship"),
)


def held_out() -> list[Labelled]:
    """Articles the extractor was not tuned on (scored separately in the README)."""
    return [Labelled("summit", SUMMIT, SUMMIT_GOLD), Labelled("banks", BANKS, BANKS_GOLD)]


def labelled() -> list[Labelled]:
    return [
        Labelled("gas", GAS, GAS_GOLD),
        Labelled("forum", FORUM, FORUM_GOLD),
        Labelled("arctic", ARCTIC, ARCTIC_GOLD),
        Labelled("trade", TRADE, TRADE_GOLD),
        Labelled("seed new year", _seed("000"), SEED_NEW_YEAR_GOLD),
        Labelled("seed vladivostok", _seed("001"), SEED_VLADIVOSTOK_GOLD),
    ]


@dataclass(frozen=True)
class Score:
    found: int
    labelled: int
    right: int
    wrong_speaker: int
    spurious: int
    misses: tuple[tuple[str, Gold], ...]
    errors: tuple[tuple[str, Statement], ...]

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0


def _span(text: str, gold: Gold) -> tuple[int, int]:
    start = text.index(gold.text)
    return start, start + len(gold.text)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(0, inter) / shorter if shorter > 0 else 0.0


def evaluate(
    extract: Callable[[str], Sequence[Statement]], articles: list[Labelled] | None = None
) -> Score:
    found = right = wrong_speaker = spurious = labelled_count = 0
    misses: list[tuple[str, Gold]] = []
    errors: list[tuple[str, Statement]] = []
    for article in articles if articles is not None else labelled():
        got = list(extract(article.text))
        found += len(got)
        labelled_count += len(article.statements)
        unmatched = list(article.statements)
        for statement in got:
            span = (statement.start, statement.end)
            overlapping = [g for g in unmatched if _overlap(span, _span(article.text, g)) >= 0.5]
            same = [g for g in overlapping if g.speaker == statement.speaker]
            if same:
                right += 1
                unmatched.remove(same[0])
            elif overlapping:
                wrong_speaker += 1
                errors.append((article.name, statement))
            else:
                spurious += 1
                errors.append((article.name, statement))
        misses.extend((article.name, g) for g in unmatched)
    return Score(found, labelled_count, right, wrong_speaker, spurious, tuple(misses),
                 tuple(errors))  # fmt: skip
