"""Plausible Dutch practice texts built from the demo practices' own words (SYNTHETIC).

A word-level Markov chain (two words of context, one as fallback) learnt from the
titles, summaries, bodies and negative lessons in ``knowledge/data/practices.yaml``:
the generated sentences use the vocabulary, compounds and rhythm of real practice
descriptions, so term frequencies in the search index resemble real text far more
than a fixed word list would. Deterministic for a given ``random.Random``.
"""

import re
from functools import cache

import yaml

from kennisschakel.knowledge.loaders import DATA_FILE

SENTENCE_END = (".", "!", "?")
MARKDOWN_NOISE = re.compile(r"\*\*|\*|`|_")


def _clean(text: str) -> tuple[list[str], list[str]]:
    """Words of the running text, and the section headings (``## …``)."""
    words, headings = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            headings.append(line.lstrip("#").strip())
            continue
        line = MARKDOWN_NOISE.sub("", line.lstrip("-").strip())
        words.extend(line.split())
    return words, headings


class Chain:
    """Order-2 word chain with an order-1 fallback; starts are words after a full stop."""

    def __init__(self, texts: list[str]):
        self.pairs: dict[tuple[str, str], list[str]] = {}
        self.singles: dict[str, list[str]] = {}
        self.starts: list[tuple[str, str]] = []
        self.headings: list[str] = []
        for text in texts:
            words, headings = _clean(text)
            self.headings.extend(headings)
            previous = (".", ".")
            for word in words:
                if previous[1].endswith(SENTENCE_END) and word[:1].isupper():
                    self.starts.append((word, ""))
                self.pairs.setdefault(previous, []).append(word)
                self.singles.setdefault(previous[1], []).append(word)
                previous = (previous[1], word)
        for start in list(self.starts):
            first = start[0]
            following = self.singles.get(first)
            if following:
                self.starts[self.starts.index(start)] = (first, following[0])
        self.starts = [s for s in self.starts if s[1]] or [("De", "gemeente")]

    def sentence(self, rng, max_words: int = 28) -> str:
        first, second = rng.choice(self.starts)
        words = [first, second]
        while not words[-1].endswith(SENTENCE_END) and len(words) < max_words:
            options = self.pairs.get((words[-2], words[-1])) or self.singles.get(words[-1])
            if not options:
                break
            words.append(rng.choice(options))
        text = " ".join(words)
        return text if text.endswith(SENTENCE_END) else text.rstrip(",;:") + "."

    def paragraph(self, rng, words: int) -> str:
        parts, count = [], 0
        while count < words:
            sentence = self.sentence(rng)
            parts.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(parts)


class TitleChain:
    """Order-1 chain over the demo titles, with an explicit end."""

    END = "\x00"

    def __init__(self, titles: list[str]):
        self.next: dict[str, list[str]] = {}
        self.starts = []
        for title in titles:
            words = title.split()
            self.starts.append(words[0])
            for current, following in zip(words, [*words[1:], self.END], strict=True):
                self.next.setdefault(current, []).append(following)

    def title(self, rng, min_words: int = 4, max_words: int = 12) -> str:
        words = [rng.choice(self.starts)]
        while len(words) < max_words:
            following = rng.choice(self.next.get(words[-1]) or [self.END])
            if following == self.END:
                if len(words) >= min_words:
                    break
                following = rng.choice(self.starts).lower()
            words.append(following)
        return " ".join(words).rstrip(",;:")


class Vocabulary:
    """Everything the generator draws from the demo practices."""

    def __init__(self, records: list[dict]):
        self.titles = TitleChain([r["title"] for r in records])
        self.summaries = Chain(
            [r["summary"] for r in records] + [r.get("body") or "" for r in records]
        )
        self.bodies = Chain(
            [r.get("body") or "" for r in records] + [r["summary"] for r in records]
        )
        lessons = [r.get("negative_lessons") or "" for r in records if r.get("negative_lessons")]
        self.lessons = Chain(lessons or [r["summary"] for r in records])
        self.headings = sorted({h for h in self.bodies.headings if len(h) < 60}) or ["Aanpak"]
        self.tags = sorted({t for r in records for t in r.get("tags") or []})
        self.partners = sorted(
            {(r.get("context") or {}).get("partners") or "" for r in records} - {""}
        )
        self.effort = sorted({r.get("effort_cost") or "" for r in records} - {""})

    def body(self, rng, words: int) -> str:
        """Markdown like the demo bodies: an opening paragraph, sections, sometimes a list."""
        parts = [self.bodies.paragraph(rng, max(20, words // 4))]
        left = words - words // 4
        for heading in rng.sample(self.headings, min(len(self.headings), rng.randint(2, 3))):
            share = max(20, left // 3)
            parts.append(f"## {heading}")
            if rng.random() < 0.35:
                parts.append("\n".join(f"- {self.bodies.sentence(rng, 18)}" for _ in range(3)))
            else:
                parts.append(self.bodies.paragraph(rng, share))
        return "\n\n".join(parts)


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or [])
