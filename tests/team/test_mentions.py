"""Mentions and the checks on a comment's text (pure)."""

from factcheck.comments.mentions import (
    MAX_COMMENT_CHARS,
    Person,
    comment_problem,
    emphasise_mentions,
    find_mentions,
    mentioned_ids,
)

PEOPLE = [Person(1, "Rob", "rob"), Person(2, "Rob Reviewer", "rob.r"),
          Person(3, "Edna Editor", "edna")]


def test_longest_name_wins_and_case_is_ignored():
    assert mentioned_ids("@rob reviewer look", PEOPLE) == [2]
    assert mentioned_ids("@Rob, look", PEOPLE) == [1]
    assert mentioned_ids("ask @edna and @Edna Editor", PEOPLE) == [3]


def test_not_a_mention_inside_a_word_or_of_an_unknown_person():
    assert mentioned_ids("mail edna@example.org", PEOPLE) == []
    assert mentioned_ids("@Nobody here", PEOPLE) == []
    assert mentioned_ids("@Robert", PEOPLE) == []


def test_positions_and_emphasis():
    [mention] = find_mentions("hi @Edna Editor!", PEOPLE)
    assert (mention.start, mention.end, mention.person.id) == (3, 15, 3)
    assert emphasise_mentions("hi @edna!", PEOPLE) == "hi **@Edna Editor**!"
    assert emphasise_mentions("@Nobody", PEOPLE) == "@Nobody"


def test_comment_problems():
    assert comment_problem("fine\nwith\ttabs") is None
    assert "Write something" in comment_problem("   ")
    assert "at most" in comment_problem("x" * (MAX_COMMENT_CHARS + 1))
    assert "U+0007" in comment_problem("bell\x07")
    assert "control character" in comment_problem("esc\x1b[31m")
