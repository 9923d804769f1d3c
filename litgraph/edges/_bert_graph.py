"""A BERT sentence encoder as an ONNX graph, made from a model's own weights (no export tool, no torch).

The graph is the encoder of BERT (Devlin et al. 2019) as sentence-transformers models use it
(Reimers & Gurevych 2019): token, position and segment embeddings, ``n`` layers of
multi-head self-attention and a GELU feed-forward block, each followed by a residual
LayerNorm; then the mean of the token vectors that the attention mask keeps, scaled to
length 1. Inputs ``input_ids`` and ``attention_mask`` (int64, batch x tokens); output
``embedding`` (float32, batch x hidden), for onnxruntime.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

__all__ = ["bert_graph"]

#: The ONNX operator set the graph is written in (LayerNormalization is in it from 17).
OPSET = 17
#: The ONNX file format version of that operator set.
IR_VERSION = 8


class _Builder:
    """Collects the nodes and weights of one graph; every name is made unique."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list = []
        self.weights: list = []
        self._n = 0

    def weight(self, name: str, value: np.ndarray) -> str:
        self.weights.append(self.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], **attrs) -> str:
        self._n += 1
        out = f"{kind.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(kind, inputs, [out], name=out, **attrs))
        return out

    def dense(self, x: str, w: np.ndarray, b: np.ndarray, name: str) -> str:
        """x @ w.T + b (w as stored by the model: out x in)."""
        return self.op("Add", [self.op("MatMul", [x, self.weight(f"{name}.w", w.T)]), self.weight(f"{name}.b", b)])

    def layer_norm(self, x: str, weights: Mapping[str, np.ndarray], name: str, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.weight(f"{name}.g", weights[f"{name}.weight"]),
                                              self.weight(f"{name}.b", weights[f"{name}.bias"])],
                       axis=-1, epsilon=eps)


def _attention(g: _Builder, x: str, w: Mapping[str, np.ndarray], p: str, heads: int, hidden: int,
               mask_bias: str, heads_shape: str, flat_shape: str) -> str:
    """Multi-head self-attention of layer prefix ``p``: the three projections in one product."""
    qkv_w = np.concatenate([w[f"{p}.attention.self.{k}.weight"] for k in ("query", "key", "value")])
    qkv_b = np.concatenate([w[f"{p}.attention.self.{k}.bias"] for k in ("query", "key", "value")])
    qkv = g.dense(x, qkv_w, qkv_b, f"{p}.qkv")
    g.nodes.append(g.helper.make_node("Split", [qkv, g.weight(f"{p}.split", np.array([hidden] * 3))],
                                      [f"{p}.q", f"{p}.k", f"{p}.v"], axis=-1))
    q, k, v = (g.op("Transpose", [g.op("Reshape", [f"{p}.{t}", heads_shape])], perm=[0, 2, 1, 3])
               for t in ("q", "k", "v"))
    kt = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    scale = g.weight(f"{p}.scale", np.array(1.0 / math.sqrt(hidden // heads), dtype=np.float32))
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, kt]), scale]), mask_bias])
    ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), flat_shape])
    return g.dense(ctx, w[f"{p}.attention.output.dense.weight"], w[f"{p}.attention.output.dense.bias"],
                   f"{p}.attention.output.dense")


def _gelu(g: _Builder, x: str, name: str) -> str:
    """GELU with the error function, as BERT has it: x * (1 + erf(x / sqrt 2)) / 2."""
    half = g.weight(f"{name}.half", np.array(0.5, dtype=np.float32))
    one = g.weight(f"{name}.one", np.array(1.0, dtype=np.float32))
    root = g.weight(f"{name}.sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    erf = g.op("Erf", [g.op("Div", [x, root])])
    return g.op("Mul", [g.op("Mul", [x, half]), g.op("Add", [erf, one])])


def bert_graph(weights: Mapping[str, np.ndarray], *, heads: int, eps: float = 1e-12):
    """The encoder of a BERT model's weights (names as Hugging Face's BertModel saves them) as an ONNX model."""
    from onnx import TensorProto, helper

    g = _Builder()
    w = weights
    hidden = w["embeddings.word_embeddings.weight"].shape[1]
    layers = 1 + max(int(k.split(".")[2]) for k in w if k.startswith("encoder.layer."))
    ids, mask = "input_ids", "attention_mask"
    length = g.op("Shape", [ids], start=1, end=2)  # the number of tokens, as a 1-D array
    # segment 0 everywhere: its embedding is a constant added to the position table; the first `length` rows
    table = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    positions = g.op("Slice", [g.weight("position", table.astype(np.float32)),
                               g.weight("zero", np.array([0], dtype=np.int64)), length,
                               g.weight("axis0", np.array([0], dtype=np.int64))])
    x = g.op("Add", [g.op("Gather", [g.weight("word", w["embeddings.word_embeddings.weight"]), ids], axis=0),
                     positions])
    x = g.layer_norm(x, w, "embeddings.LayerNorm", eps)
    maskf = g.op("Cast", [mask], to=TensorProto.FLOAT)
    # padding gets a large negative score before the softmax: (mask - 1) * 10000, as batch x 1 x 1 x tokens
    bias = g.op("Mul", [g.op("Sub", [maskf, g.weight("one", np.array(1.0, dtype=np.float32))]),
                        g.weight("big", np.array(10000.0, dtype=np.float32))])
    bias = g.op("Unsqueeze", [bias, g.weight("axes12", np.array([1, 2], dtype=np.int64))])
    heads_shape = g.weight("heads_shape", np.array([0, 0, heads, hidden // heads], dtype=np.int64))
    flat_shape = g.weight("flat_shape", np.array([0, 0, hidden], dtype=np.int64))
    for i in range(layers):
        p = f"encoder.layer.{i}"
        a = _attention(g, x, w, p, heads, hidden, bias, heads_shape, flat_shape)
        x = g.layer_norm(g.op("Add", [a, x]), w, f"{p}.attention.output.LayerNorm", eps)
        h = _gelu(g, g.dense(x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"],
                             f"{p}.intermediate"), f"{p}.gelu")
        h = g.dense(h, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"], f"{p}.output.dense")
        x = g.layer_norm(g.op("Add", [h, x]), w, f"{p}.output.LayerNorm", eps)
    # mean of the kept tokens, then unit length
    kept = g.op("Unsqueeze", [maskf, g.weight("axis2", np.array([2], dtype=np.int64))])
    total = g.op("ReduceSum", [g.op("Mul", [x, kept]), g.weight("axis1s", np.array([1], dtype=np.int64))],
                 keepdims=0)
    count = g.op("Max", [g.op("ReduceSum", [kept, g.weight("axis1c", np.array([1], dtype=np.int64))], keepdims=0),
                         g.weight("tiny", np.array(1e-9, dtype=np.float32))])
    mean = g.op("Div", [total, count])
    norm = g.op("Max", [g.op("ReduceL2", [mean], axes=[-1], keepdims=1),  # axes an attribute until opset 18
                        g.weight("tiny_norm", np.array(1e-12, dtype=np.float32))])
    g.nodes.append(helper.make_node("Div", [mean, norm], ["embedding"]))
    graph = helper.make_graph(
        g.nodes, "sentence_encoder",
        [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])], g.weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="litgraph")
    model.ir_version = IR_VERSION  # what opset 17 needs, so an older onnxruntime reads it too
    return model
