"""The question table of ``kgraph ask``: one :class:`Intent` per kind of question.

Each intent lists the phrasings it understands as small regular expressions over the cleaned
question (lower or upper case alike), with ``{slot}`` where a name goes; the slot's types say
which entities may fill it. Most intents answer with a saved query from ``queries/``: ``answer``
names the column holding the answer, ``detail`` formats a short note from the row, ``keep``
picks rows. Adding a question shape is adding a pattern here; adding a kind of question is adding
an entry (and, usually, a saved query).

Patterns are tried in table order; the first intent whose names all resolve wins, so put the
more specific phrasings first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .records import Any, field, record

Row = Mapping[str, Any]  # variable -> pyoxigraph term

PERSON = ("Person",)
WORK = ("Work",)
CHARACTER = ("Character",)
ANY: tuple[str, ...] = ()


@record(frozen=True)
class Intent:
    """One kind of question and the phrasings that ask it."""

    name: str
    summary: str  # how the interpretation reads, e.g. "co-stars of {person}"
    patterns: tuple[str, ...]
    slots: Mapping[str, tuple[str, ...]]
    example: str
    query: str | None = None  # saved query answering it
    params: Mapping[str, str] = field(
        default_factory=dict
    )  # slot -> query parameter, where they differ
    answer: str = ""  # column holding the answer (an IRI or a literal)
    label: str | None = None  # column holding the answer's label (default: answer + "Label")
    detail: str | None = None  # format string over the row's values, e.g. "as {characterLabel}"
    keep: Callable[[dict[str, str]], bool] | None = None  # which rows answer the question
    prefer: tuple[
        Callable[[dict[str, str]], bool], ...
    ] = ()  # first filter that keeps any row wins
    optional: tuple[str, ...] = ()  # slots that may be absent
    handler: str | None = None  # name of a special handler in questions.py
    within: Mapping[str, str] = field(
        default_factory=dict
    )  # column (space-separated IRIs) -> slot it must hold
    unbound: str | None = (
        None  # label of rows whose answer column is unbound (else they are skipped)
    )


# -- vocabulary shared by the patterns ------------------------------------------------------

POSS = r"(?:'s|s'|')?"  # possessive ending, apostrophe optional
COSTARS = r"(?:co-?stars?|co stars?|cast-?mates?|cast mates?|fellow (?:actors|actresses|cast members)|scene partners?)"
ACTED = r"(?:acted|starred|appeared|performed|played|featured)"
ACT = r"(?:act|star|appear|perform|play|feature)"
WORKS = r"(?:works?|projects?|titles?|productions?|credits|filmography|things)"
FILMS = r"(?:films?|movies?|feature films?|pictures?)"
SERIES = r"(?:(?:tv |television )?(?:series|shows?|dramas?|programs?|programmes?)|k-?dramas?|tv)"
BEEN_IN = rf"(?:been in|{ACTED} in|{ACT} in|worked on|work on|done|made|featured in|taken part in|participated in|in)"
AWARDS = r"(?:awards?|prizes?|honou?rs|accolades|trophies|wins)"
PARTNER = (
    r"(?:partners?|boyfriends?|girlfriends?|spouses?|husbands?|wives|wife|significant others?|lovers?|"
    r"(?:romantic |personal )?relationships?|love life|dating life|other halfs?)"
)


def _is(column: str, *values: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row.get(column) in values


ROLE = "https://kgraph.dev/id/role/"

INTENTS: tuple[Intent, ...] = (
    Intent(
        "shared-works",
        "works {person} and {other} share",
        (
            rf"(?:{WORKS}|{FILMS}|{SERIES}) (?:that |which )?{{person}} and {{other}} (?:(?:have |both )*(?:share|shared|{ACTED} in|worked on|appeared in|been in|made|done|did)(?: together| both)?|have in common|together)",
            rf"(?:shared|common|joint|mutual) (?:{WORKS}|{FILMS}|{SERIES}) (?:of|between|for|with) {{person}} and {{other}}",
            rf"(?:what|which)(?: {WORKS}| {FILMS}| {SERIES})? (?:have|did|do|were) {{person}} and {{other}} (?:both )?(?:share|{ACT} in|{ACTED} in|work on|worked on|appear in|been in|make|made|do|done|in)(?: together)?",
            r"where (?:have|did) {person} and {other} (?:work|worked|act|acted|star|starred|appear|appeared) together",
            r"{person} and {other} (?:shared works|together|in common|joint works|common works|shared films|shared projects)",
            rf"(?:{WORKS}|{FILMS}|{SERIES}) (?:with|featuring|starring) (?:both )?{{person}} and {{other}}",
            rf"(?:{WORKS}|{FILMS}|{SERIES}) in common (?:between|for) {{person}} and {{other}}",
        ),
        {"person": PERSON, "other": PERSON},
        "which works do Jeon Jong-seo and Kim Ji-hoon share?",
        query="shared-works",
        answer="work",
    ),
    Intent(
        "connection",
        "how {person} and {other} are connected",
        (
            r"how (?:is|are|was|were) {person} (?:and|&) {other} (?:connected|linked|related)(?: to each other)?",
            r"how (?:is|was) {person} (?:connected|linked|related) (?:to|with) {other}",
            r"(?:the )?(?:connection|link|path|chain|route|degrees? of separation) (?:between|from|linking) {person} (?:and|to) {other}",
            r"(?:the )?shortest (?:path|connection|chain) (?:between|from) {person} (?:and|to) {other}",
            r"(?:connect|link) {person} (?:and|to|with) {other}",
            r"how (?:does|do|did) {person} know {other}",
            r"what (?:connects|links) {person} (?:and|to|with) {other}",
            r"(?:is|are) {person} and {other} (?:connected|linked)",
            r"(?:is|was) {person} (?:connected|linked) to {other}",
            r"how (?:can i get|do i get|to get) from {person} to {other}",
        ),
        {"person": PERSON, "other": PERSON},
        "how are Park Shin-hye and Kim Ji-hoon connected?",
        handler="connection",
    ),
    Intent(
        "repeat-collaborators",
        "people who worked with {person} more than once",
        (
            rf"(?:repeat|frequent|regular|recurring|repeated|returning|usual) (?:collaborators?|co-?workers?|colleagues|{COSTARS}|partners in crime)(?: (?:of|for|with))? {{person}}",
            rf"{{person}}{POSS} (?:repeat|frequent|regular|recurring|repeated|usual) (?:collaborators?|co-?workers?|colleagues|{COSTARS})",
            r"who (?:has|have|did) {person} (?:worked|collaborated|acted|starred|teamed up|work|collaborate|act|star|team up) with (?:more than once|(?:multiple|several|many) times|repeatedly|again|twice|on more than one (?:work|project|film))",
            r"who (?:has |have )?(?:worked|collaborated|acted|starred|teamed up) with {person} (?:more than once|(?:multiple|several|many) times|repeatedly|again|twice|on more than one (?:work|project|film))",
            r"who (?:has|did) {person} (?:reunited?|re-teamed|reteamed) with",
            r"who (?:keeps|kept) working with {person}",
        ),
        {"person": PERSON},
        "who has Jeon Jong-seo worked with more than once?",
        query="repeat-collaborators",
        answer="other",
        detail="{works}",
    ),
    Intent(
        "co-stars",
        "co-stars of {person}",
        (
            rf"{COSTARS} (?:of|for|with) {{person}}",
            rf"{{person}}{POSS} {COSTARS}",
            rf"who (?:has |have |did |does )?{{person}} (?:{ACTED}|{ACT}|shared the screen|share the screen) (?:with|alongside|opposite)",
            rf"who (?:has |have |had )?(?:{ACTED}|been|shared the screen|{ACT}s?) (?:with|alongside|opposite) {{person}}",
            rf"(?:actors|actresses|cast members|performers|stars) (?:who (?:have |has )?(?:{ACTED}|worked|been) )?(?:with|alongside|opposite) {{person}}",
            rf"(?:people|who) (?:who (?:have |has )?)?(?:{ACTED}) (?:with|alongside|opposite) {{person}}",
            r"(?:actors|actresses|people|who) in the same (?:works?|films?|movies?|shows?|series|cast) as {person}",
            rf"with whom (?:has|did|does) {{person}} (?:{ACTED}|{ACT})",
            rf"who (?:are|were) {{person}}{POSS} {COSTARS}",
        ),
        {"person": PERSON},
        "co-stars of Jeon Jong-seo",
        query="co-stars",
        answer="costar",
        detail="{works}",
    ),
    Intent(
        "collaborators",
        "collaborators of {person}",
        (
            r"(?:collaborators?|colleagues|co-?workers?|collaborations?) (?:of|for|with) {person}",
            rf"{{person}}{POSS} (?:collaborators?|colleagues|co-?workers?|collaborations?)",
            r"who (?:has|have|did|does) {person} (?:worked|collaborated|teamed up|work|collaborate|team up) with",
            r"who (?:has |have |had )?(?:worked|collaborated|teamed up) with {person}",
            r"(?:people|everyone|anyone|persons) (?:who (?:has |have )?)?(?:worked|collaborated|working) with {person}",
            r"with whom (?:has|did|does) {person} (?:worked|work|collaborated|collaborate)",
        ),
        {"person": PERSON},
        "who has Park Yu-rim worked with?",
        query="collaborators",
        answer="other",
        detail="{works}",
    ),
    Intent(
        "director",
        "director of {work}",
        (
            r"(?:the )?directors? (?:of|for|on|behind) {work}",
            rf"{{work}}{POSS} directors?",
            r"who (?:directed|directs|helmed|helms|will direct|is directing|was directing|made) {work}",
            r"{work} (?:was |is )?(?:directed|helmed) by (?:whom|who)",
            r"(?:by whom|who) (?:was|is) {work} directed(?: by)?",
            r"who (?:is|was) behind the camera (?:of|on|for) {work}",
            r"who is the (?:film ?maker|filmmaker|auteur) (?:of|behind) {work}",
            r"(?:film ?maker|filmmaker) (?:of|behind) {work}",
        ),
        {"work": WORK},
        "who directed Ballerina?",
        query="crew",
        answer="person",
        keep=_is("role", ROLE + "director"),
    ),
    Intent(
        "writer",
        "writer of {work}",
        (
            r"(?:the )?(?:writers?|screenwriters?|scriptwriters?|script writers?|authors?|playwrights?|scribes?) (?:of|for|on|behind) {work}",
            rf"{{work}}{POSS} (?:writers?|screenwriters?|script ?writers?|authors?|playwrights?|script|screenplay)",
            r"who (?:wrote|writes|penned|scripted|authored) {work}",
            r"who (?:wrote|penned|did) (?:the )?(?:script|screenplay) (?:of|for) {work}",
            r"{work} (?:was |is )?written by (?:whom|who)",
            r"(?:by whom|who) (?:was|is) {work} written(?: by)?",
        ),
        {"work": WORK},
        "who wrote Ballerina?",
        query="crew",
        answer="person",
        keep=_is("role", ROLE + "screenwriter", ROLE + "playwright"),
    ),
    Intent(
        "music",
        "music of {work}",
        (
            r"(?:the )?(?:music|score|soundtrack|music directors?|composers?|music supervisors?|ost) (?:of|for|on|in|behind) {work}",
            r"who (?:did|made|composed|wrote|directed|handled|does|created|produced|was in charge of|is in charge of|is behind|was behind) (?:the )?(?:music|score|soundtrack|ost) (?:of|for|on|in) {work}",
            rf"{{work}}{POSS} (?:music|score|soundtrack|composer|music directors?|ost)",
            r"who (?:composed|scored) (?:the music for |for )?{work}",
            r"who (?:was|is) (?:the )?music director (?:of|for|on) {work}",
        ),
        {"work": WORK},
        "who did the music for Ballerina?",
        query="crew",
        answer="person",
        keep=_is("role", ROLE + "music-director"),
    ),
    Intent(
        "crew",
        "crew of {work}",
        (
            r"(?:the )?(?:crew|crew members|filmmakers|staff|people behind the camera|creative team|production team|makers|credits) (?:of|for|on|behind) {work}",
            rf"{{work}}{POSS} (?:crew|crew members|creative team|production team|staff|makers)",
            r"who (?:is|was|are|were) (?:on the crew of|behind the scenes (?:of|on)|behind) {work}",
            r"who (?:made|worked) behind the (?:camera|scenes) (?:of|on|for) {work}",
        ),
        {"work": WORK},
        "crew of Ballerina",
        query="crew",
        answer="person",
        detail="{roleLabel}",
    ),
    Intent(
        "cast",
        "cast of {work}",
        (
            r"(?:the )?(?:full )?(?:cast|cast members|cast list|actors|actresses|stars|performers|leads|main cast|ensemble) (?:of|in|for|from) {work}",
            rf"{{work}}{POSS} (?:full )?(?:cast|cast list|actors|stars|leads|main cast|ensemble|performers)",
            r"who (?:is|was|are|were) (?:starring |acting |appearing |playing )?in {work}",
            rf"who (?:{ACTED}|stars|acts|appears|plays|performs|features) in {{work}}",
            r"who (?:will )?(?:star|act|appear|play) in {work}",
            r"(?:which|what) (?:actors|actresses|people|performers|stars) (?:are|were|appear|appeared|star|starred|acted|act|play|played|is|was) in {work}",
            r"who (?:stars|starred|is starring)(?: in)? {work}",
            r"who (?:was|were|got|is|are) cast in {work}",
        ),
        {"work": WORK},
        "cast of Ballerina",
        query="cast",
        answer="person",
        detail="as {characterLabel}",
    ),
    Intent(
        "directed-by",
        "works directed by {person}",
        (
            rf"(?:{WORKS}|{FILMS}|{SERIES}|what|which|anything|everything) (?:has |have |did |that |which )?(?:was |were |been )?(?:directed|helmed) by {{person}}",
            r"(?:what|which)(?: works?| films?| movies?| series| shows?| projects?)? (?:has|did|does|have) {person} (?:directed|direct|helmed|helm)",
            rf"{{person}}{POSS} (?:directing|directorial) (?:credits|works|films|movies|filmography|career|efforts?)",
            r"(?:directing|directorial) (?:credits|works|films|movies|filmography|efforts?) (?:of|by|for) {person}",
            r"{person} directed what",
            r"(?:films|movies|works) {person} (?:has )?directed",
            r"directed by {person}",
        ),
        {"person": PERSON},
        "what has Lee Chung-hyun directed?",
        query="directed-by",
        answer="work",
        detail="{year}",
    ),
    Intent(
        "films-of",
        "films of {person}",
        (
            rf"(?:all )?(?:the )?{FILMS} (?:of|by|with|starring|featuring|from|for|including) {{person}}",
            rf"{{person}}{POSS} {FILMS}",
            rf"(?:what|which) {FILMS} (?:has|did|does|is|was|have) {{person}} (?:been )?(?:{BEEN_IN})",
            rf"(?:what|which) {FILMS} (?:feature|featured|include|included|star|starred|starring|featuring|with|has|had) {{person}}(?: in (?:them|it))?",
            rf"{{person}} {FILMS}",
            rf"(?:what|which) {FILMS} is {{person}} in",
            rf"in (?:what|which) {FILMS} (?:has|did|does) {{person}} (?:{ACT}|{ACTED}|appear|appeared|been)",
        ),
        {"person": PERSON},
        "which films has Jeon Jong-seo been in?",
        query="films-of",
        answer="work",
        detail="{year}",
    ),
    Intent(
        "series-of",
        "series of {person}",
        (
            rf"(?:all )?(?:the )?{SERIES} (?:of|by|with|starring|featuring|from|for|including) {{person}}",
            rf"{{person}}{POSS} {SERIES}",
            rf"(?:what|which) {SERIES} (?:has|did|does|is|was|have) {{person}} (?:been )?(?:{BEEN_IN})",
            rf"(?:what|which) {SERIES} (?:feature|featured|include|included|star|starred|starring|featuring|with|has|had) {{person}}",
            rf"{{person}} {SERIES}",
            rf"(?:what|which) {SERIES} is {{person}} in",
            rf"in (?:what|which) {SERIES} (?:has|did|does) {{person}} (?:{ACT}|{ACTED}|appear|appeared|been)",
        ),
        {"person": PERSON},
        "what series has Kim Ji-hoon been in?",
        query="series-of",
        answer="work",
        detail="{year}",
    ),
    Intent(
        "works-of",
        "works of {person}",
        (
            rf"(?:all )?(?:the )?{WORKS} (?:of|by|with|starring|featuring|from|for|including) {{person}}",
            rf"{{person}}{POSS} (?:{WORKS}|body of work|career)",
            rf"what (?:else )?(?:has|did|does|have) {{person}} (?:been )?(?:{BEEN_IN})",
            rf"(?:what|which) {WORKS} (?:has|did|does|is|was|have) {{person}} (?:been )?(?:{BEEN_IN}|involved in|part of)",
            rf"(?:what|which) {WORKS} (?:feature|featured|include|included|star|starred|with|has|had) {{person}}",
            rf"(?:everything|anything|all) {{person}} (?:has |did )?(?:{BEEN_IN}|worked on)",
            r"where (?:has|have|did) {person} (?:appeared|acted|worked|performed|starred)",
            rf"(?:what|which) (?:{FILMS} (?:and|or|&) {SERIES}|{SERIES} (?:and|or|&) {FILMS}) (?:has|did|is|was) {{person}} (?:been )?(?:{BEEN_IN})",
            rf"{{person}} (?:{WORKS}|filmography)",
        ),
        {"person": PERSON},
        "what has Park Yu-rim been in?",
        query="works-of",
        answer="work",
        detail="{type} {year}",
    ),
    Intent(
        "who-played",
        "who played {character}",
        (
            r"who (?:played|plays|portrayed|portrays|voiced|voices|acted as|acts as|was cast as|is cast as|starred as|stars as|appeared as|appears as|is playing|was playing|will play|took the role of|takes the role of|played the (?:role|part) of|plays the (?:role|part) of)(?: the role of)? {character}(?: in {work})?",
            r"(?:the )?(?:actor|actress|performer|cast member|star|person|player)s? (?:playing|that played|who played|who plays|that plays|behind|for|of|who portrayed|portraying|as) {character}(?: in {work})?",
            r"{character} (?:is |was )?(?:played|portrayed|voiced) by (?:whom|who)(?: in {work})?",
            r"(?:by whom|who) (?:is|was) {character} (?:played|portrayed)(?: by)?(?: in {work})?",
            r"who (?:is|was) the (?:actor|actress|performer) (?:of|for|behind|playing|who played|who plays) {character}(?: in {work})?",
            r"in {work},? who (?:played|plays|portrayed|portrays) {character}",
            rf"who (?:plays|played) {{character}}{POSS} (?:role|part)(?: in {{work}})?",
        ),
        {"character": CHARACTER, "work": WORK},
        "who played Ok-ju?",
        query="who-played",
        answer="person",
        detail="in {workLabel}",
        optional=("work",),
    ),
    Intent(
        "character-of",
        "the character {person} played",
        (
            r"(?:what|which|who) (?:character|characters) (?:did|does|has|is|was) {person} (?:play|played|playing|portray|portrayed|portraying|have|had)(?: in {work})?",
            r"who (?:did|does|has) {person} (?:play|played|portray|portrayed)(?: in {work})?",
            r"(?:what|who) (?:is|was) {person} (?:playing |cast as |as )?in {work}",
            rf"{{person}}{POSS} (?:characters?)(?: in {{work}})?",
            r"(?:the )?characters? (?:played|portrayed) by {person}(?: in {work})?",
            r"(?:the )?characters? (?:of|for) {person}(?: in {work})?",
            r"who (?:is|was) {person} in {work}",
            r"{person} (?:played|plays) (?:who|what|which character)(?: in {work})?",
            r"in {work},? (?:who|what character) (?:did|does) {person} play",
        ),
        {"person": PERSON, "work": WORK},
        "which character did Jeon Jong-seo play in Ballerina?",
        query="roles-of",
        answer="role",
        detail="in {workLabel}",
        optional=("work",),
        keep=lambda r: r.get("kind") == "acting" and bool(r.get("role")),
    ),
    Intent(
        "characters-of",
        "characters of {work}",
        (
            r"(?:the )?(?:characters?|roles?|parts) (?:of|in|from|appearing in) {work}",
            rf"{{work}}{POSS} (?:characters?|roles|parts)",
            r"(?:which|what|who are the) characters (?:are|appear|appeared|were|feature|featured) in {work}",
            r"(?:which|what) characters (?:does|did) {work} (?:have|feature|include)",
            r"who are the characters (?:of|in) {work}",
        ),
        {"work": WORK},
        "characters of Ballerina",
        query="characters-of",
        answer="character",
        detail="played by {personLabel}",
    ),
    Intent(
        "roles-of",
        "roles of {person}",
        (
            r"(?:all )?(?:the )?(?:roles|parts|jobs) (?:of|for|played by|taken by|held by) {person}(?: in {work})?",
            rf"{{person}}{POSS} (?:roles|parts|jobs)(?: in {{work}})?",
            rf"{{person}}{POSS} (?:role|part|job|position) (?:in|on) {{work}}",
            r"(?:what|which) (?:roles|parts|jobs) (?:has|did|does|have) {person} (?:had|have|played|play|taken|take|done|do|held)(?: in {work})?",
            r"(?:what|which) (?:role|part|job) (?:has|did|does|had|was|is) {person} (?:had |have |play |played |do |done |hold |held |take |taken )?(?:in|on) {work}",
            r"what (?:did|does|has) {person} (?:do|did|done|play|played) (?:in|on) {work}",
            rf"what (?:was|is) {{person}}{POSS} (?:role|part|job) (?:in|on) {{work}}",
            r"(?:every|each) role (?:of|played by) {person}",
        ),
        {"person": PERSON, "work": WORK},
        "what roles has Lee Chung-hyun had?",
        query="roles-of",
        answer="role",
        detail="in {workLabel}",
        optional=("work",),
        unbound="acting role (character not named)",
    ),
    Intent(
        "premiere-where",
        "where {work} premiered",
        (
            r"where (?:did|was|does|is|will|has) {work} (?:premiere|premiered|debut|debuted|first screened|first screen|first shown|screened|screen|shown|been shown|been screened|have its premiere|had its premiere|premiering)",
            r"(?:at )?(?:which|what) (?:film )?festival (?:did|was|has|is|does) {work} (?:premiere|premiered|screen|screened|shown|debut|debuted|play|played|been shown|shown)(?: at| in)?",
            r"(?:the )?(?:premiere|debut) (?:venue|festival|location|place) (?:of|for) {work}",
            r"where was the (?:premiere|debut|world premiere|festival premiere) of {work}",
            rf"{{work}}{POSS} (?:premiere|debut) (?:venue|festival|location|place)",
            r"(?:at )?which festival (?:premiered|screened|showed) {work}",
        ),
        {"work": WORK},
        "where did Ballerina premiere?",
        query="release",
        answer="value",
        label="valueLabel",
        keep=lambda r: r.get("kind") == "premiere" and r.get("property") == "atFestival",
    ),
    Intent(
        "premiere-when",
        "when {work} premiered",
        (
            r"when (?:did|was|does|is|will|has) {work} (?:premiere|premiered|debut|debuted|first screened|first screen|first shown|screened at (?:a |the )?festival|have its premiere|had its premiere|premiering)",
            r"(?:what|which) (?:day|date) (?:did|was|is) {work} (?:premiere|premiered|debut|debuted|first screened)",
            r"(?:the )?premiere date (?:of|for) {work}",
            rf"{{work}}{POSS} premiere date",
            r"when was the (?:premiere|world premiere|festival premiere|debut) of {work}",
        ),
        {"work": WORK},
        "when did Ballerina premiere?",
        query="release",
        answer="value",
        keep=lambda r: r.get("kind") == "premiere" and r.get("property") == "date",
    ),
    Intent(
        "premiere",
        "premiere of {work}",
        (
            r"(?:the )?(?:premiere|world premiere|festival premiere|debut screening|festival screening)s? (?:of|for) {work}",
            rf"{{work}}{POSS} (?:premiere|festival premiere|festival screening|debut)",
            r"(?:tell me about |details of )?(?:the )?premiere of {work}",
        ),
        {"work": WORK},
        "premiere of Ballerina",
        query="release",
        answer="value",
        label="valueLabel",
        detail="{property}",
        keep=lambda r: r.get("kind") == "premiere" and r.get("property") in ("atFestival", "date"),
    ),
    Intent(
        "release-year",
        "the year of {work}",
        (
            r"(?:in )?(?:what|which) year (?:was|is|did|does) {work} (?:released|come out|came out|made|out|from|release|premiere|produced|filmed)",
            r"(?:the )?(?:release )?year of {work}(?:'s release)?",
            rf"{{work}}{POSS} (?:release )?year",
            r"when was {work} (?:made|produced|filmed)",
            r"what year is {work}(?: from)?",
            r"{work} (?:release )?year",
        ),
        {"work": WORK},
        "what year did The Call come out?",
        query="release",
        answer="value",
        keep=lambda r: r.get("property") == "year",
    ),
    Intent(
        "release-date",
        "when {work} was released",
        (
            r"when (?:was|is|did|does|will|has) {work} (?:released|release|get released|be released|come out|came out|coming out|out|arrive|arriving|arrived|hit netflix|hits netflix|land on netflix|drop|dropped|stream|streaming|start streaming|be out|been released|launch|launched)(?: on netflix| worldwide)?",
            r"(?:the )?release(?: date)? (?:of|for) {work}",
            rf"{{work}}{POSS} release(?: date)?",
            r"{work} release date",
            r"release date {work}",
            r"when can (?:i|we|you) (?:watch|stream|see) {work}",
            r"(?:what|which) (?:day|date) (?:was|is|did|does|will) {work} (?:released|come out|came out|out|release|arrive|drop|stream)",
            r"when (?:is|was) the release of {work}",
            r"when (?:is|was) {work} on netflix",
        ),
        {"work": WORK},
        "when was Ballerina released?",
        query="release",
        answer="value",
        prefer=(
            lambda r: r.get("kind") == "release" and r.get("property") == "date",
            lambda r: r.get("property") == "year",
        ),
    ),
    Intent(
        "nominations",
        "nominations of {entity}",
        (
            r"(?:the )?nominations? (?:of|for|received by|earned by|given to) {entity}",
            rf"{{entity}}{POSS} nominations?",
            r"what (?:was|has|is|were|have) {entity} (?:been |ever been )?nominated for",
            r"(?:has|was|is|have) {entity} (?:ever )?(?:been )?nominated(?: for (?:anything|any awards?|an award))?",
            r"what nominations (?:has|did|does) {entity} (?:received?|got|get|earned?|have|had)",
            r"(?:which|what) (?:awards?|prizes?) (?:has|was|is) {entity} (?:been )?nominated for",
        ),
        {"entity": PERSON + WORK},
        "what was Kim Ji-hoon nominated for?",
        query="awards",
        params={"entity": "entity"},
        answer="outcome",
        label="outcomeLabel",
        keep=_is("status", "nominated"),
    ),
    Intent(
        "awards-won",
        "awards won by {entity}",
        (
            rf"(?:what|which) {AWARDS} (?:has|did|does|have) {{entity}} (?:won|win|received|receive|got|get|earned|earn|taken home|take home|picked up|collected)",
            rf"(?:has|did|have) {{entity}} (?:ever )?(?:won|win|receive|received|get|got) (?:any |an |a )?{AWARDS}",
            rf"{AWARDS} (?:won|received|earned|taken home|picked up) by {{entity}}",
            rf"(?:what|which) {AWARDS} went to {{entity}}",
            r"what (?:has|did) {entity} (?:won|win)",
        ),
        {"entity": PERSON + WORK},
        "what awards has Jeon Jong-seo won?",
        query="awards",
        params={"entity": "entity"},
        answer="outcome",
        label="outcomeLabel",
        keep=_is("status", "won"),
    ),
    Intent(
        "awards",
        "awards and nominations of {entity}",
        (
            rf"(?:the )?{AWARDS}(?: (?:and|&) nominations)? (?:of|for|to|given to|received by) {{entity}}",
            rf"(?:the )?nominations (?:and|&) {AWARDS} (?:of|for|to) {{entity}}",
            rf"{{entity}}{POSS} {AWARDS}(?: (?:and|&) nominations)?",
            rf"{{entity}}{POSS} nominations (?:and|&) {AWARDS}",
            rf"(?:what|which) {AWARDS} (?:and nominations )?(?:has|does|did) {{entity}} (?:have|had|got|get)",
            r"(?:what|which) (?:recognition|awards recognition) (?:has|did) {entity} (?:received?|got|get)",
            rf"{{entity}} {AWARDS}",
        ),
        {"entity": PERSON + WORK},
        "awards of Jeon Jong-seo",
        query="awards",
        params={"entity": "entity"},
        answer="outcome",
        label="outcomeLabel",
        detail="{status}",
    ),
    Intent(
        "relationships",
        "relationships of {person}",
        (
            rf"(?:the )?{PARTNER} (?:of|for) {{person}}",
            rf"{{person}}{POSS} {PARTNER}",
            r"who (?:is|was|has been) {person} (?:dating|seeing|in a relationship with|married to|with|going out with|together with|involved with|romantically involved with|a couple with|partnered with|engaged to)",
            r"(?:who|whom) (?:does|did|has|is) {person} (?:date|dated|dating|marry|married|love|loves|see|seeing)",
            r"(?:is|was) {person} (?:dating|in a relationship|married|seeing|with|engaged|single|taken)(?: (?:anyone|someone|anybody|with anyone))?",
            r"who (?:is|was) (?:dating|in a relationship with|married to|with|seeing) {person}",
            r"(?:does|did) {person} have a (?:partner|boyfriend|girlfriend|spouse|husband|wife)",
            r"{person} (?:dating|relationship|partner|love life)",
            r"who (?:is|are) {person} (?:in a couple|coupled up|paired) with",
        ),
        {"person": PERSON},
        "who is Jeon Jong-seo dating?",
        query="relationships",
        answer="other",
        detail="{type} {since}",
    ),
    Intent(
        "disagreements-about",
        "where sources disagree about {entity}",
        (
            r"(?:where|what|which facts|on what|about what) do (?:the )?sources (?:disagree|differ|conflict|contradict each other) (?:on|about|over|regarding|concerning) {entity}",
            r"(?:the )?(?:disagreements?|conflicts?|contradictions?|discrepancies) (?:about|on|over|for|regarding|concerning|between sources (?:about|on)|of sources (?:about|on)) {entity}",
            r"(?:do|does) (?:the )?sources (?:disagree|differ|conflict) (?:on|about|over) {entity}",
            rf"{{entity}}{POSS} (?:disagreements|conflicts|contradictions|discrepancies)",
            r"(?:is there|are there) (?:any )?(?:disagreements?|conflicts?|contradictions?) (?:about|on|over) {entity}",
        ),
        {"entity": ANY},
        "where do sources disagree about Ballerina?",
        query="disagreements",
        answer="claim",
        label="statement",
        detail="{topic}",
        within={"about": "entity"},
    ),
    Intent(
        "disagreements",
        "where the sources disagree",
        (
            r"(?:where|what|which facts|on what|about what) do (?:the )?sources (?:disagree|differ|conflict|contradict each other)(?: on| about)?",
            r"(?:the |all )?(?:disagreements|conflicts|contradictions|discrepancies)(?: between (?:the )?sources)?",
            r"(?:do|does) (?:the )?sources (?:ever )?(?:disagree|differ|conflict)",
            r"(?:is there|are there) (?:any )?(?:disagreements?|conflicts?|contradictions?)(?: between (?:the )?sources)?",
            r"(?:facts|claims) (?:where|on which) (?:the )?sources disagree",
        ),
        {},
        "where do the sources disagree?",
        query="disagreements",
        answer="claim",
        label="statement",
        detail="{topic}",
    ),
    Intent(
        "who-is",
        "who or what {entity} is",
        (
            r"(?:who|what) (?:is|was|are|were) {entity}",
            r"(?:tell me )?(?:something )?about {entity}",
            r"(?:describe|summari[sz]e|summary of|info(?:rmation)? (?:on|about)|details (?:on|about|of)|facts about|background (?:on|of)|bio(?:graphy)? of|profile of|overview of|intro(?:duce)?(?: me to)?) {entity}",
            r"who's {entity}",
            r"{entity}",
        ),
        {"entity": ANY},
        "who is Park Yu-rim?",
        query="about",
        answer="entity",
        # the curators' summary: cited to no article (the sources cited mention the entity)
        detail="in the curators' words: {description}",
    ),
)


def by_name(name: str) -> Intent:
    for i in INTENTS:
        if i.name == name:
            return i
    raise KeyError(name)
