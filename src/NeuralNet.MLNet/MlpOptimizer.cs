namespace NeuralNet.MLNet;

/// <summary>
/// The optimizer an <see cref="MlpTrainer"/> trains with, each one of <c>NeuralNet.Optimizers</c> with PyTorch's update rule,
/// given <see cref="MlpTrainerOptions.LearningRate"/> and <see cref="MlpTrainerOptions.WeightDecay"/>.
/// </summary>
public enum MlpOptimizer
{
    /// <summary><see cref="Optimizers.Adam"/> (torch.optim.Adam), with L2 weight decay. The default.</summary>
    Adam = 0,

    /// <summary><see cref="Optimizers.AdamW"/> (torch.optim.AdamW), with decoupled weight decay.</summary>
    AdamW,

    /// <summary><see cref="Optimizers.Sgd"/> with <see cref="MlpTrainerOptions.Momentum"/> (torch.optim.SGD).</summary>
    Sgd,

    /// <summary><see cref="Optimizers.RmsProp"/> (torch.optim.RMSprop) with <see cref="MlpTrainerOptions.Momentum"/>.</summary>
    RmsProp,

    /// <summary><see cref="Optimizers.Adagrad"/> (torch.optim.Adagrad).</summary>
    Adagrad,
}
