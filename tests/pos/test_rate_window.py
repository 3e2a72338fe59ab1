"""The limit as the POS states it, and the words a clerk reads: the POS's, never a constant."""

from __future__ import annotations

import httpx
import pytest

from intake_gui.domain.pos_words import GENERIC_WORDS, PosWords
from intake_gui.pos.blaze.words import BLAZE_WORDS
from intake_gui.pos.dutchie.words import DUTCHIE_WORDS
from intake_gui.pos.rate_window import RateFacts, limit_in_text, rate_limit_words, read_rate_facts
from intake_gui.pos.waits import WaitNotice


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("Too many requests - only 5 per minute allowed", (5, 60.0)),
        ("Too many requests - only 60 per minute allowed", (60, 60.0)),
        ("Limit: 100 requests / 10 seconds", (100, 10.0)),
        ("1 request every 2 seconds", (1, 2.0)),
        ("allowed 1000 calls per hour", (1000, 3600.0)),
        ("120/min", (120, 60.0)),
        ("Too many requests", None),
        ("Retry in 5 s", None),
        ("Date range cannot exceed 31 days", None),
        ("", None),
    ],
)
def test_limit_in_text(text: str, limit: tuple[int, float] | None) -> None:
    assert limit_in_text(text) == limit


def test_headers_of_every_common_form() -> None:
    policy = read_rate_facts(httpx.Response(429, headers={"RateLimit-Policy": "5;w=30"}))
    assert (policy.limit, policy.window_s) == (5, 30.0)
    combined = read_rate_facts(
        httpx.Response(200, headers={"RateLimit": "limit=10, remaining=0, reset=7"})
    )
    assert (combined.limit, combined.remaining, combined.reset_s) == (10, 0, 7.0)
    x = read_rate_facts(
        httpx.Response(
            200,
            headers={
                "X-RateLimit-Limit": "60",
                "X-RateLimit-Remaining": "3",
                "X-RateLimit-Reset": "20",
            },
        )
    )
    assert (x.limit, x.window_s, x.remaining, x.reset_s) == (60, 60.0, 3, 20.0)
    assert read_rate_facts(httpx.Response(200)) == RateFacts()
    garbled = read_rate_facts(
        httpx.Response(200, headers={"X-RateLimit-Limit": "lots", "X-RateLimit-Reset": "soon"})
    )
    assert garbled.limit is None and garbled.reset_s is None


def test_the_message_wins_over_a_header() -> None:
    facts = read_rate_facts(
        httpx.Response(429, headers={"X-RateLimit-Limit": "60"}),
        "Too many requests - only 5 per minute allowed",
        retry_after=5.0,
    )
    assert (facts.limit, facts.window_s, facts.retry_after) == (5, 60.0, 5.0)
    assert facts.per_minute == 5.0


def test_words_quote_what_the_pos_said() -> None:
    facts = RateFacts(
        limit=5,
        window_s=60.0,
        retry_after=5.0,
        pos_said="Too many requests - only 5 per minute allowed",
    )
    text = rate_limit_words(facts, DUTCHIE_WORDS, waited_s=65)
    assert "“Too many requests - only 5 per minute allowed”" in text
    assert text.startswith("Dutchie ") and "65 s" in text
    assert "60" not in text


def test_headers_only_are_quoted_as_headers() -> None:
    text = rate_limit_words(RateFacts(retry_after=5.0), BLAZE_WORDS)
    assert "Retry-After: 5 s" in text and text.startswith("BLAZE ")
    assert "Backoffice" not in text


def test_documented_figure_only_when_the_pos_said_nothing() -> None:
    silent = RateFacts()
    assert "documented limit is 60 requests a minute" in rate_limit_words(silent, DUTCHIE_WORDS)
    assert "60" not in rate_limit_words(silent, BLAZE_WORDS)  # BLAZE documents no figure
    said = RateFacts(pos_said="slow down")
    assert "documented" not in rate_limit_words(said, DUTCHIE_WORDS)


def test_no_message_names_a_pos_it_is_not() -> None:
    for words in (DUTCHIE_WORDS, BLAZE_WORDS, GENERIC_WORDS, PosWords(pos_name="Acme")):
        text = rate_limit_words(RateFacts(), words)
        assert "Backoffice" not in text and "60 a minute" not in text


@pytest.mark.parametrize(
    ("notice", "words", "expected"),
    [
        (
            WaitNotice(57, "rate_limit", pos_said="Too many requests - only 5 per minute allowed"),
            DUTCHIE_WORDS,
            "Dutchie refused for its request limit: “Too many requests - only 5 per minute allowed”. "
            "Waiting 57 s for it to reset …",
        ),
        (
            WaitNotice(30, "rate_limit"),
            DUTCHIE_WORDS,
            "Dutchie refused for its request limit (no figure given; documented: 60 a minute). "
            "Waiting 30 s for it to reset …",
        ),
        (
            WaitNotice(12.5, "pacing", limit_per_window=5, window_s=60.0),
            BLAZE_WORDS,
            "Keeping under BLAZE's limit of 5 requests per 60 s: next request in 12 s …",
        ),
        (
            WaitNotice(2, "retry", endpoint="v2/room/get-rooms", pos_said="HTTP 500", attempt=1),
            GENERIC_WORDS,
            "The POS answered “HTTP 500” on v2/room/get-rooms; trying again in 2 s (retry 1) …",
        ),
        (
            WaitNotice(1, "session", pos_said="Session expired"),
            DUTCHIE_WORDS,
            "Dutchie refused the new session (“Session expired”); logging in again in 1 s …",
        ),
        (
            WaitNotice(125, "rate_limit"),
            BLAZE_WORDS,
            "BLAZE refused for its request limit. Waiting 2 min 5 s for it to reset …",
        ),
        (WaitNotice(0, "rate_limit"), BLAZE_WORDS, "BLAZE: done waiting; continuing."),
    ],
)
def test_wait_notices_in_words(notice: WaitNotice, words: PosWords, expected: str) -> None:
    assert notice.describe(words) == expected
