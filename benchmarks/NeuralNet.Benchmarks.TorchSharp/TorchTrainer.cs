using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>
/// One TorchSharp training step on a fixed batch, the way a PyTorch user writes it: zero_grad, forward,
/// <c>cross_entropy</c> on the logits (mean over the batch, as NeuralNet's loss), backward, plain SGD step.
/// </summary>
internal sealed class TorchTrainer : IDisposable
{
    private readonly Tensor _inputs, _labels;

    /// <param name="model">The NeuralNet model whose layers and initial weights the torch model copies.</param>
    /// <param name="inputs">The batch, N × inputs.</param>
    /// <param name="oneHot">Its one-hot targets, N × classes.</param>
    /// <param name="learningRate">η of plain SGD.</param>
    internal TorchTrainer(Mlp model, Matrix<float> inputs, Matrix<float> oneHot, float learningRate)
    {
        Model = TorchNetwork.From(model, softmax: false);
        Model.train();
        Optimizer = optim.SGD(Model.parameters(), learningRate);
        _inputs = TorchNetwork.RowMajor(inputs);
        _labels = TorchNetwork.ClassIndices(oneHot);
    }

    internal Sequential Model { get; }

    internal SGD Optimizer { get; }

    /// <summary>One step; returns the batch's loss before the update. Every tensor it makes is freed before it returns.</summary>
    internal float Step()
    {
        using DisposeScope scope = NewDisposeScope();
        Optimizer.zero_grad();
        Tensor logits = Model.call(_inputs);
        Tensor loss = nn.functional.cross_entropy(logits, _labels);
        loss.backward();
        Optimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _labels.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
