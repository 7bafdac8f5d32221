using NeuralNet.Serialization;

namespace NeuralNet.Optimizers;

/// <summary>
/// An optimizer whose state a checkpoint holds, so that training resumed from it steps exactly as the uninterrupted run:
/// PyTorch's <c>optimizer.state_dict()</c> / <c>load_state_dict()</c>. Every library optimizer implements it.
/// </summary>
/// <remarks>
/// The state is keyed by parameter index (the position in the list given to <see cref="IOptimizer.Step"/>), not by the
/// <see cref="Parameter"/> object, so a new model and a new optimizer built the same way take the state of the old:
/// a per-parameter buffer is the entry <see cref="StateDict.BufferKey"/>(name, index), such as <c>momentum_buffer.3</c>.
/// The checkpoint records the optimizer's type name itself and rejects another type before <see cref="LoadState"/> runs.
/// </remarks>
internal interface IStatefulOptimizer : IOptimizer
{
    /// <summary>
    /// Writes the hyper-parameters (checked again on load), the learning rate, any step count, and every buffer it holds
    /// for the parameters (a parameter that has not stepped yet has none).
    /// </summary>
    void SaveState(IReadOnlyList<Parameter> parameters, StateDict state);

    /// <summary>Replaces the whole state with <paramref name="state"/>, written by <see cref="SaveState"/> of an optimizer of the same type.</summary>
    /// <exception cref="ArgumentException">A hyper-parameter differs from the checkpoint's (<see cref="StateDict.RequireSame(string, double, string, string)"/>).</exception>
    /// <exception cref="InvalidDataException">An entry is missing, mistyped, out of range or of the wrong length.</exception>
    void LoadState(IReadOnlyList<Parameter> parameters, StateDict state);
}
