using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

/// <summary>
/// torch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c> against their formulas in double, and clipping inside
/// <see cref="Mlp.Fit"/> against a hand loop that clips and then steps.
/// </summary>
public class GradientClippingTests
{
    // Sizes from one value to several vector widths with a tail, so every SIMD path and remainder runs.
    private static Parameter[] Parameters(float scale, int seed) =>
    [
        Filled(new Parameter("w1", Matrix<float>.Build.Dense(37, 19), isWeight: true), scale, seed),
        Filled(new Parameter("b1", Matrix<float>.Build.Dense(19, 1), isWeight: false), scale, seed + 1),
        Filled(new Parameter("w2", Matrix<float>.Build.Dense(1, 1), isWeight: true), scale, seed + 2),
    ];

    private static Parameter Filled(Parameter parameter, float scale, int seed)
    {
        parameter.Gradient.SetSubMatrix(0, 0, TestData.Uniform(parameter.Gradient.RowCount, parameter.Gradient.ColumnCount, seed, -scale, scale));
        return parameter;
    }

    private static double[][] Gradients(IEnumerable<Parameter> parameters) =>
        parameters.Select(p => p.Gradient.AsColumnMajorArray().Select(v => (double)v).ToArray()).ToArray();

    private static double GlobalNorm(double[][] gradients) => Math.Sqrt(gradients.Sum(g => g.Sum(v => v * v)));

    /// <summary>Every clipped value is its value before times the one factor, to float's precision.</summary>
    private static void ShouldBeScaled(double[][] after, double[][] before, double scale)
    {
        for (int p = 0; p < after.Length; p++)
            for (int i = 0; i < after[p].Length; i++)
                after[p][i].Should().BeApproximately(before[p][i] * scale, Math.Abs(before[p][i] * scale) * 1e-6 + 1e-12);
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(3f)]
    [InlineData(1e-3f)]
    public void Clip_by_norm_scales_every_gradient_by_max_over_the_global_norm(float maxNorm)
    {
        var parameters = Parameters(scale: 1f, seed: 1);
        double[][] before = Gradients(parameters);
        double norm = GlobalNorm(before);
        norm.Should().BeGreaterThan(maxNorm, "the case must clip");

        float returned = GradientClipping.ClipGradNorm(parameters, maxNorm);

        returned.Should().BeApproximately((float)norm, (float)(norm * 1e-6));
        double scale = maxNorm / (norm + 1e-6);
        double[][] after = Gradients(parameters);
        ShouldBeScaled(after, before, scale);
        GlobalNorm(after).Should().BeApproximately(maxNorm, maxNorm * 1e-5);
    }

    [Fact]
    public void Clip_by_norm_leaves_gradients_under_the_bound_untouched_and_returns_their_norm()
    {
        var parameters = Parameters(scale: 0.01f, seed: 2);
        float[][] before = parameters.Select(p => p.Gradient.AsColumnMajorArray().ToArray()).ToArray();
        double norm = GlobalNorm(Gradients(parameters));

        GradientClipping.ClipGradNorm(parameters, maxNorm: 10f).Should().BeApproximately((float)norm, (float)(norm * 1e-6));

        for (int p = 0; p < parameters.Length; p++) parameters[p].Gradient.AsColumnMajorArray().Should().Equal(before[p]);
    }

    [Fact]
    public void The_global_norm_includes_every_parameter_not_only_the_first()
    {
        // The first parameter's own norm (≈ 0.08) is far below the bound; only the last one's is large. Clipping by the
        // global norm must still shrink the first one's gradient by the same factor as the rest.
        var parameters = Parameters(scale: 0.01f, seed: 3);
        parameters[2].Gradient[0, 0] = 50f;
        double[][] before = Gradients(parameters);
        Math.Sqrt(before[0].Sum(v => v * v)).Should().BeLessThan(1);
        double scale = 1.0 / (GlobalNorm(before) + 1e-6);

        GradientClipping.ClipGradNorm(parameters, maxNorm: 1f).Should().BeApproximately((float)GlobalNorm(before), 1e-4f);

        double[][] after = Gradients(parameters);
        ShouldBeScaled(after, before, scale);
        parameters[2].Gradient[0, 0].Should().BeApproximately(1f, 1e-4f, "nearly all the norm is the last gradient's");
    }

    [Fact]
    public void Clip_by_value_clamps_every_gradient_value_to_plus_minus_c()
    {
        var parameters = Parameters(scale: 2f, seed: 4);
        parameters[1].Gradient[3, 0] = float.PositiveInfinity;
        parameters[1].Gradient[4, 0] = float.NegativeInfinity;
        double[][] before = Gradients(parameters);
        const float c = 0.75f;

        GradientClipping.ClipGradValue(parameters, c);

        double[][] after = Gradients(parameters);
        after.SelectMany(g => g).Should().Contain(v => v == c).And.Contain(v => v == -c).And.Contain(v => Math.Abs(v) < c);
        for (int p = 0; p < after.Length; p++)
            for (int i = 0; i < after[p].Length; i++)
                after[p][i].Should().Be(Math.Clamp(before[p][i], -c, c));
    }

    [Fact]
    public void A_gradient_above_the_two_thread_size_is_clipped_by_the_formula_with_the_same_bits_on_one_and_two_threads()
    {
        // 37,000 values: scaled and clamped in blocks, in two halves on two threads.
        (float[] Scaled, float[] Clamped, double[] Before) Clip(int threads)
        {
            using var forced = KernelThreads.Force(threads);
            var parameter = Filled(new Parameter("w", Matrix<float>.Build.Dense(37, 1000), isWeight: true), 1f, seed: 8);
            double[] before = Gradients([parameter])[0];
            GradientClipping.ClipGradNorm([parameter], maxNorm: 2f);
            float[] scaled = parameter.Gradient.AsColumnMajorArray().ToArray();
            GradientClipping.ClipGradValue([parameter], clipValue: 5e-3f);
            return (scaled, parameter.Gradient.AsColumnMajorArray().ToArray(), before);
        }

        var one = Clip(1);
        var two = Clip(2);
        two.Scaled.Should().Equal(one.Scaled);
        two.Clamped.Should().Equal(one.Clamped);
        (one.Scaled.Length).Should().BeGreaterThanOrEqualTo(UpdateBlocks.ParallelThreshold);
        double scale = 2.0 / (GlobalNorm([one.Before]) + 1e-6);
        ShouldBeScaled([one.Scaled.Select(v => (double)v).ToArray()], [one.Before], scale);
        for (int i = 0; i < one.Clamped.Length; i++) one.Clamped[i].Should().Be(Math.Clamp(one.Scaled[i], -5e-3f, 5e-3f));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Bad_bounds_are_rejected_naming_them_and_their_values(float bound)
    {
        var parameters = Parameters(scale: 1f, seed: 5);
        ArgumentChecks.ThrowsOutOfRangeNaming(() => GradientClipping.ClipGradNorm(parameters, bound), "maxNorm", bound);
        ArgumentChecks.ThrowsOutOfRangeNaming(() => GradientClipping.ClipGradValue(parameters, bound), "clipValue", bound);

        var model = Model();
        var (x, y) = Data();
        ArgumentChecks.ThrowsOutOfRangeNaming(() => model.Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f),
            new TrainingOptions { Epochs = 1, GradientClipNorm = bound }), nameof(TrainingOptions.GradientClipNorm), bound);
        ArgumentChecks.ThrowsOutOfRangeNaming(() => model.Fit(x, y, new CrossEntropyLoss(), new Sgd(0.1f),
            new TrainingOptions { Epochs = 1, GradientClipValue = bound }), nameof(TrainingOptions.GradientClipValue), bound);
    }

    private static Mlp Model() => new(new Dense(4, 16, seed: 1), new Tanh(), new Dense(16, 3, seed: 2), new Softmax());

    private static (Matrix<float> X, Matrix<float> Y) Data() => (TestData.Uniform(24, 4, seed: 6, -2f, 2f), TestData.OneHot(24, 3, seed: 7));

    [Theory]
    [InlineData(0.05f, null)]
    [InlineData(null, 0.02f)]
    [InlineData(0.3f, 0.02f)]
    public void Fit_clips_before_every_step_exactly_as_a_hand_loop_that_clips_then_steps(float? maxNorm, float? clipValue)
    {
        // Batches of 8 without shuffling: Fit's batches are rows 0–7, 8–15, 16–23 in order, which the hand loop cuts too.
        var (x, y) = Data();
        var loss = new CrossEntropyLoss();
        var fitted = Model();
        fitted.Fit(x, y, loss, new Sgd(0.5f, momentum: 0.9f),
            new TrainingOptions { Epochs = 4, BatchSize = 8, Shuffle = false, GradientClipNorm = maxNorm, GradientClipValue = clipValue });

        var byHand = Model();
        var sgd = new Sgd(0.5f, momentum: 0.9f);
        bool clipped = false;
        for (int epoch = 0; epoch < 4; epoch++)
            for (int start = 0; start < 24; start += 8)
            {
                byHand.ComputeGradients(x.SubMatrix(start, 8, 0, 4), y.SubMatrix(start, 8, 0, 3), loss);
                if (maxNorm is { } max) clipped |= GradientClipping.ClipGradNorm(byHand.Parameters, max) > max;
                if (clipValue is { } c)
                {
                    clipped |= byHand.Parameters.Any(p => p.Gradient.AsColumnMajorArray().Any(v => Math.Abs(v) > c));
                    GradientClipping.ClipGradValue(byHand.Parameters, c);
                }
                sgd.Step(byHand.Parameters);
            }
        clipped.Should().BeTrue("the bounds must bite for the test to mean anything");

        var unclipped = Model();
        unclipped.Fit(x, y, loss, new Sgd(0.5f, momentum: 0.9f), new TrainingOptions { Epochs = 4, BatchSize = 8, Shuffle = false });

        for (int p = 0; p < fitted.Parameters.Count; p++)
            fitted.Parameters[p].Value.AsColumnMajorArray().Should().Equal(byHand.Parameters[p].Value.AsColumnMajorArray(), "bit for bit");
        fitted.Parameters.SelectMany(p => p.Value.AsColumnMajorArray())
            .Should().NotEqual(unclipped.Parameters.SelectMany(p => p.Value.AsColumnMajorArray()), "clipping changed the training");
    }
}
