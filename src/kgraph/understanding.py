"""What a question asks, decided from its mentions and the words around them.

:mod:`kgraph.mentions` finds the names, years, award categories and pronouns of a question.
Here each kind of question scores the question: cue words around the mentions ("directed",
"cast", "together", "how many", "before", "debut" …, each with a weight; a few count against a
kind) plus whether the mentions fill the kind's slots (a kind that needs two people cannot
answer a question naming one; a reading that leaves a named person, work or character unused
is never taken, and other named things left unused cost points). The best
kind wins when it is clearly ahead; otherwise the question is refused with what was understood
and the kinds of question that fit those mentions. No sentence has to match as a whole, so new
wordings of a known kind of question need no new pattern.
"""

from __future__ import annotations

import re

from .mentions import Candidate, Mention
from .records import NamedTuple, field, record

YES_NO = re.compile(
    r"^(?:(?:apart from|besides|other than|except for|aside from|beyond) \S+ )?"
    r"(?:did|does|do|has|have|had|is|was|are|were|can|could|will|would)\b"
)
THRESHOLD = 2.0  # the least score a reading needs
UNUSED = 5.0  # what a reading loses for each named person, work or character it leaves out
MARGIN = 0.75  # how far ahead of the next reading (of another kind) the best must be

WORKS = r"(?:works?|projects?|titles?|productions?|credits?|films?|movies?|series|shows?|dramas?|k-?dramas?|pictures?|roles?)"
FILM_WORDS = r"\b(?:films?|movies?|feature films?|pictures?|cinema)\b"
SERIES_WORDS = (
    r"\b(?:series|shows?|(?:k-?)?dramas?|tv|television|programs?|programmes?|miniseries)\b"
)
PARTNER = r"\b(?:married|marry|marriage|dating|date|dated|partners?|couple|relationships?|boyfriend|girlfriend|spouses?|husband|wife|romantic(?:ally)?|lovers?|engaged|seeing each other|in love|significant other)\b"
COLLAB = r"\b(?:worked with|work with|working with|collaborat\w*|teamed up|team up|colleagues?|co-?workers?)\b"
COSTAR = r"\b(?:co-?stars?|co stars?|costarr?ed|cast-?mates?|cast mates?|fellow (?:actors?|actresses|cast members?)|(?:acted|starred|appeared|played|performed|act|star|appear|play|perform)(?:ed|s)? (?:with|alongside|opposite)|shared? the screen|scene partners?|same cast)\b"
GENRE_WORDS = (
    r"\b(?:horror|thriller|action|comedy|comedies|romance|romantic comedy|crime|mystery|fantasy|"
    r"sci-?fi|science fiction|documentary|animated|animation|musical|western|war|heist|revenge|"
    r"noir|melodrama|adventure|historical|period|psychological|suspense|slasher|zombie|"
    r"coming-of-age|disaster|superhero|spy|martial arts|detective|legal|medical|satire|"
    r"dark comedy|black comedy|noir)\b"
)
AWARD_WORD = r"\b(?:awards?|prizes?|honou?rs?|trophies|trophy|accolades?|oscars?|wins?)\b"


class Slot(NamedTuple):
    name: str
    classes: tuple[str, ...]  # any of these local class names
    optional: bool = False


class Kind(NamedTuple):
    name: str
    slots: tuple[Slot, ...]
    cues: tuple[tuple[str, float], ...]
    needs: tuple[str, ...] = ()  # non-entity mentions it needs: year, category, award (any of)
    uses: tuple[str, ...] = ()  # non-entity mentions it can use
    yes_no: bool | None = None  # True: only as a yes/no question; False: never


P = ("Person",)
W = ("Work",)
C = ("Character",)
PW = ("Person", "Work")
AWARDISH = ("AwardCeremony", "AwardsBody")


def _k(
    name: str,
    slots: str,
    cues: list[tuple[str, float]],
    needs: tuple[str, ...] = (),
    uses: tuple[str, ...] = (),
    yes_no: bool | None = None,
) -> Kind:
    table = {
        "P": ("person", P),
        "O": ("other", P),
        "W": ("work", W),
        "F": ("work", ("Work", "Franchise")),
        "C": ("character", C),
        "E": ("entity", PW),
        "A": ("entity", ()),
        "B": ("body", AWARDISH),
        "S": ("body", ("StreamingService", "Broadcaster")),
        "V": ("event", ("FestivalEdition", "AwardCeremony")),
        "L": ("event", ("Festival",)),
    }
    out = []
    for ch in slots.split():
        opt = ch.endswith("?")
        name_, classes = table[ch.rstrip("?")]
        out.append(Slot(name_, classes, opt))
    return Kind(name, tuple(out), tuple(cues), needs, uses, yes_no)


KINDS: tuple[Kind, ...] = (
    _k(
        "check-together",
        "P O",
        [(r"\btogether\b|" + COLLAB + "|" + COSTAR + r"|\bsame\b|\bshared?\b|\bboth\b", 4)],
        yes_no=True,
    ),
    _k(
        "shared-works",
        "P O",
        [
            (
                r"\btogether\b|\bin common\b|\bshared?\b|\bboth\b|\bsame\b|\bjoint\b|\bmutual\b|"
                + COLLAB
                + "|"
                + COSTAR,
                3,
            ),
            (r"^(?:what|which|where|in which|in what|on which|list|name)\b", 0.5),
        ],
        uses=("type",),
        yes_no=False,
    ),
    _k(
        "connection",
        "P O",
        [
            (
                r"\b(?:connected|connection|connect|linked|link|path|related|degrees?|chain|know each other)\b|\bhow .*\bknows?\b",
                4,
            )
        ],
        yes_no=False,
    ),
    _k("check-partner", "P O", [(PARTNER, 4)], yes_no=True),
    _k("relationships", "P", [(PARTNER, 4), (r"^who\b", 0.5)]),
    _k(
        "most-frequent-collaborator",
        "P",
        [
            (
                r"\bmost\b.*(?:"
                + COLLAB
                + "|"
                + COSTAR
                + r"|\bwork\w*|\bacted|\bappeared|\boften\b)|(?:"
                + COLLAB
                + "|"
                + COSTAR
                + r"|\bwork\w*|\bacted|\bappeared).*\bmost\b|\bmost (?:frequent|regular|common|often)\b",
                6,
            )
        ],
        yes_no=False,
    ),
    _k("co-stars", "P W?", [(COSTAR, 4)], yes_no=False),
    _k(
        "repeat-collaborators",
        "P",
        [
            (COLLAB + "|" + COSTAR + r"|\bwork(?:ed)?\b", 1),
            (
                r"\b(?:more than once|repeatedly|multiple times|several times|many times|again|twice|repeat\w*|regular|recurring|reunit\w*|re-?teamed|returning|keeps? working|kept working|usual)\b",
                4,
            ),
        ],
        yes_no=False,
    ),
    _k("collaborators", "P W?", [(COLLAB, 3.5)], yes_no=False),
    _k("check-directed", "P W", [(r"\b(?:direct\w*|helm\w*|made)\b", 5)], yes_no=True),
    _k(
        "check-wrote",
        "P W",
        [(r"\b(?:wr[io]te|written|writ\w*|script\w*|screenplay|penned|pen)\b", 5)],
        yes_no=True,
    ),
    _k("check-music", "P W", [(r"\b(?:music|score\w*|compos\w*|soundtrack)\b", 5)], yes_no=True),
    _k(
        "check-in",
        "P W",
        [
            (
                r"\b(?:in|appear\w*|star\w*|act\w*|cast|play\w*|feature\w*|part of|involved|perform\w*)\b",
                3,
            )
        ],
        yes_no=True,
    ),
    _k("check-played", "P C", [(r"\b(?:play\w*|portray\w*|as|voic\w*|cast as)\b", 4)], yes_no=True),
    _k(
        "check-award",
        "E B?",
        [
            (
                r"\b(?:win|won|wins|receive\w*|get|got|gotten|earn\w*|awarded|take home|took home|nominat\w*|pick\w* up)\b",
                4,
            )
        ],
        needs=("award",),
        uses=("category", "year"),
        yes_no=True,
    ),
    _k(
        "count-awards",
        "E",
        [(r"\bhow many\b", 3), (AWARD_WORD + r"|\bnominations?\b", 3)],
        yes_no=False,
    ),
    _k(
        "count-people",
        "W",
        [
            (r"\bhow many\b", 3),
            (
                r"\b(?:people|persons|actors?|actresses|cast|crew|performers?|members?|names|stars|worked|acted|starred|appeared|characters?)\b",
                2.5,
            ),
        ],
        yes_no=False,
    ),
    _k(
        "count-works",
        "P",
        [
            (r"\bhow many\b", 3),
            (
                r"\b"
                + WORKS
                + r"\b|\b(?:made|done|been in|appeared in|acted in|worked on|starred in)\b",
                2,
            ),
        ],
        uses=("type",),
        yes_no=False,
    ),
    _k(
        "most-credits",
        "",
        [
            (
                r"\bmost\b.*\b(?:credits?|films?|works?|roles?|projects?|movies?|series|shows?|appearances?|titles?)\b|\b(?:busiest|most prolific|most active)\b|\bmost\b.*\b(?:acted|appeared|worked|starred)\b",
                5,
            )
        ],
        uses=("type",),
        yes_no=False,
    ),
    _k(
        "award-winners",
        "B?",
        [
            (
                r"\b(?:who|which|whom)\b.*\b(?:won|win|wins|receive\w*|got|get|took|take|earned|awarded|given)\b|\bwinners?\b|\bwent to\b|\brecipients?\b|\bwon\b",
                4,
            )
        ],
        needs=("category", "award", "year"),
        uses=("category", "year"),
        yes_no=False,
    ),
    _k(
        "award-nominees",
        "B?",
        [(r"\bnominat\w*|\bnominees?\b|\bup for\b", 4.5)],
        needs=("category", "award", "year"),
        uses=("category", "year"),
        yes_no=False,
    ),
    _k("directed-by", "P", [(r"\b(?:direct\w*|helm\w*)\b", 3)], uses=("type",), yes_no=False),
    _k(
        "director",
        "W",
        [(r"\b(?:direct\w*|helm\w*|film-?makers?|behind the camera|who made|auteur)\b", 3.5)],
        yes_no=False,
    ),
    _k(
        "writer",
        "W",
        [
            (
                r"\b(?:wr[io]te|written|writers?|script\w*|screenplay|penned|playwright|authors?|authored)\b",
                3.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "music",
        "W",
        [(r"\b(?:music\w*|score\w*|soundtrack|compos\w*|ost|songs?)\b", 3.5)],
        yes_no=False,
    ),
    _k(
        "crew",
        "W",
        [
            (
                r"\b(?:crew|behind the scenes|staff|filmmakers|makers|creative team|production team)\b",
                3.5,
            ),
            (r"\bcredits\b", 1),
        ],
        yes_no=False,
    ),
    _k(
        "cast",
        "W",
        [
            (
                r"\b(?:cast|actors?|actresses|starring|stars?|starred|acts?|acted|appear\w*|performers?|ensemble|leads?|who(?:'s| is| was| are| were)? in|plays? in|played in)\b",
                3.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "who-played",
        "C F?",
        [
            (
                r"\b(?:play\w*|portray\w*|voic\w*|actors?|actress|performers?|cast as|behind|took the role|role of|part of|as)\b",
                3.5,
            ),
            (r"^who\b", 0.5),
        ],
        yes_no=False,
    ),
    _k(
        "character-of",
        "P W?",
        [
            (r"\bcharacters?\b", 3.5),
            (r"\b(?:play|played|plays|playing|portray\w*)\b", 2.5),
            (r"^(?:who|what) (?:is|was) \S+ in\b", 3),
        ],
        yes_no=False,
    ),
    _k("characters-of", "W", [(r"\b(?:characters?|roles?|parts)\b", 3.5)], yes_no=False),
    _k(
        "roles-of",
        "P W?",
        [
            (r"\b(?:roles?|parts?|jobs?|positions?)\b", 3),
            (r"\bwhat (?:did|does|has) \S+ (?:do|done)\b", 2.5),
        ],
        yes_no=False,
    ),
    _k(
        "premiere-where",
        "W",
        [
            (
                r"\b(?:where|which festival|what festival|which event|at which)\b.*\b(?:premiere\w*|debut\w*|screen\w*|shown|festival)\b|\b(?:premiere\w*|debut\w*|screen\w*)\b.*\bwhere\b",
                4.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "premiere-when",
        "W",
        [
            (
                r"\bwhen\b.*\b(?:premiere\w*|debut\w*|first screen\w*|first shown)\b|\b(?:day|date)\b.*\bpremiere\w*|\bpremiere date\b",
                4.5,
            )
        ],
        yes_no=False,
    ),
    _k("premiere", "W", [(r"\bpremiere\w*|\bfestival\b", 3)], yes_no=False),
    _k(
        "release-date",
        "W",
        [
            (
                r"\b(?:released?|release date|come out|came out|coming out|out|arriv\w*|launch\w*|drop\w*|hit netflix|when can)\b",
                2.5,
            ),
            (r"\bwhen\b|\bdate\b", 1.5),
        ],
        yes_no=False,
    ),
    _k("release-year", "W", [(r"\b(?:what|which) year\b|\byear\b", 4)], yes_no=False),
    _k(
        "works-in-year",
        "P?",
        [
            (
                r"\b(?:in|from|of|during|released in|came out in|made in)\s+YEAR\b|\bYEAR(?:'s)? (?:films?|movies?|series|shows?|works?|releases?)\b",
                2,
            ),
            (r"\b" + WORKS + r"\b|\b(?:released|came out|made|come out|premiered|do)\b", 1.5),
            (AWARD_WORD + r"|\bnominat", -4),
        ],
        needs=("year",),
        uses=("type", "year"),
        yes_no=False,
    ),
    _k(
        "works-before",
        "P? W?",
        [
            (
                r"\b(?:before|prior to|earlier than|preceding|preceded|until|previous to|ahead of)\b",
                4.5,
            )
        ],
        needs=("year", "work"),
        uses=("type", "year"),
        yes_no=False,
    ),
    _k(
        "works-after",
        "P? W?",
        [(r"\b(?:after|since|following|later than|subsequent to|subsequently)\b", 4.5)],
        needs=("year", "work"),
        uses=("type", "year"),
        yes_no=False,
    ),
    _k(
        "genre",
        "W",
        [
            (
                r"\b(?:genres?|kind of (?:film|movie|show|series|story|work)|type of (?:film|movie|show|series|story|work)|what sort of|what kind)\b",
                4.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "about",
        "W",
        [
            (
                r"\b(?:about|plot|story|storyline|synopsis|premise|summary|what happens|summari[sz]e)\b",
                3.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "distributor",
        "W",
        [
            (
                r"\b(?:distribut\w*|stream\w*|platforms?|services?|where (?:can|could|do|should) (?:i|we|you) (?:watch|see|stream|find)|available on|which (?:company|studio)|netflix|released it|released by|put out)\b",
                4,
            ),
            (r"\bwhen\b", -3),
        ],
        yes_no=False,
    ),
    _k(
        "broadcaster",
        "W",
        [(r"\b(?:broadcast\w*|air(?:ed|s)?|channel|network|tv station|station)\b", 4.5)],
        yes_no=False,
    ),
    _k(
        "country",
        "E",
        [
            (
                r"\b(?:country|countries|nationality|nation|where (?:is|was|are|were|does|did) .* (?:from|come from|made)|origin)\b",
                4.5,
            )
        ],
        yes_no=False,
    ),
    _k(
        "debut",
        "P",
        [
            (
                r"\b(?:debut\w*|breakthrough|first|first (?:films?|movies?|roles?|works?|projects?|series|shows?|dramas?|credits?|appearances?|jobs?|features?|screen roles?)|start(?:ed)? (?:out|(?:his|her|their) career)|career start|began)\b",
                4.5,
            )
        ],
        uses=("type",),
        yes_no=False,
    ),
    _k("earliest", "P", [(r"\b(?:earliest|oldest)\b", 4.5)], uses=("type",), yes_no=False),
    _k(
        "latest",
        "P",
        [(r"\b(?:latest|most recent|newest|last|recent|current|upcoming|next)\b", 4.5)],
        uses=("type",),
        yes_no=False,
    ),
    _k("nominations", "E", [(r"\bnominat\w*", 4)], uses=("year", "category"), yes_no=False),
    _k(
        "awards-won",
        "E",
        [
            (
                r"\b(?:won|win|wins|receiv\w*|earn\w*|got|get|pick\w* up|taken? home|took home|collect\w*|went to)\b.*"
                + AWARD_WORD
                + "|"
                + AWARD_WORD
                + r".*\b(?:won|received|earned|taken home|picked up)\b|\bwhat (?:has|did) \S+ (?:won|win)\b",
                4.5,
            )
        ],
        uses=("year", "category"),
        yes_no=False,
    ),
    _k(
        "awards",
        "E",
        [(AWARD_WORD + r"|\brecognition\b", 3.5)],
        uses=("year", "category"),
        yes_no=False,
    ),
    _k(
        "disagreements-about",
        "A",
        [(r"\b(?:disagree\w*|conflict\w*|contradict\w*|discrepanc\w*|disput\w*|differ)\b", 5)],
        yes_no=False,
    ),
    _k(
        "disagreements",
        "",
        [(r"\b(?:disagree\w*|conflict\w*|contradict\w*|discrepanc\w*|disput\w*)\b", 5)],
        yes_no=False,
    ),
    _k("films-of", "P", [(FILM_WORDS, 2.5)], yes_no=False),
    _k("series-of", "P", [(SERIES_WORDS, 2.5)], yes_no=False),
    _k(
        "works-of",
        "P",
        [
            (
                r"\b(?:works?|projects?|titles?|productions?|filmography|credits|been in|appeared in|acted in|starred in|worked on|involved in|part of|career|body of work|appearances)\b",
                2.5,
            ),
            (
                r"\bwhat (?:has|did|does|else has) \S+ (?:done|do|made|make|been)\b|\bwhere (?:has|did) \S+ (?:appear|act|work|star)",
                2.5,
            ),
        ],
        yes_no=False,
    ),
    _k(
        "who-is",
        "A",
        [
            (
                (
                    r"^(?:(?:who|what)(?:'s| is| was| are| were)|tell me about|tell me something about|"
                    r"about|describe|information (?:on|about)|info (?:on|about)|details (?:on|about|of)|"
                    r"background (?:on|of)|profile of|overview of|bio of|biography of|introduce)?"
                    r" ?(?:the )?(?:ENTITY|PERSON|WORK|CHARACTER|CEREMONY|AWARDS)$"
                ),
                3,
            ),
        ],
        yes_no=False,
    ),
    _k(
        "most-awards",
        "W?",
        [(r"\bmost\b.*" + AWARD_WORD + "|" + AWARD_WORD + r".*\bmost\b", 6)],
        yes_no=False,
    ),
    _k(
        "relationship-since",
        "P O",
        [
            (r"\bsince when\b|\bhow long\b|\bwhen did\b.*\b(?:start|begin|get together)\b", 3),
            (PARTNER, 2),
        ],
        yes_no=False,
    ),
    _k(
        "premiere-section",
        "W",
        [(r"\b(?:section|strand|programme|program|sidebar)\b", 4.5)],
        yes_no=False,
    ),
    _k(
        "event-dates",
        "V",
        [(r"\b(?:when|dates?|held|take place|takes place|happen\w*|run)\b", 4)],
        yes_no=False,
    ),
    _k(
        "check-distributor",
        "W S",
        [(r"\b(?:on|stream\w*|distribut\w*|available|released)\b", 4)],
        yes_no=True,
    ),
    _k("check-premiere", "W", [(r"\b(?:premiere\w*|debut\w*|screen\w*|shown)\b", 4)], yes_no=True),
    _k(
        "check-debut",
        "P W",
        [(r"\bdebut\w*|\bfirst (?:film|feature|work|movie|series|role)\b", 5)],
        yes_no=True,
    ),
)

# "what films has the director of W made": a question about the answer to another question
_NESTED = (
    r"\b(?:films?|movies?|series|shows?|works?|projects?|roles?|awards?|partner|co-?stars?)\b.*"
    r"\b(?:the )?(?:director|writer|composer|music director|star|lead|actor|actress) of (?:WORK|CHARACTER)\b"
)
_CREDIT_VERB = r"\b(?:wr[io]te|written|writ\w*|direct\w*|compos\w*|scored|helm\w*)\b"
_NO_COUNT = r"^(?!.*\b(?:how many|number of)\b)"
_LATER = r"\b(?:latest|most recent|last|newest|earliest|first|recent)\b"

# Refinements, kept apart from the table above for reading: cues that count against a kind,
# and slots or extras some kinds take besides their main ones.
_EXTRA: dict[str, list[tuple[str, float]]] = {
    "who-played": [(COLLAB + "|" + COSTAR + r"|\bon screen\b|\bworked\b", -3)],
    "works-of": [(r"\bknown for\b", 3), (_CREDIT_VERB, -4)],
    "about": [(r"^(?:tell me (?:something )?)?about WORK$", 1)],
    "broadcaster": [(r"^when\b", -3)],
    "release-date": [(r"\bair(?:ed|s)?\b", 1.0), (r"^who\b", -3)],
    "distributor": [(r"^who released\b", 2)],
    "works-before": [(_LATER, -5), (r"\bhow many\b", -3)],
    "works-after": [(_LATER, -5), (r"\bhow many\b", -3)],
    "latest": [(r"\b(?:before|after|prior to)\b", -5)],
    "earliest": [(r"\b(?:before|after|prior to)\b", -5)],
    "debut": [(r"\b(?:main|lead|leading|before|after)\b", -5)],
    "award-winners": [(r"\bnominat\w*", -4)],
    "check-in": [(r"\bdebut\w*", -4)],
    # "who directed the films of PERSON?" asks about the person's films, not films they directed
    "directed-by": [
        (r"\b(?:films?|movies?|works?|series|shows?|projects?) (?:of|starring|with) PERSON\b", -5)
    ],
    "check-premiere": [
        (
            r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b",
            -5,
        )
    ],
    "check-wrote": [(r"\b(?:music|score|soundtrack|songs?)\b", -5)],
    "director": [(_NESTED, -6)],
    "films-of": [(_CREDIT_VERB, -4)],
    "series-of": [(_CREDIT_VERB, -4)],
    "writer": [(_NESTED, -6)],
    "music": [(_NESTED, -6)],
    "cast": [(r"\bactress\b|\b(?:is|was|are|were) in\b", 3.5), (_NESTED, -6)],
    "roles-of": [(_LATER, -5)],
    "count-works": [(r"\b(?:before|after|prior to|since)\b", 1), (_NO_COUNT, -10)],
    "count-people": [(_NO_COUNT, -10)],
    "count-awards": [(_NO_COUNT, -10)],
}
_SLOTS = {
    "check-together": "P O W?",
    "count-works": "P W?",
    # "what did Jeon Jong-seo win for The Call?": the awards for that work
    "awards-won": "E W?",
    "check-award": "E B? W?",
    "awards": "E W?",
    "nominations": "E W?",
}
_USES = {
    "count-awards": ("category", "year"),
    "count-works": ("type", "year"),
    "check-together": ("type",),
}


def _adjust(k: Kind) -> Kind:
    if k.name in _SLOTS:
        k = k._replace(slots=_k(k.name, _SLOTS[k.name], []).slots)
    if k.name in _USES:
        k = k._replace(uses=tuple(dict.fromkeys(k.uses + _USES[k.name])))
    if k.name in _EXTRA:
        k = k._replace(cues=k.cues + tuple(_EXTRA[k.name]))
    return k


KINDS += (
    _k(
        "written-by",
        "P",
        [(r"\b(?:wr[io]te|written|writ\w*|script\w*|screenplays?|penned|authored)\b", 4)],
        uses=("type",),
        yes_no=False,
    ),
)
KINDS += (
    # "Is Ballerina a horror film?", "was Ballerina released in 2023?" (kinds_more.py)
    _k(
        "check-genre",
        "W",
        [(r"\b(?:a|an|genre|considered|kind of|type of)\b.*" + GENRE_WORDS, 5)],
        yes_no=True,
    ),
    _k(
        "check-year",
        "W",
        [
            (
                (
                    r"\b(?:released?|come out|came out|out|made|premiered|air(?:ed)?|in|from)\b.*"
                    r"\bYEAR\b|\b(?:a|an) YEAR (?:films?|movies?|series|shows?|dramas?|releases?)\b"
                ),
                5,
            )
        ],
        needs=("year",),
        uses=("year",),
        yes_no=True,
    ),
)
MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
KINDS += (
    # "was Ballerina released on October 13?" (kinds_more.check_date): a day outweighs a year
    _k(
        "check-date",
        "W",
        [
            (
                r"\b(?:released?|come out|came out|out|arriv\w*|stream\w*|launch\w*|drop\w*|"
                r"hit netflix|on netflix|premiere\w*|debut\w*)\b.*\b" + MONTHS + r"\b",
                6,
            )
        ],
        uses=("year",),
        yes_no=True,
    ),
    # "who is the villain of Ballerina?" (kinds_more.antagonist)
    _k(
        "antagonist",
        "W",
        [(r"\b(?:antagonists?|villains?|bad guys?|baddies|baddie|nemesis)\b", 5)],
        yes_no=False,
    ),
    # "when does the Busan International Film Festival take place?": its editions' dates
    _k(
        "festival-dates",
        "L",
        [(r"\b(?:when|dates?|held|take place|takes place|happen\w*|run)\b", 4)],
        yes_no=False,
    ),
)
KINDS = tuple(_adjust(k) for k in KINDS)
BY_NAME = {k.name: k for k in KINDS}

EXAMPLES = {
    "Person": ("co-stars of {P}", "how many films has {P} made?", "what is {P}'s debut film?"),
    "Work": ("cast of {W}", "who directed {W}?", "what genre is {W}?", "when was {W} released?"),
    "Character": ("who played {C}?",),
    "Person+Person": (
        "which works do {P} and {O} share?",
        "is {P} married to {O}?",
        "how are {P} and {O} connected?",
    ),
    "Person+Work": ("was {P} in {W}?", "what did {P} do before {W}?", "did {P} direct {W}?"),
}


@record
class Reading:
    """One way of reading a question: a kind, the entity filling each slot, the extras."""

    kind: str
    score: float
    slots: dict[str, Candidate] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # slot -> the words as typed
    year: str | None = None
    category: str | None = None
    work_type: str | None = None  # Film | TVSeries
    pronouns: dict[str, str] = field(default_factory=dict)  # slot -> pronoun as typed
    text: str = ""  # the masked question it was read from
    also: Candidate | None = None  # a second work the same question asks about ("W and W2")
    also_slot: str = "work"  # the slot ``also`` fills in the second answer ("person": P and P2)


# kinds asked of one work that a question may ask of two ("who directed Ballerina and The
# Call?", "who was in both Ballerina and Money Heist Korea?"): answered for each, then joined
PER_WORK = {
    "cast",
    "director",
    "writer",
    "music",
    "crew",
    "characters-of",
    "genre",
    "distributor",
    "release-date",
    "release-year",
    "character-of",
    "premiere",
    "premiere-where",
    "premiere-when",
    "broadcaster",
    # yes/no, joined: "was Jeon Jong-seo in Ballerina and The Call?" is yes when both are
    "check-in",
    "check-directed",
    "check-wrote",
    "check-music",
    "check-genre",
    "check-year",
}
# a second work joined to the first: "W and W2", "both W and W2", "from W … in W2"
TWO_WORKS = re.compile(
    r"\bWORK (?:and|&|as well as|and also|and in|and of|or) (?:in |of )?WORK\b|"
    r"\b(?:from|of|in) WORK\b.*\b(?:in|from|of) WORK\b"
)
# kinds asked of one person that a question may ask of two ("what awards have Jeon Jong-seo
# and Kim Ji-hoon won?"): each answered, every answer saying whose it is. "Both" and "in
# common" ask for what they share: the kinds of two people (shared-works …) answer those
PER_PERSON = {
    "awards-won",
    "awards",
    "nominations",
    "films-of",
    "series-of",
    "works-of",
    "debut",
    "relationships",
}
TWO_PEOPLE = re.compile(r"\bPERSON (?:and|&|or|as well as) PERSON\b")
BOTH_WORDS = re.compile(r"\b(?:both|in common|shared?|same|together|joint|mutual)\b")
# "in W but not in W2": a difference of two answers, which no reading here computes
NOT_BOTH = re.compile(r"\b(?:not|except|excluding|without|never|rather than|instead of|but)\b")
# what a reading may never leave out: the things answers are about. A question that names one
# of them and is read without it would answer another question (the cast of one of two works)
MUST_USE = {"Person", "Work", "Character"}

# mentions a reading must use; organisations and franchises may qualify a question instead
CENTRAL = {
    "Person",
    "Work",
    "Character",
    "AwardCeremony",
    "AwardsBody",
    "FestivalEdition",
    "Franchise",
}

PLACEHOLDER = {
    "Person": "PERSON",
    "Character": "CHARACTER",
    "AwardCeremony": "CEREMONY",
    "AwardsBody": "AWARDS",
}


def _placeholder(m: Mention) -> str:
    if m.kind == "year":
        return "YEAR"
    if m.kind == "category":
        return "CATEGORY"
    if m.kind == "pronoun":
        return "PRONOUN"
    ts = m.types()
    if "Work" in ts:
        return "WORK"
    for t, ph in PLACEHOLDER.items():
        if t in ts:
            return ph
    return "ENTITY"


def masked(words: tuple[str, ...], mentions: list[Mention]) -> str:
    """The question in lower case with every mention replaced by its placeholder."""
    out: list[str] = []
    i = 0
    by_start = {m.start: m for m in mentions}
    while i < len(words):
        m = by_start.get(i)
        if m is not None:
            out.append(_placeholder(m))
            i = m.end
        else:
            w = words[i].casefold().replace("’", "'")
            if w:
                out.append(w)
            i += 1
    return " ".join(out)


def work_type(text: str) -> str | None:
    film = re.search(FILM_WORDS, text) is not None
    series = re.search(SERIES_WORDS, text) is not None
    if film and not series:
        return "Film"
    if series and not film:
        return "TVSeries"
    return None


def _fits(c: Candidate, classes: tuple[str, ...]) -> bool:
    return not classes or any(x in c.classes for x in classes)


def readings(
    mentions: list[Mention],
    text: str,
    resolved: dict[int, Candidate],
    excluded: frozenset[int] = frozenset(),
) -> list[Reading]:
    """Every kind whose slots the mentions fill, scored, best first.

    ``resolved`` gives the entity a pronoun mention (by start position) was resolved to;
    ``excluded`` the mentions the question leaves out ("other than Kim Ji-hoon"), which fill no
    slot and cost nothing.
    """
    ents = [
        m
        for m in mentions
        if (m.kind == "entity" and m.start not in excluded)
        or (m.kind == "pronoun" and m.start in resolved)
    ]
    years = [m.value for m in mentions if m.kind == "year"]
    cats = [m.value for m in mentions if m.kind == "category"]
    yes_no = YES_NO.match(text) is not None
    how_many = re.search(r"\b(?:how many|number of)\b", text) is not None
    wtype = work_type(text)
    out: list[Reading] = []
    for kind in KINDS:
        if kind.yes_no is True and not yes_no:
            continue
        if kind.yes_no is False and yes_no and kind.name.startswith(("shared", "co-", "collab")):
            continue
        score = 0.0
        for rx, weight in kind.cues:
            if re.search(rx, text):
                score += weight
        if score <= 0:
            continue
        # fill slots with the entity mentions, in order
        assign: dict[str, Candidate] = {}
        texts: dict[str, str] = {}
        pron: dict[str, str] = {}
        used: set[int] = set()
        ok = True
        for slot in kind.slots:
            got: tuple[int, Candidate | None, Mention] | None = None
            for idx, m in enumerate(ents):
                if idx in used:
                    continue
                cands = [resolved[m.start]] if m.kind == "pronoun" else list(m.candidates)
                fit = [c for c in cands if _fits(c, slot.classes)]
                if len({c.iri for c in fit}) == 1:
                    got = (idx, fit[0], m)
                    break
                if len(fit) > 1:
                    got = (idx, None, m)  # ambiguous: this kind cannot decide
                    break
            if got is None or got[1] is None:
                if slot.optional and got is None:
                    continue
                ok = False
                break
            used.add(got[0])
            assign[slot.name] = got[1]  # type: ignore[assignment]
            texts[slot.name] = got[2].text
            if got[2].kind == "pronoun":
                pron[slot.name] = got[2].text
        if not ok:
            continue
        if "person" in assign and "other" in assign and assign["person"].iri == assign["other"].iri:
            continue
        # needs: at least one of these extras
        have = {
            "year": bool(years),
            "category": bool(cats),
            "award": any(
                "AwardCeremony" in c.classes or "AwardsBody" in c.classes for c in assign.values()
            )
            or bool(re.search(AWARD_WORD, text)),
            "work": "work" in assign,
            "type": wtype is not None,
        }
        if kind.needs and not any(have[n] for n in kind.needs):
            continue
        if (len(set(years)) > 1 and "year" in kind.uses + kind.needs) or (
            len(set(cats)) > 1 and "category" in kind.uses + kind.needs
        ):
            continue  # "films from 2018 and 2023": a reading of one year would drop the other
        if kind.name in ("award-winners", "award-nominees") and not (
            cats or "body" in assign or years
        ):
            continue
        if kind.name in ("works-before", "works-after") and not ("work" in assign or years):
            continue
        if kind.name == "works-in-year" and "work" in assign:
            continue
        unused = [
            m
            for idx, m in enumerate(ents)
            if idx not in used and (m.kind == "pronoun" or m.types() & CENTRAL)
        ]
        also: Candidate | None = None
        if (
            kind.name in PER_WORK
            and "work" in assign
            and len(unused) == 1
            and unused[0].kind == "entity"
            and TWO_WORKS.search(text)
            and not NOT_BOTH.search(text)
        ):
            second = {c.iri: c for c in unused[0].candidates if _fits(c, W)}
            if len(second) == 1 and assign["work"].iri not in second:
                also = next(iter(second.values()))
                texts["also"] = unused[0].text
                unused = []
        also_slot = "work"
        one = next((sl for sl in ("person", "entity") if sl in assign), None)
        if (
            also is None
            and kind.name in PER_PERSON
            and one is not None
            and len(unused) == 1
            and unused[0].kind == "entity"
            and TWO_PEOPLE.search(text)
            and not NOT_BOTH.search(text)
            and not BOTH_WORDS.search(text)
        ):
            second = {c.iri: c for c in unused[0].candidates if _fits(c, P)}
            if len(second) == 1 and assign[one].iri not in second:
                also, also_slot = next(iter(second.values())), one
                texts["also"] = unused[0].text
                unused = []
        if any(m.kind == "entity" and m.types() & MUST_USE for m in unused):
            continue  # a named person, work or character left out: never this reading
        score -= UNUSED * len(unused)
        if years and "year" not in kind.uses:
            score -= 2.0
        if cats and "category" not in kind.uses:
            score -= 2.0
        if wtype and "type" in kind.uses:
            score += 0.25
        if how_many and not kind.name.startswith("count-"):
            score -= 4.0  # "how many" asks for a number
        if yes_no and kind.yes_no:
            score += 1.0  # a question put as yes/no prefers the reading that answers yes or no
        if kind.slots and not unused:
            score += 0.5
        out.append(
            Reading(
                kind.name,
                score,
                assign,
                texts,
                years[0] if years else None,
                cats[0] if cats else None,
                wtype,
                pron,
                text,
                also,
                also_slot,
            )
        )
    out.sort(key=lambda r: -r.score)
    return out


def understood(mentions: list[Mention], resolved: dict[int, Candidate]) -> str:
    """``Jeon Jong-seo (Person) and Ballerina (Film)`` for a refusal."""
    parts = []
    for m in mentions:
        if m.kind == "entity":
            parts.append(" or ".join(f"{c.label} ({c.type})" for c in m.candidates))
        elif m.kind == "pronoun" and m.start in resolved:
            c = resolved[m.start]
            parts.append(f"'{m.text}' as {c.label} ({c.type})")
        elif m.kind == "year":
            parts.append(f"the year {m.value}")
        elif m.kind == "category":
            parts.append(f"the category {m.value}")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def suggestions(mentions: list[Mention], resolved: dict[int, Candidate]) -> list[str]:
    """Questions that fit the classes of the mentions, with their names filled in."""
    people: list[str] = []
    works: list[str] = []
    chars: list[str] = []
    for m in mentions:
        cands = (
            [resolved[m.start]]
            if m.kind == "pronoun" and m.start in resolved
            else list(m.candidates)
        )
        for c in cands[:1]:
            if "Person" in c.classes:
                people.append(c.label)
            elif "Work" in c.classes:
                works.append(c.label)
            elif "Character" in c.classes:
                chars.append(c.label)
    out: list[str] = []

    def fill(key: str) -> None:
        for ex in EXAMPLES[key]:
            out.append(
                ex.replace("{P}", people[0] if people else "")
                .replace("{O}", people[1] if len(people) > 1 else "")
                .replace("{W}", works[0] if works else "")
                .replace("{C}", chars[0] if chars else "")
            )

    if len(people) >= 2:
        fill("Person+Person")
    if people and works:
        fill("Person+Work")
    if people and len(out) < 6:
        fill("Person")
    if works and len(out) < 6:
        fill("Work")
    if chars:
        fill("Character")
    return out[:6]
