namespace NeuralNet.MLNet;

/// <summary>The hidden units' activation g(z) of an <see cref="MlpTrainer"/>'s network (each a layer of <c>NeuralNet.Layers</c>).</summary>
public enum MlpActivation
{
    /// <summary>max(0, z) (<see cref="Layers.ReLU"/>), with He initialisation. The default.</summary>
    ReLU = 0,

    /// <summary>tanh z (<see cref="Layers.Tanh"/>), with Glorot initialisation.</summary>
    Tanh,

    /// <summary>1 / (1 + e⁻ᶻ) (<see cref="Layers.Sigmoid"/>), with Glorot initialisation.</summary>
    Sigmoid,

    /// <summary>z for z &gt; 0, else 0.01 z (<see cref="Layers.LeakyReLU"/>).</summary>
    LeakyReLU,

    /// <summary>z for z &gt; 0, else e^z − 1 (<see cref="Layers.ELU"/>).</summary>
    ELU,

    /// <summary>z · Φ(z), exact (<see cref="Layers.GELU"/>).</summary>
    GELU,

    /// <summary>z · σ(z) (<see cref="Layers.SiLU"/>).</summary>
    SiLU,

    /// <summary>log(1 + e^z) (<see cref="Layers.Softplus"/>).</summary>
    Softplus,
}
