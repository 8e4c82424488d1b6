"""The one place that talks to jieba.

:class:`Segmenter` owns the tokenizer, the domain user dictionary, the stop
words, the dictionary's function words and the IDF prior. No other module
imports jieba.

The cutting itself is done by rjieba (jieba-rs: jieba's dictionary and
algorithm in Rust) when it is installed: on the seed corpus it yields the
same content words as jieba (100 % of 132,580; 99.96 % of word boundaries)
about 18 times faster (see README, Benchmarks). ``DIGEST_SEGMENTER=jieba``
selects the Python jieba, which Material's search keeps using either way.

Which words carry content is read from the part-of-speech tags in jieba's
dictionary (the same table ``jieba.posseg`` starts from) instead of running
``posseg``, which is about five times slower than plain segmentation: a Han
word of two or more characters is content unless the dictionary tags it as a
function word; words it does not know are taken for names and terms.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path

from generator import DATA
from generator.read.frontmatter import surname_rank

try:
    import rjieba
except ImportError:  # optional: jieba alone gives the same words, slower
    rjieba = None

# jieba's dictionary files, found without importing jieba (0.2 s): a build whose
# pages all come from the cache, or that cuts with rjieba, never needs its code.
JIEBA_DATA = Path(importlib.util.find_spec("jieba").origin).parent
TABLES_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news-digest"
USER_DICT = DATA / "userdict.txt"
STOP_WORDS = DATA / "stopwords.txt"
GENERIC_WORDS = DATA / "generic_words.txt"  # name nothing: never a keyword, tag or related reason
HAN = re.compile(r"[\u3400-\u9fff]")


class Segmenter:
    """Cuts Chinese text into words and knows which words carry content."""

    def __init__(self, user_dict: Path = USER_DICT, stop_words: Path = STOP_WORDS, backend: str | None = None):
        self.backend = backend or segmenter_backend()
        problem = backend_problem(self.backend)
        if problem:
            raise ValueError(problem)
        self.user_dict = user_dict
        self.stop_words = frozenset(read_words(stop_words)) | frozenset(read_words(GENERIC_WORDS))
        self._cutter = None  # loaded on first cut: a build whose pages are all cached never cuts
        self.user_words = frozenset(word for word, _, _ in read_user_dictionary(user_dict))
        self._function_words, self.idf, self.median_idf = load_tables(user_dict)
        self._content: dict[str, bool] = {}  # is_content per word, asked hundreds of times each

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` in order, punctuation and spaces included (HMM for unknown words)."""
        if self._cutter is None:
            self._cutter = self._load_cutter()
        return self._cutter(text)

    def _load_cutter(self):
        if self.backend == "rjieba":
            rust = rjieba.Jieba()  # jieba's own dictionary, compiled into jieba-rs
            for word, freq, tag in read_user_dictionary(self.user_dict):
                rust.add_word(word, freq, tag)
            return lambda text: rust.cut(text, True)
        jieba = import_jieba()
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(self.user_dict))
        return lambda text: tokenizer.lcut(text, HMM=True)

    def is_content(self, word: str) -> bool:
        """Nouns, verbs of substance, names and terms: no stop words, numbers or single characters."""
        known = self._content.get(word)
        if known is None:
            known = self._content[word] = self._is_content(word)
        return known

    def _is_content(self, word: str) -> bool:
        if len(word) < 2 or word in self.stop_words or not HAN.search(word):
            return False
        if any(ch.isdigit() for ch in word):
            return False
        if word in self._function_words:
            return False
        # A Han word the dictionary does not know is content when it reads as a person's name
        # (a known surname and one or two characters); otherwise it is most likely the
        # segmenter's guess across a word boundary (付线 from 起付线, 户获 from 脱贫户获赔).
        # Coined terms come whole from quotes (``analyze.tokenize``), places from the gazetteer.
        return word in self.idf or word in self.user_words or (len(word) <= 3 and surname_rank(word) is not None)

    def is_word(self, text: str) -> bool:
        """A word the dictionary knows that names something (方向, 场所, 供给): no function word,
        verb of motion or particle (可以, 所以, 正在)."""
        return text in self.idf and text not in self._function_words and text not in self.stop_words

    def is_name_guess(self, word: str) -> bool:
        """Content only because it reads as a person's name: the dictionary does not know it."""
        return word not in self.idf and word not in self.user_words and self.is_content(word)

    def is_term(self, phrase: str) -> bool:
        """A phrase the text quotes (“政策找人”): content unless it is a stop or function word."""
        return phrase not in self.stop_words and phrase not in self._function_words


def import_jieba():
    """The Python jieba, quietly."""
    with warnings.catch_warnings():
        # jieba 0.42.1 imports pkg_resources (deprecated by setuptools) when it is
        # installed and falls back to plain file access when it is not.
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not ours to print
    return jieba


CONTENT_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "vn", "l", "j", "i", "an"})  # nouns and terms: what names something
CONTENT_TAGS_KEY = ",".join(sorted(CONTENT_TAGS))  # part of the tables' file name


def read_user_dictionary(path: Path):
    """(word, frequency or None, tag or None) per line of a jieba user dictionary."""
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        yield parts[0], freq, tag


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


def segmenter_backend() -> str:
    """rjieba when installed, unless DIGEST_SEGMENTER says otherwise."""
    return os.environ.get("DIGEST_SEGMENTER") or ("rjieba" if rjieba else "jieba")


def backend_problem(backend: str) -> str | None:
    """Why ``backend`` cannot cut words here (a one-line message for the build), or None."""
    if backend not in ("rjieba", "jieba"):
        return f"分词器“{backend}”（DIGEST_SEGMENTER）无效；可选：rjieba、jieba"
    if backend == "rjieba" and rjieba is None:
        return "DIGEST_SEGMENTER=rjieba，但没有安装 rjieba"
    return None


def is_content_tag(tag: str) -> bool:
    return tag[:1] in CONTENT_TAGS or tag in CONTENT_TAGS


def load_tables(user_dict: Path) -> tuple[frozenset[str], dict[str, float], float]:
    """The dictionary's function words and the IDF prior, read from jieba's files once and kept as a marshal file.

    Function words: the Han words of two or more characters that jieba's
    dictionary (or ours) tags as anything but content (particles, pronouns,
    adverbs, numerals …). Parsing jieba's 350,000-line dictionary takes about two
    seconds, and loading all its tags a further half second, which would dominate
    a build whose pages all come from the cache; the 28,000 function words load in
    a hundredth of that.
    """
    sources = [JIEBA_DATA / "dict.txt", JIEBA_DATA / "analyse" / "idf.txt", user_dict]
    stamp = hashlib.sha256(repr(["function words", CONTENT_TAGS_KEY] + [
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]).encode())
    store = TABLES_CACHE / f"tables-{stamp.hexdigest()[:16]}.marshal"
    try:
        return marshal.loads(store.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tags = dict(read_dictionary_tags(sources[0]))
    tags.update(read_dictionary_tags(user_dict))
    function_words = frozenset(w for w, tag in tags.items()
                               if len(w) >= 2 and HAN.search(w) and not is_content_tag(tag))
    idf, median = read_idf(sources[1])
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        temporary = store.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(marshal.dumps((function_words, idf, median)))
        temporary.replace(store)
    except OSError:
        pass  # no writable cache: parse again next time
    return function_words, idf, median


@lru_cache(maxsize=4)
def default_segmenter(user_dict: Path = USER_DICT, stop_words: Path = STOP_WORDS) -> Segmenter:
    """A shared Segmenter per dictionary pair: loading jieba's dictionary takes a second."""
    return Segmenter(user_dict, stop_words)
