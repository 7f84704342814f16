"""The question bank: its vocabulary, the question models and content rules, the bundled sets,
and teachers' own questions."""
