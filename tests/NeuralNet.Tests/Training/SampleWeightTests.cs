using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.SampleWeights"/>: a row of integer weight k trains exactly like k copies of it, the epoch's
/// loss is the weighted mean, the validation loss is not weighted, and bad weights are refused before training starts.
/// </summary>
public class SampleWeightTests
{
    private static readonly float[] Weights = [1f, 2f, 0f, 3f, 1f, 2f, 1f];

    private static (Matrix<float> X, Matrix<float> Y) Data(string loss)
    {
        var x = TestData.Uniform(Weights.Length, 3, seed: 41);
        var y = loss switch
        {
            "CrossEntropy" => TestData.OneHot(Weights.Length, 2, seed: 42),
            "BinaryCrossEntropy" => TestData.Uniform(Weights.Length, 2, seed: 42, low: 0, high: 1),
            _ => TestData.Uniform(Weights.Length, 2, seed: 42),
        };
        return (x, y);
    }

    private static (Mlp Model, ILoss Loss) Network(string loss) => loss switch
    {
        "CrossEntropy" => (new Mlp(new Dense(3, 5, seed: 43), new Tanh(), new Dense(5, 2, seed: 44), new Softmax()),
            new CrossEntropyLoss { ClassWeights = [1.5f, 0.5f], LabelSmoothing = 0.1f }),
        "BinaryCrossEntropy" => (new Mlp(new Dense(3, 5, seed: 43), new Tanh(), new Dense(5, 2, seed: 44), new Sigmoid()),
            new BinaryCrossEntropyLoss { PositiveWeights = [2f, 1f] }),
        "Huber" => (new Mlp(new Dense(3, 5, seed: 43), new Tanh(), new Dense(5, 2, seed: 44)), new HuberLoss(0.3f)),
        _ => (new Mlp(new Dense(3, 5, seed: 43), new Tanh(), new Dense(5, 2, seed: 44)), new MeanSquaredErrorLoss()),
    };

    private static Matrix<float> Repeat(Matrix<float> m) =>
        Matrix<float>.Build.DenseOfRowVectors(Enumerable.Range(0, m.RowCount).SelectMany(i => Enumerable.Repeat(m.Row(i), (int)Weights[i])));

    [Theory]
    [InlineData("MeanSquaredError")]
    [InlineData("Huber")]
    [InlineData("CrossEntropy")]
    [InlineData("BinaryCrossEntropy")]
    public void Integer_weights_train_exactly_like_repeating_each_row_with_full_batches_and_sgd(string name)
    {
        var (x, y) = Data(name);
        var (weighted, loss) = Network(name);
        var (repeated, _) = Network(name);
        const int epochs = 8;
        var weightedHistory = weighted.Fit(x, y, loss, new Sgd(0.5f),
            new TrainingOptions { Epochs = epochs, BatchSize = x.RowCount, Shuffle = false, SampleWeights = Weights });
        var repeatedHistory = repeated.Fit(Repeat(x), Repeat(y), loss, new Sgd(0.5f),
            new TrainingOptions { Epochs = epochs, BatchSize = (int)Weights.Sum(), Shuffle = false });

        for (int k = 0; k < weighted.Parameters.Count; k++)
        {
            float[] a = weighted.Parameters[k].Value.AsColumnMajorArray(), b = repeated.Parameters[k].Value.AsColumnMajorArray();
            float[] start = Network(name).Model.Parameters[k].Value.AsColumnMajorArray();
            // Relative to the tensor's scale: the two runs add the same terms in a different order (a doubled row against
            // two copies), so an element that is a near-cancelling sum (a bias near 0) differs by rounding of its terms.
            double scale = b.Max(v => Math.Abs((double)v));
            for (int e = 0; e < a.Length; e++)
            {
                a[e].Should().NotBe(start[e], "training moved every weight");
                ((double)a[e]).Should().BeApproximately(b[e], 1e-6 * scale, $"parameter {k} element {e}");
            }
        }
        // The epoch's loss is the weighted mean: the repeated set's plain mean.
        for (int e = 0; e < epochs; e++)
            weightedHistory.Epochs[e].TrainingLoss.Should().BeApproximately(repeatedHistory.Epochs[e].TrainingLoss,
                1e-6f * repeatedHistory.Epochs[e].TrainingLoss);
    }

    [Fact]
    public void The_epoch_loss_is_the_weighted_mean_over_mini_batches_and_the_validation_loss_is_unweighted()
    {
        var (x, y) = Data("MeanSquaredError");
        var (model, loss) = Network("MeanSquaredError");
        // A learning rate too small to change float weights: every batch sees the starting model.
        var history = model.Fit(x, y, loss, new Sgd(1e-30f),
            new TrainingOptions { Epochs = 1, BatchSize = 3, Shuffle = false, SampleWeights = Weights, ValidationInputs = x, ValidationTargets = y });
        var prediction = model.Predict(x);
        double total = Weights.Sum(), expected = 0;
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < 2; j++)
                expected += Weights[i] * 0.5 * Math.Pow(prediction[i, j] - y[i, j], 2) / total;
        ((double)history.Epochs[0].TrainingLoss).Should().BeApproximately(expected, 1e-6);
        history.Epochs[0].ValidationLoss.Should().BeApproximately(loss.Loss(prediction, y), 1e-7f);
        history.Epochs[0].ValidationLoss.Should().NotBeApproximately((float)expected, 1e-4f, "validation is not weighted");
    }

    [Fact]
    public void A_batch_whose_rows_all_weigh_zero_is_skipped_as_if_absent()
    {
        var x = TestData.Uniform(6, 3, seed: 45);
        var y = TestData.Uniform(6, 2, seed: 46);
        var (weighted, loss) = Network("MeanSquaredError");
        var (kept, _) = Network("MeanSquaredError");
        // Momentum would still move the weights on a zero gradient: a skipped batch must take no step at all.
        weighted.Fit(x, y, loss, new Sgd(0.1f, momentum: 0.9f),
            new TrainingOptions { Epochs = 3, BatchSize = 2, Shuffle = false, SampleWeights = [1f, 1f, 0f, 0f, 1f, 1f] });
        kept.Fit(Rows(x, 0, 1, 4, 5), Rows(y, 0, 1, 4, 5), loss, new Sgd(0.1f, momentum: 0.9f),
            new TrainingOptions { Epochs = 3, BatchSize = 2, Shuffle = false });
        for (int k = 0; k < kept.Parameters.Count; k++)
            weighted.Parameters[k].Value.AsColumnMajorArray().Should().Equal(kept.Parameters[k].Value.AsColumnMajorArray());
    }

    private static Matrix<float> Rows(Matrix<float> m, params int[] rows) => Matrix<float>.Build.DenseOfRowVectors(rows.Select(m.Row));

    public static TheoryData<float[], string> BadWeights => new()
    {
        { [1f, 1f, 1f], "*SampleWeights has 3 weights*7 rows*" },
        { [1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], "*SampleWeights has 8 weights*7 rows*" },
        { [1f, -2f, 1f, 1f, 1f, 1f, 1f], "*SampleWeights[1] is -2*" },
        { [1f, 1f, 1f, float.NaN, 1f, 1f, 1f], "*SampleWeights[3] is NaN*" },
        { [1f, 1f, 1f, 1f, 1f, 1f, float.NegativeInfinity], "*SampleWeights[6] is -Infinity*" },
        { [1f, 1f, 1f, 1f, float.PositiveInfinity, 1f, 1f], "*SampleWeights[4] is Infinity*" },
        { [0f, 0f, 0f, 0f, 0f, 0f, 0f], "*All 7 of SampleWeights are 0*" },
    };

    [Theory, MemberData(nameof(BadWeights))]
    public void Bad_sample_weights_are_refused_naming_the_problem_before_any_step(float[] weights, string message)
    {
        var (x, y) = Data("MeanSquaredError");
        var (model, loss) = Network("MeanSquaredError");
        float[] before = model.Parameters[0].Value.AsColumnMajorArray().ToArray();
        var act = () => model.Fit(x, y, loss, new Sgd(0.1f), new TrainingOptions { Epochs = 1, SampleWeights = weights });
        act.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be("SampleWeights");
        model.Parameters[0].Value.AsColumnMajorArray().Should().Equal(before);
    }

    [Fact]
    public void Gathering_a_batch_and_its_weights_allocates_nothing_once_warm()
    {
        var x = TestData.Uniform(10, 3, seed: 47);
        var y = TestData.Uniform(10, 2, seed: 48);
        using var batches = new MiniBatcher(x, y, Enumerable.Range(1, 10).Select(i => (float)i).ToArray(), batchSize: 4, seed: 1);
        double sum = 0;
        void Epoch()
        {
            batches.StartEpoch(shuffle: true);
            for (int b = 0; b < batches.BatchCount; b++)
            {
                batches.Batch(b);
                sum += batches.Weights(b, out double weight).Length + weight;
            }
        }
        Epoch();
        var bytes = new long[5];
        for (int i = 0; i < bytes.Length; i++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            Epoch();
            bytes[i] = GC.GetAllocatedBytesForCurrentThread() - start;
        }
        // As AllocationTests: the runtime may charge a one-off few KB to one call of five, never to two.
        bytes.Count(b => b != 0).Should().BeLessThanOrEqualTo(1, $"bytes per epoch: {string.Join(", ", bytes)}");
        batches.TotalWeight.Should().Be(55);
        sum.Should().Be(6 * (10 + 55));
    }

    [Fact]
    public void A_batchs_weights_follow_its_shuffled_rows()
    {
        // Row i holds i in its input and weighs 10·i: after any shuffle, weight k of a batch is 10 × its input.
        var x = Matrix<float>.Build.Dense(9, 1, (i, _) => i);
        using var batches = new MiniBatcher(x, x, Enumerable.Range(0, 9).Select(i => 10f * i).ToArray(), batchSize: 4, seed: 3);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            batches.StartEpoch(shuffle: true);
            for (int b = 0; b < batches.BatchCount; b++)
            {
                var (inputs, _) = batches.Batch(b);
                float[] weights = batches.Weights(b, out double sum).ToArray();
                weights.Should().Equal(inputs.AsColumnMajorArray().Select(v => 10f * v));
                sum.Should().Be(weights.Sum());
            }
        }
    }
}
