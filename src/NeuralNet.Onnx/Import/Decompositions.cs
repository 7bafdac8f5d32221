using NeuralNet.Onnx.Protobuf;
using static NeuralNet.Onnx.Import.Pattern;

namespace NeuralNet.Onnx.Import;

/// <summary>What a recognised decomposition becomes.</summary>
internal enum DecompositionKind
{
    LayerNorm,
    ExactGelu,
    TanhGelu,
    SiLU,
    /// <summary>scikit-learn's binary classifier: Sigmoid(z) → p, then Concat([1 − p, p], axis 1).</summary>
    BinaryClassifierTail,
}

/// <summary>
/// The multi-node forms exporters write for one layer. Each is matched from its last node back to the current data
/// tensor; mul and add match their operands in either order.
/// </summary>
internal static class Decompositions
{
    internal static readonly (DecompositionKind Kind, Pattern Root)[] All = Build();

    private static (DecompositionKind, Pattern)[] Build()
    {
        // LayerNorm: d = x − ReduceMean(x); d / √(ReduceMean(d²) + ε) · γ + β, d² as Pow(d, 2) (torch) or Mul(d, d) (NeuralNet).
        Pattern deviation = Op("Sub", X, Op("ReduceMean", X).Where(LastAxisMean, extraInputs: true)).As("d");
        Pattern square = AnyOf(Op("Pow", Ref("d"), Scalar(2, "exponent")), Op("Mul", Ref("d"), Ref("d")));
        Pattern std = Op("Sqrt", Commutative("Add", Op("ReduceMean", square).Where(LastAxisMean, extraInputs: true), Constant("epsilon")));
        Pattern normalized = Op("Div", deviation, std);
        Pattern layerNorm = AnyOf(
            Commutative("Add", Commutative("Mul", normalized, Constant("gamma")), Constant("beta")),
            Commutative("Mul", normalized, Constant("gamma")),
            Commutative("Add", normalized, Constant("beta")),
            normalized);

        // Exact GELU: x · ½(1 + erf(x/√2)), with x/√2 as Div(x, √2) or Mul(x, 1/√2), and ½ applied last or to x first.
        Pattern erf = Commutative("Add", Op("Erf", AnyOf(
            Op("Div", X, Scalar(Math.Sqrt(2), "divisor (√2)")),
            Commutative("Mul", X, Scalar(1 / Math.Sqrt(2), "factor (1/√2)")))), Scalar(1, "addend (1)"));
        Pattern exactGelu = AnyOf(
            Commutative("Mul", Commutative("Mul", X, erf), Scalar(0.5, "factor (½)")),
            Commutative("Mul", Commutative("Mul", X, Scalar(0.5, "factor (½)")), erf));

        // Tanh GELU: ½x(1 + tanh(√(2/π)(x + 0.044715x³))), x³ as Mul(Mul(x, x), x) or Pow(x, 3).
        Pattern cube = AnyOf(Commutative("Mul", Commutative("Mul", X, X), X), Op("Pow", X, Scalar(3, "exponent (3)")));
        Pattern inner = Commutative("Add", X, Commutative("Mul", cube, Scalar(0.044715, "cubic coefficient (0.044715)")));
        Pattern tanh = Commutative("Add", Op("Tanh", Commutative("Mul", inner, Scalar(Math.Sqrt(2 / Math.PI), "factor (√(2/π))"))), Scalar(1, "addend (1)"));
        Pattern tanhGelu = AnyOf(
            Commutative("Mul", Commutative("Mul", X, tanh), Scalar(0.5, "factor (½)")),
            Commutative("Mul", Commutative("Mul", X, Scalar(0.5, "factor (½)")), tanh));

        Pattern silu = Commutative("Mul", X, Op("Sigmoid", X));

        Pattern probability = Op("Sigmoid", X).As("p");
        Pattern tail = Op("Concat", Op("Sub", Scalar(1, "minuend (1)"), probability), Ref("p")).Where(ConcatOverFeatures);

        return
        [
            (DecompositionKind.LayerNorm, layerNorm),
            (DecompositionKind.ExactGelu, exactGelu),
            (DecompositionKind.TanhGelu, tanhGelu),
            (DecompositionKind.SiLU, silu),
            (DecompositionKind.BinaryClassifierTail, tail),
        ];
    }

    /// <summary>ReduceMean over the last axis of [batch, features] with the dimension kept.</summary>
    private static string? LastAxisMean(NodeProto node, GraphIndex graph)
    {
        long[]? axes = Attributes.Ints(node, "axes");
        if (node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            if (!graph.IsConstant(node.Input[1]) || graph.IsData(node.Input[1])) return "takes its axes from a computed tensor";
            axes = graph.IntegerConstant(node.Input[1]);
        }
        if (node.Input.Count > 2) return "has more inputs than ReduceMean takes";
        if (axes is null || axes.Length != 1 || axes[0] is not (-1 or 1))
            return $"reduces over axes [{string.Join(", ", axes ?? [])}], not the last axis [-1]";
        if (Attributes.Int(node, "keepdims", 1) != 1) return "drops the reduced dimension (keepdims = 0)";
        return null;
    }

    private static string? ConcatOverFeatures(NodeProto node, GraphIndex graph) =>
        Attributes.Int(node, "axis", 0) is 1 or -1 ? null : $"concatenates over axis {Attributes.Int(node, "axis", 0)}, not 1";
}
