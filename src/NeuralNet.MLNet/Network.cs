using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

namespace NeuralNet.MLNet;

/// <summary>The network, loss and optimizer an <see cref="MlpTrainerOptions"/> describes for a task.</summary>
internal static class Network
{
    /// <summary>
    /// Dense(features → h₁), g, [Dropout], …, Dense(hₗ → outputs), then Softmax (multiclass), Sigmoid (binary) or nothing
    /// (regression). Every Dense and Dropout draws its own seed from <paramref name="random"/>, in layer order.
    /// </summary>
    public static Mlp Build(MlpTask task, int features, int classes, MlpTrainerOptions options, Random random)
    {
        var layers = new List<ILayer>();
        int width = features;
        foreach (int hidden in options.HiddenLayers)
        {
            layers.Add(new Dense(width, hidden, random.Next()));
            layers.Add(Activation(options.Activation));
            if (options.Dropout > 0f) layers.Add(new Dropout(options.Dropout, random.Next()));
            width = hidden;
        }
        layers.Add(new Dense(width, task == MlpTask.MulticlassClassification ? classes : 1, random.Next()));
        if (task == MlpTask.MulticlassClassification) layers.Add(new Softmax());
        else if (task == MlpTask.BinaryClassification) layers.Add(new Sigmoid());
        return new Mlp([.. layers]);
    }

    /// <summary>The loss that fuses with the task's output unit (or, for regression, the mean squared error with the lecture's ½).</summary>
    public static ILoss Loss(MlpTask task) => task switch
    {
        MlpTask.MulticlassClassification => new CrossEntropyLoss(),
        MlpTask.BinaryClassification => new BinaryCrossEntropyLoss(),
        _ => new MeanSquaredErrorLoss(),
    };

    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of the optimizer's range (the message names it).</exception>
    public static IOptimizer Optimizer(MlpTrainerOptions options) => options.Optimizer switch
    {
        MlpOptimizer.Adam => new Adam(options.LearningRate, weightDecay: options.WeightDecay),
        MlpOptimizer.AdamW => new AdamW(options.LearningRate, weightDecay: options.WeightDecay),
        MlpOptimizer.Sgd => new Sgd(options.LearningRate, options.Momentum, weightDecay: options.WeightDecay),
        MlpOptimizer.RmsProp => new RmsProp(options.LearningRate, momentum: options.Momentum, weightDecay: options.WeightDecay),
        MlpOptimizer.Adagrad => new Adagrad(options.LearningRate, weightDecay: options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, $"Unknown {nameof(MlpOptimizer)} {options.Optimizer}."),
    };

    private static ILayer Activation(MlpActivation activation) => activation switch
    {
        MlpActivation.ReLU => new ReLU(),
        MlpActivation.Tanh => new Tanh(),
        MlpActivation.Sigmoid => new Sigmoid(),
        MlpActivation.LeakyReLU => new LeakyReLU(),
        MlpActivation.ELU => new ELU(),
        MlpActivation.GELU => new GELU(),
        MlpActivation.SiLU => new SiLU(),
        MlpActivation.Softplus => new Softplus(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Unknown {nameof(MlpActivation)} {activation}."),
    };
}
