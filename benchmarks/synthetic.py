"""Synthetic news-like text for benchmarks: sentences from templates and word lists.

The repository's corpus is one short article, far too small to measure scale. These
sentences stand in for a large news corpus: they are grammatical, vary in topic, names,
numbers and length, and so embed into a spread of vectors much like real prose does
(uniform random vectors would make approximate search look easier or harder than it is).
Everything is seeded, so a run is reproducible and an embedding cache can be reused.

    sentences(n, seed)                  n distinct sentences
    questions(n, seed)                  n questions about the same names, places and things
    write_corpus(folder, passages, seed)  articles of paragraphs, `passages` paragraphs in all
"""

from __future__ import annotations

import random
from pathlib import Path

FIRST = ["Elon", "Vladimir", "Maria", "Chen", "Aisha", "Lars", "Priya", "Diego", "Fatima", "Kenji", "Olga", "Samuel",
         "Ines", "Tomasz", "Amara", "Hugo", "Leila", "Marcus", "Yuki", "Ngozi", "Pavel", "Sofia", "Ravi", "Clara"]
LAST = ["Musk", "Putin", "Novak", "Wei", "Okafor", "Lindqvist", "Sharma", "Alvarez", "Haddad", "Tanaka", "Ivanova",
        "Brooks", "Moreau", "Kowalski", "Mensah", "Laurent", "Farouk", "Bell", "Sato", "Adeyemi", "Sokolov", "Rossi"]
ORGS = ["Clubhouse", "Tesla", "SpaceX", "Robinhood", "the city council", "the central bank", "the health ministry",
        "a local football club", "the university", "the port authority", "a solar start-up", "the national museum",
        "the transit agency", "a chip maker", "the regional hospital", "the weather service", "a streaming service",
        "the farmers' union", "the space agency", "an airline", "the water utility", "a publishing house"]
PLACES = ["Moscow", "Berlin", "Lagos", "Tokyo", "São Paulo", "Toronto", "Mumbai", "Nairobi", "Oslo", "Madrid",
          "the riverside district", "the old town", "the northern suburbs", "the harbour", "the valley", "Warsaw",
          "Seoul", "Lisbon", "Cairo", "Melbourne", "the capital", "a small village near the border"]
THINGS = ["an audio chat app", "a new electric car", "a reusable rocket", "a bike-sharing scheme", "interest rates",
          "a vaccine trial", "a football stadium", "a public library", "the annual budget", "a wind farm",
          "a cryptocurrency exchange", "a music festival", "a high-speed railway", "a recycling plant", "school meals",
          "a satellite launch", "a housing project", "a drought plan", "a film premiere", "a data centre",
          "a chess tournament", "a ferry route", "a marathon", "an art exhibition", "a software update"]
VERBS = ["announced", "criticised", "launched", "postponed", "defended", "approved", "rejected", "questioned",
         "praised", "cancelled", "expanded", "reviewed", "funded", "promoted", "delayed", "investigated"]
REASONS = ["after months of talks", "despite strong opposition", "to cut costs", "because of heavy rain",
           "following a public vote", "amid rising prices", "to attract young people", "after a security breach",
           "under pressure from investors", "as demand kept growing", "without giving a reason", "for safety reasons"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
FEELINGS = ["cautiously optimistic", "deeply worried", "surprised", "delighted", "unconvinced", "frustrated"]
UNITS = ["users", "passengers", "visitors", "downloads", "tonnes", "jobs", "homes", "tickets", "students", "votes"]

TEMPLATES = [
    "{person} {verb} {thing} in {place} {reason}.",
    "On {day} {month}, {org} {verb} {thing}, saying it would reach {number} {unit} by {year}.",
    "{org} said {thing} had drawn {number} {unit} in its first {small} weeks.",
    "Critics of {thing} in {place} were {feeling}, and {person} called it a mistake.",
    "\"We are {feeling} about {thing},\" {person} of {org} told reporters in {place}.",
    "The plan for {thing} will cost about {number} million dollars, according to {org}.",
    "{person} invited {person2} to talk about {thing} on {org}'s live stream.",
    "Residents of {place} asked {org} why {thing} was {verb} {reason}.",
    "In {year}, {org} {verb} {thing} and hired {small} hundred staff in {place}.",
    "{person}, who leads {org}, said the decision on {thing} was made {reason}.",
    "A survey of {number} {unit} found most people in {place} {feeling} about {thing}.",
    "The vote on {thing} in {place} was moved to {month} {reason}.",
    "{org} and {org2} agreed to share the cost of {thing} in {place}.",
    "Why did {org} choose {place} for {thing}? {person} said the answer was simple: {reason}.",
    "Shares of {org} rose {small} per cent after it {verb} {thing}.",
    "By the end of {month}, {number} {unit} had signed up for {thing} in {place}.",
]


def sentences(n: int, seed: int = 0) -> list[str]:
    """n distinct sentences; the same n and seed always give the same list."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        sentence = _sentence(rng)
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


QUESTION_TEMPLATES = [
    "Why did {org} {verb_base} {thing}?",
    "What did {person} say about {thing}?",
    "How many {unit} did {thing} draw in {place}?",
    "When will the vote on {thing} take place?",
    "Who leads {org}?",
    "Where is {org} building {thing}?",
    "How much will {thing} cost?",
    "What do people in {place} think of {thing}?",
    "Did {person} invite {person2} to talk on {org}?",
    "{thing} {place}",
]
VERB_BASES = ["announce", "criticise", "launch", "postpone", "approve", "reject", "cancel", "fund", "delay"]


def questions(n: int, seed: int = 0) -> list[str]:
    """n questions, short and keyword-like ones included, as users ask them."""
    rng = random.Random(seed + 1_000_003)
    out = []
    for _ in range(n):
        person, person2 = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
        text = rng.choice(QUESTION_TEMPLATES).format(
            person=person, person2=person2, org=rng.choice(ORGS), place=rng.choice(PLACES), thing=rng.choice(THINGS),
            verb_base=rng.choice(VERB_BASES), unit=rng.choice(UNITS),
        )
        out.append(text[0].upper() + text[1:])
    return out


def write_corpus(folder: Path, passages: int, seed: int = 0, per_article: int = 20) -> list[Path]:
    """Articles of `per_article` paragraphs of 2-6 sentences, `passages` paragraphs in all.

    Paragraphs stay under the chunker's window, so each paragraph is one passage.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pool = iter(sentences(passages * 6, seed))
    paths = []
    for number, start in enumerate(range(0, passages, per_article)):
        paragraphs = [" ".join(next(pool) for _ in range(rng.randint(2, 6))) for _ in range(min(per_article, passages - start))]
        title = f"{rng.choice(ORGS).capitalize()} and {rng.choice(THINGS)} in {rng.choice(PLACES)}"
        path = folder / f"article-{number:05d}.md"
        path.write_text(f"---\ntitle: {title}\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _sentence(rng: random.Random) -> str:
    person, person2 = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
    org, org2 = rng.sample(ORGS, 2)
    text = rng.choice(TEMPLATES).format(
        person=person, person2=person2, org=org, org2=org2, place=rng.choice(PLACES), thing=rng.choice(THINGS),
        verb=rng.choice(VERBS), reason=rng.choice(REASONS), month=rng.choice(MONTHS), day=rng.randint(1, 28),
        year=rng.randint(1995, 2030), number=f"{rng.randint(2, 900) * 1000:,}", small=rng.randint(2, 19),
        unit=rng.choice(UNITS), feeling=rng.choice(FEELINGS),
    )
    return text[0].upper() + text[1:]
