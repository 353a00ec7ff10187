"""Comment threads on claims: Markdown, @mentions, resolved review remarks."""
