import pytest

from graphlabels.labelfree.prompts import (
    ParseError,
    Prediction,
    aggregate_hybrid,
    build_messages,
    correction_message,
    match_label,
    parse_reply,
)

NAMES = ["Agents", "Machine Learning", "Information Retrieval", "Database", "AI", "HCI"]


def test_build_messages_lists_categories_and_format():
    for prompt in ("vanilla", "topk", "hybrid"):
        msgs = build_messages(
            "A paper about SQL joins." * 200, NAMES, prompt, k=2, max_chars=100
        )
        assert [m["role"] for m in msgs] == ["system", "user"]
        user = msgs[1]["content"]
        assert all(f'"{n}"' in user for n in NAMES)
        assert (
            "A paper about SQL joins." in user and user.count("SQL") <= 5
        )  # truncated
        assert ("2 most likely" in user) == (prompt != "vanilla")
    with pytest.raises(ValueError, match="unknown prompt"):
        build_messages("t", NAMES, "cot")
    assert (
        "could not be read (boom)" in correction_message("boom", "vanilla")["content"]
    )


@pytest.mark.parametrize(
    "answer, idx",
    [
        ("database", 3),
        ("Machine-Learning", 1),
        ("The answer is Information Retrieval.", 2),
        ("ai", 4),
        ("Databse", 3),
        ("Biology", None),
        ("", None),
    ],
)
def test_match_label(answer, idx):
    assert match_label(answer, NAMES) == idx


@pytest.mark.parametrize(
    "reply, first",
    [
        ('{"answer": "Database", "confidence": 80}', Prediction(3, 0.8)),
        ('```json\n{"answer": "HCI", "confidence": 0.9}\n```', Prediction(5, 0.9)),
        ("{'answer': 'Agents', 'confidence': '70%'}", Prediction(0, 0.7)),
        (
            'Sure! Here it is: {"label": "AI", "confidence": 100} Hope it helps',
            Prediction(4, 1.0),
        ),
        ("I think it is Machine Learning, 60% sure.", Prediction(1, 0.6)),
        ('{"answer": "Database"}', Prediction(3, 1.0)),
    ],
)
def test_parse_reply_variants(reply, first):
    assert parse_reply(reply, NAMES)[0] == first


def test_parse_topk_list_in_order():
    reply = (
        '[{"answer": "AI", "confidence": 50}, {"answer": "Agents", "confidence": 30},'
        ' {"answer": "Zoology", "confidence": 20}]'
    )
    assert parse_reply(reply, NAMES) == [Prediction(4, 0.5), Prediction(0, 0.3)]


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "I cannot answer that.",
        "Text: about Database and HCI",
        '{"answer": 42',
    ],
)
def test_parse_reply_rejects_malformed(reply):
    with pytest.raises(ParseError):
        parse_reply(reply, NAMES)


def test_aggregate_hybrid_sums_confidence_over_samples():
    samples = [
        [Prediction(1, 0.6), Prediction(2, 0.4)],
        [Prediction(2, 0.9), Prediction(1, 0.1)],
        [Prediction(1, 0.5), Prediction(1, 0.5)],  # repeated label counted once
        [],  # a failed sample
    ]
    out = aggregate_hybrid(samples, 6)
    # label 1: (0.6 + 0.1 + 0.5) / 4 = 0.3, label 2: (0.4 + 0.9) / 4 = 0.325
    assert out.label == 2 and out.confidence == pytest.approx(0.325)
    assert aggregate_hybrid([[], []], 6) == Prediction(-1, 0.0)
