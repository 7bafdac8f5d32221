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
    /// Each parameter's sum of squares is taken in float (PyTorch takes each tensor's norm in its own precision); the
    /// sums, the root and c are taken in double. Allocates nothing.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not greater than 0 and finite.</exception>
    public static float ClipGradNorm(IReadOnlyList<Parameter> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HyperParameters.Positive(maxNorm, nameof(maxNorm), "The largest gradient norm, maxNorm,");
        double sumOfSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
            sumOfSquares += TensorPrimitives.SumOfSquares(Gradient(parameters, i));
        double norm = Math.Sqrt(sumOfSquares);
        double scale = maxNorm / (norm + NormEpsilon);
        if (scale < 1.0)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                Span<float> gradient = Gradient(parameters, i);
                TensorPrimitives.Multiply(gradient, (float)scale, gradient);
            }
        }
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
        for (int i = 0; i < parameters.Count; i++)
        {
            Span<float> gradient = Gradient(parameters, i);
            TensorPrimitives.Clamp(gradient, -clipValue, clipValue, gradient);
        }
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
}
