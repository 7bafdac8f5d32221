using NeuralNet.Data;
using NeuralNet.Samples;

namespace NeuralNet.Tests.Samples;

/// <summary>Each sample's core routine on a reduced budget: CI proves the samples work without minutes of training.</summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("sample-tests").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void LectureMlp_library_matches_the_lectures_formulas_for_every_value_and_gradient()
    {
        var quantities = LectureMlpSample.Run();
        quantities.Should().HaveCount(10);
        foreach (var q in quantities) q.MaxDifference.Should().BeLessThan(1e-6, q.Name);
        // Some ReLU units are off, so some gradients are exactly zero: the check covers g′ = 0 as well as g′ = 1.
        quantities.Single(q => q.Name.StartsWith("∂J/∂b(i)")).Lecture.Should().Contain(0.0).And.Contain(v => v != 0.0);
    }

    [Fact]
    public void Digits_trains_evaluates_plots_and_saves_on_a_small_budget()
    {
        var result = DigitsSample.Run(new DigitsSample.Options { Epochs = 3, Hidden = 32, OutputDirectory = _output });
        result.TestAccuracy.Should().BeGreaterThan(0.7f); // 3 epochs of a 32-unit net; chance is 0.1
        result.Confusion.Cast<int>().Sum().Should().Be(result.TestCount);
        File.ReadAllBytes(result.PlotPath)[..4].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        // 3 epochs: 1 of warm-up from η/10, then a cosine over 2 from η = 2e-3 (PyTorch's SequentialLR of LinearLR and CosineAnnealingLR)
        result.History.Epochs.Select(e => e.LearningRate!.Value).Should().Equal((float)((double)2e-3f * 0.1f), 2e-3f, 1e-3f);
        new FileInfo(result.ModelPath).Length.Should().BeGreaterThan(4 * (64 * 32 + 32 * 10));
        Mlp.Load(result.ModelPath).Parameters.Sum(p => p.Count).Should().Be(64 * 32 + 32 + 32 * 10 + 10);
        File.ReadAllBytes(result.OnnxPath).Length.Should().BeGreaterThan(4 * (64 * 32 + 32 * 10));
    }

    [Fact]
    public void Lbfgs_trains_full_batch_and_Adam_at_the_sweeps_best_rate_on_a_small_budget()
    {
        var result = LbfgsSample.Run(new LbfgsSample.Options { LbfgsEpochs = 3, AdamEpochs = 2, AdamRates = [1e-4f, 1e-2f], Hidden = 16 });
        result.Lbfgs.Accuracy.Should().BeGreaterThan(0.85f, "3 full-batch steps of up to 20 iterations; chance is 0.1");
        result.Lbfgs.LossEvaluations.Should().BeGreaterThan(3 * 10, "each step evaluates the loss many times");
        result.AdamSweep.Should().HaveCount(2);
        result.Adam.Name.Should().Contain("0.01", "after 2 epochs η = 1e-2 is far ahead of 1e-4 on the validation part");
        result.ClosureShare.Should().BeInRange(0.2, 1.0);
        (result.TrainCount + result.TestCount).Should().Be(1797);
    }

    [Fact]
    public void OnnxImport_predicts_as_PyTorch_fine_tunes_and_exports_again()
    {
        var result = OnnxImportSample.Run(new OnnxImportSample.Options { Epochs = 10, OutputDirectory = _output });
        result.Shown.Should().HaveCount(16);
        result.LargestDifference.Should().BeLessThan(1e-5f, "the import predicts PyTorch's probabilities");
        result.Shown.Should().OnlyContain(row => row.ImportedClass == row.PyTorchClass);
        result.PyTorchAccuracy.Should().BeApproximately(0.8967f, 1e-4f, "the committed JSON holds PyTorch's accuracy");
        result.ImportedAccuracy.Should().Be(result.PyTorchAccuracy);
        result.FineTunedAccuracy.Should().BeGreaterThan(result.ImportedAccuracy, "fine-tuning on 1,000 unseen digits helps");
        result.ReimportIsBitIdentical.Should().BeTrue();
        File.Exists(result.ExportPath).Should().BeTrue();
    }

    [Fact]
    public void SineRegression_error_falls_as_the_width_grows()
    {
        var (fits, plot) = SineRegressionSample.Run(new SineRegressionSample.Options { Widths = [1, 16], Epochs = 150, OutputDirectory = _output });
        fits[1].TestMse.Should().BeLessThan(fits[0].TestMse / 3);
        File.Exists(plot).Should().BeTrue();
    }

    [Fact]
    public void SigmoidSaturation_cross_entropy_learns_and_mse_stalls()
    {
        var (ce, mse, plot) = SigmoidSaturationSample.Run(new SigmoidSaturationSample.Options { Epochs = 30, OutputDirectory = _output });
        ce.Accuracy.Should().Be(1f);
        ce.Curve[^1].Should().BeLessThan(ce.Curve[0] / 10);
        mse.Accuracy.Should().Be(0f);
        mse.Curve[^1].Should().BeGreaterThan(mse.Curve[0] * 0.95f);
        File.Exists(plot).Should().BeTrue();
    }

    [Fact]
    public void Regularization_the_plain_network_overfits_and_dropout_ends_with_a_lower_test_loss()
    {
        // The full width: a narrower network memorises less and the contrast goes; fewer epochs (80 in the sample).
        var result = RegularizationSample.Run(new RegularizationSample.Options { Epochs = 50, OutputDirectory = _output });
        result.TrainCount.Should().Be(300);
        var plain = result.Plain;
        plain.TestLoss.Should().HaveCount(50);
        plain.FinalTrainingLoss.Should().BeLessThan(0.01f); // memorised
        // Overfitting: the test loss bottomed out well before the end and climbed back by more than noise between epochs.
        plain.MinTestLossEpoch.Should().BeLessThan(40);
        plain.FinalTestLoss.Should().BeGreaterThan(plain.MinTestLoss * 1.005f);
        result.Dropout.FinalTestLoss.Should().BeLessThan(plain.FinalTestLoss);
        result.Best.Should().NotBeSameAs(plain);
        result.Variants.Should().OnlyContain(v => v.TestAccuracy > 0.9f); // chance is 0.1
        File.ReadAllBytes(result.PlotPath)[..4].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
    }

    [Fact]
    public void Checkpoints_an_interrupted_and_resumed_run_ends_with_the_uninterrupted_weights()
    {
        var result = CheckpointsSample.Run(new CheckpointsSample.Options { Epochs = 6, CheckpointEvery = 2, InterruptInEpoch = 4, Hidden = 32, OutputDirectory = _output });
        result.Identical.Should().BeTrue();
        result.InterruptedAt.Epoch.Should().Be(4);
        result.ResumedAt.Should().Be((4, result.InterruptedAt.Batch + 1), "the cancellation's checkpoint continues within the epoch");
        result.EpochsTrained.Should().Be(6);
        result.TestAccuracy.Should().BeGreaterThan(0.8f); // chance is 0.1
        File.ReadAllBytes(result.CheckpointPath)[..8].Should().Equal(0x89, (byte)'N', (byte)'N', (byte)'C', (byte)'K', (byte)'P', (byte)'\r', (byte)'\n');
    }

    [Fact]
    public void Mnist_says_which_command_fetches_missing_files()
    {
        MnistSample.Run(new MnistSample.Options { Directory = _output }).Should().BeNull();
        MnistSample.MissingFilesMessage(_output).Should().Contain("scripts/fetch-mnist.sh");
    }

    [Fact]
    public void Mnist_trains_on_small_IDX_files_and_reports_throughput()
    {
        // 300 training and 100 test "images" of 28 × 28 whose class k lights row 2k.
        var random = new Random(1);
        (byte[] Images, byte[] Labels) Make(int count)
        {
            var images = new byte[count * 784];
            var labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 10);
                for (int c = 0; c < 28; c++) images[i * 784 + 2 * labels[i] * 28 + c] = (byte)random.Next(128, 256);
            }
            return (images, labels);
        }
        foreach (var (prefix, count) in new[] { ("train", 300), ("t10k", 100) })
        {
            var (images, labels) = Make(count);
            File.WriteAllBytes(Path.Combine(_output, $"{prefix}-images-idx3-ubyte"), Data.IdxTests.Idx([count, 28, 28], images));
            File.WriteAllBytes(Path.Combine(_output, $"{prefix}-labels-idx1-ubyte.gz"), Data.IdxTests.Gzip(Data.IdxTests.Idx([count], labels)));
        }
        var result = MnistSample.Run(new MnistSample.Options { Directory = _output, Epochs = 5, Hidden = 32, Hidden2 = 16, BatchSize = 32, OutputDirectory = _output })!;
        result.TrainCount.Should().Be(300);
        result.TestAccuracy.Should().BeGreaterThan(0.5f); // chance is 0.1
        result.SamplesPerSecond.Should().BePositive();
    }
}
