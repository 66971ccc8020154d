"""Label-free node classification: train a GNN without a single human label.

This follows *Label-free Node Classification on Graphs with Large Language Models*
(LLM-GNN, Chen et al., ICLR 2024):

1. pick a small budget of nodes worth annotating (a selection strategy);
2. let a model annotate them from their text (an LLM, or here a sentence embedder);
3. drop the annotations that look unreliable (the PS post-filter);
4. train a GCN on what is left, and score it on every other node.

Run it from the project root (offline; about a minute on a laptop CPU):

    python examples/label_free_tutorial.py

It needs the ``llm`` extra (``pip install 'graphlabels[llm]'``) and the datasets in
``../shared/datasets`` (or ``$GRAPHLABELS_DATA``).
"""

import os
from pathlib import Path

import torch

from graphlabels.labelfree import (
    EmbeddingAnnotator,
    LabelFreePipeline,
    load_text_graph,
    post_filter,
)
from graphlabels.labelfree.annotators import to_tensors
from graphlabels.labelfree.prompts import readable_label_names
from graphlabels.labelfree.selection import c_density, select

root = os.environ.get("GRAPHLABELS_DATA") or str(
    Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
)

# --- 1. A text-attributed graph ---
# The WebKB Cornell pages (TAG-Benchmark). It ships no features, so
# load_text_graph embeds the page texts with all-MiniLM-L6-v2 (cached on disk).
graph = load_text_graph("cornell", root)
names = readable_label_names(graph.class_names)
print(graph)
print("classes:", names)

# --- 2. Select nodes to annotate ---
# Budget = 20 per class, as in the paper. DA-PageRank mixes the PageRank rank with
# the C-Density rank (nodes near a feature cluster centre are easier to annotate).
budget = 20 * len(names)
picked = select(
    "da-pagerank", graph.edge_index, graph.x, budget, num_classes=len(names), seed=0
)
print(
    f"selected {picked.numel()} of {graph.num_nodes} nodes, e.g. {picked[:5].tolist()}"
)

# --- 3. Annotate ---
# The embedding annotator compares each text with "This text is about <class>." and
# returns a label and a softmax confidence. Swap in an LLM with, e.g.,
#   LlamaCppAnnotator()                       # SmolLM2-135M in process
#   OpenAIAnnotator("http://127.0.0.1:8080/v1", "any", prompt="topk",
#                   cache=AnnotationCache("annotations.sqlite"), max_cost_usd=1.0)
annotator = EmbeddingAnnotator()
annotations = annotator.annotate([graph.texts[i] for i in picked.tolist()], names)
y_llm, conf = to_tensors(annotations)
acc = (y_llm == graph.y[picked]).float().mean().item() * 100
print(f"annotation accuracy {acc:.1f}% (ground truth used only to report this)")

# --- 4. Post-filter ---
# PS: rank confidence, change of label entropy (on the LLM labels only) and C-Density;
# greedily remove the lowest-scoring 10%.
keep = post_filter(y_llm, conf, c_density(graph.x, len(names))[picked], fraction=0.1)
kept_acc = (y_llm[keep] == graph.y[picked][keep]).float().mean().item() * 100
print(f"kept {int(keep.sum())} annotations, accuracy {kept_acc:.1f}%")

# --- 5. All of it, with a GCN, over three seeds ---
pipe = LabelFreePipeline(
    annotator, selection="da-pagerank", filter="ps", seeds=(0, 1, 2), epochs=200
).fit(graph)
print(
    f"GCN on LLM-free labels: {pipe.test_acc_mean_:.2f} ± {pipe.test_acc_std_:.2f} "
    f"on the {graph.num_nodes - budget} nodes not annotated "
    f"(annotations {pipe.annotation_acc_:.1f}% correct)"
)
majority = torch.bincount(graph.y).max().item() / graph.num_nodes * 100
print(f"for scale: always answering the majority class scores {majority:.1f}%")
