using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet;

/// <summary>
/// A trainable tensor of a layer: its current value and the gradient of the loss with respect to it.
/// </summary>
/// <remarks>
/// <see cref="Mlp.Backward"/> and <see cref="Mlp.ComputeGradients"/> overwrite <see cref="Gradient"/>; they
/// never accumulate across calls. Optimizers read the gradient and update <see cref="Value"/> in place.
/// Not synchronised: an optimizer step writes <see cref="Value"/> and a backward pass writes <see cref="Gradient"/>; read them from another thread only while no training step runs.
/// </remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter with the given value and a zero gradient of the same shape.</summary>
    /// <param name="name">A name for diagnostics and serialization, such as <c>weights</c>.</param>
    /// <param name="value">The parameter's value; it is used, not copied. Must be a dense matrix.</param>
    /// <param name="isWeight">
    /// <see langword="true"/> for weights, which weight decay (the lecture's λΩ(θ)) applies to;
    /// <see langword="false"/> for biases, which are not decayed.
    /// </param>
    /// <exception cref="ArgumentException">The value is empty or not dense.</exception>
    public Parameter(string name, Matrix<float> value, bool isWeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.RowCount == 0 || value.ColumnCount == 0)
            throw new ArgumentException($"Parameter '{name}' is empty ({value.RowCount} × {value.ColumnCount}).", nameof(value));
        if (value.AsColumnMajorArray() is null)
            throw new ArgumentException($"Parameter '{name}' must be a dense matrix, not {value.GetType().Name}.", nameof(value));
        Name = name;
        Value = value;
        IsWeight = isWeight;
        Gradient = Matrix<float>.Build.Dense(value.RowCount, value.ColumnCount);
    }

    /// <summary>The parameter's name within its layer, such as <c>weights</c> or <c>bias</c>.</summary>
    public string Name { get; }

    /// <summary>The current value, updated in place by optimizers.</summary>
    public Matrix<float> Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>, set by the last backward pass.</summary>
    public Matrix<float> Gradient { get; }

    /// <summary>Whether this is a weight (decayed by weight decay) rather than a bias (not decayed).</summary>
    public bool IsWeight { get; }

    /// <summary>The number of scalars in the parameter.</summary>
    public int Count => Value.RowCount * Value.ColumnCount;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Value.RowCount} × {Value.ColumnCount})";
}
