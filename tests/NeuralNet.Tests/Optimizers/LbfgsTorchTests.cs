using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using Xunit.Abstractions;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// <see cref="Lbfgs"/> against torch.optim.LBFGS's own iterates (tests/fixtures/lbfgs, written by make.py there): the
/// parameters after each step, the loss at its start and torch's func_evals and n_iter, with no line search and with
/// strong Wolfe, on a softmax cross-entropy MLP and an MSE MLP.
/// </summary>
/// <remarks>
/// The oracle is torch's float64 run. L-BFGS amplifies rounding on these problems, so torch's own float32 runs drift from
/// its float64 run; the fixture records per step the largest drift of four float32 runs (the rows in four orders: the
/// same loss, rounded differently) in the measure max |p − p₆₄| / (|p₆₄| + 0.01), and C#'s float32 must lie within
/// max(10⁻⁵, 2 × the largest drift so far) of the float64 iterates in the same measure. The 5-step runs take 2 iterations
/// per step, where that drift stays at or below 2.7·10⁻⁵; the single steps at torch's defaults (20 iterations) drift
/// 1–4·10⁻⁴. Where all float32 runs take torch's float64 func_evals and n_iter, ours must too.
/// </remarks>
public class LbfgsTorchTests(ITestOutputHelper output)
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "lbfgs");

    public static TheoryData<string> Fixtures =>
    [
        "classifier_none", "classifier_strong_wolfe", "regression_none", "regression_strong_wolfe",
        "classifier_none_defaults", "classifier_strong_wolfe_defaults", "regression_none_defaults", "regression_strong_wolfe_defaults",
        "classifier_decay_strong_wolfe",
    ];

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
        int maxIterations = root.GetProperty("max_iter").GetInt32();
        var lbfgs = new Lbfgs(maxIterations: maxIterations, weightDecay: root.GetProperty("weight_decay").GetSingle(),
            lineSearch: root.GetProperty("line_search").GetString() == "strong_wolfe" ? LbfgsLineSearch.StrongWolfe : LbfgsLineSearch.None);

        int step = 0;
        double drift = 0;   // the largest float32 drift so far: rounding a step makes stays in the iterates after it
        foreach (JsonElement expected in root.GetProperty("steps_float64").EnumerateArray())
        {
            step++;
            float startLoss = lbfgs.Step(model.Parameters, () => model.ComputeGradients(x, y, loss));
            startLoss.Should().BeApproximately(expected.GetProperty("data_loss_at_start").GetSingle(),
                1e-5f * Math.Abs(expected.GetProperty("data_loss_at_start").GetSingle()), $"the loss at the start of step {step}");
            drift = Math.Max(drift, expected.GetProperty("drift_float32").GetDouble());
            double tolerance = Math.Max(1e-5, 2 * drift);
            double worst = WorstDeviation(model, expected.GetProperty("parameters"));
            output.WriteLine($"{name} step {step}: deviation {worst:e2}, tolerance {tolerance:e2}");
            worst.Should().BeLessThanOrEqualTo(tolerance, $"step {step}'s parameters are torch's (torch's own float32 drifts up to {drift:e2})");
            if (expected.GetProperty("counts_agree_float32").GetBoolean())
                (lbfgs.FunctionEvaluations, lbfgs.Iterations).Should().Be(
                    (expected.GetProperty("func_evals").GetInt64(), expected.GetProperty("n_iter").GetInt64()), $"torch's counts after step {step}");
        }
        step.Should().BeGreaterThan(0);
    }

    /// <summary>max |p − p_torch| / (|p_torch| + 0.01) over every parameter value, in torch's order.</summary>
    private static double WorstDeviation(Mlp model, JsonElement torchParameters)
    {
        double worst = 0;
        int k = 0;
        foreach (JsonElement tensor in torchParameters.EnumerateArray())
        {
            Matrix<float> value = model.Parameters[k++].Value;
            double[] expected = tensor.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                // torch's weight is out × in, row-major; the bias a vector: both match (row, column) of ours.
                double actual = value[i / value.ColumnCount, i % value.ColumnCount];
                worst = Math.Max(worst, Math.Abs(actual - expected[i]) / (Math.Abs(expected[i]) + 0.01));
            }
        }
        k.Should().Be(model.Parameters.Count);
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
