using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// A user's layer, defined outside the library: h = s · (γ ⊙ x) + offset per feature, with a trainable γ (1 × features,
/// starting at 1), a fixed offset, a sign s (−1 when <see cref="Negate"/>) and a label, so its config holds one value of
/// every type the format has.
/// </summary>
internal sealed class Scale : ISerializableLayer, ILayerFactory<Scale>
{
    private readonly Parameter _gamma;
    private Matrix<float>? _input;

    internal Scale(int features, float offset = 0f, bool negate = false, string label = "scale")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Offset = offset;
        Negate = negate;
        Label = label;
        _gamma = new Parameter("gamma", Matrix<float>.Build.Dense(1, features, 1f), isWeight: true);
    }

    internal int Features { get; }
    internal float Offset { get; }
    internal bool Negate { get; }
    internal string Label { get; }
    internal Parameter Gamma => _gamma;
    private float Sign => Negate ? -1f : 1f;

    public IReadOnlyList<Parameter> Parameters => [_gamma];
    public IReadOnlyList<NamedTensor> State => [new("gamma", _gamma.Value)];
    public int? InputWidth => Features;

    public LayerConfig GetConfig() => new() { { "features", Features }, { "offset", Offset }, { "negate", Negate }, { "label", Label } };

    static string ILayerFactory<Scale>.KindName => "Tests.Scale";

    /// <summary>The widest Scale a file may claim: a user's layer cannot see how many values the file holds, so it bounds its own allocation.</summary>
    internal const int MaxFeatures = 1 << 16;

    static Scale ILayerFactory<Scale>.FromConfig(LayerConfig config)
    {
        int features = config.GetInt32("features");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(features, MaxFeatures);
        config.RequireStoredValues(features, $"Scale({features})"); // memory follows the file's bytes, not its claims
        return new(features, config.GetSingle("offset"), config.GetBoolean("negate"), config.GetString("label"));
    }

    public Matrix<float> Forward(Matrix<float> input)
    {
        _input = input.Clone();
        return Predict(input);
    }

    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        if (_input is null) throw new InvalidOperationException("Backward before Forward.");
        var inputGradient = Matrix<float>.Build.Dense(outputGradient.RowCount, Features);
        for (int j = 0; j < Features; j++)
        {
            float sum = 0f;
            for (int n = 0; n < outputGradient.RowCount; n++)
            {
                sum += outputGradient[n, j] * _input[n, j];
                inputGradient[n, j] = Sign * _gamma.Value[0, j] * outputGradient[n, j];
            }
            _gamma.Gradient[0, j] = Sign * sum;
        }
        return inputGradient;
    }

    public Matrix<float> Predict(Matrix<float> input) =>
        Matrix<float>.Build.Dense(input.RowCount, Features, (n, j) => Sign * (_gamma.Value[0, j] * input[n, j]) + Offset);

    public override string ToString() => $"Scale({Features})";
}
