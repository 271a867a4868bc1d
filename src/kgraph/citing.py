"""The facts behind each answer of a saved-query kind of question, each cited by exactly the
sources whose named graph states it (see :mod:`kgraph.factbase`)."""

from __future__ import annotations

from .answers import AnswerItem
from .factbase import Fact, FactBase


def _works_with(fb: FactBase, person: str, work: str) -> list[Fact]:
    if fb.sources(person, "actedIn", work):
        return fb.acting_facts(person, work)
    return [fb.worked_on_fact(person, work)]


def _outcome_facts(fb: FactBase, o: str, who: str) -> list[Fact]:
    cats = ", ".join(fb.objects(o, "category"))
    cer = ", ".join(fb.label(c) for c in fb.objects(o, "ceremony"))
    verb = "was nominated for" if fb.is_a(o, "Nomination") else "received"
    what = " at ".join(x for x in (cats, cer) if x) or fb.label(o)
    facts = [fb.fact(f"{fb.label(who)} {verb} {what}", o, "recipient", who)]
    for w in fb.objects(o, "forWork"):
        facts.append(
            fb.fact(
                f"the {'nomination' if verb != 'received' else 'award'} was for {fb.label(w)}",
                o,
                "forWork",
                w,
            )
        )
    return [f for f in facts if f.sources]


def facts_for(
    fb: FactBase, intent: str, links: dict[str, str], item: AnswerItem, interpretation: str = ""
) -> tuple[Fact, ...]:
    """The facts behind one answer of a saved-query kind, each with exactly its sources."""
    a = item.iri or ""
    p = links.get("person", "")
    facts: list[Fact] = []
    if intent == "co-stars":
        for w in sorted(set(fb.objects(p, "actedIn")) & set(fb.objects(a, "actedIn"))):
            facts += fb.acting_facts(p, w)[:1] + fb.acting_facts(a, w)[:1]
    elif intent in ("collaborators", "repeat-collaborators"):
        for w in sorted(set(fb.works_of(p)) & set(fb.works_of(a))):
            facts += _works_with(fb, p, w)[:1] + _works_with(fb, a, w)[:1]
    elif intent == "shared-works":
        facts += _works_with(fb, p, a)[:1] + _works_with(fb, links.get("other", ""), a)[:1]
    elif intent == "cast":
        facts += fb.acting_facts(a, links.get("work", ""))
    elif intent in ("director", "writer", "music", "crew"):
        w = links.get("work", "")
        for prop, what in (
            ("director", "directed"),
            ("screenwriter", "wrote"),
            ("author", "wrote"),
            ("musicBy", "did the music for"),
            ("crewMember", "worked on"),
        ):
            if intent == "crew" and prop != "crewMember":
                continue
            if (
                intent != "crew"
                and {"director": "director", "writer": "screenwriter", "music": "musicBy"}[intent]
                != prop
                and not (intent == "writer" and prop == "author")
            ):
                continue
            if fb.sources(w, prop, a):
                facts.append(fb.fact(f"{fb.label(a)} {what} {fb.label(w)}", w, prop, a))
    elif intent == "directed-by":
        facts.append(fb.fact(f"{fb.label(p)} directed {fb.label(a)}", a, "director", p))
    elif intent in ("films-of", "series-of", "works-of"):
        facts += _works_with(fb, p, a)
        yf = fb.year_fact(a)
        if yf and item.detail and (fb.year(a) or "") in item.detail:
            facts.append(yf)
    elif intent == "who-played":
        c = links.get("character", "")
        for perf in fb.subjects("character", c):
            if a in fb.objects(perf, "performer"):
                for w in fb.objects(perf, "inWork"):
                    facts.append(
                        Fact(
                            f"{fb.label(a)} played {fb.label(c)} in {fb.label(w)}",
                            fb.sources(perf, "character", c),
                        )
                    )
    elif intent in ("character-of", "characters-of"):
        for perf in fb.subjects("character", a):
            for who in fb.objects(perf, "performer"):
                if intent == "character-of" and who != p:
                    continue
                for w in fb.objects(perf, "inWork"):
                    if "work" in links and w != links["work"]:
                        continue
                    facts.append(
                        Fact(
                            f"{fb.label(who)} played {fb.label(a)} in {fb.label(w)}",
                            fb.sources(perf, "character", a),
                        )
                    )
    elif intent in ("awards", "awards-won", "nominations"):
        e = links.get("entity", "")
        facts += _outcome_facts(fb, a, e) if e in fb.objects(a, "recipient") else []
        for w in fb.objects(a, "forWork"):
            if w == e:
                facts.append(fb.fact(f"{fb.label(a)} was for {fb.label(w)}", a, "forWork", w))
    elif intent == "relationships":
        for rel in set(fb.subjects("partner", p)) & set(fb.subjects("partner", a)):
            graphs = set(fb.sources(rel, "partner", p)) & set(fb.sources(rel, "partner", a))
            kind = ", ".join(sorted(fb.objects(rel, "relationshipType"))) or "partners"
            facts.append(
                Fact(f"{fb.label(p)} and {fb.label(a)} are a {kind}", tuple(sorted(graphs)))
            )
            for since in fb.objects(rel, "startDate"):
                facts.append(
                    Fact(
                        f"their relationship began in {since}", fb.sources(rel, "startDate", since)
                    )
                )
    facts = [f for f in dict.fromkeys(facts) if f.sources]
    if not facts and item.sources:
        head = f"{interpretation}: " if interpretation else ""
        tail = f" ({item.detail})" if item.detail else ""
        facts = [Fact(f"{head}{item.label}{tail}", item.sources)]
    return tuple(facts)
