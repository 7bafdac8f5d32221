using Google.Protobuf;
using NeuralNet.Onnx.Import;
using NeuralNet.Onnx.Protobuf;

namespace NeuralNet.Onnx;

/// <summary>
/// Reads an ONNX model of a feed-forward network — as PyTorch's <c>torch.onnx.export</c>, scikit-learn's skl2onnx or
/// <see cref="OnnxExporter"/> write one — into an <see cref="Mlp"/> that predicts what the model computes, and that can be
/// trained further, saved and exported again.
/// </summary>
/// <remarks>
/// <para>
/// The graph must have one data input (a graph input that is not an initializer; weights listed as inputs with
/// initializers are constants), float32 of shape [batch, features]. The output is the one named <c>probabilities</c>
/// (a scikit-learn classifier's) or else the one float32 output. Only the nodes on the path from the input to that output
/// count: a classifier's label branch (ArgMax, ArrayFeatureExtractor, Cast, Reshape, ZipMap) is ignored. From the input,
/// each step must be one of these, whose other operands are constants (initializers or <c>Constant</c> nodes):
/// </para>
/// <list type="bullet">
/// <item><c>Gemm</c> (alpha, beta, transB either way, C optional of [outputs] or [1, outputs]) → <see cref="Layers.Dense"/>
/// (W·alpha, b·beta); <c>MatMul</c> by a constant [inputs, outputs], with or without an <c>Add</c> of a constant [outputs]
/// after it (either operand order) → <see cref="Layers.Dense"/> (W the transpose of MatMul's B, b zero without the Add).</item>
/// <item><c>Relu</c>, <c>LeakyRelu</c>(alpha), <c>Elu</c>(alpha), <c>Sigmoid</c>, <c>Tanh</c>, <c>Softplus</c>, <c>Gelu</c>
/// → the layer of that name; <c>Softmax</c> over axis −1 (or 1) → <see cref="Layers.Softmax"/>; <c>Clip</c>(−1, 1),
/// bounds as inputs or as attributes → <see cref="Layers.HardTanh"/>.</item>
/// <item><c>BatchNormalization</c> (inference form) → <see cref="Layers.BatchNorm"/> with its scale, B, mean, var and epsilon
/// (momentum m becomes 1 − m, ONNX's momentum weighing the old statistic, unless NeuralNet wrote the file);
/// <c>LayerNormalization</c> (axis −1) and its decomposition (ReduceMean, Sub, Pow or Mul, ReduceMean, Add ε, Sqrt, Div,
/// Mul γ, Add β) → <see cref="Layers.LayerNorm"/>.</item>
/// <item>GELU written out — erf form x·½(1 + erf(x/√2)) and tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))), constants
/// within 1e-6 relative — → <see cref="Layers.GELU"/>; <c>Mul</c>(x, <c>Sigmoid</c>(x)) → <see cref="Layers.SiLU"/>.</item>
/// <item><c>Identity</c>, <c>Dropout</c> (inference), <c>Flatten</c>(axis 1), <c>Cast</c> to float32 and a <c>Reshape</c>
/// that keeps [batch, features] → nothing.</item>
/// <item>scikit-learn's binary classifier, Dense(h → 1), <c>Sigmoid</c> → p, <c>Sub</c>(1, p), <c>Concat</c>([1 − p, p]) →
/// Dense(h → 2) with rows (−w/2, w/2) and biases (−b/2, b/2), then <see cref="Layers.Softmax"/>: softmax(−z/2, z/2) is
/// (σ(−z), σ(z)) = (1 − p, p), the same two columns as one differentiable network.</item>
/// </list>
/// <para>
/// The whole file is read before it is parsed, and every length in it is checked against the bytes actually there: a
/// damaged file costs no more memory than its size.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Mlp model = OnnxImporter.Import("model.onnx");   // from torch.onnx.export or skl2onnx
/// var predictions = model.Predict(batch);
/// </code>
/// </example>
public static class OnnxImporter
{
    /// <summary>Reads the ONNX model in the file <paramref name="path"/>.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>A network that computes what the model's graph computes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed ONNX model (truncated, damaged, not ONNX at all).</exception>
    /// <exception cref="NotSupportedException">
    /// The model is well-formed but holds something the importer cannot map (an unknown operator, a graph that is not a
    /// chain, a non-float tensor, an attribute outside what the layer supports); the message names the node, its operator and why.
    /// </exception>
    public static Mlp Import(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromBytes(File.ReadAllBytes(path));
    }

    /// <summary>Reads an ONNX model from <paramref name="stream"/>, to its end.</summary>
    /// <param name="stream">A readable stream positioned at the model; it is left open.</param>
    /// <returns>A network that computes what the model's graph computes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model (truncated, damaged, not ONNX at all).</exception>
    /// <exception cref="NotSupportedException">
    /// The model is well-formed but holds something the importer cannot map; the message names the node, its operator and why.
    /// </exception>
    public static Mlp Import(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return FromBytes(buffer.ToArray());
    }

    private static Mlp FromBytes(byte[] bytes)
    {
        ModelProto model;
        try
        {
            // Parsing from the bytes themselves: every length prefix is checked against what remains of them.
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The {bytes.Length} bytes are not an ONNX model: {e.Message}", e);
        }
        try
        {
            return ChainBuilder.Build(model);
        }
        catch (Exception e) when (e is not (NotSupportedException or InvalidDataException or OutOfMemoryException))
        {
            // A well-formed protobuf whose values contradict each other (an overflowing dimension, say).
            throw new InvalidDataException($"The ONNX model is inconsistent: {e.Message}", e);
        }
    }
}
