using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>What <see cref="Mlp"/> asks of a layer that has weights to draw or a cheaper first-layer backward.</summary>
internal interface INetworkLayer
{
    /// <summary>Resolves <see cref="WeightInitialization.Auto"/> once the next layer is known; <paramref name="suited"/> is its wish.</summary>
    void InitializeBefore(WeightInitialization suited);

    /// <summary>Backward as the first layer of a network: the parameters' gradients only, without ∂J/∂input.</summary>
    void BackwardParametersOnly(Matrix<float> outputGradient);
}
