"""Publishing: fact-check pages, their ClaimReview markup and its validator."""
