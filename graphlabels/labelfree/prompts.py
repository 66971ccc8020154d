"""Prompts for LLM annotation and robust parsing of the replies.

Three prompt styles from LLM-GNN (Chen et al., ICLR 2024):

- ``vanilla`` (zero-shot): one label and a confidence.
- ``topk``: the ``k`` most likely labels, each with a confidence.
- ``hybrid``: the top-k prompt sampled ``n`` times at a temperature; the samples
  are aggregated by :func:`aggregate_hybrid`.

Replies are asked for as JSON. :func:`parse_reply` accepts JSON, Python literals,
code fences, and free text that names a label; anything else raises
:class:`ParseError`, whose message feeds the one self-correction retry.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PROMPTS",
    "ParseError",
    "Prediction",
    "aggregate_hybrid",
    "build_messages",
    "correction_message",
    "match_label",
    "parse_reply",
    "readable_label_names",
]

PROMPTS = ("vanilla", "topk", "hybrid")

SYSTEM = (
    "You are an expert annotator. You classify a node of a graph (for example a "
    "paper or a web page) into exactly one of the given categories."
)


#: Expansions of abbreviated class names (CiteSeer's), as the LLM-GNN prompts use.
ABBREVIATIONS = {
    "AI": "Artificial Intelligence",
    "ML": "Machine Learning",
    "IR": "Information Retrieval",
    "DB": "Database",
    "HCI": "Human-Computer Interaction",
}


def readable_label_names(names: Sequence[str]) -> list[str]:
    """Class names an LLM can read: abbreviations expanded, ``_`` as spaces."""
    return [ABBREVIATIONS.get(n, n.replace("_", " ")) for n in names]


@dataclass(frozen=True)
class Prediction:
    """One parsed answer: a label index and a confidence in ``[0, 1]``."""

    label: int
    confidence: float


class ParseError(ValueError):
    """The reply could not be turned into a label; the message says why."""


def _format(prompt: str, k: int) -> str:
    if prompt == "vanilla":
        return (
            'Answer with JSON only, in the form {"answer": "<category>", '
            '"confidence": <0-100>}.'
        )
    return (
        f"Give the {k} most likely categories, most likely first, as JSON only, in "
        'the form [{"answer": "<category>", "confidence": <0-100>}, ...]. The '
        "confidences should sum to 100."
    )


def build_messages(
    text: str,
    label_names: Sequence[str],
    prompt: str = "vanilla",
    k: int = 3,
    max_chars: int = 2000,
) -> list[dict[str, str]]:
    """Chat messages asking for the category of ``text``.

    Args:
        text: the node's text (truncated to ``max_chars`` characters).
        label_names: the category names.
        prompt: ``"vanilla"``, ``"topk"`` or ``"hybrid"`` (default: ``"vanilla"``).
        k: number of answers for top-k / hybrid (default: ``3``).
        max_chars: text truncation (default: ``2000``).

    Returns:
        OpenAI-style ``[{"role": ..., "content": ...}]``.
    """
    if prompt not in PROMPTS:
        raise ValueError(f"unknown prompt {prompt!r}: choose one of {PROMPTS}")
    cats = ", ".join(f'"{n}"' for n in label_names)
    user = (
        f"Text:\n{text[:max_chars]}\n\n"
        f"Categories: [{cats}]\n"
        f"Which category does the text belong to? {_format(prompt, k)}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def correction_message(error: str, prompt: str, k: int = 3) -> dict[str, str]:
    """The user turn of the self-correction retry after a malformed reply."""
    return {
        "role": "user",
        "content": f"Your reply could not be read ({error}). {_format(prompt, k)} "
        "Use one of the given category names exactly.",
    }


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def match_label(answer: str, label_names: Sequence[str]) -> int | None:
    """Index of the label ``answer`` names, or ``None``.

    Exact (normalised) match first, then a label contained in the answer (longest
    first), then the answer contained in one label, then a close fuzzy match.
    """
    a = _norm(str(answer))
    if not a:
        return None
    names = [_norm(n) for n in label_names]
    for i, n in enumerate(names):
        if a == n:
            return i
    hits = [(len(n), i) for i, n in enumerate(names) if n and f" {n} " in f" {a} "]
    if hits:
        return max(hits)[1]
    inside = [i for i, n in enumerate(names) if f" {a} " in f" {n} "]
    if len(inside) == 1:
        return inside[0]
    close = difflib.get_close_matches(a, names, n=1, cutoff=0.8)
    return names.index(close[0]) if close else None


def _confidence(value: object) -> float:
    if value is None:
        return 1.0
    if isinstance(value, str):
        m = re.search(r"-?\d+(\.\d+)?", value)
        if not m:
            return 1.0
        value = float(m.group())
    c = float(value)  # type: ignore[arg-type]
    if c > 1.0:
        c = c / 100.0
    return min(max(c, 0.0), 1.0)


def _literal(s: str) -> object:
    try:
        return json.loads(s)
    except (ValueError, TypeError):
        pass
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _structures(reply: str) -> list[object]:
    text = re.sub(r"```(?:json|python)?", "", reply)
    found: list[object] = []
    whole = _literal(text.strip())
    if whole is not None:
        found.append(whole)
    for m in re.finditer(r"\[[^\[\]]*\]|\{[^{}]*\}", text, flags=re.S):
        v = _literal(m.group())
        if v is not None:
            found.append(v)
    return found


def _from_obj(obj: object, label_names: Sequence[str]) -> list[Prediction]:
    items = obj if isinstance(obj, list) else [obj]
    out: list[Prediction] = []
    for it in items:
        if isinstance(it, dict):
            lower = {str(k).lower(): v for k, v in it.items()}
            ans = next(
                (
                    lower[k]
                    for k in ("answer", "label", "category", "class")
                    if k in lower
                ),
                None,
            )
            conf = next(
                (lower[k] for k in ("confidence", "conf", "probability") if k in lower),
                None,
            )
        elif isinstance(it, str):
            ans, conf = it, None
        else:
            continue
        if ans is None:
            continue
        idx = match_label(str(ans), label_names)
        if idx is not None:
            out.append(Prediction(idx, _confidence(conf)))
    return out


def parse_reply(reply: str, label_names: Sequence[str]) -> list[Prediction]:
    """Parse a model reply into predictions, most likely first.

    Args:
        reply: the raw completion text.
        label_names: the category names.

    Returns:
        A non-empty list of :class:`Prediction` (one for vanilla, up to k for top-k).

    Raises:
        ParseError: if no category can be read from the reply.
    """
    if not reply or not reply.strip():
        raise ParseError("the reply was empty")
    for obj in _structures(reply):
        preds = _from_obj(obj, label_names)
        if preds:
            return preds
    # free text: a single category named in the reply
    named = {
        i
        for i, n in enumerate(label_names)
        if _norm(n) and f" {_norm(n)} " in f" {_norm(reply)} "
    }
    if len(named) == 1:
        m = re.search(r"(\d+(\.\d+)?)\s*%", reply)
        return [Prediction(named.pop(), _confidence(m.group(1)) if m else 1.0)]
    if len(named) > 1:
        raise ParseError("the reply names several categories and no JSON answer")
    raise ParseError("no JSON answer naming one of the categories was found")


def aggregate_hybrid(
    samples: Sequence[Sequence[Prediction]], num_classes: int
) -> Prediction:
    r"""Aggregate ``n`` top-k samples (LLM-GNN's hybrid prompt).

    Each label's score is its confidence summed over the samples that list it,
    divided by the number of samples; the answer is the best-scoring label and its
    score is the confidence:

    .. math::
        s(c) = \frac{1}{n} \sum_{j=1}^{n} \sum_{(c', q) \in \mathrm{top}_k^{(j)}}
        q\,[c' = c]

    Args:
        samples: the parsed top-k answers of each sample (empty for a failed one).
        num_classes: number of categories.

    Returns:
        The aggregated :class:`Prediction`; label ``-1`` if no sample parsed.
    """
    n = len(samples)
    score = [0.0] * num_classes
    seen = [False] * num_classes
    for preds in samples:
        used: set[int] = set()
        for p in preds:
            if p.label in used:
                continue
            used.add(p.label)
            score[p.label] += p.confidence
            seen[p.label] = True
    if n == 0 or not any(seen):
        return Prediction(-1, 0.0)
    best = max(range(num_classes), key=lambda c: (seen[c], score[c], -c))
    return Prediction(best, min(score[best] / n, 1.0))
