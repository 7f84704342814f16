"""Benchmark: the server's work to import a 1 MB GIFT file and a 1 MB Moodle XML file.

Run: python bench/imports.py [--repeat 3]

Each file goes through `authoring.read_question_file`, which is all the upload route
(`POST /teacher/questions/upload`) does with a file, in this process, so the CPU time printed is
the server's CPU for one request. The files, each just under the 1 MB upload limit:
- gift-answers: one GIFT question with about 300,000 answers (the issue's quadratic case);
- gift-questions: the bundled bank exported as GIFT, repeated (the reader stops past 500);
- moodle-questions: the bundled bank exported as Moodle XML, repeated the same way;
- moodle-answers: one Moodle XML question with as many answers as fit.
"""

import argparse
import time
from collections.abc import Callable

from quiz_app.bank import authoring
from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.interop import gift, moodle
from quiz_app.paths import bundled

LIMIT = authoring.MAX_UPLOAD_BYTES


def _fill(unit: bytes, head: bytes = b"", tail: bytes = b"") -> bytes:
    """Return head, as many copies of unit as fit under the limit, and tail."""
    count = (LIMIT - len(head) - len(tail)) // len(unit)
    return head + unit * count + tail


def _files(bank: Bank) -> dict[str, bytes]:
    questions = list(bank.questions.values())
    gift_set = gift.to_gift(questions, set_title="Bench").encode()
    xml_set = moodle.to_moodle_xml(questions, set_title="Bench")
    xml_head, _, xml_rest = xml_set.partition(b'<question type="multichoice">')
    xml_body = b'<question type="multichoice">' + xml_rest.rsplit(b"</quiz>", 1)[0]
    answer = b'<answer fraction="0"><text>a</text></answer>\n'
    return {
        "gift-answers": _fill(b"~a\n", b"::q::My friend says so. {\n=Right\n", b"}\n"),
        "gift-questions": _fill(gift_set + b"\n"),
        "moodle-questions": _fill(xml_body, xml_head, b"</quiz>\n"),
        "moodle-answers": _fill(
            answer,
            b'<quiz><question type="multichoice"><name><text>q</text></name>\n',
            b"</question></quiz>\n",
        ),
    }


def _measure(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the best wall time and the best CPU time of `repeat` runs, in seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bank = load_bank(bundled("questions"))
    print(f"{'file':<18} {'bytes':>9} {'wall s':>8} {'CPU s':>8}  first problem")
    for name, raw in _files(bank).items():
        suffix = ".gift" if name.startswith("gift") else ".xml"
        result: list[list[str]] = []

        def run(raw: bytes = raw, suffix: str = suffix, result: list[list[str]] = result) -> None:
            result[:] = [authoring.read_question_file(raw, "bench" + suffix, bank, set())[1]]

        wall, cpu = _measure(run, args.repeat)
        problem = (result[0][:1] or ["(imported)"])[0][:70]
        print(f"{name:<18} {len(raw):>9,} {wall:>8.3f} {cpu:>8.3f}  {problem}")


if __name__ == "__main__":
    main()
