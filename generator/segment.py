"""The one place that talks to jieba.

:class:`Segmenter` owns the tokenizer, the domain user dictionary, the stop
words, the part-of-speech table and the IDF prior. No other module imports
jieba, so a faster jieba-compatible tokenizer can replace it here alone.

Part-of-speech tags come from jieba's dictionary (the same table
``jieba.posseg`` starts from) instead of running ``posseg``, which is about
five times slower than plain segmentation; words the dictionary does not know
get a tag from their shape.
"""
from __future__ import annotations

import logging
import re
import warnings
from functools import lru_cache
from pathlib import Path

with warnings.catch_warnings():
    # jieba 0.42.1 imports pkg_resources (deprecated by setuptools) when it is
    # installed and falls back to plain file access when it is not.
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import jieba

DATA = Path(__file__).parent / "data"
USER_DICT = DATA / "userdict.txt"
STOP_WORDS = DATA / "stopwords.txt"
HAN = re.compile(r"[\u3400-\u9fff]")
NUMBER = re.compile(r"^[\d０-９.．%％]+$")

jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not ours to print


class Segmenter:
    """Cuts Chinese text into words and knows which words carry content."""

    def __init__(self, user_dict: Path = USER_DICT, stop_words: Path = STOP_WORDS):
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.load_userdict(str(user_dict))
        self.user_dict = user_dict
        self.stop_words = frozenset(read_words(stop_words))
        self._tags = dict(read_dictionary_tags(Path(self._tokenizer.get_dict_file().name)))
        self._tags.update(read_dictionary_tags(user_dict))
        self.idf, self.median_idf = read_idf(Path(jieba.__file__).parent / "analyse" / "idf.txt")

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in order, punctuation and spaces included."""
        return self._tokenizer.lcut(text, HMM=True)

    def tag(self, word: str) -> str:
        """jieba's part-of-speech tag for a word (``x`` for non-words)."""
        tag = self._tags.get(word)
        if tag:
            return tag
        if NUMBER.match(word):
            return "m"
        if HAN.search(word):
            return "nz" if len(word) >= 2 else "x"  # unknown Han words: mostly names and terms
        return "eng" if word.isascii() and word.isalpha() else "x"

    def is_content(self, word: str) -> bool:
        """Nouns, verbs of substance, names and terms: no stop words, numbers or single characters."""
        if len(word) < 2 or word in self.stop_words or not HAN.search(word):
            return False
        if any(ch.isdigit() for ch in word):
            return False
        return self.tag(word)[:1] in CONTENT_TAGS or self.tag(word) in CONTENT_TAGS


CONTENT_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "vn", "v", "l", "j", "i", "an"})


def read_words(path: Path) -> list[str]:
    """One word per line; ``#`` starts a comment."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def read_dictionary_tags(path: Path):
    """(word, tag) pairs from a jieba dictionary file (``word [freq] [tag]``)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and not parts[-1].isdigit():
                yield parts[0], parts[-1]


def read_idf(path: Path) -> tuple[dict[str, float], float]:
    """jieba's IDF table, the prior for corpora too small for their own."""
    idf = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.strip().partition(" ")
            if value:
                idf[word] = float(value)
    values = sorted(idf.values())
    return idf, values[len(values) // 2]


@lru_cache(maxsize=4)
def default_segmenter(user_dict: Path = USER_DICT, stop_words: Path = STOP_WORDS) -> Segmenter:
    """A shared Segmenter per dictionary pair: loading jieba's dictionary takes a second."""
    return Segmenter(user_dict, stop_words)
