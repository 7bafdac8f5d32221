using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using Sequential = TorchSharp.Modules.Sequential;
using TorchParameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace NeuralNet.Benchmarks;

/// <summary>
/// <c>--check</c>: shows that the two sides of every benchmark compute the same thing. Each TorchSharp model gets
/// the NeuralNet model's initial weights; then two training steps on each side must give the same losses, gradients
/// and updated weights, and a prediction the same probabilities. Also shows that a TorchSharp step leaves no tensor
/// behind. Not a benchmark.
/// </summary>
internal static class SanityCheck
{
    private const double LossTolerance = 1e-5;      // absolute, on losses of about 2.3
    private const double RelativeTolerance = 1e-5;  // max |Δ| over max |value|, for gradients, weights and outputs

    /// <returns>0 when everything agrees, 1 otherwise.</returns>
    internal static int Run()
    {
        LibTorchLoader.EnsureLoaded();
        Console.WriteLine($"TorchSharp with libtorch {__version__}; torch threads {get_num_threads()}, .NET processors {Environment.ProcessorCount}");
        bool ok = true;
        ok &= Training("784-256-128-10, batch 64", Network.Mnist(), Network.Inputs(64, 784, seed: 0), Network.OneHot(64, 10, seed: 1000));
        ok &= Training("784-256-128-10, batch 256", Network.Mnist(), Network.Inputs(256, 784, seed: 0), Network.OneHot(256, 10, seed: 1000));
        ok &= Training("64-32-10, batch 32", Network.Small(), Network.Inputs(32, 64, seed: 1), Network.OneHot(32, 10, seed: 2));
        ok &= Predict("784-256-128-10, one sample", Network.Mnist(), Network.Inputs(1, 784, seed: 1));
        ok &= NoLeak();
        Console.WriteLine(ok ? "check: both sides agree" : "check: FAILED");
        return ok ? 0 : 1;
    }

    private static bool Training(string name, Mlp model, Matrix<float> inputs, Matrix<float> targets)
    {
        Console.WriteLine($"training step, {name}:");
        using var torchSide = new TorchTrainer(model, inputs, targets, learningRate: 0.01f);
        var optimizer = new Sgd(0.01f);
        var loss = new CrossEntropyLoss();
        bool ok = true;
        for (int step = 1; step <= 2; step++)
        {
            float neuralNetLoss = model.ComputeGradients(inputs, targets, loss);
            optimizer.Step(model.Parameters);
            float torchLoss = torchSide.Step();
            ok &= Report($"  step {step} loss", neuralNetLoss, torchLoss);

            TorchParameter[] torchParameters = torchSide.Model.parameters().ToArray();
            double gradient = 0, weight = 0;
            for (int p = 0; p < model.Parameters.Count; p++)
            {
                gradient = Math.Max(gradient, RelativeDifference(model.Parameters[p].Gradient, torchParameters[p].grad!));
                weight = Math.Max(weight, RelativeDifference(model.Parameters[p].Value, torchParameters[p]));
            }
            ok &= Report($"  step {step} gradients (max |Δ| / max |g|, worst parameter)", gradient);
            ok &= Report($"  step {step} weights after the update (max |Δ| / max |w|)", weight);
        }
        return ok;
    }

    private static bool Predict(string name, Mlp model, Matrix<float> input)
    {
        Console.WriteLine($"predict, {name}:");
        var output = Matrix<float>.Build.Dense(1, 10);
        model.Predict(input, output);
        using Sequential torchModel = TorchNetwork.From(model, softmax: true);
        torchModel.eval();
        using Tensor torchInput = TorchNetwork.RowMajor(input);
        using var noGrad = no_grad();
        using Tensor torchOutput = torchModel.call(torchInput);
        return Report("  probabilities (max |Δ| / max |p|)", RelativeDifference(output, torchOutput));
    }

    private static bool NoLeak()
    {
        Console.WriteLine("native tensors left by TorchSharp training steps:");
        using var torchSide = new TorchTrainer(Network.Small(), Network.Inputs(32, 64, seed: 1), Network.OneHot(32, 10, seed: 2), 0.01f);
        torchSide.Step();
        long before = Tensor.TotalCount;
        for (int i = 0; i < 1000; i++) torchSide.Step();
        long after = Tensor.TotalCount;
        Console.WriteLine($"  live tensors before 1,000 steps {before}, after {after}");
        bool ok = after <= before;
        if (!ok) Console.WriteLine("  MISMATCH: the step leaks tensors");
        return ok;
    }

    /// <summary>max |a − b| / max |a|, comparing the matrix with the tensor of the same shape (or a vector for a column).</summary>
    private static double RelativeDifference(Matrix<float> neuralNet, Tensor torchValue)
    {
        float[] a = neuralNet.ToRowMajorArray();
        using Tensor detached = torchValue.detach();
        float[] b = detached.data<float>().ToArray();
        if (a.Length != b.Length) throw new InvalidOperationException($"{a.Length} values against {b.Length}.");
        double difference = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(a[i]));
        }
        return scale == 0 ? difference : difference / scale;
    }

    private static bool Report(string what, float neuralNet, float torchValue)
    {
        double difference = Math.Abs(neuralNet - torchValue);
        bool ok = difference <= LossTolerance;
        Console.WriteLine($"{what}: NeuralNet {neuralNet:F7}, TorchSharp {torchValue:F7}, |Δ| {difference:0.0e+0}{(ok ? "" : "  MISMATCH")}");
        return ok;
    }

    private static bool Report(string what, double relativeDifference)
    {
        bool ok = relativeDifference <= RelativeTolerance;
        Console.WriteLine($"{what}: {relativeDifference:0.0e+0}{(ok ? "" : "  MISMATCH")}");
        return ok;
    }
}
