namespace NeuralNet.Layers;

/// <summary>
/// The linear output unit: g(z) = z; g'(z) = 1. Pair it with <see cref="Losses.MeanSquaredErrorLoss"/> for regression (or
/// <see cref="Losses.HuberLoss"/>, <see cref="Losses.L1Loss"/> when outliers should pull less).
/// </summary>
/// <remarks>Thread safety: as every <see cref="ActivationLayer"/>, Predict from many threads, Forward and Backward from one.</remarks>
public sealed class Identity : ActivationLayer, ILayerFactory<Identity>
{
    static string ILayerFactory<Identity>.KindName => "Identity";

    static Identity ILayerFactory<Identity>.FromConfig(LayerConfig config) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> h) => z.CopyTo(h);

    /// <inheritdoc/>
    protected override void Derivative(ReadOnlySpan<float> z, ReadOnlySpan<float> h,
        ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
        => outputGradient.CopyTo(inputGradient);
}
