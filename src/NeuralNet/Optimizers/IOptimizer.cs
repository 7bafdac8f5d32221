namespace NeuralNet.Optimizers;

/// <summary>Updates parameters from their gradients; sees nothing but the list of parameters.</summary>
public interface IOptimizer
{
    /// <summary>Applies one update to every parameter from its current <see cref="Parameter.Gradient"/>.</summary>
    /// <param name="parameters">The parameters to update, usually <see cref="Mlp.Parameters"/>.</param>
    void Step(IReadOnlyList<Parameter> parameters);
}
