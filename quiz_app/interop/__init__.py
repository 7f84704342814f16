"""Questions in and out of other quiz engines: QTI 2.1, Moodle XML and GIFT.

`mapping` says once what every format shows of a question (prompt, choices, feedback) and which
bank fields travel as round-trip metadata; `drafts` is what an importer read, and `validation`
turns it into validated bank items or line-numbered problems. `qti`, `moodle` and `gift` only
read and write their syntax. Every function here is pure (text or bytes in, text, bytes or
results out), but for `files`, which makes the downloads of those files.
"""
