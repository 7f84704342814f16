"""Pages and fragments for students: the quiz, practice, joining an assignment, embedding."""
