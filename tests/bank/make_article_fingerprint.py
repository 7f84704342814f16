"""Make tests/bank/article_fingerprint.txt: the fingerprint of the source article that the
"no copied sentences" test checks the bank against, so the article never enters the repository.

The fingerprint is the sorted set of hashes (the first 16 hex digits of SHA-256) of every run of
RUN_WORDS words of the article, its words normalised to lower-case letters. No hash can be read
back into text. Run it again when the article changes, from the repository's root:

    python3 -m tests.bank.make_article_fingerprint ../shared/source/000_*.txt
"""

import argparse
import hashlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

RUN_WORDS = 8  # this many words in a row shared with the article counts as copying
HASH_DIGITS = 16  # hex digits of SHA-256 kept per run: 64 bits, no accidental match in practice
FINGERPRINT = Path(__file__).with_name("article_fingerprint.txt")
HEADER = "# "  # header lines: how the file was made; every other line is one hash


def words(text: str) -> list[str]:
    """Return the text's words, lower case, letters only (punctuation and digits dropped)."""
    return re.findall(r"[a-z]+", text.lower())


def runs(text: str) -> list[str]:
    """Return every run of RUN_WORDS consecutive words of the text, each joined by spaces."""
    found = words(text)
    return [" ".join(found[i : i + RUN_WORDS]) for i in range(len(found) - RUN_WORDS + 1)]


def run_hash(run: str) -> str:
    return hashlib.sha256(run.encode()).hexdigest()[:HASH_DIGITS]


def fingerprint(text: str) -> set[str]:
    """Return the hashes of every run of the text."""
    return {run_hash(run) for run in runs(text)}


def copied_runs(text: str, hashes: set[str]) -> list[str]:
    """Return the runs of the text whose hash is in the fingerprint: the copied word runs."""
    return [run for run in runs(text) if run_hash(run) in hashes]


def read_fingerprint(path: Path = FINGERPRINT) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith(HEADER)}


def header_value(name: str, path: Path = FINGERPRINT) -> str:
    """Return a header field (`# name: value`) of the fingerprint file."""
    prefix = f"{HEADER}{name}: "
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix)
    raise KeyError(name)


def write_fingerprint(sources: Iterable[Path], output: Path = FINGERPRINT) -> int:
    """Write the fingerprint of the articles to output; return how many hashes it holds."""
    text = " ".join(source.read_text(encoding="utf-8") for source in sources)
    hashes = sorted(fingerprint(text))
    header = [
        f"{HEADER}Fingerprint of the source article: tests/bank/make_article_fingerprint.py",
        f"{HEADER}runs of {RUN_WORDS} words, lower-case letters, sha256 first {HASH_DIGITS} hex",
        f"{HEADER}words: {len(words(text))}",
    ]
    output.write_text("\n".join([*header, *hashes]) + "\n", encoding="utf-8")
    return len(hashes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="the article's text files")
    parser.add_argument("--output", type=Path, default=FINGERPRINT)
    args = parser.parse_args(argv)
    count = write_fingerprint(sorted(args.sources), args.output)
    print(f"{args.output}: {count} hashes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
