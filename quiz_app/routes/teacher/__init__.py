"""Pages for teachers: their account, their assignments and dashboards, their own questions."""
