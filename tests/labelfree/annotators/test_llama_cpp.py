import numpy as np
import pytest

from graphlabels.labelfree.annotators.llama_cpp import LlamaCppAnnotator, smollm2_path
from graphlabels.labelfree.cache import AnnotationCache

pytestmark = pytest.mark.llm  # loads the real SmolLM2 GGUF in process

LABELS = ["Database", "Human-Computer Interaction"]
TEXTS = ["Indexing B-trees for SQL query processing.", "A user study of menus."]


@pytest.fixture(scope="module")
def verbalizer():
    return LlamaCppAnnotator(mode="verbalizer", n_ctx=1024)


def test_smollm2_path():
    p = smollm2_path()
    assert p.suffix == ".gguf" and p.stat().st_size > 10_000_000


def test_threads_apply_to_prompt_evaluation_too(verbalizer):
    # Verbalizer scoring is prompt (batch) evaluation: llama.cpp would otherwise
    # use every core there, whatever n_threads says.
    assert verbalizer.n_threads == 1
    assert verbalizer.llm.n_threads == 1
    assert verbalizer.llm.context_params.n_threads_batch == 1


def test_label_logprobs_match_a_fresh_evaluation(verbalizer):
    got = verbalizer.label_logprobs(TEXTS[0], LABELS)
    llm = verbalizer.llm
    prompt = verbalizer._chat_prompt(verbalizer._verbalizer_messages(TEXTS[0], LABELS))
    ptoks = llm.tokenize(prompt.encode(), add_bos=False, special=True)
    for name, value in zip(LABELS, got, strict=True):
        ltoks = llm.tokenize(name.encode(), add_bos=False, special=False)
        llm.reset()
        llm.eval(ptoks + ltoks)  # the whole sequence from scratch
        logits = np.asarray(llm.scores[len(ptoks) - 1 : len(ptoks) - 1 + len(ltoks)])
        lp = (
            logits
            - np.log(
                np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)
            )
            - logits.max(1, keepdims=True)
        )
        assert value == pytest.approx(
            float(lp[np.arange(len(ltoks)), ltoks].sum()), abs=1e-3
        )
    assert all(v < 0 for v in got)


def test_verbalizer_calibration_and_cache(tmp_path, verbalizer):
    cache = AnnotationCache(tmp_path / "c.sqlite")
    ann = LlamaCppAnnotator(mode="verbalizer", n_ctx=1024, cache=cache)
    ann._llm = verbalizer.llm  # share the loaded model
    out = ann.annotate(TEXTS, LABELS)
    raw = np.array(ann.label_logprobs(TEXTS[0], LABELS))
    base = np.array(ann.label_logprobs("N/A", LABELS))
    s = raw - base
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    assert out[0].label == int(np.argmax(s))
    # prefix reuse splits the prompt differently: llama.cpp's quantised kernels
    # then differ by ~1e-2 in log-probability
    assert out[0].confidence == pytest.approx(float(p.max()), abs=0.05)
    assert all(a.calls == 1 for a in out)
    again = LlamaCppAnnotator(mode="verbalizer", n_ctx=1024, cache=cache)
    again._llm = verbalizer.llm
    calls = verbalizer.llm.n_tokens  # untouched if everything comes from the cache
    second = again.annotate(TEXTS, LABELS)
    assert [a.label for a in second] == [a.label for a in out]
    assert all(a.cached and a.calls == 0 for a in second) and again.calls_ == 0
    assert verbalizer.llm.n_tokens == calls


def test_generate_mode_parses_or_gives_up():
    ann = LlamaCppAnnotator(mode="generate", n_ctx=1024, max_tokens=24)
    out = ann.annotate(TEXTS[:1], LABELS)[0]
    assert -1 <= out.label < 2 and out.raw
    assert 1 <= out.calls <= 2 and out.prompt_tokens > 50 and out.completion_tokens > 0
    if out.label == -1:
        assert "--fix--" in out.raw  # it tried the self-correction turn


def test_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        LlamaCppAnnotator(mode="chat")
