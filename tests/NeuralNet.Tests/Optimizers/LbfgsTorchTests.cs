using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using Xunit.Abstractions;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// <see cref="Lbfgs"/> against torch.optim.LBFGS's own iterates (tests/fixtures/lbfgs, written by make.py there): every
/// parameter after each of 5 steps at torch's defaults (20 iterations a step), the loss at its start and torch's
/// func_evals and n_iter, with no line search and with strong Wolfe, on a softmax cross-entropy MLP and an MSE MLP.
/// </summary>
/// <remarks>
/// The oracle is torch's float64 run; C#'s float32 parameters must lie within 10⁻⁵ of it, each relative to its own size
/// with a floor of 1 % of the largest (|p − p₆₄| ≤ 10⁻⁵ · max(|p₆₄|, 0.01 · max |p₆₄|)). The problems are chosen so
/// that float32 determines the answer far better than that: torch's own float32 runs (the rows in four orders) lie
/// within 8·10⁻⁷ of its float64 run in the same measure after every step, and the fixture records that spread per step.
/// Where all those float32 runs take float64's func_evals and n_iter, ours must too.
/// </remarks>
public class LbfgsTorchTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5, Floor = 0.01;

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "lbfgs");

    public static TheoryData<string> Fixtures => ["classifier_none", "classifier_strong_wolfe", "regression_none", "regression_strong_wolfe"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_step_matches_torchs_iterates(string name)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, name + ".json")));
        JsonElement root = json.RootElement;
        int rows = root.GetProperty("rows").GetInt32();
        int[] sizes = root.GetProperty("layer_sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Matrix<float> x = RowMajor(Floats(root.GetProperty("inputs")), rows, sizes[0]);
        Matrix<float> y = RowMajor(Floats(root.GetProperty("targets")), rows, sizes[2]);
        bool classifier = root.GetProperty("problem").GetString() == "classifier";
        var model = classifier
            ? new Mlp(new Dense(sizes[0], sizes[1]), new Tanh(), new Dense(sizes[1], sizes[2]), new Softmax())
            : new Mlp(new Dense(sizes[0], sizes[1]), new Tanh(), new Dense(sizes[1], sizes[2]));
        ILoss loss = classifier ? new CrossEntropyLoss() : new MeanSquaredErrorLoss();
        SetTorchParameters(model, root.GetProperty("initial_parameters"));
        root.GetProperty("max_iter").GetInt32().Should().Be(20, "the fixture is torch's defaults");
        var lbfgs = new Lbfgs(weightDecay: root.GetProperty("weight_decay").GetSingle(),
            lineSearch: root.GetProperty("line_search").GetString() == "strong_wolfe" ? LbfgsLineSearch.StrongWolfe : LbfgsLineSearch.None);

        int step = 0;
        foreach (JsonElement expected in root.GetProperty("steps_float64").EnumerateArray())
        {
            step++;
            float startLoss = lbfgs.Step(model.Parameters, () => model.ComputeGradients(x, y, loss));
            double torchLoss = expected.GetProperty("data_loss_at_start").GetDouble();
            ((double)startLoss).Should().BeApproximately(torchLoss, Tolerance * Math.Abs(torchLoss), $"the loss at the start of step {step}");
            double worst = WorstDeviation(model, expected.GetProperty("parameters"));
            output.WriteLine($"{name} step {step}: deviation {worst:e2} (torch's float32 spread {expected.GetProperty("spread_float32").GetDouble():e2})");
            worst.Should().BeLessThanOrEqualTo(Tolerance, $"step {step}'s parameters are torch's");
            if (expected.GetProperty("counts_agree_float32").GetBoolean())
                (lbfgs.FunctionEvaluations, lbfgs.Iterations).Should().Be(
                    (expected.GetProperty("func_evals").GetInt64(), expected.GetProperty("n_iter").GetInt64()), $"torch's counts after step {step}");
        }
        step.Should().Be(5);
    }

    /// <summary>max |p − p_torch| / max(|p_torch|, 0.01 · max |p_torch|) over every parameter value, in torch's order.</summary>
    private static double WorstDeviation(Mlp model, JsonElement torchParameters)
    {
        double[][] expected = [.. torchParameters.EnumerateArray().Select(t => t.EnumerateArray().Select(e => e.GetDouble()).ToArray())];
        expected.Should().HaveCount(model.Parameters.Count);
        double floor = Floor * expected.Max(t => t.Max(Math.Abs));
        double worst = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            Matrix<float> value = model.Parameters[k].Value;
            for (int i = 0; i < expected[k].Length; i++)
            {
                // torch's weight is out × in, row-major; the bias a vector: both match (row, column) of ours.
                double actual = value[i / value.ColumnCount, i % value.ColumnCount];
                worst = Math.Max(worst, Math.Abs(actual - expected[k][i]) / Math.Max(Math.Abs(expected[k][i]), floor));
            }
        }
        return worst;
    }

    private static void SetTorchParameters(Mlp model, JsonElement torchParameters)
    {
        int k = 0;
        foreach (JsonElement tensor in torchParameters.EnumerateArray())
        {
            Matrix<float> value = model.Parameters[k++].Value;
            float[] values = Floats(tensor);
            values.Length.Should().Be(value.RowCount * value.ColumnCount);
            for (int i = 0; i < values.Length; i++) value[i / value.ColumnCount, i % value.ColumnCount] = values[i];
        }
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private static Matrix<float> RowMajor(float[] values, int rows, int columns) =>
        Matrix<float>.Build.Dense(rows, columns, (i, j) => values[i * columns + j]);
}
