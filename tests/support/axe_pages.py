"""Which axe test scans each HTML page the app serves (GET routes, by route name), and why the
other GET routes are not pages. tests/browser/test_axe_pages.py compares it with the route
table, so a new page fails the suite until an axe test scans it; the conformance report
(docs/accessibility.md) rests on it."""

# Scanned by tests/browser/test_axe_pages.py itself (its VISITS say how each is reached).
SCANNED_HERE = (
    "show_set",
    "show_join_code",
    "embed_join",
    "show_login",
    "show_privacy",
    "show_accessibility",
    "show_teacher_home",
    "new_assignment",
    "edit_assignment",
    "confirm_delete_assignment",
    "browse_bank",
    "list_questions",
    "edit_question",
    "show_lti_settings",
)

_STUDENT_FLOW = "tests/browser/test_student_flow.py::test_scan_page_with_axe_finds_no_violations"
_TEACHER_FLOW = (
    "tests/browser/test_teacher_flow.py::test_teacher_watches_two_students_answer_without_reloading"
)
_MANAGE = (
    "tests/browser/test_manage_students.py::test_teacher_manages_one_student_with_the_keyboard"
)
_LTI = (
    "tests/browser/test_lti.py::"
    "test_deep_link_a_set_take_it_in_the_lms_frame_and_the_grade_reaches_the_lms"
)

# Scanned by another browser test, as the flow it tests reaches the page.
SCANNED_ELSEWHERE = {
    "show_sets": _STUDENT_FLOW,
    "show_question": _STUDENT_FLOW,
    "show_results": _STUDENT_FLOW,
    "show_sources": _STUDENT_FLOW,
    "embed_set": (
        "tests/browser/test_embed.py::test_scan_embedded_pages_with_axe_finds_no_violations"
    ),
    "show_join": _TEACHER_FLOW,
    "show_signup": _TEACHER_FLOW,
    "show_assignment": _TEACHER_FLOW,
    "new_question": (
        "tests/browser/test_teacher_flow.py::test_question_editor_shows_problems_as_the_teacher_types"
    ),
    "show_student_answers": _MANAGE,
    "confirm_delete_attempt": _MANAGE,
    "show_lti_picker": _LTI,
    "show_lti_dashboard": _LTI,
    "show_lti_student": _LTI,
    "show_lti_attempts": _LTI,
    "show_lti_link_picker": _LTI,
    "show_lti_presenter": _LTI,
    **{
        name: "tests/browser/test_class_mode.py::"
        "test_class_runs_one_claim_with_a_second_vote_and_a_refresh_in_the_middle"
        for name in ("show_presenter", "show_class_step")
    },
    **{
        name: "tests/browser/test_account_deletion.py::"
        "test_teacher_deletes_their_account_with_the_keyboard"
        for name in ("show_account", "confirm_delete_account", "show_account_deleted")
    },
}

# HTML pages no axe test scans yet: each is a known gap, named in docs/accessibility.md.
NOT_YET_SCANNED: dict[str, str] = {}

# GET routes that answer with something other than an HTML page.
NOT_PAGES = {
    "resume_attempt": "a redirect to the attempt's next question",
    "move_set_export": "a redirect from the files' old address",
    "show_oembed": "oEmbed JSON",
    "start_login": "the LTI login initiation: a redirect to the LMS",
    "show_jwks": "the tool's public keys, JSON",
    "show_canvas_config": "Canvas's tool configuration, JSON",
    "download_questions": "a YAML file",
    **{
        f"{prefix}_{suffix}": "a question file for an LMS"
        for prefix in ("export", "export_assignment", "export_my_questions")
        for suffix in ("qti", "moodle_xml", "gift")
    },
    "show_presenter_step": "the presenter's live part, an htmx fragment (or 204)",
    "show_class_now": "a class page's live part, an htmx fragment (or 204)",
    "stream_presenter_events": "server-sent events",
    "stream_class_events": "server-sent events",
    "show_lti_presenter_step": "the LMS presenter's live part, an htmx fragment (or 204)",
    "stream_lti_presenter_events": "server-sent events",
    **{
        f"export_{name}": "a results file"
        for name in ("answers_csv", "students_csv", "results_json", "items_csv", "datapackage")
    },
}
