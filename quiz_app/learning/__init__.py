"""What a student learns and what is measured: grading, scoring, practice rounds, and the
student's and the class's reports. Pure functions; no I/O."""
