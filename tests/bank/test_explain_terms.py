"""Terms explained in place: Glossary.explain, the `explain_terms` filter of the templates."""

import re
from types import SimpleNamespace

from markupsafe import Markup

from quiz_app.bank.glossary import Glossary, Term
from quiz_app.config import Settings
from quiz_app.templating import highlight_cue, make_templates

GLOSSARY = Glossary(
    (
        Term(term="placebo", forms=["placebos"], explanation='A "dummy" <pill> & nothing more.'),
        Term(term="randomised", forms=["randomized"], explanation="Chance decides the groups."),
        Term(term="NMDA receptor", forms=["NMDA"], explanation="A lock on a nerve cell."),
        Term(term="tolerance", explanation="The body gets used to it."),
    )
)


def summaries(markup: str) -> list[str]:
    return re.findall(r"<summary>(.*?)</summary>", markup, re.S)


def test_explain_escapes_the_text_and_the_explanation() -> None:
    out = GLOSSARY.explain('<script>alert("x")</script> a placebo & more')
    assert out.startswith("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; a ")
    assert (
        '<details class="term"><summary>placebo</summary> <span class="term-note">'
        "A &#34;dummy&#34; &lt;pill&gt; &amp; nothing more.</span></details> &amp; more"
    ) in out
    assert "<script>" not in out and "<pill>" not in out


def test_explain_wraps_only_the_first_occurrence_of_each_term_in_any_spelling() -> None:
    out = GLOSSARY.explain("Placebos, a placebo, randomized and randomised, PLACEBO again.")
    assert summaries(out) == ["Placebos", "randomized"]
    assert out.endswith("</details> and randomised, PLACEBO again.")


def test_explain_leaves_a_term_that_is_part_of_a_longer_word() -> None:
    text = "Intolerance, tolerances, non-placebo arms, placebo-like pills and NMDAR."
    assert GLOSSARY.explain(text) == Markup.escape(text)
    assert summaries(GLOSSARY.explain("tolerance.")) == ["tolerance"]


def test_explain_prefers_the_longest_spelling_and_matches_across_line_breaks() -> None:
    out = GLOSSARY.explain("The NMDA\n  receptor, then NMDA alone.")
    assert summaries(out) == ["NMDA\n  receptor"]


def test_explain_a_term_inside_the_cue_keeps_the_highlight_around_it() -> None:
    claim = "A randomised study found less tolerance in some adults."
    out = GLOSSARY.explain(highlight_cue(claim, "less tolerance in some adults"))
    assert out.startswith('A <details class="term"><summary>randomised</summary>')
    assert re.search(
        r'<mark class="cue">less <details class="term"><summary>tolerance</summary>'
        r' <span class="term-note">The body gets used to it\.</span></details>'
        r" in some adults</mark>\.$",
        out,
    ), out


def test_explain_keeps_markup_and_never_wraps_inside_a_tag_or_a_link() -> None:
    given = Markup(
        '<span title="placebo" data-note="randomised">a <a href="/placebo">placebo</a></span> '
        "and a placebo"
    )
    out = GLOSSARY.explain(given)
    assert out.startswith('<span title="placebo" data-note="randomised">a <a href="/placebo">')
    assert '<a href="/placebo">placebo</a></span> and a <details class="term">' in out
    assert summaries(out) == ["placebo"]


def test_explain_does_not_nest_or_explain_a_term_twice_when_run_again() -> None:
    once = GLOSSARY.explain("A placebo, then placebos, randomised.")
    assert GLOSSARY.explain(once) == once
    assert once.count("<details") == 2


def test_explain_terms_filter_uses_the_glossary_of_the_apps_bank() -> None:
    env = make_templates(Settings(htmx_source="local")).env
    request = SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(bank=SimpleNamespace(glossary=GLOSSARY)))
    )
    template = env.from_string("<p>{{ claim | highlight_cue(cue) | explain_terms }}</p>")
    out = template.render(request=request, claim="Is a placebo <fair>?", cue="placebo")
    assert out.startswith('<p>Is a <mark class="cue"><details class="term"><summary>placebo')
    assert out.endswith("</details></mark> &lt;fair&gt;?</p>")
    assert env.from_string("{{ t | explain_terms }}").render(t="a placebo") == "a placebo"
