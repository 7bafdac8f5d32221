using System.Numerics.Tensors;
using NeuralNet.Optimizers;

namespace NeuralNet.Training;

/// <summary>
/// Gradient clipping as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>: call between
/// <see cref="Mlp.ComputeGradients"/> and an optimizer's step, or set <see cref="TrainingOptions.GradientClipNorm"/> /
/// <see cref="TrainingOptions.GradientClipValue"/> and <see cref="Mlp.Fit"/> does it before every step.
/// </summary>
public static class GradientClipping
{
    /// <summary>PyTorch's constant in max/(‖g‖ + 10⁻⁶), which keeps the scale finite at a zero gradient.</summary>
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Rescales every parameter's gradient in place by one factor so that their global 2-norm is at most
    /// <paramref name="maxNorm"/>, as <c>clip_grad_norm_(parameters, max_norm)</c>: ‖g‖ = √(Σ over every parameter's
    /// every gradient value of g²); when c = max/(‖g‖ + 10⁻⁶) is below 1, every gradient is multiplied by c.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped together, usually <see cref="Mlp.Parameters"/>.</param>
    /// <param name="maxNorm">The largest global norm; greater than 0 and finite.</param>
    /// <returns>‖g‖, the global norm before clipping (∞ when the squares overflow float; finite gradients then become 0, as in PyTorch).</returns>
    /// <remarks>
    /// The squares are summed in float over blocks of 2,048 values (PyTorch takes each tensor's norm in its own
    /// precision), the blocks' sums, the root and c in double. Allocates nothing.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not greater than 0 and finite.</exception>
    public static float ClipGradNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HyperParameters.Positive(maxNorm, nameof(maxNorm), "The largest gradient norm, maxNorm,");
        double sumOfSquares = SumOfSquares(parameters);
        double norm = Math.Sqrt(sumOfSquares);
        double scale = maxNorm / (norm + NormEpsilon);
        if (scale < 1.0)
            for (int i = 0; i < parameters.Count; i++) Run(Gradient(parameters, i), new Bound { Scale = (float)scale });
        return (float)norm;
    }

    /// <summary>
    /// Clamps every gradient value of every parameter to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] in
    /// place, as <c>clip_grad_value_(parameters, clip_value)</c>. Allocates nothing.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped, usually <see cref="Mlp.Parameters"/>.</param>
    /// <param name="clipValue">The largest magnitude of a gradient value; greater than 0 and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not greater than 0 and finite.</exception>
    public static void ClipGradValue(IReadOnlyList<Parameter> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HyperParameters.Positive(clipValue, nameof(clipValue), "The largest gradient value, clipValue,");
        for (int i = 0; i < parameters.Count; i++) Run(Gradient(parameters, i), new Bound { Limit = clipValue, ByValue = true });
    }

    /// <summary>What <paramref name="options"/> asks for, before a step of <see cref="Mlp.Fit"/>: the norm first, then the values (as Keras).</summary>
    internal static void Apply(IReadOnlyList<Parameter> parameters, TrainingOptions options)
    {
        if (options.GradientClipNorm is { } maxNorm) ClipGradNorm(parameters, maxNorm);
        if (options.GradientClipValue is { } clipValue) ClipGradValue(parameters, clipValue);
    }

    private static Span<float> Gradient(IReadOnlyList<Parameter> parameters, int index)
    {
        Parameter parameter = parameters[index];
        ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
        return parameter.Gradient.AsColumnMajorArray();
    }

    /// <summary>
    /// Σ g² over every gradient: a float sum per block of <see cref="UpdateBlocks.Length"/> values, the blocks added in
    /// double in order. The blocks run through the optimizers' walk, on the same two halves of a large gradient, so each
    /// core reads the half it wrote in the backward pass and will update next (on a VM whose cores share no cache,
    /// reading the other core's half costs more than the sum itself); the order of the additions does not depend on it.
    /// </summary>
    private static unsafe double SumOfSquares(IReadOnlyList<Parameter> parameters)
    {
        double sum = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Span<float> gradient = Gradient(parameters, i);
            int blocks = (gradient.Length + UpdateBlocks.Length - 1) / UpdateBlocks.Length;
            if (t_blockSums is null || t_blockSums.Length < blocks) t_blockSums = new double[blocks];
            fixed (float* data = gradient)
            fixed (double* sums = t_blockSums)
                UpdateBlocks.Run(new BlockSquares { Gradient = data, Length = gradient.Length, Sums = sums });
            for (int b = 0; b < blocks; b++) sum += t_blockSums[b];
        }
        return sum;
    }

    [ThreadStatic] private static double[]? t_blockSums;

    /// <summary>Writes each block's Σ g² (in float, as TensorPrimitives sums) to its own slot: parts never share one.</summary>
    private unsafe struct BlockSquares : IBlockUpdate<BlockSquares>
    {
        internal float* Gradient;
        internal double* Sums;   // one per block; a slice starts on a block boundary
        public int Length { readonly get; init; }

        public readonly BlockSquares Slice(int start, int length) =>
            this with { Gradient = Gradient + start, Sums = Sums + start / UpdateBlocks.Length, Length = length };

        public readonly void RunBlock() => *Sums = TensorPrimitives.SumOfSquares(new ReadOnlySpan<float>(Gradient, Length));
    }

    // Through the optimizers' block walk: a call on a whole 0.8 MB gradient would write it with non-temporal stores,
    // out of the cache just before the optimizer reads it; and a large gradient is done in two halves, one per core.
    private static unsafe void Run(Span<float> gradient, Bound bound)
    {
        fixed (float* data = gradient) UpdateBlocks.Run(bound with { Gradient = data, Length = gradient.Length });
    }

    /// <summary>One pass over a range of a gradient: multiply by <see cref="Scale"/>, or clamp to ±<see cref="Limit"/> <see cref="ByValue"/>.</summary>
    private unsafe struct Bound : IBlockUpdate<Bound>
    {
        internal float* Gradient;
        public int Length { readonly get; init; }
        internal float Scale, Limit;
        internal bool ByValue;

        public readonly Bound Slice(int start, int length) => this with { Gradient = Gradient + start, Length = length };

        public readonly void RunBlock()
        {
            var gradient = new Span<float>(Gradient, Length);
            if (ByValue) TensorPrimitives.Clamp(gradient, -Limit, Limit, gradient);
            else TensorPrimitives.Multiply(gradient, Scale, gradient);
        }
    }
}
