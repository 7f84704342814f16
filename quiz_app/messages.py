"""What the app tells people in more than one place, written once: the same mistake reads the
same wherever it happens. A message said in one place stays beside its code."""

NO_SUCH_SET = "There is no question set with that name. Pick one from the list."
NOT_YOUR_ASSIGNMENT = (
    "There is no assignment with this number among yours. Go back to your assignments."
)
NO_SUCH_ATTEMPT = "This {noun} has no such student attempt."  # assignment, or activity (LMS)
NO_QUESTIONS_CHOSEN = "This activity has no questions chosen yet."
CHOOSE_A_VERDICT = "Choose one of the three answers: Research, Hypothesis or Unsupported."
