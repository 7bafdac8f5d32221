using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// <see cref="Lbfgs"/>'s contract outside torch's iterates (<see cref="LbfgsTorchTests"/>): defaults, argument checks,
/// a quadratic's closed-form minimum, a non-finite loss within a step, and <see cref="Mlp.Fit"/> driving it.
/// </summary>
public class LbfgsTests
{
    [Fact]
    public void The_defaults_are_torchs()
    {
        var lbfgs = new Lbfgs();
        (lbfgs.LearningRate, lbfgs.MaxIterations, lbfgs.MaxEvaluations, lbfgs.ToleranceGrad, lbfgs.ToleranceChange, lbfgs.HistorySize,
                lbfgs.LineSearch, lbfgs.WeightDecay)
            .Should().Be((1f, 20, 25, 1e-7, 1e-9, 100, LbfgsLineSearch.None, 0f));
        new Lbfgs(maxIterations: 7).MaxEvaluations.Should().Be(8, "torch's max_eval is max_iter * 5 // 4");
    }

    public static TheoryData<Func<Lbfgs>, string, string> BadArguments => new()
    {
        { () => new Lbfgs(learningRate: 0f), "learningRate", "The learning rate must be greater than 0 and finite, but was 0." },
        { () => new Lbfgs(learningRate: float.NaN), "learningRate", "The learning rate must be greater than 0 and finite, but was NaN." },
        { () => new Lbfgs(maxIterations: 0), "maxIterations", "The iteration count must be at least 1, but was 0." },
        { () => new Lbfgs(maxEvaluations: -3), "maxEvaluations", "The evaluation count must be at least 1, but was -3." },
        { () => new Lbfgs(toleranceGrad: -1e-3), "toleranceGrad", "The gradient tolerance must be at least 0 and finite, but was -0.001." },
        { () => new Lbfgs(toleranceChange: double.PositiveInfinity), "toleranceChange", "The change tolerance must be at least 0 and finite, but was Infinity." },
        { () => new Lbfgs(historySize: 0), "historySize", "The history size must be at least 1, but was 0." },
        { () => new Lbfgs(lineSearch: (LbfgsLineSearch)7), "lineSearch", "The line search must be None or StrongWolfe, but was 7." },
        { () => new Lbfgs(weightDecay: -0.5f), "weightDecay", "Weight decay must be at least 0 and finite, but was -0.5." },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void A_bad_hyper_parameter_is_named_with_its_value(Func<Lbfgs> create, string name, string message) =>
        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(name).Which.Message.Should().StartWith(message);

    [Fact]
    public void A_null_closure_or_parameter_list_is_refused_by_name()
    {
        var lbfgs = new Lbfgs();
        var p = new Parameter("theta", Matrix<float>.Build.Dense(1, 1, 1f), isWeight: true);
        FluentActions.Invoking(() => lbfgs.Step([p], null!)).Should().Throw<ArgumentNullException>().WithParameterName("closure");
        FluentActions.Invoking(() => lbfgs.Step(null!, () => 0f)).Should().Throw<ArgumentNullException>().WithParameterName("parameters");
        FluentActions.Invoking(() => lbfgs.Step([p, null!], () => 0f)).Should().Throw<ArgumentNullException>().WithParameterName("parameters");
    }

    [Fact]
    public void The_plain_step_explains_that_a_closure_is_needed()
    {
        IOptimizer lbfgs = new Lbfgs();
        var p = new Parameter("theta", Matrix<float>.Build.Dense(1, 1, 1f), isWeight: true);
        FluentActions.Invoking(() => lbfgs.Step([p])).Should().Throw<InvalidOperationException>().WithMessage("*closure*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(4810)]
    public void Dot_products_accumulate_in_double_on_every_SIMD_width(int length)
    {
        var random = new Random(length);
        // Terms of mixed magnitude and sign: a float accumulator would lose the small ones.
        float[] a = Enumerable.Range(0, length).Select(i => (float)((random.NextDouble() - 0.5) * Math.Pow(10, i % 7 - 3))).ToArray();
        float[] b = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        double expected = 0, scale = 0;
        for (int i = 0; i < length; i++)
        {
            expected += (double)a[i] * b[i];
            scale += Math.Abs((double)a[i] * b[i]);
        }
        Lbfgs.Dot(a, b).Should().BeApproximately(expected, 1e-14 * scale + 1e-300);
    }

    /// <summary>f(θ) = ½ Σ aᵢ (θᵢ − cᵢ)², gradient aᵢ(θᵢ − cᵢ): its minimum is θ = c.</summary>
    private static Func<float> Quadratic(Parameter p, double[] a, double[] c, Func<int, float?>? poison = null)
    {
        int calls = 0;
        return () =>
        {
            calls++;
            double f = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double r = p.Value[i, 0] - c[i];
                f += 0.5 * a[i] * r * r;
                p.Gradient[i, 0] = (float)(a[i] * r);
            }
            return poison?.Invoke(calls) ?? (float)f;
        };
    }

    [Theory]
    [InlineData(LbfgsLineSearch.None)]
    [InlineData(LbfgsLineSearch.StrongWolfe)]
    public void It_finds_an_ill_conditioned_quadratics_minimum(LbfgsLineSearch lineSearch)
    {
        double[] a = [1, 10, 100, 0.5, 3], c = [1, -2, 0.5, 3, -1];
        var p = new Parameter("theta", Matrix<float>.Build.Dense(5, 1), isWeight: false);
        var lbfgs = new Lbfgs(lineSearch: lineSearch, weightDecay: 1f);   // biases are not decayed
        Func<float> closure = Quadratic(p, a, c);
        for (int step = 0; step < 5; step++) lbfgs.Step([p], closure);
        for (int i = 0; i < a.Length; i++) p.Value[i, 0].Should().BeApproximately((float)c[i], 1e-4f, $"θ{i}");
    }

    [Fact]
    public void Weight_decay_moves_a_weights_minimum_to_the_penalised_one()
    {
        // f + ½λθ² with f = ½a(θ − c)²: the minimum is θ = ac / (a + λ).
        double[] a = [2, 5], c = [1, -3];
        const float lambda = 0.5f;
        var p = new Parameter("w", Matrix<float>.Build.Dense(2, 1), isWeight: true);
        var lbfgs = new Lbfgs(lineSearch: LbfgsLineSearch.StrongWolfe, weightDecay: lambda);
        Func<float> closure = Quadratic(p, a, c);
        for (int step = 0; step < 3; step++) lbfgs.Step([p], closure);
        for (int i = 0; i < a.Length; i++) p.Value[i, 0].Should().BeApproximately((float)(a[i] * c[i] / (a[i] + lambda)), 1e-5f);
    }

    [Theory]
    [InlineData(LbfgsLineSearch.None, 3)]
    [InlineData(LbfgsLineSearch.StrongWolfe, 2)]
    [InlineData(LbfgsLineSearch.StrongWolfe, 1)]
    public void A_non_finite_loss_within_a_step_ends_it_with_the_parameters_it_started_from(LbfgsLineSearch lineSearch, int poisonedCall)
    {
        double[] a = [1, 10, 100], c = [1, -2, 0.5];
        var p = new Parameter("theta", Matrix<float>.Build.Dense(3, 1, [0.3f, 0.2f, 0.1f]), isWeight: true);
        var lbfgs = new Lbfgs(lineSearch: lineSearch);
        float[] before = [.. p.Value.AsColumnMajorArray()];
        float loss = lbfgs.Step([p], Quadratic(p, a, c, call => call == poisonedCall ? float.PositiveInfinity : null));
        loss.Should().Be(float.PositiveInfinity);
        p.Value.AsColumnMajorArray().Should().Equal(before);
    }

    [Fact]
    public void A_warm_step_that_brackets_and_zooms_allocates_nothing()
    {
        // f = 2.99 (1 − cos(θ − 1.66)) from θ = −1.51 with η = 50: the first trial overshoots, the zoom moves a trial
        // off the bracket's end (rules.json's strong_wolfe_insufficient_progress_upper). Each step starts there again.
        var p = new Parameter("theta", Matrix<float>.Build.Dense(1, 1), isWeight: false);
        Func<float> closure = () =>
        {
            double r = p.Value[0, 0] - 1.66;
            p.Gradient[0, 0] = (float)(2.99 * Math.Sin(r));
            return (float)(2.99 * (1 - Math.Cos(r)));
        };
        var lbfgs = new Lbfgs(learningRate: 50f, maxIterations: 5, historySize: 3, lineSearch: LbfgsLineSearch.StrongWolfe);
        int trials = 0;
        lbfgs.LineSearchTrace = (_, _, _) => trials++;
        Parameter[] parameters = [p];
        long Step()
        {
            p.Value[0, 0] = -1.51f;
            long before = GC.GetAllocatedBytesForCurrentThread();
            lbfgs.Step(parameters, closure);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Step();
        Step();
        trials = 0;
        long[] bytes = [Step(), Step(), Step()];
        trials.Should().BeGreaterThan(3 * 3, "each step brackets and zooms");
        bytes.Should().AllSatisfy(b => b.Should().Be(0));
    }

    [Fact]
    public void A_decay_term_that_is_not_finite_ends_the_step_reporting_it()
    {
        // The closure's loss is finite, ½λθ² is not: the objective L-BFGS minimises is +∞.
        var p = new Parameter("w", Matrix<float>.Build.Dense(1, 1, float.PositiveInfinity), isWeight: true);
        float loss = new Lbfgs(weightDecay: 0.5f).Step([p], () => 1f);
        loss.Should().Be(float.PositiveInfinity);
        p.Value[0, 0].Should().Be(float.PositiveInfinity, "the parameters are those the step started from");
    }

    [Fact]
    public void Without_parameters_a_step_evaluates_once_and_binds_to_no_values()
    {
        var lbfgs = new Lbfgs();
        int calls = 0;
        lbfgs.Step([], () => ++calls).Should().Be(1f);
        (calls, lbfgs.FunctionEvaluations, lbfgs.Iterations).Should().Be((1, 1L, 0L), "max |g| over no values is 0, optimal");
        var p = new Parameter("theta", Matrix<float>.Build.Dense(1, 1, 1f), isWeight: true);
        FluentActions.Invoking(() => lbfgs.Step([p], () => 0f)).Should().Throw<ArgumentException>().WithParameterName("parameters");
    }

    [Fact]
    public void The_closure_is_not_kept_after_the_step()
    {
        var lbfgs = new Lbfgs(maxIterations: 2);
        var p = new Parameter("theta", Matrix<float>.Build.Dense(2, 1, 1f), isWeight: false);
        WeakReference closure = StepWithAClosure(lbfgs, p);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        closure.IsAlive.Should().BeFalse("the optimizer holds the batch's closure only within a step");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference StepWithAClosure(Lbfgs lbfgs, Parameter p)
    {
        Func<float> closure = Quadratic(p, [1, 2], [0, 0]);
        lbfgs.Step([p], closure);
        return new WeakReference(closure);
    }

    [Fact]
    public void The_parameters_must_keep_their_size()
    {
        var lbfgs = new Lbfgs(maxIterations: 2);
        var p = new Parameter("theta", Matrix<float>.Build.Dense(2, 1, 1f), isWeight: false);
        lbfgs.Step([p], Quadratic(p, [1, 1], [0, 0]));
        var q = new Parameter("theta", Matrix<float>.Build.Dense(3, 1, 1f), isWeight: false);
        FluentActions.Invoking(() => lbfgs.Step([q], Quadratic(q, [1, 1, 1], [0, 0, 0])))
            .Should().Throw<ArgumentException>().WithParameterName("parameters")
            .WithMessage("L-BFGS holds state for 2 parameter values, but these parameters have 3.*");
    }

    private static (Matrix<float> X, Matrix<float> Y) Data(int rows, int seed)
    {
        var random = new Random(seed);
        var x = Matrix<float>.Build.Dense(rows, 3, (_, _) => (float)(random.NextDouble() * 2 - 1));
        var y = Matrix<float>.Build.Dense(rows, 1, (i, _) => MathF.Sin(2 * x[i, 0]) + x[i, 1] * x[i, 2]);
        return (x, y);
    }

    private static Mlp Regressor() => new(new Dense(3, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2));

    [Fact]
    public void Fit_drives_it_full_batch_with_validation()
    {
        var (x, y) = Data(64, 1);
        var (vx, vy) = Data(32, 2);
        var model = Regressor();
        var lbfgs = new Lbfgs(lineSearch: LbfgsLineSearch.StrongWolfe);
        var history = model.Fit(x, y, new MeanSquaredErrorLoss(), lbfgs,
            new TrainingOptions { Epochs = 5, BatchSize = 64, Seed = 1, ValidationInputs = vx, ValidationTargets = vy });
        history.Epochs.Should().HaveCount(5);
        history.Epochs[^1].TrainingLoss.Should().BeLessThan(history.Epochs[0].TrainingLoss / 4);
        history.Epochs[^1].ValidationLoss.Should().NotBeNull();
        history.Epochs[0].LearningRate.Should().Be(1f);
        lbfgs.Iterations.Should().BeGreaterThan(5, "each epoch's one step runs several iterations");
        // The loss an epoch reports is the one the step started from: the model's loss after the previous epoch.
        new MeanSquaredErrorLoss().Loss(model.Predict(x), y).Should().BeLessThan(history.Epochs[^1].TrainingLoss);
    }

    [Fact]
    public void Fit_with_sample_weights_of_2_equals_fit_on_the_rows_twice()
    {
        var (x, y) = Data(20, 3);
        float[] weights = Enumerable.Range(0, 20).Select(i => i < 10 ? 2f : 1f).ToArray();
        var twice = Enumerable.Range(0, 20).Concat(Enumerable.Range(0, 10)).ToArray();
        var x2 = Matrix<float>.Build.Dense(30, 3, (i, j) => x[twice[i], j]);
        var y2 = Matrix<float>.Build.Dense(30, 1, (i, j) => y[twice[i], j]);
        var weighted = Regressor();
        weighted.Fit(x, y, new MeanSquaredErrorLoss(), new Lbfgs(maxIterations: 5),
            new TrainingOptions { Epochs = 2, BatchSize = 20, Shuffle = false, SampleWeights = weights });
        var repeated = Regressor();
        repeated.Fit(x2, y2, new MeanSquaredErrorLoss(), new Lbfgs(maxIterations: 5), new TrainingOptions { Epochs = 2, BatchSize = 30, Shuffle = false });
        var a = weighted.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        var b = repeated.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        a.Should().Equal(b, (u, v) => Math.Abs(u - v) <= 1e-4f * (1 + Math.Abs(v)));
        a.Should().NotEqual(Regressor().Parameters.SelectMany(p => p.Value.AsColumnMajorArray()), "it trained");
    }

    [Theory]
    [InlineData(LbfgsLineSearch.None)]
    [InlineData(LbfgsLineSearch.StrongWolfe)]
    public void A_loss_that_overflows_in_the_step_stops_Fit_with_the_weights_from_before_it(LbfgsLineSearch lineSearch)
    {
        var (x, y) = Data(16, 4);
        var model = Regressor();
        float[] before = model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).ToArray();
        // η = 10³⁰: the first move (or the line search's first trial) overflows the weights, and the loss there is not finite.
        var act = () => model.Fit(x, y, new MeanSquaredErrorLoss(), new Lbfgs(learningRate: 1e30f, lineSearch: lineSearch),
            new TrainingOptions { Epochs = 2, BatchSize = 16 });
        var error = act.Should().Throw<TrainingDivergedException>().Which;
        (error.Epoch, error.Batch).Should().Be((1, 1));
        float.IsFinite(error.Loss).Should().BeFalse();
        model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()).Should().Equal(before);
    }

    [Fact]
    public void Fit_refuses_gradient_clipping()
    {
        var (x, y) = Data(8, 5);
        FluentActions.Invoking(() => Regressor().Fit(x, y, new MeanSquaredErrorLoss(), new Lbfgs(), new TrainingOptions { Epochs = 1, GradientClipNorm = 1f }))
            .Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*clip*");
    }
}
