using NeuralNet.Data;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Samples;
using NeuralNet.Training;

namespace NeuralNet.Tests.Robustness;

/// <summary>Same data, same seeds: bit-identical parameters after Fit, whether the kernel runs on one thread or two.</summary>
public class DeterminismTests
{
    private static float[] TrainOnDigits(int threads)
    {
        using var _ = KernelThreads.Force(threads);
        var digits = Digits.Load(SamplePaths.Digits);
        var inputs = StandardScaler.Fit(digits.Inputs).Transform(digits.Inputs);
        // Wide enough, at batch 256, that every product is above the size where the kernel splits across threads.
        var model = new Mlp(new Dense(64, 512, seed: 1), new ReLU(), new Dense(512, 256, seed: 2), new Tanh(),
                            new Dense(256, 10, seed: 3), new Softmax());
        model.Fit(inputs, digits.OneHotTargets(), new CrossEntropyLoss(), new Adam(1e-3f),
                  new TrainingOptions { Epochs = 2, BatchSize = 256, Seed = 4 });
        return model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
    }

    [Fact]
    public void Fit_gives_bit_identical_parameters_on_one_and_two_kernel_threads()
    {
        float[] oneThread = TrainOnDigits(1);
        float[] twoThreads = TrainOnDigits(2);
        float[] again = TrainOnDigits(2);

        twoThreads.Should().Equal(oneThread);
        again.Should().Equal(twoThreads);
    }

    [Fact]
    public void Another_seed_gives_other_parameters()
    {
        // Guards the test above against comparing something that never changes.
        using var _ = KernelThreads.Force(1);
        var digits = Digits.Load(SamplePaths.Digits);
        float[] Train(int seed)
        {
            var model = new Mlp(new Dense(64, 16, seed: seed), new ReLU(), new Dense(16, 10, seed: seed + 1), new Softmax());
            model.Fit(digits.Inputs, digits.OneHotTargets(), new CrossEntropyLoss(), new Adam(1e-3f),
                      new TrainingOptions { Epochs = 1, BatchSize = 256, Seed = seed });
            return model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        }
        Train(1).Should().NotEqual(Train(2));
    }
}
