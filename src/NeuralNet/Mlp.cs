using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;

namespace NeuralNet;

/// <summary>
/// A multilayer perceptron: the lecture's chain h⁽⁰⁾ = x, h⁽ᵏ⁾ = g(W⁽ᵏ⁾ h⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾), as a list of layers.
/// Batches are matrices with one sample per row.
/// </summary>
/// <example>
/// <code>
/// var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
/// var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);
/// float loss = model.ComputeGradients(inputs, targets, new BinaryCrossEntropyLoss());
/// optimizer.Step(model.Parameters);
/// Matrix&lt;float&gt; probabilities = model.Predict(inputs);
/// </code>
/// </example>
/// <remarks>
/// <see cref="Predict(Matrix{float})"/> is safe to call from many threads at once. <see cref="Forward"/>,
/// <see cref="Backward"/> and <see cref="ComputeGradients"/> keep per-batch state in the layers and must
/// not run concurrently on one model.
/// </remarks>
public sealed partial class Mlp
{
    private readonly ILayer[] _layers;
    private readonly Parameter[] _parameters;
    private Matrix<float>? _lossGradient;
    // Per-thread buffers of the allocation-free Predict overloads, for the last two batch sizes.
    private readonly ThreadLocal<PredictScratch> _predictScratch;
    // Every layer is built in (IPredictInto): in inference each computes a row from that row alone.
    private readonly bool _rowIndependent;
    // Each layer as IPredictInto, or null for a user's own layer: cast once here rather than on every Predict.
    private readonly IPredictInto?[] _predictInto;
    // Multiply-adds of the Dense layers' products per row: whether a batch is worth cutting into row blocks.
    private readonly long _multiplyAddsPerRow;

    /// <summary>Creates a network from its layers, in order from input to output.</summary>
    /// <param name="layers">At least one layer. Each layer that fixes its input width (<see cref="ILayer.InputWidth"/>) must get it from the layers before.</param>
    /// <exception cref="ArgumentException">No layers, a null layer, a layer used twice, or widths that don't chain.</exception>
    public Mlp(params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        for (int k = 0; k < layers.Length; k++)
        {
            if (layers[k] is null) throw new ArgumentException($"Layer {k} is null.", nameof(layers));
            if (Array.IndexOf(layers, layers[k]) != k)
                throw new ArgumentException($"Layer {k} ({layers[k]}) is the same instance as layer {Array.IndexOf(layers, layers[k])}; each layer keeps its own state.", nameof(layers));
        }
        _layers = (ILayer[])layers.Clone();

        // Widths chain: a layer that fixes its input width must get it from the layers before.
        int? width = null;
        for (int k = 0; k < _layers.Length; k++)
        {
            ILayer layer = _layers[k];
            if (layer.InputWidth is { } required)
            {
                if (width is { } w && required != w)
                    throw new ArgumentException(
                        $"Layer {k} ({layer}) expects {required} inputs but the layers before it produce {w}.", nameof(layers));
                if (width is null) InputCount ??= required;
                width = required;
            }
            width = layer.OutputWidth(width);
            if (layer is INetworkLayer weighted) weighted.InitializeBefore(InitializationAfter(k));
        }
        OutputCount = width;
        _parameters = _layers.SelectMany(layer => layer.Parameters).ToArray();
        _predictInto = Array.ConvertAll(_layers, layer => layer as IPredictInto);
        _rowIndependent = Array.TrueForAll(_predictInto, layer => layer is not null);
        _multiplyAddsPerRow = _layers.OfType<Dense>().Sum(dense => (long)dense.Inputs * dense.Outputs);
        int layerCount = _layers.Length;
        _predictScratch = new ThreadLocal<PredictScratch>(() => new PredictScratch(layerCount));
    }

    /// <summary>The layers, from input to output.</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>Every layer's parameters, in layer order (for each Dense layer: weights, then bias).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The input width the network expects (that of its first layer to fix one, such as a <see cref="Dense"/>), or null if none does.</summary>
    public int? InputCount { get; }

    /// <summary>The width of the network's output (that of its last layer to fix one), or null if none does.</summary>
    public int? OutputCount { get; }

    /// <summary>Training forward pass: runs every layer, each keeping what <see cref="Backward"/> needs.</summary>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <returns>The output batch. It belongs to the network and is overwritten by the next call.</returns>
    /// <exception cref="ArgumentException">The batch is empty, has the wrong width, or holds NaN or ∞.</exception>
    public Matrix<float> Forward(Matrix<float> input)
    {
        CheckInput(input);
        return ForwardThrough(input, _layers.Length);
    }

    /// <summary>
    /// Backward pass for the last <see cref="Forward"/>, the lecture's algorithm: from ∂J/∂output, layer by layer in
    /// reverse, it sets every <see cref="Parameter.Gradient"/> (overwriting, not accumulating) and returns ∂J/∂input.
    /// </summary>
    /// <param name="outputGradient">∂J/∂output, the shape of the last output.</param>
    /// <returns>∂J/∂input. It belongs to the network and is overwritten by the next call.</returns>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's, or it holds NaN or ∞.</exception>
    /// <exception cref="InvalidOperationException">No forward pass came before.</exception>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Shapes.RequireFinite(outputGradient, nameof(outputGradient));
        return BackwardFrom(outputGradient, _layers.Length, inputGradient: true)!;
    }

    /// <summary>
    /// One training step's worth of work: forward, loss and backward. Sets every <see cref="Parameter.Gradient"/>
    /// (overwriting) and returns the data loss L (without weight decay, which the optimizer applies).
    /// </summary>
    /// <remarks>
    /// A loss that fuses with the network's output unit (<see cref="IFusedLoss"/>: <see cref="CrossEntropyLoss"/> after a
    /// <see cref="Softmax"/>, <see cref="BinaryCrossEntropyLoss"/> after a <see cref="Sigmoid"/>) is computed from the logits,
    /// and the gradient at the logits is exactly (ŷ − y)/N, so logits of ±1000 still give finite numbers.
    /// </remarks>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <param name="target">The targets, N × outputs.</param>
    /// <param name="loss">The loss to minimise.</param>
    /// <returns>The loss of the batch, averaged over its N rows.</returns>
    /// <exception cref="ArgumentException">Empty batch, wrong widths, mismatched row counts, non-finite values, or targets the loss rejects.</exception>
    public float ComputeGradients(Matrix<float> input, Matrix<float> target, ILoss loss) =>
        ForwardLossBackward(input, target, loss, default, weighted: false);

    /// <summary>
    /// <see cref="ComputeGradients"/> with a weight per row (<see cref="Training.TrainingOptions.SampleWeights"/>): the loss is
    /// Σₙ wₙLₙ / Σₙ wₙ, so a row of weight 2 counts as if it appeared twice in the batch.
    /// </summary>
    internal float ComputeWeightedGradients(Matrix<float> input, Matrix<float> target, ILoss loss, ReadOnlySpan<float> sampleWeights) =>
        ForwardLossBackward(input, target, loss, sampleWeights, weighted: true);

    private float ForwardLossBackward(Matrix<float> input, Matrix<float> target, ILoss loss, ReadOnlySpan<float> sampleWeights, bool weighted)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckInput(input);
        ArgumentNullException.ThrowIfNull(target);
        if (target.RowCount != input.RowCount)
            throw new ArgumentException($"The target has {target.RowCount} rows but the input has {input.RowCount}.", nameof(target));
        if (OutputCount is { } outputs && target.ColumnCount != outputs)
            throw new ArgumentException($"The target has {target.ColumnCount} columns but the network has {outputs} outputs.", nameof(target));

        if (loss is IFusedLoss fused && _layers[^1].GetType() == fused.FusedOutputUnit)
        {
            // Stop before the output unit: the fused loss takes the logits and returns ∂L/∂z.
            Matrix<float> logits = ForwardThrough(input, _layers.Length - 1);
            _lossGradient = Shapes.Reuse(_lossGradient, logits.RowCount, logits.ColumnCount);
            float fusedLoss = weighted
                ? fused.LossAndGradientAtLogits(logits, target, sampleWeights, _lossGradient)
                : fused.LossAndGradientAtLogits(logits, target, _lossGradient);
            BackwardFrom(_lossGradient, _layers.Length - 1, inputGradient: false);
            return fusedLoss;
        }

        Matrix<float> prediction = ForwardThrough(input, _layers.Length);
        _lossGradient = Shapes.Reuse(_lossGradient, prediction.RowCount, prediction.ColumnCount);
        float value;
        if (weighted)
        {
            value = loss.Loss(prediction, target, sampleWeights);
            loss.Gradient(prediction, target, sampleWeights, _lossGradient);
        }
        else
        {
            value = loss.Loss(prediction, target);
            loss.Gradient(prediction, target, _lossGradient);
        }
        BackwardFrom(_lossGradient, _layers.Length, inputGradient: false);
        return value;
    }

    /// <summary>Inference: the network's output for a batch, in a new matrix. Touches no training state; thread-safe.</summary>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <exception cref="ArgumentException">The batch is empty, has the wrong width, or holds NaN or ∞.</exception>
    public Matrix<float> Predict(Matrix<float> input)
    {
        CheckInput(input);
        if (_rowIndependent && OutputCount is { } outputs)
        {
            // The built-in layers: the same path as Predict(input, output), row blocks on several cores included.
            var output = Matrix<float>.Build.Dense(input.RowCount, outputs);
            PredictInto(Shapes.Dense(input), output, _predictScratch.Value!.For(input.RowCount));
            return output;
        }
        Matrix<float> h = input;
        foreach (ILayer layer in _layers) h = layer.Predict(h);
        return h;
    }

    /// <summary>
    /// Inference into a caller-supplied matrix: the same result as <see cref="Predict(Matrix{float})"/>, without allocating
    /// once warm (intermediate results live in per-thread buffers, kept for the last two batch sizes, so alternating
    /// between two sizes allocates nothing either). Thread-safe.
    /// </summary>
    /// <param name="input">A batch, N × inputs, finite values.</param>
    /// <param name="output">Receives the output, N × outputs; a dense matrix, not <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The batch is empty, has the wrong width or holds NaN or ∞, or the output has the wrong shape or is not dense.</exception>
    public void Predict(Matrix<float> input, Matrix<float> output)
    {
        CheckInput(input);
        ArgumentNullException.ThrowIfNull(output);
        if (output.AsColumnMajorArray() is null || ReferenceEquals(output, input))
            throw new ArgumentException("The output must be a dense matrix other than the input.", nameof(output));
        PredictInto(Shapes.Dense(input), output, _predictScratch.Value!.For(input.RowCount));
    }

    /// <summary>
    /// Inference on plain arrays, for callers without Math.NET: the same numbers, bit for bit, as
    /// <see cref="Predict(Matrix{float})"/> on the matrix holding those rows. Thread-safe. With the built-in layers it allocates
    /// nothing once warm: per-thread buffers are kept for the last two batch sizes and resized for a third.
    /// </summary>
    /// <param name="input">Row-major rows of <see cref="InputCount"/> finite values: row r is <c>input[(r · InputCount)..((r + 1) · InputCount)]</c>; the number of rows is <c>input.Length / InputCount</c>.</param>
    /// <param name="output">Receives the row-major output, rows × <see cref="OutputCount"/> values.</param>
    /// <exception cref="ArgumentException">The input is empty or not a whole number of rows, holds NaN or ∞, or the output's length is not rows × <see cref="OutputCount"/>.</exception>
    /// <exception cref="InvalidOperationException">The network fixes no input or no output width (it has no <see cref="Dense"/> layer), so a span's rows are undefined.</exception>
    /// <example>
    /// <code>
    /// float[] features = ReadSensor();           // 3 rows of model.InputCount values
    /// var scores = new float[3 * model.OutputCount!.Value];
    /// model.Predict(features, scores);
    /// </code>
    /// </example>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        int inputs = InputCount ?? throw new InvalidOperationException(
            "The network fixes no input width (no layer such as Dense declares one), so a span cannot be cut into rows; use Predict(Matrix<float>).");
        int outputs = OutputCount ?? throw new InvalidOperationException(
            "The network fixes no output width, so the output span's length is undefined; use Predict(Matrix<float>).");
        if (input.IsEmpty || input.Length % inputs != 0)
            throw new ArgumentException(
                $"The input holds {input.Length} values, which is not a whole, positive number of rows of {inputs} inputs.", nameof(input));
        int rows = input.Length / inputs;
        long needed = (long)rows * outputs;
        if (output.Length != needed)
            throw new ArgumentException(
                $"The output holds {output.Length} values but {rows} rows × {outputs} outputs need {needed}.", nameof(output));

        PredictBuffers buffers = _predictScratch.Value!.For(rows);
        Matrix<float> x = buffers.Input = Shapes.Reuse(buffers.Input, rows, inputs);
        Matrix<float> y = buffers.Output = Shapes.Reuse(buffers.Output, rows, outputs);
        Transpose(input, x.AsColumnMajorArray(), rows, inputs);
        CheckInput(x);
        PredictInto(x, y, buffers);
        Transpose(y.AsColumnMajorArray(), output, outputs, rows);
    }

    /// <summary>
    /// Freezes the network as it is now for inference: an <see cref="MlpPredictor"/> with its own copy of the weights, the
    /// Dense layers' packed once for the kernels (faster from a batch of 4), the same bits as <see cref="Predict(Matrix{float})"/>.
    /// Later changes to this model do not reach it. Not to be called while the parameters change (training, a step).
    /// </summary>
    /// <exception cref="NotSupportedException">A layer is a user's own type not registered with <see cref="Layers.LayerRegistry"/>, so it cannot be copied; or a Dense layer is too large to pack (about 2³¹ weights).</exception>
    /// <exception cref="InvalidOperationException">A parameter holds NaN or ∞.</exception>
    public MlpPredictor CreatePredictor() => new(this);

    /// <summary>Copies a <paramref name="rows"/> × <paramref name="columns"/> row-major block to column-major (or back, with the counts swapped).</summary>
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        if (rows == 1 || columns == 1)
        {
            source.CopyTo(destination);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = source.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++) destination[c * rows + r] = row[c];
        }
    }

    /// <summary>
    /// Runs the layers from <paramref name="input"/> into <paramref name="output"/>: on this thread alone when the network
    /// is too small per row for a second core to pay (<see cref="RowBlocks.MinimumRowWork"/>), else in row blocks, one per
    /// core, when that applies (<see cref="RowBlocks"/>), else through this thread's per-layer scratch.
    /// </summary>
    private void PredictInto(Matrix<float> input, Matrix<float> output, PredictBuffers buffers)
    {
        if (_multiplyAddsPerRow < RowBlocks.MinimumRowWork)
        {
            using (Kernels.KernelThreads.Force(1)) PredictLayers(input, output, buffers.Layers);
            return;
        }
        if (!RowBlocks.TryRun(this, input, output, buffers)) PredictLayers(input, output, buffers.Layers);
    }

    /// <summary>Runs the layers from <paramref name="input"/> into <paramref name="output"/>, through per-layer scratch.</summary>
    private void PredictLayers(Matrix<float> input, Matrix<float> output, Matrix<float>?[] scratch)
    {
        Matrix<float> h = input;
        for (int k = 0; k < _layers.Length; k++)
        {
            bool last = k == _layers.Length - 1;
            if (_predictInto[k] is not { } layer)
            {
                h = _layers[k].Predict(h);
                if (last) CopyOut(h, output);
                continue;
            }
            int rows = h.RowCount, columns = layer.OutputColumns(h.ColumnCount);
            Matrix<float> destination = last ? output : (scratch[k] = Shapes.Reuse(scratch[k], rows, columns));
            if (last && (output.RowCount != rows || output.ColumnCount != columns))
                throw new ArgumentException($"The output is {Shapes.Describe(output)} but the network produces {rows} × {columns}.", nameof(output));
            layer.Predict(h, destination);
            h = destination;
        }

        static void CopyOut(Matrix<float> result, Matrix<float> output)
        {
            Shapes.RequireSame(output, result, nameof(output));
            result.CopyTo(output);
        }
    }

    /// <summary>
    /// One thread's buffers for the two batch sizes it predicted last, most recent first. Buffers fit one shape exactly
    /// (Math.NET's storage has no spare capacity), so a caller alternating between two sizes (full batches and a
    /// remainder, say) would otherwise reallocate every layer's output, and the row blocks' copies, on every call.
    /// </summary>
    private sealed class PredictScratch(int layerCount)
    {
        private PredictBuffers _recent = new(layerCount), _previous = new(layerCount);
        private int _recentRows = -1;

        /// <summary>
        /// The set last used for batches of <paramref name="rows"/> rows: on a change of size the older set, which holds
        /// that size already when it was the one before, and otherwise takes it over (its buffers resize on use).
        /// </summary>
        internal PredictBuffers For(int rows)
        {
            if (rows != _recentRows)
            {
                (_recent, _previous) = (_previous, _recent);
                _recentRows = rows;
            }
            return _recent;
        }
    }

    /// <summary>One thread's buffers for the allocation-free Predict overloads, for one batch size.</summary>
    private sealed class PredictBuffers(int layerCount)
    {
        /// <summary>Each layer's output, the last unused (it goes to the caller's output).</summary>
        public readonly Matrix<float>?[] Layers = new Matrix<float>?[layerCount];
        /// <summary>The span overload's input and output as column-major matrices.</summary>
        public Matrix<float>? Input, Output;
        /// <summary>The row blocks' own buffers, made on the first Predict that splits.</summary>
        public RowBlocks? Blocks;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Mlp({string.Join(", ", _layers.Select(layer => layer.ToString()))})";

    /// <summary>The first wish of the layers after layer <paramref name="k"/>, skipping those without one; Glorot at the end.</summary>
    private WeightInitialization InitializationAfter(int k)
    {
        for (int j = k + 1; j < _layers.Length; j++)
            if (_layers[j].InitializationBefore is var wish and not WeightInitialization.Auto) return wish;
        return WeightInitialization.Glorot;
    }

    private Matrix<float> ForwardThrough(Matrix<float> input, int layerCount)
    {
        Matrix<float> h = input;
        for (int k = 0; k < layerCount; k++) h = _layers[k].Forward(h);
        return h;
    }

    /// <summary>Backward through the first <paramref name="layerCount"/> layers; without ∂J/∂input unless asked for.</summary>
    private Matrix<float>? BackwardFrom(Matrix<float> gradient, int layerCount, bool inputGradient)
    {
        Matrix<float> g = gradient;
        for (int k = layerCount - 1; k > 0; k--) g = _layers[k].Backward(g);
        if (layerCount == 0) return g;
        if (!inputGradient && _layers[0] is INetworkLayer first)
        {
            first.BackwardParametersOnly(g);
            return null;
        }
        return _layers[0].Backward(g);
    }

    internal void CheckInput(Matrix<float> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shapes.RequireRows(input, nameof(input));
        if (InputCount is { } inputs && input.ColumnCount != inputs)
            throw new ArgumentException(
                $"The network expects {inputs} input columns but the batch has {input.ColumnCount} ({Shapes.Describe(input)}).", nameof(input));
        Shapes.RequireFinite(input, nameof(input));
    }
}
