namespace NeuralNet.Layers;

/// <summary>How a <see cref="Dense"/> layer draws its initial weights. Biases always start at zero.</summary>
public enum WeightInitialization
{
    /// <summary>
    /// He when the layer feeds a ReLU-like activation (<see cref="ReLU"/>, <see cref="Softplus"/>) inside an
    /// <see cref="Mlp"/>, Glorot otherwise. The default.
    /// </summary>
    Auto = 0,

    /// <summary>He (Kaiming) normal: N(0, 2 / inputs), which keeps the variance of ReLU activations stable.</summary>
    He,

    /// <summary>Glorot (Xavier) uniform: U(−a, a) with a = √(6 / (inputs + outputs)), suited to tanh, sigmoid and linear units.</summary>
    Glorot,
}
