"""What an LMS talks to: LTI 1.3 launches and the pages they open, and question files for an
LMS's own quiz engine."""
