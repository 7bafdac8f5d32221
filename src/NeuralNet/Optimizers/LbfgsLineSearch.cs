namespace NeuralNet.Optimizers;

/// <summary>How <see cref="Lbfgs"/> chooses the step length along its direction: PyTorch's <c>line_search_fn</c>.</summary>
public enum LbfgsLineSearch
{
    /// <summary>None: a fixed step of η along the direction (η·min(1, 1/‖g‖₁) on the very first iteration).</summary>
    None,

    /// <summary>
    /// PyTorch's <c>"strong_wolfe"</c> (minFunc's): bracketing and cubic-interpolation zoom until the step meets the strong
    /// Wolfe conditions with c₁ = 10⁻⁴, c₂ = 0.9, at most 25 evaluations.
    /// </summary>
    StrongWolfe,
}
