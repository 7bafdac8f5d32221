using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using TorchSharp;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>TorchSharp twins of <see cref="Network"/>'s models and data, float32 on the CPU.</summary>
internal static class TorchNetwork
{
    /// <summary>
    /// A <c>torch.nn.Sequential</c> of Linear and ReLU with the same layers and the same initial weights as
    /// <paramref name="model"/>. A NeuralNet <see cref="Dense"/> keeps W as outputs × inputs, the layout of
    /// <c>Linear.weight</c>, and b as outputs × 1.
    /// </summary>
    /// <param name="model">Dense, ReLU and a final Softmax only.</param>
    /// <param name="softmax">
    /// Keep the final softmax (inference, as <see cref="Mlp.Predict(Matrix{float}, Matrix{float})"/> returns
    /// probabilities); leave it out for training, where <c>cross_entropy</c> takes the logits.
    /// </param>
    internal static Sequential From(Mlp model, bool softmax)
    {
        LibTorchLoader.EnsureLoaded();
        var modules = new List<nn.Module<Tensor, Tensor>>();
        foreach (ILayer layer in model.Layers)
        {
            switch (layer)
            {
                case Dense dense:
                    var linear = nn.Linear(dense.Inputs, dense.Outputs, hasBias: true, dtype: float32);
                    using (no_grad())
                    {
                        using Tensor weight = RowMajor(dense.Weights.Value);
                        using Tensor bias = tensor(dense.Bias.Value.AsColumnMajorArray(), [dense.Outputs], float32);
                        linear.weight!.copy_(weight);
                        linear.bias!.copy_(bias);
                    }
                    modules.Add(linear);
                    break;
                case ReLU:
                    modules.Add(nn.ReLU());
                    break;
                case Softmax when ReferenceEquals(layer, model.Layers[^1]):
                    if (softmax) modules.Add(nn.Softmax(1));
                    break;
                default:
                    throw new NotSupportedException($"No TorchSharp twin for {layer}.");
            }
        }
        return nn.Sequential(modules);
    }

    /// <summary>A rows × columns float32 tensor with the matrix's values (Math.NET is column-major, torch row-major).</summary>
    internal static Tensor RowMajor(Matrix<float> matrix) =>
        tensor(matrix.ToRowMajorArray(), [matrix.RowCount, matrix.ColumnCount], float32);

    /// <summary>The class index of each one-hot row, as the int64 targets <c>cross_entropy</c> takes.</summary>
    internal static Tensor ClassIndices(Matrix<float> oneHot)
    {
        var labels = new long[oneHot.RowCount];
        for (int i = 0; i < labels.Length; i++) labels[i] = oneHot.Row(i).MaximumIndex();
        return tensor(labels, [labels.Length], int64);
    }

    /// <summary>Sets torch's intra-op thread count, the counterpart of NeuralNet's KernelSettings.ThreadCount.</summary>
    internal static void SetThreads(int threads)
    {
        LibTorchLoader.EnsureLoaded();
        set_num_threads(threads);
    }
}
