"""A teacher's class work: assignments, their join codes and form, and who gets which questions."""
