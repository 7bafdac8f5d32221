using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet;

/// <summary>
/// A network frozen for inference (<see cref="Mlp.CreatePredictor"/>): a private copy of the model whose Dense weights are
/// packed once into the layouts the kernels read (the GEMM micro-kernel's panels; on the AVX-512 path also the thin
/// product's blocks, for batches under 32), as ONNX Runtime pre-packs a session's weights, instead of being read where
/// they lie on every call. It predicts the same bits as <see cref="Mlp.Predict(Matrix{float})"/> did on the model when
/// the predictor was made, at every batch size, thread count and vector width; faster from a batch of 4.
/// </summary>
/// <remarks>
/// <para>
/// A snapshot: the predictor owns the only copy of its weights, which nothing outside it can reach, so its packed copy can
/// never go stale, and nothing done to the <see cref="Mlp"/> afterwards (training, an optimizer step, a write to a
/// <see cref="Parameter.Value"/>) changes its answers. To serve new weights, create a new predictor.
/// </para>
/// <para>Every method is thread-safe; the allocation-free overloads keep per-thread buffers, as <see cref="Mlp"/>'s do.</para>
/// </remarks>
/// <example>
/// <code>
/// model.Fit(x, y, new CrossEntropyLoss(), new Adam(1e-3f), options);
/// MlpPredictor predictor = model.CreatePredictor();   // once, after training
/// predictor.Predict(batch, scores);                   // as often as needed
/// </code>
/// </example>
public sealed class MlpPredictor
{
    private readonly Mlp _model;

    internal MlpPredictor(Mlp source)
    {
        // A copy through the model format: every layer kind the format stores, with its config and state, bit for bit.
        using var buffer = new MemoryStream();
        source.Save(buffer);
        buffer.Position = 0;
        _model = Mlp.Load(buffer);
        foreach (ILayer layer in _model.Layers)
            if (layer is Dense dense) dense.PackForInference();
    }

    /// <summary>The frozen layers (tests; never handed out, so nothing can change their weights).</summary>
    internal IReadOnlyList<ILayer> Layers => _model.Layers;

    /// <summary>The input width, as <see cref="Mlp.InputCount"/> of the model it was made from.</summary>
    public int? InputCount => _model.InputCount;

    /// <summary>The output width, as <see cref="Mlp.OutputCount"/> of the model it was made from.</summary>
    public int? OutputCount => _model.OutputCount;

    /// <summary>The network's output for a batch, in a new matrix: <see cref="Mlp.Predict(Matrix{float})"/> on the frozen weights.</summary>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <exception cref="ArgumentException">The batch is empty, has the wrong width, or holds NaN or ∞.</exception>
    public Matrix<float> Predict(Matrix<float> input) => _model.Predict(input);

    /// <summary>
    /// Inference into a caller-supplied matrix, allocating nothing once warm: <see cref="Mlp.Predict(Matrix{float}, Matrix{float})"/>
    /// on the frozen weights.
    /// </summary>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <param name="output">Receives the output, N × outputs; a dense matrix, not <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The batch is empty, has the wrong width or holds NaN or ∞, or the output has the wrong shape or is not dense.</exception>
    public void Predict(Matrix<float> input, Matrix<float> output) => _model.Predict(input, output);

    /// <summary>Inference on row-major spans: <see cref="Mlp.Predict(ReadOnlySpan{float}, Span{float})"/> on the frozen weights.</summary>
    /// <param name="input">Row-major rows of <see cref="InputCount"/> finite values.</param>
    /// <param name="output">Receives the row-major output, rows × <see cref="OutputCount"/> values.</param>
    /// <exception cref="ArgumentException">The input is empty or not a whole number of rows, holds NaN or ∞, or the output's length is not rows × <see cref="OutputCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The network fixes no input or no output width.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output) => _model.Predict(input, output);

    /// <inheritdoc/>
    public override string ToString() => $"MlpPredictor({_model})";
}
